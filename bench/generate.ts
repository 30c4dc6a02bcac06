/**
 * The benchmark shop: one deterministic (seeded) shop of 1,000,000 customers and 4,000,000 orders,
 * written straight into SQLite (bench/.data/bench.db) and PostgreSQL (schema `bench` in the test
 * database), each built from the committed migrations.
 *
 *   tsx bench/generate.ts [--customers N] [--seed S] [--dialect sqlite|postgresql|both|none] [--force]
 *
 * (`--dialect none` runs the generator alone, writing nothing, to time it.)
 *
 * Everything random comes from one seeded stream drawn in a fixed order, so a seed and a size give
 * the same rows every time. A finished store carries a marker (table "BenchMeta"); a store with the
 * same marker is reused, anything else is rebuilt. Sizes other than the default get their own file
 * (bench-<N>.db) and schema (bench_<N>) so a quick run does not throw the full-size store away.
 *
 * The shape: order counts skewed (a quarter of customers never order, most order 1–2 times, a long
 * tail orders dozens of times); ~1.5 lines per order over 5,000 products whose popularity follows
 * Zipf's law; ~1.3 tags per customer from a vocabulary of 200 ('newsletter' on about a third of
 * customers, 'vip' on about half a percent); one address per customer across 30 countries; a
 * facts.birth_date metafield on ~40%; abandoned checkouts on ~12%; dates over the five years before
 * BENCH_NOW. The derived Customer columns are computed from the orders in SQL after loading
 * (cancelled and test orders excluded), as the sync does.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { cityKey, regionKey } from "~/segments/address-keys";
import { migrationScripts, POSTGRES_TEST_URL } from "../test/store/harness";
import { seededRandom } from "../test/support/random";

// ——— the shop's fixed facts ———————————————————————————————————————————————

/** "Now" for the whole benchmark: every date is relative to it. */
export const BENCH_NOW = Date.UTC(2026, 10, 1, 12, 0, 0);
export const SHOP_ID = 1;
export const SHOP_TIME_ZONE = "Europe/Amsterdam";
export const CURRENCY = "EUR";
export const DEFAULT_CUSTOMERS = 1_000_000;
export const DEFAULT_SEED = 20261101;
export const ORDERS_PER_CUSTOMER = 4;
export const PRODUCT_COUNT = 5_000;
/** Popularity rank (0 = best seller) of the product the products_purchased segment names. */
export const MID_POPULAR_RANK = 100;
/** Bump when the generated data changes shape, so stored data is rebuilt. */
const GENERATOR_VERSION = 1;

const HOUR = 3_600_000;
const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const HISTORY = 5 * YEAR;

export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? POSTGRES_TEST_URL;
export const DATA_DIR = join(import.meta.dirname, ".data");

export interface BenchConfig {
  readonly customers: number;
  readonly seed: number;
}

export function sqliteFile(config: BenchConfig): string {
  return join(DATA_DIR, config.customers === DEFAULT_CUSTOMERS ? "bench.db" : `bench-${config.customers}.db`);
}

export function postgresSchema(config: BenchConfig): string {
  return config.customers === DEFAULT_CUSTOMERS ? "bench" : `bench_${config.customers}`;
}

function markerOf(config: BenchConfig): string {
  return JSON.stringify({ version: GENERATOR_VERSION, seed: config.seed, customers: config.customers, orders: config.customers * ORDERS_PER_CUSTOMER, now: BENCH_NOW });
}

/** Facts about a generated shop the benchmark needs (stored in BenchMeta next to the marker). */
export interface BenchFacts {
  readonly customers: number;
  readonly orders: number;
  readonly lines: number;
  /** Product.shopifyId of the product at popularity rank MID_POPULAR_RANK */
  readonly midPopularProductId: string;
  /** a customer with many orders, for the in-memory evaluation */
  readonly sampleCustomerId: number;
}

// ——— vocabularies ——————————————————————————————————————————————————————————

interface Region {
  readonly code: string | null;
  readonly name: string | null;
  readonly cities: readonly string[];
}
interface Country {
  readonly code: string;
  readonly weight: number;
  readonly locale: string;
  readonly domains: readonly string[];
  readonly regions: readonly Region[];
}

const r = (code: string | null, name: string | null, ...cities: string[]): Region => ({ code, name, cities });

