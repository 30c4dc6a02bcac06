import { describe, expect, it } from "vitest";
import type { CountResponse } from "~/services/segment-editor.types";
import { countable, countAnswered, countRequested, isCountResponse, NO_COUNT, shownCount } from "./live-count";

const counted = (count: number): CountResponse => ({ ok: true, count, preview: [], milliseconds: 12 });

describe("live count", () => {
  it("counts only text that parses", () => {
    expect(countable("amount_spent > 100")).toBe(true);
    expect(countable("amount_spend > 100")).toBe(true); // the server names the unknown filter
    expect(countable("amount_spent >")).toBe(false);
    expect(countable("   ")).toBe(false);
  });

  it("takes the answer to the latest request and never lets an older one replace it", () => {
    let state = countRequested(NO_COUNT, 1, "a");
    state = countRequested(state, 2, "ab");
    // the answer to request 1 arrives after request 2 went out: ignored
    const late = countAnswered(state, 1, counted(100));
    expect(late).toBe(state);
    state = countAnswered(state, 2, counted(40));
    expect(state.answer).toEqual({ seq: 2, text: "ab", response: counted(40) });
    expect(shownCount(state, "ab")).toEqual({ response: counted(40), current: true });
    // and once taken, a stale one cannot overwrite it either
    expect(countAnswered(state, 1, counted(100))).toBe(state);

    // a newer request: the shown answer is kept but marked as about an earlier text
    state = countRequested(state, 3, "abc");
    expect(shownCount(state, "abc")).toEqual({ response: counted(40), current: false });
    expect(countAnswered(state, 2, counted(41))).toBe(state);
    const answer = counted(7);
    state = countAnswered(state, 3, answer);
    expect(countAnswered(state, 3, answer)).toBe(state); // the same answer seen twice changes nothing
    expect(shownCount(state, "abc")).toEqual({ response: answer, current: true });
  });

  it("ignores request numbers that go backwards and answers to nothing asked", () => {
    const state = countRequested(NO_COUNT, 5, "x");
    expect(countRequested(state, 4, "y")).toBe(state);
    expect(countAnswered(NO_COUNT, 0, counted(1))).toBe(NO_COUNT);
    expect(shownCount(NO_COUNT, "x")).toBeNull();
  });

  it("recognises the count route's answers and nothing else", () => {
    expect(isCountResponse(counted(3))).toBe(true);
    expect(isCountResponse({ ok: false, problems: [] })).toBe(true);
    expect(isCountResponse({ error: "query: text of at most 10000 characters" })).toBe(false);
    expect(isCountResponse({ ok: false })).toBe(false);
    expect(isCountResponse(undefined)).toBe(false);
    expect(isCountResponse("ok")).toBe(false);
  });
});
