import { describe, expect, it } from "vitest";
import { analyse } from "~/segments/engine";
import { TEMPLATE_METAFIELDS } from "~/segments/templates";
import type { QueryProblem } from "~/services/segment-editor.types";
import { editorReducer, stateFromText } from "./editor-state";
import { queryProblem } from "~/services/query-problems";
import { applySuggestion, excerpt, placeOfProblem, problemsToShow, replacementOf, syntaxProblem } from "./problems";

/** The engine's problems with a text, as the count route and the save action report them. */
function problemsOf(text: string): QueryProblem[] {
  const analysis = analyse(text, { metafields: TEMPLATE_METAFIELDS });
  if (analysis.ok) throw new Error(`expected problems with ${text}`);
  return analysis.errors.map((error) => queryProblem(error));
}

const only = (text: string) => {
  const [problem, ...rest] = problemsOf(text);
  if (!problem || rest.length > 0) throw new Error(`expected one problem with ${text}`);
  return problem;
};

describe("which problems show", () => {
  it("finds a syntax error without the server, at its line and column", () => {
    expect(syntaxProblem("amount_spent > 100 AND")).toMatchObject({ line: 1, column: 23, start: 22, end: 22 });
    expect(syntaxProblem("amount_spent > 100\nAND \"vip\"")).toMatchObject({ line: 2, column: 5, suggestion: "text values go in single quotes, like 'vip'" });
    expect(syntaxProblem("amount_spend > 100")).toBeNull(); // a checker problem: the server's to report
    expect(syntaxProblem("")).toBeNull();
  });

  it("shows reports about the text on screen only, each once, in the order of the text", () => {
    const text = "amount_spend > 100 AND rfm_group = 'LOYL'";
    const problems = problemsOf(text);
    expect(problems.map((problem) => problem.column)).toEqual([1, 36]);
    const reversed = [...problems].reverse();
    expect(problemsToShow(text, [{ text, problems: reversed }, { text, problems: problems.slice(0, 1) }])).toEqual(problems);
    // an answer about an earlier text points at the wrong places: not shown
    expect(problemsToShow(`${text} `, [{ text, problems }, null, undefined])).toEqual([]);
    // a syntax error of the text on screen comes first and alone
    expect(problemsToShow(`${text} AND`, [{ text: `${text} AND`, problems }])).toEqual([syntaxProblem(`${text} AND`)]);
  });
});

