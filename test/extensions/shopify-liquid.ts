/**
 * Renders the segment-banner theme app extension with liquidjs, standing in for Shopify's
 * renderer: the extension's blocks and snippets, its storefront locale files, and the few Shopify
 * tags and filters it uses (`schema`, `doc`, `t`, `image_url`, `image_tag`). Everything else —
 * `date` with 'now', `split`, `strip`, `times`, `round`, `render`, `capture` — is liquidjs's own.
 * Unknown filters are errors, so a filter added to the block without a stand-in here fails the tests.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Liquid, Tag, TagToken, type TopLevelToken } from "liquidjs";

export const EXTENSION_ROOT = join(import.meta.dirname, "..", "..", "extensions", "segment-banner");
export const BLOCK_FILE = join(EXTENSION_ROOT, "blocks", "segment-banner.liquid");

export const LOCALE_FILES = {
  en: { storefront: "en.default.json", schema: "en.default.schema.json" },
  nl: { storefront: "nl.json", schema: "nl.schema.json" },
} as const;
export type Locale = keyof typeof LOCALE_FILES;

export interface Translations {
  [key: string]: string | Translations;
}

export function readLocale(file: string): Translations {
  return JSON.parse(readFileSync(join(EXTENSION_ROOT, "locales", file), "utf8")) as Translations;
}

/** The string at a dotted key, or undefined when the key is missing or names a group. */
export function lookup(translations: Translations, key: string): string | undefined {
  let node: string | Translations | undefined = translations;
  for (const part of key.split(".")) {
    if (typeof node !== "object") return undefined;
    node = node[part];
  }
  return typeof node === "string" ? node : undefined;
}

/** Every dotted key that holds a string. */
export function flatKeys(translations: Translations, prefix = ""): string[] {
  return Object.entries(translations).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : flatKeys(value, `${prefix}${key}.`),
  );
}

/** The `{{ name }}` placeholders of a translation, sorted. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1] ?? "").sort();
}

/** The JSON inside the block's `{% schema %}` tag. */
export function blockSchema(): BlockSchema {
  const source = readFileSync(BLOCK_FILE, "utf8");
  const json = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/.exec(source)?.[1];
  if (json === undefined) throw new Error("blocks/segment-banner.liquid has no {% schema %} tag");
  return JSON.parse(json) as BlockSchema;
}

export interface SchemaSetting {
  type: string;
  id?: string;
  label?: string;
  info?: string;
  content?: string;
  default?: string | number | boolean;
  options?: { value: string; label: string }[];
  [attribute: string]: unknown;
}

export interface BlockSchema {
  name: string;
  target: string;
  stylesheet?: string;
  settings: SchemaSetting[];
  [attribute: string]: unknown;
}

/** Shopify's `image` object, as an image_picker setting gives it. */
export interface ShopifyImage {
  src: string;
  width: number;
  height: number;
  alt: string | null;
}

/** What Shopify's `image_url` returns: a CDN URL that still knows its image, for `image_tag`. */
class ImageUrl {
  constructor(
    readonly image: ShopifyImage,
    readonly width: number,
  ) {}

  at(width: number): string {
    return `${this.image.src}?width=${width}`;
  }

  toString(): string {
    return this.at(this.width);
  }
}

/** liquidjs hands `name: value` filter arguments over as [name, value] pairs. */
function namedArguments(args: unknown[]): Map<string, unknown> {
  const named = new Map<string, unknown>();
  for (const arg of args) if (Array.isArray(arg) && typeof arg[0] === "string") named.set(arg[0], arg[1]);
  return named;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Shopify's `{% schema %}` and `{% doc %}`: their body is data for the editor and tools, never output. */
class SilentBlock extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    const end = `end${token.name}`;
    while (remainTokens.length > 0) {
      const next = remainTokens.shift();
      if (next instanceof TagToken && next.name === end) return;
    }
    throw new Error(`{% ${token.name} %} is not closed`);
  }

  *render(): Generator<unknown, void, unknown> {}
}

export interface EngineOptions {
  locale: Locale;
  /** The shop's time zone: Shopify's `'now' | date` is the shop's local time. */
  timeZone: string;
}

export function shopifyLiquid({ locale, timeZone }: EngineOptions): Liquid {
  const engine = new Liquid({
    root: [join(EXTENSION_ROOT, "blocks")],
    partials: [join(EXTENSION_ROOT, "snippets")],
    extname: ".liquid",
    strictFilters: true,
    timezoneOffset: timeZone,
  });
  engine.registerTag("schema", SilentBlock);
  engine.registerTag("doc", SilentBlock);

  const translations = readLocale(LOCALE_FILES[locale].storefront);
  engine.registerFilter("t", (key: unknown, ...args: unknown[]) => {
    const text = lookup(translations, String(key));
    // Shopify prints "translation missing"; a test should fail instead
    if (text === undefined) throw new Error(`translation missing: ${locale}.${String(key)}`);
    const values = namedArguments(args);
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
      if (!values.has(name)) throw new Error(`${String(key)} needs a value for {{ ${name} }}`);
      return String(values.get(name));
    });
  });

  engine.registerFilter("image_url", (image: unknown, ...args: unknown[]) => {
    if (typeof image !== "object" || image === null) throw new Error("image_url needs an image");
    const wanted = Number(namedArguments(args).get("width"));
    const source = image as ShopifyImage;
    return new ImageUrl(source, Math.min(wanted, source.width));
  });

  // Shopify's image_tag: width and height from the image, so the browser reserves the box
  engine.registerFilter("image_tag", (url: unknown, ...args: unknown[]) => {
    if (!(url instanceof ImageUrl)) throw new Error("image_tag needs the result of image_url");
    const named = namedArguments(args);
    const height = Math.round((url.width * url.image.height) / url.image.width);
    const widths = String(named.get("widths") ?? "")
      .split(",")
      .map((width) => Number(width.trim()))
      .filter((width) => width > 0 && width <= url.image.width);
    const attributes: [string, string][] = [
      ["src", url.toString()],
      ["alt", String(named.get("alt") ?? url.image.alt ?? "")],
      ["srcset", widths.map((width) => `${url.at(width)} ${width}w`).join(", ")],
      ["width", String(url.width)],
      ["height", String(height)],
    ];
    for (const name of ["sizes", "class", "loading"]) {
      const value = named.get(name);
      if (value !== undefined) attributes.push([name, String(value)]);
    }
    return `<img ${attributes.map(([name, value]) => `${name}="${escapeAttribute(value)}"`).join(" ")}>`;
  });

  return engine;
}
