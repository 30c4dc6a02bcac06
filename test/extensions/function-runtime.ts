import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { newQuickJSWASMModule, RELEASE_SYNC, type QuickJSWASMModule } from "quickjs-emscripten";

/**
 * The discount Function as Shopify's toolchain runs it, as near as this machine can: its source
 * bundled by esbuild into one minified script (the CLI bundles JavaScript Functions with esbuild
 * before Javy compiles them), evaluated in QuickJS (the engine Javy embeds) with no Node APIs, no
 * clock and no randomness, and Shopify's memory and stack limits. Building the real WASM needs the
 * Shopify CLI and the internet; see extensions/segment-discount/README.md.
 */

export const FUNCTION_ENTRY = fileURLToPath(new URL("../../extensions/segment-discount/src/index.js", import.meta.url));

/** Shopify's fixed limits for a Function: linear memory 10,000 kB, stack 512 kB. */
export const MEMORY_LIMIT_BYTES = 10_000 * 1024;
export const STACK_LIMIT_BYTES = 512 * 1024;

/** Bundles a Function entry (ES module exporting the run functions) into a minified script that sets `globalThis.__function`. */
export async function bundleFunction(entry: string = FUNCTION_ENTRY): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "iife",
    globalName: "__function",
    platform: "neutral",
    target: "es2020",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry}`);
  return file.text;
}

/** `cart-lines-discounts-generate-run` → `cartLinesDiscountsGenerateRun`, as Shopify maps a target's export to the module's. */
export function exportFunctionName(exportName: string): string {
  return exportName.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

// Runs before the bundle: what a Shopify Function may not use throws, so a fixture that passes
// in Node but needs one of them fails here.
const SANDBOX = `
(() => {
  const refuse = (what) => () => { throw new Error(what + " is not available in a Shopify Function"); };
  Math.random = refuse("Math.random");
  const NoDate = function () { throw new Error("Date is not available in a Shopify Function"); };
  NoDate.now = refuse("Date.now");
  globalThis.Date = NoDate;
})();
`;

const HARNESS = `
globalThis.__run = (name, json) => {
  const fn = globalThis.__function && globalThis.__function[name];
  if (typeof fn !== "function") throw new Error("the bundle exports no function " + name);
  return JSON.stringify(fn(JSON.parse(json)));
};
`;

let module: Promise<QuickJSWASMModule> | undefined;

type Context = ReturnType<ReturnType<QuickJSWASMModule["newRuntime"]>["newContext"]>;

/** A fresh runtime with Shopify's limits, the sandbox, the bundle and the harness evaluated; `body` runs in it. */
async function inFreshContext<T>(bundle: string, body: (vm: Context) => T): Promise<T> {
  module ??= newQuickJSWASMModule(RELEASE_SYNC);
  const quickjs = await module;
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(MEMORY_LIMIT_BYTES);
  runtime.setMaxStackSize(STACK_LIMIT_BYTES);
  const vm = runtime.newContext();
  try {
    for (const [code, file] of [
      [SANDBOX, "sandbox.js"],
      [bundle, "function.js"],
      [HARNESS, "harness.js"],
    ] as const) {
      vm.unwrapResult(vm.evalCode(code, file)).dispose();
    }
    return body(vm);
  } finally {
    vm.dispose();
    runtime.dispose();
  }
}

/**
 * Runs one export of a bundled Function on one input, each run in a fresh runtime as Shopify runs
 * each Function call in a fresh instance: the bundle is evaluated, the input parsed from JSON, the
 * function called, the output serialised. Throws with the engine's message when the script does.
 */
export async function runInQuickJS(bundle: string, exportName: string, input: unknown): Promise<unknown> {
  return inFreshContext(bundle, (vm) => {
    const run = vm.getProp(vm.global, "__run");
    const name = vm.newString(exportFunctionName(exportName));
    const json = vm.newString(JSON.stringify(input));
    const result = vm.callFunction(run, vm.undefined, name, json);
    run.dispose();
    name.dispose();
    json.dispose();
    const handle = vm.unwrapResult(result);
    const text = vm.getString(handle);
    handle.dispose();
    return JSON.parse(text) as unknown;
  });
}

/** Only the set-up of a run — a fresh runtime evaluating the bundle — with no call (the bench's measure of loading). */
export async function loadInQuickJS(bundle: string): Promise<void> {
  await inFreshContext(bundle, () => undefined);
}
