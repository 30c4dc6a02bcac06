import type { Span } from "./errors";

export type TokenKind =
  | "Name" // amount_spent, metafields.facts.birth_date, AND, today …
  | "String" // 'vip' (value without quotes, escapes resolved)
  | "Number" // 12, 12.5, -3
  | "Date" // 2025-01-31 or 2025-01-31T10:00:00
  | "RelativeDate" // -30d, +2w, -3m, -1y
  | "DeprecatedDate" // 30_days_ago, 12_months_ago
  | "LParen"
  | "RParen"
  | "Comma"
  | "Colon"
  | "Operator" // = != > >= < <=
  | "EOF";

export interface Token extends Span {
  readonly kind: TokenKind;
  /** the token's text as written (for String: the unquoted value) */
  readonly value: string;
}

/** Words the grammar gives meaning to; matched case-insensitively. */
export const KEYWORDS = ["AND", "OR", "NOT", "BETWEEN", "CONTAINS", "IS", "NULL", "MATCHES", "IN", "TRUE", "FALSE"] as const;
export type Keyword = (typeof KEYWORDS)[number];

export function isKeyword(token: Token, keyword: Keyword): boolean {
  return token.kind === "Name" && token.value.toUpperCase() === keyword;
}
