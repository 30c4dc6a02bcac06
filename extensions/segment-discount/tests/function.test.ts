/**
 * Properties of the Function over random configurations and carts (it never throws, its output
 * is always a valid result, fixed amounts stay between zero and what their target costs, and it
 * discounts exactly the buyers and lines the configuration names), of parseConfiguration, of
 * money.js, and of the schema checker itself (it must catch what Shopify would refuse).
 */
import fc from "fast-check";
import { buildSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { cartDeliveryOptionsDiscountsGenerateRun, deliveryOperations } from "../src/cart_delivery_options_discounts_generate_run.js";
import { cartLinesDiscountsGenerateRun, cartLinesOperations } from "../src/cart_lines_discounts_generate_run.js";
import { configurationProblem, MAX_MESSAGE_LENGTH, parseConfiguration } from "../src/configuration.js";
import { add, compare, formatDecimal, min, multiply, parseDecimal } from "../src/money.js";
import { loadFixtures } from "./fixtures";
import { inputProblems, loadFunctionSchema, outputProblems, queryProblems, targetFor, type Target } from "./function-schema";

const schema = loadFunctionSchema();
const LINES = targetFor("cart-lines-discounts-generate-run");
const DELIVERY = targetFor("cart-delivery-options-discounts-generate-run");
const RUNS = { numRuns: 400 };

// ---------------------------------------------------------------- arbitraries

const HANDLES = ["vip-customers", "jeans-buyers", "over-25-bought-sand-wash-jeans", "newsletter"];
const TYPES = ["Jeans", "Shirts", "Bags"];
const COLLECTIONS = ["gid://shopify/Collection/1", "gid://shopify/Collection/2", "gid://shopify/Collection/3"];
const TAGS = ["sale", "handbag", "clearance"];
const DELIVERY_HANDLES = ["standard", "express", "pickup", "economy"];

/** Shopify-style decimal strings with 0 to 4 decimals, e.g. "0", "12.5", "199.9999". */
const decimal = (maxWhole: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: maxWhole }), fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 4 }))
    .map(([whole, fraction, scale]) => (scale === 0 ? `${whole}` : `${whole}.${String(fraction).padStart(4, "0").slice(0, scale)}`));
const positiveDecimal = (maxWhole: number) => decimal(maxWhole).filter((d) => /[1-9]/.test(d));
const percentage = fc.integer({ min: 1, max: 10000 }).map((hundredths) => hundredths / 100);
const text = fc.oneof(fc.constantFrom("VIP: 10% off", "Gratis verzending", "Ünïcödé 🎉"), fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ""));

const validConfiguration = fc
  .record({
    segments: fc.subarray(HANDLES),
    guests: fc.boolean(),
    rule: fc.oneof(
      fc.record({ type: fc.constantFrom("PRODUCT_PERCENTAGE", "ORDER_PERCENTAGE", "SHIPPING_PERCENTAGE"), percentage }),
      fc.record({ type: fc.constantFrom("PRODUCT_FIXED_AMOUNT", "ORDER_FIXED_AMOUNT", "SHIPPING_FIXED_AMOUNT"), amount: positiveDecimal(200) }),
    ),
    scope: fc.oneof(
      fc.constant({ products: "ALL", productTypes: [] as string[], collectionIds: [] as string[], productTags: [] as string[] }),
      fc.subarray(TYPES, { minLength: 1 }).map((productTypes) => ({ products: "PRODUCT_TYPE", productTypes, collectionIds: [], productTags: [] })),
      fc.subarray(COLLECTIONS, { minLength: 1 }).map((collectionIds) => ({ products: "COLLECTION", productTypes: [], collectionIds, productTags: [] })),
      fc.subarray(TAGS, { minLength: 1 }).map((productTags) => ({ products: "TAG", productTypes: [], collectionIds: [], productTags })),
    ),
    minimumSubtotal: fc.option(positiveDecimal(300), { nil: null }),
    minimumQuantity: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
    message: fc.record({ en: text, nl: text }, { requiredKeys: ["en"] }),
  })
  .filter((c) => c.segments.length > 0 || c.guests)
  .map(({ scope, ...rest }) => ({ version: 1, ...rest, ...scope }));

