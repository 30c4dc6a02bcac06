import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db, DatabaseKind } from "~/db/client";
import { translator } from "~/i18n";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { recomputeSegment } from "./membership.server";
import {
  copyName,
  countSegment,
  deleteSegments,
  duplicateSegment,
  getSegment,
  handleFromName,
  listSegments,
  saveSegment,
  suggestValues,
  uniqueHandle,
  type SaveResult,
} from "./segments.server";

// the real recompute, unless a test makes it fail once
vi.mock("./membership.server", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./membership.server")>();
  return { ...actual, recomputeSegment: vi.fn(actual.recomputeSegment) };
});

const kinds = await storeKinds();
const DAY = 86_400_000;
/** 23:30 UTC is already the next day in Amsterdam: the shop's day is 2026-03-11. */
const NOW = new Date("2026-03-10T23:30:00Z");
const en = translator("en");

let shops = 0;

interface Fixture {
  domain: string;
  shopId: number;
  customers: Record<string, number>;
}

interface CustomerSpec {
  first?: string;
  last?: string;
  email?: string;
  locale?: string;
  spentMinor?: bigint;
  orders?: number;
  lastOrderDaysAgo?: number;
  tags?: string[];
  address?: { city: string; province?: string; provinceCode?: string; countryCode: string };
  nickname?: string;
  bought?: { product: string; sku: string; title: string; quantity: number }[];
}

/** A shop in Amsterdam (EUR) with customers, their tags, addresses, a text metafield, products and orders. */
async function makeShop(db: Db, customers: Record<string, CustomerSpec>): Promise<Fixture> {
  shops++;
  const domain = `segments-${shops}-${Math.random().toString(36).slice(2, 8)}.myshopify.com`;
  const { id: shopId } = await db.shop.create({ data: { domain, name: `Shop ${shops}`, ianaTimezone: "Europe/Amsterdam", currencyCode: "EUR" } });
  await db.metafieldDefinition.create({ data: { shopId, namespace: "custom", key: "nickname", name: "Nickname", type: "single_line_text_field" } });
  const created = new Date("2024-01-01T00:00:00Z");
  for (const [shopifyId, title, type, tag, sku] of [
    ["1001", "Sand wash jeans", "Jeans", "Denim", "sand-wash-jeans"],
    ["1002", "Linen shirt", "Shirts", "Summer", "linen-shirt-m"],
  ] as const) {
    await db.product.create({
      data: {
        shopId,
        shopifyId,
        title,
        handle: title.toLowerCase().replace(/ /g, "-"),
        productType: type,
        shopifyCreatedAt: created,
        shopifyUpdatedAt: created,
        tags: { create: [{ shopId, tag, normalized: tag.toLowerCase() }] },
        variants: { create: [{ shopId, shopifyId: `${shopifyId}1`, sku, title: "Default", priceMinor: 4_500n }] },
      },
    });
  }
  const fixture: Fixture = { domain, shopId, customers: {} };
  let n = 0;
  for (const [key, c] of Object.entries(customers)) {
    n++;
    const lastOrderAt = c.lastOrderDaysAgo === undefined ? null : new Date(NOW.getTime() - c.lastOrderDaysAgo * DAY);
    const email = c.email ?? `${key}@example.com`;
    const { id } = await db.customer.create({
      data: {
        shopId,
        shopifyId: String(n),
        firstName: c.first ?? null,
        lastName: c.last ?? null,
        email,
        emailDomain: email.split("@")[1]?.toLowerCase() ?? null,
        locale: c.locale ?? null,
        shopifyCreatedAt: created,
        shopifyUpdatedAt: created,
        amountSpentMinor: c.spentMinor ?? 0n,
        numberOfOrders: c.orders ?? (lastOrderAt ? 1 : 0),
        lastOrderAt,
        firstOrderAt: lastOrderAt,
      },
    });
    fixture.customers[key] = id;
    for (const tag of c.tags ?? []) await db.customerTag.create({ data: { shopId, customerId: id, tag, normalized: tag.toLowerCase() } });
    if (c.address) {
      const { city, provinceCode, countryCode, province } = c.address;
      await db.customerAddress.create({
        data: {
          shopId,
          customerId: id,
          isDefault: true,
          city,
          province: province ?? null,
          provinceCode: provinceCode ?? null,
          countryCode,
          regionKey: provinceCode ? `${countryCode}-${provinceCode}` : null,
          cityKey: provinceCode ? `${countryCode}-${provinceCode}-${city.replace(/\s+/g, "")}` : `${countryCode}-${city.replace(/\s+/g, "")}`,
        },
      });
    }
    if (c.nickname) await db.customerMetafield.create({ data: { shopId, customerId: id, namespace: "custom", key: "nickname", type: "single_line_text_field", value: c.nickname } });
    let line = 0;
    for (const bought of c.bought ?? []) {
      line++;
      const at = lastOrderAt ?? created;
      await db.order.create({
        data: {
          shopId,
          shopifyId: `${n}0${line}`,
          customerId: id,
          currencyCode: "EUR",
          subtotalMinor: 4_500n,
          totalMinor: 4_500n,
          discountCodes: [],
          processedAt: at,
          shopifyCreatedAt: at,
          shopifyUpdatedAt: at,
          lines: { create: [{ shopId, shopifyId: `${n}0${line}1`, productShopifyId: bought.product, sku: bought.sku, title: bought.title, quantity: bought.quantity, unitPriceMinor: 4_500n }] },
        },
      });
    }
  }
  return fixture;
}

