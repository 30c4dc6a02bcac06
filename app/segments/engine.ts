import type { Clause, Query } from "./ast";
import { check, type CheckContext } from "./checker";
import { SegmentQueryError } from "./errors";
import type { FilterDefinition } from "./filters";
import { message } from "./messages";
import { parse } from "./parser";
import { print } from "./print";

/** A query that parsed and checked: the typed AST both evaluation paths take. */
export interface CheckedQuery {
  readonly query: Query;
  readonly source: string;
  /** the catalogue entry every clause resolved to */
  readonly filters: ReadonlyMap<Clause, FilterDefinition>;
}

export type Analysis =
  | { readonly ok: true; readonly checked: CheckedQuery; readonly canonical: string }
  | { readonly ok: false; readonly errors: readonly SegmentQueryError[] };

/**
 * Parses and checks query text: the typed query and its canonical text, or every error found.
 * Never throws for any input.
 */
export function analyse(source: string, context: CheckContext = {}): Analysis {
  let query: Query;
  try {
    query = parse(source);
  } catch (error) {
    if (error instanceof SegmentQueryError) return { ok: false, errors: [error] };
    throw error;
  }
  const result = check(query, source, context);
  if (result.errors.length > 0) return { ok: false, errors: result.errors };
  return { ok: true, checked: { query, source, filters: result.filters }, canonical: print(query) };
}

/** The filter a checked clause resolved to. */
export function filterOf(checked: CheckedQuery, clause: Clause): FilterDefinition {
  const definition = checked.filters.get(clause);
  if (!definition) throw new SegmentQueryError("SYNTAX", message("engine.unchecked"), checked.source, clause.span);
  return definition;
}