const COUNTRIES: readonly Country[] = [
  { code: "NL", weight: 22, locale: "nl", domains: ["gmail.com", "ziggo.nl", "kpnmail.nl", "outlook.com", "hotmail.nl"], regions: [r("NH", "Noord-Holland", "Amsterdam", "Haarlem", "Zaandam"), r("ZH", "Zuid-Holland", "Rotterdam", "Den Haag", "Leiden"), r("UT", "Utrecht", "Utrecht", "Amersfoort"), r("NB", "Noord-Brabant", "Eindhoven", "Tilburg", "Breda"), r("GE", "Gelderland", "Nijmegen", "Arnhem"), r("GR", "Groningen", "Groningen")] },
  { code: "US", weight: 16, locale: "en", domains: ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"], regions: [r("CA", "California", "Los Angeles", "San Francisco", "San Diego"), r("NY", "New York", "New York", "Brooklyn", "Buffalo"), r("TX", "Texas", "Austin", "Houston", "Dallas"), r("WA", "Washington", "Seattle", "Spokane"), r("IL", "Illinois", "Chicago"), r("FL", "Florida", "Miami", "Orlando", "Tampa"), r("MA", "Massachusetts", "Boston", "Cambridge")] },
  { code: "DE", weight: 12, locale: "de", domains: ["gmail.com", "web.de", "gmx.de", "t-online.de"], regions: [r(null, null, "Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart", "Leipzig", "Düsseldorf")] },
  { code: "BE", weight: 8, locale: "nl", domains: ["gmail.com", "telenet.be", "skynet.be", "outlook.com"], regions: [r(null, null, "Antwerpen", "Gent", "Brugge", "Leuven", "Brussel", "Hasselt")] },
  { code: "GB", weight: 7, locale: "en", domains: ["gmail.com", "btinternet.com", "outlook.com", "yahoo.co.uk"], regions: [r(null, null, "London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol")] },
  { code: "FR", weight: 6, locale: "fr", domains: ["gmail.com", "orange.fr", "free.fr", "laposte.net"], regions: [r(null, null, "Paris", "Lyon", "Marseille", "Lille", "Bordeaux", "Nantes")] },
  { code: "CA", weight: 4, locale: "en", domains: ["gmail.com", "outlook.com", "yahoo.ca"], regions: [r("ON", "Ontario", "Toronto", "Ottawa"), r("QC", "Quebec", "Montreal", "Quebec City"), r("BC", "British Columbia", "Vancouver", "Victoria")] },
  { code: "ES", weight: 3, locale: "es", domains: ["gmail.com", "hotmail.es", "telefonica.net"], regions: [r("M", "Madrid", "Madrid"), r("B", "Barcelona", "Barcelona"), r("V", "Valencia", "Valencia")] },
  { code: "IT", weight: 3, locale: "it", domains: ["gmail.com", "libero.it", "tiscali.it"], regions: [r("MI", "Milano", "Milano"), r("RM", "Roma", "Roma"), r("TO", "Torino", "Torino"), r("NA", "Napoli", "Napoli")] },
  { code: "AU", weight: 3, locale: "en", domains: ["gmail.com", "bigpond.com", "outlook.com"], regions: [r("NSW", "New South Wales", "Sydney", "Newcastle"), r("VIC", "Victoria", "Melbourne", "Geelong"), r("QLD", "Queensland", "Brisbane")] },
  { code: "AT", weight: 2, locale: "de", domains: ["gmail.com", "gmx.at", "aon.at"], regions: [r(null, null, "Wien", "Graz", "Linz", "Salzburg")] },
  { code: "CH", weight: 2, locale: "de", domains: ["gmail.com", "bluewin.ch", "gmx.ch"], regions: [r(null, null, "Zürich", "Genève", "Basel", "Bern")] },
  { code: "DK", weight: 1.5, locale: "da", domains: ["gmail.com", "mail.dk"], regions: [r(null, null, "København", "Aarhus", "Odense")] },
  { code: "SE", weight: 1.5, locale: "sv", domains: ["gmail.com", "telia.com"], regions: [r(null, null, "Stockholm", "Göteborg", "Malmö")] },
  { code: "NO", weight: 1, locale: "nb", domains: ["gmail.com", "online.no"], regions: [r(null, null, "Oslo", "Bergen", "Trondheim")] },
  { code: "FI", weight: 1, locale: "fi", domains: ["gmail.com", "luukku.com"], regions: [r(null, null, "Helsinki", "Espoo", "Tampere")] },
  { code: "IE", weight: 1, locale: "en", domains: ["gmail.com", "eircom.net"], regions: [r("D", "Dublin", "Dublin"), r("CO", "Cork", "Cork")] },
  { code: "PT", weight: 1, locale: "pt", domains: ["gmail.com", "sapo.pt"], regions: [r(null, null, "Lisboa", "Porto", "Braga")] },
  { code: "PL", weight: 1, locale: "pl", domains: ["gmail.com", "wp.pl", "onet.pl"], regions: [r(null, null, "Warszawa", "Kraków", "Gdańsk", "Wrocław")] },
  { code: "CZ", weight: 0.6, locale: "cs", domains: ["gmail.com", "seznam.cz"], regions: [r(null, null, "Praha", "Brno")] },
  { code: "JP", weight: 0.6, locale: "ja", domains: ["gmail.com", "yahoo.co.jp"], regions: [r("13", "Tokyo", "Tokyo"), r("27", "Osaka", "Osaka")] },
  { code: "NZ", weight: 0.5, locale: "en", domains: ["gmail.com", "xtra.co.nz"], regions: [r(null, null, "Auckland", "Wellington")] },
  { code: "LU", weight: 0.4, locale: "fr", domains: ["gmail.com", "pt.lu"], regions: [r(null, null, "Luxembourg", "Esch-sur-Alzette")] },
  { code: "HU", weight: 0.4, locale: "hu", domains: ["gmail.com", "freemail.hu"], regions: [r(null, null, "Budapest", "Debrecen")] },
  { code: "GR", weight: 0.4, locale: "el", domains: ["gmail.com", "otenet.gr"], regions: [r(null, null, "Athina", "Thessaloniki")] },
  { code: "RO", weight: 0.3, locale: "ro", domains: ["gmail.com", "yahoo.ro"], regions: [r(null, null, "Bucureşti", "Cluj-Napoca")] },
  { code: "SK", weight: 0.2, locale: "sk", domains: ["gmail.com", "azet.sk"], regions: [r(null, null, "Bratislava", "Košice")] },
  { code: "SI", weight: 0.2, locale: "sl", domains: ["gmail.com", "siol.net"], regions: [r(null, null, "Ljubljana", "Maribor")] },
  { code: "HR", weight: 0.2, locale: "hr", domains: ["gmail.com", "net.hr"], regions: [r(null, null, "Zagreb", "Split")] },
  { code: "EE", weight: 0.1, locale: "et", domains: ["gmail.com", "hot.ee"], regions: [r(null, null, "Tallinn", "Tartu")] },
];

const FIRST_NAMES = ["Emma", "Liam", "Olivia", "Noah", "Sophie", "Lucas", "Mila", "Daan", "Julia", "Sem", "Anna", "Finn", "Eva", "Levi", "Sara", "Milan", "Lotte", "Jesse", "Zoë", "Thomas", "Mia", "James", "Lena", "Max", "Nora", "Leon", "Hannah", "Paul", "Clara", "Felix", "Grace", "Oscar", "Isla", "Jack", "Ava", "Hugo", "Chloe", "Louis", "Ella", "Adam"];
const LAST_NAMES = ["de Jong", "Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "Müller", "Schmidt", "Schneider", "Fischer", "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Martin", "Bernard", "Dubois", "Peeters", "Maes", "Rossi", "Russo", "García", "López", "Wilson", "Taylor", "Nielsen", "Hansen", "Novak", "Kowalski", "Nagy", "Papadopoulos", "Murphy", "Kelly", "Silva", "Santos"];

/** 200 customer tags, most common first; 'vip' is deliberately rare. */
const CUSTOMER_TAGS: readonly { text: string; weight: number }[] = (() => {
  const named = [
    "Newsletter", "returning", "wholesale", "gift-buyer", "collector", "early-adopter", "b2b", "loyalty-bronze", "loyalty-silver", "loyalty-gold",
    "black-friday-2025", "black-friday-2024", "summer-sale", "winter-sale", "instagram", "facebook", "tiktok", "referral", "influencer", "press",
    "student", "teacher", "employee", "friends-family", "reseller", "dropship", "marketplace", "pos", "pop-up", "event-2025",
    "review-left", "survey-done", "nps-promoter", "nps-detractor", "complaint", "return-heavy", "no-returns", "eco", "vegan", "gluten-free",
  ];
  const interests = ["coffee", "tea", "outdoor", "running", "yoga", "cycling", "kids", "baby", "pets", "garden", "kitchen", "travel", "gaming", "books", "music", "art", "fashion", "beauty", "home", "tech"];
  const words = [...named, ...interests.map((i) => `interest-${i}`)];
  for (let n = 1; words.length < 199; n++) words.push(`campaign-${String(n).padStart(3, "0")}`);
  // 'vip' sits at rank 60: about half a percent of customers
  words.splice(60, 0, "VIP");
  const tags = words.map((text, rank) => ({ text, weight: rank === 0 ? 0 : 1 / Math.pow(rank, 0.9) }));
  const vip = tags.find((t) => t.text === "VIP");
  const rest = tags.reduce((sum, t) => sum + t.weight, 0);
  // 'newsletter' ≈ 26% of draws; 'vip' 0.4%; the rest share the remainder by Zipf
  for (const tag of tags) tag.weight = (tag.weight / rest) * 0.736;
  tags[0]!.weight = 0.26;
  vip!.weight = 0.004;
  return tags;
})();

const PRODUCT_TYPES = ["Shirts", "T-Shirts", "Sweaters", "Jeans", "Trousers", "Dresses", "Skirts", "Jackets", "Coats", "Shoes", "Sneakers", "Boots", "Socks", "Underwear", "Hats", "Scarves", "Gloves", "Bags", "Backpacks", "Wallets", "Belts", "Sunglasses", "Watches", "Jewellery", "Mugs", "Candles", "Posters", "Notebooks", "Pens", "Tea", "Coffee", "Chocolate", "Soap", "Shampoo", "Skincare", "Toys", "Puzzles", "Books", "Gift Cards", "Accessories"];
const PRODUCT_TAGS = (() => {
  const base = ["sale", "new", "bestseller", "summer", "winter", "spring", "autumn", "organic", "recycled", "limited", "exclusive", "gift", "kids", "men", "women", "unisex", "eco", "handmade", "local", "imported", "premium", "basic", "bundle", "clearance", "preorder"];
  const colours = ["red", "blue", "green", "black", "white", "grey", "yellow", "pink", "purple", "orange", "brown", "navy", "beige", "gold", "silver"];
  const tags = [...base, ...colours.map((c) => `colour-${c}`)];
  for (let n = 1; tags.length < 100; n++) tags.push(`collection-${n}`);
  return tags;
})();
const VENDORS = Array.from({ length: 30 }, (_, i) => `Vendor ${String.fromCharCode(65 + (i % 26))}${i >= 26 ? i - 25 : ""}`);
const ADJECTIVES = ["Classic", "Essential", "Organic", "Vintage", "Urban", "Coastal", "Nordic", "Soft", "Bold", "Everyday", "Premium", "Travel", "Cozy", "Bright", "Midnight", "Golden"];
const DISCOUNT_CODES = [{ code: "WELCOME10", pct: 10 }, { code: "SUMMER15", pct: 15 }, { code: "VIP20", pct: 20 }, { code: "NEWSLETTER5", pct: 5 }];

// ——— tables as the writers see them ————————————————————————————————————————

type ColumnType = "int" | "bigint" | "text" | "bool" | "ts" | "real" | "json" | { enum: string };
type Value = number | string | boolean | null;

interface TableSpec {
  readonly name: string;
  readonly columns: readonly (readonly [string, ColumnType])[];
}

const T = (name: string, columns: [string, ColumnType][]): TableSpec => ({ name, columns });

const TABLES = {
  shop: T("Shop", [["id", "int"], ["domain", "text"], ["name", "text"], ["currencyCode", "text"], ["ianaTimezone", "text"], ["installedAt", "ts"], ["syncState", { enum: "SyncState" }], ["createdAt", "ts"], ["updatedAt", "ts"]]),
  product: T("Product", [["id", "int"], ["shopId", "int"], ["shopifyId", "text"], ["title", "text"], ["handle", "text"], ["productType", "text"], ["vendor", "text"], ["shopifyCreatedAt", "ts"], ["shopifyUpdatedAt", "ts"], ["createdAt", "ts"], ["updatedAt", "ts"]]),
  variant: T("ProductVariant", [["id", "int"], ["shopId", "int"], ["productId", "int"], ["shopifyId", "text"], ["sku", "text"], ["title", "text"], ["priceMinor", "bigint"]]),
  productTag: T("ProductTag", [["shopId", "int"], ["productId", "int"], ["tag", "text"], ["normalized", "text"]]),
  definition: T("MetafieldDefinition", [["id", "int"], ["shopId", "int"], ["shopifyId", "text"], ["ownerType", { enum: "MetafieldOwnerType" }], ["namespace", "text"], ["key", "text"], ["name", "text"], ["type", "text"]]),
  customer: T("Customer", [
    ["id", "int"], ["shopId", "int"], ["shopifyId", "text"], ["firstName", "text"], ["lastName", "text"], ["email", "text"], ["emailDomain", "text"], ["phone", "text"], ["company", "text"], ["locale", "text"],
    ["accountState", { enum: "CustomerAccountState" }], ["verifiedEmail", "bool"], ["note", "text"],
    ["emailMarketingState", { enum: "EmailMarketingState" }], ["emailMarketingUpdatedAt", "ts"], ["smsMarketingState", { enum: "SmsMarketingState" }], ["smsMarketingUpdatedAt", "ts"],
    ["shopifyCreatedAt", "ts"], ["shopifyUpdatedAt", "ts"],
    ["predictedSpendTier", { enum: "SpendTier" }], ["rfmGroup", { enum: "RfmGroup" }], ["predictedSpend12mMinor", "bigint"], ["predictedClvMinor", "bigint"], ["churnProbability", "real"], ["expectedNextOrderAt", "ts"], ["predictedAt", "ts"],
    ["createdAt", "ts"], ["updatedAt", "ts"],
  ]),
  customerTag: T("CustomerTag", [["shopId", "int"], ["customerId", "int"], ["tag", "text"], ["normalized", "text"]]),
  address: T("CustomerAddress", [["id", "int"], ["shopId", "int"], ["customerId", "int"], ["shopifyId", "text"], ["isDefault", "bool"], ["city", "text"], ["province", "text"], ["provinceCode", "text"], ["countryCode", "text"], ["zip", "text"], ["regionKey", "text"], ["cityKey", "text"]]),
  metafield: T("CustomerMetafield", [["shopId", "int"], ["customerId", "int"], ["namespace", "text"], ["key", "text"], ["type", "text"], ["value", "text"]]),
  order: T("Order", [
    ["id", "int"], ["shopId", "int"], ["shopifyId", "text"], ["name", "text"], ["customerId", "int"], ["customerShopifyId", "text"], ["email", "text"], ["currencyCode", "text"],
    ["subtotalMinor", "bigint"], ["totalDiscountsMinor", "bigint"], ["totalShippingMinor", "bigint"], ["totalTaxMinor", "bigint"], ["totalMinor", "bigint"], ["totalRefundedMinor", "bigint"],
    ["discountCodes", "json"], ["hasDiscountCode", "bool"], ["financialStatus", { enum: "FinancialStatus" }], ["cancelledAt", "ts"], ["cancelReason", "text"], ["test", "bool"],
    ["processedAt", "ts"], ["shopifyCreatedAt", "ts"], ["shopifyUpdatedAt", "ts"], ["createdAt", "ts"], ["updatedAt", "ts"],
  ]),
  line: T("OrderLine", [["id", "int"], ["shopId", "int"], ["orderId", "int"], ["shopifyId", "text"], ["productShopifyId", "text"], ["variantShopifyId", "text"], ["sku", "text"], ["title", "text"], ["productType", "text"], ["quantity", "int"], ["unitPriceMinor", "bigint"], ["totalDiscountMinor", "bigint"]]),
  checkout: T("AbandonedCheckout", [["id", "int"], ["shopId", "int"], ["shopifyId", "text"], ["token", "text"], ["customerId", "int"], ["customerShopifyId", "text"], ["email", "text"], ["currencyCode", "text"], ["totalMinor", "bigint"], ["completedAt", "ts"], ["shopifyCreatedAt", "ts"], ["shopifyUpdatedAt", "ts"]]),
} as const;

type TableKey = keyof typeof TABLES;
/** The big tables whose secondary indexes are dropped during the load and built afterwards. */
const LOADED_TABLES = Object.values(TABLES).map((t) => t.name);

/** Where generated rows go: one writer per dialect. */
interface Sink {
  row(table: TableKey, values: Value[]): void;
  /** called between customer chunks: commit, or wait for the database to catch up */
  checkpoint(): Promise<void>;
  finish(): Promise<void>;
}

// ——— the generator ——————————————————————————————————————————————————————————

/** Products by popularity: rank → product number (1-based), a seeded permutation. */
function popularityOrder(seed: number): number[] {
  const random = seededRandom(seed ^ 0x5eed);
  const order = Array.from({ length: PRODUCT_COUNT }, (_, i) => i + 1);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

const productShopifyId = (n: number) => String(7_700_000 + n);

export function midPopularProductId(seed: number): string {
  return productShopifyId(popularityOrder(seed)[MID_POPULAR_RANK]!);
}

/** Cumulative weights for drawing with one random number and a binary search. */
function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

function draw(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Orders per customer: 25% none, 20% one, 13% two, the rest 3 plus a Pareto tail (capped at 400),
 * then nudged so the total is exactly ORDERS_PER_CUSTOMER × customers.
 */
function orderCounts(customers: number, seed: number): Uint16Array {
  const random = seededRandom(seed ^ 0x0dde7);
  const counts = new Uint16Array(customers);
  let total = 0;
  for (let i = 0; i < customers; i++) {
    const u = random();
    let n: number;
    if (u < 0.25) n = 0;
    else if (u < 0.45) n = 1;
    else if (u < 0.58) n = 2;
    else n = 3 + Math.min(397, Math.floor(4.2 * (Math.pow(1 - random(), -1 / 1.8) - 1)));
    counts[i] = n;
    total += n;
  }
  const target = customers * ORDERS_PER_CUSTOMER;
  while (total !== target) {
    const i = Math.floor(random() * customers);
    const n = counts[i]!;
    if (total < target && n >= 3 && n < 400) {
      counts[i] = n + 1;
      total++;
    } else if (total > target && n >= 4) {
      counts[i] = n - 1;
      total--;
    }
  }
  return counts;
}

const slug = (text: string) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "");

/** Streams the whole shop into a sink, customer by customer. */
async function generateShop(config: BenchConfig, sink: Sink, progress: (done: number) => void): Promise<BenchFacts> {
  const random = seededRandom(config.seed);
  const pickOf = <X>(items: readonly X[]): X => items[Math.floor(random() * items.length)]!;
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const bookkeeping = BENCH_NOW - DAY; // createdAt/updatedAt of every row: "synced yesterday"

  sink.row("shop", [SHOP_ID, "bench.myshopify.com", "Bench Shop", CURRENCY, SHOP_TIME_ZONE, BENCH_NOW - HISTORY, "SUCCEEDED", BENCH_NOW - HISTORY, bookkeeping]);
  sink.row("definition", [1, SHOP_ID, "9100000001", "CUSTOMER", "facts", "birth_date", "Birthday", "date"]);

  // the catalogue
  interface Product { id: string; variant: string; sku: string; title: string; type: string; price: number }
  const products: Product[] = [];
  for (let n = 1; n <= PRODUCT_COUNT; n++) {
    const type = PRODUCT_TYPES[Math.floor(Math.pow(random(), 1.6) * PRODUCT_TYPES.length)]!;
    const title = `${pickOf(ADJECTIVES)} ${type.replace(/s$/, "")} ${n}`;
    const price = Math.min(29_999, Math.max(299, Math.round(Math.exp(Math.log(3000) + 0.6 * normal()) / 100) * 100 - 1));
    const created = BENCH_NOW - HISTORY - 30 * DAY + Math.floor(random() * (HISTORY - 60 * DAY));
    const product: Product = { id: productShopifyId(n), variant: String(44_000_000_000 + n), sku: `SKU-${String(n).padStart(5, "0")}`, title, type, price };
    products.push(product);
    sink.row("product", [n, SHOP_ID, product.id, title, `${slug(title)}-${n}`, type, pickOf(VENDORS), created, created + Math.floor(random() * 30 * DAY), bookkeeping, bookkeeping]);
    sink.row("variant", [n, SHOP_ID, n, product.variant, product.sku, "Default Title", price]);
    const tagCount = 1 + Math.floor(random() * 3);
    const seen = new Set<string>();
    for (let k = 0; k < tagCount; k++) {
      const tag = PRODUCT_TAGS[Math.floor(Math.pow(random(), 1.5) * PRODUCT_TAGS.length)]!;
      if (seen.has(tag)) continue;
      seen.add(tag);
      sink.row("productTag", [SHOP_ID, n, tag, tag.toLowerCase()]);
    }
  }
  const popularity = popularityOrder(config.seed);
  const productCdf = cumulative(popularity.map((_, rank) => 1 / (rank + 1)));
  const countryCdf = cumulative(COUNTRIES.map((c) => c.weight));
  const tagCdf = cumulative(CUSTOMER_TAGS.map((t) => t.weight));
  const tagCountCdf = cumulative([0.3, 0.3, 0.22, 0.12, 0.06]);
  const counts = orderCounts(config.customers, config.seed);

  let orderId = 0;
  let lineId = 0;
  let checkoutId = 0;
  let sampleCustomerId = 1;
  const times: number[] = [];
  const lines: { product: Product; quantity: number; lineDiscount: number }[] = [];
  for (let id = 1; id <= config.customers; id++) {
    const customerShopifyId = String(6_000_000_000 + id);
    const country = COUNTRIES[draw(countryCdf, random())]!;
    const region = pickOf(country.regions);
    const city = pickOf(region.cities);
    const first = pickOf(FIRST_NAMES);
    const last = pickOf(LAST_NAMES);
    const domain = pickOf(country.domains);
    const email = `${slug(first)}.${slug(last)}${id}@${domain}`;
    const created = BENCH_NOW - DAY - Math.floor(random() * (HISTORY - DAY));
    const orders = counts[id - 1]!;
    if (orders >= 20 && orders <= 30 && sampleCustomerId === 1) sampleCustomerId = id;

    const u = random();
    const accountState = u < 0.6 ? "DISABLED" : u < 0.9 ? "ENABLED" : u < 0.98 ? "INVITED" : "DECLINED";
    const e = random();
    const emailState = e < 0.45 ? "SUBSCRIBED" : e < 0.85 ? "NOT_SUBSCRIBED" : e < 0.97 ? "UNSUBSCRIBED" : "PENDING";
    const s = random();
    const smsState = s < 0.1 ? "SUBSCRIBED" : s < 0.95 ? "NOT_SUBSCRIBED" : "UNSUBSCRIBED";
    const hasPhone = random() < 0.4;
    const predicted = orders > 0;
    const p = random();
    sink.row("customer", [
      id, SHOP_ID, customerShopifyId, first, last, email, domain, hasPhone ? `+31 6${String(10_000_000 + id).slice(-8)}` : null, random() < 0.05 ? `${last} BV` : null, country.locale,
      accountState, random() < 0.8, random() < 0.02 ? "Prefers delivery after 18:00" : null,
      emailState, emailState === "NOT_SUBSCRIBED" ? null : created + Math.floor(random() * (BENCH_NOW - created)), smsState, smsState === "NOT_SUBSCRIBED" ? null : created,
      created, created + Math.floor(random() * (BENCH_NOW - created)),
      predicted ? (p < 0.3 ? "HIGH" : p < 0.9 ? "MEDIUM" : "LOW") : null,
      predicted ? pickOf(["CHAMPIONS", "LOYAL", "ACTIVE", "NEW", "PROMISING", "NEEDS_ATTENTION", "AT_RISK", "ALMOST_LOST", "PREVIOUSLY_LOYAL", "DORMANT"]) : "PROSPECTS",
      predicted ? Math.floor(random() * 50_000) : null, predicted ? Math.floor(random() * 200_000) : null, predicted ? Math.round(random() * 1000) / 1000 : null,
      predicted ? BENCH_NOW + Math.floor(random() * 180 * DAY) : null, BENCH_NOW - DAY,
      bookkeeping, bookkeeping,
    ]);

    // tags
    const tagCount = draw(tagCountCdf, random());
    if (tagCount > 0) {
      const chosen = new Set<number>();
      for (let attempts = 0; chosen.size < tagCount && attempts < 20; attempts++) chosen.add(draw(tagCdf, random()));
      for (const t of [...chosen].sort((a, b) => a - b)) {
        const text = CUSTOMER_TAGS[t]!.text;
        sink.row("customerTag", [SHOP_ID, id, text, text.toLowerCase()]);
      }
    }

    // one address
    const parts = { countryCode: country.code, provinceCode: region.code, city };
    sink.row("address", [id, SHOP_ID, id, String(7_100_000_000 + id), true, city, region.name, region.code, country.code, String(1000 + Math.floor(random() * 9000)), regionKey(parts), cityKey(parts)]);

    // birthday on ~40%
    if (random() < 0.4) {
      const birth = new Date(Date.UTC(1950, 0, 1) + Math.floor(random() * 58 * YEAR)).toISOString().slice(0, 10);
      sink.row("metafield", [SHOP_ID, id, "facts", "birth_date", "date", birth]);
    }

    // orders, oldest first
    times.length = 0;
    for (let k = 0; k < orders; k++) times.push(created + Math.floor(random() * (BENCH_NOW - HOUR - created)));
    times.sort((a, b) => a - b);
    for (const processed of times) {
      orderId++;
      const discount = random() < 0.18 ? pickOf(DISCOUNT_CODES) : null;
      const lineCount = ((x) => (x < 0.6 ? 1 : x < 0.9 ? 2 : 3))(random());
      let subtotal = 0;
      let discounts = 0;
      lines.length = 0;
      for (let l = 0; l < lineCount; l++) {
        const product = products[popularity[draw(productCdf, random())]! - 1]!;
        const q = random();
        const quantity = q < 0.85 ? 1 : q < 0.97 ? 2 : 3;
        const lineDiscount = discount ? Math.floor((product.price * quantity * discount.pct) / 100) : 0;
        subtotal += product.price * quantity;
        discounts += lineDiscount;
        lines.push({ product, quantity, lineDiscount });
      }
      const shipping = subtotal >= 5000 ? 0 : 495;
      const total = subtotal - discounts + shipping;
      const f = random();
      const cancelled = f < 0.02;
      const status = cancelled ? "VOIDED" : f < 0.93 ? "PAID" : f < 0.96 ? "PARTIALLY_REFUNDED" : f < 0.98 ? "REFUNDED" : f < 0.99 ? "PENDING" : "AUTHORIZED";
      const refunded = status === "REFUNDED" ? total : status === "PARTIALLY_REFUNDED" ? Math.floor(total * 0.3) : 0;
      const isTest = random() < 0.001;
      sink.row("order", [
        orderId, SHOP_ID, String(5_000_000_000 + orderId), `#${1000 + orderId}`, id, customerShopifyId, email, CURRENCY,
        subtotal, discounts, shipping, Math.round((total * 21) / 121), total, refunded,
        discount ? `["${discount.code}"]` : "[]", discount !== null, status, cancelled ? processed + 2 * HOUR : null, cancelled ? "customer" : null, isTest,
        processed, processed, processed + 3 * DAY, bookkeeping, bookkeeping,
      ]);
      for (const { product, quantity, lineDiscount } of lines) {
        lineId++;
        sink.row("line", [lineId, SHOP_ID, orderId, String(15_000_000_000 + lineId), product.id, product.variant, product.sku, product.title, product.type, quantity, product.price, lineDiscount]);
      }
    }

    // abandoned checkouts on ~12%
    if (random() < 0.12) {
      const n = random() < 0.8 ? 1 : 2;
      for (let k = 0; k < n; k++) {
        checkoutId++;
        const at = Math.max(created, BENCH_NOW - 2 * YEAR) + Math.floor(random() * (BENCH_NOW - Math.max(created, BENCH_NOW - 2 * YEAR)));
        const completed = random() < 0.25 ? at + HOUR : null;
        sink.row("checkout", [checkoutId, SHOP_ID, String(3_000_000_000 + checkoutId), `tok${checkoutId}`, id, customerShopifyId, email, CURRENCY, 1000 + Math.floor(random() * 20_000), completed, at, completed ?? at]);
      }
    }

    if (id % 1_000 === 0) {
      await sink.checkpoint();
      if (id % 10_000 === 0) progress(id);
    }
  }
  await sink.finish();
  return { customers: config.customers, orders: orderId, lines: lineId, midPopularProductId: midPopularProductId(config.seed), sampleCustomerId };
}

// ——— derived columns, in SQL ————————————————————————————————————————————————

function derivedSql(dialect: "sqlite" | "postgresql"): string[] {
  const notTest = dialect === "sqlite" ? `o."test" = 0` : `o."test" = false`;
  const discountShare = dialect === "sqlite" ? `avg(o."hasDiscountCode")` : `avg(o."hasDiscountCode"::int)`;
  const paidStatuses = `('PAID', 'PARTIALLY_PAID', 'PARTIALLY_REFUNDED', 'REFUNDED')`;
  const aggregates = `
    SELECT o."customerId" AS "customerId",
           count(*) AS n,
           sum(o."totalMinor" - o."totalRefundedMinor") AS spent,
           sum(CASE WHEN o."financialStatus" IN ${paidStatuses} THEN o."totalMinor" - o."totalRefundedMinor" ELSE 0 END) AS paid,
           min(o."processedAt") AS first_at,
           max(o."processedAt") AS last_at,
           max(CASE WHEN o.rn = 1 THEN o."totalMinor" END) AS last_amount,
           ${discountShare} AS share
    FROM (SELECT o.*, row_number() OVER (PARTITION BY o."customerId" ORDER BY o."processedAt" DESC, o."id" DESC) AS rn
          FROM "Order" o
          WHERE o."shopId" = ${SHOP_ID} AND o."customerId" IS NOT NULL AND o."cancelledAt" IS NULL AND ${notTest}) o
    GROUP BY o."customerId"`;
  const round = dialect === "sqlite" ? `CAST(round(CAST(s.spent AS REAL) / s.n) AS INTEGER)` : `round(s.spent::numeric / s.n)::bigint`;
  return [
    `UPDATE "Customer" AS c SET
       "numberOfOrders" = s.n, "amountSpentMinor" = s.spent, "amountPaidMinor" = s.paid,
       "firstOrderAt" = s.first_at, "lastOrderAt" = s.last_at, "lastOrderAmountMinor" = s.last_amount,
       "averageOrderValueMinor" = ${round}, "discountOrderShare" = s.share
     FROM (${aggregates}) AS s
     WHERE c."id" = s."customerId" AND c."shopId" = ${SHOP_ID}`,
    `UPDATE "Customer" AS c SET "lastAbandonedCheckoutAt" = s.at
     FROM (SELECT "customerId", max("shopifyCreatedAt") AS at FROM "AbandonedCheckout"
           WHERE "shopId" = ${SHOP_ID} AND "completedAt" IS NULL AND "customerId" IS NOT NULL GROUP BY "customerId") AS s
     WHERE c."id" = s."customerId" AND c."shopId" = ${SHOP_ID}`,
  ];
}

// ——— SQLite ——————————————————————————————————————————————————————————————————

/** Prisma's better-sqlite3 adapter writes DateTime as ISO 8601 with "+00:00". */
export const sqliteTimestamp = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

function sqliteValue(type: ColumnType): (v: Value) => Value {
  if (type === "ts") return (v) => (v === null ? null : sqliteTimestamp(v as number));
  if (type === "bool") return (v) => (v === null ? null : v ? 1 : 0);
  return (v) => v;
}

function readMeta(get: (key: string) => string | undefined, config: BenchConfig): BenchFacts | null {
  if (get("marker") !== markerOf(config)) return null;
  const facts = get("facts");
  return facts ? (JSON.parse(facts) as BenchFacts) : null;
}

/** The facts of a finished store with this config's marker, or null (missing, unfinished, other config, unreadable). */
function existingSqliteFacts(file: string, config: BenchConfig): BenchFacts | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'BenchMeta'`).get();
    if (!hasMeta) return null;
    const statement = db.prepare(`SELECT value FROM "BenchMeta" WHERE key = ?`);
    return readMeta((key) => (statement.get(key) as { value: string } | undefined)?.value, config);
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

export interface Prepared {
  readonly facts: BenchFacts;
  /** seconds the generation took, or null when an existing store was reused */
  readonly seconds: number | null;
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const since = (start: number) => `${((performance.now() - start) / 1000).toFixed(1)} s`;

/** Opens the SQLite bench store, generating it first unless a store with the same marker exists. */
export async function prepareSqlite(config: BenchConfig, force = false): Promise<Prepared> {
  const file = sqliteFile(config);
  if (existsSync(file) && !force) {
    const facts = existingSqliteFacts(file, config);
    if (facts) return { facts, seconds: null };
  }
  mkdirSync(DATA_DIR, { recursive: true });
  for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  const start = performance.now();
  log(`sqlite: generating ${config.customers} customers (seed ${config.seed}) into ${file}`);
  const db = new Database(file);
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -1048576"); // 1 GiB while loading and indexing
  db.pragma("temp_store = MEMORY");
  for (const script of migrationScripts("sqlite")) db.exec(script);
  db.exec(`CREATE TABLE "BenchMeta" ("key" TEXT PRIMARY KEY, "value" TEXT NOT NULL)`);

  // secondary indexes are built after the load
  const placeholders = LOADED_TABLES.map(() => "?").join(", ");
  const indexes = db.prepare(`SELECT name, tbl_name AS tableName, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${placeholders})`).all(...LOADED_TABLES) as { name: string; tableName: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
  log(`sqlite: schema ready in ${since(start)}`);

  const statements = new Map<TableKey, { run: (values: Value[]) => void }>();
  for (const [key, table] of Object.entries(TABLES) as [TableKey, TableSpec][]) {
    const statement = db.prepare(`INSERT INTO "${table.name}" (${table.columns.map(([c]) => `"${c}"`).join(", ")}) VALUES (${table.columns.map(() => "?").join(", ")})`);
    const convert = table.columns.map(([, type]) => sqliteValue(type));
    const width = convert.length;
    statements.set(key, {
      run(values) {
        for (let i = 0; i < width; i++) values[i] = convert[i]!(values[i]!);
        statement.run(values);
      },
    });
  }
  db.exec("BEGIN");
  let checkpoints = 0;
  const sink: Sink = {
    row: (table, values) => statements.get(table)!.run(values),
    async checkpoint() {
      if (++checkpoints % 50 !== 0) return;
      db.exec("COMMIT");
      db.exec("BEGIN");
    },
    async finish() {
      db.exec("COMMIT");
    },
  };
  const facts = await generateShop(config, sink, (done) => {
    if (done % 100_000 === 0) log(`sqlite:   ${done} customers, ${since(start)}`);
  });
  log(`sqlite: rows loaded (${facts.orders} orders, ${facts.lines} lines) in ${since(start)}`);

  let phase = performance.now();
  for (const index of indexes.filter((i) => i.tableName !== "Customer")) db.exec(index.sql);
  log(`sqlite: indexes built in ${since(phase)}`);
  phase = performance.now();
  db.exec("BEGIN");
  for (const sql of derivedSql("sqlite")) db.exec(sql);
  db.exec("COMMIT");
  log(`sqlite: derived customer columns in ${since(phase)}`);
  phase = performance.now();
  for (const index of indexes.filter((i) => i.tableName === "Customer")) db.exec(index.sql);
  db.exec("ANALYZE");
  log(`sqlite: customer indexes + ANALYZE in ${since(phase)}`);
  const seconds = (performance.now() - start) / 1000;
  const put = db.prepare(`INSERT OR REPLACE INTO "BenchMeta" ("key", "value") VALUES (?, ?)`);
  put.run("facts", JSON.stringify(facts));
  put.run("seconds", String(seconds));
  put.run("marker", markerOf(config));
  db.close();
  log(`sqlite: done in ${seconds.toFixed(1)} s`);
  return { facts, seconds };
}

// ——— PostgreSQL ——————————————————————————————————————————————————————————————

export function postgresClient(schema: string): pg.Client {
  return new pg.Client({ connectionString: BENCH_POSTGRES_URL, options: `-c search_path=${schema}` });
}

function postgresArrayType(type: ColumnType): string {
  if (typeof type === "object") return `"${type.enum}"[]`;
  return { int: "int4[]", bigint: "int8[]", text: "text[]", bool: "bool[]", ts: "timestamp(3)[]", real: "float8[]", json: "jsonb[]" }[type];
}

/** timestamp(3) without time zone, holding UTC */
export const postgresTimestamp = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace("T", " ");

const POSTGRES_BATCH = 20_000;

/** A PostgreSQL array literal ('{1,2,NULL}', '{"a","b\\"c"}'), built faster than pg's generic serializer. */
function postgresArrayLiteral(values: readonly Value[], quote: boolean): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = "NULL";
    else if (typeof v === "boolean") parts[i] = v ? "t" : "f";
    else if (!quote) parts[i] = String(v);
    else {
      const text = String(v);
      parts[i] = text.includes('"') || text.includes("\\") ? `"${text.replace(/[\\"]/g, "\\$&")}"` : `"${text}"`;
    }
  }
  return `{${parts.join(",")}}`;
}

