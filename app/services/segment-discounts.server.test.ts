import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DatabaseKind } from "~/db/client";
import { createAdminClient } from "~/shopify/admin-client.server";
import { buildDataset } from "../../test/shopify/admin/builder";
import { discountGid } from "../../test/shopify/admin/discounts";
import { startAdminStandIn, type AdminStandIn, type CostRecord, type ShopState } from "../../test/shopify/admin";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { configurationProblem, MAX_CONFIGURATION_BYTES, MAX_LIST, RULE_TYPES } from "../../extensions/segment-discount/src/configuration.js";
import { syncNativeMirror } from "./native-segments.server";
import {
  collectionGid,
  deleteSegmentDiscount,
  discountIdForShopifyId,
  listSegmentDiscounts,
  loadDiscountEditor,
  moneyText,
  pauseSegmentDiscount,
  percentageOf,
  resumeSegmentDiscount,
  saveSegmentDiscount,
  segmentDiscountsOf,
  validateDiscountForm,
  wallTime,
  wallTimeInstant,
  type ShopSegment,
} from "./segment-discounts.server";
import { deleteSegments } from "./segments.server";

const kinds = await storeKinds();
const FUNCTION = { id: "5e1f0c4a-7a1d-4c55-9a3e-51b0d15c0001", handle: "segment-discount", title: "Segment discount" };
const APP_ID = "7000001";

// ------------------------------------------------------------------------------------------------
// the form alone

const SEGMENTS: ShopSegment[] = [
  { id: "seg-vip", name: "VIP", handle: "vip", nativeSegmentId: "gid://shopify/Segment/11" },
  { id: "seg-lapsed", name: "Lapsed", handle: "lapsed", nativeSegmentId: null },
  { id: "seg-big", name: "Big spenders", handle: "big-spenders", nativeSegmentId: "gid://shopify/Segment/12" },
];
const SHOP = { currencyCode: "EUR", timeZone: "Europe/Amsterdam", segments: SEGMENTS };
const NOW = new Date("2026-11-20T10:00:00Z");

const formWith = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  title: "VIP 10%",
  method: "automatic",
  segmentIds: ["seg-vip"],
  ruleType: "PRODUCT_PERCENTAGE",
  value: "10",
  products: "TAG",
  productTags: "handbag",
  messageEn: "Members' price",
  messageNl: "Ledenprijs",
  ...overrides,
});

const form = formWith;

