import { syntaxError, SegmentQueryError } from "./errors";
import { message } from "./messages";
import type { Token, TokenKind } from "./token";

export const MAX_QUERY_LENGTH = 10_000;

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_.]/;
// sticky: each matches at one offset of the whole query, however long the token
const DATE = /\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?/y;
const DEPRECATED_DATE = /\d+_(days|weeks|months|years)_ago\b/y;
const RELATIVE_DATE = /[+-]\d+[dwmy](?![A-Za-z0-9_])/y;
const NUMBER = /-?\d+(\.\d+)?(?![A-Za-z0-9_])/y;

/** The length of the token `pattern` matches at `offset`, or 0. */
function lengthAt(pattern: RegExp, source: string, offset: number): number {
  pattern.lastIndex = offset;
  return pattern.exec(source)?.[0].length ?? 0;
}

/** Splits query text into tokens; the last one is EOF. Throws SegmentQueryError on text it cannot read. */
export function tokenize(source: string): Token[] {
  if (source.length > MAX_QUERY_LENGTH) {
    throw new SegmentQueryError(
      "TOO_LONG",
      message("lexer.tooLong", { length: source.length, max: MAX_QUERY_LENGTH }),
      source,
      { start: MAX_QUERY_LENGTH, end: source.length },
      message("hint.split"),
    );
  }
  const tokens: Token[] = [];
  const push = (kind: TokenKind, start: number, end: number, value = source.slice(start, end)) => tokens.push({ kind, value, start, end });
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(") push("LParen", i, ++i);
    else if (c === ")") push("RParen", i, ++i);
    else if (c === ",") push("Comma", i, ++i);
    else if (c === ":") push("Colon", i, ++i);
    else if (c === "=") push("Operator", i, ++i);
    else if (c === "!" && source[i + 1] === "=") push("Operator", i, (i += 2));
    else if (c === ">" || c === "<") {
      const end = source[i + 1] === "=" ? i + 2 : i + 1;
      push("Operator", i, end);
      i = end;
    } else if (c === "'") i = readString(source, i, push);
    else if (lengthAt(RELATIVE_DATE, source, i) > 0) push("RelativeDate", i, (i += lengthAt(RELATIVE_DATE, source, i)));
    else if (/[0-9]/.test(c) && lengthAt(DATE, source, i) > 0) push("Date", i, (i += lengthAt(DATE, source, i)));
    else if (/[0-9]/.test(c) && lengthAt(DEPRECATED_DATE, source, i) > 0) push("DeprecatedDate", i, (i += lengthAt(DEPRECATED_DATE, source, i)));
    else if (/[-0-9]/.test(c) && lengthAt(NUMBER, source, i) > 0) push("Number", i, (i += lengthAt(NUMBER, source, i))); else if (NAME_START.test(c)) {
      const start = i;
      while (i < source.length && NAME_PART.test(source[i] as string)) i++;
      if (source[i - 1] === ".") throw syntaxError(source, { start, end: i }, message("lexer.endsWithDot", { name: source.slice(start, i) }), message("lexer.filterNameShape"));
      push("Name", start, i);
    } else {
      const end = i + 1;
      throw syntaxError(
        source,
        { start: i, end },
        message("lexer.unexpectedCharacter", { character: c }),
        c === '"' ? message("lexer.singleQuotes") : c === "/" ? message("lexer.dateFormat") : undefined,
      );
    }
  }
  push("EOF", source.length, source.length, "");
  return tokens;
}

/** NUL (PostgreSQL text cannot hold it) and lone UTF-16 surrogates (no encoding can). */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function readString(source: string, start: number, push: (kind: TokenKind, start: number, end: number, value?: string) => void): number {
  let value = "";
  let i = start + 1;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === "\\" && i + 1 < source.length) {
      value += source[i + 1];
      i += 2;
      continue;
    }
    if (c === "'") {
      if (UNSTORABLE.test(value)) {
        throw syntaxError(source, { start, end: i + 1 }, message("lexer.unstorable"), message("lexer.removeUnstorable"));
      }
      push("String", start, i + 1, value);
      return i + 1;
    }
    if (c === "\n") break;
    value += c;
    i++;
  }
  throw syntaxError(source, { start, end: i }, message("lexer.unclosedString"), message("lexer.closeString"));
}
