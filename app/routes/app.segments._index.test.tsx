import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";

const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));
// the page renders outside a Remix router: it reads what the loader returned
const page = vi.hoisted(() => ({ data: undefined as unknown }));
vi.mock("@remix-run/react", (importOriginal) => import("../../test/app/remix-outside-router").then((m) => m.remixOutsideRouter(importOriginal, page)));

const { adminRequest, installTestShop } = await import("../../test/app/test-app");
const index = await import("./app.segments._index");
const { I18nProvider } = await import("~/components/I18nProvider");

const SHOP = "segments-index-a.myshopify.com";
const OTHER = "segments-index-b.myshopify.com";
const EMPTY = "segments-index-c.myshopify.com";
const ids: Record<string, string> = {};

beforeAll(async () => {
  const shop = await installTestShop(ctx, SHOP);
  const other = await installTestShop(ctx, OTHER);
  await installTestShop(ctx, EMPTY);
  const db = ctx.store.db;
  const updatedAt = new Date("2026-03-01T09:30:00Z");
  for (const [key, name, memberCount] of [
    ["vips", "VIP customers", 120],
    ["lapsed", "Lapsed 90 days", 1_500],
    ["fresh", "First-time buyers", 8],
  ] as const) {
    ids[key] = (await db.segment.create({ data: { shopId: shop.id, name, handle: key, query: "amount_spent > 1", memberCount, updatedAt } })).id;
  }
  ids.foreign = (await db.segment.create({ data: { shopId: other.id, name: "Theirs", handle: "theirs", query: "amount_spent > 1" } })).id;
  // 30 days before today the VIP segment had 100 members and the lapsed one 1,600
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  await db.segmentSizeHistory.createMany({
    data: [
      { shopId: shop.id, segmentId: ids.vips!, day: day(40), memberCount: 100 },
      { shopId: shop.id, segmentId: ids.lapsed!, day: day(45), memberCount: 1_600 },
    ],
  });
});
afterAll(() => ctx.store.drop());

const listAt = async (search: string, shop = SHOP) => index.loader({ request: await adminRequest(ctx, `/app/segments${search}`, shop), params: {}, context: {} });

/** The action's answer as status and body, whether it returned data() or a plain object. */
async function post(shop: string, body: URLSearchParams) {
  const request = await adminRequest(ctx, "/app/segments", shop, { method: "POST", body });
  const result: unknown = await index.action({ request, params: {}, context: {} });
  if (result && typeof result === "object" && "type" in result && result.type === "DataWithResponseInit") {
    const { data, init } = result as unknown as { data: unknown; init: ResponseInit | null };
    return { status: init?.status ?? 200, body: data };
  }
  return { status: 200, body: result };
}

function render(data: unknown, locale: "en" | "nl" = "en"): string {
  page.data = data;
  return renderToStaticMarkup(
    <AppProvider i18n={polarisEn}>
      <I18nProvider locale={locale}>
        <index.default />
      </I18nProvider>
    </AppProvider>,
  );
}

