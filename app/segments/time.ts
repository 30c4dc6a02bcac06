/**
 * Calendar days in a shop's time zone. Dates in the segment language are whole days in the shop's
 * time zone: `last_order_date > -30d` compares the local day of the last order with the local day
 * 30 days before today. Both the evaluator and the SQL compiler turn a day into the instant it
 * starts (UTC milliseconds), so they agree on every boundary, daylight-saving changes included.
 */

/** A calendar day as 'YYYY-MM-DD'. */
export type Day = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether the runtime knows the IANA time zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in the time zone at an instant. */
export function wallClock(ms: number, timeZone: string): Wall {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The shop-local calendar day of an instant. */
export function localDay(ms: number, timeZone: string): Day {
  const wall = wallClock(ms, timeZone);
  return dayOf(wall.year, wall.month, wall.day);
}

/** Offset of local wall time from UTC at an instant, in milliseconds (whole seconds). */
function offsetAt(ms: number, timeZone: string): number {
  const wall = wallClock(ms, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant a local wall time happens in the time zone. A wall time skipped by a daylight-saving
 * jump maps to the first instant after the gap; a repeated one to its first occurrence.
 */
export function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, second: number, timeZone: string): number {
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Try the offsets in force a day either side; keep the earliest instant that shows this wall time,
  // or, in a gap, the first instant whose wall time is later.
  const candidates = new Set<number>();
  for (const probe of [wallAsUtc - 86_400_000, wallAsUtc, wallAsUtc + 86_400_000]) candidates.add(wallAsUtc - offsetAt(probe, timeZone));
  const exact = [...candidates].filter((t) => offsetAt(t, timeZone) === wallAsUtc - t).sort((a, b) => a - b);
  if (exact.length > 0) return exact[0]!;
  // In a gap: the wall time never shows; the transition instant is the first one after it.
  const before = Math.min(...candidates);
  let low = before - 86_400_000;
  let high = before + 2 * 86_400_000;
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (middle + offsetAt(middle, timeZone) >= wallAsUtc) high = middle;
    else low = middle;
  }
  return high;
}

/** The instant the local day starts. */
export function startOfDay(day: Day, timeZone: string): number {
  const [year, month, date] = parseDay(day);
  return zonedInstant(year, month, date, 0, 0, 0, timeZone);
}

export function parseDay(day: Day): [number, number, number] {
  return [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10))];
}

/** The days this engine reasons about: 0100-01-01 … 9999-12-31 (a date arithmetic result beyond them stops at the edge). */
export const FIRST_DAY: Day = "0100-01-01";
export const LAST_DAY: Day = "9999-12-31";

export function dayOf(year: number, month: number, day: number): Day {
  if (year > 9999) return LAST_DAY;
  if (year < 100) return FIRST_DAY;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Adds days (calendar arithmetic, no time zone involved). */
export function addDays(day: Day, days: number): Day {
  const [year, month, date] = parseDay(day);
  const shifted = new Date(Date.UTC(year, month - 1, date) + days * 86_400_000);
  return dayOf(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

/** Adds months, keeping the day of the month where it exists and otherwise the month's last day (Mar 31 − 1m = Feb 28). */
export function addMonths(day: Day, months: number): Day {
  const [year, month, date] = parseDay(day);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  return dayOf(targetYear, targetMonth, Math.min(date, daysInMonth(targetYear, targetMonth)));
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
