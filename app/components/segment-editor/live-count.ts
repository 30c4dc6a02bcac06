/**
 * The live count's bookkeeping: every request gets a number, and only the answer to the latest
 * request is taken, so an answer that arrives late never replaces a newer one. Pure.
 */
import type { CountResponse } from "~/services/segment-editor.types";
import { syntaxProblem } from "./problems";

export const COUNT_DEBOUNCE_MS = 250;

export interface LiveCount {
  /** the number of the latest request, 0 before the first */
  latest: number;
  /** the text of the latest request */
  asked: string | null;
  /** the latest answer taken, with the text it counted */
  answer: { seq: number; text: string; response: CountResponse } | null;
}

export const NO_COUNT: LiveCount = { latest: 0, asked: null, answer: null };

/** Whether a text is worth counting: something that parses (a syntax error is shown without asking). */
export function countable(text: string): boolean {
  return text.trim() !== "" && syntaxProblem(text) === null;
}

export function countRequested(state: LiveCount, seq: number, text: string): LiveCount {
  if (seq <= state.latest) return state;
  return { ...state, latest: seq, asked: text };
}

/** An answer to request `seq`: taken only when no later request was made since, and only once. */
export function countAnswered(state: LiveCount, seq: number, response: CountResponse): LiveCount {
  if (seq !== state.latest || state.asked === null) return state;
  if (state.answer?.seq === seq && state.answer.response === response) return state;
  return { ...state, answer: { seq, text: state.asked, response } };
}

/** What the count shows for the text on screen: the answer, and whether it is about this text or an earlier one (still counting). */
export function shownCount(state: LiveCount, text: string): { response: CountResponse; current: boolean } | null {
  if (!state.answer) return null;
  return { response: state.answer.response, current: state.answer.text === text };
}

/** Whether a fetcher's data is the count route's answer (a refused request answers something else). */
export function isCountResponse(data: unknown): data is CountResponse {
  if (typeof data !== "object" || data === null || !("ok" in data)) return false;
  return data.ok === true ? "count" in data && "preview" in data : "problems" in data && Array.isArray(data.problems);
}
