import { afterAll, describe, expect, it, vi } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";

const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));
// the page renders outside a Remix router: it reads what the loader returned
const page = vi.hoisted(() => ({ data: undefined as unknown }));
vi.mock("@remix-run/react", (importOriginal) => import("../../test/app/remix-outside-router").then((m) => m.remixOutsideRouter(importOriginal, page)));

const { adminRequest, installTestShop } = await import("../../test/app/test-app");
const { loader, default: Home } = await import("./app._index");
const { loader: layoutLoader } = await import("./app");
const { I18nProvider } = await import("~/components/I18nProvider");

function renderHome(data: unknown, locale: "en" | "nl" = "en"): string {
  page.data = data;
  return renderToStaticMarkup(createElement(AppProvider, { i18n: polarisEn, children: createElement(I18nProvider, { locale, children: createElement(Home) }) }));
}

/** The largest segments card's rows: name, members, change. */
function segmentRows(html: string): string[][] {
  const table = /<div id="largest-segments">.*?<tbody>(.*?)<\/tbody>/s.exec(html)?.[1] ?? "";
  return [...table.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map(([, row]) => [...row!.matchAll(/<(th|td)[^>]*>(.*?)<\/\1>/gs)].map(([, , content]) => content!.replace(/<[^>]+>/g, "").trim()));
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
    expect(data?.largestSegments).toEqual({ segments: [], total: 0 });
    const html = renderHome(data);
    expect(html).toContain("Predictions appear after the first sync");
    expect(html).not.toContain("<table");
    // no segments yet: the way to the first one
    expect(html).toContain('id="largest-segments"');
    expect(html).toContain("No segments yet");
    expect(html).toContain('href="/app/segments/new"');
    expect(html).toContain('href="/app/templates"');
  });

  it("lists the shop's five largest segments, with members and the change over 30 days, and no other shop's", async () => {
    const shop = await installTestShop(ctx, "largest-home.myshopify.com");
    const other = await installTestShop(ctx, "largest-other.myshopify.com");
    const db = ctx.store.db;
    const ids: Record<string, string> = {};
    for (const [key, name, memberCount] of [
      ["tiny", "Tiny", 1],
      ["lapsed", "Lapsed 90 days", 1_500],
      ["vips", "VIP customers", 120],
      ["fresh", "First-time buyers", 8],
      ["b-tie", "B tie", 40],
      ["a-tie", "A tie", 40],
      ["empty", "Nobody yet", 0],
    ] as const) {
      ids[key] = (await db.segment.create({ data: { shopId: shop.id, name, handle: key, query: "amount_spent > 1", memberCount } })).id;
    }
    // larger than any of the shop's own: it must not appear, nor count
    const foreign = await db.segment.create({ data: { shopId: other.id, name: "Theirs", handle: "theirs", query: "amount_spent > 1", memberCount: 99_999 } });
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    await db.segmentSizeHistory.createMany({
      data: [
        { shopId: shop.id, segmentId: ids.vips!, day: day(40), memberCount: 100 },
        { shopId: shop.id, segmentId: ids.lapsed!, day: day(45), memberCount: 1_600 },
        { shopId: shop.id, segmentId: ids["a-tie"]!, day: day(31), memberCount: 40 },
        { shopId: other.id, segmentId: foreign.id, day: day(40), memberCount: 5 },
      ],
    });

    const { data } = await callLoader(await adminRequest(ctx, "/app", "largest-home.myshopify.com"));
    expect(data?.largestSegments).toEqual({
      segments: [
        { id: ids.lapsed, name: "Lapsed 90 days", memberCount: 1_500, change: -100 },
        { id: ids.vips, name: "VIP customers", memberCount: 120, change: 20 },
        { id: ids["a-tie"], name: "A tie", memberCount: 40, change: 0 },
        { id: ids["b-tie"], name: "B tie", memberCount: 40, change: null },
        { id: ids.fresh, name: "First-time buyers", memberCount: 8, change: null },
      ],
      total: 7,
    });
    expect(data?.overview?.segments).toBe(7);

    const html = renderHome(data);
    expect(segmentRows(html)).toEqual([
      ["Lapsed 90 days", "1,500", "-100"],
      ["VIP customers", "120", "+20"],
      ["A tie", "40", "0"],
      ["B tie", "40", "No history yet"],
      ["First-time buyers", "8", "No history yet"],
    ]);
    expect(html).toContain(`href="/app/segments/${ids.lapsed}"`);
    expect(html).toContain(">View all 7 segments<");
    expect(html).not.toContain("Theirs");
    expect(html).not.toContain("No segments yet");
    expect(segmentRows(renderHome(data, "nl"))[0]).toEqual(["Lapsed 90 days", "1.500", "-100"]);

    // and the other shop sees only its own
    const theirs = await callLoader(await adminRequest(ctx, "/app", "largest-other.myshopify.com"));
    expect(theirs.data?.largestSegments).toEqual({ segments: [{ id: foreign.id, name: "Theirs", memberCount: 99_999, change: 99_994 }], total: 1 });
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
    // the rows keep their groups for the browser tests; the bars are drawn after mount, in the room the server keeps for them
    expect([...html.matchAll(/<tr data-group="(\w+)"/g)].map(([, group]) => group).slice(0, 3)).toEqual(["HIGH", "MEDIUM", "LOW"]);
    expect(html).toContain('<div id="tier-chart-bars" aria-hidden="true" style="height:128px"></div>');
    expect(html).toContain('<div id="rfm-chart-bars" aria-hidden="true" style="height:512px"></div>');
    expect(html).not.toContain("<svg");

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
