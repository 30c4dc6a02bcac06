import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, addMonths, localDay, startOfDay, zonedInstant } from "./time";

const ZONES = ["UTC", "Europe/Amsterdam", "America/Los_Angeles", "Asia/Kathmandu", "Pacific/Kiritimati", "America/St_Johns", "America/Santiago", "Asia/Beirut", "Australia/Lord_Howe", "America/Havana"];

describe("days in a shop's time zone", () => {
  it("a day starts at the first instant whose local day is that day (daylight-saving days included)", () => {
    const day = fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2040-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.constantFrom(...ZONES), (d, zone) => {
        const start = startOfDay(d, zone);
        expect(localDay(start, zone)).toBe(d);
        expect(localDay(start - 1, zone) < d).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("knows midnight in Amsterdam across the October change, and a day that starts at 01:00 in Santiago", () => {
    expect(new Date(startOfDay("2026-10-25", "Europe/Amsterdam")).toISOString()).toBe("2026-10-24T22:00:00.000Z");
    expect(new Date(startOfDay("2026-10-26", "Europe/Amsterdam")).toISOString()).toBe("2026-10-25T23:00:00.000Z");
    // Chile moves its clocks forward at 24:00 on the first Saturday of September: 2026-09-06 starts at 01:00 local.
    expect(new Date(startOfDay("2026-09-06", "America/Santiago")).toISOString()).toBe("2026-09-06T04:00:00.000Z");
    expect(zonedInstant(2026, 1, 31, 10, 0, 0, "Asia/Kathmandu")).toBe(Date.parse("2026-01-31T04:15:00Z"));
  });

  it("adds months keeping the day where it exists", () => {
    expect(addMonths("2026-03-31", -1)).toBe("2026-02-28");
    expect(addMonths("2024-02-29", -12)).toBe("2023-02-28");
    expect(addMonths("2026-01-15", -13)).toBe("2024-12-15");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});
