import { localeTag, type Locale } from "~/i18n";

/** A date as the merchant reads it: in the shop's time zone, in the admin's language. */
export function formatDateTime(value: Date | string | null, locale: Locale, timeZone: string): string | null {
  if (value === null) return null;
  return new Intl.DateTimeFormat(localeTag(locale), { dateStyle: "medium", timeStyle: "short", timeZone }).format(
    new Date(value),
  );
}

export function formatCount(value: number, locale: Locale): string {
  return new Intl.NumberFormat(localeTag(locale)).format(value);
}

/** A change in a count with its sign: +20, -3, 0. */
export function formatChange(change: number, locale: Locale): string {
  return new Intl.NumberFormat(localeTag(locale), { signDisplay: "exceptZero" }).format(change);
}
