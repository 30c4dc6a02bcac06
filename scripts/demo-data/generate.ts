/**
 * The CDNOW demo shop: the real purchase history of 23,570 CDNOW customers (1997–98) moved to the
 * present, with invented people, addresses and a CD catalogue around the real dates and amounts.
 * Deterministic: everything random comes from one seeded stream, drawn in a fixed order.
 *
 * Ids (legacy numeric ids, as strings):
 *   customer 7000000000 + CDNOW id     order 8000000000 + purchase index (file order, from 1)
 *   line     8500000000 + running n    product 9000000000 + n, variant 9100000000 + n
 *   collection 9500000000 + genre n   address 7100000000 + CDNOW id
 *   refund   8800000000 + running n   checkout 6000000000 + running n
 */
import { fakerDE, fakerEN_US, fakerNL, fakerNL_BE, type Faker } from "@faker-js/faker";
import type {
  DatasetAddress,
  DatasetCheckout,
  DatasetCollection,
  DatasetCustomer,
  DatasetLineItem,
  DatasetOrder,
  DatasetProduct,
  EmailMarketingState,
  ShopDataset,
  SmsMarketingState,
} from "../../test/shopify/dataset";
import { seededRandom } from "../../test/support/random";
import { readCdnowMaster, type CdnowPurchase } from "./cdnow";

export interface DemoShopOptions {
  masterFile: string;
  seed?: number;
  /** "Today": the latest purchase lands three days before it, in the shop's time zone. */
  today: Date;
  shopDomain?: string;
  shopName?: string;
}

export const SHOP_TIME_ZONE = "America/New_York";
const DAY_MS = 86_400_000;

const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;

// ——— places ————————————————————————————————————————————————————————————————

interface Place {
  city: string;
  province: string | null;
  provinceCode: string | null;
}
interface Country {
  code: string;
  name: string;
  share: number;
  locale: string;
  faker: Faker;
  places: Place[];
  mailDomains: string[];
  phonePrefix: string;
}