describe("a problem at its place", () => {
  it("prints the line with a caret under the span, also on a later line", () => {
    const text = "amount_spent > 100\nAND amount_spend > 1";
    const problem = only(text);
    expect(problem).toMatchObject({ line: 2, column: 5, message: "unknown filter amount_spend" });
    expect(excerpt(text, problem)).toEqual({ source: "AND amount_spend > 1", caret: "    ^^^^^^^^^^^^" });
  });

  it("applies a suggestion that is a replacement: a filter name, an enum value, a whole number", () => {
    const filter = "amount_spend > 100";
    expect(replacementOf(only(filter))).toBe("amount_spent");
    expect(applySuggestion(filter, only(filter))).toBe("amount_spent > 100");
    const value = "rfm_group = 'LOYL' OR amount_spent > 5";
    expect(applySuggestion(value, only(value))).toBe("rfm_group = 'LOYAL' OR amount_spent > 5");
    const whole = "number_of_orders >= 2.6";
    expect(applySuggestion(whole, only(whole))).toBe("number_of_orders >= 3");
    const metafield = "anniversary(date: 'metafields.facts.birth_dat') = today";
    expect(applySuggestion(metafield, only(metafield))).toBe("anniversary(date: 'metafields.facts.birth_date') = today");
    for (const fixed of ["amount_spent > 100", "rfm_group = 'LOYAL' OR amount_spent > 5", "number_of_orders >= 3"]) expect(analyse(fixed).ok).toBe(true);
  });

  it("does not apply advice that is not a replacement", () => {
    const advice = only("amount_spent > 'lots'");
    expect(advice.suggestion).toBe("write a number such as 100 or 12.50, without thousands separators");
    expect(replacementOf(advice)).toBeNull();
    expect(applySuggestion("amount_spent > 'lots'", advice)).toBeNull();
    expect(replacementOf({ ...advice, suggestion: undefined })).toBeNull();
    // the replacement travels with the problem, whatever language its words are in
    expect(only("amount_spend > 100").replacement).toBe("amount_spent");
    expect(JSON.parse(JSON.stringify(only("amount_spend > 100")))).toMatchObject({ replacement: "amount_spent" });
  });

  it("finds the row a problem falls in, and the MATCHES condition", () => {
    const text = "amount_spent > 100 AND (rfm_group = 'LOYL' OR customer_tags CONTAINS 'vip') AND products_purchased MATCHES (id = 1, dat > -30d)";
    const { rows } = stateFromText(text);
    const [rfm, dat] = problemsOf(text);
    expect(rows?.groups.map((group) => group.rows.map((row) => row.filter))).toEqual([["amount_spent"], ["rfm_group", "customer_tags"], ["products_purchased"]]);
    expect(placeOfProblem(text, rows, rfm as QueryProblem)).toEqual({ group: 1, row: 0 });
    expect(placeOfProblem(text, rows, dat as QueryProblem)).toEqual({ group: 2, row: 0, parameter: 1 });
  });

  it("leaves a problem above the rows when the rows do not match the text's clauses", () => {
    const text = "amount_spend > 100";
    const problem = only(text);
    const state = stateFromText(text);
    expect(placeOfProblem(text, state.rows, problem)).toEqual({ group: 0, row: 0 });
    // an unfinished second row: the rows no longer list the text's clauses
    const unfinished = editorReducer(state, { type: "addRow", group: 0 });
    expect(unfinished.text).toBe(text);
    expect(placeOfProblem(text, unfinished.rows, problem)).toBeNull();
    expect(placeOfProblem(text, null, problem)).toBeNull();
    expect(placeOfProblem("amount_spend >", state.rows, problem)).toBeNull();
  });
});

describe("in the admin's language", () => {
  it("finds a syntax error in Dutch, at the same place", () => {
    const text = "amount_spent > 100\nAND \"vip\"";
    expect(syntaxProblem(text, "nl")).toEqual({ ...syntaxProblem(text), message: 'onverwacht teken """', suggestion: "zet tekstwaarden tussen enkele aanhalingstekens, zoals 'vip'" });
    expect(problemsToShow(`${text} AND`, [], "nl")).toEqual([syntaxProblem(`${text} AND`, "nl")]);
    expect(queryProblem(analyseErrors("amount_spend > 100")[0]!, "nl")).toMatchObject({ message: "onbekend filter amount_spend", suggestion: "misschien amount_spent?" });
  });

  it("applies a Dutch suggestion that is a replacement, and not Dutch advice", () => {
    for (const [text, fixed] of [
      ["amount_spend > 100", "amount_spent > 100"],
      ["rfm_group = 'LOYL' OR amount_spent > 5", "rfm_group = 'LOYAL' OR amount_spent > 5"],
      ["number_of_orders >= 2.6", "number_of_orders >= 3"],
      ["anniversary(date: 'metafields.facts.birth_dat') = today", "anniversary(date: 'metafields.facts.birth_date') = today"],
    ] as const) {
      const [error] = analyseErrors(text);
      const dutch = queryProblem(error!, "nl");
      expect(dutch.suggestion).not.toBe(error!.suggestion);
      expect(applySuggestion(text, dutch), text).toBe(fixed);
    }
    const advice = queryProblem(analyseErrors("amount_spent > 'lots'")[0]!, "nl");
    expect(queryProblem(analyseErrors("amount_spent > 'lots'")[0]!)).toEqual(queryProblem(analyseErrors("amount_spent > 'lots'")[0]!, "en"));
    expect(advice.suggestion).toBe("schrijf een getal zoals 100 of 12.50, zonder scheidingsteken voor duizendtallen");
    expect(replacementOf(advice)).toBeNull();
  });
});

function analyseErrors(text: string) {
  const analysis = analyse(text, { metafields: TEMPLATE_METAFIELDS });
  if (analysis.ok) throw new Error(`expected problems with ${text}`);
  return analysis.errors;
}
