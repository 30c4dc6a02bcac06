import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { countExportMembers, createExport, failExport, finishExport, getExport, listExports, readExportMembers, recordExportProgress, startExport, type MemberParts } from "./exports.server";

const kinds = await storeKinds();
const ALL: MemberParts = { address: true, manager: true, birthDate: true, lastOrder: true };
const NONE: MemberParts = { address: false, manager: false, birthDate: false, lastOrder: false };

describe.each(kinds)("export SQL on %s", (kind) => {
  let store: TestStore;
  let shopId: number;
  let otherShopId: number;
  let segmentId: string;
  const ids: number[] = [];
  const at = new Date("2026-06-01T12:00:00Z");

  beforeAll(async () => {
    store = await freshStore(kind);
    const db = store.db;
    shopId = (await db.shop.create({ data: { domain: "sql-a.myshopify.com", name: "A" } })).id;
    otherShopId = (await db.shop.create({ data: { domain: "sql-b.myshopify.com", name: "B" } })).id;
    segmentId = (await db.segment.create({ data: { shopId, name: "All", handle: "all", query: "number_of_orders >= 0" } })).id;
    // 25 members: every third accepted e-mail marketing, every fifth SMS marketing
    for (let i = 0; i < 25; i++) {
      const customer = await db.customer.create({
        data: {
          shopId,
          shopifyId: String(5000 + i),
          firstName: `Member${i}`,
          shopifyCreatedAt: at,
          shopifyUpdatedAt: at,
          emailMarketingState: i % 3 === 0 ? "SUBSCRIBED" : "UNSUBSCRIBED",
          smsMarketingState: i % 5 === 0 ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
          amountSpentMinor: BigInt(i * 100),
        },
      });
      ids.push(customer.id);
    }
    await db.segmentMember.createMany({ data: ids.map((customerId) => ({ shopId, segmentId, customerId })) });
    const first = ids[0]!;
    await db.customerTag.createMany({
      data: [
        { shopId, customerId: first, tag: "Manager:Sanne", normalized: "manager:sanne" },
        { shopId, customerId: first, tag: "manager:Zeno", normalized: "manager:zeno" },
        { shopId, customerId: first, tag: "managers", normalized: "managers" },
        { shopId, customerId: ids[1]!, tag: "manager:", normalized: "manager:" },
        { shopId, customerId: ids[2]!, tag: "team-manager:Ann", normalized: "team-manager:ann" },
      ],
    });
    await db.customerAddress.createMany({
      data: [
        { shopId, customerId: first, isDefault: false, city: "Utrecht", countryCode: "NL" },
        { shopId, customerId: first, isDefault: true, city: "Leiden", countryCode: "NL", company: "Acme" },
        { shopId, customerId: ids[1]!, isDefault: false, city: "Gent", countryCode: "BE" },
      ],
    });
    await db.customerMetafield.createMany({
      data: [
        { shopId, customerId: first, namespace: "facts", key: "birth_date", type: "date", value: "1990-05-12" },
        { shopId, customerId: ids[1]!, namespace: "custom", key: "birth_date", type: "date", value: "1970-01-01" },
      ],
    });
    const order = (customerId: number, shopifyId: string, processedAt: string, extra: object = {}) => ({
      shopId,
      shopifyId,
      name: `#${shopifyId}`,
      customerId,
      currencyCode: "EUR",
      subtotalMinor: 100n,
      totalMinor: 100n,
      discountCodes: [],
      processedAt: new Date(processedAt),
      shopifyCreatedAt: new Date(processedAt),
      shopifyUpdatedAt: new Date(processedAt),
      ...extra,
    });
    await db.order.createMany({
      data: [
        order(first, "1", "2026-01-01T00:00:00Z"),
        order(first, "2", "2026-02-01T00:00:00Z"),
        // same moment as #2: the higher id is the later one, as the derived columns break the tie
        order(first, "3", "2026-02-01T00:00:00Z"),
        order(first, "4", "2026-03-01T00:00:00Z", { cancelledAt: new Date("2026-03-02T00:00:00Z") }),
        order(first, "5", "2026-04-01T00:00:00Z", { test: true }),
        order(ids[1]!, "6", "2026-05-01T00:00:00Z", { cancelledAt: new Date("2026-05-02T00:00:00Z") }),
      ],
    });
    // another shop's customer in another shop's segment
    const foreign = await db.customer.create({ data: { shopId: otherShopId, shopifyId: "1", shopifyCreatedAt: at, shopifyUpdatedAt: at, emailMarketingState: "SUBSCRIBED" } });
    await db.segment.create({ data: { shopId: otherShopId, name: "Theirs", handle: "theirs", query: "x", members: { create: [{ shopId: otherShopId, customerId: foreign.id }] } } });
  });
  afterAll(() => store.drop());

  const page = (afterCustomerId: number, limit: number, parts: MemberParts = NONE, marketingConsent = false, shop = shopId) =>
    readExportMembers(store.db, kind, { shopId: shop, segmentId, afterCustomerId, limit, parts, marketingConsent });

  it("reads every member once, in customer id order, page after page", async () => {
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const members = await page(after, 7);
      if (members.length === 0) break;
      seen.push(...members.map((member) => member.id));
      after = members[members.length - 1]!.id;
    }
    expect(seen).toEqual([...ids].sort((a, b) => a - b));
    expect(await countExportMembers(store.db, kind, { shopId, segmentId, marketingConsent: false })).toBe(25);
  });

  it("keeps to the shop: another shop reads nothing of this segment", async () => {
    expect(await page(0, 100, ALL, false, otherShopId)).toEqual([]);
    expect(await countExportMembers(store.db, kind, { shopId: otherShopId, segmentId, marketingConsent: false })).toBe(0);
  });

  it("reads only customers who accepted e-mail or SMS marketing when asked", async () => {
    const consenting = ids.filter((_, i) => i % 3 === 0 || i % 5 === 0);
    expect((await page(0, 100, NONE, true)).map((member) => member.id)).toEqual(consenting);
    expect(await countExportMembers(store.db, kind, { shopId, segmentId, marketingConsent: true })).toBe(consenting.length);
  });

  it("reads the default address, the first manager tag, the birth date and the last counted order", async () => {
    const [first, second, third] = await page(0, 3, ALL);
    expect(first).toMatchObject({
      shopifyId: "5000",
      amountSpentMinor: 0n,
      shopifyCreatedAt: at,
      address: { city: "Leiden", countryCode: "NL", company: "Acme" },
      manager: "Sanne",
      birthDate: "1990-05-12",
      lastOrder: { name: "#3", shopifyId: "3" },
    });
    // no default address: the first one; an empty manager tag, another namespace's birth_date and a cancelled order count for nothing
    expect(second).toMatchObject({ address: { city: "Gent", countryCode: "BE" }, manager: null, birthDate: null, lastOrder: null, amountSpentMinor: 100n });
    expect(third).toMatchObject({ address: null, manager: null, lastOrder: null });
    // parts not asked for are not read
    const [bare] = await page(0, 1, NONE);
    expect(bare).toMatchObject({ address: null, manager: null, birthDate: null, lastOrder: null });
  });

  it("records an export's life: queued, running with progress, finished or failed, per shop", async () => {
    const now = new Date("2026-12-02T09:00:00Z");
    const created = await createExport(store.db, { shopId, segmentId, segmentName: "All", format: "CSV", columns: ["email", "name"], locale: "nl", now });
    expect(created).toMatchObject({ state: "QUEUED", columns: ["email", "name"], locale: "nl", rowsDone: 0, rowsTotal: null, createdAt: now });
    await startExport(store.db, { shopId, id: created.id, rowsTotal: 25 });
    await recordExportProgress(store.db, { shopId: otherShopId, id: created.id, rowsDone: 99 });
    await recordExportProgress(store.db, { shopId, id: created.id, rowsDone: 10 });
    expect(await getExport(store.db, { shopId, id: created.id })).toMatchObject({ state: "RUNNING", rowsDone: 10, rowsTotal: 25 });
    expect(await getExport(store.db, { shopId: otherShopId, id: created.id })).toBeNull();
    await finishExport(store.db, { shopId, id: created.id, rows: 25, fileName: "all.csv", filePath: "shop-1/x.csv", fileBytes: 123, now });
    expect(await getExport(store.db, { shopId, id: created.id })).toMatchObject({ state: "SUCCEEDED", rowsDone: 25, rowsTotal: 25, fileName: "all.csv", fileBytes: 123, finishedAt: now });

    const failing = await createExport(store.db, { shopId, segmentId, segmentName: "All", format: "XLSX", columns: ["email"], locale: "en", now: new Date(now.getTime() + 1000) });
    await failExport(store.db, { shopId, id: failing.id, error: "disk full", final: false, now });
    expect(await getExport(store.db, { shopId, id: failing.id })).toMatchObject({ state: "QUEUED", error: "disk full", finishedAt: null });
    await failExport(store.db, { shopId, id: failing.id, error: "disk still full", final: true, now });
    expect(await getExport(store.db, { shopId, id: failing.id })).toMatchObject({ state: "FAILED", error: "disk still full", finishedAt: now });

    expect((await listExports(store.db, { shopId, take: 10 })).map((row) => row.id)).toEqual([failing.id, created.id]);
    expect(await listExports(store.db, { shopId: otherShopId, take: 10 })).toEqual([]);
  });
});
