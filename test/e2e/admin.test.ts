/**
 * The demo admin in a real browser: Debian's Chromium driven by playwright-core. Shopify's CDN
 * (App Bridge, fonts) is unreachable here, so requests to it are answered locally — App Bridge by
 * the demo's stand-in script.
 */
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_BRIDGE_STUB } from "~/demo/app-bridge-stub";
import { openDb, type Db } from "~/db/client";
import { TEMPLATES } from "~/segments/templates";
import { configurationProblem } from "../../extensions/segment-discount/src/configuration.js";
import { cartDeliveryOptionsDiscountsGenerateRun } from "../../extensions/segment-discount/src/index.js";
import { DEMO_SHOP, startDemo, type RunningDemo } from "../../scripts/demo";
import { parseCsv } from "../support/csv";

const artifacts = join(import.meta.dirname, "..", "..", "test-artifacts");
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const DESKTOP_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

let demo: RunningDemo;
let browser: Browser;
let dataDir: string;
let store: Db;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  const cache = join(tmpdir(), "segment-studio-demo-cache");
  mkdirSync(cache, { recursive: true });
  dataDir = mkdtempSync(join(cache, "run-"));
  demo = await startDemo({ port: 3199, hmrPort: 64991, seed: 42, fresh: true, dataDir, today: new Date(), log: () => {} });
  store = openDb(`file:${join(dataDir, "demo.db")}`).db;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  // On a fresh clone Vite bundles dependencies on the first page load and reloads the page once or
  // twice; one visit first keeps that out of what the tests measure.
  const warmUp = await browser.newPage({ userAgent: DESKTOP_CHROME });
  await warmUp.route("https://cdn.shopify.com/**", (route) => route.fulfill({ status: 200, body: "" }));
  await warmUp.goto(demo.signInUrl, { waitUntil: "networkidle", timeout: 120_000 });
  await warmUp.waitForTimeout(3_000);
  await warmUp.goto(demo.signInUrl, { waitUntil: "networkidle", timeout: 120_000 });
  await warmUp.close();
}, 300_000);

afterAll(async () => {
  await store?.$disconnect();
  await browser?.close();
  await demo?.close();
});

/** A desktop page on the demo admin: Shopify's CDN answered locally (App Bridge by the stub), page errors collected. */
async function adminPage() {
  // Shopify's library answers bots (HeadlessChrome's default user agent among them) with 410 Gone
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, userAgent: DESKTOP_CHROME });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.route("https://cdn.shopify.com/**", (route) =>
    route.request().url().endsWith("/app-bridge.js")
      ? route.fulfill({ contentType: "text/javascript", body: APP_BRIDGE_STUB })
      : route.fulfill({ status: 200, contentType: "text/css", body: "" }),
  );
  return { page, errors };
}

