import { afterAll, describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";

const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));
// the page renders outside a Remix router: it reads what the loader and the action returned
const page = vi.hoisted(() => ({ data: undefined as unknown, action: undefined as unknown }));
vi.mock("@remix-run/react", (importOriginal) => import("../../test/app/remix-outside-router").then((m) => m.remixOutsideRouter(importOriginal, page)));

const { adminRequest, installTestShop } = await import("../../test/app/test-app");
const settings = await import("./app.settings");
const { action, loader } = settings;
const { PREDICTIONS_JOB } = await import("~/services/predictions.server");
const { I18nProvider } = await import("~/components/I18nProvider");

function render(data: unknown, actionData: unknown, locale: "en" | "nl" = "en"): string {
  page.data = data;
  page.action = actionData;
  return renderToStaticMarkup(
    <AppProvider i18n={polarisEn}>
      <I18nProvider locale={locale}>
        <settings.default />
      </I18nProvider>
    </AppProvider>,
  );
}

afterAll(() => ctx.store.drop());

const SHOP = "settings-test.myshopify.com";
const OTHER = "settings-other.myshopify.com";

/** The action's answer as status and body, whether it returned data() or a plain object. */
async function post(shop: string, fields: Record<string, string>) {
  const request = await adminRequest(ctx, "/app/settings", shop, { method: "POST", body: new URLSearchParams(fields) });
  const result: unknown = await action({ request, params: {}, context: {} });
  if (result && typeof result === "object" && "type" in result && result.type === "DataWithResponseInit") {
    const { data, init } = result as unknown as { data: unknown; init: ResponseInit | null };
    return { status: init?.status ?? 200, body: data as Record<string, unknown> };
  }
  return { status: 200, body: result as Record<string, unknown> };
}

const VALID = { intent: "predictions", tierHighPercentile: "80", tierLowPercentile: "12,5", clvHorizonMonths: "24", clvAnnualDiscountPercent: "8" };

const settingsOf = (domain: string) =>
  ctx.store.db.shop.findUniqueOrThrow({ where: { domain }, select: { tierHighPercentile: true, tierLowPercentile: true, clvHorizonMonths: true, clvAnnualDiscountRate: true } });
const DEFAULTS = { tierHighPercentile: 70, tierLowPercentile: 10, clvHorizonMonths: 36, clvAnnualDiscountRate: 0.1 };

