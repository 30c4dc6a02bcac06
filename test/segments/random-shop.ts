/**
 * Seeded random shops for the segment engine's differential tests: a shop's time zone, currency,
 * `now`, customer metafield definitions, products and customers (as the in-memory evaluator sees
 * them), with data that sits on the boundaries the engine must get right — instants a moment
 * either side of local midnight near `now` and near the relative-date offsets, money on exact
 * thresholds, Feb 29 births, mixed-case and non-ASCII tags, nulls wherever the schema allows them,
 * cancelled and test orders, lines without a product or sku. `writeShop` stores a shop with Prisma
 * the way the sync does, so the SQL compiler and the evaluator can be run over the same shop.
 */
import type { Db } from "~/db/client";
import type { Prisma } from "~/db/generated/sqlite/client";
import { cityKey, regionKey } from "~/segments/address-keys";
import { ACCOUNT_STATES, RFM_GROUPS, SPEND_TIERS, type MetafieldDefinitionInfo } from "~/segments/filters";
import type { CustomerRecord, RecordAddress, RecordLine, RecordOrder } from "~/segments/record";
import { seededRandom } from "../support/random";

export const TIME_ZONES = ["UTC", "Europe/Amsterdam", "America/Los_Angeles", "Asia/Kathmandu", "Pacific/Kiritimati", "America/St_Johns"] as const;

/** ISO 4217 currencies with 0, 2 and 3 minor digits. */
export const CURRENCIES: readonly { code: string; digits: number }[] = [
  { code: "USD", digits: 2 },
  { code: "EUR", digits: 2 },
  { code: "JPY", digits: 0 },
  { code: "KWD", digits: 3 },
];

/** The database enums (SmsMarketingState has no INVALID). */
export const EMAIL_MARKETING_STATES = ["SUBSCRIBED", "NOT_SUBSCRIBED", "PENDING", "UNSUBSCRIBED", "INVALID", "REDACTED"] as const;
export const SMS_MARKETING_STATES = ["SUBSCRIBED", "NOT_SUBSCRIBED", "PENDING", "UNSUBSCRIBED", "REDACTED"] as const;

export interface ShopProduct {
  /** the numeric Shopify id as text */
  readonly shopifyId: string;
  readonly productType: string | null;
  /** as the merchant wrote them (ProductTag.tag); ProductTag.normalized is their lower-cased form */
  readonly tags: readonly string[];
  /** the skus of the product's variants */
  readonly skus: readonly (string | null)[];
}

export interface RandomShop {
  readonly seed: number;
  readonly timeZone: string;
  readonly currencyCode: string;
  readonly currencyDigits: number;
  /** ms since the epoch: the instant the queries are evaluated at */
  readonly now: number;
  readonly metafieldDefinitions: readonly MetafieldDefinitionInfo[];
  readonly products: readonly ShopProduct[];
  readonly customers: readonly CustomerRecord[];
  /** customers[i]'s tags as the merchant wrote them (CustomerTag.tag), in the order of customers[i].tags */
  readonly tagsAsWritten: readonly (readonly string[])[];
}

export interface RandomShopOptions {
  timeZone?: string;
  customers?: number;
  products?: number;
}

/** Metafield definitions every random shop has: the app's `age` reads facts.birth_date. */
export const METAFIELD_DEFINITIONS: readonly MetafieldDefinitionInfo[] = [
  { namespace: "facts", key: "birth_date", type: "date", name: "Birth date" },
  { namespace: "facts", key: "shoe_size", type: "number_decimal", name: "Shoe size" },
  { namespace: "loyalty", key: "points", type: "number_integer", name: "Loyalty points" },
  { namespace: "profile", key: "favourite_genre", type: "single_line_text_field", name: "Favourite genre" },
  { namespace: "marketing", key: "vip", type: "boolean", name: "VIP" },
];

/** A metafield some customers have without a definition (the loader returns it; no filter names it). */
const UNDEFINED_METAFIELD = { namespace: "legacy", key: "note", type: "single_line_text_field" } as const;

// ---------------------------------------------------------------------------------------------
// calendar days in a time zone (independent of app/segments/time.ts, so the data does not
// inherit its mistakes)

const DAY_MS = 86_400_000;
const wallFormats = new Map<string, Intl.DateTimeFormat>();

