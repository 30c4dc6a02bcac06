/**
 * Shopify's theme check, with the configuration `shopify app` uses for theme app extensions
 * (`theme-check:theme-app-extension`), reports nothing in extensions/segment-banner.
 *
 * Theme check reads Shopify's Liquid docs (filters, objects, tags, locale JSON schema). It tries to
 * download the newest copy into the user's cache, and falls back to the copy bundled with
 * @shopify/theme-check-docs-updater when that fails. Here the "download" points at an empty local
 * folder and the cache at a throw-away one, so the check runs offline, on the bundled docs, the same
 * on every machine and with no network.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXTENSION_ROOT } from "./shopify-liquid";

const CONFIG = "theme-check:theme-app-extension";
const ENV_KEYS = ["SHOPIFY_TLD_ROOT", "XDG_CACHE_HOME"] as const;

describe("theme check", () => {
  let scratch: string;
  let themeCheck: typeof import("@shopify/theme-check-node");
  const saved = new Map<string, string | undefined>();
  const log: string[] = [];

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "segment-banner-theme-check-"));
    for (const key of ENV_KEYS) saved.set(key, process.env[key]);
    // read before the import: the docs cache folder is fixed when the module loads
    process.env.SHOPIFY_TLD_ROOT = join(scratch, "no-downloads");
    process.env.XDG_CACHE_HOME = join(scratch, "cache");
    themeCheck = await import("@shopify/theme-check-node");
  });

  afterAll(() => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  async function offences(root: string): Promise<{ check: string; file: string; message: string }[]> {
    const run = await themeCheck.themeCheckRun(root, CONFIG, (message) => log.push(message));
    expect(run.config.context).toBe("app");
    expect(run.theme.length).toBeGreaterThan(0);
    return run.offenses.map((offence) => ({ check: offence.check, file: offence.uri.slice(offence.uri.lastIndexOf("/") + 1), message: offence.message }));
  }

  it("reports no offences for the extension", async () => {
    expect(await offences(EXTENSION_ROOT)).toEqual([]);
    // it ran on the bundled docs, without a download
    expect(log.some((line) => line.includes("Loaded fallback resource"))).toBe(true);
    expect(log.some((line) => line.includes("Successfully downloaded"))).toBe(false);
  });

  it("does report offences when there are some (so the clean run above means something)", async () => {
    const broken = join(scratch, "broken");
    cpSync(EXTENSION_ROOT, broken, { recursive: true });
    const snippet = join(broken, "snippets", "segment-banner-content.liquid");
    const source = readFileSync(snippet, "utf8")
      .replace("'segment_banner.region_label' | t", "'segment_banner.no_such_key' | t")
      .replace("{{ heading | escape }}", "{{ heading | escape | shout }}");
    writeFileSync(snippet, source);
    const found = await offences(broken);
    expect(found.map(({ check, file }) => `${check} ${file}`).sort()).toEqual([
      "TranslationKeyExists segment-banner-content.liquid",
      "UnknownFilter segment-banner-content.liquid",
    ]);
  });
});
