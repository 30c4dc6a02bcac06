import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DatabaseKind } from "~/db/client";
import { translator, type MessageKey } from "~/i18n";
import { claim, complete, enqueue, fail, PermanentJobError } from "~/jobs/queue.server";
import { jobHandlers } from "~/jobs/runtime.server";
import { FILTERS, type FilterDefinition } from "~/segments/filters";
import { TEMPLATE_METAFIELDS } from "~/segments/templates";
import { SHOPIFY_DOC_CASES } from "~/segments/golden/shopify-docs";
import { createAdminClient } from "~/shopify/admin-client.server";
import type { SyncDeps } from "~/sync/deps";
import { buildDataset } from "../../test/shopify/admin/builder";
import { startAdminStandIn, type AdminStandIn, type CostRecord, type ShopState } from "../../test/shopify/admin";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import {
  MAX_NATIVE_IDS,
  MIRROR_JOB,
  mirrorNames,
  mirrorViews,
  nativeMirrorability,
  nativeMirrorJobHandler,
  syncNativeMirror,
  type Mirrorability,
} from "./native-segments.server";
import { bulkPublishing, savePublishing } from "./segment-publishing.server";
import { deleteSegments, saveSegment } from "./segments.server";

const kinds = await storeKinds();
const BIRTH_DATE = TEMPLATE_METAFIELDS;

/** A query that uses the filter alone, valid for its type. */
function aloneQuery(filter: FilterDefinition): string {
  if (filter.name === "anniversary") return "anniversary(date: 'metafields.facts.birth_date') = today";
  switch (filter.type) {
    case "number":
    case "money":
      return `${filter.name} > 1`;
    case "date":
      return `${filter.name} > -30d`;
    case "string":
      return `${filter.name} = 'x'`;
    case "enum":
      return `${filter.name} = '${filter.values?.[0] ?? ""}'`;
    case "list":
      return `${filter.name} CONTAINS 'x'`;
    case "function":
      return `${filter.name} MATCHES (date > -30d)`;
    case "boolean":
      return `${filter.name} = true`;
  }
}

const reasonOf = (result: Mirrorability) => (result.ok ? null : result.reason);
const words = (result: Mirrorability, locale: "en" | "nl" = "en") => (result.ok ? "" : translator(locale)(result.reason.key, result.reason.params));