/** Valid configurations, ones with one field spoiled, and arbitrary JSON. */
const anyConfiguration: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: validConfiguration },
  {
    weight: 2,
    arbitrary: fc
      .tuple(validConfiguration, fc.constantFrom("version", "segments", "guests", "rule", "products", "minimumSubtotal", "minimumQuantity", "message", "extra"), fc.jsonValue({ maxDepth: 2 }))
      .map(([c, key, value]) => ({ ...c, [key]: value })),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constant(undefined) }, // no configuration metafield
);

const buyerIdentity = fc.oneof(
  fc.constant(null),
  fc.constant({ customer: null }),
  { weight: 4, arbitrary: fc.option(fc.subarray(HANDLES), { nil: null, freq: 8 }).map((handles) => ({ customer: { metafield: handles === null ? null : { jsonValue: handles } } })) },
);

const lineShape = fc.record({
  quantity: fc.integer({ min: 1, max: 60 }),
  amount: decimal(400),
  product: fc.option(
    fc.record({ productType: fc.option(fc.constantFrom(...TYPES, "jeans", "BAGS", "Other"), { nil: null }), hasAnyTag: fc.boolean(), inAnyCollection: fc.boolean() }),
    { nil: null, freq: 6 },
  ),
});

const groupShape = fc.array(fc.record({ handle: fc.constantFrom(...DELIVERY_HANDLES), amount: decimal(40) }), { maxLength: 4 });

const ALL_CLASSES = ["ORDER", "PRODUCT", "SHIPPING"];
const isoCode = fc.constantFrom("EN", "NL", "PT_BR", "DE", "ZH_CN");
const cartShape = fc.oneof(
  fc.record({
    configuration: anyConfiguration,
    buyerIdentity,
    lines: fc.array(lineShape, { maxLength: 25 }),
    discountClasses: fc.oneof({ weight: 3, arbitrary: fc.constant(ALL_CLASSES) }, fc.subarray(ALL_CLASSES)),
    isoCode,
    groups: fc.array(groupShape, { maxLength: 3 }),
  }),
  // carts the discount is likely to apply to: a valid configuration, a buyer in every segment
  fc.record({
    configuration: validConfiguration as fc.Arbitrary<unknown>,
    buyerIdentity: fc.constant({ customer: { metafield: { jsonValue: HANDLES } } }) as typeof buyerIdentity,
    lines: fc.array(lineShape, { minLength: 1, maxLength: 25 }),
    discountClasses: fc.constant(ALL_CLASSES),
    isoCode,
    groups: fc.array(groupShape, { minLength: 1, maxLength: 3 }),
  }),
);
type CartShape = typeof cartShape extends fc.Arbitrary<infer T> ? T : never;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A non-empty list variable from the configuration, as the input query would receive it. */
function listVariable(configuration: unknown, key: string): boolean {
  const value = isRecord(configuration) ? configuration[key] : undefined;
  return Array.isArray(value) && value.length > 0;
}

/** The input Shopify would send for `target`: with no tags or collections to look for, the answers are false. */
function inputFor(target: Target, shape: CartShape): Record<string, unknown> {
  const anyTag = listVariable(shape.configuration, "productTags");
  const anyCollection = listVariable(shape.configuration, "collectionIds");
  const lines = shape.lines.map((line, i) => ({
    id: `gid://shopify/CartLine/${i}`,
    quantity: line.quantity,
    cost: { subtotalAmount: { amount: line.amount } },
    merchandise:
      line.product === null
        ? {}
        : {
            id: `gid://shopify/ProductVariant/${i}`,
            product: {
              id: `gid://shopify/Product/${i}`,
              productType: line.product.productType,
              hasAnyTag: anyTag && line.product.hasAnyTag,
              inAnyCollection: anyCollection && line.product.inAnyCollection,
            },
          },
  }));
  const cart: Record<string, unknown> = { lines, buyerIdentity: shape.buyerIdentity };
  if (target === DELIVERY) {
    cart["deliveryGroups"] = shape.groups.map((options, g) => ({
      id: `gid://shopify/CartDeliveryGroup/${g}`,
      deliveryOptions: options.map((o) => ({ handle: o.handle, cost: { amount: o.amount } })),
    }));
  }
  return {
    cart,
    // jsonValue is JSON!: a metafield holding JSON null does not exist, so null reads as no metafield
    discount: { discountClasses: shape.discountClasses, metafield: shape.configuration === undefined || shape.configuration === null ? null : { jsonValue: shape.configuration } },
    localization: { language: { isoCode: shape.isoCode } },
  };
}

// ---------------------------------------------------------------- an independent reading of the contract

