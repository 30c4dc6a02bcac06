import { describe, expect, it } from "vitest";
import { TEMPLATE_METAFIELDS, TEMPLATES } from "../templates";
import { ERROR_CASES } from "./errors";
import { analyse, type ExpectedError, type GoldenCase } from "./run";
import { KNOWN_GAPS, SHOPIFY_DOC_CASES, UNSUPPORTED_FILTER_CASES } from "./shopify-docs";

const TEMPLATE_CASES: readonly GoldenCase[] = TEMPLATES.map((template) => ({
  source: "app/segments/templates.ts",
  query: template.query,
  canonical: template.query,
  metafields: TEMPLATE_METAFIELDS,
  note: template.key,
}));

const CORPUS: readonly GoldenCase[] = [...SHOPIFY_DOC_CASES, ...UNSUPPORTED_FILTER_CASES, ...ERROR_CASES, ...TEMPLATE_CASES];
const GAPS = new Set(KNOWN_GAPS.map((gap) => gap.query));

const label = (golden: GoldenCase) => {
  const text = JSON.stringify(golden.query);
  return text.length > 90 ? `${text.slice(0, 70)}… (${golden.query.length} characters)` : text;
};

const matches = (actual: string | undefined, expected: RegExp | string) =>
  typeof expected === "string" ? (actual ?? "").includes(expected) : expected.test(actual ?? "");

describe("golden corpus", () => {
  it.each(CORPUS.filter((golden) => !GAPS.has(golden.query)).map((golden) => [label(golden), golden] as const))("%s", (_label, golden) => {
    const result = analyse(golden.query, golden.metafields);
    if (golden.canonical !== undefined) {
      expect("errors" in result ? result.errors.map(String) : [], golden.source).toEqual([]);
      expect(result).toEqual({ canonical: golden.canonical });
      expect(analyse(golden.canonical, golden.metafields), "canonical text is a fixed point").toEqual({ canonical: golden.canonical });
      return;
    }
    const expected = golden.errors ?? [];
    const actual = "errors" in result ? result.errors : [];
    const position = (e: ExpectedError | (typeof actual)[number]) => ({ code: e.code, at: `${e.line}:${e.column}` });
    expect(actual.map(position), `${golden.source}\n${actual.map(String).join("\n")}`).toEqual(expected.map(position));
    expected.forEach((want, i) => {
      const got = actual[i];
      if (want.message !== undefined) expect(matches(got?.message, want.message), `message "${got?.message}" should match ${String(want.message)}`).toBe(true);
      if (want.suggestion !== undefined) {
        expect(matches(got?.suggestion, want.suggestion), `suggestion "${got?.suggestion}" should match ${String(want.suggestion)}`).toBe(true);
      }
    });
  });
});

describe("the corpus itself", () => {
  it("gives every case exactly one expectation: canonical text or errors", () => {
    for (const golden of CORPUS) expect([golden.canonical !== undefined, golden.errors !== undefined], label(golden)).toEqual(expect.arrayContaining([true, false]));
  });

  it("names the Shopify page each documentation example comes from", () => {
    for (const golden of [...SHOPIFY_DOC_CASES, ...UNSUPPORTED_FILTER_CASES]) expect(golden.source).toMatch(/^https:\/\/[a-z.-]+\//);
  });

  it("holds each documentation example once", () => {
    const queries = SHOPIFY_DOC_CASES.map((golden) => golden.query);
    expect(new Set(queries).size).toBe(queries.length);
  });

  it("has at least 25 hand-written error cases", () => {
    expect(ERROR_CASES.filter((golden) => golden.errors).length).toBeGreaterThanOrEqual(25);
  });

  it("lists only known gaps that are cases of the corpus", () => {
    const queries = new Set(CORPUS.map((golden) => golden.query));
    for (const gap of KNOWN_GAPS) expect(queries.has(gap.query), gap.query.slice(0, 80)).toBe(true);
  });
});
