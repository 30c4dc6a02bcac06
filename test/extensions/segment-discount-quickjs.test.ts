/**
 * Every fixture of the discount Function, run from its bundle inside QuickJS (the engine the
 * Shopify toolchain compiles JavaScript Functions into) with no Node APIs, no clock, no randomness
 * and Shopify's memory and stack limits: the same outputs as in Node (extensions/segment-discount/tests).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EXPORTS, loadFixtures } from "../../extensions/segment-discount/tests/fixtures";
import { bundleFunction, exportFunctionName, runInQuickJS } from "./function-runtime";

const fixtures = loadFixtures();
let bundle = "";

beforeAll(async () => {
  bundle = await bundleFunction();
});

describe("the segment discount Function inside QuickJS", () => {
  it("has fixtures to run, for both targets", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    expect(new Set(fixtures.map((f) => f.export))).toEqual(new Set(Object.keys(EXPORTS)));
  });

  it("maps each target's export to the function the module exports", () => {
    for (const [exportName, functionName] of Object.entries(EXPORTS)) expect(exportFunctionName(exportName)).toBe(functionName);
  });

  it("refuses what a Function may not use: a bundle calling Date.now or a Node API fails here", async () => {
    const probe = `var __function={cartLinesDiscountsGenerateRun:function(){return{operations:[],at:Date.now()}},cartDeliveryOptionsDiscountsGenerateRun:function(){return{operations:[],env:process.env}}};`;
    await expect(runInQuickJS(probe, "cart-lines-discounts-generate-run", {})).rejects.toThrow(/Date\.now is not available/);
    await expect(runInQuickJS(probe, "cart-delivery-options-discounts-generate-run", {})).rejects.toThrow(/process/);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))("%s", async (_name, fixture) => {
    const output = await runInQuickJS(bundle, fixture.export, fixture.input);
    expect(output).toEqual(fixture.expectedOutput);
  });
});
