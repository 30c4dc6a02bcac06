import { describe, expect, it } from "vitest";
import { formatMoney, minorToDecimal } from "./money";

describe("money for the merchant's eyes", () => {
  it("turns minor units into exact decimal text with the currency's digits", () => {
    expect(minorToDecimal(7450n, 2)).toBe("74.50");
    expect(minorToDecimal(5n, 2)).toBe("0.05");
    expect(minorToDecimal(-5n, 2)).toBe("-0.05");
    expect(minorToDecimal(0n, 2)).toBe("0.00");
    expect(minorToDecimal(1500n, 0)).toBe("1500");
    expect(minorToDecimal(1234n, 3)).toBe("1.234");
    // past 2^53: a float would have lost the last cent
    expect(minorToDecimal(9007199254740993n, 2)).toBe("90071992547409.93");
  });

  it("formats in the admin's language and the shop's currency", () => {
    expect(formatMoney(7450n, "EUR", "en")).toBe("€74.50");
    expect(formatMoney(7450n, "EUR", "nl")).toBe("€\u00a074,50");
    expect(formatMoney(7450n, "EUR", "en", { whole: true })).toBe("€75");
    expect(formatMoney(1500n, "JPY", "en")).toBe("¥1,500");
    expect(formatMoney(1234n, "KWD", "en")).toBe("KWD\u00a01.234");
    expect(formatMoney(9007199254740993n, "USD", "en")).toBe("$90,071,992,547,409.93");
  });
});
