/**
 * Shopify sends money as decimal text ("12.99", "1000", "-0.50"); the store keeps integer minor
 * units of the currency. The conversion is exact (string arithmetic, never a float): a value with
 * more decimals than the currency has, or anything that is not a decimal number, is refused.
 */

const cache = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency: 2 for EUR and USD, 0 for JPY, 3 for KWD. */
export function currencyDigits(currencyCode: string): number {
  let digits = cache.get(currencyCode);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    cache.set(currencyCode, digits);
  }
  return digits;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export class MoneyFormatError extends Error {
  override name = "MoneyFormatError";
}

/** "12.99" with 2 digits → 1299n. Extra trailing zeros are fine ("12.990"); extra precision is not. */
export function decimalToMinor(amount: string | number, digits: number): bigint {
  const text = typeof amount === "number" ? numberText(amount) : amount.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new MoneyFormatError(`not a decimal amount: ${JSON.stringify(amount)}`);
  const [, minus, whole, fraction = ""] = match;
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > digits) throw new MoneyFormatError(`${text} has more than ${digits} decimals`);
  const minor = BigInt(whole + fraction.slice(0, digits).padEnd(digits, "0"));
  return minus && minor !== 0n ? -minor : minor;
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new MoneyFormatError(`not a finite amount: ${value}`);
  // up to 20 significant digits, never exponent form for money-sized values
  return Math.abs(value) < 1e21 ? value.toFixed(Math.min(20, Math.max(0, (String(value).split(".")[1] ?? "").length))) : String(value);
}
