/**
 * Problems in the query text at their place: which ones belong to the text on screen, the source
 * line with a caret under the span, the suggestion as a replacement when it is one, and the row a
 * span falls in. Pure.
 */
import type { Expression, Clause } from "~/segments/ast";
import { SegmentQueryError } from "~/segments/errors";
import type { Locale } from "~/segments/messages";
import { parse } from "~/segments/parser";
import type { Rows } from "~/segments/rows";
import { queryProblem } from "~/services/query-problems";
import type { QueryProblem } from "~/services/segment-editor.types";
import { rowPlaces } from "./editor-state";

/** The text's syntax error, found here without asking the server (a text that does not parse is not sent to be counted). */
export function syntaxProblem(text: string, locale: Locale = "en"): QueryProblem | null {
  if (text.trim() === "") return null;
  try {
    parse(text);
    return null;
  } catch (error) {
    if (error instanceof SegmentQueryError) return queryProblem(error, locale);
    throw error;
  }
}

/** Problems someone reported about a text: the count route's or the save action's. */
export interface ReportedProblems {
  text: string;
  problems: readonly QueryProblem[];
}

/**
 * The problems to show for the text on screen: its syntax error when it has one, else what the
 * count and the save reported about this very text (a report about an earlier text would point at
 * the wrong place), each once, in the order of the text.
 */
export function problemsToShow(text: string, reports: readonly (ReportedProblems | null | undefined)[], locale: Locale = "en"): QueryProblem[] {
  const syntax = syntaxProblem(text, locale);
  if (syntax) return [syntax];
  const seen = new Set<string>();
  const shown: QueryProblem[] = [];
  for (const report of reports) {
    if (!report || report.text !== text) continue;
    for (const problem of report.problems) {
      const key = `${problem.start}:${problem.end}:${problem.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      shown.push(problem);
    }
  }
  return shown.sort((a, b) => a.start - b.start);
}

/** The source line and a caret line under the problem's span, as the engine prints them. */
export function excerpt(text: string, problem: QueryProblem): { source: string; caret: string } {
  const error = new SegmentQueryError("SYNTAX", problem.message, text, { start: problem.start, end: problem.end });
  const [source = "", caret = ""] = error.excerpt().split("\n");
  return { source, caret };
}

/** The text the problem's suggestion would put in place of the span ("did you mean amount_spent?" → amount_spent); null for advice. */
export function replacementOf(problem: QueryProblem): string | null {
  return problem.replacement ?? null;
}

/** The text with the problem's suggestion applied, or null when there is nothing to apply. */
export function applySuggestion(text: string, problem: QueryProblem): string | null {
  const replacement = replacementOf(problem);
  if (replacement === null || problem.start > problem.end || problem.end > text.length) return null;
  return text.slice(0, problem.start) + replacement + text.slice(problem.end);
}

/** The clauses of an expression in reading order. */
function clausesOf(expression: Expression): Clause[] {
  switch (expression.kind) {
    case "And":
    case "Or":
      return expression.operands.flatMap(clausesOf);
    case "Not":
      return clausesOf(expression.operand);
    default:
      return [expression];
  }
}

export interface ProblemPlace {
  group: number;
  row: number;
  /** the MATCHES condition the span falls in */
  parameter?: number;
}

/**
 * The row a problem's span falls in. Rows and text list the same clauses in the same order (both
 * ways through the rows model keep it), so the clause holding the span is the row at its index;
 * null when the text does not parse, the rows do not match its clauses (an unfinished row), or the
 * span is between clauses.
 */
export function placeOfProblem(text: string, rows: Rows | null, problem: QueryProblem): ProblemPlace | null {
  if (!rows) return null;
  let clauses: Clause[];
  try {
    clauses = clausesOf(parse(text).expression);
  } catch (error) {
    if (error instanceof SegmentQueryError) return null;
    throw error;
  }
  const places = rowPlaces(rows);
  if (places.length !== clauses.length || places.some((place, i) => place.filter !== clauses[i]?.filter.name)) return null;
  const index = clauses.findIndex((clause) => clause.span.start <= problem.start && problem.start < Math.max(clause.span.end, clause.span.start + 1));
  const clause = clauses[index];
  const place = places[index];
  if (!clause || !place) return null;
  // the new MATCHES form lists its conditions as the row does; the legacy form's arguments are not its row's conditions one to one
  if (clause.kind === "Matches" && clause.filter.args === null) {
    const parameter = clause.parameters.findIndex((p) => p.span.start <= problem.start && problem.start < p.span.end);
    if (parameter >= 0) return { group: place.group, row: place.row, parameter };
  }
  return { group: place.group, row: place.row };
}
