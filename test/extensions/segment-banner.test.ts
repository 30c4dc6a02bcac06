/**
 * The segment-banner app block, rendered through liquidjs the way Shopify renders it: who sees the
 * main banner, who sees the fallback, the schedule, bad settings, and the locale and schema files.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  blockSchema,
  BLOCK_FILE,
  EXTENSION_ROOT,
  flatKeys,
  LOCALE_FILES,
  lookup,
  placeholders,
  readLocale,
  shopifyLiquid,
  type Locale,
  type ShopifyImage,
} from "./shopify-liquid";

const TIME_ZONE = "Europe/Amsterdam";
/** 2026-03-15 in Amsterdam (13:00 local). */
const TODAY = "2026-03-15T12:00:00Z";

interface Customer {
  metafields: { $app?: { segments?: { value: string[] | null } } };
}
interface Cart {
  total_price: number;
  currency: { iso_code: string };
  items: { product: { type: string } }[];
}
type Settings = Record<string, string | number | boolean | ShopifyImage | null>;

const EMPTY_CART: Cart = { total_price: 0, currency: { iso_code: "EUR" }, items: [] };
const DENIM: ShopifyImage = { src: "https://cdn.example.com/files/denim.jpg", width: 3000, height: 2000, alt: "Denim on a shelf" };

function member(...handles: string[]): Customer {
  return { metafields: { $app: { segments: { value: handles } } } };
}

function cart(totalPrice: number, types: string[] = [], currency = "EUR"): Cart {
  return { total_price: totalPrice, currency: { iso_code: currency }, items: types.map((type) => ({ product: { type } })) };
}

/** The block's settings as Shopify gives them: schema defaults (translated), then the merchant's. */
function settingsWith(overrides: Settings): Settings {
  const schemaLocale = readLocale(LOCALE_FILES.en.schema);
  const settings: Settings = {};
  for (const setting of blockSchema().settings) {
    if (setting.id === undefined) continue;
    const value = setting.default;
    settings[setting.id] = typeof value === "string" && value.startsWith("t:") ? (lookup(schemaLocale, value.slice(2)) ?? null) : (value ?? null);
  }
  return { ...settings, ...overrides };
}

interface Visit {
  settings?: Settings;
  customer?: Customer | null;
  cart?: Cart;
  designMode?: boolean;
  locale?: Locale;
  now?: string;
}

async function render(visit: Visit): Promise<string> {
  vi.setSystemTime(new Date(visit.now ?? TODAY));
  const engine = shopifyLiquid({ locale: visit.locale ?? "en", timeZone: TIME_ZONE });
  const html = await engine.renderFile(
    "segment-banner",
    { block: { id: "b1", settings: settingsWith(visit.settings ?? {}) } },
    {
      globals: {
        customer: visit.customer ?? null,
        cart: visit.cart ?? EMPTY_CART,
        shop: { currency: "EUR" },
        request: { design_mode: visit.designMode ?? false },
      },
    },
  );
  return normalise(String(html));
}

/** Whitespace is not what these tests are about: collapse it, and drop it between tags. */
function normalise(html: string): string {
  return html
    .replace(/\s+/g, " ")
    .replace(/>\s+</g, "><")
    .replace(/\s+>/g, ">")
    .trim();
}

/** The members' banner as the block's settings below describe it. */
const MAIN_SETTINGS: Settings = {
  segments: "vip-customers, jeans-buyers",
  heading: "VIP early access",
  text: "<p>Shop the sale a day before everyone else.</p>",
  image: DENIM,
  button_label: "Shop now",
  button_link: "/collections/sale",
  color_scheme: "scheme-2",
};

const MAIN_BANNER = normalise(`
  <section class="segment-banner segment-banner--main color-scheme-2" aria-labelledby="SegmentBanner-b1-main">
    <div class="segment-banner__media">
      <img src="https://cdn.example.com/files/denim.jpg?width=1500" alt="Denim on a shelf"
        srcset="https://cdn.example.com/files/denim.jpg?width=375 375w, https://cdn.example.com/files/denim.jpg?width=750 750w, https://cdn.example.com/files/denim.jpg?width=1100 1100w, https://cdn.example.com/files/denim.jpg?width=1500 1500w"
        width="1500" height="1000" sizes="(min-width: 750px) 40vw, 100vw" class="segment-banner__image">
    </div>
    <div class="segment-banner__content">
      <h2 id="SegmentBanner-b1-main" class="segment-banner__heading">VIP early access</h2>
      <div class="segment-banner__text rte"><p>Shop the sale a day before everyone else.</p></div>
      <a class="segment-banner__button button" href="/collections/sale">Shop now</a>
    </div>
  </section>
`);