describe("the demo admin in Chromium", () => {
  it("signs in, shows the demo shop on the home page and moves between pages through the nav menu", async () => {
    const { page, errors } = await adminPage();

    await page.goto(demo.signInUrl, { waitUntil: "networkidle", timeout: 120_000 });
    await expect.poll(() => page.locator("#shop-name").textContent(), { timeout: 60_000 }).toBe("CDNOW Demo");
    await expect.poll(() => page.locator("#customer-count").textContent()).toMatch(/^[\d,]+$/);
    expect(await page.locator("#sync-state").textContent()).toMatch(/sync/i);
    await page.screenshot({ path: join(artifacts, "admin-home.png"), fullPage: true });

    // The nav menu's links go through App Bridge's 'shopify:navigate' and the app's router; the data request carries a session token.
    await page.locator("ui-nav-menu a", { hasText: "Segments" }).click();
    await expect.poll(() => page.getByText("No segments yet").count(), { timeout: 30_000 }).toBe(1);
    await page.screenshot({ path: join(artifacts, "admin-segments.png"), fullPage: true });
    expect(errors).toEqual([]);
  }, 180_000);

  it("imports the whole demo shop in the background, then keeps it current from a merchant's change delivered as a signed webhook", async () => {
    const { page } = await adminPage();
    await page.goto(demo.signInUrl, { waitUntil: "networkidle", timeout: 60_000 });
    // the home page refreshes itself while the sync runs
    await expect.poll(() => page.getByText("Last sync finished").count(), { timeout: 240_000, interval: 2_000 }).toBe(1);
    await expect.poll(() => page.locator("#customer-count").textContent()).toBe(demo.dataset.customers.length.toLocaleString("en"));
    await page.screenshot({ path: join(artifacts, "admin-home-synced.png"), fullPage: true });

    const customer = demo.dataset.customers[0];
    if (!customer) throw new Error("the demo shop has no customers");
    const acknowledged = Date.now();
    demo.standIn.admin.actions.updateCustomer(DEMO_SHOP, customer.id, { note: "Prefers jazz", tags: [...customer.tags, "Jazz fan"] });
    await demo.standIn.settled();
    expect(demo.standIn.sender(DEMO_SHOP).deliveries().map((d) => [d.topic, d.status])).toContainEqual(["customers/update", 200]);
    // processed from the inbox in the background: the body's note, then the tags the refresh reads from the Admin API
    const stored = () => store.customer.findFirst({ where: { shopifyId: customer.id }, select: { note: true, detailsStale: true, tags: { select: { normalized: true } } } });
    await expect.poll(async () => (await stored())?.note, { timeout: 10_000, interval: 50 }).toBe("Prefers jazz");
    await expect.poll(async () => (await stored())?.tags.map((t) => t.normalized), { timeout: 10_000, interval: 50 }).toContain("jazz fan");
    expect((await stored())?.detailsStale).toBe(false);
    console.log(`demo: a customers/update was in the store ${Date.now() - acknowledged} ms after the merchant's change`);

    await page.reload({ waitUntil: "networkidle" });
    await expect.poll(() => page.getByText("Last webhook received").count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByText("waiting to be processed").count()).toBe(0);
    expect(await page.getByText("failed and need attention").count()).toBe(0);
  }, 300_000);

  it("fits the predictions after the import and shows them: tiers and RFM groups on the home page, each customer's explained on their page", async () => {
    const { page } = await adminPage();
    // the import (previous test) queued the refit; the home page follows it
    await page.goto(demo.signInUrl, { waitUntil: "networkidle", timeout: 60_000 });
    await expect.poll(() => page.locator("#prediction-status").textContent(), { timeout: 120_000, interval: 2_000 }).toMatch(/^Models fitted on /);
    const run = await store.predictionRun.findFirstOrThrow({ where: { status: "FITTED" }, orderBy: { id: "desc" } });
    expect(run.customers).toBeGreaterThan(20_000);
    expect(run.repeatBuyers).toBeGreaterThan(5_000);
    const tierCounts = await page.locator("#tier-chart tbody tr").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-group")));
    expect(tierCounts).toEqual(["HIGH", "MEDIUM", "LOW"]);
    expect(await page.locator("#rfm-chart tbody tr").count()).toBe(11);
    await page.screenshot({ path: join(artifacts, "admin-home-predictions.png"), fullPage: true });

    // the customer expected to spend most heads the customers list (sorted by predicted spend); their page explains it
    const top = await store.customer.findFirstOrThrow({ where: { predictedSpendTier: "HIGH" }, orderBy: [{ predictedSpend12mMinor: "desc" }, { id: "asc" }] });
    for (const [locale, nav, explained] of [
      ["en", "Customers", /^Expects \d+\.\d orders worth .+ in the next 12 months; \d+(\.\d)?% likely still active\.$/],
      ["nl", "Klanten", /^Verwacht \d+,\d bestellingen ter waarde van .+ in de komende 12 maanden; \d+(,\d)?% kans dat deze klant nog actief is\.$/],
    ] as const) {
      await page.goto(`${demo.signInUrl}?locale=${locale}`, { waitUntil: "networkidle", timeout: 60_000 });
      await page.locator("ui-nav-menu a", { hasText: nav }).click();
      const first = page.locator(`a[href="/app/customers/${top.id}"]`);
      await expect.poll(() => first.count(), { timeout: 30_000 }).toBe(1);
      await page.screenshot({ path: join(artifacts, `admin-customers-${locale}.png`), fullPage: true });
      await first.click();
      await expect.poll(() => page.locator("#prediction-explanation").textContent(), { timeout: 30_000 }).toMatch(explained);
      await page.screenshot({ path: join(artifacts, `admin-customer-${locale}.png`), fullPage: true });
    }
  }, 180_000);

  it("builds a segment in the editor: the query counts live, the same segment shows as rows, and an error shows at its position with the suggestion", async () => {
    const { page, errors } = await adminPage();
    await page.goto(demo.signInUrl, { waitUntil: "networkidle", timeout: 60_000 });
    await page.locator("ui-nav-menu a", { hasText: "Segments" }).click();
    await page.getByRole("button", { name: "Create segment" }).or(page.getByRole("link", { name: "Create segment" })).first().click();
    await page.locator("#segment-query-tab").click();
    const query = page.locator("#segment-query-panel textarea");
    await query.fill("amount_spent > 100");
    const expected = await store.customer.count({ where: { amountSpentMinor: { gt: 10_000n } } });
    await expect.poll(() => page.locator("#segment-count").textContent(), { timeout: 30_000 }).toBe(`${expected.toLocaleString("en")} customers`);
    await page.locator("#segment-rows-tab").click();
    await expect.poll(() => page.locator('.segment-row[data-filter="amount_spent"]').count(), { timeout: 10_000 }).toBe(1);
    await page.screenshot({ path: join(artifacts, "admin-segment-editor.png"), fullPage: true });

    await page.locator("#segment-query-tab").click();
    await query.fill("amount_spent > 100 AND\nnumber_of_order >= 2");
    // shown where it is: under the query text (and above the rows)
    await expect.poll(async () => (await page.locator('.segment-problem[data-line="2"][data-column="1"]').count()) > 0, { timeout: 30_000 }).toBe(true);
    expect(await page.locator(".segment-problem").first().textContent()).toMatch(/number_of_orders/);
    await page.screenshot({ path: join(artifacts, "admin-segment-editor-error.png"), fullPage: true });
    expect(errors).toEqual([]);
  }, 180_000);

  it("builds a segment from rows, sees the count follow, finds the same segment as text, saves it from the save bar, finds it in the index and exports it to a CSV file", async () => {
    const { page, errors } = await adminPage();
    await page.goto(demo.signInUrl, { waitUntil: "networkidle", timeout: 60_000 });
    await page.locator("ui-nav-menu a", { hasText: "Segments" }).click();
    await page.getByRole("button", { name: "Create segment" }).or(page.getByRole("link", { name: "Create segment" })).first().click();
    const name = "Frequent big spenders";
    await page.getByLabel("Name", { exact: true }).fill(name);

    // first condition: number of orders at least 5
    await chooseFilter(page, 0, "Number of", "Number of orders");
    await page.getByLabel("Operator for Number of orders").selectOption(">=");
    await page.getByLabel("Value for Number of orders").fill("5");
    const frequent = await store.customer.count({ where: { numberOfOrders: { gte: 5 } } });
    await expect.poll(() => page.locator("#segment-count").textContent(), { timeout: 30_000 }).toBe(`${frequent.toLocaleString("en")} customers`);

    // a second one narrows it: amount spent over 100
    await page.getByRole("button", { name: "Add condition" }).click();
    await chooseFilter(page, 1, "spent", "Amount spent");
    await page.getByLabel("Operator for Amount spent").selectOption(">");
    await page.getByLabel("Value for Amount spent").fill("100");
    const both = await store.customer.count({ where: { numberOfOrders: { gte: 5 }, amountSpentMinor: { gt: 10_000n } } });
    expect(both).toBeLessThan(frequent);
    await expect.poll(() => page.locator("#segment-count").textContent(), { timeout: 30_000 }).toBe(`${both.toLocaleString("en")} customers`);
    expect(await page.locator("#segment-preview tbody tr").count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, "admin-segment-rows.png"), fullPage: true });

    // the query tab holds the same segment as text
    await page.locator("#segment-query-tab").click();
    expect(await page.locator("#segment-query-panel textarea").inputValue()).toMatch(/^number_of_orders >= 5 AND amount_spent > 100(\.00)?$/);

    // saved from App Bridge's save bar (drawn by the stand-in as Shopify admin would)
    await page.locator("ui-save-bar").getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/app\/segments\/c[a-z0-9]{20,}$/, { timeout: 30_000 });
    const saved = await store.segment.findFirstOrThrow({ where: { name } });
    expect(saved.query).toMatch(/^number_of_orders >= 5 AND amount_spent > 100(\.00)?$/);
    expect(saved.memberCount).toBe(both);
    expect(await store.segmentMember.count({ where: { segmentId: saved.id } })).toBe(both);
    await expect.poll(() => page.locator("ui-save-bar[data-demo-showing]").count()).toBe(0);

    // within seconds every member carries the segment's handle in $app:segments in Shopify (the stand-in): what the theme block reads
    const saveDone = Date.now();
    const members = await store.segmentMember.findMany({ where: { segmentId: saved.id }, select: { customer: { select: { shopifyId: true } } } });
    const carrying = () => {
      const remote = demo.standIn.admin.shop(DEMO_SHOP);
      return members.filter(({ customer }) => {
        const value = remote.metafields.get(`gid://shopify/Customer/${customer.shopifyId}`)?.find((m) => /^app--\d+$/.test(m.namespace) && m.key === "segments")?.value;
        return value !== undefined && (JSON.parse(value) as string[]).includes(saved.handle);
      }).length;
    };
    await expect.poll(carrying, { timeout: 30_000, interval: 250 }).toBe(both);
    console.log(`demo: ${both} members of a saved segment carried its handle in $app:segments ${Date.now() - saveDone} ms after the save`);

    // found in the index by its name, with its members
    await page.locator("ui-nav-menu a", { hasText: "Segments" }).click();
    await page.getByLabel("Search segments").fill("big spenders");
    await page.getByLabel("Search segments").press("Enter");
    const row = page.locator("tr", { has: page.locator(`a[href="/app/segments/${saved.id}"]`) });
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    expect(await row.textContent()).toContain(both.toLocaleString("en"));
    await page.screenshot({ path: join(artifacts, "admin-segments-found.png"), fullPage: true });

    // exported from the segment's page to CSV, and the file opened
    await row.locator(`a[href="/app/segments/${saved.id}"]`).click();
    await page.getByRole("link", { name: "Export", exact: true }).or(page.getByRole("button", { name: "Export", exact: true })).first().click();
    await page.waitForURL(/\/app\/exports/, { timeout: 30_000 });
    await page.getByRole("button", { name: "Export", exact: true }).click();
    const download = page.getByRole("button", { name: "Download" });
    await expect.poll(() => download.count(), { timeout: 120_000, interval: 1_000 }).toBe(1);
    await page.screenshot({ path: join(artifacts, "admin-exports-ready.png"), fullPage: true });
    const [file] = await Promise.all([page.waitForEvent("download"), download.click()]);
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const text = readFileSync(await file.path(), "utf8");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]).toContain("Customer ID");
    expect(rows.length - 1).toBe(both);
    const idColumn = rows[0]?.indexOf("Customer ID") ?? -1;
    const member = await store.segmentMember.findFirstOrThrow({ where: { segmentId: saved.id }, select: { customer: { select: { shopifyId: true } } } });
    expect(rows.slice(1).map((r) => r[idColumn])).toContain(member.customer.shopifyId);
    expect(errors).toEqual([]);
  }, 300_000);

  it("creates a segment discount from a segment's page — free shipping for its members when a handbag is in the cart — that the stand-in holds with its configuration, and pauses it", async () => {
    const { page, errors } = await adminPage();
    const segment = await store.segment.findFirstOrThrow({ where: { name: "Frequent big spenders" } });
    await page.goto(demo.signInUrl, { waitUntil: "networkidle", timeout: 60_000 });
    await page.locator("ui-nav-menu a", { hasText: "Segments" }).click();
    await page.locator(`a[href="/app/segments/${segment.id}"]`).first().click();
    await page.getByRole("link", { name: "Create discount for this segment" }).or(page.getByRole("button", { name: "Create discount for this segment" })).first().click();
    await page.waitForURL(new RegExp(`/app/discounts/new\\?segment=${segment.id}$`), { timeout: 30_000 });
    // the segment is chosen already
    expect(await page.getByRole("checkbox", { name: new RegExp(segment.name) }).isChecked()).toBe(true);

    const title = "Big spenders ship free with a handbag";
    await page.getByLabel("Title", { exact: true }).fill(title);
    await page.getByLabel("Type", { exact: true }).selectOption("SHIPPING_PERCENTAGE");
    await page.getByLabel("Percentage", { exact: true }).fill("100");
    await page.getByLabel("Which products qualify").selectOption("TAG");
    await page.getByLabel("Product tags").fill("handbag");
    await page.getByLabel("Minimum quantity of qualifying items").fill("1");
    await page.getByLabel("Message in English").fill("Free shipping with your handbag");
    await page.getByLabel("Message in Dutch").fill("Gratis verzending bij je handtas");
    await page.screenshot({ path: join(artifacts, "admin-discount-new.png"), fullPage: true });
    await page.locator("ui-save-bar").getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/app\/discounts\/c[a-z0-9]{20,}$/, { timeout: 30_000 });
    await expect.poll(() => page.locator("ui-save-bar[data-demo-showing]").count()).toBe(0);

    // the store and Shopify (the stand-in) hold the same discount: the Function's, for shipping, with the configuration
    const row = await store.segmentDiscount.findFirstOrThrow({ where: { title }, include: { segments: true } });
    expect(row.segments.map((s) => s.handle)).toEqual([segment.handle]);
    const remote = demo.standIn.admin.shop(DEMO_SHOP);
    const discount = remote.discounts.find((d) => d.title === title);
    expect(discount).toMatchObject({ kind: "automatic", functionHandle: "segment-discount", discountClasses: ["SHIPPING"] });
    expect(row.shopifyId).toBe(`gid://shopify/DiscountAutomaticNode/${discount?.id}`);
    const metafield = remote.metafields.get(row.shopifyId)?.find((m) => /^app--\d+$/.test(m.namespace) && m.key === "function-configuration");
    expect(metafield?.type).toBe("json");
    const configuration: unknown = JSON.parse(metafield?.value ?? "null");
    expect(configuration).toEqual({
      version: 1,
      segments: [segment.handle],
      guests: false,
      rule: { type: "SHIPPING_PERCENTAGE", percentage: 100 },
      products: "TAG",
      productTypes: [],
      collectionIds: [],
      productTags: ["handbag"],
      minimumSubtotal: null,
      minimumQuantity: 1,
      message: { en: "Free shipping with your handbag", nl: "Gratis verzending bij je handtas" },
    });
    expect(configurationProblem(configuration)).toBeNull();

    // what the Function does with it at checkout: a member with a handbag ships free; without one, or not a member, pays
    const checkout = (segments: string[], handbag: boolean) =>
      cartDeliveryOptionsDiscountsGenerateRun({
        cart: {
          lines: [{ id: "gid://shopify/CartLine/1", quantity: 1, cost: { subtotalAmount: { amount: "89.00" } }, merchandise: { id: "gid://shopify/ProductVariant/1", product: { id: "gid://shopify/Product/1", productType: "Bags", hasAnyTag: handbag, inAnyCollection: false } } }],
          buyerIdentity: { customer: { metafield: { jsonValue: segments } } },
          deliveryGroups: [{ id: "gid://shopify/CartDeliveryGroup/1", deliveryOptions: [{ handle: "standard", cost: { amount: "6.95" } }] }],
        },
        discount: { discountClasses: discount?.discountClasses ?? [], metafield: { jsonValue: configuration } },
        localization: { language: { isoCode: "NL" } },
      });
    expect(checkout([segment.handle], true).operations).toEqual([
      { deliveryDiscountsAdd: { candidates: [{ message: "Gratis verzending bij je handtas", targets: [{ deliveryGroup: { id: "gid://shopify/CartDeliveryGroup/1" } }], value: { percentage: { value: 100 } } }], selectionStrategy: "ALL" } },
    ]);
    expect(checkout([segment.handle], false).operations).toEqual([]);
    expect(checkout(["someone-else"], true).operations).toEqual([]);

    // listed on the discounts page with what it gives; paused there, and Shopify ends it
    await page.locator("ui-nav-menu a", { hasText: "Segment discounts" }).click();
    const listed = page.locator("tr", { hasText: title });
    await expect.poll(() => listed.count(), { timeout: 30_000 }).toBe(1);
    expect(await listed.textContent()).toMatch(/Active/);
    await listed.getByRole("button", { name: "Pause" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Pause" }).click();
    await expect.poll(async () => (await listed.textContent()) ?? "", { timeout: 30_000 }).toMatch(/Paused/);
    expect((await store.segmentDiscount.findFirstOrThrow({ where: { title } })).status).toBe("PAUSED");
    expect(demo.standIn.admin.shop(DEMO_SHOP).discounts.find((d) => d.title === title)?.endsAt).not.toBeNull();
    await page.screenshot({ path: join(artifacts, "admin-discounts.png"), fullPage: true });

    // and the segment's page names it
    await page.locator("ui-nav-menu a", { hasText: "Segments" }).click();
    await page.locator(`a[href="/app/segments/${segment.id}"]`).first().click();
    await expect.poll(() => page.getByRole("link", { name: title }).count(), { timeout: 30_000 }).toBe(1);
    expect(errors).toEqual([]);
  }, 300_000);

  it("shows every page in English and in Dutch (screenshots saved as test artifacts)", async () => {
    const segment = await store.segment.findFirstOrThrow({ orderBy: { id: "asc" } });
    for (const locale of ["en", "nl"] as const) {
      const { page, errors } = await adminPage();
      const nav = locale === "en" ? ["Home", "Customers", "Segments", "Templates", "Segment discounts", "Exports", "Settings"] : ["Start", "Klanten", "Segmenten", "Sjablonen", "Segmentkortingen", "Exports", "Instellingen"];
      await page.goto(`${demo.signInUrl}?locale=${locale}`, { waitUntil: "networkidle", timeout: 60_000 });
      for (const item of nav) {
        await page.locator("ui-nav-menu a", { hasText: item }).click();
        // the page is there once its title bar names it (each page's title is its menu item)
        await expect.poll(() => page.locator("ui-title-bar").getAttribute("title"), { timeout: 30_000 }).toBe(item);
        await page.waitForLoadState("networkidle");
        await page.screenshot({ path: join(artifacts, `page-${item.toLowerCase()}-${locale}.png`), fullPage: true });
        if (item === nav[1]) {
          await page.locator('a[href^="/app/customers/"]').first().click();
          await expect.poll(() => page.locator("#prediction-explanation").count(), { timeout: 30_000 }).toBe(1);
          await page.screenshot({ path: join(artifacts, `page-customer-${locale}.png`), fullPage: true });
        }
        if (item === nav[2]) {
          await page.locator(`a[href="/app/segments/${segment.id}"]`).first().click();
          await expect.poll(() => page.locator("#segment-count").textContent(), { timeout: 30_000 }).toMatch(/\d/);
          await page.screenshot({ path: join(artifacts, `page-segment-editor-${locale}.png`), fullPage: true });
        }
        if (item === nav[3]) {
          const use = page.locator('a[href="/app/segments/new?template=vip-top-spenders"]');
          expect(await use.textContent()).toBe(locale === "en" ? "Use template" : "Sjabloon gebruiken");
          await use.click();
          await expect.poll(() => page.locator("#segment-count").textContent(), { timeout: 30_000 }).toMatch(/\d/);
          // the page's data answers in the admin's language too, not the browser's (English here)
          const template = TEMPLATES.find((candidate) => candidate.key === "vip-top-spenders");
          expect(await page.getByLabel(locale === "en" ? "Name" : "Naam", { exact: true }).inputValue()).toBe(template?.name[locale]);
          await page.screenshot({ path: join(artifacts, `page-template-editor-${locale}.png`), fullPage: true });
          // the save bar shows for the unsaved template; discard it before leaving
          await page.locator("ui-save-bar").getByRole("button", { name: locale === "en" ? "Discard" : "Verwerpen" }).click();
          await page.waitForURL(/\/app\/segments(\?|$)/, { timeout: 30_000 });
        }
      }
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 300_000);
});

/** Picks a filter in the given row of the first group: types into the searchable picker and chooses the option. */
async function chooseFilter(page: Page, row: number, search: string, option: string) {
  const input = page.locator(`.segment-row[data-group="0"][data-row="${row}"] input[placeholder="Search filters"]`);
  await input.click();
  await input.fill(search);
  await page.getByRole("option", { name: option, exact: true }).click();
}