/**
 * UNLOGGED tables skip the write-ahead log: the load is several times faster and reads are the same.
 * A crash empties them, marker included, so the next run rebuilds. A logged table may not reference
 * an unlogged one, so referencing tables go first.
 */
async function makeUnlogged(client: pg.Client, schema: string): Promise<void> {
  let tables = (await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'BenchMeta'`, [schema])).rows.map((row: { tablename: string }) => row.tablename);
  while (tables.length > 0) {
    const left: string[] = [];
    for (const table of tables) {
      await client.query(`ALTER TABLE "${table}" SET UNLOGGED`).catch(() => left.push(table));
    }
    if (left.length === tables.length) throw new Error(`cannot make ${left.join(", ")} unlogged`);
    tables = left;
  }
}

/** Opens the PostgreSQL bench schema, generating it first unless a schema with the same marker exists. */
export async function preparePostgres(config: BenchConfig, force = false): Promise<Prepared> {
  const schema = postgresSchema(config);
  const client = postgresClient(schema);
  await client.connect();
  try {
    if (!force) {
      const exists = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'BenchMeta'`, [schema]);
      if (exists.rowCount) {
        const rows = (await client.query(`SELECT key, value FROM "BenchMeta"`)).rows as { key: string; value: string }[];
        const facts = readMeta((key) => rows.find((row) => row.key === key)?.value, config);
        if (facts) return { facts, seconds: null };
      }
    }
    const start = performance.now();
    log(`postgresql: generating ${config.customers} customers (seed ${config.seed}) into schema ${schema}`);
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.query(`CREATE SCHEMA "${schema}"`);
    for (const script of migrationScripts("postgresql")) await client.query(script);
    await client.query(`CREATE UNLOGGED TABLE "BenchMeta" ("key" TEXT PRIMARY KEY, "value" TEXT NOT NULL)`);
    await makeUnlogged(client, schema);
    // no foreign-key triggers during the load (the rows are consistent by construction)
    await client.query(`SET session_replication_role = replica`);
    await client.query(`SET maintenance_work_mem = '1GB'`);
    const indexes = (await client.query(`SELECT indexname AS name, tablename AS "tableName", indexdef AS sql FROM pg_indexes WHERE schemaname = $1 AND indexname NOT LIKE '%\\_pkey' AND tablename = ANY($2)`, [schema, LOADED_TABLES])).rows as { name: string; tableName: string; sql: string }[];
    for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);
    log(`postgresql: schema ready in ${since(start)}`);

    // One query at a time on the connection, but the next rows are generated while one is running.
    // Columns holding one value throughout a batch (shopId, currency, bookkeeping times) are sent once.
    const queue: Promise<unknown>[] = [];
    let tail: Promise<unknown> = Promise.resolve();
    interface Buffer { table: TableSpec; columns: Value[][]; width: number; convert: ((v: Value) => Value)[] }
    const buffers = new Map<TableKey, Buffer>();
    for (const [key, table] of Object.entries(TABLES) as [TableKey, TableSpec][]) {
      buffers.set(key, {
        table,
        columns: table.columns.map(() => []),
        width: table.columns.length,
        convert: table.columns.map(([, type]) => (type === "ts" ? (v: Value) => (v === null ? null : postgresTimestamp(v as number)) : (v: Value) => v)),
      });
    }
    const flush = (key: TableKey) => {
      const buffer = buffers.get(key)!;
      if (buffer.columns[0]!.length === 0) return;
      const params: string[] = [];
      const select: string[] = [];
      const arrays: string[] = [];
      const aliases: string[] = [];
      buffer.table.columns.forEach(([, type], i) => {
        const column = buffer.columns[i]!;
        const first = column[0];
        const quote = typeof type === "object" || type === "text" || type === "json" || type === "ts";
        if (first !== null && first !== undefined && column.every((v) => v === first)) {
          params.push(typeof first === "boolean" ? (first ? "t" : "f") : String(first));
          select.push(`$${params.length}::${postgresArrayType(type).slice(0, -2)}`);
        } else {
          params.push(postgresArrayLiteral(column, quote));
          arrays.push(`$${params.length}::${postgresArrayType(type)}`);
          aliases.push(`c${i}`);
          select.push(`u.c${i}`);
        }
      });
      const names = buffer.table.columns.map(([c]) => `"${c}"`).join(", ");
      const from = arrays.length > 0 ? `unnest(${arrays.join(", ")}) AS u(${aliases.join(", ")})` : `generate_series(1, ${buffer.columns[0]!.length})`;
      const sql = `INSERT INTO "${buffer.table.name}" (${names}) SELECT ${select.join(", ")} FROM ${from}`;
      buffer.columns = buffer.columns.map(() => []);
      tail = tail.then(() => client.query(sql, params));
      queue.push(tail);
    };
    const sink: Sink = {
      row(table, values) {
        const buffer = buffers.get(table)!;
        for (let i = 0; i < buffer.width; i++) buffer.columns[i]!.push(buffer.convert[i]!(values[i]!));
        if (buffer.columns[0]!.length >= POSTGRES_BATCH) flush(table);
      },
      async checkpoint() {
        // keep the database busy while the next rows are generated, but not too far behind
        while (queue.length > 3) await queue.shift();
        // let the connection send the next query and read the answers of finished ones
        await new Promise((resolve) => setImmediate(resolve));
      },
      async finish() {
        for (const key of buffers.keys()) flush(key);
        await tail;
      },
    };
    const facts = await generateShop(config, sink, (done) => {
      if (done % 100_000 === 0) log(`postgresql:   ${done} customers, ${since(start)}`);
    });
    log(`postgresql: rows loaded (${facts.orders} orders, ${facts.lines} lines) in ${since(start)}`);

    let phase = performance.now();
    for (const index of indexes.filter((i) => i.tableName !== "Customer")) await client.query(index.sql);
    log(`postgresql: indexes built in ${since(phase)}`);
    phase = performance.now();
    for (const sql of derivedSql("postgresql")) await client.query(sql);
    await client.query(`VACUUM FULL "Customer"`);
    log(`postgresql: derived customer columns in ${since(phase)}`);
    phase = performance.now();
    for (const index of indexes.filter((i) => i.tableName === "Customer")) await client.query(index.sql);
    for (const table of Object.values(TABLES).filter((t) => t.columns.some(([c]) => c === "id"))) {
      await client.query(`SELECT setval(pg_get_serial_sequence('"${table.name}"', 'id'), (SELECT max("id") FROM "${table.name}"))`);
    }
    await client.query(`SET session_replication_role = DEFAULT`);
    await client.query(`VACUUM ANALYZE ${LOADED_TABLES.map((t) => `"${t}"`).join(", ")}`);
    log(`postgresql: customer indexes + VACUUM ANALYZE in ${since(phase)}`);
    const seconds = (performance.now() - start) / 1000;
    await client.query(`INSERT INTO "BenchMeta" ("key", "value") VALUES ('facts', $1), ('seconds', $2), ('marker', $3)`, [JSON.stringify(facts), String(seconds), markerOf(config)]);
    log(`postgresql: done in ${seconds.toFixed(1)} s`);
    return { facts, seconds };
  } finally {
    await client.end();
  }
}