const FALLBACK_SETTINGS: Settings = {
  fallback: "banner",
  fallback_heading: "Join our VIP club",
  fallback_text: "<p>Members get early access to every sale.</p>",
  fallback_button_label: "Sign up",
  fallback_button_link: "/account/register",
};

const FALLBACK_BANNER = normalise(`
  <section class="segment-banner segment-banner--fallback color-scheme-2" aria-labelledby="SegmentBanner-b1-fallback">
    <div class="segment-banner__content">
      <h2 id="SegmentBanner-b1-fallback" class="segment-banner__heading">Join our VIP club</h2>
      <div class="segment-banner__text rte"><p>Members get early access to every sale.</p></div>
      <a class="segment-banner__button button" href="/account/register">Sign up</a>
    </div>
  </section>
`);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("who sees the banner", () => {
  it("shows a member the main banner: labelled region, heading, text, sized image, real link, theme colour scheme", async () => {
    expect(await render({ settings: MAIN_SETTINGS, customer: member("vip-customers") })).toBe(MAIN_BANNER);
  });

  it("matches any of the handles, ignoring spaces and capitals in the setting", async () => {
    const settings = { ...MAIN_SETTINGS, segments: "  Repeat-Buyers ,JEANS-buyers,, " };
    expect(await render({ settings, customer: member("newsletter", "jeans-buyers") })).toBe(MAIN_BANNER);
  });

  it("shows a customer outside the segments nothing, or the fallback banner", async () => {
    const outsider = member("newsletter");
    expect(await render({ settings: MAIN_SETTINGS, customer: outsider })).toBe("");
    expect(await render({ settings: { ...MAIN_SETTINGS, ...FALLBACK_SETTINGS }, customer: outsider })).toBe(FALLBACK_BANNER);
  });

  it("does not match part of a handle", async () => {
    expect(await render({ settings: MAIN_SETTINGS, customer: member("vip-customers-2024", "jeans") })).toBe("");
  });

  it("treats a customer without the metafield, or with an empty list, as not a member", async () => {
    const settings = { ...MAIN_SETTINGS, ...FALLBACK_SETTINGS };
    expect(await render({ settings, customer: { metafields: {} } })).toBe(FALLBACK_BANNER);
    expect(await render({ settings, customer: { metafields: { $app: { segments: { value: null } } } } })).toBe(FALLBACK_BANNER);
    expect(await render({ settings, customer: member() })).toBe(FALLBACK_BANNER);
  });

  it("shows a guest (no customer object) the fallback banner, or nothing", async () => {
    expect(await render({ settings: { ...MAIN_SETTINGS, ...FALLBACK_SETTINGS }, customer: null })).toBe(FALLBACK_BANNER);
    expect(await render({ settings: MAIN_SETTINGS, customer: null })).toBe("");
  });

  it("counts nobody as a member when the handles setting is blank", async () => {
    const settings = { ...MAIN_SETTINGS, ...FALLBACK_SETTINGS, segments: null };
    expect(await render({ settings, customer: member("vip-customers") })).toBe(FALLBACK_BANNER);
    expect(await render({ settings: { ...settings, segments: " , ," }, customer: member("vip-customers") })).toBe(FALLBACK_BANNER);
  });
});