const PEOPLE: Record<string, CustomerSpec> = {
  ann: {
    first: "Ann",
    last: "de Vries",
    email: "ann@example.nl",
    locale: "nl",
    spentMinor: 20_000n,
    orders: 3,
    lastOrderDaysAgo: 10,
    tags: ["VIP", "Newsletter"],
    address: { city: "Amsterdam", province: "Noord-Holland", provinceCode: "NH", countryCode: "NL" },
    nickname: "Annie",
    bought: [{ product: "1001", sku: "sand-wash-jeans", title: "Sand wash jeans", quantity: 2 }],
  },
  bob: {
    first: "Bob",
    email: "bob@gmail.com",
    locale: "en",
    spentMinor: 5_000n,
    orders: 1,
    lastOrderDaysAgo: 100,
    tags: ["Newsletter"],
    address: { city: "Los Angeles", province: "California", provinceCode: "CA", countryCode: "US" },
    nickname: "Bobby",
    bought: [{ product: "1002", sku: "linen-shirt-m", title: "Linen shirt", quantity: 1 }],
  },
  cy: { email: "cy@example.nl", tags: ["Wholesale"], address: { city: "Rotterdam", province: "Zuid-Holland", provinceCode: "ZH", countryCode: "NL" } },
  dee: {
    first: "Dee",
    last: "Jansen",
    email: "dee@example.nl",
    locale: "nl",
    spentMinor: 12_000n,
    orders: 2,
    lastOrderDaysAgo: 3,
    tags: ["VIP"],
    address: { city: "Amstelveen", province: "Noord-Holland", provinceCode: "NH", countryCode: "NL" },
    bought: [{ product: "1001", sku: "sand-wash-jeans", title: "Sand wash jeans", quantity: 1 }],
  },
};

function saved(result: SaveResult | null) {
  if (!result?.ok) throw new Error(`expected a saved segment, got ${JSON.stringify(result)}`);
  return result.segment;
}