describe("segments index", () => {
  it("lists the session's shop's segments with members and the change over 30 days", async () => {
    const data = await listAt("");
    expect(data).toMatchObject({ query: { q: "", sort: "name", direction: "asc" }, total: 3, timeZone: "Europe/Amsterdam" });
    expect(data.segments.map((s) => [s.name, s.memberCount, s.change])).toEqual([
      ["First-time buyers", 8, null],
      ["Lapsed 90 days", 1_500, -100],
      ["VIP customers", 120, 20],
    ]);
    expect((await listAt("?sort=change&direction=desc")).segments.map((s) => s.name)).toEqual(["VIP customers", "Lapsed 90 days", "First-time buyers"]);
    expect((await listAt("?sort=members&direction=desc")).segments.map((s) => s.name)).toEqual(["Lapsed 90 days", "VIP customers", "First-time buyers"]);
    expect((await listAt("?q=vip")).segments.map((s) => s.name)).toEqual(["VIP customers"]);
    expect((await listAt("", OTHER)).segments.map((s) => s.name)).toEqual(["Theirs"]);
  });

  it("reads malformed parameters as the defaults, never failing the page", async () => {
    for (const search of ["?sort=bogus&direction=up", "?sort=&direction=", `?q=${"x".repeat(5_000)}`, "?sort=members&sort=name"]) {
      const data = await listAt(search);
      expect(["name", "members"], search).toContain(data.query.sort);
      expect(data.query.q.length, search).toBeLessThanOrEqual(200);
    }
    expect((await listAt("?sort=bogus&direction=up")).query).toEqual({ q: "", sort: "name", direction: "asc" });
  });

  it("renders rows linking to each segment's editor, the change, and the create and templates actions", async () => {
    const html = render(await listAt(""));
    expect(html).toContain(`href="/app/segments/${ids.vips}"`);
    expect(html).toContain("VIP customers");
    expect(html).toContain("1,500");
    expect(html).toContain("+20");
    expect(html).toContain("-100");
    expect(html).toContain("No history yet");
    expect(html).toContain("Change, 30 days");
    expect(html).toContain('href="/app/segments/new"');
    expect(html).toContain('href="/app/templates"');
    expect(html).not.toContain("Theirs");
    const dutch = render(await listAt(""), "nl");
    expect(dutch).toContain("Verandering, 30 dagen");
    expect(dutch).toContain("1.500");
    expect(dutch).toContain("Segment maken");
  });

  it("shows the empty state to a shop without segments, and a note when a search finds none", async () => {
    const empty = render(await listAt("", EMPTY));
    expect(empty).toContain("No segments yet");
    expect(empty).toContain('href="/app/segments/new"');
    const none = render(await listAt("?q=nothing%20like%20it"));
    expect(none).toContain("No segments match “nothing like it”.");
    expect(none).not.toContain("No segments yet");
  });

  it("deletes the chosen segments of this shop only, after the confirmation, and says how many", async () => {
    const keep = await ctx.store.db.segment.count();
    const body = new URLSearchParams([
      ["intent", "delete"],
      ["ids", ids.fresh!],
      ["ids", ids.foreign!],
    ]);
    expect(await post(SHOP, body)).toEqual({ status: 200, body: { deleted: 1 } });
    expect(await ctx.store.db.segment.count()).toBe(keep - 1);
    expect(await ctx.store.db.segment.findUnique({ where: { id: ids.foreign } })).not.toBeNull();
    // another shop cannot delete this shop's segments
    expect(await post(OTHER, new URLSearchParams([["intent", "delete"], ["ids", ids.vips!]]))).toEqual({ status: 200, body: { deleted: 0 } });
    expect(await ctx.store.db.segment.findUnique({ where: { id: ids.vips } })).not.toBeNull();
  });

  it("answers a malformed delete with 400, deleting nothing", async () => {
    const keep = await ctx.store.db.segment.count();
    for (const body of [new URLSearchParams([["intent", "delete"]]), new URLSearchParams([["intent", "purge"], ["ids", ids.vips!]]), new URLSearchParams([["ids", ids.vips!]]), new URLSearchParams([["intent", "delete"], ["ids", "x".repeat(65)]])]) {
      expect((await post(SHOP, body)).status, body.toString().slice(0, 40)).toBe(400);
    }
    expect(await ctx.store.db.segment.count()).toBe(keep);
  });

  it("refuses a request without a session token", async () => {
    const request = new Request(new URL("/app/segments", ctx.appUrl), { method: "POST", body: new URLSearchParams([["intent", "delete"], ["ids", ids.vips!]]) });
    let status: number | undefined;
    try {
      await index.action({ request, params: {}, context: {} });
    } catch (thrown) {
      status = thrown instanceof Response ? thrown.status : undefined;
    }
    expect(status).toBeGreaterThanOrEqual(300);
    expect(await ctx.store.db.segment.findUnique({ where: { id: ids.vips } })).not.toBeNull();
  });
});
