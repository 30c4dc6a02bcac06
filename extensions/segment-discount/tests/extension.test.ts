/**
 * The extension's files agree with each other and with the app: the API version, the targets and
 * their exports, the input variables, the locales, the package, and the rules for src/ (plain
 * JavaScript that QuickJS can run: no imports from outside src/, no Node APIs, no clock, no randomness).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import * as fn from "../src/index.js";
import { EXPORTS } from "./fixtures";
import { EXTENSION_ROOT, extensionTargets, readExtensionToml } from "./function-schema";

const APP_ROOT = join(EXTENSION_ROOT, "..", "..");
const toml = readExtensionToml();
const extension = toml.extensions[0] as (typeof toml.extensions)[number] & Record<string, unknown>;

describe("shopify.extension.toml", () => {
  it("pins the app's API version (app/shopify.server.ts and shopify.app.toml)", async () => {
    const source = readFileSync(join(APP_ROOT, "app", "shopify.server.ts"), "utf8");
    const pinned = /export const apiVersion = ApiVersion\.(\w+);/.exec(source)?.[1];
    expect(pinned).toBeDefined();
    const { ApiVersion } = await import("@shopify/shopify-api");
    const app = parseToml(readFileSync(join(APP_ROOT, "shopify.app.toml"), "utf8")) as { webhooks: { api_version: string } };
    expect(toml.api_version).toBe(ApiVersion[pinned as keyof typeof ApiVersion]);
    expect(toml.api_version).toBe(app.webhooks.api_version);
  });

  it("declares one function extension, named through the locales", () => {
    expect(toml.extensions).toHaveLength(1);
    expect(extension).toMatchObject({ type: "function", handle: "segment-discount", name: "t:name", description: "t:description" });
    expect(extension["build"]).toEqual({ command: "", path: "dist/function.wasm" });
    expect(extension["ui"]).toEqual({ paths: { create: "/app/discounts/new", details: "/app/discounts/shopify/:id" } });
  });

  it("targets the unified Discount Function API, each export a function of src/index.js", () => {
    expect(extensionTargets().map((t) => [t.target, t.export, t.inputQuery])).toEqual([
      ["cart.lines.discounts.generate.run", "cart-lines-discounts-generate-run", "src/cart_lines_discounts_generate_run.graphql"],
      ["cart.delivery-options.discounts.generate.run", "cart-delivery-options-discounts-generate-run", "src/cart_delivery_options_discounts_generate_run.graphql"],
    ]);
    for (const target of extensionTargets()) {
      // Shopify calls the export's camelCase name
      const name = target.export.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      expect(EXPORTS[target.export as keyof typeof EXPORTS]).toBe(name);
      expect(typeof (fn as Record<string, unknown>)[name]).toBe("function");
    }
    expect(Object.keys(fn).sort()).toEqual(Object.values(EXPORTS).sort());
  });

  it("feeds the configuration metafield's collectionIds and productTags to the queries' variables", () => {
    expect(toml.extensions[0]?.input?.variables).toEqual({ namespace: "$app", key: "function-configuration" });
    for (const target of extensionTargets()) {
      const operation = target.query.definitions[0];
      const variables = operation?.kind === "OperationDefinition" ? (operation.variableDefinitions ?? []).map((v) => v.variable.name.value) : [];
      expect(variables.sort()).toEqual(["collectionIds", "productTags"]);
      expect(target.queryText).toContain('metafield(namespace: "$app", key: "function-configuration")');
      expect(target.queryText).toContain('metafield(namespace: "$app", key: "segments")');
    }
  });
});

describe("locales", () => {
  it("name and describe the extension in English and Dutch", () => {
    const files = readdirSync(join(EXTENSION_ROOT, "locales")).sort();
    expect(files).toEqual(["en.default.json", "nl.json"]);
    const [en, nl] = files.map((f) => JSON.parse(readFileSync(join(EXTENSION_ROOT, "locales", f), "utf8")) as Record<string, unknown>);
    for (const locale of [en, nl]) {
      expect(Object.keys(locale ?? {}).sort()).toEqual(["description", "name"]);
      for (const value of Object.values(locale ?? {})) expect(typeof value === "string" && value.trim().length > 0).toBe(true);
    }
    expect(nl?.["name"]).not.toBe(en?.["name"]);
  });
});

describe("package.json", () => {
  it("is the JS function template's, depending only on @shopify/shopify_function", () => {
    const pkg = JSON.parse(readFileSync(join(EXTENSION_ROOT, "package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg["name"]).toBe("segment-discount");
    expect(Object.keys(pkg["dependencies"] as object)).toEqual(["@shopify/shopify_function"]);
    expect(pkg["devDependencies"]).toBeUndefined();
  });
});

describe("src/", () => {
  const sources = readdirSync(join(EXTENSION_ROOT, "src"))
    .filter((f) => f.endsWith(".js"))
    .map((file) => ({ file, text: readFileSync(join(EXTENSION_ROOT, "src", file), "utf8") }));
  /** The code without comments and string contents, so a word in a comment or message does not count. */
  const code = (text: string) =>
    text
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/.*$/gm, "")
      .replace(/"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, '""');

  it("is type-checked JavaScript", () => {
    expect(sources.map((s) => s.file).sort()).toEqual([
      "cart_delivery_options_discounts_generate_run.js",
      "cart_lines_discounts_generate_run.js",
      "configuration.js",
      "eligibility.js",
      "index.js",
      "input.js",
      "money.js",
    ]);
    for (const { file, text } of sources) expect(text.startsWith("// @ts-check\n"), file).toBe(true);
  });

  it("imports only its own modules", () => {
    for (const { file, text } of sources) {
      for (const match of text.matchAll(/\bfrom\s+"([^"]+)"|\bimport\s*\(\s*"([^"]+)"/g)) {
        expect(match[1] ?? match[2], file).toMatch(/^\.\/[a-z_]+\.js$/);
      }
    }
  });

  it("uses no Node API, no clock and no randomness", () => {
    for (const { file, text } of sources) {
      expect(code(text), file).not.toMatch(/\b(?:require|process|Buffer|globalThis|Date|setTimeout|setInterval|fetch|console)\b|Math\.random|\bimport\s*\(/);
    }
  });
});