const COUNTRIES: Country[] = [
  {
    code: "NL", name: "Netherlands", share: 0.4, locale: "nl", faker: fakerNL, phonePrefix: "+316",
    mailDomains: ["gmail.com", "ziggo.nl", "kpnmail.nl", "outlook.com", "hotmail.nl"],
    places: [
      { city: "Amsterdam", province: "Noord-Holland", provinceCode: "NH" },
      { city: "Haarlem", province: "Noord-Holland", provinceCode: "NH" },
      { city: "Rotterdam", province: "Zuid-Holland", provinceCode: "ZH" },
      { city: "Den Haag", province: "Zuid-Holland", provinceCode: "ZH" },
      { city: "Leiden", province: "Zuid-Holland", provinceCode: "ZH" },
      { city: "Utrecht", province: "Utrecht", provinceCode: "UT" },
      { city: "Eindhoven", province: "Noord-Brabant", provinceCode: "NB" },
      { city: "Tilburg", province: "Noord-Brabant", provinceCode: "NB" },
      { city: "Groningen", province: "Groningen", provinceCode: "GR" },
      { city: "Nijmegen", province: "Gelderland", provinceCode: "GE" },
      { city: "Arnhem", province: "Gelderland", provinceCode: "GE" },
      { city: "Maastricht", province: "Limburg", provinceCode: "LI" },
      { city: "Zwolle", province: "Overijssel", provinceCode: "OV" },
    ],
  },
  {
    code: "BE", name: "Belgium", share: 0.15, locale: "nl", faker: fakerNL_BE, phonePrefix: "+324",
    mailDomains: ["gmail.com", "telenet.be", "skynet.be", "outlook.com"],
    places: [
      { city: "Antwerpen", province: "Antwerpen", provinceCode: "VAN" },
      { city: "Gent", province: "Oost-Vlaanderen", provinceCode: "VOV" },
      { city: "Brugge", province: "West-Vlaanderen", provinceCode: "VWV" },
      { city: "Leuven", province: "Vlaams-Brabant", provinceCode: "VBR" },
      { city: "Hasselt", province: "Limburg", provinceCode: "VLI" },
      { city: "Brussel", province: "Brussels", provinceCode: "BRU" },
    ],
  },
  {
    code: "DE", name: "Germany", share: 0.15, locale: "de", faker: fakerDE, phonePrefix: "+4917",
    mailDomains: ["gmail.com", "web.de", "gmx.de", "t-online.de"],
    places: [
      { city: "Berlin", province: "Berlin", provinceCode: "BE" },
      { city: "Hamburg", province: "Hamburg", provinceCode: "HH" },
      { city: "München", province: "Bayern", provinceCode: "BY" },
      { city: "Köln", province: "Nordrhein-Westfalen", provinceCode: "NW" },
      { city: "Düsseldorf", province: "Nordrhein-Westfalen", provinceCode: "NW" },
      { city: "Frankfurt am Main", province: "Hessen", provinceCode: "HE" },
      { city: "Stuttgart", province: "Baden-Württemberg", provinceCode: "BW" },
      { city: "Leipzig", province: "Sachsen", provinceCode: "SN" },
    ],
  },
  {
    code: "US", name: "United States", share: 0.3, locale: "en", faker: fakerEN_US, phonePrefix: "+1212",
    mailDomains: ["gmail.com", "yahoo.com", "outlook.com", "aol.com", "icloud.com"],
    places: [
      { city: "New York", province: "New York", provinceCode: "NY" },
      { city: "Brooklyn", province: "New York", provinceCode: "NY" },
      { city: "Los Angeles", province: "California", provinceCode: "CA" },
      { city: "San Francisco", province: "California", provinceCode: "CA" },
      { city: "Chicago", province: "Illinois", provinceCode: "IL" },
      { city: "Austin", province: "Texas", provinceCode: "TX" },
      { city: "Houston", province: "Texas", provinceCode: "TX" },
      { city: "Seattle", province: "Washington", provinceCode: "WA" },
      { city: "Boston", province: "Massachusetts", provinceCode: "MA" },
      { city: "Miami", province: "Florida", provinceCode: "FL" },
      { city: "Denver", province: "Colorado", provinceCode: "CO" },
      { city: "Nashville", province: "Tennessee", provinceCode: "TN" },
    ],
  },
];

// ——— catalogue ————————————————————————————————————————————————————————————

const GENRES = ["Rock", "Pop", "Jazz", "Classical", "Hip-Hop", "Country", "Electronic", "R&B", "Folk", "Blues"];
const CDS_PER_GENRE = 30;
const TITLE_A = ["Midnight", "Velvet", "Electric", "Silver", "Broken", "Golden", "Quiet", "Wild", "Blue", "Northern", "Paper", "Neon", "Hollow", "Crimson", "Distant", "Summer"];
const TITLE_B = ["Highway", "Echoes", "Hearts", "Rivers", "Machines", "Letters", "Skyline", "Harbor", "Radio", "Gardens", "Lights", "Roads", "Dreams", "Seasons", "Sessions", "Stories"];
const ARTIST_A = ["The", "Lucky", "Marvin", "Ada", "June", "Kid", "Lena", "Oscar", "Nina", "The Late", "Big", "Little"];
const ARTIST_B = ["Rivertones", "Parker", "Moss", "Vandenberg", "Quartet", "Collective", "Fontaine", "Hartley", "Brothers", "Orchestra", "Sound System", "Ramblers"];
const LABELS = ["Blue Harbor Records", "Polder Music", "Northside", "Grand Avenue", "Vinyl Lane", "Tiny Giant"];
const DECADES = ["60s", "70s", "80s", "90s"];
const PRICES = [899, 999, 1199, 1299, 1499, 1699, 1899];

// ——— people ———————————————————————————————————————————————————————————————