/** Exact decimal → integer count of 10^-10 units (inputs and outputs have at most 4 decimals). */
function units(decimalText: string): bigint {
  const [whole = "0", fraction = ""] = decimalText.split(".");
  return BigInt(whole + fraction.padEnd(10, "0"));
}

interface Model {
  qualifying: number[];
  applies: boolean;
}

/** Which lines qualify and whether any discount applies, read straight from configuration.js's comment. */
function model(target: Target, shape: CartShape, input: Record<string, unknown>): Model {
  const none = { qualifying: [], applies: false };
  const c = parseConfiguration(shape.configuration);
  if (c === null) return none;
  const klass = c.rule.type.split("_")[0] as string;
  if ((target === LINES) === (klass === "SHIPPING") || !shape.discountClasses.includes(klass)) return none;
  const customer = shape.buyerIdentity?.customer ?? null;
  const member = customer === null ? c.guests : (customer.metafield?.jsonValue ?? []).some((h) => c.segments.includes(h));
  if (!member) return none;
  const lines = (input["cart"] as { lines: { merchandise: { product?: { productType: string | null; hasAnyTag: boolean; inAnyCollection: boolean } } }[] }).lines;
  const qualifying = lines.flatMap((line, i) => {
    const p = line.merchandise.product;
    if (!p) return [];
    const ok =
      c.products === "ALL" ||
      (c.products === "PRODUCT_TYPE" && c.productTypes.some((t) => t.toLowerCase() === p.productType?.toLowerCase())) ||
      (c.products === "COLLECTION" && p.inAnyCollection) ||
      (c.products === "TAG" && p.hasAnyTag);
    return ok ? [i] : [];
  });
  const subtotal = shape.lines.reduce((s, l) => s + units(l.amount), 0n);
  const quantity = qualifying.reduce((q, i) => q + (shape.lines[i]?.quantity ?? 0), 0);
  const met = (c.minimumSubtotal === null || subtotal >= units(c.minimumSubtotal)) && (c.minimumQuantity === null || quantity >= c.minimumQuantity);
  return { qualifying, applies: qualifying.length > 0 && met };
}

type Candidate = {
  message?: string;
  targets: Record<string, { id?: string; handle?: string }>[];
  value: { percentage?: { value: number }; fixedAmount?: { amount: string; appliesToEachItem?: boolean } };
};

function candidatesOf(operations: unknown[]): Candidate[] {
  return operations.flatMap((op) => Object.values(op as Record<string, { candidates: Candidate[] }>).flatMap((o) => o.candidates));
}

// ---------------------------------------------------------------- properties

