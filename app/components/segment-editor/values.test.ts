import { describe, expect, it } from "vitest";
import {
  calendarDate,
  currencyAffixes,
  describeDate,
  numberValue,
  pickerDay,
  quoteText,
  readValue,
  relativeChoiceLabel,
  relativeDate,
  RELATIVE_CHOICES,
  splitRelative,
  textValue,
  unquoteText,
} from "./values";

describe("text values", () => {
  it("quotes what is typed the way the printer writes it, and shows it back unquoted", () => {
    expect(quoteText("vip")).toBe("'vip'");
    expect(quoteText("rock 'n' roll")).toBe("'rock \\'n\\' roll'");
    expect(quoteText("back\\slash")).toBe("'back\\\\slash'");
    for (const text of ["vip", "rock 'n' roll", "back\\slash", " spaced ", "émigré"]) {
      expect(unquoteText(quoteText(text))).toBe(text);
      expect(readValue(quoteText(text))).toMatchObject({ kind: "String", value: text });
    }
  });

  it("shows a value that is not text as written, and keeps an emptied input empty", () => {
    expect(unquoteText("100")).toBe("100");
    expect(unquoteText("'unclosed")).toBe("'unclosed");
    expect(unquoteText(undefined)).toBe("");
    expect(textValue("")).toBe("");
    expect(textValue("NL")).toBe("'NL'");
  });
});

describe("numbers and money", () => {
  it("reads a decimal comma as the point and drops spaces", () => {
    expect(numberValue("12,50")).toBe("12.50");
    expect(numberValue(" 1 000 ")).toBe("1000");
    expect(numberValue("12.5")).toBe("12.5");
    // with a dot present the comma is not a decimal separator: left for the rows model to refuse
    expect(numberValue("1.000,50")).toBe("1.000,50");
    expect(readValue(numberValue("12,50"))).toMatchObject({ kind: "Number", value: 12.5 });
  });

  it("puts the shop's currency symbol where the merchant's language writes it", () => {
    expect(currencyAffixes("EUR", "en")).toEqual({ prefix: "€" });
    expect(currencyAffixes("EUR", "nl")).toEqual({ prefix: "€" });
    expect(currencyAffixes("USD", "en")).toEqual({ prefix: "$" });
    expect(currencyAffixes("JPY", "nl")).toEqual({ prefix: "JP¥" });
    expect(currencyAffixes("not a currency", "en")).toEqual({ suffix: "not a currency" });
  });
});

describe("dates", () => {
  it("offers today, 30 and 90 days ago and a year ago, named in the merchant's language", () => {
    expect(RELATIVE_CHOICES).toEqual(["today", "-30d", "-90d", "-1y"]);
    expect(RELATIVE_CHOICES.map((choice) => relativeChoiceLabel(choice, "en"))).toEqual(["today", "30 days ago", "90 days ago", "1 year ago"]);
    expect(RELATIVE_CHOICES.map((choice) => relativeChoiceLabel(choice, "nl"))).toEqual(["vandaag", "30 dagen geleden", "90 dagen geleden", "1 jaar geleden"]);
    for (const choice of RELATIVE_CHOICES) expect(readValue(choice)?.kind).toMatch(/NamedDate|RelativeDate/);
  });

  it("builds relative dates from a number, a unit and a direction, and splits them back", () => {
    expect(relativeDate(30, "d", "ago")).toBe("-30d");
    expect(relativeDate(2, "w", "ahead")).toBe("+2w");
    expect(relativeDate(0, "m", "ago")).toBe("-0m");
    expect(relativeDate(1.5, "y", "ago")).toBeNull();
    expect(relativeDate(-3, "d", "ago")).toBeNull();
    expect(relativeDate(Number.NaN, "d", "ago")).toBeNull();
    expect(splitRelative("-30d")).toEqual({ amount: 30, unit: "d", direction: "ago" });
    expect(splitRelative("+6m")).toEqual({ amount: 6, unit: "m", direction: "ahead" });
    expect(splitRelative("30_days_ago")).toEqual({ amount: 30, unit: "d", direction: "ago" });
    expect(splitRelative("2025-01-31")).toBeNull();
    expect(splitRelative(undefined)).toBeNull();
  });

  it("writes a picked calendar day as the language's date and shows a date value on the calendar", () => {
    expect(calendarDate(new Date(2025, 0, 31))).toBe("2025-01-31");
    expect(calendarDate(new Date(2024, 1, 29))).toBe("2024-02-29");
    const day = pickerDay("2025-01-31");
    expect(day && [day.getFullYear(), day.getMonth(), day.getDate()]).toEqual([2025, 0, 31]);
    expect(pickerDay("2025-01-31T10:00:00")?.getDate()).toBe(31);
    expect(pickerDay("-30d")).toBeNull();
    expect(pickerDay("today")).toBeNull();
    expect(calendarDate(pickerDay("1999-12-31") as Date)).toBe("1999-12-31");
  });

  it("says what a date value means", () => {
    expect(describeDate("today", "en")).toBe("today");
    expect(describeDate("yesterday", "nl")).toBe("gisteren");
    expect(describeDate("-30d", "en")).toBe("30 days ago");
    expect(describeDate("+2w", "en")).toBe("in 2 weeks");
    expect(describeDate("-1y", "nl")).toBe("1 jaar geleden");
    expect(describeDate("2025-01-31", "en")).toBe("Jan 31, 2025");
    expect(describeDate("2025-01-31", "nl")).toBe("31 jan 2025");
    expect(describeDate("2025-01-31T10:30:00", "en")).toBe("Jan 31, 2025, 10:30 AM");
    expect(describeDate("100", "en")).toBeNull();
    expect(describeDate("30 days", "en")).toBeNull();
    expect(describeDate(undefined, "en")).toBeNull();
  });
});
