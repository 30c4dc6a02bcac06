import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";

const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));
// the pages render outside a Remix router: they read what the loader returned
const page = vi.hoisted(() => ({ data: undefined as unknown }));
vi.mock("@remix-run/react", (importOriginal) => import("../../test/app/remix-outside-router").then((m) => m.remixOutsideRouter(importOriginal, page)));

const { adminRequest, callRoute, installTestShop } = await import("../../test/app/test-app");
const list = await import("./app.customers._index");
const detail = await import("./app.customers.$id");
const { I18nProvider } = await import("~/components/I18nProvider");
const { explainPrediction } = await import("~/components/prediction-text");
const { translator } = await import("~/i18n");

const SHOP = "customers-a.myshopify.com";
const OTHER = "customers-b.myshopify.com";
const now = new Date("2026-11-20T10:00:00Z");
const ids: Record<string, number> = {};

beforeAll(async () => {
  const shop = await installTestShop(ctx, SHOP, "Customers A");
  const other = await installTestShop(ctx, OTHER, "Customers B");
  const base = { shopId: shop.id, shopifyCreatedAt: now, shopifyUpdatedAt: now };
  const anna = await ctx.store.db.customer.create({
    data: {
      ...base,
      shopifyId: "1",
      firstName: "Anna",
      lastName: "de Vries",
      email: "anna@example.nl",
      numberOfOrders: 4,
      amountSpentMinor: 20000n,
      predictedSpendTier: "HIGH",
      rfmGroup: "LOYAL",
      predictedSpend12mMinor: 7413n,
      predictedClvMinor: 15020n,
      expectedOrders12m: 1.83,
      churnProbability: 0.18,
      expectedNextOrderAt: new Date("2027-01-15T00:00:00Z"),
      predictedAt: now,
      tags: { create: [{ shopId: shop.id, tag: "VIP", normalized: "vip" }] },
    },
  });
  ids.anna = anna.id;
  await ctx.store.db.order.create({
    data: { shopId: shop.id, shopifyId: "900", name: "#1001", customerId: anna.id, currencyCode: "EUR", subtotalMinor: 5000n, totalMinor: 5000n, discountCodes: [], financialStatus: "PAID", processedAt: now, shopifyCreatedAt: now, shopifyUpdatedAt: now },
  });
  const segment = await ctx.store.db.segment.create({ data: { shopId: shop.id, name: "VIPs", handle: "vips", query: "customer_tags CONTAINS 'vip'" } });
  await ctx.store.db.segmentMember.create({ data: { shopId: shop.id, segmentId: segment.id, customerId: anna.id, joinedAt: now } });
  // 54 more, spending 1..54 euros: 55 customers make two pages of 50
  await ctx.store.db.customer.createMany({
    data: Array.from({ length: 54 }, (_, i) => ({ ...base, shopifyId: String(100 + i), firstName: `Shopper${i + 1}`, amountSpentMinor: BigInt((i + 1) * 100), numberOfOrders: 1 })),
  });
  ids.foreign = (await ctx.store.db.customer.create({ data: { shopId: other.id, shopifyId: "1", firstName: "Anna", shopifyCreatedAt: now, shopifyUpdatedAt: now } })).id;
});
afterAll(() => ctx.store.drop());

const listAt = async (search: string, shop = SHOP) => (await list.loader({ request: await adminRequest(ctx, `/app/customers${search}`, shop), params: {}, context: {} }));
const customerAt = async (id: string, shop = SHOP) => callRoute(async () => detail.loader({ request: await adminRequest(ctx, `/app/customers/${id}`, shop), params: { id }, context: {} }));

function render(element: React.ReactElement, data: unknown, locale: "en" | "nl" = "en"): string {
  page.data = data;
  return renderToStaticMarkup(
    <AppProvider i18n={polarisEn}>
      <I18nProvider locale={locale}>{element}</I18nProvider>
    </AppProvider>,
  );
}

