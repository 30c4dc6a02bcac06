import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";

// the Admin API stand-in answers the discount mutations: its origin is configuration, set before the app's environment is read
const ctx = await vi.hoisted(async () => {
  const { startAdminStandIn } = await import("../../test/shopify/admin");
  const standIn = await startAdminStandIn({ appId: "7000001" });
  process.env.SHOPIFY_ADMIN_API_ORIGIN = standIn.url;
  const app = await import("../../test/app/test-app").then((m) => m.prepareTestApp());
  return { ...app, standIn };
});
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));
// the pages render outside a Remix router: they read what the loader and the action returned
const page = vi.hoisted(() => ({ data: undefined as unknown, action: undefined as unknown }));
vi.mock("@remix-run/react", (importOriginal) => import("../../test/app/remix-outside-router").then((m) => m.remixOutsideRouter(importOriginal, page)));

const { adminRequest, callRoute, installTestShop } = await import("../../test/app/test-app");
const { buildDataset } = await import("../../test/shopify/admin/builder");
const { discountGid } = await import("../../test/shopify/admin/discounts");
const list = await import("./app.discounts._index");
const editor = await import("./app.discounts.$id");
const fromShopify = await import("./app.discounts.shopify.$id");
const segmentPage = await import("./app.segments.$id");
const { I18nProvider } = await import("~/components/I18nProvider");

const SHOP = "discount-pages-a.myshopify.com";
const OTHER = "discount-pages-b.myshopify.com";
const EMPTY = "discount-pages-c.myshopify.com";
const ids: Record<string, string> = {};
const remote = () => ctx.standIn.shop(SHOP);

beforeAll(async () => {
  // the session's offline token is the stand-in shop's token
  ctx.standIn.addShop(buildDataset({ domain: SHOP, customers: 1 }), "shpat_test_token");
  const shop = await installTestShop(ctx, SHOP);
  const other = await installTestShop(ctx, OTHER);
  await installTestShop(ctx, EMPTY);
  const db = ctx.store.db;
  ids.vip = (await db.segment.create({ data: { shopId: shop.id, name: "VIP customers", handle: "vip-customers", query: "amount_spent > 500" } })).id;
  ids.lapsed = (await db.segment.create({ data: { shopId: shop.id, name: "Lapsed", handle: "lapsed", query: "last_order_date < -180d" } })).id;
  ids.theirs = (await db.segment.create({ data: { shopId: other.id, name: "Theirs", handle: "theirs", query: "amount_spent > 1" } })).id;
});
afterAll(async () => {
  await ctx.store.drop();
  await ctx.standIn.close();
});

/** An action's or loader's answer: a redirect Response, a thrown 404, or data() with its status. */
async function answer(run: () => Promise<unknown>) {
  const { data: result, response } = await callRoute(run);
  const done = response ?? result;
  if (done instanceof Response) return { status: done.status, location: done.headers.get("Location"), body: undefined };
  if (done && typeof done === "object" && "type" in done && done.type === "DataWithResponseInit") {
    const { data, init } = done as unknown as { data: Record<string, unknown>; init: ResponseInit | null };
    return { status: init?.status ?? 200, location: null, body: data };
  }
  return { status: 200, location: null, body: done as Record<string, unknown> };
}

const body = (fields: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const one of Array.isArray(value) ? value : [value]) params.append(key, one);
  return params;
};

const loadList = async (shop = SHOP) => list.loader({ request: await adminRequest(ctx, "/app/discounts", shop), params: {}, context: {} });
const postList = async (fields: Record<string, string>, shop = SHOP) =>
  answer(async () => list.action({ request: await adminRequest(ctx, "/app/discounts", shop, { method: "POST", body: body(fields) }), params: {}, context: {} }));