describe("the discount form", () => {
  it("builds the Function's configuration from the form, with the segments' handles", () => {
    const result = validateDiscountForm(form({ guests: "true", minimumSubtotal: "50,00", minimumQuantity: "2", productTags: "handbag\nBag, HANDBAG" }), SHOP, NOW);
    if (!result.ok) throw new Error(JSON.stringify(result.fields));
    expect(result.discount.configuration).toEqual({
      version: 1,
      segments: ["vip"],
      guests: true,
      rule: { type: "PRODUCT_PERCENTAGE", percentage: 10 },
      products: "TAG",
      productTypes: [],
      collectionIds: [],
      productTags: ["handbag", "Bag"],
      minimumSubtotal: "50",
      minimumQuantity: 2,
      message: { en: "Members' price", nl: "Ledenprijs" },
    });
    expect(JSON.parse(result.discount.json)).toEqual(result.discount.configuration);
    expect(configurationProblem(result.discount.configuration)).toBeNull();
    expect(result.discount.startsAt).toEqual(NOW);
    expect(result.discount.endsAt).toBeNull();

    const shipping = validateDiscountForm(form({ ruleType: "SHIPPING_FIXED_AMOUNT", value: "4.5", products: "COLLECTION", collectionIds: "123, gid://shopify/Collection/456\n123" }), SHOP, NOW);
    if (!shipping.ok) throw new Error(JSON.stringify(shipping.fields));
    expect(shipping.discount.configuration).toMatchObject({ rule: { type: "SHIPPING_FIXED_AMOUNT", amount: "4.5" }, collectionIds: ["gid://shopify/Collection/123", "gid://shopify/Collection/456"], productTags: [] });
  });

  it("says what is wrong, per field, in keys the pages translate", () => {
    const refused = (overrides: Record<string, unknown>) => {
      const result = validateDiscountForm(form(overrides), SHOP, NOW);
      if (result.ok) throw new Error("expected a refusal");
      expect(result.status).toBe(400);
      return Object.fromEntries(Object.entries(result.fields).map(([field, message]) => [field, message?.key]));
    };
    expect(refused({ title: "  ", messageEn: "" })).toEqual({ title: "discounts.error.titleRequired", messageEn: "discounts.error.messageRequired" });
    expect(refused({ method: "sometimes" })).toEqual({ method: "discounts.error.method" });
    expect(refused({ method: "code", code: "" })).toEqual({ code: "discounts.error.codeRequired" });
    expect(refused({ method: "code", code: "VIP 10" })).toEqual({ code: "discounts.error.codeSpaces" });
    expect(refused({ method: "code", code: "VIP10", usageLimit: "0" })).toEqual({ usageLimit: "discounts.error.usageLimit" });
    expect(refused({ segmentIds: [] })).toEqual({ segments: "discounts.error.segmentsRequired" });
    expect(refused({ segmentIds: ["seg-vip", "another-shops-segment"] })).toEqual({ segments: "discounts.error.segmentUnknown" });
    expect(refused({ ruleType: "BOGO" })).toEqual({ ruleType: "discounts.error.ruleType" });
    expect(refused({ value: "0" })).toEqual({ value: "discounts.error.percentage" });
    expect(refused({ value: "100.5" })).toEqual({ value: "discounts.error.percentage" });
    expect(refused({ value: "12.345" })).toEqual({ value: "discounts.error.percentage" });
    expect(refused({ ruleType: "ORDER_FIXED_AMOUNT", value: "5.555" })).toEqual({ value: "discounts.error.amount" });
    expect(refused({ ruleType: "ORDER_FIXED_AMOUNT", value: "-5" })).toEqual({ value: "discounts.error.amount" });
    expect(refused({ products: "TAG", productTags: " , \n" })).toEqual({ productTags: "discounts.error.productTagsRequired" });
    expect(refused({ products: "PRODUCT_TYPE", productTypes: "" })).toEqual({ productTypes: "discounts.error.productTypesRequired" });
    expect(refused({ products: "COLLECTION", collectionIds: "12, summer" })).toEqual({ collectionIds: "discounts.error.collectionId" });
    expect(refused({ productTags: Array.from({ length: MAX_LIST + 1 }, (_, i) => `tag${i}`).join(",") })).toEqual({ productTags: "discounts.error.listTooLong" });
    expect(refused({ minimumSubtotal: "ten" })).toEqual({ minimumSubtotal: "discounts.error.amount" });
    expect(refused({ minimumQuantity: "1.5" })).toEqual({ minimumQuantity: "discounts.error.minimumQuantity" });
    expect(refused({ messageNl: "x".repeat(256) })).toEqual({ messageNl: "discounts.error.messageTooLong" });
    expect(refused({ startsAt: "2026-02-30T10:00" })).toEqual({ startsAt: "discounts.error.date" });
    expect(refused({ startsAt: "2026-12-01T10:00", endsAt: "2026-12-01T09:00" })).toEqual({ endsAt: "discounts.error.endsBeforeStart" });
    // what Shopify passes to a Function: 10,000 bytes of configuration at most
    const long = Array.from({ length: MAX_LIST }, (_, i) => `${i}-${"t".repeat(200)}`).join("\n");
    expect(refused({ productTags: long })).toEqual({ form: "discounts.error.tooLarge" });
    // a yen has no cents
    const yen = validateDiscountForm(form({ ruleType: "ORDER_FIXED_AMOUNT", value: "500.50" }), { ...SHOP, currencyCode: "JPY" }, NOW);
    expect(yen).toMatchObject({ ok: false, fields: { value: { key: "discounts.error.amount", params: { currency: "JPY", digits: 0 } } } });
  });

  it("reads the merchant's numbers, dates and ids as they type them", () => {
    expect(moneyText("12,50", 2)).toBe("12.5");
    expect(moneyText("007.10", 2)).toBe("7.1");
    expect(moneyText("0.00", 2)).toBeNull();
    expect(moneyText("1e3", 2)).toBeNull();
    expect(percentageOf("12,5")).toBe(12.5);
    expect(percentageOf("100")).toBe(100);
    expect(percentageOf("100.01")).toBeNull();
    expect(collectionGid("123")).toBe("gid://shopify/Collection/123");
    expect(collectionGid("gid://shopify/Collection/9")).toBe("gid://shopify/Collection/9");
    expect(collectionGid("gid://shopify/Product/9")).toBeNull();
    // the shop's wall time, daylight saving time included
    expect(wallTimeInstant("2026-07-01T12:00", "Europe/Amsterdam")?.toISOString()).toBe("2026-07-01T10:00:00.000Z");
    expect(wallTimeInstant("2026-12-01T12:00", "Europe/Amsterdam")?.toISOString()).toBe("2026-12-01T11:00:00.000Z");
    expect(wallTime(new Date("2026-07-01T10:00:00Z"), "Europe/Amsterdam")).toBe("2026-07-01T12:00");
    expect(wallTimeInstant("2026-13-01T12:00", "UTC")).toBeNull();
  });

  it("takes every percentage from 0.01 to 100 with two decimals, as the Function does (1.1 × 100 is no whole number in floating point)", () => {
    const refused: string[] = [];
    for (let cents = 1; cents <= 10_000; cents++) {
      const typed = (cents / 100).toFixed(2);
      const result = validateDiscountForm(form({ value: typed }), SHOP, NOW);
      if (!result.ok) refused.push(typed);
      else expect(configurationProblem(result.discount.configuration), typed).toBeNull();
    }
    expect(refused).toEqual([]);
  });

  const text = (max: number) => fc.string({ minLength: 1, maxLength: max, unit: "grapheme" }).filter((value) => value.trim() !== "" && value.trim().length <= max);
  const listItem = fc.string({ minLength: 1, maxLength: 30, unit: "grapheme" }).filter((value) => !/[,\n]/.test(value) && value.trim() !== "");
  const cents = (max: number) => fc.integer({ min: 1, max }).map((value) => `${Math.floor(value / 100)}.${String(value % 100).padStart(2, "0")}`);
  const validForm = fc
    .record({
      title: text(255),
      method: fc.constantFrom("automatic", "code"),
      code: fc.stringMatching(/^[A-Z0-9_-]{1,30}$/),
      usageLimit: fc.option(fc.integer({ min: 1, max: 1_000_000 }).map(String), { nil: "" }),
      appliesOncePerCustomer: fc.boolean().map(String),
      segmentIds: fc.subarray(SEGMENTS.map((segment) => segment.id)),
      guests: fc.boolean(),
      ruleType: fc.constantFrom(...RULE_TYPES),
      percentage: fc.integer({ min: 1, max: 10_000 }).map((cents) => String(cents / 100)),
      amount: cents(100_000_000),
      products: fc.constantFrom("ALL", "PRODUCT_TYPE", "COLLECTION", "TAG"),
      items: fc.array(listItem, { minLength: 1, maxLength: 20 }),
      collections: fc.array(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), { minLength: 1, maxLength: 20 }),
      minimumSubtotal: fc.option(cents(10_000_000), { nil: "" }),
      minimumQuantity: fc.option(fc.integer({ min: 1, max: 1_000_000 }).map(String), { nil: "" }),
      messageEn: text(255),
      messageNl: fc.option(text(255), { nil: "" }),
      combines: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
    })
    .filter((input) => input.segmentIds.length > 0 || input.guests)
    .map((input) => ({
      title: input.title,
      method: input.method,
      code: input.code,
      usageLimit: input.usageLimit,
      appliesOncePerCustomer: input.appliesOncePerCustomer,
      segmentIds: input.segmentIds,
      guests: String(input.guests),
      ruleType: input.ruleType,
      value: input.ruleType.endsWith("_PERCENTAGE") ? input.percentage : input.amount,
      products: input.products,
      productTypes: input.items.join("\n"),
      productTags: input.items.join(", "),
      collectionIds: input.collections.map((id, i) => (i % 2 === 0 ? String(id) : `gid://shopify/Collection/${id}`)).join("\n"),
      minimumSubtotal: input.minimumSubtotal,
      minimumQuantity: input.minimumQuantity,
      messageEn: input.messageEn,
      messageNl: input.messageNl,
      combinesWithProduct: String(input.combines[0]),
      combinesWithOrder: String(input.combines[1]),
      combinesWithShipping: String(input.combines[2]),
    }));

  it("turns every valid form into a configuration the Function accepts, within its size (property)", () => {
    fc.assert(
      fc.property(validForm, (input) => {
        const result = validateDiscountForm(input, SHOP, NOW);
        if (!result.ok) throw new Error(`refused ${JSON.stringify(result.fields)} for ${JSON.stringify(input)}`);
        expect(configurationProblem(result.discount.configuration)).toBeNull();
        expect(configurationProblem(JSON.parse(result.discount.json))).toBeNull();
        expect(new TextEncoder().encode(result.discount.json).length).toBeLessThanOrEqual(MAX_CONFIGURATION_BYTES);
        expect(result.discount.configuration.segments).toEqual(SEGMENTS.filter((segment) => input.segmentIds.includes(segment.id)).map((segment) => segment.handle));
      }),
      { numRuns: 300 },
    );
  });

  it("answers anything posted with a configuration the Function accepts or with messages, never an exception (property)", () => {
    const anything = fc.dictionary(
      fc.constantFrom("title", "method", "code", "usageLimit", "segmentIds", "guests", "ruleType", "value", "products", "productTypes", "collectionIds", "productTags", "minimumSubtotal", "minimumQuantity", "messageEn", "messageNl", "startsAt", "endsAt"),
      fc.oneof(fc.string(), fc.constantFrom(...RULE_TYPES, "ALL", "TAG", "code", "automatic", "seg-vip", "10", "2026-12-01T10:00"), fc.array(fc.string()), fc.integer(), fc.constant(null)),
    );
    fc.assert(
      fc.property(anything, (input) => {
        const result = validateDiscountForm(input, SHOP, NOW);
        if (result.ok) expect(configurationProblem(result.discount.configuration)).toBeNull();
        else expect(Object.keys(result.fields).length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

// ------------------------------------------------------------------------------------------------
// against the Admin API stand-in

describe.each(kinds)("segment discounts against the stand-in, on %s", (kind: DatabaseKind) => {
  let standIn: AdminStandIn;
  let store: TestStore;
  let db: Db;
  let remote: ShopState;
  let shopId: number;
  const costs: CostRecord[] = [];
  const DOMAIN = `discounts-${kind}.myshopify.com`;
  const OTHER = `other-discounts-${kind}.myshopify.com`;
  const TOKEN = `discount-token-${kind}`;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    standIn = await startAdminStandIn({ appId: APP_ID, discountFunctions: [FUNCTION], onCost: (domain, record) => domain === DOMAIN && costs.push(record) });
    remote = standIn.addShop(buildDataset({ domain: DOMAIN, customers: 1 }), TOKEN);
    store = await freshStore(kind);
    db = store.db;
    shopId = (await db.shop.create({ data: { domain: DOMAIN, name: "Discounts", currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam" } })).id;
    const other = await db.shop.create({ data: { domain: OTHER, name: "Other", currencyCode: "EUR" } });
    for (const [key, name, handle, query] of [
      ["vip", "VIP", "vip", "amount_spent > 100"],
      ["lapsed", "Lapsed", "lapsed", "last_order_date < -180d"],
      ["young", "Young", "young", "age < 30"],
    ] as const) {
      ids[key] = (await db.segment.create({ data: { shopId, name, handle, query } })).id;
    }
    ids.theirs = (await db.segment.create({ data: { shopId: other.id, name: "Theirs", handle: "theirs", query: "amount_spent > 1" } })).id;
  });
  afterAll(async () => {
    await store?.drop();
    await standIn?.close();
  });

  /** the form with this shop's VIP segment */
  const form = (overrides: Record<string, unknown> = {}) => formWith({ segmentIds: [ids.vip], ...overrides });
  const admin = () => createAdminClient({ shop: DOMAIN, accessToken: TOKEN, apiVersion: "2026-10", origin: standIn.url, retry: { baseDelayMs: 20, maxDelayMs: 200 } });
  const save = (input: Record<string, unknown>, id = "new", shop = DOMAIN) => saveSegmentDiscount({ db, admin: admin(), shop, id, form: input, now: new Date() });
  const saved = async (input: Record<string, unknown>, id = "new") => {
    const result = await save(input, id);
    if (!result?.ok) throw new Error(`not saved: ${JSON.stringify(result)}`);
    return result.id;
  };
  const row = (id: string) => db.segmentDiscount.findUniqueOrThrow({ where: { id }, include: { segments: { orderBy: { handle: "asc" } } } });
  const remoteOf = async (id: string) => {
    const shopifyId = (await row(id)).shopifyId;
    const discount = remote.discounts.find((candidate) => discountGid(candidate) === shopifyId);
    if (!discount) throw new Error(`${shopifyId} is not in the stand-in`);
    const metafield = remote.metafields.get(shopifyId)?.find((m) => m.namespace === `app--${APP_ID}` && m.key === "function-configuration");
    return { discount, metafield };
  };
  const segmentGid = (native: { id: number }) => `gid://shopify/Segment/${native.id}`;
  const mirror = async (segmentId: string, on: boolean) => {
    await db.segment.update({ where: { id: segmentId }, data: { mirrorNative: on } });
    return syncNativeMirror({ db, admin: admin(), shopId, segmentId });
  };

  it("creates an automatic discount in Shopify with its configuration metafield, then stores it", async () => {
    const id = await saved(form({ segmentIds: [ids.vip, ids.lapsed], combinesWithShipping: "true", startsAt: "2026-01-01T00:00", endsAt: "2099-01-01T00:00" }));
    const { discount, metafield } = await remoteOf(id);
    expect(discount).toMatchObject({
      kind: "automatic",
      title: "VIP 10%",
      functionId: FUNCTION.id,
      functionHandle: "segment-discount",
      discountClasses: ["PRODUCT"],
      combinesWith: { productDiscounts: false, orderDiscounts: false, shippingDiscounts: true },
      startsAt: "2025-12-31T23:00:00.000Z",
      endsAt: "2098-12-31T23:00:00.000Z",
      // neither segment has a native mirror: every buyer, gated by the Function
      segmentIds: [],
    });
    expect(metafield?.type).toBe("json");
    expect(JSON.parse(metafield?.value ?? "null")).toEqual({
      version: 1,
      segments: ["vip", "lapsed"],
      guests: false,
      rule: { type: "PRODUCT_PERCENTAGE", percentage: 10 },
      products: "TAG",
      productTypes: [],
      collectionIds: [],
      productTags: ["handbag"],
      minimumSubtotal: null,
      minimumQuantity: null,
      message: { en: "Members' price", nl: "Ledenprijs" },
    });
    const stored = await row(id);
    expect(stored).toMatchObject({ shopId, method: "AUTOMATIC", code: null, title: "VIP 10%", status: "ACTIVE", contextSegmentIds: "[]", combinesWithShipping: true, configuration: metafield?.value });
    expect(stored.segments.map((link) => [link.handle, link.segmentId])).toEqual([
      ["lapsed", ids.lapsed],
      ["vip", ids.vip],
    ]);
    const list = await listSegmentDiscounts({ db, shop: DOMAIN, now: new Date() });
    expect(list?.discounts.find((item) => item.id === id)).toMatchObject({
      title: "VIP 10%",
      method: "automatic",
      status: "active",
      segments: [
        { id: ids.lapsed, name: "Lapsed", handle: "lapsed" },
        { id: ids.vip, name: "VIP", handle: "vip" },
      ],
      rule: { type: "PRODUCT_PERCENTAGE", percentage: 10, products: "TAG", productTags: ["handbag"] },
      limitedInShopify: false,
    });
    expect((await segmentDiscountsOf({ db, shop: DOMAIN, segmentId: ids.vip!, now: new Date() }))?.discounts.map((item) => item.id)).toContain(id);
    expect(await discountIdForShopifyId({ db, shop: DOMAIN, numericId: String(discount.id) })).toBe(id);
  });

  it("creates a code discount with its limits, and maps Shopify's refusal of a taken code to the code field", async () => {
    const id = await saved(form({ title: "Lapsed welcome back", method: "code", code: "WELCOME5", usageLimit: "100", appliesOncePerCustomer: "true", segmentIds: [ids.lapsed], ruleType: "ORDER_FIXED_AMOUNT", value: "5", products: "ALL" }));
    const { discount, metafield } = await remoteOf(id);
    expect(discount).toMatchObject({ kind: "code", code: "WELCOME5", usageLimit: 100, appliesOncePerCustomer: true, discountClasses: ["ORDER"] });
    expect(JSON.parse(metafield?.value ?? "null")).toMatchObject({ segments: ["lapsed"], rule: { type: "ORDER_FIXED_AMOUNT", amount: "5" }, products: "ALL" });
    expect(await row(id)).toMatchObject({ method: "CODE", code: "WELCOME5", usageLimit: 100, appliesOncePerCustomer: true });

    const before = await db.segmentDiscount.count();
    const taken = await save(form({ title: "Another", method: "code", code: "welcome5", segmentIds: [ids.vip] }));
    expect(taken).toEqual({ ok: false, status: 409, fields: { code: { key: "discounts.error.shopify", params: { message: "Code must be unique. Please try a different code." } } } });
    expect(await db.segmentDiscount.count()).toBe(before);
    expect(remote.discounts.filter((candidate) => candidate.code?.toLowerCase() === "welcome5")).toHaveLength(1);
  });

  it("refuses a bad form without asking Shopify anything", async () => {
    const before = costs.length;
    const refused = await save(form({ title: "", value: "150", segmentIds: [ids.theirs] }));
    expect(refused).toMatchObject({ ok: false, status: 400 });
    expect(Object.keys((refused as { fields: object }).fields).sort()).toEqual(["segments", "title", "value"]);
    expect(costs.length).toBe(before);
  });

  it("limits the discount to the segments' native mirrors in Shopify when every one has one and guests are not included", async () => {
    const vip = await mirror(ids.vip!, true);
    const lapsed = await mirror(ids.lapsed!, true);
    if (vip.action !== "created" || lapsed.action !== "created") throw new Error("expected mirrors");
    const both = await saved(form({ title: "Both mirrored", segmentIds: [ids.vip, ids.lapsed] }));
    expect((await remoteOf(both)).discount.segmentIds.sort()).toEqual([vip.nativeSegmentId, lapsed.nativeSegmentId].sort());
    expect(JSON.parse((await row(both)).contextSegmentIds).sort()).toEqual([vip.nativeSegmentId, lapsed.nativeSegmentId].sort());
    // guests cannot be a Shopify segment; a segment without a mirror neither
    const guests = await saved(form({ title: "With guests", segmentIds: [ids.vip], guests: "true" }));
    expect((await remoteOf(guests)).discount.segmentIds).toEqual([]);
    const young = await saved(form({ title: "One not mirrored", segmentIds: [ids.vip, ids.young] }));
    expect((await remoteOf(young)).discount.segmentIds).toEqual([]);
    expect((await listSegmentDiscounts({ db, shop: DOMAIN, now: new Date() }))?.discounts.find((item) => item.id === both)?.limitedInShopify).toBe(true);

    // an update names one segment fewer: the other is removed from the context; and the rule, its class and the metafield follow
    const updated = await save(form({ title: "VIP only", segmentIds: [ids.vip], ruleType: "ORDER_PERCENTAGE", value: "15", products: "ALL" }), both);
    expect(updated).toEqual({ ok: true, id: both });
    const { discount, metafield } = await remoteOf(both);
    expect(discount).toMatchObject({ title: "VIP only", segmentIds: [vip.nativeSegmentId], discountClasses: ["ORDER"] });
    expect(JSON.parse(metafield?.value ?? "null")).toMatchObject({ segments: ["vip"], rule: { type: "ORDER_PERCENTAGE", percentage: 15 }, products: "ALL", productTags: [] });
    expect((await row(both)).segments.map((link) => link.handle)).toEqual(["vip"]);
    // and back to every buyer when guests join
    await saved(form({ title: "VIP and guests", segmentIds: [ids.vip], guests: "true" }), both);
    expect((await remoteOf(both)).discount.segmentIds).toEqual([]);
    expect((await row(both)).contextSegmentIds).toBe("[]");
    // a saved discount keeps its method
    expect(await save(form({ method: "code", code: "NOPE" }), both)).toMatchObject({ ok: false, fields: { method: { key: "discounts.error.methodFixed" } } });
    await mirror(ids.vip!, false);
    await mirror(ids.lapsed!, false);
  });

  it("follows a segment's native mirror: takes it when made, lets go of it before it is deleted", async () => {
    const id = await saved(form({ title: "Follows the mirror", segmentIds: [ids.lapsed] }));
    expect((await remoteOf(id)).discount.segmentIds).toEqual([]);
    const made = await mirror(ids.lapsed!, true);
    if (made.action !== "created") throw new Error("expected a mirror");
    expect((await remoteOf(id)).discount.segmentIds).toEqual([made.nativeSegmentId]);
    expect(JSON.parse((await row(id)).contextSegmentIds)).toEqual([made.nativeSegmentId]);
    // in step: a sync sends nothing for the discount
    const before = costs.length;
    expect(await syncNativeMirror({ db, admin: admin(), shopId, segmentId: ids.lapsed! })).toMatchObject({ action: "unchanged" });
    expect(costs.slice(before).map((cost) => cost.operationName)).toEqual(["AppSegment"]);

    const removed = await mirror(ids.lapsed!, false);
    expect(removed).toMatchObject({ action: "deleted" });
    expect((await remoteOf(id)).discount.segmentIds).toEqual([]);
    expect((await row(id)).contextSegmentIds).toBe("[]");
    expect(remote.segments.find((native) => segmentGid(native) === made.nativeSegmentId)).toBeUndefined();
  });

  it("keeps a deleted segment's discount, for its other segments, saying which segment is gone", async () => {
    const doomed = (await db.segment.create({ data: { shopId, name: "Doomed", handle: "doomed", query: "amount_spent > 5" } })).id;
    const vip = await mirror(ids.vip!, true);
    const made = await mirror(doomed, true);
    if (made.action !== "created" || vip.action !== "created") throw new Error("expected mirrors");
    const id = await saved(form({ title: "Doomed and VIP", segmentIds: [doomed, ids.vip] }));
    expect((await remoteOf(id)).discount.segmentIds.sort()).toEqual([made.nativeSegmentId, vip.nativeSegmentId].sort());

    expect(await deleteSegments({ db, shop: DOMAIN, ids: [doomed] })).toBe(1);
    // the removal job's sync: the row is gone, the mirror's id travels in its payload
    expect(await syncNativeMirror({ db, admin: admin(), shopId, segmentId: doomed, nativeSegmentId: made.nativeSegmentId })).toMatchObject({ action: "deleted" });
    expect((await remoteOf(id)).discount.segmentIds).toEqual([]);
    expect(JSON.parse((await remoteOf(id)).metafield?.value ?? "null").segments).toEqual(["doomed", "vip"]);
    const editor = await loadDiscountEditor({ db, shop: DOMAIN, id, now: new Date() });
    expect(editor?.discount?.segments).toEqual([
      { id: null, name: "Doomed", handle: "doomed" },
      { id: ids.vip, name: "VIP", handle: "vip" },
    ]);
    // the form names only the living segment: saving drops the deleted one
    expect(editor?.values.segmentIds).toEqual([ids.vip]);
    await saved({ ...form(), ...editor?.values }, id);
    expect(JSON.parse((await remoteOf(id)).metafield?.value ?? "null").segments).toEqual(["vip"]);
    expect((await remoteOf(id)).discount.segmentIds).toEqual([vip.nativeSegmentId]);
    await mirror(ids.vip!, false);
  });

  it("pauses (ended in Shopify), keeps the merchant's dates meanwhile, and resumes with them", async () => {
    const id = await saved(form({ title: "Pausable", startsAt: "2026-01-01T00:00", endsAt: "2099-06-01T12:00" }));
    expect(await pauseSegmentDiscount({ db, admin: admin(), shop: DOMAIN, id, now: new Date() })).toEqual({ ok: true });
    const paused = (await remoteOf(id)).discount;
    expect(paused.endsAt).not.toBeNull();
    expect(Date.parse(paused.endsAt ?? "")).toBeLessThanOrEqual(Date.now());
    expect(await row(id)).toMatchObject({ status: "PAUSED", endsAt: new Date("2099-06-01T10:00:00Z") });
    expect((await listSegmentDiscounts({ db, shop: DOMAIN, now: new Date() }))?.discounts.find((item) => item.id === id)?.status).toBe("paused");

    // an edit of a paused discount keeps it ended in Shopify; its new dates wait for the resume
    await saved(form({ title: "Pausable, edited", startsAt: "2026-02-01T00:00", endsAt: "2099-07-01T12:00" }), id);
    expect((await remoteOf(id)).discount).toMatchObject({ title: "Pausable, edited", endsAt: paused.endsAt });
    expect(await row(id)).toMatchObject({ status: "PAUSED", startsAt: new Date("2026-01-31T23:00:00Z"), endsAt: new Date("2099-07-01T10:00:00Z") });

    expect(await resumeSegmentDiscount({ db, admin: admin(), shop: DOMAIN, id, now: new Date() })).toEqual({ ok: true });
    expect((await remoteOf(id)).discount).toMatchObject({ startsAt: "2026-01-31T23:00:00.000Z", endsAt: "2099-07-01T10:00:00.000Z" });
    expect(await row(id)).toMatchObject({ status: "ACTIVE" });

    // a discount that starts later is scheduled again once resumed
    const later = await saved(form({ title: "Later", startsAt: "2099-01-01T00:00" }));
    expect(await row(later)).toMatchObject({ status: "SCHEDULED" });
    await pauseSegmentDiscount({ db, admin: admin(), shop: DOMAIN, id: later, now: new Date() });
    await resumeSegmentDiscount({ db, admin: admin(), shop: DOMAIN, id: later, now: new Date() });
    expect((await remoteOf(later)).discount).toMatchObject({ startsAt: "2098-12-31T23:00:00.000Z", endsAt: null });
    expect(await row(later)).toMatchObject({ status: "SCHEDULED" });

    // one whose own end has passed cannot resume until its end changes
    const ended = await saved(form({ title: "Ended", startsAt: "2026-01-01T00:00", endsAt: "2099-01-01T00:00" }));
    await pauseSegmentDiscount({ db, admin: admin(), shop: DOMAIN, id: ended, now: new Date() });
    expect(await resumeSegmentDiscount({ db, admin: admin(), shop: DOMAIN, id: ended, now: new Date("2099-02-01T00:00:00Z") })).toEqual({
      ok: false,
      status: 409,
      fields: { endsAt: { key: "discounts.error.resumeEnded", params: {} } },
    });
  });

  it("deletes in Shopify and here, also when Shopify no longer has it", async () => {
    const id = await saved(form({ title: "Short-lived" }));
    const shopifyId = (await row(id)).shopifyId;
    expect(await deleteSegmentDiscount({ db, admin: admin(), shop: DOMAIN, id, now: new Date() })).toEqual({ ok: true });
    expect(remote.discounts.some((candidate) => discountGid(candidate) === shopifyId)).toBe(false);
    expect(remote.metafields.has(shopifyId)).toBe(false);
    expect(await db.segmentDiscount.findUnique({ where: { id } })).toBeNull();

    const gone = await saved(form({ title: "Deleted in Shopify" }));
    const goneId = (await row(gone)).shopifyId;
    remote.discounts.splice(
      remote.discounts.findIndex((candidate) => discountGid(candidate) === goneId),
      1,
    );
    // an edit says so; a delete goes through
    expect(await save(form({ title: "Edited" }), gone)).toMatchObject({ ok: false, status: 409, fields: { form: { key: "discounts.error.goneInShopify" } } });
    expect(await pauseSegmentDiscount({ db, admin: admin(), shop: DOMAIN, id: gone, now: new Date() })).toMatchObject({ ok: false, fields: { form: { key: "discounts.error.goneInShopify" } } });
    expect(await deleteSegmentDiscount({ db, admin: admin(), shop: DOMAIN, id: gone, now: new Date() })).toEqual({ ok: true });
    expect(await db.segmentDiscount.findUnique({ where: { id: gone } })).toBeNull();
  });

  it("answers null (a 404) for another shop's discount, and changes nothing of it", async () => {
    const id = await saved(form({ title: "Mine" }));
    const before = costs.length;
    const args = { db, admin: admin(), shop: OTHER, id, now: new Date() };
    expect(await saveSegmentDiscount({ ...args, form: form({ title: "Theirs now" }) })).toBeNull();
    expect(await pauseSegmentDiscount(args)).toBeNull();
    expect(await resumeSegmentDiscount(args)).toBeNull();
    expect(await deleteSegmentDiscount(args)).toBeNull();
    expect(await loadDiscountEditor({ db, shop: OTHER, id, now: new Date() })).toBeNull();
    expect(await discountIdForShopifyId({ db, shop: OTHER, numericId: (await row(id)).shopifyId.split("/").pop() ?? "" })).toBeNull();
    expect((await listSegmentDiscounts({ db, shop: OTHER, now: new Date() }))?.discounts).toEqual([]);
    expect(await row(id)).toMatchObject({ title: "Mine", status: "ACTIVE" });
    expect(costs.length).toBe(before);
    // the other shop's segment cannot be named either, nor prefilled
    expect((await loadDiscountEditor({ db, shop: DOMAIN, id: "new", segmentId: ids.theirs, now: new Date() }))?.values.segmentIds).toEqual([]);
    expect((await loadDiscountEditor({ db, shop: DOMAIN, id: "new", segmentId: ids.vip, now: new Date() }))?.values.segmentIds).toEqual([ids.vip]);
  });

  it("says Shopify could not be reached, and stores nothing", async () => {
    const before = await db.segmentDiscount.count();
    standIn.faults.next(10, { kind: "status", status: 503 });
    try {
      const result = await saveSegmentDiscount({
        db,
        admin: createAdminClient({ shop: DOMAIN, accessToken: TOKEN, apiVersion: "2026-10", origin: standIn.url, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } }),
        shop: DOMAIN,
        id: "new",
        form: form({ title: "Unlucky" }),
        now: new Date(),
      });
      expect(result).toMatchObject({ ok: false, status: 502, fields: { form: { key: "discounts.error.unavailable" } } });
    } finally {
      standIn.faults.clear();
    }
    expect(await db.segmentDiscount.count()).toBe(before);
  });
});