function wall(ms: number, timeZone: string): [number, number, number, number, number, number] {
  let format = wallFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    wallFormats.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return [parts.year ?? 0, parts.month ?? 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0];
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

export function dayText(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

function dayParts(day: string): [number, number, number] {
  return [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10))];
}

/** The shop-local calendar day of an instant, 'YYYY-MM-DD'. */
export function localDayOf(ms: number, timeZone: string): string {
  const [y, m, d] = wall(ms, timeZone);
  return dayText(y, m, d);
}

/** Local wall time of an instant, 'YYYY-MM-DDTHH:MM:SS'. */
export function localDateTimeOf(ms: number, timeZone: string): string {
  const [y, m, d, hh, mm, ss] = wall(ms, timeZone);
  return `${dayText(y, m, d)}T${pad(hh)}:${pad(mm)}:${pad(ss)}`;
}

/** The instant local midnight starts the day (approximate only inside a DST gap at midnight). */
export function localMidnight(day: string, timeZone: string): number {
  const [y, m, d] = dayParts(day);
  const target = Date.UTC(y, m - 1, d);
  let instant = target;
  for (let i = 0; i < 4; i++) {
    const [wy, wm, wd, wh, wmi, ws] = wall(instant, timeZone);
    const offset = Date.UTC(wy, wm - 1, wd, wh, wmi, ws) - Math.floor(instant / 1000) * 1000;
    instant = target - offset;
  }
  return instant;
}