describe("cart conditions for visitors who are not members", () => {
  const settings = { ...MAIN_SETTINGS, ...FALLBACK_SETTINGS };

  it("shows a guest whose cart total reaches the minimum the main banner (the setting is in major units, the cart in cents)", async () => {
    const withMinimum = { ...settings, cart_min_subtotal: 50 };
    expect(await render({ settings: withMinimum, cart: cart(5000) })).toBe(MAIN_BANNER);
    expect(await render({ settings: withMinimum, cart: cart(4999) })).toBe(FALLBACK_BANNER);
  });

  it("compares a decimal minimum exactly (1.1 × 100 is 110.00000000000001 in floating point)", async () => {
    const withMinimum = { ...settings, cart_min_subtotal: 1.1 };
    expect(await render({ settings: withMinimum, cart: cart(110) })).toBe(MAIN_BANNER);
    expect(await render({ settings: withMinimum, cart: cart(109) })).toBe(FALLBACK_BANNER);
  });

  it("does not compare a cart in another currency with the shop-currency minimum", async () => {
    expect(await render({ settings: { ...settings, cart_min_subtotal: 50 }, cart: cart(9000, [], "USD") })).toBe(FALLBACK_BANNER);
  });

  it("treats a minimum of 0 as no condition, so it does not let every visitor in", async () => {
    expect(await render({ settings: { ...settings, cart_min_subtotal: 0 }, cart: cart(0) })).toBe(FALLBACK_BANNER);
  });

  it("shows a guest whose cart holds a product of the type the main banner, ignoring case and spaces", async () => {
    const withType = { ...settings, cart_product_type: " jeans " };
    expect(await render({ settings: withType, cart: cart(2000, ["T-shirt", "Jeans"]) })).toBe(MAIN_BANNER);
    expect(await render({ settings: withType, cart: cart(2000, ["T-shirt", "Jeans jacket"]) })).toBe(FALLBACK_BANNER);
    expect(await render({ settings: withType, cart: EMPTY_CART })).toBe(FALLBACK_BANNER);
  });

  it("needs every filled-in condition by default, and one of them with 'any'", async () => {
    const both = { ...settings, cart_min_subtotal: 50, cart_product_type: "Jeans" };
    expect(await render({ settings: both, cart: cart(6000, ["Jeans"]) })).toBe(MAIN_BANNER);
    expect(await render({ settings: both, cart: cart(6000, ["Shirt"]) })).toBe(FALLBACK_BANNER);
    expect(await render({ settings: both, cart: cart(1000, ["Jeans"]) })).toBe(FALLBACK_BANNER);
    const either = { ...both, cart_match: "any" };
    expect(await render({ settings: either, cart: cart(6000, ["Shirt"]) })).toBe(MAIN_BANNER);
    expect(await render({ settings: either, cart: cart(1000, ["Jeans"]) })).toBe(MAIN_BANNER);
    expect(await render({ settings: either, cart: cart(1000, ["Shirt"]) })).toBe(FALLBACK_BANNER);
  });

  it("applies to logged-in customers outside the segments too", async () => {
    expect(await render({ settings: { ...settings, cart_product_type: "Jeans" }, customer: member("newsletter"), cart: cart(2000, ["Jeans"]) })).toBe(
      MAIN_BANNER,
    );
  });

  it("shows nobody the main banner through the cart when no condition is filled in", async () => {
    expect(await render({ settings, cart: cart(100_000, ["Jeans"]) })).toBe(FALLBACK_BANNER);
  });
});

describe("the schedule", () => {
  const scheduled = { ...MAIN_SETTINGS, ...FALLBACK_SETTINGS, start_date: "2026-03-10", end_date: "2026-03-20" };
  const vip = member("vip-customers");

  it("shows the block inside the window, both ends included, in the shop's time zone", async () => {
    expect(await render({ settings: scheduled, customer: vip })).toBe(MAIN_BANNER);
    // 23:30 UTC on the 9th is already the 10th in Amsterdam
    expect(await render({ settings: scheduled, customer: vip, now: "2026-03-09T23:30:00Z" })).toBe(MAIN_BANNER);
    expect(await render({ settings: scheduled, customer: vip, now: "2026-03-20T22:30:00Z" })).toBe(MAIN_BANNER);
  });

  it("shows nothing, to members and everyone else alike, before the start and after the end", async () => {
    for (const now of ["2026-03-09T22:30:00Z", "2026-03-20T23:30:00Z", "2027-01-01T12:00:00Z"]) {
      expect(await render({ settings: scheduled, customer: vip, now })).toBe("");
      expect(await render({ settings: scheduled, customer: null, now })).toBe("");
    }
  });

  it("treats a blank date as an open end", async () => {
    expect(await render({ settings: { ...scheduled, start_date: "", end_date: "2026-03-15" }, customer: vip })).toBe(MAIN_BANNER);
    expect(await render({ settings: { ...scheduled, start_date: "2026-03-15", end_date: null }, customer: vip })).toBe(MAIN_BANNER);
    expect(await render({ settings: { ...scheduled, start_date: " 2026-03-15 " }, customer: vip })).toBe(MAIN_BANNER);
  });

  it("tells the merchant in the theme editor why the block is hidden", async () => {
    const early = await render({ settings: scheduled, customer: vip, now: "2026-03-01T12:00:00Z", designMode: true });
    expect(early).toBe(
      '<p class="segment-banner__editor-note">Segment banner is scheduled: shoppers see it from 2026-03-10 (today is 2026-03-01 in the shop\'s time zone).</p>',
    );
    const late = await render({ settings: scheduled, customer: vip, now: "2026-04-01T12:00:00Z", designMode: true, locale: "nl" });
    expect(late).toBe(
      '<p class="segment-banner__editor-note">Segmentbanner is afgelopen: klanten zagen hem tot en met 2026-03-20 (vandaag is het 2026-04-01 in de tijdzone van de winkel).</p>',
    );
  });
});