describe("Settings: predictions", () => {
  it("saves valid settings and queues a refit that uses them, for this shop only", async () => {
    const shop = await installTestShop(ctx, SHOP);
    const other = await installTestShop(ctx, OTHER);
    const { status, body } = await post(SHOP, VALID);
    expect(status).toBe(200);
    expect(body).toEqual({ intent: "predictions", saved: true });
    expect(await settingsOf(SHOP)).toEqual({ tierHighPercentile: 80, tierLowPercentile: 12.5, clvHorizonMonths: 24, clvAnnualDiscountRate: 0.08 });
    const jobs = await ctx.store.db.job.findMany({ where: { kind: PREDICTIONS_JOB } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ shopId: shop.id, state: "QUEUED", payload: { shopId: shop.id, reason: "manual" } });
    expect(await settingsOf(OTHER)).toEqual(DEFAULTS);
    expect(await ctx.store.db.job.count({ where: { shopId: other.id } })).toBe(0);

    // "Refit now" while that one waits: the same job
    expect(await post(SHOP, { intent: "refit" })).toEqual({ status: 200, body: { intent: "refit", queued: true } });
    expect(await ctx.store.db.job.count({ where: { kind: PREDICTIONS_JOB } })).toBe(1);

    // the page shows what was saved, with the discount rate in percent, and no run yet
    const page = await loader({ request: await adminRequest(ctx, "/app/settings", SHOP), params: {}, context: {} });
    expect(page.predictions).toMatchObject({
      settings: { tierHighPercentile: 80, tierLowPercentile: 12.5, clvHorizonMonths: 24, clvAnnualDiscountPercent: 8 },
      latestRun: null,
      scoredRun: null,
    });
  });

  it("answers bad input with 400 and a message per field, changing nothing", async () => {
    await installTestShop(ctx, SHOP);
    const before = await settingsOf(SHOP);
    const jobs = await ctx.store.db.job.count();
    const cases: [Record<string, string>, Record<string, string>][] = [
      [
        { tierHighPercentile: "101", tierLowPercentile: "-1", clvHorizonMonths: "0", clvAnnualDiscountPercent: "ten" },
        {
          tierHighPercentile: "settings.predictions.error.percentile",
          tierLowPercentile: "settings.predictions.error.percentile",
          clvHorizonMonths: "settings.predictions.error.months",
          clvAnnualDiscountPercent: "settings.predictions.error.rate",
        },
      ],
      [{ tierHighPercentile: "40", tierLowPercentile: "40" }, { tierLowPercentile: "settings.predictions.error.lowBelowHigh" }],
      [{ clvHorizonMonths: "12.5" }, { clvHorizonMonths: "settings.predictions.error.months" }],
      [{ clvHorizonMonths: "121", clvAnnualDiscountPercent: "100.5" }, { clvHorizonMonths: "settings.predictions.error.months", clvAnnualDiscountPercent: "settings.predictions.error.rate" }],
      [{ tierHighPercentile: "" }, { tierHighPercentile: "settings.predictions.error.percentile" }],
    ];
    for (const [changes, errors] of cases) {
      expect(await post(SHOP, { ...VALID, ...changes })).toEqual({ status: 400, body: { intent: "predictions", errors } });
    }
    const { tierHighPercentile: _, ...missing } = VALID;
    expect(await post(SHOP, missing)).toEqual({ status: 400, body: { intent: "predictions", errors: { tierHighPercentile: "settings.predictions.error.percentile" } } });
    expect(await post(SHOP, { intent: "delete-everything" })).toMatchObject({ status: 400 });
    expect(await settingsOf(SHOP)).toEqual(before);
    expect(await ctx.store.db.job.count()).toBe(jobs);
  });

  it("shows the latest run in plain words with its parameters, and the form's errors inline", async () => {
    const shop = await installTestShop(ctx, SHOP);
    const at = new Date("2026-11-20T02:00:00Z");
    const model = {
      currencyCode: "EUR",
      horizonDays: 365,
      clvMonths: 36,
      annualDiscountRate: 0.1,
      tierHighPercentile: 70,
      tierLowPercentile: 10,
      tierCutoffsMinor: { high: "12345", low: "250" },
      bgnbd: { r: 0.2426, alpha: 30.89, a: 0.7929, b: 2.4258, logLikelihood: -9582.43, iterations: 31 },
      gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44, logLikelihood: -4000, iterations: 20 },
      seconds: { read: 0.5, fit: 0.25, write: 1.25 },
    };
    await ctx.store.db.predictionRun.create({ data: { shopId: shop.id, reason: "nightly", status: "FITTED", asOf: at, customers: 2357, repeatBuyers: 946, model, startedAt: at, finishedAt: at } });
    const request = await adminRequest(ctx, "/app/settings", SHOP);
    const html = render(await loader({ request, params: {}, context: {} }), { intent: "predictions", errors: { tierLowPercentile: "settings.predictions.error.lowBelowHigh" } });
    expect(html).toContain("Fitted to your shop&#x27;s history");
    expect(html).toContain("nightly");
    for (const text of ["2,357", "946", "0.2426", "30.89", "0.7929", "2.426", "-9,582", "6.25", "3.74", "15.44", "€123.45", "€2.50", "Refit now", "Must be lower than the HIGH percentile"]) expect(html).toContain(text);

    // a fallback says why in the admin's language; a failure shows its error and the scores still in use
    await ctx.store.db.predictionRun.create({
      data: { shopId: shop.id, reason: "manual", status: "FALLBACK", detail: "12 repeat buyers; the models need at least 200", asOf: at, customers: 40, repeatBuyers: 12, model: { ...model, bgnbd: null, gammaGamma: null }, startedAt: new Date(at.getTime() + 1000), finishedAt: at },
    });
    const dutch = render(await loader({ request: await adminRequest(ctx, "/app/settings", SHOP), params: {}, context: {} }), undefined, "nl");
    expect(dutch).toContain("Eenvoudige schatting");
    expect(dutch).toContain("Maar 12 klanten hebben op meer dan één dag besteld; de modellen hebben er minstens 200 nodig.");
    expect(dutch).not.toContain("0,2426");
    await ctx.store.db.predictionRun.create({ data: { shopId: shop.id, reason: "sync", status: "FAILED", detail: "connection reset", asOf: at, startedAt: new Date(at.getTime() + 2000), finishedAt: at } });
    const failed = render(await loader({ request: await adminRequest(ctx, "/app/settings", SHOP), params: {}, context: {} }), { intent: "refit", queued: true });
    expect(failed).toContain("The last refit failed");
    expect(failed).toContain("Error: connection reset.");
    expect(failed).toContain("Only 12 customers have ordered on more than one day");
    expect(failed).toContain("Refit queued");
  });

  it("refuses a request without a session token", async () => {
    const request = new Request(new URL("/app/settings", ctx.appUrl), { method: "POST", body: new URLSearchParams(VALID) });
    let status: number | undefined;
    try {
      await action({ request, params: {}, context: {} });
    } catch (thrown) {
      if (!(thrown instanceof Response)) throw thrown;
      status = thrown.status;
    }
    expect(status).toBeDefined();
    expect(status).not.toBe(200);
  });
});