const TAGS = ["vip", "newsletter", "jazz-lover", "wholesale", "gift-buyer", "collector", "early-adopter"];
const PETS = ["dog", "cat", "bird", "fish", "rabbit"];
const CODES = [
  { code: "WELCOME10", pct: 10 },
  { code: "SUMMER15", pct: 15 },
  { code: "VIP20", pct: 20 },
  { code: "CDCLUB5", pct: 5 },
];

function pickWeighted<T extends { share: number }>(items: T[], r: number): T {
  let acc = 0;
  for (const item of items) {
    acc += item.share;
    if (r < acc) return item;
  }
  return items[items.length - 1] as T;
}

function pick<T>(items: readonly T[], r: number): T {
  return items[Math.min(items.length - 1, Math.floor(r * items.length))] as T;
}

/** "2026-11-20" as seen in a time zone. */
function dayIn(timeZone: string, date: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
}

const offsetFormat = new Intl.DateTimeFormat("en-US", { timeZone: SHOP_TIME_ZONE, timeZoneName: "longOffset" });
const offsetCache = new Map<string, string>();
/** The shop's UTC offset on a day, "-05:00" or "-04:00". */
function shopOffset(day: string): string {
  let offset = offsetCache.get(day);
  if (!offset) {
    const name = offsetFormat.formatToParts(new Date(`${day}T12:00:00Z`)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
    offset = name === "GMT" ? "+00:00" : name.slice(3);
    offsetCache.set(day, offset);
  }
  return offset;
}

/** An ISO timestamp at a local time of day on a shop day, with the shop's offset. */
function shopTime(day: string, secondsOfDay: number): string {
  const s = Math.max(0, Math.min(86_399, Math.floor(secondsOfDay)));
  const hh = String(Math.floor(s / 3600)).padStart(2, "0");
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return `${day}T${hh}:${mm}:${ss}${shopOffset(day)}`;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function asciiSlug(text: string): string {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "");
}

export function generateDemoShop(options: DemoShopOptions): ShopDataset {
  const seed = options.seed ?? 42;
  const random = seededRandom(seed);
  const shopDomain = options.shopDomain ?? "cdnow-demo.myshopify.com";
  const purchases = readCdnowMaster(options.masterFile);

  // Dates: a whole number of days, so the latest purchase is three shop days before today.
  const latest = purchases.reduce((max, p) => (p.date > max ? p.date : max), "0000-00-00");
  const targetLatest = addDays(dayIn(SHOP_TIME_ZONE, options.today), -3);
  const shiftDays = Math.round((Date.parse(`${targetLatest}T00:00:00Z`) - Date.parse(`${latest}T00:00:00Z`)) / DAY_MS);
  const shift = (day: string) => addDays(day, shiftDays);
  const earliest = shift(purchases.reduce((min, p) => (p.date < min ? p.date : min), "9999-99-99"));

  // Catalogue.
  const collections: DatasetCollection[] = GENRES.map((genre, i) => ({
    id: String(9_500_000_000 + i + 1),
    handle: asciiSlug(genre) === "rb" ? "r-and-b" : asciiSlug(genre),
    title: genre,
  }));
  const products: DatasetProduct[] = [];
  GENRES.forEach((genre, g) => {
    for (let n = 1; n <= CDS_PER_GENRE; n++) {
      const index = products.length + 1;
      const title = `${pick(TITLE_A, random())} ${pick(TITLE_B, random())}`;
      const artist = `${pick(ARTIST_A, random())} ${pick(ARTIST_B, random())}`;
      const price = pick(PRICES, random());
      const sku = `CD-${asciiSlug(genre).toUpperCase().slice(0, 5)}-${String(n).padStart(4, "0")}`;
      const created = shopTime(addDays(earliest, -30 - Math.floor(random() * 60)), 36_000);
      products.push({
        id: String(9_000_000_000 + index),
        handle: `${asciiSlug(title)}-${asciiSlug(artist)}-${index}`,
        title: `${title} — ${artist}`,
        productType: genre,
        vendor: pick(LABELS, random()),
        tags: [pick(DECADES, random()), ...(random() < 0.2 ? ["staff-pick"] : [])],
        collectionIds: [(collections[g] as DatasetCollection).id],
        variants: [{ id: String(9_100_000_000 + index), sku, title: "CD", price: money(price) }],
        createdAt: created,
        updatedAt: created,
      });
    }
  });
  // Popular CDs sell more: Zipf-like weights over the catalogue.
  const zipf = products.map((_, i) => 1 / (i + 1) ** 0.8);
  const zipfTotal = zipf.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  zipf.reduce((acc, w) => {
    cumulative.push((acc + w) / zipfTotal);
    return acc + w;
  }, 0);
  const popularProduct = (r: number): DatasetProduct => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < r) lo = mid + 1;
      else hi = mid;
    }
    return products[lo] as DatasetProduct;
  };

  // Purchases by customer, in file order.
  const byCustomer = new Map<number, CdnowPurchase[]>();
  for (const purchase of purchases) {
    const list = byCustomer.get(purchase.customerId);
    if (list) list.push(purchase);
    else byCustomer.set(purchase.customerId, [purchase]);
  }
  const customerIds = [...byCustomer.keys()].sort((a, b) => a - b);

  // Each country's faker gets its own seed derived from the main stream, so names are deterministic.
  for (const country of COUNTRIES) country.faker.seed(Math.floor(random() * 2 ** 31));
  const todayDay = dayIn(SHOP_TIME_ZONE, options.today);
  const usedEmails = new Set<string>();

  const customers: DatasetCustomer[] = [];
  const customerInfo = new Map<number, { id: string; email: string; created: string }>();
  for (const cdnowId of customerIds) {
    const history = byCustomer.get(cdnowId) as CdnowPurchase[];
    const country = pickWeighted(COUNTRIES, random());
    const firstName = country.faker.person.firstName();
    const lastName = country.faker.person.lastName();
    const place = pick(country.places, random());
    let email = `${asciiSlug(firstName)}.${asciiSlug(lastName)}@${pick(country.mailDomains, random())}`;
    if (usedEmails.has(email)) email = email.replace("@", `${cdnowId}@`);
    usedEmails.add(email);
    const firstDay = shift(history.reduce((min, p) => (p.date < min ? p.date : min), "9999-99-99"));
    const lastDay = shift(history.reduce((max, p) => (p.date > max ? p.date : max), "0000-00-00"));
    const createdDay = addDays(firstDay, -Math.floor(random() * 30));
    const created = shopTime(createdDay, 8 * 3600 + random() * 12 * 3600);
    const updated = shopTime(lastDay, 23 * 3600 + 30 * 60);
    const emailState: EmailMarketingState = pickWeighted(
      [
        { v: "SUBSCRIBED" as const, share: 0.45 },
        { v: "NOT_SUBSCRIBED" as const, share: 0.35 },
        { v: "UNSUBSCRIBED" as const, share: 0.15 },
        { v: "PENDING" as const, share: 0.03 },
        { v: "INVALID" as const, share: 0.02 },
      ],
      random(),
    ).v;
    const smsState: SmsMarketingState = pickWeighted(
      [
        { v: "SUBSCRIBED" as const, share: 0.15 },
        { v: "NOT_SUBSCRIBED" as const, share: 0.75 },
        { v: "UNSUBSCRIBED" as const, share: 0.1 },
      ],
      random(),
    ).v;
    const tags = TAGS.filter(() => random() < 0.08);
    if (history.length >= 10 && !tags.includes("vip")) tags.unshift("vip");
    const metafields: DatasetCustomer["metafields"] = [];
    if (random() < 0.4) {
      const age = 18 + Math.floor(random() * 63);
      const birthday = addDays(`${Number(todayDay.slice(0, 4)) - age}-01-01`, Math.floor(random() * 365));
      metafields.push({ namespace: "facts", key: "birth_date", type: "date", value: birthday });
    }
    if (random() < 0.2) metafields.push({ namespace: "custom", key: "pet_type", type: "single_line_text_field", value: pick(PETS, random()) });
    const address: DatasetAddress = {
      id: String(7_100_000_000 + cdnowId),
      address1: country.faker.location.streetAddress(),
      city: place.city,
      province: place.province,
      provinceCode: place.provinceCode,
      country: country.name,
      countryCode: country.code,
      zip: country.faker.location.zipCode(),
      company: random() < 0.05 ? country.faker.company.name() : null,
    };
    const id = String(7_000_000_000 + cdnowId);
    customers.push({
      id,
      firstName,
      lastName,
      email,
      phone: random() < 0.6 ? `${country.phonePrefix}${String(Math.floor(random() * 1e7)).padStart(7, "0")}` : null,
      locale: country.locale,
      tags,
      state: random() < 0.55 ? "ENABLED" : random() < 0.5 ? "INVITED" : "DISABLED",
      verifiedEmail: random() < 0.9,
      note: null,
      emailMarketingConsent: {
        marketingState: emailState,
        marketingOptInLevel: emailState === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null,
        consentUpdatedAt: emailState === "NOT_SUBSCRIBED" ? null : created,
      },
      smsMarketingConsent: {
        marketingState: smsState,
        marketingOptInLevel: smsState === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null,
        consentUpdatedAt: smsState === "NOT_SUBSCRIBED" ? null : created,
      },
      addresses: [address],
      metafields,
      createdAt: created,
      updatedAt: updated,
    });
    customerInfo.set(cdnowId, { id, email, created });
  }

  // Orders: one per purchase row, in file order (a customer can have several on one day).
  const orders: DatasetOrder[] = [];
  let lineSeq = 0;
  let refundSeq = 0;
  purchases.forEach((purchase, index) => {
    const customer = customerInfo.get(purchase.customerId) as { id: string; email: string };
    const day = shift(purchase.date);
    const processedAt = shopTime(day, 9 * 3600 + random() * 13 * 3600);
    const total = purchase.cents;
    const discount = total > 0 && random() < 0.1 ? pick(CODES, random()) : null;
    // List price before the code; the code's discount brings it back to the CDNOW amount exactly.
    const listTotal = discount ? Math.round((total * 100) / (100 - discount.pct)) : total;
    const discountCents = listTotal - total;
    const units = Math.max(1, purchase.cds);
    // At least two lines for several units, so the last line can have quantity 1.
    const lineCount = units === 1 ? 1 : Math.max(2, Math.min(units, 1 + Math.floor(random() * Math.min(units, 4))));
    // Quantities: the last line has quantity 1 so it can absorb the remaining cents exactly.
    const quantities: number[] = Array.from({ length: lineCount }, () => 1);
    for (let extra = units - lineCount; extra > 0; extra--) {
      const slot = Math.floor(random() * (lineCount - 1));
      quantities[slot] = (quantities[slot] as number) + 1;
    }
    const lineItems: DatasetLineItem[] = [];
    let remaining = listTotal;
    let remainingDiscount = discountCents;
    quantities.forEach((quantity, i) => {
      const product = popularProduct(random());
      const variant = product.variants[0] as DatasetProduct["variants"][number];
      const last = i === quantities.length - 1;
      const unit = last ? remaining : Math.floor((listTotal * quantity) / units / quantity);
      const lineTotal = unit * quantity;
      remaining -= lineTotal;
      const lineDiscount = last ? remainingDiscount : Math.floor((discountCents * lineTotal) / Math.max(1, listTotal));
      remainingDiscount -= lineDiscount;
      lineSeq += 1;
      lineItems.push({
        id: String(8_500_000_000 + lineSeq),
        productId: product.id,
        variantId: variant.id,
        sku: variant.sku,
        title: product.title,
        quantity,
        originalUnitPrice: money(unit),
        totalDiscount: money(lineDiscount),
      });
    });
    const roll = random();
    const cancelled = total > 0 && roll < 0.005;
    const refundShare = cancelled ? 1 : total > 0 && roll < 0.035 ? (random() < 0.5 ? 1 : 0.5) : 0;
    const refunds = [];
    if (refundShare > 0) {
      refundSeq += 1;
      refunds.push({
        id: String(8_800_000_000 + refundSeq),
        createdAt: shopTime(addDays(day, 1 + Math.floor(random() * 10)) > targetLatest ? day : addDays(day, 1), 15 * 3600),
        totalRefunded: money(Math.round(total * refundShare)),
        note: cancelled ? "Order cancelled" : "Damaged case",
      });
    }
    const updatedAt = refunds[0]?.createdAt ?? processedAt;
    orders.push({
      id: String(8_000_000_000 + index + 1),
      name: `#${1000 + index + 1}`,
      customerId: customer.id,
      email: customer.email,
      currencyCode: "USD",
      subtotalPrice: money(total),
      totalDiscounts: money(discountCents),
      totalShipping: "0.00",
      totalTax: "0.00",
      totalPrice: money(total),
      discountCodes: discount ? [discount.code] : [],
      financialStatus: refundShare === 1 ? "REFUNDED" : refundShare > 0 ? "PARTIALLY_REFUNDED" : "PAID",
      cancelledAt: cancelled ? processedAt.replace(/T\d\d/, "T23") : null,
      cancelReason: cancelled ? "CUSTOMER" : null,
      test: false,
      processedAt,
      createdAt: processedAt,
      updatedAt,
      lineItems,
      refunds,
    });
  });

  // Abandoned checkouts: a few percent of customers, in the last 60 days, never completed.
  const abandonedCheckouts: DatasetCheckout[] = [];
  for (const customer of customers) {
    if (random() >= 0.04) continue;
    const product = popularProduct(random());
    const variant = product.variants[0] as DatasetProduct["variants"][number];
    const quantity = 1 + Math.floor(random() * 3);
    const created = shopTime(addDays(todayDay, -1 - Math.floor(random() * 60)), 10 * 3600 + random() * 10 * 3600);
    const n = abandonedCheckouts.length + 1;
    const token = `${seed.toString(16)}${n.toString(16).padStart(8, "0")}${Math.floor(random() * 0xffffffff).toString(16).padStart(8, "0")}`;
    const priceCents = Math.round(Number(variant.price) * 100);
    abandonedCheckouts.push({
      id: String(6_000_000_000 + n),
      token,
      customerId: customer.id,
      email: customer.email,
      currencyCode: "USD",
      totalPrice: money(priceCents * quantity),
      lineItems: [{ productId: product.id, variantId: variant.id, sku: variant.sku, title: product.title, quantity, price: variant.price }],
      abandonedCheckoutUrl: `https://${shopDomain}/checkouts/${token}/recover`,
      completedAt: null,
      createdAt: created,
      updatedAt: created,
    });
  }

  return {
    shop: {
      myshopifyDomain: shopDomain,
      name: options.shopName ?? "CDNOW Demo",
      email: `owner@${shopDomain.replace(".myshopify.com", "")}.example`,
      currencyCode: "USD",
      ianaTimezone: SHOP_TIME_ZONE,
      planName: "Basic",
      createdAt: shopTime(addDays(earliest, -120), 12 * 3600),
    },
    metafieldDefinitions: [
      { ownerType: "CUSTOMER", namespace: "facts", key: "birth_date", name: "Birthday", type: "date" },
      { ownerType: "CUSTOMER", namespace: "custom", key: "pet_type", name: "Pet", type: "single_line_text_field" },
    ],
    collections,
    products,
    customers,
    orders,
    abandonedCheckouts,
  };
}
