import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";

const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));
// the page renders outside a Remix router: it reads what the loader and the action returned
const page = vi.hoisted(() => ({ data: undefined as unknown, action: undefined as unknown }));
vi.mock("@remix-run/react", (importOriginal) => import("../../test/app/remix-outside-router").then((m) => m.remixOutsideRouter(importOriginal, page)));

const { adminRequest, callRoute, installTestShop } = await import("../../test/app/test-app");
const route = await import("./app.segments.$id");
const { I18nProvider } = await import("~/components/I18nProvider");

const SHOP = "segment-editor-a.myshopify.com";
const OTHER = "segment-editor-b.myshopify.com";
const QUERY = "(rfm_group = 'LOYAL' OR rfm_group = 'CHAMPIONS') AND amount_spent >= 100";
const ids: Record<string, string> = {};

beforeAll(async () => {
  const shop = await installTestShop(ctx, SHOP);
  const other = await installTestShop(ctx, OTHER);
  await ctx.store.db.metafieldDefinition.create({ data: { shopId: shop.id, namespace: "facts", key: "birth_date", name: "Birth date", type: "date" } });
  ids.loyal = (await ctx.store.db.segment.create({ data: { shopId: shop.id, name: "Loyal big spenders", handle: "loyal-big-spenders", query: QUERY, description: "For the spring campaign" } })).id;
  ids.foreign = (await ctx.store.db.segment.create({ data: { shopId: other.id, name: "Theirs", handle: "theirs", query: "amount_spent > 1" } })).id;
});
afterAll(() => ctx.store.drop());

const load = async (id: string, shop = SHOP, search = "") => callRoute(async () => route.loader({ request: await adminRequest(ctx, `/app/segments/${id}${search}`, shop), params: { id }, context: {} }));

/** The action's answer: a redirect Response, a thrown 404, or data() with its status. */
async function post(id: string, fields: Record<string, string>, shop = SHOP) {
  const request = await adminRequest(ctx, `/app/segments/${id}`, shop, { method: "POST", body: new URLSearchParams(fields) });
  const { data: result, response } = await callRoute(() => route.action({ request, params: { id }, context: {} }));
  if (response) return { status: response.status, location: response.headers.get("Location"), body: undefined };
  if (result instanceof Response) return { status: result.status, location: result.headers.get("Location"), body: undefined };
  const { data: body, init } = result as unknown as { data: Record<string, unknown>; init: ResponseInit | null };
  return { status: init?.status ?? 200, location: null, body };
}

function render(data: unknown, action: unknown = undefined, locale: "en" | "nl" = "en"): string {
  page.data = data;
  page.action = action;
  return renderToStaticMarkup(
    <AppProvider i18n={polarisEn}>
      <I18nProvider locale={locale}>
        <route.default />
      </I18nProvider>
    </AppProvider>,
  );
}

/** The HTML of one panel of the editor's tabs: the rows panel ends where the query panel starts, which runs to the end. */
function panel(html: string, id: "segment-rows-panel" | "segment-query-panel"): string {
  const rows = html.indexOf('id="segment-rows-panel"');
  const query = html.indexOf('id="segment-query-panel"');
  expect(rows).toBeGreaterThan(-1);
  expect(query).toBeGreaterThan(rows);
  return id === "segment-rows-panel" ? html.slice(rows, query) : html.slice(query);
}

/** The HTML of one row (data-group / data-row) of the rows tab. */
function row(html: string, group: number, index: number): string {
  const start = html.indexOf(`class="segment-row" data-group="${group}" data-row="${index}"`);
  expect(start, `row ${group}.${index}`).toBeGreaterThan(-1);
  const next = html.indexOf('class="segment-row"', start + 10);
  return html.slice(start, next === -1 ? undefined : next);
}

const escaped = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&#x27;").replace(/"/g, "&quot;");

