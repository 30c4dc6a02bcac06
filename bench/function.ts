/**
 * The discount Function's size and speed (issue 8), side by side in one run.
 *
 *   npm run bench:function [-- --runs 200]
 *
 * - Size: the bundle as Shopify's toolchain would hand it to Javy — `src/index.js` bundled and
 *   minified by esbuild (test/extensions/function-runtime.ts) — in bytes, and gzipped. Shopify's
 *   limit is 256 kB for the compiled WASM module; Javy's dynamic linking (what the CLI uses) puts
 *   the script's QuickJS bytecode in the module and the engine in a shared provider, so the
 *   module grows with the script, not with the engine.
 * - Speed: a 200-line cart (the fixture `product-percentage-200-lines.json`, and the same cart
 *   with the fixed-amount and order rules) inside QuickJS, each call in a fresh runtime as Shopify
 *   runs it: evaluate the bundle, parse the input, run, serialise the output. Beside it, in the
 *   same loop, the engine's fixed cost: the same call to a function that returns no operations.
 *   Javy compiles the script to QuickJS bytecode at build time, so a real run does not parse it;
 *   here each run evaluates the source, so the extra cost of loading the 10 kB bundle rather than
 *   the no-op's (timed alone: a fresh runtime evaluating each, no call) is taken out. "Rule's own
 *   work" is what remains beyond the fixed cost; the goal is a small multiple of the fixed cost.
 */
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bundleFunction, exportFunctionName, loadInQuickJS, runInQuickJS } from "../test/extensions/function-runtime";

const { values } = parseArgs({ options: { runs: { type: "string", default: "200" } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 5) throw new Error("--runs must be a whole number of at least 5");

const LIMIT_BYTES = 256 * 1024;
const WARM_UP = 20;
const FIXTURE = new URL("../extensions/segment-discount/tests/fixtures/product-percentage-200-lines.json", import.meta.url);
const EXPORT = "cart-lines-discounts-generate-run";

interface Fixture {
  export: string;
  input: { cart: { lines: unknown[] }; discount: { discountClasses: string[]; metafield: { jsonValue: Record<string, unknown> } | null } };
}

function withRule(fixture: Fixture, rule: Record<string, unknown>, discountClass: string): Fixture {
  const copy = structuredClone(fixture);
  const metafield = copy.input.discount.metafield;
  if (!metafield) throw new Error("the 200-line fixture has no configuration");
  metafield.jsonValue = { ...metafield.jsonValue, rule };
  copy.input.discount.discountClasses = [discountClass];
  return copy;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function main() {
  const bundle = await bundleFunction();
  const dir = mkdtempSync(join(tmpdir(), "noop-function-"));
  const noopEntry = join(dir, "index.js");
  writeFileSync(noopEntry, `export function ${exportFunctionName(EXPORT)}(input) { return { operations: [] }; }\n`);
  const noop = await bundleFunction(noopEntry);
  rmSync(dir, { recursive: true, force: true });

  const bytes = Buffer.byteLength(bundle);
  const gzipped = gzipSync(bundle, { level: 9 }).length;
  console.log("Size (esbuild --bundle --minify, es2020)");
  console.log(`  segment-discount: ${bytes} bytes (${kb(bytes)}), gzipped ${gzipped} bytes — ${((bytes / LIMIT_BYTES) * 100).toFixed(1)}% of Shopify's 256 kB module limit`);
  console.log(`  no-op function:   ${Buffer.byteLength(noop)} bytes`);

  const base = JSON.parse(readFileSync(FIXTURE, "utf8")) as Fixture;
  if (base.export !== EXPORT) throw new Error(`${FIXTURE.pathname} is not a ${EXPORT} fixture`);
  const cases: [string, Fixture][] = [
    ["PRODUCT_PERCENTAGE (fixture)", base],
    ["PRODUCT_FIXED_AMOUNT", withRule(base, { type: "PRODUCT_FIXED_AMOUNT", amount: "2.50" }, "PRODUCT")],
    ["ORDER_PERCENTAGE", withRule(base, { type: "ORDER_PERCENTAGE", percentage: 10 }, "ORDER")],
  ];
  const inputBytes = Buffer.byteLength(JSON.stringify(base.input));
  console.log(`\nSpeed: ${base.input.cart.lines.length}-line cart (input ${kb(inputBytes)} of JSON), ${RUNS} runs each after ${WARM_UP} warm-up, interleaved, median; QuickJS release-sync, fresh runtime per call`);
  console.log("  case                          no-op (fixed cost)   function            of it, parsing the bundle   rule's own work   work ÷ fixed   operations");

  const timings = cases.map(() => ({ fixed: [] as number[], total: [] as number[], operations: 0 }));
  const parsing: number[] = [];
  // round-robin over the cases, the no-op call just before each function call, so that warming
  // of the engine and the machine's drift fall on every column alike
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const l0 = performance.now();
    await loadInQuickJS(noop);
    const l1 = performance.now();
    await loadInQuickJS(bundle);
    const l2 = performance.now();
    if (i >= WARM_UP) parsing.push(l2 - l1 - (l1 - l0));
    for (const [c, [, fixture]] of cases.entries()) {
      const t0 = performance.now();
      await runInQuickJS(noop, EXPORT, fixture.input);
      const t1 = performance.now();
      const output = await runInQuickJS(bundle, EXPORT, fixture.input);
      const t2 = performance.now();
      const timing = timings[c];
      if (!timing || i < WARM_UP) continue;
      timing.fixed.push(t1 - t0);
      timing.total.push(t2 - t1);
      const ops = (output as { operations?: unknown[] }).operations;
      timing.operations = Array.isArray(ops) ? ops.length : -1;
    }
  }
  const parse = median(parsing);
  for (const [c, [name]] of cases.entries()) {
    const timing = timings[c];
    if (!timing || timing.operations < 1) throw new Error(`${name}: the function returned no operations; the bench would time nothing`);
    const f = median(timing.fixed);
    const t = median(timing.total);
    const work = t - f - parse;
    console.log(`  ${name.padEnd(30)}${ms(f).padEnd(21)}${ms(t).padEnd(20)}${ms(parse).padEnd(28)}${ms(work).padEnd(18)}${(work / f).toFixed(2).padEnd(15)}${timing.operations}`);
  }

  const node = base.input;
  const mod = (await import("../extensions/segment-discount/src/index.js")) as Record<string, (input: unknown) => unknown>;
  const fn = mod[exportFunctionName(EXPORT)];
  if (!fn) throw new Error("src/index.js does not export the lines function");
  const inputs = Array.from({ length: RUNS + 20 }, () => structuredClone(node));
  for (const input of inputs.slice(0, 20)) fn(input); // warm-up: let V8 compile it
  const t0 = performance.now();
  for (const input of inputs.slice(20)) fn(input);
  console.log(`\nFor reference, the same 200-line call in Node (V8, JIT, warm): ${ms((performance.now() - t0) / RUNS)} per call`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