describe("customers list", () => {
  it("lists the session's shop's customers, predicted spend first, 50 a page", async () => {
    const first = await listAt("");
    expect(first).toMatchObject({ total: 55, page: 1, pages: 2, currencyCode: "EUR", query: { q: "", sort: "predictedSpend", direction: "desc", page: 1 } });
    expect(first.customers).toHaveLength(50);
    expect(first.customers[0]).toMatchObject({ id: ids.anna, firstName: "Anna", predictedSpendTier: "HIGH", rfmGroup: "LOYAL", churnProbability: 0.18 });
    expect(first.customers.some((customer) => customer.id === ids.foreign)).toBe(false);
    const second = await listAt("?page=2");
    expect(second.customers).toHaveLength(5);
    expect(new Set([...first.customers, ...second.customers].map((customer) => customer.id)).size).toBe(55);
  });

  it("searches by name or e-mail and sorts by amount spent either way", async () => {
    expect((await listAt("?q=VRIES")).customers.map((customer) => customer.id)).toEqual([ids.anna]);
    expect((await listAt("?q=anna%40example")).customers.map((customer) => customer.id)).toEqual([ids.anna]);
    expect((await listAt("?q=shopper5")).customers.map((customer) => customer.firstName)).toEqual(["Shopper5", "Shopper50", "Shopper51", "Shopper52", "Shopper53", "Shopper54"]);
    const bySpend = await listAt("?sort=amountSpent&direction=desc");
    expect(bySpend.customers.slice(0, 3).map((customer) => customer.amountSpentMinor)).toEqual([20000n, 5400n, 5300n]);
    const cheapest = await listAt("?sort=amountSpent&direction=asc");
    expect(cheapest.customers.slice(0, 2).map((customer) => customer.firstName)).toEqual(["Shopper1", "Shopper2"]);
  });

  it("reads malformed parameters as the defaults, never failing the page", async () => {
    for (const search of ["?page=abc&sort=bogus&direction=up", "?page=-3", "?page=1.5", "?sort=&direction=", `?q=${"x".repeat(5_000)}`, "?page=99999999999"]) {
      const data = await listAt(search);
      expect(data.query.sort, search).toBe("predictedSpend");
      expect(data.query.direction, search).toBe("desc");
      expect(data.query.q.length, search).toBeLessThanOrEqual(200);
    }
    expect((await listAt("?page=abc")).page).toBe(1);
    expect((await listAt("?page=999")).page).toBe(2);
  });

  it("renders rows that link to each customer's page", async () => {
    const html = render(<list.default />, await listAt("?q=anna"));
    expect(html).toContain(`href="/app/customers/${ids.anna}"`);
    expect(html).toContain("Anna de Vries");
    expect(html).toContain("€74.13");
    expect(html).toContain("Loyal");
    expect(html).toContain("18%");
  });
});

describe("customer page", () => {
  it("shows the shop's own customer with their orders, segments and explained predictions", async () => {
    const { data } = await customerAt(String(ids.anna));
    expect(data?.customer).toMatchObject({ firstName: "Anna", tags: ["VIP"] });
    expect(data?.orders.map((order) => order.name)).toEqual(["#1001"]);
    expect(data?.segments.map((segment) => segment.name)).toEqual(["VIPs"]);
    const explanation = explainPrediction(data!.prediction, { t: translator("en"), locale: "en", currencyCode: data!.shop.currencyCode });
    expect(explanation).toBe("Expects 1.8 orders worth €74 in the next 12 months; 82% likely still active.");
    const html = render(<detail.default />, data);
    expect(html).toContain(`id="prediction-explanation">${explanation.replace("'", "&#x27;")}<`);
    expect(html).toContain("€150.20");
    expect(render(<detail.default />, data, "nl")).toContain("Verwacht 1,8 bestellingen ter waarde van €\u00a074 in de komende 12 maanden; 82% kans dat deze klant nog actief is.");
  });

  it("answers 404 for another shop's customer, an unknown id and ids that are not ours", async () => {
    expect((await customerAt(String(ids.foreign))).response?.status).toBe(404);
    expect((await customerAt(String(ids.anna), OTHER)).response?.status).toBe(404);
    for (const id of ["999999", "abc", "0", "-1", "1.5", "1e3", "2147483648", "99999999999", ""]) {
      expect((await customerAt(id)).response?.status, id).toBe(404);
    }
  });
});