describe("nativeMirrorability", () => {
  it.each([...FILTERS.values()].map((filter) => [filter.name, filter] as const))("%s alone: mirrorable exactly when it is Shopify's own filter", (_name, filter) => {
    const result = nativeMirrorability(aloneQuery(filter), BIRTH_DATE);
    if (filter.native) expect(result).toEqual({ ok: true });
    else expect(reasonOf(result)).toEqual({ key: "native.reason.appFilter", params: { filter: filter.name } });
  });

  it("takes every query of Shopify's own documentation, but the one Shopify itself refuses (11 conditions joined by OR)", () => {
    const valid = SHOPIFY_DOC_CASES.filter((golden) => golden.canonical !== undefined);
    expect(valid.length).toBeGreaterThan(50);
    const refused = valid.filter((golden) => !nativeMirrorability(golden.query, golden.metafields ?? []).ok);
    expect(refused.map((golden) => golden.query)).toEqual([expect.stringMatching(/^customer_countries CONTAINS 'CA'( OR customer_countries CONTAINS '[A-Z]{2}'){10}$/)]);
    expect(reasonOf(nativeMirrorability(refused[0]!.query))).toEqual({ key: "native.reason.tooManyClauses", params: { count: 11, max: 10 } });
    // ten is Shopify's limit, and nesting does not hide the eleventh
    const ors = (n: number) => Array.from({ length: n }, (_, i) => `number_of_orders = ${i}`);
    expect(nativeMirrorability(ors(10).join(" OR ")).ok).toBe(true);
    expect(nativeMirrorability(`${ors(5).join(" OR ")} OR (${ors(6).join(" OR ")})`).ok).toBe(false);
  });

  it("names the app's extensions of the language Shopify would refuse", () => {
    const cases: [string, MessageKey, Record<string, string | number>][] = [
      ["NOT customer_tags CONTAINS 'vip'", "native.reason.not", {}],
      ["amount_spent > 10 AND NOT (rfm_group = 'LOYAL' OR rfm_group = 'CHAMPIONS')", "native.reason.not", {}],
      ["amount_spent IS NULL", "native.reason.operator", { filter: "amount_spent", operator: "IS NULL", operators: "=, !=, >, >=, <, <=, BETWEEN" }],
      ["number_of_orders IS NOT NULL", "native.reason.operator", { filter: "number_of_orders", operator: "IS NOT NULL", operators: "=, !=, >, >=, <, <=, BETWEEN" }],
      ["anniversary(date: 'metafields.facts.birth_date') != today", "native.reason.operator", { filter: "anniversary", operator: "!=", operators: "=, BETWEEN" }],
      ["products_purchased MATCHES (sku = 'VINYL-1')", "native.reason.parameter", { filter: "products_purchased", parameter: "sku" }],
      ["products_purchased(product_type: 'Music') = true", "native.reason.parameter", { filter: "products_purchased", parameter: "product_type" }],
      [`products_purchased MATCHES (id IN (${Array.from({ length: MAX_NATIVE_IDS + 1 }, (_, i) => i + 1).join(", ")}))`, "native.reason.tooManyIds", { filter: "products_purchased", count: 501, max: 500 }],
      ["amount_spend > 1", "native.reason.invalid", {}],
      // an app filter is named first, wherever it stands
      ["NOT amount_spent IS NULL AND churn_probability > 0.5 OR age > 30", "native.reason.appFilter", { filter: "churn_probability" }],
    ];
    for (const [query, key, params] of cases) expect(reasonOf(nativeMirrorability(query, BIRTH_DATE)), query).toEqual({ key, params });
    // Shopify's own forms of the same things are fine
    for (const query of [
      "customer_tags NOT CONTAINS 'vip'",
      "rfm_group != 'LOYAL' AND products_purchased NOT MATCHES (id IN (1, 2), date > -90d)",
      "products_purchased(id: 123) = true",
      "abandoned_checkout_date IS NULL",
      "metafields.facts.birth_date IS NOT NULL",
      `products_purchased MATCHES (id IN (${Array.from({ length: MAX_NATIVE_IDS }, (_, i) => i + 1).join(", ")}))`,
    ]) {
      expect(nativeMirrorability(query, BIRTH_DATE), query).toEqual({ ok: true });
    }
  });

  it("says why in the admin's language", () => {
    expect(words(nativeMirrorability("predicted_spend_12m > 500"))).toBe("predicted_spend_12m is the app's own filter; Shopify's segments cannot use it.");
    expect(words(nativeMirrorability("predicted_spend_12m > 500"), "nl")).toBe("predicted_spend_12m is een eigen filter van de app; segmenten van Shopify kunnen het niet gebruiken.");
    expect(words(nativeMirrorability("NOT amount_spent > 1"), "nl")).toContain("NOT vóór een voorwaarde is eigen aan de app");
    expect(words(nativeMirrorability("products_purchased MATCHES (sku = 'A')"), "nl")).toBe("sku in products_purchased is een eigen voorwaarde van de app; segmenten van Shopify kunnen hem niet gebruiken.");
  });

  it("suffixes a taken name, within Shopify's 255 characters", () => {
    expect(mirrorNames("VIP").slice(0, 3)).toEqual(["VIP", "VIP (Segment Studio)", "VIP (Segment Studio 2)"]);
    const long = "x".repeat(255);
    for (const name of mirrorNames(long).slice(1)) expect([...name].length).toBeLessThanOrEqual(255);
  });
});

