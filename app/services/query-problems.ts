/**
 * The engine's errors as the editor shows them: message, place, suggestion and the replacement the
 * suggestion names, in the merchant's language. Pure: the server's answers and the browser's own
 * syntax check use the same one.
 */
import { localizedMessage, localizedSuggestion, suggestedReplacement, type SegmentQueryError } from "~/segments/errors";
import type { Locale } from "~/segments/messages";
import type { QueryProblem } from "./segment-editor.types";

export function queryProblem(error: SegmentQueryError, locale: Locale = "en"): QueryProblem {
  const suggestion = localizedSuggestion(error, locale);
  const replacement = suggestedReplacement(error);
  return {
    message: localizedMessage(error, locale),
    line: error.line,
    column: error.column,
    start: error.span.start,
    end: error.span.end,
    ...(suggestion ? { suggestion } : {}),
    ...(replacement !== null ? { replacement } : {}),
  };
}

export function queryProblems(errors: readonly SegmentQueryError[], locale: Locale = "en"): QueryProblem[] {
  return errors.map((error) => queryProblem(error, locale));
}
