import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";

// exports go to a directory of this test's own (the environment is read once, before the app loads)
const exportsDir = vi.hoisted(() => {
  const { mkdtempSync } = require("node:fs") as typeof import("node:fs");
  const { tmpdir } = require("node:os") as typeof import("node:os");
  const { join } = require("node:path") as typeof import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "exports-route-"));
  process.env.EXPORTS_DIR = dir;
  return dir;
});
const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));
// the page renders outside a Remix router: it reads what the loader and the action returned
const page = vi.hoisted(() => ({ data: undefined as unknown, action: undefined as unknown }));
vi.mock("@remix-run/react", (importOriginal) => import("../../test/app/remix-outside-router").then((m) => m.remixOutsideRouter(importOriginal, page)));

const { adminRequest, callRoute, installTestShop } = await import("../../test/app/test-app");
const exportsPage = await import("./app.exports");
const download = await import("./app.exports.$id.download");
const { EXPORT_JOB, runSegmentExport } = await import("~/services/exports.server");
const { I18nProvider } = await import("~/components/I18nProvider");

const SHOP = "exports-page-a.myshopify.com";
const OTHER = "exports-page-b.myshopify.com";
const now = new Date("2026-12-02T09:00:00Z");
let shopId: number;
let otherShopId: number;
let segmentId: string;
let otherSegmentId: string;

beforeAll(async () => {
  shopId = (await installTestShop(ctx, SHOP, "Page A")).id;
  otherShopId = (await installTestShop(ctx, OTHER, "Page B")).id;
  const db = ctx.store.db;
  const base = { shopId, shopifyCreatedAt: now, shopifyUpdatedAt: now };
  const anna = await db.customer.create({ data: { ...base, shopifyId: "1", firstName: "Anna", lastName: "de Vries", email: "anna@example.nl", amountSpentMinor: 12345n, numberOfOrders: 2 } });
  const bram = await db.customer.create({ data: { ...base, shopifyId: "2", firstName: "Bram", email: "=1+1@example.nl" } });
  segmentId = (await db.segment.create({ data: { shopId, name: "VIP’s", handle: "vips", query: "amount_spent > 0", memberCount: 2 } })).id;
  await db.segmentMember.createMany({ data: [anna, bram].map((customer) => ({ shopId, segmentId, customerId: customer.id })) });
  const foreigner = await db.customer.create({ data: { shopId: otherShopId, shopifyId: "1", firstName: "Foreign", email: "foreign@example.com", shopifyCreatedAt: now, shopifyUpdatedAt: now } });
  otherSegmentId = (await db.segment.create({ data: { shopId: otherShopId, name: "Theirs", handle: "theirs", query: "amount_spent > 0", members: { create: [{ shopId: otherShopId, customerId: foreigner.id }] } } })).id;
});
afterAll(() => ctx.store.drop());

const load = async (search = "", shop = SHOP) => callRoute(async () => exportsPage.loader({ request: await adminRequest(ctx, `/app/exports${search}`, shop), params: {}, context: {} }));

/** The action's answer as status and body, whether it returned data(), a plain object or threw a Response. */
async function post(fields: [string, string][], shop = SHOP) {
  const request = await adminRequest(ctx, "/app/exports", shop, { method: "POST", body: new URLSearchParams(fields) });
  const { data: result, response } = await callRoute(() => exportsPage.action({ request, params: {}, context: {} }));
  if (response) return { status: response.status, body: null };
  if (result && typeof result === "object" && "type" in result && result.type === "DataWithResponseInit") {
    const { data, init } = result as unknown as { data: unknown; init: ResponseInit | null };
    return { status: init?.status ?? 200, body: data as Record<string, unknown> };
  }
  return { status: 200, body: result as Record<string, unknown> };
}

const fetchFile = async (id: string, shop = SHOP) => callRoute(async () => download.loader({ request: await adminRequest(ctx, `/app/exports/${id}/download`, shop), params: { id }, context: {} }));

