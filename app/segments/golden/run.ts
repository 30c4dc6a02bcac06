import { analyse as analyseQuery } from "../engine";
import type { SegmentErrorCode, SegmentQueryError } from "../errors";
import type { MetafieldDefinitionInfo } from "../filters";

/** What the engine makes of a query: its canonical text, or every error it reports (in source order). */
export type Analysis = { readonly canonical: string } | { readonly errors: readonly SegmentQueryError[] };

/** Runs a query end to end (parse, check against the catalogue and the shop's metafields, print). */
export function analyse(query: string, metafields: readonly MetafieldDefinitionInfo[] = []): Analysis {
  const result = analyseQuery(query, { metafields });
  return result.ok ? { canonical: result.canonical } : { errors: result.errors };
}

/** One error a golden case expects, at the place it should point to (1-based line and column). */
export interface ExpectedError {
  readonly line: number;
  readonly column: number;
  readonly code: SegmentErrorCode;
  /** the message contains this text, or matches this pattern */
  readonly message?: RegExp | string;
  /** the suggestion contains this text, or matches this pattern */
  readonly suggestion?: RegExp | string;
}

/** A query and what the engine should make of it: exactly one of `canonical` or `errors`. */
export interface GoldenCase {
  /** where the query comes from: the page it was found on, or the file that wrote it */
  readonly source: string;
  readonly query: string;
  /** the query is valid and prints as this text */
  readonly canonical?: string;
  /** the query is refused with these errors, in source order */
  readonly errors?: readonly ExpectedError[];
  /** the shop's customer metafield definitions the query is checked against */
  readonly metafields?: readonly MetafieldDefinitionInfo[];
  /** why the case is here or how it was adapted from its source */
  readonly note?: string;
}

/** A golden case the engine does not yet handle as expected; excluded from the golden test and reported. */
export interface KnownGap {
  readonly query: string;
  /** what the engine does instead, and what should change */
  readonly reason: string;
}