describe("the Function on random carts and configurations", () => {
  it("generates valid configurations (the arbitrary agrees with configuration.js)", () => {
    fc.assert(
      fc.property(validConfiguration, (c) => {
        expect(configurationProblem(c)).toBeNull();
      }),
      RUNS,
    );
  });

  it("cart.lines: never throws, always a valid result, discounts exactly the qualifying lines, amounts between 0 and the cost", () => {
    fc.assert(
      fc.property(cartShape, (shape) => {
        const input = inputFor(LINES, shape);
        expect(inputProblems(schema, LINES, input)).toEqual([]);
        const operations = cartLinesOperations(input);
        const output = { operations };
        expect(outputProblems(schema, LINES, output)).toEqual([]);
        expect(cartLinesDiscountsGenerateRun(input)).toEqual(output);

        const expected = model(LINES, shape, input);
        const c = parseConfiguration(shape.configuration);
        const lineIds = expected.qualifying.map((i) => `gid://shopify/CartLine/${i}`);
        const subtotal = shape.lines.reduce((s, l) => s + units(l.amount), 0n);
        if (!expected.applies || c === null) {
          expect(operations).toEqual([]);
          return;
        }
        const candidates = candidatesOf(operations);
        switch (c.rule.type) {
          case "PRODUCT_PERCENTAGE":
          case "ORDER_PERCENTAGE":
            expect(candidates).toHaveLength(1);
            expect(candidates[0]?.value).toEqual({ percentage: { value: c.rule.percentage } });
            if (c.rule.type === "PRODUCT_PERCENTAGE") expect(candidates[0]?.targets.map((t) => t["cartLine"]?.id)).toEqual(lineIds);
            break;
          case "PRODUCT_FIXED_AMOUNT": {
            // every qualifying line that costs something gets min(amount × quantity, its cost); no other line gets anything
            const wanted = new Map<number, bigint>();
            for (const i of expected.qualifying) {
              const line = shape.lines[i];
              const cost = units(line?.amount ?? "0");
              const each = units(c.rule.amount) * BigInt(line?.quantity ?? 0);
              if (cost > 0n) wanted.set(i, each < cost ? each : cost);
            }
            if (wanted.size === 0) {
              expect(operations).toEqual([]);
              break;
            }
            // at most two candidates: the amount off each item first, then 100 % off the lines that cost less
            const kinds = candidates.map((k) => (k.value.fixedAmount ? "each item" : "whole line")).join();
            expect(["each item,whole line", "each item", "whole line"]).toContain(kinds);
            expect(new Set(candidates.map((k) => k.message)).size).toBe(1);
            const off = new Map<number, bigint>();
            for (const candidate of candidates) {
              const indexes = candidate.targets.map((t) => Number(t["cartLine"]?.id?.split("/").pop()));
              expect(indexes).toEqual([...indexes].sort((a, b) => a - b)); // cart order
              const fixed = candidate.value.fixedAmount;
              if (fixed) {
                expect(fixed.amount).toMatch(/^\d+\.\d{2,}$/);
                expect(units(fixed.amount)).toBe(units(c.rule.amount));
                expect(fixed.appliesToEachItem).toBe(true);
              } else {
                expect(candidate.value).toEqual({ percentage: { value: 100 } });
              }
              for (const i of indexes) {
                const line = shape.lines[i];
                if (!line) throw new Error(`candidate targets line ${i}, which the cart does not have`);
                expect(off.has(i)).toBe(false); // a line is in one candidate only
                // appliesToEachItem: the amount off each item, i.e. × quantity; 100 %: the whole line
                const lineOff = fixed ? units(fixed.amount) * BigInt(line.quantity) : units(line.amount);
                // a line goes free only when the amount off each item would come to more than it costs
                if (!fixed) expect(units(c.rule.amount) * BigInt(line.quantity) > units(line.amount)).toBe(true);
                expect(lineOff > 0n).toBe(true);
                expect(lineOff <= units(line.amount)).toBe(true);
                off.set(i, lineOff);
              }
            }
            expect(off).toEqual(wanted);
            break;
          }
          case "ORDER_FIXED_AMOUNT": {
            if (subtotal === 0n) {
              expect(operations).toEqual([]);
              break;
            }
            const amount = candidates[0]?.value.fixedAmount?.amount ?? "";
            expect(amount).toMatch(/^\d+\.\d{2,}$/);
            const wanted = units(c.rule.amount);
            expect(units(amount)).toBe(wanted < subtotal ? wanted : subtotal);
            break;
          }
          default:
            throw new Error(`the lines target emitted ${c.rule.type}`);
        }
      }),
      RUNS,
    );
  });

  it("cart.delivery-options: never throws, always a valid result, amounts between 0 and each option's cost", () => {
    fc.assert(
      fc.property(cartShape, (shape) => {
        const input = inputFor(DELIVERY, shape);
        expect(inputProblems(schema, DELIVERY, input)).toEqual([]);
        const operations = deliveryOperations(input);
        const output = { operations };
        expect(outputProblems(schema, DELIVERY, output)).toEqual([]);
        expect(cartDeliveryOptionsDiscountsGenerateRun(input)).toEqual(output);

        const expected = model(DELIVERY, shape, input);
        const c = parseConfiguration(shape.configuration);
        if (!expected.applies || c === null || shape.groups.length === 0) {
          expect(operations).toEqual([]);
          return;
        }
        const candidates = candidatesOf(operations);
        if (c.rule.type === "SHIPPING_PERCENTAGE") {
          expect(candidates).toHaveLength(1);
          expect(candidates[0]?.targets.map((t) => t["deliveryGroup"]?.id)).toEqual(shape.groups.map((_, g) => `gid://shopify/CartDeliveryGroup/${g}`));
        } else if (c.rule.type === "SHIPPING_FIXED_AMOUNT") {
          const costs = new Map<string, bigint>();
          for (const option of shape.groups.flat()) if (!costs.has(option.handle) && units(option.amount) > 0n) costs.set(option.handle, units(option.amount));
          const wanted = units(c.rule.amount);
          expect(candidates.map((k) => k.targets[0]?.["deliveryOption"]?.handle).sort()).toEqual([...costs.keys()].sort());
          for (const candidate of candidates) {
            const cost = costs.get(candidate.targets[0]?.["deliveryOption"]?.handle ?? "") ?? 0n;
            const amount = candidate.value.fixedAmount?.amount ?? "";
            expect(amount).toMatch(/^\d+\.\d{2,}$/);
            expect(units(amount)).toBe(wanted < cost ? wanted : cost);
          }
        } else {
          throw new Error(`the delivery target emitted ${c.rule.type}`);
        }
      }),
      RUNS,
    );
  });

  it("never throws on malformed input: arbitrary values anywhere give a valid result", () => {
    const paths: (string | number)[][] = [
      [],
      ["cart"],
      ["cart", "lines"],
      ["cart", "lines", 0],
      ["cart", "lines", 0, "id"],
      ["cart", "lines", 0, "quantity"],
      ["cart", "lines", 0, "cost"],
      ["cart", "lines", 0, "cost", "subtotalAmount", "amount"],
      ["cart", "lines", 0, "merchandise"],
      ["cart", "lines", 0, "merchandise", "product"],
      ["cart", "lines", 0, "merchandise", "product", "productType"],
      ["cart", "lines", 0, "merchandise", "product", "hasAnyTag"],
      ["cart", "buyerIdentity"],
      ["cart", "buyerIdentity", "customer"],
      ["cart", "buyerIdentity", "customer", "metafield"],
      ["cart", "deliveryGroups"],
      ["cart", "deliveryGroups", 0],
      ["cart", "deliveryGroups", 0, "deliveryOptions"],
      ["cart", "deliveryGroups", 0, "deliveryOptions", 0, "cost", "amount"],
      ["discount"],
      ["discount", "discountClasses"],
      ["discount", "metafield"],
      ["localization"],
      ["localization", "language", "isoCode"],
    ];
    const anything = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom("-1.00", "1e3", -1, 1.5, NaN, "constructor", "__proto__", [], {}));
    fc.assert(
      fc.property(cartShape, fc.constantFrom(...paths), anything, (shape, path, value) => {
        for (const target of [LINES, DELIVERY]) {
          const input: unknown = structuredClone(inputFor(target, { ...shape, lines: shape.lines.length ? shape.lines : [{ quantity: 1, amount: "1", product: null }] }));
          let holder: unknown = { root: input };
          const keys: (string | number)[] = ["root", ...path];
          for (let i = 0; i < keys.length - 1; i++) holder = isRecord(holder) || Array.isArray(holder) ? (holder as Record<string | number, unknown>)[keys[i] as string] : undefined;
          if (!isRecord(holder) && !Array.isArray(holder)) continue;
          (holder as Record<string | number, unknown>)[keys[keys.length - 1] as string] = value;
          const mutated = path.length === 0 ? value : input;
          const operations = target === LINES ? cartLinesOperations(mutated) : deliveryOperations(mutated);
          expect(outputProblems(schema, target, { operations })).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it("gives nothing for arbitrary values as input", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(cartLinesOperations(value)).toEqual([]);
        expect(deliveryOperations(value)).toEqual([]);
        expect(cartLinesDiscountsGenerateRun(value)).toEqual({ operations: [] });
        expect(cartDeliveryOptionsDiscountsGenerateRun(value)).toEqual({ operations: [] });
      }),
      RUNS,
    );
  });

  it("gives the 200-line cart's 120 qualifying lines a fixed amount in at most two candidates", () => {
    const fixture = loadFixtures().find((f) => f.name === "product-percentage-200-lines");
    if (!fixture) throw new Error("product-percentage-200-lines.json is missing");
    const withAmount = (amount: string) => {
      const input = structuredClone(fixture.input) as { discount: { metafield: { jsonValue: Record<string, unknown> } } };
      input.discount.metafield.jsonValue["rule"] = { type: "PRODUCT_FIXED_AMOUNT", amount };
      const operations = cartLinesOperations(input);
      expect(outputProblems(schema, LINES, { operations })).toEqual([]);
      return candidatesOf(operations);
    };
    // every item costs at least 10.00, so 2.50 comes off each one: a single candidate
    const cheap = withAmount("2.50");
    expect(cheap).toHaveLength(1);
    expect(cheap[0]?.value).toEqual({ fixedAmount: { amount: "2.50", appliesToEachItem: true } });
    expect(cheap[0]?.targets).toHaveLength(120);
    // items cost 10.00 to 46.99, so 20.00 off each makes some lines free
    const mixed = withAmount("20");
    expect(mixed.map((k) => k.value)).toEqual([{ fixedAmount: { amount: "20.00", appliesToEachItem: true } }, { percentage: { value: 100 } }]);
    expect((mixed[0]?.targets.length ?? 0) + (mixed[1]?.targets.length ?? 0)).toBe(120);
    expect(mixed[1]?.targets.length).toBeGreaterThan(0);
  });

  it("keeps PRODUCT_FIXED_AMOUNT to two candidates and under 20,000 bytes on 200-line carts with a 255-character message", () => {
    // the characters that cost the most bytes in JSON: control characters are escaped as \u0001 (6 bytes)
    const character = fc.oneof(fc.constantFrom("\u0001", '"', "\\", "漢", "🎉", "x", " "), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }));
    const message = fc
      .array(character, { minLength: MAX_MESSAGE_LENGTH, maxLength: MAX_MESSAGE_LENGTH })
      .map((characters) => characters.join("").slice(0, MAX_MESSAGE_LENGTH))
      .filter((m) => m.trim() !== "");
    // line ids as the other tests write them, or UUID-length ones
    const lineId = fc.oneof(fc.constant(null), fc.uuid());
    const line = fc.record({ id: lineId, quantity: fc.integer({ min: 1, max: 60 }), amount: decimal(400) });
    fc.assert(
      fc.property(fc.array(line, { minLength: 200, maxLength: 200 }), positiveDecimal(200), message, (lines, amount, en) => {
        const input = {
          cart: {
            lines: lines.map((l, i) => ({
              id: `gid://shopify/CartLine/${l.id ?? i}`,
              quantity: l.quantity,
              cost: { subtotalAmount: { amount: l.amount } },
              merchandise: { id: `gid://shopify/ProductVariant/${i}`, product: { id: `gid://shopify/Product/${i}`, productType: "Jeans", hasAnyTag: false, inAnyCollection: false } },
            })),
            buyerIdentity: null,
          },
          discount: {
            discountClasses: ["PRODUCT"],
            metafield: {
              jsonValue: {
                version: 1,
                segments: [],
                guests: true,
                rule: { type: "PRODUCT_FIXED_AMOUNT", amount },
                products: "ALL",
                productTypes: [],
                collectionIds: [],
                productTags: [],
                minimumSubtotal: null,
                minimumQuantity: null,
                message: { en },
              },
            },
          },
          localization: { language: { isoCode: "EN" } },
        };
        expect(parseConfiguration(input.discount.metafield.jsonValue)).not.toBeNull();
        expect(inputProblems(schema, LINES, input)).toEqual([]);
        const operations = cartLinesOperations(input);
        expect(outputProblems(schema, LINES, { operations })).toEqual([]);
        const candidates = candidatesOf(operations);
        expect(candidates.length).toBeLessThanOrEqual(2);
        // every line that costs something is a target
        const targets = candidates.reduce((n, k) => n + k.targets.length, 0);
        expect(targets).toBe(lines.filter((l) => units(l.amount) > 0n).length);
        expect(Buffer.byteLength(JSON.stringify({ operations }))).toBeLessThan(20000);
      }),
      { numRuns: 100 },
    );
  });
});

