// @ts-check
/**
 * Exact decimal arithmetic on Shopify's `Decimal` strings ("19.99", "0.125"): a value is an
 * integer count of 10^-scale units, held in a BigInt, so 3 × "19.99" is "59.97" and never
 * 59.970000000000006. Plain JavaScript with no imports (bundled into the Function).
 */

/**
 * `units / 10^scale`, exactly.
 * @typedef {{ units: bigint, scale: number }} Decimal
 */

/** Shopify's decimals are short; anything longer is not money and is refused. */
const DECIMAL_TEXT = /^(-?)(\d{1,30})(?:\.(\d{1,20}))?$/;

/** @type {Decimal} */
export const ZERO = { units: 0n, scale: 0 };

/**
 * A decimal string ("19.99", "-1.5", "7") or a finite number as Shopify may send it; `null` for
 * anything else ("1e3", "", " 1", "1.", NaN, objects).
 * @param {unknown} value
 * @returns {Decimal | null}
 */
export function parseDecimal(value) {
  let text;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" && Number.isFinite(value)) text = String(value);
  else return null;
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) return null;
  const fraction = match[3] ?? "";
  const units = BigInt((match[2] ?? "0") + fraction);
  return { units: match[1] === "-" ? -units : units, scale: fraction.length };
}

/**
 * @param {Decimal} value
 * @param {number} scale at least value.scale
 * @returns {bigint}
 */
function unitsAt(value, scale) {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/**
 * @param {Decimal} a
 * @param {Decimal} b
 * @returns {Decimal}
 */
export function add(a, b) {
  const scale = Math.max(a.scale, b.scale);
  return { units: unitsAt(a, scale) + unitsAt(b, scale), scale };
}

/**
 * @param {Decimal} a
 * @param {number} times a whole number
 * @returns {Decimal}
 */
export function multiply(a, times) {
  return { units: a.units * BigInt(times), scale: a.scale };
}

/**
 * -1, 0 or 1 as a is below, equal to or above b ("1.5" equals "1.50").
 * @param {Decimal} a
 * @param {Decimal} b
 * @returns {-1 | 0 | 1}
 */
export function compare(a, b) {
  const scale = Math.max(a.scale, b.scale);
  const x = unitsAt(a, scale);
  const y = unitsAt(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * @param {Decimal} a
 * @param {Decimal} b
 * @returns {Decimal}
 */
export function min(a, b) {
  return compare(a, b) <= 0 ? a : b;
}

/**
 * As Shopify writes money: at least two decimals, no trailing zeros beyond them
 * (5 → "5.00", 0.125 → "0.125", 10.5000 → "10.50").
 * @param {Decimal} value
 * @returns {string}
 */
export function formatDecimal(value) {
  const negative = value.units < 0n;
  let digits = (negative ? -value.units : value.units).toString();
  let scale = value.scale;
  while (scale > 2 && digits.endsWith("0")) {
    digits = digits.slice(0, -1);
    scale -= 1;
  }
  if (scale < 2) {
    digits += "0".repeat(2 - scale);
    scale = 2;
  }
  digits = digits.padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}
