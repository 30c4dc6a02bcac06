/**
 * Every fixture: its input is what Shopify could send for the target's input query (schema.graphql),
 * its expected output is a valid result for the target, and the export run in Node gives exactly
 * that output. Also: both input queries are valid and within Shopify's cost and size limits.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as fn from "../src/index.js";
import { twoHundredLinesJson, TWO_HUNDRED_LINES_FILE } from "./fixtures/generate-200-lines";
import { EXPORTS, loadFixtures } from "./fixtures";
import {
  extensionTargets,
  inputProblems,
  loadFunctionSchema,
  MAX_INPUT_BYTES,
  MAX_OUTPUT_BYTES,
  MAX_QUERY_BYTES,
  MAX_QUERY_COST,
  outputProblems,
  queryBytes,
  queryCost,
  queryProblems,
  targetFor,
} from "./function-schema";

const schema = loadFunctionSchema();
const fixtures = loadFixtures();

describe("input queries", () => {
  for (const target of extensionTargets()) {
    const cost = queryCost(target.query);
    const bytes = queryBytes(target.queryText);
    it(`${target.inputQuery} is valid for ${target.target}`, () => {
      expect(queryProblems(schema, target)).toEqual([]);
    });
    it(`${target.inputQuery} costs ${cost} (limit ${MAX_QUERY_COST}) and is ${bytes.raw} bytes, ${bytes.withoutComments} without comments (limit ${MAX_QUERY_BYTES})`, () => {
      expect(cost).toBeLessThanOrEqual(MAX_QUERY_COST);
      expect(bytes.raw).toBeLessThanOrEqual(MAX_QUERY_BYTES);
    });
  }

  it("costs what Shopify charges: 3 for metafield, hasAnyTag, hasTags, inAnyCollection; 1 for other leaves; 0 for __typename", () => {
    const target = targetFor("cart-lines-discounts-generate-run");
    // 6 lines leaves (id, quantity, amount, variant id, product id, productType) + hasAnyTag 3 + inAnyCollection 3
    // + customer metafield 3 + jsonValue 1 + discountClasses 1 + metafield 3 + jsonValue 1 + isoCode 1
    expect(queryCost(target.query)).toBe(22);
    expect(queryCost(targetFor("cart-delivery-options-discounts-generate-run").query)).toBe(25);
  });
});

describe("fixtures", () => {
  it("cover every scenario the issue lists", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    const names = fixtures.map((f) => f.name);
    for (const needed of [
      "member-product-percentage",
      "non-member-gets-nothing",
      "guest-not-allowed",
      "guest-allowed",
      "product-fixed-amount",
      "order-percentage",
      "order-fixed-amount",
      "shipping-percentage",
      "shipping-fixed-amount-capped-at-option-cost",
      "minimum-subtotal-below",
      "minimum-subtotal-at",
      "minimum-subtotal-above",
      "minimum-quantity-below",
      "minimum-quantity-at",
      "minimum-quantity-above",
      "products-by-type",
      "products-by-collection",
      "products-by-tag",
      "products-all-skips-custom-product",
      "configuration-missing",
      "message-dutch",
      "seeds-member-with-handbag-free-shipping",
      "product-percentage-200-lines",
    ]) {
      expect(names).toContain(needed);
    }
  });

  it("product-percentage-200-lines.json is what generate-200-lines.ts writes", () => {
    expect(readFileSync(TWO_HUNDRED_LINES_FILE, "utf8")).toBe(twoHundredLinesJson());
  });

  for (const fixture of fixtures) {
    describe(fixture.name, () => {
      const target = targetFor(fixture.export);

      it("has an input Shopify could send for the query", () => {
        expect(inputProblems(schema, target, fixture.input)).toEqual([]);
        expect(Buffer.byteLength(JSON.stringify(fixture.input))).toBeLessThanOrEqual(MAX_INPUT_BYTES);
      });

      it("expects a valid result", () => {
        expect(outputProblems(schema, target, fixture.expectedOutput)).toEqual([]);
        expect(Buffer.byteLength(JSON.stringify(fixture.expectedOutput))).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
      });

      it(`${EXPORTS[fixture.export]} gives the expected output`, () => {
        const run = fn[EXPORTS[fixture.export]] as (input: unknown) => unknown;
        expect(run(structuredClone(fixture.input))).toEqual(fixture.expectedOutput);
      });
    });
  }
});