const loadEditor = async (id: string, shop = SHOP, search = "") => callRoute(async () => editor.loader({ request: await adminRequest(ctx, `/app/discounts/${id}${search}`, shop), params: { id }, context: {} }));
const postEditor = async (id: string, fields: Record<string, string | string[]>, shop = SHOP) =>
  answer(async () => editor.action({ request: await adminRequest(ctx, `/app/discounts/${id}`, shop, { method: "POST", body: body(fields) }), params: { id }, context: {} }));

function render(Page: () => JSX.Element, data: unknown, action: unknown = undefined, locale: "en" | "nl" = "en"): string {
  page.data = data;
  page.action = action;
  return renderToStaticMarkup(
    <AppProvider i18n={polarisEn}>
      <I18nProvider locale={locale}>
        <Page />
      </I18nProvider>
    </AppProvider>,
  );
}

const FORM = {
  intent: "save",
  title: "VIP handbags",
  method: "automatic",
  segmentIds: [] as string[],
  ruleType: "PRODUCT_PERCENTAGE",
  value: "10",
  products: "TAG",
  productTags: "handbag",
  messageEn: "Your VIP price",
  messageNl: "Je VIP-prijs",
};

/** Creates a discount through the page's action; its id. */
async function created(fields: Record<string, string | string[]> = {}) {
  const done = await postEditor("new", { ...FORM, segmentIds: [ids.vip!], ...fields });
  expect(done.status, JSON.stringify(done.body)).toBe(302);
  return done.location?.split("/").pop() ?? "";
}

