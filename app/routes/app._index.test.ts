import { afterAll, describe, expect, it, vi } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";

const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));
// the page renders outside a Remix router: it reads what the loader returned
const page = vi.hoisted(() => ({ data: undefined as unknown }));
vi.mock("@remix-run/react", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@remix-run/react")>()),
  useLoaderData: () => page.data,
  useRevalidator: () => ({ revalidate: () => undefined, state: "idle" }),
}));

const { adminRequest, installTestShop } = await import("../../test/app/test-app");
const { loader, default: Home } = await import("./app._index");
const { loader: layoutLoader } = await import("./app");
const { I18nProvider } = await import("~/components/I18nProvider");

function renderHome(data: unknown, locale: "en" | "nl" = "en"): string {
  page.data = data;
  return renderToStaticMarkup(createElement(AppProvider, { i18n: polarisEn, children: createElement(I18nProvider, { locale, children: createElement(Home) }) }));
}

/** A chart's rows as a screen reader reads them: group, count, share. */
function chartRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table id="${id}".*?<tbody>(.*?)</tbody>`, "s").exec(html)?.[1] ?? "";
  return [...table.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map(([, row]) =>
    [...row!.matchAll(/<(th|td)([^>]*)>(.*?)<\/\1>/gs)]
      .filter(([, , attributes]) => !attributes!.includes('aria-hidden="true"'))
      .map(([, , , content]) => content!.replace(/<[^>]+>/g, "").trim()),
  );
}

const SHOP = "loader-test.myshopify.com";
afterAll(() => ctx.store.drop());

async function callLoader(request: Request) {
  try {
    return { data: await loader({ request, params: {}, context: {} }) };
  } catch (thrown) {
    if (thrown instanceof Response) return { response: thrown };
    throw thrown;
  }
}

describe("home loader", () => {
  it("authenticates a session token and reads the shop's state from the store", async () => {
    const shop = await installTestShop(ctx, SHOP, "Loader Test Shop");
    const now = new Date();
    await ctx.store.db.customer.createMany({
      data: [1, 2, 3].map((n) => ({ shopId: shop.id, shopifyId: String(n), shopifyCreatedAt: now, shopifyUpdatedAt: now })),
    });
    await ctx.store.db.order.create({
      data: { shopId: shop.id, shopifyId: "900", currencyCode: "EUR", subtotalMinor: 500n, totalMinor: 500n, discountCodes: [], processedAt: now, shopifyCreatedAt: now, shopifyUpdatedAt: now },
    });
    // another shop's rows must not be counted
    const other = await installTestShop(ctx, "other-shop.myshopify.com");
    await ctx.store.db.customer.create({ data: { shopId: other.id, shopifyId: "1", shopifyCreatedAt: now, shopifyUpdatedAt: now } });

    const { data } = await callLoader(await adminRequest(ctx, "/app", SHOP));
    expect(data?.overview).toMatchObject({ name: "Loader Test Shop", domain: SHOP, customers: 3, orders: 1, segments: 0, currencyCode: "EUR" });
    expect(data?.overview?.sync.state).toBe("NEVER");
    expect(data?.overview?.predictions).toEqual({
      latestRun: null,
      scoredRun: null,
      tiers: { HIGH: 0, MEDIUM: 0, LOW: 0 },
      rfmGroups: expect.objectContaining({ CHAMPIONS: 0, PROSPECTS: 0 }),
      unscored: 3,
    });
    // before the first run: a note, no charts
    const html = renderHome(data);
    expect(html).toContain("Predictions appear after the first sync");
    expect(html).not.toContain("<table");
  });

  it("counts the shop's customers per spend tier and RFM group, and tells how the latest refit went", async () => {
    const shop = await installTestShop(ctx, "predictions-home.myshopify.com", "Predictions Home");
    const other = await installTestShop(ctx, "predictions-other.myshopify.com");
    const now = new Date("2026-11-20T10:00:00Z");
    const scored = [
      ["HIGH", "CHAMPIONS"],
      ["HIGH", "LOYAL"],
      ["MEDIUM", "ACTIVE"],
      ["MEDIUM", "ACTIVE"],
      ["MEDIUM", "NEW"],
      ["LOW", "AT_RISK"],
      [null, "PROSPECTS"],
      [null, "PROSPECTS"],
      [null, null],
    ] as const;
    await ctx.store.db.customer.createMany({
      data: scored.map(([tier, group], n) => ({ shopId: shop.id, shopifyId: String(n), predictedSpendTier: tier, rfmGroup: group, shopifyCreatedAt: now, shopifyUpdatedAt: now })),
    });
    // another shop's customers must not be counted
    await ctx.store.db.customer.createMany({
      data: [1, 2, 3, 4, 5].map((n) => ({ shopId: other.id, shopifyId: String(n), predictedSpendTier: "HIGH" as const, rfmGroup: "CHAMPIONS" as const, shopifyCreatedAt: now, shopifyUpdatedAt: now })),
    });
    const fitted = await ctx.store.db.predictionRun.create({
      data: { shopId: shop.id, reason: "sync", status: "FITTED", asOf: now, startedAt: now, finishedAt: new Date("2026-11-20T10:01:00Z"), customers: 6, repeatBuyers: 4 },
    });
    await ctx.store.db.predictionRun.create({ data: { shopId: other.id, reason: "sync", status: "FAILED", detail: "boom", asOf: now, startedAt: new Date("2026-11-21T10:00:00Z") } });

    const { data } = await callLoader(await adminRequest(ctx, "/app", "predictions-home.myshopify.com"));
    const predictions = data?.overview?.predictions;
    expect(predictions?.tiers).toEqual({ HIGH: 2, MEDIUM: 3, LOW: 1 });
    expect(predictions?.rfmGroups).toEqual({
      CHAMPIONS: 1,
      LOYAL: 1,
      ACTIVE: 2,
      NEW: 1,
      PROMISING: 0,
      NEEDS_ATTENTION: 0,
      AT_RISK: 1,
      ALMOST_LOST: 0,
      PREVIOUSLY_LOYAL: 0,
      DORMANT: 0,
      PROSPECTS: 2,
    });
    expect(predictions?.unscored).toBe(1);
    expect(predictions?.latestRun).toMatchObject({ id: fitted.id, status: "FITTED" });
    expect(predictions?.scoredRun).toMatchObject({ id: fitted.id, customers: 6, repeatBuyers: 4 });

    const html = renderHome(data);
    expect(html).toMatch(/id="prediction-status"[^>]*>Models fitted on Nov 20, 2026, 11:01 AM to 6 customers with orders, 4 of them repeat buyers\.</);
    expect(html).toContain("Customers without a prediction yet: 1.");
    expect(chartRows(html, "tier-chart")).toEqual([
      ["High", "2", "33%"],
      ["Medium", "3", "50%"],
      ["Low", "1", "17%"],
    ]);
    const rfm = chartRows(html, "rfm-chart");
    expect(rfm).toHaveLength(11);
    expect(rfm[0]).toEqual(["Champions", "1", "13%"]);
    expect(rfm[10]).toEqual(["Prospects", "2", "25%"]);
    expect(chartRows(renderHome(data, "nl"), "rfm-chart")[6]).toEqual(["Risico", "1", "13%"]);

    // a refit under way keeps the last scores on show; a fallback says why in plain words
    const running = await ctx.store.db.predictionRun.create({ data: { shopId: shop.id, reason: "manual", status: "RUNNING", asOf: now, startedAt: new Date("2026-11-21T09:00:00Z") } });
    const during = await callLoader(await adminRequest(ctx, "/app", "predictions-home.myshopify.com"));
    expect(during.data?.overview?.predictions.latestRun?.id).toBe(running.id);
    expect(during.data?.overview?.predictions.scoredRun?.id).toBe(fitted.id);
    const duringHtml = renderHome(during.data);
    expect(duringHtml).toContain("Fitting the models to this shop&#x27;s history (started Nov 21, 2026, 10:00 AM).");
    expect(duringHtml).toContain("The charts show the predictions of Nov 20, 2026, 11:01 AM.");
    expect(chartRows(duringHtml, "tier-chart")).toHaveLength(3);

    await ctx.store.db.predictionRun.update({
      where: { id: running.id },
      data: { status: "FALLBACK", detail: "150 repeat buyers; the models need at least 200", repeatBuyers: 150, finishedAt: new Date("2026-11-21T09:01:00Z") },
    });
    const after = await callLoader(await adminRequest(ctx, "/app", "predictions-home.myshopify.com"));
    expect(renderHome(after.data, "nl")).toContain(
      "Vereenvoudigde prognose sinds 21 nov 2026, 10:01: pas 150 klanten hebben op meer dan één dag besteld, en de modellen hebben er minstens 200 nodig.",
    );

    // a failed refit is told as such, the last scores stay on show
    await ctx.store.db.predictionRun.create({
      data: { shopId: shop.id, reason: "nightly", status: "FAILED", detail: "database is locked", asOf: now, startedAt: new Date("2026-11-22T02:00:00Z"), finishedAt: new Date("2026-11-22T02:00:05Z") },
    });
    const failedHtml = renderHome((await callLoader(await adminRequest(ctx, "/app", "predictions-home.myshopify.com"))).data);
    expect(failedHtml).toContain("The last refit failed on Nov 22, 2026, 3:00 AM: database is locked");
    expect(failedHtml).toContain("The charts show the predictions of Nov 21, 2026, 10:01 AM.");
    expect(chartRows(failedHtml, "tier-chart")).toHaveLength(3);
  });

  it("refuses a session token signed with another secret", async () => {
    const forged = await (await import("~/services/demo.server")).mintSessionToken({ apiKey: ctx.apiKey, apiSecret: "not-the-secret", shop: SHOP });
    const { response } = await callLoader(new Request(new URL("/app", ctx.appUrl), { headers: { Authorization: `Bearer ${forged}` } }));
    expect(response?.status).toBe(401);
  });

  it("does not serve a request without a session token", async () => {
    const { data, response } = await callLoader(new Request(new URL("/app", ctx.appUrl)));
    expect(data).toBeUndefined();
    expect(response?.status).not.toBe(200);
  });

  it("gives the layout the API key and, outside the demo, Shopify's own App Bridge", async () => {
    const data = await layoutLoader({ request: await adminRequest(ctx, "/app?locale=nl-NL", SHOP), params: {}, context: {} });
    expect(data).toEqual({ apiKey: ctx.apiKey, locale: "nl", appBridgeUrl: undefined });
  });
});
