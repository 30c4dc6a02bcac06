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
        // a day the zone skipped (Kiritimati crossed the date line after 1994-12-30) starts where the next one does
        if (localDay(start, zone) !== d) expect(start).toBe(startOfDay(addDays(d, 1), zone));
        else expect(localDay(start, zone)).toBe(d);
        expect(localDay(start - 1, zone) < d).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("starts a day the zone skipped where the next day starts: 1994-12-31 never happened in Kiritimati", () => {
    expect(localDay(startOfDay("1994-12-30", "Pacific/Kiritimati") + 86_400_000 - 1, "Pacific/Kiritimati")).toBe("1994-12-30");
    expect(startOfDay("1994-12-31", "Pacific/Kiritimati")).toBe(startOfDay("1995-01-01", "Pacific/Kiritimati"));
    expect(localDay(startOfDay("1995-01-01", "Pacific/Kiritimati"), "Pacific/Kiritimati")).toBe("1995-01-01");
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
