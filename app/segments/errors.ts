/** A place in the query text: offsets into the source, end exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export type SegmentErrorCode =
  | "SYNTAX"
  | "TOO_LONG"
  | "TOO_DEEP"
  | "UNKNOWN_FILTER"
  | "BAD_OPERATOR"
  | "BAD_VALUE";

/**
 * The only error the engine throws. It carries a message written for a merchant, the span it is
 * about, its line:column (1-based) and, where one exists, a suggestion.
 */
export class SegmentQueryError extends Error {
  override name = "SegmentQueryError";
  readonly line: number;
  readonly column: number;

  constructor(
    readonly code: SegmentErrorCode,
    message: string,
    readonly source: string,
    readonly span: Span,
    readonly suggestion?: string,
  ) {
    super(message);
    const position = lineColumn(source, span.start);
    this.line = position.line;
    this.column = position.column;
  }

  /** The source line with a caret under the span, as a terminal or the editor shows it. */
  excerpt(): string {
    const lines = this.source.split("\n");
    const text = lines[this.line - 1] ?? "";
    const width = Math.max(1, Math.min(this.span.end, this.span.start + text.length - (this.column - 1)) - this.span.start);
    return `${text}\n${" ".repeat(this.column - 1)}${"^".repeat(width)}`;
  }

  /** "1:14 unknown filter `amount_spend`; did you mean `amount_spent`?" */
  override toString(): string {
    return `${this.line}:${this.column} ${this.message}${this.suggestion ? `; ${this.suggestion}` : ""}`;
  }
}

export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** The one factory for syntax errors. */
export function syntaxError(source: string, span: Span, message: string, suggestion?: string): SegmentQueryError {
  return new SegmentQueryError("SYNTAX", message, source, span, suggestion);
}