export function addDaysTo(day: string, days: number): string {
  const [y, m, d] = dayParts(day);
  const shifted = new Date(Date.UTC(y, m - 1, d) + days * DAY_MS);
  return dayText(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Calendar months, the day clamped to the month's last (May 31 − 3 months = Feb 28/29). */
export function addMonthsTo(day: string, months: number): string {
  const [y, m, d] = dayParts(day);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return dayText(year, month, Math.min(d, daysInMonth(year, month)));
}

export function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

// ---------------------------------------------------------------------------------------------
// money

/** Minor units as major-unit text: 1234 with 2 digits is '12.34', 1200 is '12', 5 is '0.05'. */
export function majorUnits(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  const scale = 10 ** digits;
  const whole = Math.floor(abs / scale);
  const fraction = String(abs % scale).padStart(digits, "0").replace(/0+$/, "");
  return `${sign}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Totals on the thresholds a merchant types (and one minor unit either side). */
const MONEY_MINOR = [0, 1, 99, 100, 101, 999, 1000, 1001, 1234, 1999, 2000, 4999, 5000, 9999, 10000, 10001, 12345, 25000, 100000, 1234567];

// ---------------------------------------------------------------------------------------------
// the generator

type Rng = () => number;

class Draw {
  constructor(readonly rng: Rng) {}
  chance(p: number): boolean {
    return this.rng() < p;
  }
  int(low: number, high: number): number {
    return low + Math.floor(this.rng() * (high - low + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng() * items.length)] as T;
  }
  /** up to `max` distinct items */
  some<T>(items: readonly T[], max: number): T[] {
    const count = this.int(0, Math.min(max, items.length));
    const pool = [...items];
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(pool.splice(Math.floor(this.rng() * pool.length), 1)[0] as T);
    return out;
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
  /** each character upper- or lower-cased at random (non-ASCII too: 'Ünïcode' → 'üNÏcoDe') */
  randomCase(text: string): string {
    return [...text].map((c) => (this.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join("");
  }
}

const PAST_DAY_OFFSETS = [0, 0, 0, -1, -1, -2, -6, -7, -8, -13, -14, -15, -29, -30, -31, -59, -60, -61, -89, -90, -91, -92, -180, -364, -365, -366, -399, -400, -401];
const PAST_MONTH_OFFSETS = [-1, -2, -3, -3, -6, -12, -13];
const FUTURE_DAY_OFFSETS = [0, 1, 2, 6, 7, 8, 14, 29, 30, 31, 90];
const FUTURE_MONTH_OFFSETS = [1, 3, 12];
const DELTAS_MS = [0, 0, 1, -1, 999, -1000, 59_999, -60_000, 3_600_000, -3_599_999, 43_200_000, -43_200_000, 86_399_999, -86_400_000 + 1];

/** Days `now` is drawn near: leap days, month ends, DST changes of the zones above, New Year. */
const NOW_DAYS = [
  "2024-02-29",
  "2024-03-01",
  "2025-02-28",
  "2025-03-01",
  "2025-03-09", // US (and St John's) clocks go forward
  "2025-03-10",
  "2025-03-30", // EU clocks go forward
  "2025-03-31",
  "2025-05-31", // −3m lands on Feb 28
  "2025-08-31",
  "2025-10-26", // EU clocks go back
  "2025-11-02", // US (and St John's) clocks go back
  "2025-11-03",
  "2025-12-31",
  "2026-01-01",
  "2026-03-01",
];

class ShopGenerator {
  private readonly draw: Draw;
  readonly timeZone: string;
  readonly currency: { code: string; digits: number };
  readonly now: number;
  readonly today: string;
  private orderCounter = 0;

  constructor(readonly seed: number, options: RandomShopOptions) {
    this.draw = new Draw(seededRandom(seed));
    this.timeZone = options.timeZone ?? this.draw.pick(TIME_ZONES);
    this.currency = this.draw.pick(CURRENCIES);
    this.now = this.drawNow();
    this.today = localDayOf(this.now, this.timeZone);
  }

  private drawNow(): number {
    const d = this.draw;
    const day = d.chance(0.7) ? d.pick(NOW_DAYS) : addDaysTo("2024-01-01", d.int(0, 1000));
    const midnight = localMidnight(day, this.timeZone);
    const timeOfDay = d.pick([0, 1, 30_000, 3_600_000, 12 * 3_600_000, DAY_MS - 1_000, DAY_MS - 1, d.int(0, DAY_MS - 1)]);
    // a day shortened by DST has fewer than 24 hours: stay inside it
    const nextMidnight = localMidnight(addDaysTo(day, 1), this.timeZone);
    return Math.min(midnight + timeOfDay, nextMidnight - 1);
  }

  /** An instant near a local-midnight boundary at one of the relative-date offsets, or anywhere in the last years. */
  instant(direction: "past" | "future"): number {
    const d = this.draw;
    if (d.chance(0.15)) {
      const span = 3 * 365 * DAY_MS;
      return direction === "past" ? this.now - d.int(0, span) : this.now + d.int(-30 * DAY_MS, span);
    }
    let day: string;
    if (direction === "past") {
      day = d.chance(0.75) ? addDaysTo(this.today, d.pick(PAST_DAY_OFFSETS)) : addMonthsTo(this.today, d.pick(PAST_MONTH_OFFSETS));
    } else {
      day = d.chance(0.75) ? addDaysTo(this.today, d.pick(FUTURE_DAY_OFFSETS)) : addMonthsTo(this.today, d.pick(FUTURE_MONTH_OFFSETS));
    }
    const delta = d.chance(0.85) ? d.pick(DELTAS_MS) : d.int(-DAY_MS, DAY_MS);
    const instant = localMidnight(day, this.timeZone) + delta;
    return direction === "past" ? Math.min(instant, this.now) : instant;
  }

  money(): number {
    return this.draw.chance(0.8) ? this.draw.pick(MONEY_MINOR) : this.draw.int(0, 300_000);
  }

  products(count: number): ShopProduct[] {
    const d = this.draw;
    // ids shared between shops on purpose: the same product id means a different product in another shop
    const ids = d.shuffle(PRODUCT_IDS).slice(0, count);
    while (ids.length < count) {
      const id = String(d.int(1_000_000, 9_999_999));
      if (!ids.includes(id)) ids.push(id);
    }
    return ids.map((shopifyId) => {
      const tags = uniqueByNormalized(d.some(PRODUCT_TAGS, 3).map((tag) => (d.chance(0.3) ? d.randomCase(tag) : tag)));
      const skus = d.chance(0.15) ? [null] : [`SKU-${shopifyId}`, ...(d.chance(0.4) ? [`sku-${shopifyId}-b`] : []), ...(d.chance(0.2) ? [d.pick(SHARED_SKUS)] : [])];
      return { shopifyId, productType: d.chance(0.15) ? null : d.pick(PRODUCT_TYPES), tags, skus };
    });
  }

  customer(index: number, products: readonly ShopProduct[]): { record: CustomerRecord; tagsAsWritten: string[] } {
    const d = this.draw;
    const written = uniqueByNormalized(d.some(CUSTOMER_TAGS, 4).map((tag) => (d.chance(0.4) ? d.randomCase(tag) : tag)));
    const tagPairs = written.map((tag) => ({ tag, normalized: tag.toLowerCase() })).sort((a, b) => compareText(a.normalized, b.normalized));

    const orderCount = d.pick([0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 6]);
    const orders: RecordOrder[] = [];
    for (let i = 0; i < orderCount; i++) orders.push(this.order(products));
    orders.sort((a, b) => a.processedAt - b.processedAt);

    const counted = orders.filter((order) => !order.cancelled && !order.test);
    const amountSpentMinor = counted.reduce((sum, order) => sum + order.totalMinor, 0);
    const last = counted.at(-1);
    const discounted = counted.filter(() => d.chance(0.4)).length;

    const metafields: Record<string, string> = {};
    // Now and then a value that does not fit the definition's type: one written before the
    // definition existed, which Shopify keeps (and flags) rather than deletes.
    const stray = () => d.chance(0.03);
    if (d.chance(0.75)) metafields["facts.birth_date"] = stray() ? d.pick(STRAY_DATES) : this.birthDate();
    if (d.chance(0.5)) metafields["facts.shoe_size"] = stray() ? d.pick(STRAY_NUMBERS) : d.pick(["42", "42.5", "9.5", "10", "0", "-1.25", "100.25", "38"]);
    if (d.chance(0.5)) metafields["loyalty.points"] = stray() ? d.pick(STRAY_NUMBERS) : d.pick(["0", "1", "42", "99", "100", "101", "-5", "1000", "1234567"]);
    if (d.chance(0.5)) metafields["profile.favourite_genre"] = d.pick(TEXT_VALUES);
    if (d.chance(0.5)) metafields["marketing.vip"] = d.pick(["true", "false"]);
    if (d.chance(0.1)) metafields[`${UNDEFINED_METAFIELD.namespace}.${UNDEFINED_METAFIELD.key}`] = "kept, but no definition";

    const nullable = <T>(p: number, value: () => T): T | null => (d.chance(p) ? null : value());
    const record: CustomerRecord = {
      id: index + 1,
      createdAt: this.instant("past"),
      emailDomain: nullable(0.15, () => d.pick(EMAIL_DOMAINS)),
      locale: nullable(0.2, () => d.pick(LOCALES)),
      accountState: d.pick(ACCOUNT_STATES),
      emailMarketingState: d.pick(EMAIL_MARKETING_STATES),
      smsMarketingState: d.pick(SMS_MARKETING_STATES),
      numberOfOrders: counted.length,
      amountSpentMinor,
      amountPaidMinor: Math.max(0, amountSpentMinor - (d.chance(0.2) ? d.pick(MONEY_MINOR) : 0)),
      firstOrderAt: counted[0]?.processedAt ?? null,
      lastOrderAt: last?.processedAt ?? null,
      lastOrderAmountMinor: last?.totalMinor ?? null,
      averageOrderValueMinor: counted.length > 0 ? Math.round(amountSpentMinor / counted.length) : null,
      discountOrderShare: counted.length > 0 ? storableFloat(discounted / counted.length) : null,
      lastAbandonedCheckoutAt: nullable(0.6, () => this.instant("past")),
      predictedSpendTier: nullable(0.3, () => d.pick(SPEND_TIERS)),
      rfmGroup: nullable(0.3, () => d.pick(RFM_GROUPS)),
      predictedSpend12mMinor: nullable(0.3, () => this.money()),
      predictedClvMinor: nullable(0.3, () => this.money()),
      // 0.1 + 0.7 is 0.7999999999999999: a query saying 0.8 must not match it. (0.1 + 0.2 has 17
      // significant digits, and Prisma's driver-adapter path rounds every float it sends to 16, so
      // the store cannot hold it.)
      churnProbability: nullable(0.3, () => d.pick([0, 0.1, 0.25, 0.5, 0.1 + 0.7, 0.8, 0.3, 1, 1 / 3, 2 / 3, Math.round(d.rng() * 10_000) / 10_000])),
      expectedNextOrderAt: nullable(0.4, () => this.instant("future")),
      tags: tagPairs.map((pair) => pair.normalized),
      addresses: d.some(ADDRESSES, 3),
      metafields,
      orders,
    };
    return { record, tagsAsWritten: tagPairs.map((pair) => pair.tag) };
  }

  private order(products: readonly ShopProduct[]): RecordOrder {
    const d = this.draw;
    this.orderCounter++;
    const lines: RecordLine[] = [];
    const lineCount = d.pick([0, 1, 1, 1, 2, 2, 3]);
    for (let i = 0; i < lineCount; i++) lines.push(this.line(products));
    return {
      processedAt: this.instant("past"),
      totalMinor: this.money(),
      cancelled: d.chance(0.1),
      test: d.chance(0.06),
      lines,
    };
  }

  private line(products: readonly ShopProduct[]): RecordLine {
    const d = this.draw;
    const roll = d.rng();
    const quantity = d.pick([1, 1, 1, 2, 2, 3, 5, 10]);
    if (roll < 0.08 || products.length === 0) {
      // a custom line: no product
      return { productId: null, sku: d.pick([null, "", "CUSTOM-1"]), productType: null, quantity, productTags: [] };
    }
    if (roll < 0.15) {
      // a product deleted since (no Product row)
      return { productId: d.pick(DELETED_PRODUCT_IDS), sku: d.pick([null, "GONE-1", "gone-1"]), productType: d.pick([null, "Vinyl"]), quantity, productTags: [] };
    }
    const product = d.pick(products);
    const sku = d.chance(0.1) ? d.pick([null, ""]) : d.pick(product.skus);
    const productType = d.chance(0.85) ? product.productType : d.pick([null, ...PRODUCT_TYPES]);
    const productTags = [...new Set(product.tags.map((tag) => tag.toLowerCase()))].sort(compareText);
    return { productId: product.shopifyId, sku: sku !== null && d.chance(0.1) ? d.randomCase(sku) : sku, productType, quantity, productTags };
  }

  /** Births on the anniversary boundaries near today, Feb 29, year ends; ages on the usual thresholds. */
  private birthDate(): string {
    const d = this.draw;
    const [year] = dayParts(this.today);
    const kind = d.pick(["near-today", "near-today", "near-today", "feb29", "feb28-mar1", "year-end", "random"] as const);
    if (kind === "feb29") return dayText(d.pick([1952, 1980, 1988, 1996, 2000, 2004, 2008, 2012, 2016, 2020].filter((y) => y <= year)), 2, 29);
    if (kind === "feb28-mar1") return `${pad(d.int(1950, year - 1), 4)}-${d.pick(["02-28", "03-01"])}`;
    if (kind === "year-end") return `${pad(d.int(1950, year - 1), 4)}-${d.pick(["12-31", "01-01"])}`;
    if (kind === "random") return dayText(d.int(1930, year - 1), d.int(1, 12), d.int(1, 28));
    const age = d.pick([0, 1, 17, 18, 18, 21, 21, 29, 30, 30, 40, 64, 65, d.int(2, 90)]);
    const shift = d.pick([0, 0, -1, 1, -2, 2, -6, 6, -7, 7, -8, 8, -29, 29, -30, 30, -31, 31, 365, -365]);
    const [, month, day] = dayParts(this.today);
    const birthYear = year - age;
    const base = dayText(birthYear, month, Math.min(day, daysInMonth(birthYear, month)));
    const birth = addDaysTo(base, shift);
    // a birth after today is not a customer's: move it a year back
    return birth > this.today ? addMonthsTo(birth, -12) : birth;
  }
}

export function randomShop(seed: number, options: RandomShopOptions = {}): RandomShop {
  const generator = new ShopGenerator(seed, options);
  const products = generator.products(options.products ?? 14);
  const customers: CustomerRecord[] = [];
  const tagsAsWritten: string[][] = [];
  for (let i = 0; i < (options.customers ?? 80); i++) {
    const { record, tagsAsWritten: written } = generator.customer(i, products);
    customers.push(record);
    tagsAsWritten.push(written);
  }
  return {
    seed,
    timeZone: generator.timeZone,
    currencyCode: generator.currency.code,
    currencyDigits: generator.currency.digits,
    now: generator.now,
    metafieldDefinitions: METAFIELD_DEFINITIONS,
    products,
    customers,
    tagsAsWritten,
  };
}

/** Code-unit order (what JS's default sort gives), never a collation. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A float as the store can hold it: Prisma 6's driver-adapter path sends floats with at most 16
 * significant digits (1/6 arrives as 0.1666666666666667), so values with 17 never reach a row.
 */
export function storableFloat(value: number): number {
  return Number(value.toPrecision(16));
}

function uniqueByNormalized(tags: string[]): string[] {
  const seen = new Set<string>();
  return tags.filter((tag) => {
    const key = tag.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// pools

const CUSTOMER_TAGS = [
  "VIP",
  "Wholesale",
  "newsletter",
  "Ünïcode",
  "Straße",
  "İstanbul",
  "ÆØÅ",
  "日本",
  "rock 'n' roll",
  "back\\slash",
  "with space",
  "100%",
  "under_score",
  "a",
  "Ab",
  "segment:vip",
];
const PRODUCT_TAGS = ["Jazz", "Rock", "Sale", "ÉTÉ", "new-arrival", "Gift Card", "Rock 'n' Roll", "Ünïcode", "50%_off"];
const PRODUCT_TYPES = ["Vinyl", "vinyl", "CD", "Ünïcode Box", "T-Shirt", "Gift card"];
const PRODUCT_IDS = ["7781234", "7781235", "7781236", "1", "42", "999", "1000", "8123456789012", "8123456789013", "6000000000001", "55", "5500", "123456", "7781237", "7781238", "314159"];
const DELETED_PRODUCT_IDS = ["555000555", "7781299"];
const SHARED_SKUS = ["SHARED-1", "shared-1", "ABC-1"];
const EMAIL_DOMAINS = ["gmail.com", "example.nl", "müller.de", "xn--mller-kva.de", "shop.co.uk", "a.io", "o'reilly.com"];
const LOCALES = ["en", "en-US", "en-us", "nl", "nl-NL", "de", "fr-CA", "pt-BR"];
const STRAY_NUMBERS = ["", " 42", "42.", ".5", "+5", "1e3", "12abc", "1,5", "--5", "1.2.3", "0042", "-0"];
const STRAY_DATES = ["", "1990-5-17", "17/05/1990", "1990-05-17T10:00:00Z", "1990", "abc"];
const TEXT_VALUES = ["Jazz", "jazz", "JAZZ", "Rock 'n' Roll", "Ünïcode", "ünïcode", "back\\slash", " spaced ", "%_wild", "a", "日本の音楽", "Hip-Hop"];

const ADDRESSES: readonly RecordAddress[] = [
  { countryCode: "US", provinceCode: "CA", city: "Los Angeles" },
  { countryCode: "US", provinceCode: "CA", city: "San Francisco" },
  { countryCode: "US", provinceCode: "NY", city: "New York" },
  { countryCode: "US", provinceCode: "NY", city: " New  York " },
  { countryCode: "US", provinceCode: "CA", city: null },
  { countryCode: "US", provinceCode: null, city: null },
  { countryCode: "NL", provinceCode: null, city: "Amsterdam" },
  { countryCode: "NL", provinceCode: "NH", city: "Amsterdam" },
  { countryCode: "NL", provinceCode: null, city: "amsterdam" },
  { countryCode: "NL", provinceCode: "NB", city: "'s-Hertogenbosch" },
  { countryCode: "CA", provinceCode: "NL", city: "St. John's" },
  { countryCode: "CH", provinceCode: "ZH", city: "Zürich" },
  { countryCode: "NP", provinceCode: null, city: "Kathmandu" },
  { countryCode: "DE", provinceCode: null, city: "" },
  { countryCode: null, provinceCode: null, city: "Nowhere" },
  { countryCode: null, provinceCode: null, city: null },
];

// ---------------------------------------------------------------------------------------------
// writing a shop to the store

export interface WrittenShop {
  shopId: number;
  /** record id (as generated) → Customer.id */
  idMap: Map<number, number>;
  /** the shop's customers with their ids replaced by the database's */
  customers: CustomerRecord[];
}

const BATCH = 500;

async function inBatches<T>(rows: readonly T[], write: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await write(rows.slice(i, i + BATCH));
}

let written = 0;

/** Stores a random shop as the sync would: Shop, products with tags, customers with tags, addresses, metafields, orders, lines, checkouts. */
export async function writeShop(db: Db, shop: RandomShop): Promise<WrittenShop> {
  written++;
  const created = new Date(shop.now - 5 * 365 * DAY_MS);
  const stamp = new Date(shop.now);
  const shopRow = await db.shop.create({
    data: {
      domain: `random-${shop.seed}-${written}-${Math.random().toString(36).slice(2, 10)}.myshopify.com`,
      name: `Random shop ${shop.seed}`,
      currencyCode: shop.currencyCode,
      ianaTimezone: shop.timeZone,
    },
  });
  const shopId = shopRow.id;

  await db.metafieldDefinition.createMany({
    data: shop.metafieldDefinitions.map((definition, i) => ({
      shopId,
      shopifyId: String(900_000 + i),
      namespace: definition.namespace,
      key: definition.key,
      name: definition.name ?? `${definition.namespace}.${definition.key}`,
      type: definition.type,
    })),
  });

  // products and their tags
  await inBatches(shop.products, (batch) =>
    db.product.createMany({
      data: batch.map((product) => ({
        shopId,
        shopifyId: product.shopifyId,
        title: `Product ${product.shopifyId}`,
        handle: `product-${product.shopifyId}`,
        productType: product.productType,
        shopifyCreatedAt: created,
        shopifyUpdatedAt: created,
      })),
    }),
  );
  const productIds = new Map((await db.product.findMany({ where: { shopId }, select: { id: true, shopifyId: true } })).map((p) => [p.shopifyId, p.id]));
  const productTags = shop.products.flatMap((product) =>
    product.tags.map((tag) => ({ shopId, productId: productIds.get(product.shopifyId) as number, tag, normalized: tag.toLowerCase() })),
  );
  await inBatches(productTags, (batch) => db.productTag.createMany({ data: batch }));

  // customers
  const customerRows: Prisma.CustomerCreateManyInput[] = shop.customers.map((record) => ({
    shopId,
    shopifyId: String(6_000_000_000 + record.id),
    email: record.emailDomain === null ? null : `customer${record.id}@${record.emailDomain}`,
    emailDomain: record.emailDomain,
    locale: record.locale,
    accountState: record.accountState as Prisma.CustomerCreateManyInput["accountState"],
    emailMarketingState: record.emailMarketingState as Prisma.CustomerCreateManyInput["emailMarketingState"],
    smsMarketingState: record.smsMarketingState as Prisma.CustomerCreateManyInput["smsMarketingState"],
    shopifyCreatedAt: new Date(record.createdAt),
    shopifyUpdatedAt: stamp,
    numberOfOrders: record.numberOfOrders,
    amountSpentMinor: BigInt(record.amountSpentMinor),
    amountPaidMinor: BigInt(record.amountPaidMinor),
    firstOrderAt: dateOrNull(record.firstOrderAt),
    lastOrderAt: dateOrNull(record.lastOrderAt),
    lastOrderAmountMinor: bigintOrNull(record.lastOrderAmountMinor),
    averageOrderValueMinor: bigintOrNull(record.averageOrderValueMinor),
    discountOrderShare: record.discountOrderShare,
    lastAbandonedCheckoutAt: dateOrNull(record.lastAbandonedCheckoutAt),
    predictedSpendTier: record.predictedSpendTier as Prisma.CustomerCreateManyInput["predictedSpendTier"],
    rfmGroup: record.rfmGroup as Prisma.CustomerCreateManyInput["rfmGroup"],
    predictedSpend12mMinor: bigintOrNull(record.predictedSpend12mMinor),
    predictedClvMinor: bigintOrNull(record.predictedClvMinor),
    churnProbability: record.churnProbability,
    expectedNextOrderAt: dateOrNull(record.expectedNextOrderAt),
    predictedAt: record.predictedSpendTier === null ? null : stamp,
  }));
  await inBatches(customerRows, (batch) => db.customer.createMany({ data: batch }));
  const byShopifyId = new Map((await db.customer.findMany({ where: { shopId }, select: { id: true, shopifyId: true } })).map((c) => [c.shopifyId, c.id]));
  const idMap = new Map<number, number>();
  for (const record of shop.customers) idMap.set(record.id, byShopifyId.get(String(6_000_000_000 + record.id)) as number);

  const tags = shop.customers.flatMap((record, i) =>
    (shop.tagsAsWritten[i] ?? []).map((tag) => ({ shopId, customerId: idMap.get(record.id) as number, tag, normalized: tag.toLowerCase() })),
  );
  await inBatches(tags, (batch) => db.customerTag.createMany({ data: batch }));

  const addresses = shop.customers.flatMap((record) =>
    record.addresses.map((address, i) => ({
      shopId,
      customerId: idMap.get(record.id) as number,
      shopifyId: `${7_000_000_000 + record.id * 10 + i}`,
      isDefault: i === 0,
      city: address.city,
      provinceCode: address.provinceCode,
      countryCode: address.countryCode,
      regionKey: regionKey(address),
      cityKey: cityKey(address),
    })),
  );
  await inBatches(addresses, (batch) => db.customerAddress.createMany({ data: batch }));

  const typeOf = new Map(shop.metafieldDefinitions.map((m) => [`${m.namespace}.${m.key}`, m.type]));
  const metafields = shop.customers.flatMap((record) =>
    Object.entries(record.metafields).map(([name, value]) => {
      const dot = name.indexOf(".");
      return {
        shopId,
        customerId: idMap.get(record.id) as number,
        namespace: name.slice(0, dot),
        key: name.slice(dot + 1),
        type: typeOf.get(name) ?? UNDEFINED_METAFIELD.type,
        value,
      };
    }),
  );
  await inBatches(metafields, (batch) => db.customerMetafield.createMany({ data: batch }));

  // orders and lines
  let orderNumber = 0;
  const orders: { row: Prisma.OrderCreateManyInput; lines: readonly RecordLine[] }[] = [];
  for (const record of shop.customers) {
    for (const order of record.orders) {
      orderNumber++;
      const processed = new Date(order.processedAt);
      orders.push({
        lines: order.lines,
        row: {
          shopId,
          shopifyId: String(5_000_000_000 + orderNumber),
          name: `#${1000 + orderNumber}`,
          customerId: idMap.get(record.id) as number,
          customerShopifyId: String(6_000_000_000 + record.id),
          currencyCode: shop.currencyCode,
          subtotalMinor: BigInt(order.totalMinor),
          totalMinor: BigInt(order.totalMinor),
          discountCodes: [],
          cancelledAt: order.cancelled ? new Date(order.processedAt + 3_600_000) : null,
          cancelReason: order.cancelled ? "customer" : null,
          test: order.test,
          financialStatus: order.cancelled ? "VOIDED" : "PAID",
          processedAt: processed,
          shopifyCreatedAt: processed,
          shopifyUpdatedAt: processed,
        },
      });
    }
  }
  await inBatches(orders, (batch) => db.order.createMany({ data: batch.map((o) => o.row) }));
  const orderIds = new Map((await db.order.findMany({ where: { shopId }, select: { id: true, shopifyId: true } })).map((o) => [o.shopifyId, o.id]));
  const lines: Prisma.OrderLineCreateManyInput[] = orders.flatMap((order) =>
    order.lines.map((line, i) => ({
      shopId,
      orderId: orderIds.get(order.row.shopifyId) as number,
      shopifyId: `${order.row.shopifyId}-${i + 1}`,
      productShopifyId: line.productId,
      variantShopifyId: line.productId === null ? null : `${line.productId}0${i}`,
      sku: line.sku,
      title: line.productId === null ? "Custom item" : `Product ${line.productId}`,
      productType: line.productType,
      quantity: line.quantity,
      unitPriceMinor: 1000n,
    })),
  );
  await inBatches(lines, (batch) => db.orderLine.createMany({ data: batch }));

  // an abandoned checkout row behind every lastAbandonedCheckoutAt (the filter reads the Customer column)
  const checkouts = shop.customers
    .filter((record) => record.lastAbandonedCheckoutAt !== null)
    .map((record) => ({
      shopId,
      shopifyId: String(4_000_000_000 + record.id),
      customerId: idMap.get(record.id) as number,
      customerShopifyId: String(6_000_000_000 + record.id),
      currencyCode: shop.currencyCode,
      totalMinor: 2500n,
      shopifyCreatedAt: new Date(record.lastAbandonedCheckoutAt as number),
      shopifyUpdatedAt: new Date(record.lastAbandonedCheckoutAt as number),
    }));
  await inBatches(checkouts, (batch) => db.abandonedCheckout.createMany({ data: batch }));

  return { shopId, idMap, customers: shop.customers.map((record) => ({ ...record, id: idMap.get(record.id) as number })) };
}

function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

function bigintOrNull(minor: number | null): bigint | null {
  return minor === null ? null : BigInt(minor);
}