describe("parseConfiguration", () => {
  it("never throws and answers null or the value itself, for any JSON and any value", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything(), anyConfiguration), (value) => {
        const parsed = parseConfiguration(value);
        expect(parsed === null || parsed === value).toBe(true);
        expect(parsed === null).toBe(configurationProblem(value) !== null);
      }),
      { numRuns: 1000 },
    );
  });

  it("accepts every percentage with up to two decimals and refuses a third", () => {
    const base = { version: 1, segments: ["vip"], guests: false, products: "ALL", productTypes: [], collectionIds: [], productTags: [], minimumSubtotal: null, minimumQuantity: null, message: { en: "x" } };
    for (let hundredths = 1; hundredths <= 10000; hundredths++) {
      expect(configurationProblem({ ...base, rule: { type: "ORDER_PERCENTAGE", percentage: hundredths / 100 } })).toBeNull();
    }
    for (const percentage of [0, -5, 100.01, 12.345, 0.001, Number.NaN]) {
      expect(configurationProblem({ ...base, rule: { type: "ORDER_PERCENTAGE", percentage } })?.path).toBe("rule.percentage");
    }
  });
});

describe("money.js", () => {
  const d = (text: string) => {
    const value = parseDecimal(text);
    if (value === null) throw new Error(`${text} is not a decimal`);
    return value;
  };

  it("multiplies and adds exactly", () => {
    expect(formatDecimal(multiply(d("19.99"), 3))).toBe("59.97");
    expect(formatDecimal(multiply(d("7.33"), 3))).toBe("21.99");
    expect(formatDecimal(add(d("0.1"), d("0.2")))).toBe("0.30");
    expect(formatDecimal(add(d("999999999999.9999"), d("0.0001")))).toBe("1000000000000.00");
    expect(formatDecimal(multiply(d("12345678.9999"), 2147483647))).toBe("26512143763396564.6353");
  });

  it("writes at least two decimals and drops zeros beyond them", () => {
    expect(formatDecimal(d("5"))).toBe("5.00");
    expect(formatDecimal(d("0.125"))).toBe("0.125");
    expect(formatDecimal(d("10.5000"))).toBe("10.50");
    expect(formatDecimal(d("0.0001"))).toBe("0.0001");
    expect(formatDecimal(d("0"))).toBe("0.00");
    expect(formatDecimal(d("-1.5"))).toBe("-1.50");
  });

  it("compares by value, whatever the scale", () => {
    expect(compare(d("1.5"), d("1.50"))).toBe(0);
    expect(compare(d("1.49"), d("1.5"))).toBe(-1);
    expect(compare(d("10"), d("9.9999"))).toBe(1);
    expect(formatDecimal(min(d("8.00"), d("10.0")))).toBe("8.00");
  });

  it("reads decimal strings and plain numbers, and nothing else", () => {
    expect(parseDecimal(10)).toEqual({ units: 10n, scale: 0 });
    expect(parseDecimal(0.1)).toEqual({ units: 1n, scale: 1 });
    for (const bad of ["", " 1", "1 ", "1.", ".5", "1e3", "+1", "1,50", "abc", "--1", "1.123456789012345678901", 1e21, Number.NaN, Infinity, null, undefined, {}, [], true, 10n]) {
      expect(parseDecimal(bad)).toBeNull();
    }
  });

  it("agrees with integer arithmetic on cents (random amounts)", () => {
    const cents = fc.bigInt({ min: 0n, max: 10n ** 14n });
    const asText = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, "0")}`;
    fc.assert(
      fc.property(cents, cents, fc.integer({ min: 0, max: 100000 }), (a, b, times) => {
        expect(formatDecimal(add(d(asText(a)), d(asText(b))))).toBe(asText(a + b));
        expect(formatDecimal(multiply(d(asText(a)), times))).toBe(asText(a * BigInt(times)));
        expect(compare(d(asText(a)), d(asText(b)))).toBe(a < b ? -1 : a > b ? 1 : 0);
        expect(formatDecimal(d(asText(a)))).toBe(asText(a));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the schema checker catches what Shopify would refuse", () => {
  const base = loadFixtures().find((f) => f.name === "member-product-percentage");
  if (!base) throw new Error("member-product-percentage.json is missing");
  const mutate = (change: (input: any) => void) => {
    const input = structuredClone(base.input);
    change(input);
    return inputProblems(schema, LINES, input);
  };

  it("accepts the fixture as it is", () => {
    expect(inputProblems(schema, LINES, base.input)).toEqual([]);
  });

  it.each<[string, (input: any) => void, string]>([
    ["a field the query does not select", (i) => (i.cart.lines[0].title = "Jeans"), "input.cart.lines[0].title: not selected by the query"],
    ["a selected field left out", (i) => delete i.cart.lines[0].quantity, "input.cart.lines[0].quantity: missing"],
    ["an Int as a string", (i) => (i.cart.lines[0].quantity = "2"), 'input.cart.lines[0].quantity: "2" is not an Int'],
    ["a Decimal as a number", (i) => (i.cart.lines[0].cost.subtotalAmount.amount = 19.99), "input.cart.lines[0].cost.subtotalAmount.amount: 19.99 is not a Decimal string"],
    ["an unknown enum value", (i) => (i.discount.discountClasses = ["FREE"]), 'input.discount.discountClasses[0]: "FREE" is not a DiscountClass'],
    ["an unknown language", (i) => (i.localization.language.isoCode = "XX"), 'input.localization.language.isoCode: "XX" is not a LanguageCode'],
    ["null for a non-null list", (i) => (i.cart.lines = null), "input.cart.lines: must not be null ([CartLine!]!)"],
    ["a non-null field as null", (i) => (i.cart.lines[0].merchandise.product = null), "input.cart.lines[0].merchandise.product: must not be null (Product!)"],
    ["merchandise with fields no member has selected", (i) => (i.cart.lines[0].merchandise = { title: "Gift card" }), "input.cart.lines[0].merchandise: not the selected fields of any Merchandise member"],
    ["a tag answer when no tags were asked for", (i) => (i.cart.lines[0].merchandise.product.hasAnyTag = true), "input.cart.lines[0].merchandise.product.hasAnyTag: with no tags Shopify answers false"],
    ["a configuration whose variables do not fit the query", (i) => (i.discount.metafield.jsonValue.collectionIds = [null]), "variables:"],
    ["over 100 tags", (i) => (i.discount.metafield.jsonValue.productTags = Array.from({ length: 101 }, (_, n) => `t${n}`)), "$productTags: more than 100 items"],
    ["a non-object where an object is selected", (i) => (i.localization = "EN"), 'input.localization: expected a Localization object, got "EN"'],
  ])("%s", (_, change, expected) => {
    const problems = mutate(change);
    expect(problems.some((p) => p.startsWith(expected)), problems.join("\n")).toBe(true);
  });

  it("accepts a custom product as {} and both guests' shapes", () => {
    expect(mutate((i) => (i.cart.lines[0].merchandise = {}))).toEqual([]);
    expect(mutate((i) => (i.cart.buyerIdentity = null))).toEqual([]);
    expect(mutate((i) => (i.cart.buyerIdentity = { customer: null }))).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ["an operation with two kinds at once (@oneOf)", { operations: [{ productDiscountsAdd: { candidates: [], selectionStrategy: "FIRST" }, orderDiscountsAdd: { candidates: [], selectionStrategy: "FIRST" } }] }, "output.operations[0]"],
    ["an unknown selection strategy", { operations: [{ productDiscountsAdd: { candidates: [], selectionStrategy: "EVERY" } }] }, "output.operations[0].productDiscountsAdd.selectionStrategy"],
    ["an amount that is not a decimal", { operations: [{ orderDiscountsAdd: { candidates: [{ targets: [{ orderSubtotal: { excludedCartLineIds: [] } }], value: { fixedAmount: { amount: "five" } } }], selectionStrategy: "FIRST" } }] }, "output.operations[0].orderDiscountsAdd.candidates[0].value.fixedAmount.amount"],
    ["a candidate without targets", { operations: [{ orderDiscountsAdd: { candidates: [{ value: { percentage: { value: 10 } } }], selectionStrategy: "FIRST" } }] }, "output.operations[0].orderDiscountsAdd.candidates[0]"],
    ["a shipping operation from the lines target", { operations: [{ deliveryDiscountsAdd: { candidates: [], selectionStrategy: "ALL" } }] }, "output.operations[0]"],
    ["a BigInt, which is not JSON", { operations: [{ orderDiscountsAdd: { candidates: [{ targets: [{ orderSubtotal: { excludedCartLineIds: [] } }], value: { fixedAmount: { amount: 5n } } }], selectionStrategy: "FIRST" } }] }, "output.operations[0].orderDiscountsAdd.candidates[0].value.fixedAmount.amount"],
  ])("refuses %s", (_, output, path) => {
    const problems = outputProblems(schema, LINES, output);
    expect(problems.some((p) => p.startsWith(path)), problems.join("\n")).toBe(true);
  });

  it("honours @restrictTarget", () => {
    const restricted = buildSchema(`
      directive @restrictTarget(only: [String!]!) on FIELD_DEFINITION
      type Query { cart: Int, enteredDiscountCodes: [String!]! @restrictTarget(only: ["cart.lines.discounts.generate.fetch"]) }
    `);
    const query = parse("{ cart enteredDiscountCodes }");
    const target = { target: "cart.lines.discounts.generate.run", export: "x", inputQuery: "x.graphql", queryText: "", query };
    expect(queryProblems(restricted, target)).toEqual(['field "enteredDiscountCodes" is not available in cart.lines.discounts.generate.run']);
    expect(queryProblems(restricted, { ...target, target: "cart.lines.discounts.generate.fetch" })).toEqual([]);
  });
});