describe.each(kinds)("native mirrors against the stand-in, on %s", (kind: DatabaseKind) => {
  let standIn: AdminStandIn;
  let store: TestStore;
  let db: Db;
  const costs: CostRecord[] = [];
  const DOMAIN = `mirrors-${kind}.myshopify.com`;
  const TOKEN = `mirror-token-${kind}`;
  let remote: ShopState;
  let shopId: number;
  const NOW = new Date("2026-11-20T10:00:00Z");

  beforeAll(async () => {
    standIn = await startAdminStandIn({ onCost: (domain, record) => domain === DOMAIN && costs.push(record) });
    // small enough that a few mutations in a row must wait for it: 10 points each, 20 restored per second
    remote = standIn.addShop(buildDataset({ domain: DOMAIN, customers: 1 }), TOKEN, { maximumAvailable: 25, restoreRate: 20 });
    store = await freshStore(kind);
    db = store.db;
    shopId = (await db.shop.create({ data: { domain: DOMAIN, name: "Mirrors", currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam" } })).id;
    await db.metafieldDefinition.create({ data: { shopId, namespace: "facts", key: "birth_date", name: "Birth date", type: "date" } });
  });
  afterAll(async () => {
    await store?.drop();
    await standIn?.close();
  });

  const admin = () => createAdminClient({ shop: DOMAIN, accessToken: TOKEN, apiVersion: "2026-10", origin: standIn.url, retry: { baseDelayMs: 20, maxDelayMs: 200 } });
  const deps = (): SyncDeps => ({ db, kind, adminFor: async () => admin(), now: () => new Date() });

  /** Runs the queued mirror jobs as a worker would, until none is due; failures are recorded as the worker records them. */
  async function runMirrorJobs(): Promise<number> {
    const handler = nativeMirrorJobHandler(deps());
    let ran = 0;
    for (;;) {
      const [job] = await claim(db, MIRROR_JOB, { workerId: "test-worker", leaseMs: 60_000 });
      if (!job) return ran;
      ran += 1;
      try {
        await handler(job, new AbortController().signal);
        await complete(db, job);
      } catch (error) {
        await fail(db, job, error, { backoff: { baseMs: 60 * 60_000 } });
      }
    }
  }

  const row = (id: string) => db.segment.findUniqueOrThrow({ where: { id }, select: { name: true, query: true, mirrorNative: true, nativeSegmentId: true, updatedAt: true } });
  const nativeOf = (gid: string | null) => remote.segments.find((s) => `gid://shopify/Segment/${s.id}` === gid);
  const viewOf = async (id: string) => (await mirrorViews(db, { shopId, segments: [{ id, ...(await row(id)) }] })).get(id);
  const save = (name: string, query: string, id?: string) => saveSegment({ db, kind, shop: DOMAIN, ...(id ? { id } : {}), name, query, now: NOW });

  it("is a job kind of the worker, and refuses a malformed payload for good", async () => {
    expect(jobHandlers(deps())[MIRROR_JOB]).toBeTypeOf("function");
    await enqueue(db, { kind: MIRROR_JOB, shopId, payload: { shopId, segment: "nope" } });
    const [job] = await claim(db, MIRROR_JOB, { workerId: "test-worker", leaseMs: 60_000 });
    await expect(nativeMirrorJobHandler(deps())(job!, new AbortController().signal)).rejects.toBeInstanceOf(PermanentJobError);
    await fail(db, job!, new PermanentJobError("malformed"));
  });

  it("creates the mirror when turned on, follows a rename and a new query, and deletes it with the segment", async () => {
    const saved = await save("VIP", "amount_spent > 100");
    if (!saved?.ok) throw new Error("not saved");
    const id = saved.segment.id;
    // off by default: nothing to keep in step
    expect(await db.job.count({ where: { kind: MIRROR_JOB, state: "QUEUED" } })).toBe(0);

    const turned = await savePublishing(db, { shop: DOMAIN, id, form: { mirrorNative: "true" }, now: NOW });
    expect(turned).toMatchObject({ ok: true, publishing: { mirror: { on: true, state: "pending" } } });
    // turning a toggle is not an edit of the segment
    expect((await row(id)).updatedAt).toEqual(saved.segment.updatedAt);
    expect(await runMirrorJobs()).toBe(1);
    const first = await row(id);
    expect(first.nativeSegmentId).toMatch(/^gid:\/\/shopify\/Segment\/\d+$/);
    expect(nativeOf(first.nativeSegmentId)).toMatchObject({ name: "VIP", query: "amount_spent > 100" });
    expect(await viewOf(id)).toMatchObject({ on: true, state: "mirrored", nativeName: null, error: null });

    // a rename and a new query: the same mirror, updated
    const renamed = await save("VIP customers", "amount_spent > 200 AND customer_tags CONTAINS 'vip'", id);
    expect(renamed?.ok).toBe(true);
    expect(await runMirrorJobs()).toBe(1);
    expect((await row(id)).nativeSegmentId).toBe(first.nativeSegmentId);
    expect(nativeOf(first.nativeSegmentId)).toMatchObject({ name: "VIP customers", query: "amount_spent > 200 AND customer_tags CONTAINS 'vip'" });
    // in step already: nothing sent but the read
    const before = costs.length;
    expect(await syncNativeMirror({ db, admin: admin(), shopId, segmentId: id })).toMatchObject({ action: "unchanged", nativeSegmentId: first.nativeSegmentId });
    expect(costs.slice(before).map((c) => c.operationName)).toEqual(["AppSegment"]);

    // deleted in the app: its mirror goes too, though the row is gone when the job runs
    expect(await deleteSegments({ db, shop: DOMAIN, ids: [id] })).toBe(1);
    expect(await runMirrorJobs()).toBe(1);
    expect(nativeOf(first.nativeSegmentId)).toBeUndefined();
    expect(remote.segments).toEqual([]);
  });

  it("deletes the mirror when turned off, makes again one the merchant deleted in Shopify, and suffixes a name Shopify has", async () => {
    const saved = await save("Lapsed", "last_order_date < -180d");
    if (!saved?.ok) throw new Error("not saved");
    const id = saved.segment.id;
    await savePublishing(db, { shop: DOMAIN, id, form: { mirrorNative: "true" }, now: NOW });
    await runMirrorJobs();
    const first = (await row(id)).nativeSegmentId;
    expect(nativeOf(first)).toMatchObject({ name: "Lapsed" });

    // the merchant deleted it in Shopify's admin: the next sync makes it again, under a new id
    remote.segments.splice(remote.segments.indexOf(nativeOf(first)!), 1);
    const again = await syncNativeMirror({ db, admin: admin(), shopId, segmentId: id });
    expect(again).toMatchObject({ action: "created", name: "Lapsed", renamed: false });
    const second = (await row(id)).nativeSegmentId;
    expect(second).not.toBe(first);
    expect(nativeOf(second)).toMatchObject({ name: "Lapsed", query: "last_order_date < -180d" });

    // turned off: deleted in Shopify, forgotten here
    await savePublishing(db, { shop: DOMAIN, id, form: { mirrorNative: "false" }, now: NOW });
    expect(await runMirrorJobs()).toBe(1);
    expect(nativeOf(second)).toBeUndefined();
    expect(await row(id)).toMatchObject({ mirrorNative: false, nativeSegmentId: null });
    expect(await viewOf(id)).toMatchObject({ on: false, state: "off" });

    // Shopify has a segment of the name already (the merchant's own): the mirror is suffixed, and the page says so
    remote.segments.push({ id: remote.newId(), name: "Big spenders", query: "amount_spent > 1000", creationDate: NOW.toISOString(), lastEditDate: NOW.toISOString() });
    const big = await save("Big spenders", "amount_spent > 500");
    if (!big?.ok) throw new Error("not saved");
    await savePublishing(db, { shop: DOMAIN, id: big.segment.id, form: { mirrorNative: "true" }, now: NOW });
    await runMirrorJobs();
    const mirror = nativeOf((await row(big.segment.id)).nativeSegmentId);
    expect(mirror).toMatchObject({ name: "Big spenders (Segment Studio)", query: "amount_spent > 500" });
    expect(remote.segments.find((s) => s.name === "Big spenders")).toMatchObject({ query: "amount_spent > 1000" });
    expect(await viewOf(big.segment.id)).toMatchObject({ state: "mirrored", nativeName: "Big spenders (Segment Studio)" });
    // and it stays under that name, unchanged
    expect(await syncNativeMirror({ db, admin: admin(), shopId, segmentId: big.segment.id })).toMatchObject({ action: "unchanged", renamed: true });
    await deleteSegments({ db, shop: DOMAIN, ids: [id, big.segment.id] });
    await runMirrorJobs();
    expect(remote.segments.map((s) => s.name)).toEqual(["Big spenders"]);
    remote.segments.length = 0;
  });

  it("does not mirror a query Shopify cannot say: no call, and the reason", async () => {
    const saved = await save("Young", "age < 30");
    if (!saved?.ok) throw new Error("not saved");
    const id = saved.segment.id;
    const refused = await savePublishing(db, { shop: DOMAIN, id, form: { mirrorNative: "true" }, now: NOW });
    expect(refused).toEqual({ ok: false, fields: { mirrorNative: { key: "native.reason.appFilter", params: { filter: "age" } } } });
    expect(await row(id)).toMatchObject({ mirrorNative: false });
    expect(await db.job.count({ where: { kind: MIRROR_JOB, state: "QUEUED" } })).toBe(0);

    // on while the query could be mirrored, then the query became the app's own: the mirror goes, saying why
    const other = await save("Tagged", "customer_tags CONTAINS 'club'");
    if (!other?.ok) throw new Error("not saved");
    await savePublishing(db, { shop: DOMAIN, id: other.segment.id, form: { mirrorNative: "true" }, now: NOW });
    await runMirrorJobs();
    const native = (await row(other.segment.id)).nativeSegmentId;
    expect(nativeOf(native)).toBeDefined();
    await save("Tagged", "customer_tags CONTAINS 'club' AND churn_probability > 0.6", other.segment.id);
    await runMirrorJobs();
    expect(nativeOf(native)).toBeUndefined();
    expect(await row(other.segment.id)).toMatchObject({ mirrorNative: true, nativeSegmentId: null });
    const view = await viewOf(other.segment.id);
    expect(view).toMatchObject({ on: true, state: "off", mirrorability: { ok: false, reason: { key: "native.reason.appFilter", params: { filter: "churn_probability" } } } });

    // and syncing it again asks Shopify nothing
    const before = costs.length;
    expect(await syncNativeMirror({ db, admin: admin(), shopId, segmentId: other.segment.id })).toEqual({ action: "none", reason: { key: "native.reason.appFilter", params: { filter: "churn_probability" } } });
    expect(costs.length).toBe(before);
    await deleteSegments({ db, shop: DOMAIN, ids: [id, other.segment.id] });
    await runMirrorJobs();
  });

  it("shows Shopify's refusal as the mirror's error", async () => {
    const saved = await save("Refused", "amount_spent > 5");
    if (!saved?.ok) throw new Error("not saved");
    await savePublishing(db, { shop: DOMAIN, id: saved.segment.id, form: { mirrorNative: "true" }, now: NOW });
    // every name the app would try is taken
    for (const name of mirrorNames("Refused")) remote.segments.push({ id: remote.newId(), name, query: "amount_spent > 1", creationDate: NOW.toISOString(), lastEditDate: NOW.toISOString() });
    await runMirrorJobs();
    const view = await viewOf(saved.segment.id);
    expect(view).toMatchObject({ state: "error", nativeSegmentId: null });
    expect(view?.error).toMatch(/^Shopify refused the segment: the names "Refused", "Refused \(Segment Studio\)".* are all taken$/);
    await deleteSegments({ db, shop: DOMAIN, ids: [saved.segment.id] });
    remote.segments.length = 0;
  });

  it("mirrors a shop's segments in bulk without ever overdrawing its bucket", async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 6; i++) {
      const saved = await save(`Spent over ${i * 100}`, `amount_spent > ${i * 100}`);
      if (!saved?.ok) throw new Error("not saved");
      ids.push(saved.segment.id);
    }
    const appOnly = await save("Predicted", "predicted_clv > 100");
    if (!appOnly?.ok) throw new Error("not saved");
    costs.length = 0;
    // the bucket nearly empty as it starts: another process spent it
    remote.bucket.available = 1;
    remote.bucket.updatedAtMs = Date.now();
    expect(await bulkPublishing(db, { shop: DOMAIN, form: { target: "mirrors", value: "on" }, now: NOW })).toEqual({ ok: true, changed: 6 });
    expect(await runMirrorJobs()).toBe(6);
    expect(remote.segments.map((s) => s.name).sort()).toEqual(ids.map((_, i) => `Spent over ${(i + 1) * 100}`).sort());
    expect(await row(appOnly.segment.id)).toMatchObject({ mirrorNative: false, nativeSegmentId: null });
    // 6 creates of 10 points and the reads: more than the bucket ever held, never more than it had
    const executed = costs.filter((c) => !c.throttled);
    expect(executed.reduce((sum, c) => sum + (c.actualQueryCost ?? 0), 0)).toBeGreaterThan(25);
    expect(executed.every((c) => c.availableBefore >= c.requestedQueryCost)).toBe(true);
    // only the very first request, sent before any answer said how empty the bucket was, may have been THROTTLED
    const throttledAfterFirst = () => costs.flatMap((c, i) => (c.throttled && i > 0 ? [i] : []));
    expect(throttledAfterFirst()).toEqual([]);
    expect(remote.usage.lowestAvailable).toBeGreaterThanOrEqual(0);

    expect(await bulkPublishing(db, { shop: DOMAIN, form: { target: "mirrors", value: "off" }, now: NOW })).toEqual({ ok: true, changed: 6 });
    expect(await runMirrorJobs()).toBe(6);
    expect(remote.segments).toEqual([]);
    expect(throttledAfterFirst()).toEqual([]);
  }, 30_000);
});