describe("segment discount pages", () => {
  it("shows an empty list with the create button, in English and Dutch", async () => {
    const data = await loadList(EMPTY);
    expect(data).toEqual({ discounts: [], currencyCode: "EUR" });
    const html = render(list.default, data);
    expect(html).toContain("No segment discounts yet");
    expect(html).toContain("Create segment discount");
    expect(html).toContain('href="/app/discounts/new"');
    expect(render(list.default, data, undefined, "nl")).toContain("Segmentkorting maken");
  });

  it("opens a new discount's form, for a segment when the URL names one of the shop's, in English and Dutch", async () => {
    const { data } = await loadEditor("new", SHOP, `?segment=${ids.lapsed}`);
    expect(data?.discount).toBeNull();
    expect(data?.values.segmentIds).toEqual([ids.lapsed]);
    expect(data?.segments.map((segment) => [segment.name, segment.handle])).toEqual([
      ["Lapsed", "lapsed"],
      ["VIP customers", "vip-customers"],
    ]);
    const html = render(editor.default, data);
    expect(html).toContain("New segment discount");
    expect(html).toContain("Percentage off products");
    expect(html).toContain("Amount off shipping");
    expect(html).toContain("vip-customers");
    expect(html).toMatch(/<input[^>]*type="checkbox"[^>]*checked=""[^>]*>(?:(?!<input).)*Lapsed/s);
    const dutch = render(editor.default, data, undefined, "nl");
    expect(dutch).toContain("Nieuwe segmentkorting");
    expect(dutch).toContain("Percentage korting op producten");
    expect(dutch).toContain("Bericht in het Nederlands");
    // another shop's segment is not prefilled
    expect((await loadEditor("new", SHOP, `?segment=${ids.theirs}`)).data?.values.segmentIds).toEqual([]);
  });

  it("refuses a bad form with 400, the messages at their fields and what was typed kept", async () => {
    const before = remote().discounts.length;
    const refused = await postEditor("new", { ...FORM, title: "", value: "120", segmentIds: [] });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      ok: false,
      fields: { title: { key: "discounts.error.titleRequired" }, value: { key: "discounts.error.percentage" }, segments: { key: "discounts.error.segmentsRequired" } },
      submitted: { title: "", value: "120", productTags: "handbag" },
    });
    expect(remote().discounts.length).toBe(before);
    const { data } = await loadEditor("new");
    const html = render(editor.default, data, refused.body);
    expect(html).toContain("The discount was not saved");
    expect(html).toContain("Enter a title");
    expect(html).toContain("Enter a percentage above 0 and at most 100, with at most 2 decimals");
    expect(html).toContain('value="120"');
    expect(render(editor.default, data, refused.body, "nl")).toContain("Vul een titel in");
    // a malformed intent is a 400 too, never a 500
    expect(await postEditor("new", { intent: "explode" })).toMatchObject({ status: 400 });
  });

  it("creates a discount (redirect to it) that the stand-in holds with its configuration, and lists it", async () => {
    const id = await created({ combinesWithShipping: "true" });
    const row = await ctx.store.db.segmentDiscount.findUniqueOrThrow({ where: { id } });
    const discount = remote().discounts.find((candidate) => discountGid(candidate) === row.shopifyId);
    expect(discount).toMatchObject({ title: "VIP handbags", functionHandle: "segment-discount", discountClasses: ["PRODUCT"], combinesWith: { shippingDiscounts: true } });
    const metafield = remote().metafields.get(row.shopifyId)?.find((m) => m.key === "function-configuration");
    expect(JSON.parse(metafield?.value ?? "null")).toMatchObject({ segments: ["vip-customers"], rule: { type: "PRODUCT_PERCENTAGE", percentage: 10 }, productTags: ["handbag"], message: { en: "Your VIP price", nl: "Je VIP-prijs" } });

    const data = await loadList();
    const html = render(list.default, data);
    expect(html).toContain("VIP handbags");
    expect(html).toContain("VIP customers");
    expect(html).toContain("10% off products tagged handbag");
    expect(html).toContain("Automatic");
    expect(html).toContain("Active");
    expect(html).toContain("Pause");
    expect(html).toContain(`href="/app/discounts/${id}"`);
    const dutch = render(list.default, data, undefined, "nl");
    expect(dutch).toContain("10% korting op producten met de tag handbag");
    expect(dutch).toContain("Actief");

    // its page, and a save of it lands on it again
    const { data: saved } = await loadEditor(id);
    expect(saved?.values).toMatchObject({ title: "VIP handbags", segmentIds: [ids.vip], value: "10", productTags: "handbag", combinesWithShipping: true });
    expect(render(editor.default, saved)).toContain("The method cannot change once the discount is created.");
    const update = await postEditor(id, { ...FORM, segmentIds: [ids.vip!, ids.lapsed!], title: "VIP and lapsed handbags", ruleType: "SHIPPING_PERCENTAGE", value: "100", products: "ALL" });
    expect(update).toMatchObject({ status: 302, location: `/app/discounts/${id}` });
    expect(render(list.default, await loadList())).toContain("Free shipping");
  });

  it("maps Shopify's refusal to its field: a code another discount has", async () => {
    await created({ title: "Coded", method: "code", code: "HANDBAG10" });
    const refused = await postEditor("new", { ...FORM, segmentIds: [ids.vip!], title: "Again", method: "code", code: "handbag10" });
    expect(refused).toMatchObject({ status: 409, body: { fields: { code: { key: "discounts.error.shopify", params: { message: "Code must be unique. Please try a different code." } } } } });
    const html = render(editor.default, (await loadEditor("new")).data, refused.body);
    expect(html).toContain("Shopify: Code must be unique. Please try a different code.");
    expect(render(list.default, await loadList())).toContain("Code HANDBAG10");
  });

  it("pauses, resumes and deletes from the list; 400 for a malformed request, 404 for another shop's discount", async () => {
    const id = await created({ title: "Pause me" });
    expect(await postList({ intent: "pause", id })).toMatchObject({ status: 200, body: { ok: true, intent: "pause" } });
    const listed = (await loadList()).discounts.find((discount) => discount.id === id);
    expect(listed?.status).toBe("paused");
    const html = render(list.default, await loadList());
    expect(html).toContain("Paused");
    expect(html).toContain("Resume");
    expect(await postList({ intent: "resume", id })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await postList({ intent: "explode", id })).toMatchObject({ status: 400 });
    expect(await postList({ intent: "delete", id }, OTHER)).toMatchObject({ status: 404 });
    expect(await postList({ intent: "delete", id: "no-such-discount" })).toMatchObject({ status: 404 });
    expect(await postList({ intent: "delete", id })).toMatchObject({ status: 200, body: { ok: true, intent: "delete" } });
    expect(await ctx.store.db.segmentDiscount.findUnique({ where: { id } })).toBeNull();
  });

  it("answers 404 for another shop's discount on its page and in its action; delete from the page goes back to the list", async () => {
    const id = await created({ title: "Only mine" });
    expect((await loadEditor(id, OTHER)).response?.status).toBe(404);
    expect((await loadEditor("x".repeat(101))).response?.status).toBe(404);
    expect(await postEditor(id, { ...FORM, title: "Stolen" }, OTHER)).toMatchObject({ status: 404 });
    expect(await postEditor(id, { intent: "pause" }, OTHER)).toMatchObject({ status: 404 });
    expect(await ctx.store.db.segmentDiscount.findUnique({ where: { id } })).toMatchObject({ title: "Only mine" });
    expect(await postEditor(id, { intent: "delete" })).toMatchObject({ status: 302, location: "/app/discounts" });
  });

  it("takes Shopify's discount pages' link (numeric id) to the discount's page, 404 when it is not the shop's", async () => {
    const id = await created({ title: "From Shopify" });
    const numeric = (await ctx.store.db.segmentDiscount.findUniqueOrThrow({ where: { id } })).shopifyId.split("/").pop() ?? "";
    const go = async (value: string, shop = SHOP) => answer(async () => fromShopify.loader({ request: await adminRequest(ctx, `/app/discounts/shopify/${value}`, shop), params: { id: value }, context: {} }));
    const followed = await go(numeric);
    expect(followed.status).toBe(302);
    expect(new URL(followed.location ?? "", ctx.appUrl).pathname).toBe(`/app/discounts/${id}`);
    expect(await go(numeric, OTHER)).toMatchObject({ status: 404 });
    expect(await go("123456789")).toMatchObject({ status: 404 });
    expect(await go("not-a-number")).toMatchObject({ status: 404 });
  });

  it("shows the discounts naming a segment on its page, with a button to make one for it", async () => {
    const id = await created({ title: "Lapsed welcome back", segmentIds: [ids.lapsed!], ruleType: "ORDER_FIXED_AMOUNT", value: "7.5", products: "ALL" });
    const { data } = await callRoute(async () => segmentPage.loader({ request: await adminRequest(ctx, `/app/segments/${ids.lapsed}`, SHOP), params: { id: ids.lapsed }, context: {} }));
    // newest first (an earlier test's discount names the segment too)
    expect(data?.discounts?.discounts.map((discount) => discount.id)[0]).toBe(id);
    expect(data?.discounts?.discounts.every((discount) => discount.segments.some((segment) => segment.id === ids.lapsed))).toBe(true);
    const html = render(segmentPage.default, data);
    expect(html).toContain("Discounts");
    expect(html).toContain("Lapsed welcome back");
    expect(html).toContain("€7.50 off the order");
    expect(html).toContain(`href="/app/discounts/${id}"`);
    expect(html).toContain(`/app/discounts/new?segment=${ids.lapsed}`);
    expect(html).toContain("Create discount for this segment");
    expect(render(segmentPage.default, data, undefined, "nl")).toContain("Korting maken voor dit segment");
    // a segment no discount names says so
    const lonely = (await ctx.store.db.segment.create({ data: { shopId: (await ctx.store.db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).id, name: "Lonely", handle: "lonely", query: "amount_spent > 1" } })).id;
    const { data: none } = await callRoute(async () => segmentPage.loader({ request: await adminRequest(ctx, `/app/segments/${lonely}`, SHOP), params: { id: lonely }, context: {} }));
    expect(none?.discounts?.discounts).toEqual([]);
    expect(render(segmentPage.default, none)).toContain("No discount names this segment yet.");
  });
});
