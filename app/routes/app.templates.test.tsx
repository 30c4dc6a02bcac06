import { afterAll, describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";

const ctx = await vi.hoisted(() => import("../../test/app/test-app").then((m) => m.prepareTestApp()));
vi.mock("~/shopify.server", (importOriginal) => import("../../test/app/test-app").then((m) => m.testShopifyServer(importOriginal, ctx)));
const page = vi.hoisted(() => ({ data: undefined as unknown }));
vi.mock("@remix-run/react", (importOriginal) => import("../../test/app/remix-outside-router").then((m) => m.remixOutsideRouter(importOriginal, page)));

const { adminRequest, installTestShop } = await import("../../test/app/test-app");
const templatesPage = await import("./app.templates");
const { TEMPLATES } = await import("~/segments/templates");
const { I18nProvider } = await import("~/components/I18nProvider");

afterAll(() => ctx.store.drop());

const load = async (shop: string) => templatesPage.loader({ request: await adminRequest(ctx, "/app/templates", shop), params: {}, context: {} });

function render(data: unknown, locale: "en" | "nl"): string {
  page.data = data;
  return renderToStaticMarkup(
    <AppProvider i18n={polarisEn}>
      <I18nProvider locale={locale}>
        <templatesPage.default />
      </I18nProvider>
    </AppProvider>,
  );
}

/** Text as renderToStaticMarkup escapes it. */
const html = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#x27;");

describe("templates page", () => {
  it("shows every template grouped by goal, with its query and a link that opens the editor prefilled", async () => {
    await installTestShop(ctx, "templates-a.myshopify.com");
    const data = await load("templates-a.myshopify.com");
    expect(data.templates.map((template) => template.key)).toEqual(TEMPLATES.map((template) => template.key));
    const english = render(data, "en");
    const headings = ["Reward your best customers", "Convert and win back", "Reach them at the right moment", "Act on predictions", "By what they bought"];
    const positions = headings.map((heading) => english.indexOf(heading));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const template of TEMPLATES) {
      expect(english).toContain(html(template.name.en));
      expect(english).toContain(html(template.description.en));
      expect(english).toContain(html(template.query));
      expect(english).toContain(`href="/app/segments/new?template=${template.key}"`);
    }
    // each card sits under its goal: the VIP template before the lifecycle heading, the jeans after the products heading
    expect(english.indexOf("VIP customers")).toBeLessThan(english.indexOf("Convert and win back"));
    expect(english.indexOf("Over 25 and bought the sand-wash jeans")).toBeGreaterThan(english.indexOf("By what they bought"));
    expect(english.split("Use template").length - 1).toBe(TEMPLATES.length);
  });

  it("notes the templates that need a metafield the shop lacks, in the merchant's language", async () => {
    await installTestShop(ctx, "templates-b.myshopify.com");
    const lacking = await load("templates-b.myshopify.com");
    const needing = TEMPLATES.filter((template) => template.requires?.length).map((template) => template.key);
    expect(needing.length).toBeGreaterThan(0);
    expect(lacking.templates.filter((template) => template.missing.length > 0).map((template) => template.key)).toEqual(needing);
    const dutch = render(lacking, "nl");
    expect(dutch).toContain("Beloon je beste klanten");
    expect(dutch).toContain("Sjabloon gebruiken");
    expect(dutch).toContain(html(TEMPLATES[0]!.name.nl));
    expect(dutch.split("Heeft het klantmetaveld metafields.facts.birth_date nodig").length - 1).toBe(needing.length);

    const shop = await ctx.store.db.shop.findUniqueOrThrow({ where: { domain: "templates-b.myshopify.com" } });
    await ctx.store.db.metafieldDefinition.create({ data: { shopId: shop.id, namespace: "facts", key: "birth_date", name: "Birthday", type: "date" } });
    const having = await load("templates-b.myshopify.com");
    expect(having.templates.every((template) => template.missing.length === 0)).toBe(true);
    expect(render(having, "en")).not.toContain("Needs the customer metafield");
    expect(render(lacking, "en")).toContain("Needs the customer metafield metafields.facts.birth_date");
  });
});
