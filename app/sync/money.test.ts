import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currencyDigits, decimalToMinor, MoneyFormatError } from "./money";

describe("money from Shopify's decimal text", () => {
  it("knows the minor-unit digits of a currency", () => {
    expect(currencyDigits("EUR")).toBe(2);
    expect(currencyDigits("JPY")).toBe(0);
    expect(currencyDigits("KWD")).toBe(3);
  });

  it("converts exactly, never through a float", () => {
    expect(decimalToMinor("12.99", 2)).toBe(1299n);
    expect(decimalToMinor("0.1", 2)).toBe(10n);
    expect(decimalToMinor("1000", 2)).toBe(100000n);
    expect(decimalToMinor("12.990", 2)).toBe(1299n);
    expect(decimalToMinor("-0.50", 2)).toBe(-50n);
    expect(decimalToMinor("-0.00", 2)).toBe(0n);
    expect(decimalToMinor("90071992547409.93", 2)).toBe(9007199254740993n);
    expect(decimalToMinor(19.99, 2)).toBe(1999n);
    expect(decimalToMinor("1500", 0)).toBe(1500n);
  });

  it("refuses what is not an amount of this currency", () => {
    for (const bad of ["", "abc", "1e3", "12.", ".5", "1,50", "12.999", " - 1"]) {
      expect(() => decimalToMinor(bad, 2), bad).toThrow(MoneyFormatError);
    }
    expect(() => decimalToMinor("1.5", 0)).toThrow(/more than 0 decimals/);
    expect(() => decimalToMinor(Number.NaN, 2)).toThrow(MoneyFormatError);
  });

  it("round-trips every amount of minor units through its decimal text", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.integer({ min: 0, max: 3 }), (minor, digits) => {
        const negative = minor < 0n;
        const abs = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
        const text = `${negative ? "-" : ""}${digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`}`;
        expect(decimalToMinor(text, digits)).toBe(minor);
      }),
      { numRuns: 1000 },
    );
  });
});