function render(data: unknown, actionData: unknown, locale: "en" | "nl" = "en"): string {
  page.data = data;
  page.action = actionData;
  return renderToStaticMarkup(
    <AppProvider i18n={polarisEn}>
      <I18nProvider locale={locale}>
        <exportsPage.default />
      </I18nProvider>
    </AppProvider>,
  );
}

const CSV: [string, string][] = [["format", "CSV"], ["columns", "name"], ["columns", "email"], ["columns", "amountSpent"], ["language", "nl"]];

describe("exports page", () => {
  it("queues an export of the shop's segment, then serves its file for download", async () => {
    const { status, body } = await post([["segmentId", segmentId], ...CSV]);
    expect(status).toBe(200);
    const exportId = body!.queued as number;
    const row = await ctx.store.db.segmentExport.findUniqueOrThrow({ where: { id: exportId } });
    expect(row).toMatchObject({ shopId, segmentId, segmentName: "VIP’s", format: "CSV", columns: ["name", "email", "amountSpent"], locale: "nl", state: "QUEUED" });
    const job = await ctx.store.db.job.findFirstOrThrow({ where: { kind: EXPORT_JOB, shopId } });
    expect(job.payload).toEqual({ shopId, exportId });

    // not ready yet: nothing to download
    expect((await fetchFile(String(exportId))).response?.status).toBe(404);
    await runSegmentExport({ db: ctx.store.db, kind: ctx.store.kind, now: () => now }, { shopId, exportId }, { directory: exportsDir });

    const { data: response } = await fetchFile(String(exportId));
    expect(response?.status).toBe(200);
    expect(response?.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response?.headers.get("Content-Disposition")).toBe(`attachment; filename="vip-s-2026-12-02.csv"; filename*=UTF-8''vip-s-2026-12-02.csv`);
    const bytes = Buffer.from(await response!.arrayBuffer());
    expect(response?.headers.get("Content-Length")).toBe(String(bytes.length));
    // read as bytes: a text decoder would drop the byte-order mark
    expect(bytes.toString("utf8")).toBe("\uFEFFNaam,E-mailadres,Besteed bedrag (EUR)\r\nAnna de Vries,anna@example.nl,123.45\r\nBram,'=1+1@example.nl,0.00\r\n");

    // the page lists it, ready, with its download
    const { data } = await load();
    expect(data?.exports.map((listed) => [listed.id, listed.state, listed.rowsDone])).toEqual([[exportId, "SUCCEEDED", 2]]);
    const html = render(data, undefined);
    expect(html).toContain("Ready");
    expect(html).toContain("Download");
    expect(html).toContain("2 rows");
  });

  it("answers 404 for another shop's export, an unknown one and ids that are not ours", async () => {
    const theirs = (await post([["segmentId", otherSegmentId], ...CSV], OTHER)).body!.queued as number;
    await runSegmentExport({ db: ctx.store.db, kind: ctx.store.kind, now: () => now }, { shopId: otherShopId, exportId: theirs }, { directory: exportsDir });
    expect((await fetchFile(String(theirs), OTHER)).data?.status).toBe(200);
    expect((await fetchFile(String(theirs))).response?.status).toBe(404);
    for (const id of ["999999", "abc", "0", "-1", "1.5", "1e3", "2147483648", "99999999999", "", "../1"]) {
      expect((await fetchFile(id)).response?.status, id).toBe(404);
    }
    // the other shop's exports are not on this shop's page
    expect((await load()).data?.exports.some((listed) => listed.id === theirs)).toBe(false);
  });

  it("answers 404 for another shop's segment, on the page and in the form", async () => {
    expect((await load(`?segment=${otherSegmentId}`)).response?.status).toBe(404);
    expect((await load("?segment=nope")).response?.status).toBe(404);
    expect((await load(`?segment=${segmentId}`)).data?.selectedSegmentId).toBe(segmentId);
    const before = await ctx.store.db.segmentExport.count();
    expect((await post([["segmentId", otherSegmentId], ...CSV])).status).toBe(404);
    expect(await ctx.store.db.segmentExport.count()).toBe(before);
  });

  it("answers bad input with 400 and a message per field, queueing nothing", async () => {
    const before = await ctx.store.db.segmentExport.count();
    const jobs = await ctx.store.db.job.count();
    expect(await post([])).toEqual({
      status: 400,
      body: { errors: { segmentId: "exports.error.segment", format: "exports.error.format", language: "exports.error.language" } },
    });
    expect(await post([["segmentId", segmentId], ["format", "CSV"], ["language", "en"]])).toEqual({ status: 400, body: { errors: { columns: "exports.error.columns" } } });
    expect(await post([["segmentId", segmentId], ["format", "CSV"], ["columns", "password"], ["language", "en"]])).toEqual({ status: 400, body: { errors: { columns: "exports.error.columns" } } });
    expect(await post([["segmentId", segmentId], ["format", "AUDIENCE"], ["audience", "myspace"], ["language", "en"]])).toEqual({ status: 400, body: { errors: { audience: "exports.error.audience" } } });
    expect(await ctx.store.db.segmentExport.count()).toBe(before);
    expect(await ctx.store.db.job.count()).toBe(jobs);

    // shown inline in the admin's language
    const { data } = await load();
    const html = render(data, { errors: { columns: "exports.error.columns", segmentId: "exports.error.segment" } }, "nl");
    expect(html).toContain("Kies minstens één kolom.");
    expect(html).toContain("Kies een van je segmenten.");
  });

  it("shows progress while an export runs and the error when one failed, in English and Dutch", async () => {
    const db = ctx.store.db;
    // newer than the exports earlier tests made through the action (stamped by the clock, not `now`)
    const after = Math.max(now.getTime(), Date.now()) + 60_000;
    const running = await db.segmentExport.create({ data: { shopId, segmentId, segmentName: "VIP’s", format: "XLSX", columns: ["name"], state: "RUNNING", rowsDone: 1_250, rowsTotal: 5_000, createdAt: new Date(after + 1000) } });
    await db.segmentExport.create({ data: { shopId, segmentId, segmentName: "VIP’s", format: "CSV", columns: ["name"], state: "FAILED", error: "ENOSPC: no space left on device", createdAt: new Date(after + 2000) } });
    await db.segmentExport.create({ data: { shopId, segmentId, segmentName: "VIP’s", format: "AUDIENCE", columns: ["Email", "Phone", "First Name", "Last Name", "Country", "Zip"], createdAt: new Date(after + 3000) } });
    const { data } = await load();
    expect(data?.exports[0]).toMatchObject({ format: "AUDIENCE", audience: "google", state: "QUEUED" });
    const english = render(data, { queued: running.id });
    for (const text of ["Export started.", "Exporting", "1,250 of 5,000 customers", 'value="25"', "Failed", "The export failed: ENOSPC: no space left on device", "Queued", "Google Ads (Customer Match)", "Excel (XLSX)", "VIP’s (2 members)", "Amount spent (EUR)", "Predicted lifetime value (EUR)", "Churn probability"]) {
      expect(english, text).toContain(text);
    }
    const dutch = render(data, undefined, "nl");
    for (const text of ["Bezig met exporteren", "1.250 van 5.000 klanten", "De export is mislukt: ENOSPC", "In de wachtrij", "Kolommen", "Besteed bedrag (EUR)", "Vertrekrisico", "VIP’s (2 leden)", "Exporteren"]) {
      expect(dutch, text).toContain(text);
    }
  });

  it("refuses a request without a session token", async () => {
    const attempts: (() => Promise<unknown>)[] = [
      () => exportsPage.loader({ request: new Request(new URL("/app/exports", ctx.appUrl)), params: {}, context: {} }),
      () => download.loader({ request: new Request(new URL("/app/exports/1/download", ctx.appUrl)), params: { id: "1" }, context: {} }),
      () => exportsPage.action({ request: new Request(new URL("/app/exports", ctx.appUrl), { method: "POST", body: new URLSearchParams([["segmentId", segmentId], ...CSV]) }), params: {}, context: {} }),
    ];
    for (const run of attempts) {
      const { response } = await callRoute(run);
      expect(response).toBeDefined();
      expect(response?.status).not.toBe(200);
    }
  });
});
