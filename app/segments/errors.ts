import { render, replacementOf, verbatim, type Locale, type Message } from "./messages";

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
 * about, its line:column (1-based) and, where one exists, a suggestion. `message` and `suggestion`
 * are in English; `localizable` holds both as catalogue messages (messages.ts) for other languages.
 */
export class SegmentQueryError extends Error {
  override name = "SegmentQueryError";
  readonly line: number;
  readonly column: number;
  readonly suggestion?: string;
  /** the message and the suggestion as keys and parameters, to be put into the merchant's language */
  readonly localizable: { readonly message: Message; readonly suggestion?: Message };

  constructor(
    readonly code: SegmentErrorCode,
    message: Message | string,
    readonly source: string,
    readonly span: Span,
    suggestion?: Message | string,
  ) {
    const text = typeof message === "string" ? verbatim(message) : message;
    super(render(text, "en"));
    const hint = typeof suggestion === "string" ? verbatim(suggestion) : suggestion;
    this.localizable = hint ? { message: text, suggestion: hint } : { message: text };
    if (hint) this.suggestion = render(hint, "en");
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
export function syntaxError(source: string, span: Span, message: Message, suggestion?: Message): SegmentQueryError {
  return new SegmentQueryError("SYNTAX", message, source, span, suggestion);
}

/** The error's message in the merchant's language. */
export function localizedMessage(error: SegmentQueryError, locale: Locale): string {
  return render(error.localizable.message, locale);
}

/** The error's suggestion in the merchant's language, if it has one. */
export function localizedSuggestion(error: SegmentQueryError, locale: Locale): string | undefined {
  const suggestion = error.localizable.suggestion;
  return suggestion ? render(suggestion, locale) : undefined;
}

/** The text the error's suggestion would put in place of its span ("did you mean amount_spent?" → amount_spent), or null. */
export function suggestedReplacement(error: SegmentQueryError): string | null {
  return replacementOf(error.localizable.suggestion);
}
