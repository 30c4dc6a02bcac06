/**
 * Values as the editor's inputs show them and as the query text writes them. A row keeps its value
 * as query text (`'vip'`, `100.5`, `-30d`, `2025-01-31`); the inputs show the merchant's words
 * (vip, 100.5, "30 days ago") and turn what is typed or picked back into query text. Pure.
 */
import { localeTag, type Locale } from "~/i18n";
import type { Value } from "~/segments/ast";
import { SegmentQueryError } from "~/segments/errors";
import { parse } from "~/segments/parser";
import { value as printValue } from "~/segments/print";


const NOWHERE = { start: 0, end: 0 };

/** The value a piece of query text stands for (as the parser reads it after `=`), or null. */
export function readValue(text: string | undefined): Value | null {
  if (text === undefined || text.trim() === "") return null;
  try {
    const expression = parse(`x = ${text}`).expression;
    return expression.kind === "Comparison" && expression.filter.args === null ? expression.value : null;
  } catch (error) {
    if (error instanceof SegmentQueryError) return null;
    throw error;
  }
}

/** Text as a quoted value of the language: rock 'n' roll → 'rock \'n\' roll'. */
export function quoteText(text: string): string {
  return printValue({ kind: "String", value: text, span: NOWHERE });
}

/** What a text input shows for a value: the text inside the quotes, or the value as written when it is not text. */
export function unquoteText(value: string | undefined): string {
  const read = readValue(value);
  return read?.kind === "String" ? read.value : (value ?? "");
}

/** A text input's content as a value: empty stays empty (the row is then incomplete), anything else is quoted. */
export function textValue(input: string): string {
  return input === "" ? "" : quoteText(input);
}

/**
 * A number as typed → the query's number: spaces dropped and, when there is no dot, a decimal comma
 * read as the point (12,50 → 12.50), as a Dutch merchant types it.
 */
export function numberValue(input: string): string {
  const compact = input.replace(/\s/g, "");
  return compact.includes(",") && !compact.includes(".") ? compact.replace(",", ".") : compact;
}

/** The currency's symbol before or after the amount, as the merchant's language writes money: € before 100 in Dutch and English. */
export function currencyAffixes(currencyCode: string, locale: Locale): { prefix?: string; suffix?: string } {
  let parts: Intl.NumberFormatPart[];
  try {
    parts = new Intl.NumberFormat(localeTag(locale), { style: "currency", currency: currencyCode }).formatToParts(1);
  } catch {
    return { suffix: currencyCode };
  }
  const currency = parts.findIndex((part) => part.type === "currency");
  const integer = parts.findIndex((part) => part.type === "integer");
  const symbol = parts[currency]?.value;
  if (!symbol) return { suffix: currencyCode };
  return currency < integer ? { prefix: symbol } : { suffix: symbol };
}

export type RelativeUnit = "d" | "w" | "m" | "y";
export const RELATIVE_UNITS: readonly RelativeUnit[] = ["d", "w", "m", "y"];
const INTL_UNIT = { d: "day", w: "week", m: "month", y: "year" } as const;

/** The relative choices the date input offers first: today, 30 and 90 days ago, a year ago. */
export const RELATIVE_CHOICES: readonly string[] = ["today", "-30d", "-90d", "-1y"];

/** `amount` units before (ago) or after (from now) today, as the language writes it: 30 days ago → -30d. */
export function relativeDate(amount: number, unit: RelativeUnit, direction: "ago" | "ahead"): string | null {
  if (!Number.isSafeInteger(amount) || amount < 0) return null;
  return `${direction === "ago" ? "-" : "+"}${amount}${unit}`;
}

/** A relative date value split for the free relative input: -30d → 30 days ago. */
export function splitRelative(value: string | undefined): { amount: number; unit: RelativeUnit; direction: "ago" | "ahead" } | null {
  const read = readValue(value);
  if (read?.kind !== "RelativeDate") return null;
  return { amount: Math.abs(read.amount), unit: read.unit, direction: read.amount < 0 ? "ago" : "ahead" };
}

/** A day picked on the calendar (the picker's local midnight) as the language's date: 2025-01-31. */
export function calendarDate(day: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(day.getFullYear(), 4)}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/** The day a date value names, for the calendar to show (local midnight); null for relative dates and anything else. */
export function pickerDay(value: string | undefined): Date | null {
  const read = readValue(value);
  if (read?.kind !== "Date") return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(read.value);
  if (!match) return null;
  const day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(day.getTime()) ? null : day;
}

/**
 * A date value in the merchant's words: "today", "30 days ago", "in 2 weeks", "Jan 31, 2025"; null
 * when the text is no date value (the input then shows no description).
 */
export function describeDate(value: string | undefined, locale: Locale): string | null {
  const read = readValue(value);
  if (!read) return null;
  const tag = localeTag(locale);
  switch (read.kind) {
    case "NamedDate":
      return new Intl.RelativeTimeFormat(tag, { numeric: "auto" }).format(read.name === "today" ? 0 : -1, "day");
    case "RelativeDate":
      return new Intl.RelativeTimeFormat(tag, { numeric: "always" }).format(read.amount, INTL_UNIT[read.unit]);
    case "Date": {
      const [date, time] = read.value.split("T");
      const [y, m, d] = (date ?? "").split("-").map(Number);
      const [hh = 0, mm = 0, ss = 0] = (time ?? "").split(":").filter(Boolean).map(Number);
      const at = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1, hh, mm, ss));
      if (Number.isNaN(at.getTime())) return null;
      const options: Intl.DateTimeFormatOptions = time ? { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" } : { dateStyle: "medium", timeZone: "UTC" };
      return new Intl.DateTimeFormat(tag, options).format(at);
    }
    default:
      return null;
  }
}

/** The label of a relative choice: "today", "30 days ago", "1 year ago". */
export function relativeChoiceLabel(value: string, locale: Locale): string {
  return describeDate(value, locale) ?? value;
}
