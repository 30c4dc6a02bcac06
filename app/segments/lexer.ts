import { syntaxError, SegmentQueryError } from "./errors";
import type { Token, TokenKind } from "./token";

export const MAX_QUERY_LENGTH = 10_000;

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_.]/;
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?/;
const DEPRECATED_DATE = /^\d+_(days|weeks|months|years)_ago\b/;
const RELATIVE_DATE = /^[+-]\d+[dwmy](?![A-Za-z0-9_])/;
const NUMBER = /^-?\d+(\.\d+)?(?![A-Za-z0-9_])/;

/** Splits query text into tokens; the last one is EOF. Throws SegmentQueryError on text it cannot read. */
export function tokenize(source: string): Token[] {
  if (source.length > MAX_QUERY_LENGTH) {
    throw new SegmentQueryError(
      "TOO_LONG",
      `the query is ${source.length} characters long; at most ${MAX_QUERY_LENGTH} are allowed`,
      source,
      { start: MAX_QUERY_LENGTH, end: source.length },
      "split it into smaller segments",
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
    const rest = source.slice(i, i + 40);
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
    else if (RELATIVE_DATE.test(rest)) {
      const length = (RELATIVE_DATE.exec(rest) as RegExpExecArray)[0].length;
      push("RelativeDate", i, (i += length));
    } else if (/[0-9]/.test(c) && DATE.test(rest)) {
      const length = (DATE.exec(rest) as RegExpExecArray)[0].length;
      push("Date", i, (i += length));
    } else if (/[0-9]/.test(c) && DEPRECATED_DATE.test(rest)) {
      const length = (DEPRECATED_DATE.exec(rest) as RegExpExecArray)[0].length;
      push("DeprecatedDate", i, (i += length));
    } else if (/[-0-9]/.test(c) && NUMBER.test(rest)) {
      const length = (NUMBER.exec(rest) as RegExpExecArray)[0].length;
      push("Number", i, (i += length));
    } else if (NAME_START.test(c)) {
      const start = i;
      while (i < source.length && NAME_PART.test(source[i] as string)) i++;
      if (source[i - 1] === ".") throw syntaxError(source, { start, end: i }, `"${source.slice(start, i)}" ends with a dot`, "a filter name looks like metafields.namespace.key");
      push("Name", start, i);
    } else {
      const end = i + 1;
      throw syntaxError(
        source,
        { start: i, end },
        `unexpected character "${c}"`,
        c === '"' ? "text values go in single quotes, like 'vip'" : c === "/" ? "write dates as 2025-01-31" : undefined,
      );
    }
  }
  push("EOF", source.length, source.length, "");
  return tokens;
}

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
      push("String", start, i + 1, value);
      return i + 1;
    }
    if (c === "\n") break;
    value += c;
    i++;
  }
  throw syntaxError(source, { start, end: i }, "this text value has no closing quote", "end it with a single quote (')");
}