describe("bad settings", () => {
  const settings = { ...MAIN_SETTINGS, ...FALLBACK_SETTINGS };
  const vip = member("vip-customers");

  it.each([
    ["2026-02-30"],
    ["2026-13-01"],
    ["2026-00-10"],
    ["2026-03-00"],
    ["2026-3-5"],
    ["31-01-2026"],
    ["2026/03/01"],
    ["20260301"],
    ["2026-03-01x"],
    ["tomorrow"],
    ["2100-02-29"],
  ])("hides the block for everyone when a date is malformed (%s), and says so in the editor", async (date) => {
    for (const dates of [{ start_date: date }, { end_date: date }] as Settings[]) {
      expect(await render({ settings: { ...settings, ...dates }, customer: vip })).toBe("");
      expect(await render({ settings: { ...settings, ...dates }, customer: null })).toBe("");
      expect(await render({ settings: { ...settings, ...dates }, customer: vip, designMode: true })).toBe(
        '<p class="segment-banner__editor-note">Segment banner is hidden: the start or end date is not a date written as YYYY-MM-DD (for example 2026-01-31). Correct it to show the banner.</p>',
      );
    }
  });

  it("accepts leap days in leap years", async () => {
    const open = { ...settings, start_date: "2000-02-29", end_date: "2028-02-29" };
    expect(await render({ settings: open, customer: vip })).toBe(MAIN_BANNER);
  });

  it("hides the block when the start date is after the end date", async () => {
    const reversed = { ...settings, start_date: "2026-03-20", end_date: "2026-03-10" };
    expect(await render({ settings: reversed, customer: vip })).toBe("");
    expect(await render({ settings: reversed, customer: vip, designMode: true, locale: "nl" })).toBe(
      '<p class="segment-banner__editor-note">Segmentbanner is verborgen: de begindatum 2026-03-20 ligt na de einddatum 2026-03-10.</p>',
    );
  });

  it("shows no banner without a heading and text, and no button without both label and link", async () => {
    expect(await render({ settings: { ...MAIN_SETTINGS, heading: null, text: null }, customer: vip })).toBe("");
    const noLink = await render({ settings: { ...MAIN_SETTINGS, button_link: null }, customer: vip });
    expect(noLink).not.toContain("<a ");
    expect(noLink).toContain("VIP early access");
  });

  it("escapes the heading and button label", async () => {
    const html = await render({ settings: { ...MAIN_SETTINGS, heading: 'Tom & Jerry <script>"', button_label: "<b>Go</b>" }, customer: vip });
    expect(html).toContain('<h2 id="SegmentBanner-b1-main" class="segment-banner__heading">Tom &amp; Jerry &lt;script&gt;&#34;</h2>');
    expect(html).toContain('href="/collections/sale">&lt;b&gt;Go&lt;/b&gt;</a>');
    expect(html).not.toContain("<script>");
  });
});

describe("accessibility", () => {
  const vip = member("vip-customers");

  it("labels a banner without a heading with a translated region name", async () => {
    const settings = { ...MAIN_SETTINGS, heading: "", image: null, color_scheme: null };
    const expected = (label: string) =>
      `<section class="segment-banner segment-banner--main" aria-label="${label}"><div class="segment-banner__content"><div class="segment-banner__text rte"><p>Shop the sale a day before everyone else.</p></div><a class="segment-banner__button button" href="/collections/sale">Shop now</a></div></section>`;
    expect(await render({ settings, customer: vip })).toBe(expected("Announcement"));
    expect(await render({ settings, customer: vip, locale: "nl" })).toBe(expected("Mededeling"));
  });

  it("takes the image's alt text from the heading when the image has none", async () => {
    const html = await render({ settings: { ...MAIN_SETTINGS, image: { ...DENIM, alt: null } }, customer: vip });
    expect(html).toContain('alt="VIP early access"');
    expect(html).toContain('width="1500" height="1000"');
  });

  it("does not ask for an image wider than the original", async () => {
    const small: ShopifyImage = { src: "https://cdn.example.com/files/small.png", width: 800, height: 400, alt: "Small" };
    const html = await render({ settings: { ...MAIN_SETTINGS, image: small }, customer: vip });
    expect(html).toContain('width="800" height="400"');
    expect(html).toContain('srcset="https://cdn.example.com/files/small.png?width=375 375w, https://cdn.example.com/files/small.png?width=750 750w"');
  });
});

