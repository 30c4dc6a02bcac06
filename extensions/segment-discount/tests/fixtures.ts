/**
 * The fixture files (tests/fixtures/*.json): one scenario each, `input` → `expectedOutput` for one
 * export. Shared by the Node tests here and the QuickJS harness, which runs the bundled Function.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

export const FIXTURES_DIR = join(import.meta.dirname, "fixtures");

/** The toml's export names → the functions src/index.js exports for them. */
export const EXPORTS = {
  "cart-lines-discounts-generate-run": "cartLinesDiscountsGenerateRun",
  "cart-delivery-options-discounts-generate-run": "cartDeliveryOptionsDiscountsGenerateRun",
} as const;

export type ExportName = keyof typeof EXPORTS;

export interface Fixture {
  /** the file name without .json */
  name: string;
  description: string;
  export: ExportName;
  input: unknown;
  expectedOutput: unknown;
}

function isExportName(value: unknown): value is ExportName {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(EXPORTS, value);
}

/** Reads one fixture file; a malformed file is an error that names the file and the field. */
export function readFixture(path: string): Fixture {
  const name = basename(path, ".json");
  const json: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new Error(`${name}: a fixture is a JSON object`);
  const fields = json as Record<string, unknown>;
  const keys = Object.keys(fields).sort().join(",");
  if (keys !== "description,expectedOutput,export,input") throw new Error(`${name}: a fixture has exactly description, export, input and expectedOutput (has ${keys})`);
  if (typeof fields["description"] !== "string" || fields["description"].trim() === "") throw new Error(`${name}: description must be a sentence`);
  if (!isExportName(fields["export"])) throw new Error(`${name}: export must be one of ${Object.keys(EXPORTS).join(", ")}`);
  return { name, description: fields["description"], export: fields["export"], input: fields["input"], expectedOutput: fields["expectedOutput"] };
}

/** Every fixture, by file name. */
export function loadFixtures(dir = FIXTURES_DIR): Fixture[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => readFixture(join(dir, file)));
}