// ——— command line ——————————————————————————————————————————————————————————

export function benchConfigFromArgs(values: { customers?: string; seed?: string }): BenchConfig {
  const customers = values.customers ? Number(values.customers.replace(/_/g, "")) : DEFAULT_CUSTOMERS;
  const seed = values.seed ? Number(values.seed) : DEFAULT_SEED;
  if (!Number.isInteger(customers) || customers < 100) throw new Error(`--customers must be an integer ≥ 100, got ${values.customers}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  return { customers, seed };
}

async function main() {
  const { values } = parseArgs({
    options: { customers: { type: "string" }, seed: { type: "string" }, dialect: { type: "string", default: "both" }, force: { type: "boolean", default: false } },
  });
  const config = benchConfigFromArgs(values);
  const dialects = values.dialect === "both" ? ["sqlite", "postgresql"] : [values.dialect];
  for (const dialect of dialects) {
    if (dialect === "none") {
      // the generator alone, for measuring it
      const start = performance.now();
      const sink: Sink = { row() {}, async checkpoint() {}, async finish() {} };
      const facts = await generateShop(config, sink, () => undefined);
      console.log(`none: generated in ${since(start)} — ${JSON.stringify(facts)}`);
      continue;
    }
    if (dialect !== "sqlite" && dialect !== "postgresql") throw new Error(`--dialect is sqlite, postgresql or both, got ${dialect}`);
    const prepared = dialect === "sqlite" ? await prepareSqlite(config, values.force) : await preparePostgres(config, values.force);
    console.log(`${dialect}: ${prepared.seconds === null ? "reused existing data" : `generated in ${prepared.seconds.toFixed(1)} s`} — ${JSON.stringify(prepared.facts)}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