describe("schema and locale files", () => {
  const schema = blockSchema();
  const liquidFiles = [BLOCK_FILE, ...readdirSync(join(EXTENSION_ROOT, "snippets")).map((file) => join(EXTENSION_ROOT, "snippets", file))];
  const liquid = liquidFiles.map((file) => readFileSync(file, "utf8").replace(/\{%-?\s*schema[\s\S]*?endschema\s*-?%\}/, ""));

  it("is an app block for sections with its stylesheet in assets/", () => {
    expect(schema.target).toBe("section");
    expect(schema.stylesheet).toBe("segment-banner.css");
    expect(readdirSync(join(EXTENSION_ROOT, "assets"))).toContain("segment-banner.css");
  });

  it("has settings that Shopify's setting schema accepts, with unique ids", () => {
    // the setting schema from Shopify/theme-liquid-docs, as bundled with theme-check
    const settingSchema = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "node_modules", "@shopify", "theme-check-docs-updater", "data", "setting.json"), "utf8")) as object;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(settingSchema);
    for (const setting of schema.settings) expect(validate(setting) ? [] : validate.errors, JSON.stringify(setting)).toEqual([]);
    const ids = schema.settings.flatMap((setting) => (setting.id === undefined ? [] : [setting.id]));
    expect(new Set(ids).size).toBe(ids.length);
    const types = new Set(schema.settings.map((setting) => setting.type));
    expect([...types].filter((type) => !["header", "text", "richtext", "image_picker", "url", "color_scheme", "number", "select"].includes(type))).toEqual([]);
    for (const setting of schema.settings.filter((s) => s.type === "select")) {
      expect(setting.options?.map((option) => option.value)).toContain(setting.default);
    }
  });

  it("uses every setting it declares, and declares every setting it uses", () => {
    const declared = schema.settings.flatMap((setting) => (setting.id === undefined ? [] : [setting.id])).sort();
    const used = [...new Set(liquid.flatMap((source) => [...source.matchAll(/block\.settings\.(\w+)/g)].map((match) => match[1] ?? "")))].sort();
    expect(used).toEqual(declared);
  });

  it("has every t: key of the schema in both schema locale files", () => {
    const keys = JSON.stringify(schema)
      .match(/"t:[^"]+"/g)
      ?.map((key) => key.slice(3, -1));
    expect(keys?.length).toBeGreaterThan(20);
    for (const { schema: file } of Object.values(LOCALE_FILES)) {
      const translations = readLocale(file);
      expect(keys?.filter((key) => lookup(translations, key) === undefined), file).toEqual([]);
    }
  });

  it("has every | t key of the Liquid in both storefront locale files", () => {
    const keys = liquid.flatMap((source) => [...source.matchAll(/'([\w.]+)'\s*\|\s*t\b/g)].map((match) => match[1] ?? ""));
    expect(keys.length).toBeGreaterThan(4);
    for (const { storefront: file } of Object.values(LOCALE_FILES)) {
      const translations = readLocale(file);
      expect(keys.filter((key) => lookup(translations, key) === undefined), file).toEqual([]);
    }
  });

  it("translates every English string into Dutch with the same placeholders, and nothing more", () => {
    for (const kind of ["storefront", "schema"] as const) {
      const english = readLocale(LOCALE_FILES.en[kind]);
      const dutch = readLocale(LOCALE_FILES.nl[kind]);
      expect(flatKeys(dutch).sort()).toEqual(flatKeys(english).sort());
      for (const key of flatKeys(english)) {
        expect(placeholders(lookup(dutch, key) ?? ""), key).toEqual(placeholders(lookup(english, key) ?? ""));
        expect(lookup(dutch, key), key).not.toBe("");
      }
    }
  });
});