describe.each(kinds)("segments on %s", (kind: DatabaseKind) => {
  let store: TestStore;
  let db: Db;
  let shop: Fixture;
  let other: Fixture;

  beforeAll(async () => {
    store = await freshStore(kind);
    db = store.db;
    shop = await makeShop(db, PEOPLE);
    other = await makeShop(db, { zed: { first: "Zed", spentMinor: 99_000n, tags: ["VIP"], address: { city: "Amsterdam", provinceCode: "NH", countryCode: "NL" } } });
  });
  afterAll(() => store?.drop());

  const save = (fields: { name: string; query: string; description?: string; id?: string; templateKey?: string | null }, on: Fixture = shop, now = NOW) =>
    saveSegment({ db, kind, shop: on.domain, now, ...fields });
  const members = async (segmentId: string) =>
    (await db.segmentMember.findMany({ where: { segmentId }, select: { customerId: true }, orderBy: { customerId: "asc" } })).map((m) => m.customerId);
  const ids = (...keys: string[]) => keys.map((key) => shop.customers[key] as number).sort((a, b) => a - b);

  it("creates a segment: canonical query, a handle from the name, members and today's size computed", async () => {
    const segment = saved(await save({ name: "  Big   spenders ", description: " Over €100 ", query: "amount_spent>=100 and not (customer_tags contains 'wholesale')", templateKey: "vip-top-spenders" }));
    expect(segment).toMatchObject({
      name: "Big spenders",
      handle: "big-spenders",
      description: "Over €100",
      query: "amount_spent >= 100 AND NOT customer_tags CONTAINS 'wholesale'",
      templateKey: "vip-top-spenders",
      memberCount: 2,
      computedAt: NOW,
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(await members(segment.id)).toEqual(ids("ann", "dee"));
    expect(await db.segmentSizeHistory.findMany({ where: { segmentId: segment.id }, select: { day: true, memberCount: true } })).toEqual([{ day: "2026-03-11", memberCount: 2 }]);
    expect(await getSegment({ db, shop: shop.domain, id: segment.id })).toEqual(segment);
  });

  it("refuses bad fields and bad queries with messages and problems at their place, writing nothing", async () => {
    const before = await db.segment.count();
    expect(await save({ name: "   ", query: "" })).toEqual({
      ok: false,
      fields: { name: en("segments.error.nameRequired"), query: en("segments.error.queryRequired") },
      problems: [],
    });
    expect(await save({ name: "x".repeat(256), description: "d".repeat(1_001), query: "amount_spent > 1" })).toEqual({
      ok: false,
      fields: { name: en("segments.error.nameTooLong"), description: en("segments.error.descriptionTooLong") },
      problems: [],
    });
    expect(await save({ name: "Long", query: `amount_spent > ${"1".repeat(10_001)}` })).toMatchObject({ ok: false, fields: { query: en("segments.error.queryTooLong") } });
    // 255 characters (not UTF-16 units) is fine: an emoji counts once
    expect((await save({ name: "é".repeat(254) + "🎉", query: "amount_spent > 10000" }))?.ok).toBe(true);

    const bad = await save({ name: "Typo", query: "number_of_orders >= 2 AND\namount_spend > 100" });
    expect(bad).toEqual({
      ok: false,
      fields: { query: en("segments.error.queryProblems") },
      problems: [{ message: "unknown filter amount_spend", line: 2, column: 1, start: 26, end: 38, suggestion: "did you mean amount_spent?", replacement: "amount_spent" }],
    });
    // Dutch field messages and Dutch problems, at the same place
    expect(await saveSegment({ db, kind, shop: shop.domain, now: NOW, name: "", query: "amount_spent >", locale: "nl" })).toMatchObject({
      ok: false,
      fields: { name: "Geef het segment een naam.", query: "De query bevat fouten; los ze op om het segment op te slaan." },
      problems: [{ message: "hier hoort een waarde, maar de query houdt op", line: 1, column: 15 }],
    });
    expect(await db.segment.count()).toBe(before + 1);
  });

  it("keeps names unique per shop whatever their capitals, and handles unique and stable", async () => {
    const vips = saved(await save({ name: "VIPs", query: "customer_tags CONTAINS 'vip'" }));
    expect(vips.handle).toBe("vips");
    expect(await save({ name: "vips", query: "amount_spent > 1" })).toEqual({ ok: false, fields: { name: en("segments.error.nameTaken", { name: "vips" }) }, problems: [] });
    // another shop may use the name; the handle is per shop too
    expect(saved(await save({ name: "VIPs", query: "customer_tags CONTAINS 'vip'" }, other)).handle).toBe("vips");

    // a different name with the same slug gets the next free handle
    expect(saved(await save({ name: "VIP's", query: "amount_spent > 1" })).handle).toBe("vips-2");
    expect(saved(await save({ name: "vips!", query: "amount_spent > 2" })).handle).toBe("vips-3");

    // a rename keeps the handle; the segment may take its own name in other capitals
    const renamed = saved(await save({ id: vips.id, name: "Very important", query: vips.query }));
    expect(renamed).toMatchObject({ name: "Very important", handle: "vips" });
    expect(saved(await save({ id: vips.id, name: "VERY important", query: vips.query })).name).toBe("VERY important");
    expect(await save({ id: vips.id, name: "vip's", query: vips.query })).toMatchObject({ ok: false, fields: { name: en("segments.error.nameTaken", { name: "vip's" }) } });
    expect((await getSegment({ db, shop: shop.domain, id: vips.id }))?.name).toBe("VERY important");
  });

  it("keeps a deleted segment's handle taken while a segment discount still names it", async () => {
    const gone = saved(await save({ name: "Discount club", query: "amount_spent > 3" }));
    const discount = await db.segmentDiscount.create({
      data: {
        shopId: shop.shopId,
        shopifyId: `gid://shopify/DiscountAutomaticNode/${Date.now()}`,
        method: "AUTOMATIC",
        title: "Club price",
        configuration: "{}",
        startsAt: NOW,
        status: "ACTIVE",
        segments: { create: [{ shopId: shop.shopId, handle: gone.handle, segmentId: gone.id, name: gone.name }] },
      },
    });
    expect(await deleteSegments({ db, shop: shop.domain, ids: [gone.id] })).toBe(1);
    // the same name again: not the old handle, which the discount still names
    expect(saved(await save({ name: "Discount club", query: "amount_spent > 3" })).handle).toBe("discount-club-2");
    // another shop is not held back by this shop's discounts
    expect(saved(await save({ name: "Discount club", query: "amount_spent > 3" }, other)).handle).toBe("discount-club");
    // once no discount names it, the handle is free again
    await db.segmentDiscount.delete({ where: { id: discount.id } });
    const again = saved(await save({ name: "Discount club!", query: "amount_spent > 4" }));
    expect(again.handle).toBe("discount-club");
  });

  it("makes handles of lowercase a-z, 0-9 and hyphens", () => {
    expect(handleFromName("Café crème — été 2026!")).toBe("cafe-creme-ete-2026");
    expect(handleFromName("Kunden über 25")).toBe("kunden-uber-25");
    expect(handleFromName("Customers' big orders")).toBe("customers-big-orders");
    expect(handleFromName("お得意様")).toBe("segment");
    expect(handleFromName("a".repeat(80))).toHaveLength(60);
    expect(uniqueHandle("vip", new Set(["vip", "vip-2", "vip-4"]))).toBe("vip-3");
  });

  it("updates a segment's query and recomputes its members; a bad query leaves the old segment as it was", async () => {
    const segment = saved(await save({ name: "Recent", query: "last_order_date >= -30d" }));
    expect(await members(segment.id)).toEqual(ids("ann", "dee"));
    const later = new Date(NOW.getTime() + DAY);
    const updated = saved(await save({ id: segment.id, name: "Recent", query: "last_order_date >= -365d", description: "A year" }, shop, later));
    expect(updated).toMatchObject({ query: "last_order_date >= -365d", description: "A year", memberCount: 3, updatedAt: later, computedAt: later });
    expect(await members(segment.id)).toEqual(ids("ann", "bob", "dee"));

    const refused = await save({ id: segment.id, name: "Renamed too", query: "last_order_date >= -365 days" }, shop, new Date(later.getTime() + DAY));
    expect(refused?.ok).toBe(false);
    expect(await getSegment({ db, shop: shop.domain, id: segment.id })).toEqual(updated);
    expect(await members(segment.id)).toEqual(ids("ann", "bob", "dee"));
  });

  it("undoes the write when computing the members fails: a new segment is not kept, an update is restored", async () => {
    const before = await db.segment.count({ where: { shopId: shop.shopId } });
    vi.mocked(recomputeSegment).mockRejectedValueOnce(new Error("disk I/O error"));
    await expect(save({ name: "Doomed", query: "amount_spent > 1" })).rejects.toThrow("disk I/O error");
    expect(await db.segment.count({ where: { shopId: shop.shopId } })).toBe(before);
    expect(await db.segment.findFirst({ where: { shopId: shop.shopId, name: "Doomed" } })).toBeNull();

    const segment = saved(await save({ name: "Stable", query: "number_of_orders >= 2", description: "two or more" }));
    vi.mocked(recomputeSegment).mockRejectedValueOnce(new Error("disk I/O error"));
    await expect(save({ id: segment.id, name: "Unstable", query: "number_of_orders >= 1", description: "" }, shop, new Date(NOW.getTime() + DAY))).rejects.toThrow("disk I/O error");
    expect(await getSegment({ db, shop: shop.domain, id: segment.id })).toEqual(segment);
    expect(await members(segment.id)).toEqual(ids("ann", "dee"));
  });

  it("duplicates a segment under a free (copy) name, with its own handle and the same members", async () => {
    const source = saved(await save({ name: "Jeans buyers", query: "products_purchased MATCHES (id = 1001)", description: "Denim fans" }));
    const copy = saved(await duplicateSegment({ db, kind, shop: shop.domain, id: source.id, now: NOW }));
    expect(copy).toMatchObject({ name: "Jeans buyers (copy)", handle: "jeans-buyers-copy", description: "Denim fans", query: source.query, memberCount: 2 });
    expect(await members(copy.id)).toEqual(await members(source.id));
    expect(saved(await duplicateSegment({ db, kind, shop: shop.domain, id: source.id, now: NOW })).name).toBe("Jeans buyers (copy 2)");
    expect(saved(await duplicateSegment({ db, kind, shop: shop.domain, id: source.id, now: NOW, locale: "nl" })).name).toBe("Jeans buyers (kopie)");
    // another shop cannot copy it
    expect(await duplicateSegment({ db, kind, shop: other.domain, id: source.id, now: NOW })).toBeNull();
  });

  it("names copies within 255 characters", () => {
    const long = "n".repeat(255);
    const name = copyName(long, [], en);
    expect([...name]).toHaveLength(255);
    expect(name.endsWith("… (copy)")).toBe(true);
    expect(copyName("A", ["a (COPY)"], en)).toBe("A (copy 2)");
  });

  it("deletes only the shop's own segments and says how many", async () => {
    const mine = saved(await save({ name: "To delete", query: "amount_spent > 0" }));
    const theirs = saved(await save({ name: "Theirs", query: "amount_spent > 0" }, other));
    expect(await deleteSegments({ db, shop: shop.domain, ids: [mine.id, theirs.id, "no-such-id"] })).toBe(1);
    expect(await getSegment({ db, shop: shop.domain, id: mine.id })).toBeNull();
    expect(await getSegment({ db, shop: other.domain, id: theirs.id })).not.toBeNull();
    expect(await db.segmentMember.count({ where: { segmentId: mine.id } })).toBe(0);
    expect(await deleteSegments({ db, shop: shop.domain, ids: [theirs.id] })).toBe(0);
    expect(await deleteSegments({ db, shop: shop.domain, ids: [] })).toBe(0);
    // another shop's segment reads as none
    expect(await getSegment({ db, shop: shop.domain, id: theirs.id })).toBeNull();
    expect(await save({ id: theirs.id, name: "Stolen", query: "amount_spent > 0" })).toBeNull();
  });

  it("lists the shop's segments with the change over 30 days from the nearest earlier daily size", async () => {
    const f = await makeShop(db, { a: { spentMinor: 100n }, b: { spentMinor: 20_000n }, c: { spentMinor: 30_000n } });
    const grow = saved(await save({ name: "Growing", query: "amount_spent >= 1" }, f));
    const shrink = saved(await save({ name: "shrinking", query: "amount_spent >= 150" }, f, new Date(NOW.getTime() - DAY)));
    const fresh = saved(await save({ name: "Alpha new", query: "amount_spent >= 300" }, f));
    // 30 days before the shop's 2026-03-11 is 2026-02-09: the nearest day on or before it counts
    await db.segmentSizeHistory.createMany({
      data: [
        { shopId: f.shopId, segmentId: grow.id, day: "2026-02-01", memberCount: 1 },
        { shopId: f.shopId, segmentId: grow.id, day: "2026-02-09", memberCount: 2 },
        { shopId: f.shopId, segmentId: grow.id, day: "2026-02-10", memberCount: 40 },
        { shopId: f.shopId, segmentId: shrink.id, day: "2026-01-15", memberCount: 7 },
        { shopId: f.shopId, segmentId: fresh.id, day: "2026-02-10", memberCount: 9 },
      ],
    });
    const list = await listSegments({ db, kind, shop: f.domain, now: NOW });
    expect(list.total).toBe(3);
    expect(list.segments.map((s) => [s.name, s.memberCount, s.membersThirtyDaysAgo, s.change])).toEqual([
      ["Alpha new", 1, null, null],
      ["Growing", 3, 2, 1],
      ["shrinking", 2, 7, -5],
    ]);
    const names = async (args: Partial<Parameters<typeof listSegments>[0]>) => (await listSegments({ db, kind, shop: f.domain, now: NOW, ...args })).segments.map((s) => s.name);
    expect(await names({ sort: "name", direction: "desc" })).toEqual(["shrinking", "Growing", "Alpha new"]);
    expect(await names({ sort: "members", direction: "desc" })).toEqual(["Growing", "shrinking", "Alpha new"]);
    expect(await names({ sort: "members", direction: "asc" })).toEqual(["Alpha new", "shrinking", "Growing"]);
    expect(await names({ sort: "change", direction: "desc" })).toEqual(["Growing", "shrinking", "Alpha new"]);
    expect(await names({ sort: "change", direction: "asc" })).toEqual(["shrinking", "Growing", "Alpha new"]);
    expect(await names({ sort: "updated", direction: "asc" })).toEqual(["shrinking", "Alpha new", "Growing"]);
    expect(await names({ search: "SHRINK" })).toEqual(["shrinking"]);
    expect(await names({ search: "in g" })).toEqual(["Growing", "shrinking"]);
    const searched = await listSegments({ db, kind, shop: f.domain, now: NOW, search: "nothing like it" });
    expect(searched).toEqual({ segments: [], total: 3 });
    expect(await listSegments({ db, kind, shop: "unknown.myshopify.com", now: NOW })).toEqual({ segments: [], total: 0 });
  });

  it("counts in the database what the recompute finds, with the biggest spenders first in the preview", async () => {
    for (const query of ["amount_spent >= 50", "customer_tags CONTAINS 'NEWSLETTER'", "customer_cities CONTAINS 'NL-NH-Amsterdam' OR number_of_orders = 0", "products_purchased MATCHES (sku = 'sand-wash-jeans')", "last_order_date < -30d"]) {
      const segment = saved(await save({ name: `Count ${query}`, query }));
      const answer = await countSegment({ db, kind, shop: shop.domain, query, now: NOW });
      if (!answer?.ok) throw new Error(JSON.stringify(answer));
      expect(answer.count, query).toBe(segment.memberCount);
      expect(answer.preview.map((member) => member.id).sort((a, b) => a - b), query).toEqual(await members(segment.id));
      expect(answer.milliseconds).toBeGreaterThanOrEqual(0);
    }
    const answer = await countSegment({ db, kind, shop: shop.domain, query: "amount_spent >= 0", now: NOW, previewSize: 3 });
    expect(answer).toMatchObject({ ok: true, count: 4 });
    expect(answer?.ok && answer.preview).toEqual([
      { id: shop.customers.ann, name: "Ann de Vries", email: "ann@example.nl", orders: 3, amountSpentMinor: "20000", lastOrderAt: new Date(NOW.getTime() - 10 * DAY).toISOString() },
      { id: shop.customers.dee, name: "Dee Jansen", email: "dee@example.nl", orders: 2, amountSpentMinor: "12000", lastOrderAt: new Date(NOW.getTime() - 3 * DAY).toISOString() },
      { id: shop.customers.bob, name: "Bob", email: "bob@gmail.com", orders: 1, amountSpentMinor: "5000", lastOrderAt: new Date(NOW.getTime() - 100 * DAY).toISOString() },
    ]);
    // a customer without a name is named by their e-mail
    const wholesale = await countSegment({ db, kind, shop: shop.domain, query: "customer_tags CONTAINS 'wholesale'", now: NOW });
    expect(wholesale?.ok && wholesale.preview.map((member) => member.name)).toEqual(["cy@example.nl"]);
    // another shop's customers are not counted
    expect(await countSegment({ db, kind, shop: other.domain, query: "amount_spent >= 0", now: NOW })).toMatchObject({ ok: true, count: 1 });
    // the shop's own metafields are filters
    expect(await countSegment({ db, kind, shop: shop.domain, query: "metafields.custom.nickname = 'Annie'", now: NOW })).toMatchObject({ ok: true, count: 1 });
  });

  it("answers a query with problems with the engine's messages at their place", async () => {
    expect(await countSegment({ db, kind, shop: shop.domain, query: "amount_spent > 'ten'", now: NOW })).toEqual({
      ok: false,
      problems: [{ message: "amount_spent compares with a number, not 'ten'", line: 1, column: 16, start: 15, end: 20, suggestion: "write a number such as 100 or 12.50, without thousands separators" }],
    });
    expect(await countSegment({ db, kind, shop: other.domain, query: "metafields.custom.nickname = 'Zed'", now: NOW })).toMatchObject({ ok: true });
    expect(await countSegment({ db, kind, shop: shop.domain, query: "metafields.facts.shoe_size > 40", now: NOW })).toMatchObject({
      ok: false,
      problems: [{ message: "this shop has no customer metafield definition metafields.facts.shoe_size", line: 1, column: 1, start: 0, end: 26 }],
    });
    expect(await countSegment({ db, kind, shop: "unknown.myshopify.com", query: "amount_spent > 1", now: NOW })).toBeNull();
  });

  it("answers the problems in the merchant's language: Dutch words, the same places, English by default", async () => {
    const query = "amount_spend > 100 AND rfm_group = 'LOYL'\nAND metafields.custom.nicknam = 'Annie' AND amount_spent > 'ten'";
    const english = await countSegment({ db, kind, shop: shop.domain, query, now: NOW });
    expect(await countSegment({ db, kind, shop: shop.domain, query, now: NOW, locale: "en" })).toEqual(english);
    const dutch = await countSegment({ db, kind, shop: shop.domain, query, now: NOW, locale: "nl" });
    expect(dutch).toEqual({
      ok: false,
      problems: [
        { message: "onbekend filter amount_spend", line: 1, column: 1, start: 0, end: 12, suggestion: "misschien amount_spent?", replacement: "amount_spent" },
        {
          message: "'LOYL' is geen waarde van rfm_group; kies uit CHAMPIONS, LOYAL, ACTIVE, NEW, PROMISING, NEEDS_ATTENTION, AT_RISK, ALMOST_LOST, PREVIOUSLY_LOYAL, DORMANT, PROSPECTS",
          line: 1,
          column: 36,
          start: 35,
          end: 41,
          suggestion: "misschien 'LOYAL'?",
          replacement: "'LOYAL'",
        },
        {
          message: "deze winkel heeft geen definitie voor het klantmetaveld metafields.custom.nicknam",
          line: 2,
          column: 5,
          start: 46,
          end: 71,
          suggestion: "misschien metafields.custom.nickname?",
          replacement: "metafields.custom.nickname",
        },
        {
          message: "amount_spent wordt vergeleken met een getal, niet met 'ten'",
          line: 2,
          column: 60,
          start: 101,
          end: 106,
          suggestion: "schrijf een getal zoals 100 of 12.50, zonder scheidingsteken voor duizendtallen",
        },
      ],
    });
    // the same problems as in English, each in other words
    if (english?.ok !== false || dutch?.ok !== false) throw new Error("expected problems");
    expect(dutch.problems.map(({ line, column, start, end }) => ({ line, column, start, end }))).toEqual(english.problems.map(({ line, column, start, end }) => ({ line, column, start, end })));
    dutch.problems.forEach((problem, i) => expect(problem.message).not.toBe(english.problems[i]?.message));
    // a syntax error too
    expect(await countSegment({ db, kind, shop: shop.domain, query: "", now: NOW, locale: "nl" })).toEqual({
      ok: false,
      problems: [{ message: "de query is leeg", line: 1, column: 1, start: 0, end: 0, suggestion: "begin met een filter, zoals amount_spent > 100" }],
    });
  });

  it("suggests values from the store for each kind of filter", async () => {
    const suggest = async (filter: string, q: string, extra: { limit?: number; locale?: "en" | "nl" } = {}) => (await suggestValues({ db, kind, shop: shop.domain, filter, q, ...extra })).suggestions;
    // tags: as written, the most common first, those starting with the text before those containing it
    expect(await suggest("customer_tags", "")).toEqual([
      { value: "Newsletter", label: "Newsletter" },
      { value: "VIP", label: "VIP" },
      { value: "Wholesale", label: "Wholesale" },
    ]);
    expect(await suggest("customer_tags", "W")).toEqual([
      { value: "Wholesale", label: "Wholesale" },
      { value: "Newsletter", label: "Newsletter" },
    ]);
    expect((await suggest("customer_tags", "")).length).toBe(3);
    expect(await suggest("customer_tags", "", { limit: 1 })).toEqual([{ value: "Newsletter", label: "Newsletter" }]);
    // % and _ are letters, not wildcards
    expect(await suggest("customer_tags", "%")).toEqual([]);
    expect(await suggest("customer_tags", "_")).toEqual([]);
    // cities in the language's key form, with a readable label; matched on the city's name
    expect(await suggest("customer_cities", "ams")).toEqual([
      { value: "NL-NH-Amstelveen", label: "Amstelveen, NH, Netherlands" },
      { value: "NL-NH-Amsterdam", label: "Amsterdam, NH, Netherlands" },
    ]);
    expect(await suggest("customer_cities", "angeles", { locale: "nl" })).toEqual([{ value: "US-CA-LosAngeles", label: "Los Angeles, CA, Verenigde Staten" }]);
    expect(await suggest("customer_regions", "holland")).toEqual([
      { value: "NL-NH", label: "Noord-Holland, Netherlands (NL-NH)" },
      { value: "NL-ZH", label: "Zuid-Holland, Netherlands (NL-ZH)" },
    ]);
    // countries and languages by code or by name in the merchant's language
    expect(await suggest("customer_countries", "nether")).toEqual([{ value: "NL", label: "Netherlands (NL)" }]);
    expect(await suggest("customer_countries", "neder", { locale: "nl" })).toEqual([{ value: "NL", label: "Nederland (NL)" }]);
    expect(await suggest("customer_countries", "")).toEqual([
      { value: "NL", label: "Netherlands (NL)" },
      { value: "US", label: "United States (US)" },
    ]);
    expect(await suggest("customer_language", "dut")).toEqual([{ value: "nl", label: "Dutch (nl)" }]);
    expect(await suggest("customer_email_domain", "EXAMPLE")).toEqual([{ value: "example.nl", label: "example.nl" }]);
    // products: title → id; SKUs, product tags and types
    expect(await suggest("products_purchased", "jeans")).toEqual([{ value: "1001", label: "Sand wash jeans (1001)" }]);
    expect(await suggest("products_purchased.id", "shirt")).toEqual([{ value: "1002", label: "Linen shirt (1002)" }]);
    expect(await suggest("products_purchased.sku", "linen")).toEqual([{ value: "linen-shirt-m", label: "linen-shirt-m · Linen shirt" }]);
    expect(await suggest("products_purchased.tag", "den")).toEqual([{ value: "Denim", label: "Denim" }]);
    expect(await suggest("products_purchased.product_type", "")).toEqual([
      { value: "Jeans", label: "Jeans" },
      { value: "Shirts", label: "Shirts" },
    ]);
    // enums from the catalogue, labelled in the merchant's language where the app names them
    expect(await suggest("rfm_group", "risk")).toEqual([{ value: "AT_RISK", label: "At risk" }]);
    expect(await suggest("predicted_spend_tier", "hoog", { locale: "nl" })).toEqual([{ value: "HIGH", label: "Hoog" }]);
    expect(await suggest("email_subscription_status", "unsub")).toEqual([{ value: "UNSUBSCRIBED", label: "UNSUBSCRIBED" }]);
    // a text metafield's values; other filters have nothing to suggest
    expect(await suggest("metafields.custom.nickname", "B")).toEqual([{ value: "Bobby", label: "Bobby" }]);
    expect(await suggest("metafields.custom.nickname", "")).toEqual([
      { value: "Annie", label: "Annie" },
      { value: "Bobby", label: "Bobby" },
    ]);
    expect(await suggest("metafields.custom.unknown", "")).toEqual([]);
    expect(await suggest("amount_spent", "1")).toEqual([]);
    expect(await suggest("no_such_filter", "")).toEqual([]);
    // another shop's values are not offered
    expect((await suggestValues({ db, kind, shop: other.domain, filter: "customer_cities", q: "" })).suggestions).toEqual([{ value: "NL-NH-Amsterdam", label: "Amsterdam, NH, Netherlands" }]);
  });
});