describe("segment editor page", () => {
  it("loads the shop's segment with the catalogue's and the shop's metafield filters", async () => {
    const { data } = await load(ids.loyal!);
    expect(data?.segment).toMatchObject({ id: ids.loyal, name: "Loyal big spenders", handle: "loyal-big-spenders", query: QUERY });
    expect(data?.query).toBe(QUERY);
    expect(data?.filters.find((filter) => filter.name === "metafields.facts.birth_date")).toMatchObject({ group: "metafields", type: "date", label: "Birth date" });
    expect(data?.currencyCode).toBe("EUR");
  });

  it("answers 404 for another shop's segment and ids that are not segments, in the loader and the action", async () => {
    expect((await load(ids.foreign!)).response?.status).toBe(404);
    expect((await load(ids.loyal!, OTHER)).response?.status).toBe(404);
    expect((await load("no-such-segment")).response?.status).toBe(404);
    expect(await post(ids.foreign!, { intent: "delete" })).toMatchObject({ status: 404 });
    expect(await post(ids.foreign!, { intent: "save", name: "Mine now", description: "", query: "amount_spent > 1" })).toMatchObject({ status: 404 });
    expect(await ctx.store.db.segment.findUnique({ where: { id: ids.foreign! } })).toMatchObject({ name: "Theirs" });
  });

  it("shows the segment as rows, the same segment as text in the query tab, and the handle", async () => {
    const { data } = await load(ids.loyal!);
    const html = render(data);
    const rows = panel(html, "segment-rows-panel");
    // two groups: the two RFM rows joined by OR, AND the amount spent row
    for (const [group, index, filter] of [
      [0, 0, "rfm_group"],
      [0, 1, "rfm_group"],
      [1, 0, "amount_spent"],
    ] as const) {
      expect(row(rows, group, index)).toContain(`data-filter="${filter}"`);
    }
    expect(row(rows, 0, 0)).toContain('value="RFM group"');
    expect(row(rows, 0, 0)).toMatch(/<option value="LOYAL" selected="">Loyal<\/option>/);
    expect(row(rows, 0, 1)).toMatch(/<option value="CHAMPIONS" selected="">Champions<\/option>/);
    expect(row(rows, 1, 0)).toContain('value="Amount spent"');
    expect(row(rows, 1, 0)).toMatch(/<option value="&gt;=" selected="">is at least<\/option>/);
    expect(row(rows, 1, 0)).toContain('value="100"');
    expect(row(rows, 1, 0)).toContain("€");
    expect(panel(html, "segment-query-panel")).toContain(`>${escaped(QUERY)}</textarea>`);
    expect(html).toContain('value="loyal-big-spenders"');
    expect(html).toContain('value="Loyal big spenders"');
    expect(html).toContain("For the spring campaign");

    const dutch = render(data, undefined, "nl");
    expect(row(panel(dutch, "segment-rows-panel"), 1, 0)).toContain('value="Besteed bedrag"');
    expect(dutch).toMatch(/<option value="&gt;=" selected="">is minstens<\/option>/);
  });

  it("opens a new segment prefilled from a template, and a blank one for an unknown template", async () => {
    const { data } = await load("new", SHOP, "?template=vip-top-spenders");
    expect(data).toMatchObject({ segment: null, query: "amount_spent >= 1000", name: "VIP customers", templateKey: "vip-top-spenders" });
    const html = render(data);
    expect(row(panel(html, "segment-rows-panel"), 0, 0)).toContain('value="1000"');
    expect(html).not.toContain("loyal-big-spenders");
    expect((await load("new", SHOP, "?template=nope")).data).toMatchObject({ segment: null, query: "", name: "" });
  });

  it("refuses to save an invalid query with 400, saves nothing, and shows the problem at its place", async () => {
    const bad = "amount_spend > 100 AND rfm_group = 'LOYAL'";
    const refused = await post(ids.loyal!, { intent: "save", name: "Loyal big spenders", description: "", query: bad, locale: "nl" });
    expect(refused.status).toBe(400);
    // the problems in the language the form names
    expect(refused.body).toMatchObject({
      ok: false,
      problems: [{ message: "onbekend filter amount_spend", line: 1, column: 1, start: 0, end: 12, suggestion: "misschien amount_spent?" }],
      submitted: { name: "Loyal big spenders", description: "", query: bad },
    });
    expect(await ctx.store.db.segment.findUnique({ where: { id: ids.loyal! } })).toMatchObject({ query: QUERY, description: "For the spring campaign" });

    const { data } = await load(ids.loyal!);
    const html = render(data, refused.body, "nl");
    // the query tab: the line, a caret under the unknown filter, the message and the suggestion to apply
    const query = panel(html, "segment-query-panel");
    expect(query).toContain(`>${escaped(bad)}</textarea>`);
    expect(query).toContain('data-line="1" data-column="1"');
    expect(query).toContain("Regel 1, kolom 1:");
    expect(query).toContain("onbekend filter amount_spend");
    expect(query).toContain(`${escaped(bad)}\n<span style="color:var(--p-color-text-critical)">^^^^^^^^^^^^</span>`);
    expect(query).toContain("Vervangen door amount_spent");
    // the rows tab: on the row of the unknown filter, not on the other one
    const rows = panel(html, "segment-rows-panel");
    expect(row(rows, 0, 0)).toContain("onbekend filter amount_spend");
    expect(row(rows, 0, 0)).toContain("Vervangen door amount_spent");
    expect(row(rows, 0, 1)).not.toContain("onbekend filter");
    expect(html).toContain("Het segment is niet opgeslagen");
  });

  it("keeps a query rows cannot show as text with the reason, and shows a syntax error at its place without asking the server", async () => {
    const { data } = await load(ids.loyal!);
    if (!data) throw new Error("expected the segment");
    const not = "amount_spent >= 100 AND NOT customer_tags CONTAINS 'vip'";
    const html = render({ ...data, query: not });
    const rows = panel(html, "segment-rows-panel");
    expect(rows).not.toContain('class="segment-row"');
    expect(rows).toContain("This segment cannot be shown as conditions");
    expect(rows).toContain("NOT in front of a clause cannot be shown as rows");
    expect(rows).toContain(`${escaped(not)}\n${" ".repeat(24)}${"^".repeat(not.length - 24)}`);
    expect(panel(html, "segment-query-panel")).toContain(`>${escaped(not)}</textarea>`);
    expect(panel(html, "segment-query-panel")).toContain("You can keep editing it here.");

    const broken = "amount_spent >= 100 AND\nrfm_group = \"LOYAL\"";
    const query = panel(render({ ...data, query: broken }), "segment-query-panel");
    expect(query).toContain('data-line="2" data-column="13"');
    expect(query).toContain("Line 2, column 13: unexpected character");
    expect(query).toContain(`rfm_group = &quot;LOYAL&quot;\n<span style="color:var(--p-color-text-critical)">${" ".repeat(12)}^</span>`);
    expect(query).toContain("text values go in single quotes, like &#x27;vip&#x27;");
  });

  it("answers 400 with the field message for a missing name, in the language the form names", async () => {
    const refused = await post(ids.loyal!, { intent: "save", name: "  ", description: "", query: "amount_spent > 1", locale: "nl" });
    expect(refused.status).toBe(400);
    const fields = refused.body?.fields as Record<string, string>;
    expect(Object.keys(fields)).toEqual(["name"]);
    const html = render((await load(ids.loyal!)).data, refused.body, "nl");
    expect(html).toContain(fields.name);
    expect(html).toContain("Het segment is niet opgeslagen");
  });

  it("saves, duplicates and deletes, answering with where to go next", async () => {
    const created = await post("new", { intent: "save", name: "Regulars", description: "", query: "number_of_orders >= 3" });
    expect(created.status).toBe(302);
    const id = created.location?.split("/").pop() ?? "";
    expect(created.location).toBe(`/app/segments/${id}`);
    expect(await ctx.store.db.segment.findUnique({ where: { id } })).toMatchObject({ name: "Regulars", handle: "regulars", query: "number_of_orders >= 3" });
    const { data } = await load(id);
    expect(render(data)).toContain('value="regulars"');

    const copy = await post(id, { intent: "duplicate", name: "Regulars", description: "", query: "number_of_orders >= 3" });
    expect(copy.status).toBe(302);
    expect(copy.location).not.toBe(`/app/segments/${id}`);

    expect(await post(id, { intent: "delete", name: "Regulars", description: "", query: "number_of_orders >= 3" })).toMatchObject({ status: 302, location: "/app/segments" });
    expect(await ctx.store.db.segment.findUnique({ where: { id } })).toBeNull();
  });

  it("turns the tag and the native mirror on and off through the action, 400 for bad input, 404 for another shop's segment", async () => {
    const { MIRROR_JOB } = await import("~/services/native-segments.server");
    const refused = await post(ids.loyal!, { intent: "publishing", publishTag: "maybe", mirrorNative: "" });
    expect(refused).toMatchObject({ status: 400, body: { intent: "publishing", ok: false, fields: { publishTag: { key: "publishing.error.flag" }, mirrorNative: { key: "publishing.error.flag" } } } });
    expect(await post(ids.loyal!, { intent: "publishing" })).toMatchObject({ status: 400, body: { fields: { publishTag: { key: "publishing.error.nothing" } } } });
    expect(await post(ids.foreign!, { intent: "publishing", publishTag: "true" })).toMatchObject({ status: 404 });
    expect(await post(ids.loyal!, { intent: "publishing", publishTag: "true" }, OTHER)).toMatchObject({ status: 404 });
    expect(await post("new", { intent: "publishing", publishTag: "true" })).toMatchObject({ status: 404 });
    expect(await ctx.store.db.segment.findUnique({ where: { id: ids.foreign! }, select: { publishTag: true, mirrorNative: true } })).toEqual({ publishTag: false, mirrorNative: false });
    expect(await ctx.store.db.segment.findUnique({ where: { id: ids.loyal! }, select: { publishTag: true, mirrorNative: true } })).toEqual({ publishTag: false, mirrorNative: false });

    const tagged = await post(ids.loyal!, { intent: "publishing", publishTag: "true" });
    expect(tagged).toMatchObject({ status: 200, body: { intent: "publishing", ok: true, publishing: { handle: "loyal-big-spenders", tag: "segment:loyal-big-spenders", publishTag: true } } });
    const mirrored = await post(ids.loyal!, { intent: "publishing", mirrorNative: "true" });
    expect(mirrored).toMatchObject({ status: 200, body: { publishing: { publishTag: true, mirror: { on: true, state: "pending", mirrorability: { ok: true } } } } });
    expect(await ctx.store.db.job.findMany({ where: { kind: MIRROR_JOB }, select: { state: true, payload: true } })).toEqual([{ state: "QUEUED", payload: { shopId: expect.any(Number), segmentId: ids.loyal } }]);

    // the page: the handle with Copy, the theme editor with the block ready to add, both toggles on and the mirror pending
    const html = render((await load(ids.loyal!)).data);
    expect(html).toContain("Publishing");
    expect(html).toContain('value="loyal-big-spenders"');
    expect(html).toContain(">Copy<");
    const themeEditor = html.match(/<a [^>]*href="shopify:\/\/admin\/themes[^>]*>/)?.[0] ?? "";
    expect(themeEditor).toContain(`href="shopify://admin/themes/current/editor?template=index&amp;addAppBlockId=${ctx.apiKey}/segment-banner&amp;target=newAppsSection"`);
    expect(themeEditor).toContain('target="_top"');
    expect(html).toContain("Add the banner to your theme");
    expect(html).toContain("Tag members segment:loyal-big-spenders in Shopify");
    expect(html).toContain("Keep a Shopify segment in step");
    expect(html).toContain("Updating in Shopify");
    expect(html.match(/<input[^>]*type="checkbox"[^>]*>/g)?.filter((input) => input.includes("checked")).length).toBe(2);
    const dutch = render((await load(ids.loyal!)).data, undefined, "nl");
    expect(dutch).toContain("Leden taggen met segment:loyal-big-spenders in Shopify");
    expect(dutch).toContain("Banner aan je thema toevoegen");

    expect(await post(ids.loyal!, { intent: "publishing", publishTag: "false", mirrorNative: "false" })).toMatchObject({ status: 200, body: { publishing: { publishTag: false, mirror: { on: false } } } });
  });

  it("shows why a segment with the app's own filters cannot have a Shopify segment, and refuses to turn it on", async () => {
    const shop = await ctx.store.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const young = await ctx.store.db.segment.create({ data: { shopId: shop.id, name: "Young", handle: "young", query: "age < 30 AND customer_tags CONTAINS 'club'" } });
    const html = render((await load(young.id)).data);
    expect(html).toContain("age is the app&#x27;s own filter; Shopify&#x27;s segments cannot use it.");
    const mirror = html.match(/<input[^>]*type="checkbox"[^>]*>/g)?.[1] ?? "";
    expect(mirror).toContain("disabled");
    expect(render((await load(young.id)).data, undefined, "nl")).toContain("age is een eigen filter van de app");
    expect(await post(young.id, { intent: "publishing", mirrorNative: "true" })).toMatchObject({
      status: 400,
      body: { ok: false, fields: { mirrorNative: { key: "native.reason.appFilter", params: { filter: "age" } } } },
    });
    expect(await ctx.store.db.segment.findUniqueOrThrow({ where: { id: young.id } })).toMatchObject({ mirrorNative: false });
  });
});