describe("Settings: publishing to Shopify", () => {
  const PUBLISHER = "settings-publishing.myshopify.com";
  const NEIGHBOUR = "settings-publishing-other.myshopify.com";

  it("lists the shop's segments with their toggles, the reason a mirror is impossible, the bulk switches and Republish all", async () => {
    const shop = await installTestShop(ctx, PUBLISHER);
    const other = await installTestShop(ctx, NEIGHBOUR);
    await ctx.store.db.segment.createMany({
      data: [
        { shopId: shop.id, name: "Champions", handle: "champions", query: "rfm_group = 'CHAMPIONS'", publishTag: true },
        { shopId: shop.id, name: "Likely to churn", handle: "likely-to-churn", query: "churn_probability > 0.7" },
        { shopId: other.id, name: "Not yours", handle: "not-yours", query: "amount_spent > 1" },
      ],
    });
    const data = await loader({ request: await adminRequest(ctx, "/app/settings", PUBLISHER), params: {}, context: {} });
    expect(data.publishing.map((segment) => [segment.name, segment.tag, segment.publishTag, segment.mirror.mirrorability.ok])).toEqual([
      ["Champions", "segment:champions", true, true],
      ["Likely to churn", "segment:likely-to-churn", false, false],
    ]);
    const html = render(data, { intent: "publishing.bulk", changed: 2 });
    for (const text of ["Publishing to Shopify", "Champions", "segment:champions", "Likely to churn", "Tags on for all", "Tags off for all", "Mirrors on for all that can", "Mirrors off for all", "Republish all", "2 segments changed"]) {
      expect(html).toContain(text);
    }
    expect(html).toContain("churn_probability is the app&#x27;s own filter; Shopify&#x27;s segments cannot use it.");
    expect(html).not.toContain("Not yours");
    const dutch = render(data, { intent: "publishing.republish", customers: 12 }, "nl");
    expect(dutch).toContain("Publiceren naar Shopify");
    expect(dutch).toContain("Alles opnieuw publiceren");
    expect(dutch).toContain("12 klanten worden opnieuw gepubliceerd");
    expect(dutch).toContain("churn_probability is een eigen filter van de app");
  });

  it("sets one segment's toggles: 400 for bad input, 404 for another shop's segment", async () => {
    const shop = await installTestShop(ctx, PUBLISHER);
    const other = await installTestShop(ctx, NEIGHBOUR);
    const mine = await ctx.store.db.segment.create({ data: { shopId: shop.id, name: "Regulars", handle: "regulars", query: "number_of_orders >= 3" } });
    const theirs = await ctx.store.db.segment.create({ data: { shopId: other.id, name: "Theirs", handle: "theirs", query: "number_of_orders >= 3" } });
    expect(await post(PUBLISHER, { intent: "publishing.segment", segmentId: mine.id, publishTag: "on" })).toMatchObject({ status: 400, body: { fields: { publishTag: { key: "publishing.error.flag" } } } });
    expect(await post(PUBLISHER, { intent: "publishing.segment", publishTag: "true" })).toMatchObject({ status: 400 });
    expect(await post(PUBLISHER, { intent: "publishing.segment", segmentId: theirs.id, publishTag: "true", mirrorNative: "true" })).toMatchObject({ status: 404 });
    expect(await ctx.store.db.segment.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ publishTag: false, mirrorNative: false });

    expect(await post(PUBLISHER, { intent: "publishing.segment", segmentId: mine.id, publishTag: "true", mirrorNative: "true" })).toEqual({ status: 200, body: { intent: "publishing.segment", ok: true } });
    expect(await ctx.store.db.segment.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ publishTag: true, mirrorNative: true });
    const { MIRROR_JOB } = await import("~/services/native-segments.server");
    expect(await ctx.store.db.job.count({ where: { kind: MIRROR_JOB, shopId: shop.id, state: "QUEUED" } })).toBe(1);
    expect(await ctx.store.db.job.count({ where: { shopId: other.id } })).toBe(0);
  });

  it("switches tags and mirrors for all of the shop's segments, mirrors only where Shopify can say the query, and republishes all", async () => {
    const shop = await installTestShop(ctx, PUBLISHER);
    const other = await installTestShop(ctx, NEIGHBOUR);
    const { MIRROR_JOB } = await import("~/services/native-segments.server");
    const { PUBLISH_JOB } = await import("~/services/publish.server");
    expect(await post(PUBLISHER, { intent: "publishing.bulk", target: "everything", value: "on" })).toMatchObject({ status: 400, body: { fields: { target: { key: "publishing.error.target" } } } });
    expect(await post(PUBLISHER, { intent: "publishing.bulk", target: "tags", value: "maybe" })).toMatchObject({ status: 400, body: { fields: { value: { key: "publishing.error.value" } } } });

    const mine = await ctx.store.db.segment.findMany({ where: { shopId: shop.id } });
    const tagsBefore = mine.filter((segment) => !segment.publishTag).length;
    expect(await post(PUBLISHER, { intent: "publishing.bulk", target: "tags", value: "on" })).toEqual({ status: 200, body: { intent: "publishing.bulk", changed: tagsBefore } });
    expect(await ctx.store.db.segment.count({ where: { shopId: shop.id, publishTag: false } })).toBe(0);
    expect(await ctx.store.db.segment.count({ where: { shopId: other.id, publishTag: true } })).toBe(0);

    // Regulars' mirror is on already; Champions can be mirrored; Likely to churn cannot
    expect(await post(PUBLISHER, { intent: "publishing.bulk", target: "mirrors", value: "on" })).toEqual({ status: 200, body: { intent: "publishing.bulk", changed: 1 } });
    expect(await ctx.store.db.segment.findMany({ where: { shopId: shop.id }, select: { name: true, mirrorNative: true }, orderBy: { name: "asc" } })).toEqual([
      { name: "Champions", mirrorNative: true },
      { name: "Likely to churn", mirrorNative: false },
      { name: "Regulars", mirrorNative: true },
    ]);
    expect(await ctx.store.db.job.count({ where: { kind: MIRROR_JOB, shopId: shop.id } })).toBeGreaterThanOrEqual(2);
    expect(await post(PUBLISHER, { intent: "publishing.bulk", target: "mirrors", value: "off" })).toEqual({ status: 200, body: { intent: "publishing.bulk", changed: 2 } });

    const republished = await post(PUBLISHER, { intent: "publishing.republish" });
    expect(republished).toMatchObject({ status: 200, body: { intent: "publishing.republish", customers: expect.any(Number) } });
    expect(await ctx.store.db.job.count({ where: { kind: PUBLISH_JOB, shopId: shop.id } })).toBe(1);
    expect(await ctx.store.db.job.count({ where: { kind: PUBLISH_JOB, shopId: other.id } })).toBe(0);
  });
});
