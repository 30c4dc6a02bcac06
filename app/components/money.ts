import { localeTag, type Locale } from "~/i18n";
import { currencyDigits } from "~/sync/money";

/** Minor units as exact decimal text of the major unit: 7450n with 2 digits → "74.50". */
export function minorToDecimal(minor: bigint, digits: number): `${number}` {
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const whole = text.slice(0, text.length - digits);
  const fraction = digits > 0 ? `.${text.slice(text.length - digits)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}` as `${number}`;
}

/**
 * An amount kept in minor units, in the merchant's language and the shop's currency. `whole`
 * rounds to the major unit (for a sentence: "€74"); the decimal text keeps it exact, never a float.
 */
export function formatMoney(minor: bigint, currencyCode: string, locale: Locale, { whole = false }: { whole?: boolean } = {}): string {
  const digits = currencyDigits(currencyCode);
  return new Intl.NumberFormat(localeTag(locale), {
    style: "currency",
    currency: currencyCode,
    minimumFractionDigits: whole ? 0 : digits,
    maximumFractionDigits: whole ? 0 : digits,
  }).format(minorToDecimal(minor, digits));
}
