// @ts-check
/**
 * The segment discount's configuration: the JSON the admin writes to the discount's
 * `$app:function-configuration` metafield and the Function reads back (decision 012).
 *
 * This file is the contract between the two. The Function calls `parseConfiguration` on every
 * run and gives no discount when it answers `null`; the admin validates with the same function
 * before it writes, so it never saves a configuration the Function would refuse.
 *
 * Plain JavaScript with no imports: it is bundled into the Function (QuickJS, no Node APIs).
 *
 * Top-level `collectionIds` and `productTags` double as the input query's variables
 * (`[extensions.input.variables]` in shopify.extension.toml): Shopify passes the metafield's
 * top-level keys to `inAnyCollection(ids: $collectionIds)` and `hasAnyTag(tags: $productTags)`.
 */

export const CONFIGURATION_VERSION = 1;

/** Shopify's limit for list arguments in a Function input query. */
export const MAX_LIST = 100;
/** Shopify returns metafields over 10,000 bytes to a Function as null. */
export const MAX_CONFIGURATION_BYTES = 10000;
export const MAX_SEGMENTS = 25;
export const MAX_MESSAGE_LENGTH = 255;
/** The languages a buyer-facing message may be written in; `en` is required and the fallback. */
export const MESSAGE_LANGUAGES = /** @type {const} */ (["en", "nl"]);

export const RULE_TYPES = /** @type {const} */ ([
  "PRODUCT_PERCENTAGE",
  "PRODUCT_FIXED_AMOUNT",
  "ORDER_PERCENTAGE",
  "ORDER_FIXED_AMOUNT",
  "SHIPPING_PERCENTAGE",
  "SHIPPING_FIXED_AMOUNT",
]);
export const PRODUCT_SCOPES = /** @type {const} */ (["ALL", "PRODUCT_TYPE", "COLLECTION", "TAG"]);
/** The list each product scope is given by (ALL: none); the others must be empty. */
export const SCOPE_LIST = /** @type {const} */ ({ ALL: null, PRODUCT_TYPE: "productTypes", COLLECTION: "collectionIds", TAG: "productTags" });

/**
 * The discount class Shopify files a rule under (the discount's `discountClasses`, and the
 * operations the Function may emit for it): PRODUCT_PERCENTAGE → PRODUCT, and so on.
 * @param {RuleType} type
 * @returns {DiscountClass}
 */
export function discountClassOf(type) {
  if (type.startsWith("PRODUCT_")) return "PRODUCT";
  if (type.startsWith("ORDER_")) return "ORDER";
  return "SHIPPING";
}

/**
 * @typedef {typeof RULE_TYPES[number]} RuleType
 * @typedef {typeof PRODUCT_SCOPES[number]} ProductScope
 * @typedef {"PRODUCT" | "ORDER" | "SHIPPING"} DiscountClass
 * @typedef {{ type: "PRODUCT_PERCENTAGE" | "ORDER_PERCENTAGE" | "SHIPPING_PERCENTAGE", percentage: number }} PercentageRule
 * @typedef {{ type: "PRODUCT_FIXED_AMOUNT" | "ORDER_FIXED_AMOUNT" | "SHIPPING_FIXED_AMOUNT", amount: string }} FixedAmountRule
 * @typedef {PercentageRule | FixedAmountRule} Rule
 * @typedef {{ en: string, nl?: string }} Message
 * @typedef {{
 *   version: 1,
 *   segments: string[],
 *   guests: boolean,
 *   rule: Rule,
 *   products: ProductScope,
 *   productTypes: string[],
 *   collectionIds: string[],
 *   productTags: string[],
 *   minimumSubtotal: string | null,
 *   minimumQuantity: number | null,
 *   message: Message,
 * }} Configuration
 *
 * Meaning:
 * - segments: segment handles; a buyer qualifies when their `$app:segments` metafield holds any.
 * - guests: buyers who are not logged in qualify too (logged-in non-members never do).
 * - rule: PRODUCT_* off each qualifying line (fixed: that amount off each item, at most the
 *   line's cost); ORDER_* off the cart subtotal (fixed: at most the subtotal); SHIPPING_* off
 *   delivery (percentage 100 = free shipping; fixed: off each delivery option, at most its cost).
 * - products: which lines qualify — all, by product type (productTypes, compared without regard
 *   to case), by collection (collectionIds) or by tag (productTags). Only product variants
 *   qualify. For ORDER_* and SHIPPING_* rules, qualifying lines count toward minimumQuantity.
 * - minimumSubtotal: the cart's subtotal (every line) must be at least this.
 * - minimumQuantity: the qualifying items' total quantity must be at least this.
 * - message: shown to the buyer, in the checkout's language when given, else English.
 */

const DECIMAL = /^(?:0|[1-9]\d{0,11})(?:\.\d{1,4})?$/;
const HANDLE = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;
const COLLECTION_GID = /^gid:\/\/shopify\/Collection\/[1-9]\d{0,19}$/;

/**
 * A JSON object (not null, not an array).
 * @param {unknown} v
 * @returns {v is Record<string, unknown>}
 */
export function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * @param {unknown} v
 * @param {(item: unknown) => boolean} ok
 * @param {number} max
 * @returns {v is string[]}
 */
function isList(v, ok, max) {
  if (!Array.isArray(v) || v.length > max) return false;
  for (let i = 0; i < v.length; i++) if (!ok(v[i])) return false;
  return new Set(v).size === v.length;
}

/** @param {unknown} v */
function isText(v) {
  return typeof v === "string" && v.trim().length > 0 && v.length <= MAX_MESSAGE_LENGTH;
}

/**
 * A positive decimal string, as Shopify writes money: at most 12 digits before the point and 4 after.
 * @param {unknown} v
 * @returns {v is string}
 */
export function isPositiveDecimal(v) {
  return typeof v === "string" && DECIMAL.test(v) && /[1-9]/.test(v);
}

/** @param {unknown} v */
function isPercentage(v) {
  // toFixed, not v * 100: 1.1 * 100 is 110.00000000000001, which refused 1 in 9 two-decimal percentages
  return typeof v === "number" && Number.isFinite(v) && v > 0 && v <= 100 && Number(v.toFixed(2)) === v;
}

/**
 * Why a value is not a valid configuration, as a path and a reason; `null` when it is valid.
 * @param {unknown} c
 * @returns {{ path: string, reason: string } | null}
 */
export function configurationProblem(c) {
  /** @param {string} path @param {string} reason */
  const problem = (path, reason) => ({ path, reason });
  if (!isObject(c)) return problem("", "must be an object");
  if (c.version !== CONFIGURATION_VERSION) return problem("version", `must be ${CONFIGURATION_VERSION}`);
  if (!isList(c.segments, (h) => typeof h === "string" && HANDLE.test(h), MAX_SEGMENTS)) {
    return problem("segments", `must be a list of at most ${MAX_SEGMENTS} different segment handles`);
  }
  if (typeof c.guests !== "boolean") return problem("guests", "must be true or false");
  if (c.segments.length === 0 && !c.guests) return problem("segments", "must name a segment (or let guests qualify)");

  const rule = c.rule;
  if (!isObject(rule) || !RULE_TYPES.includes(/** @type {RuleType} */ (rule.type))) {
    return problem("rule.type", `must be one of ${RULE_TYPES.join(", ")}`);
  }
  const ruleKeys = Object.keys(rule).sort().join(",");
  if (String(rule.type).endsWith("_PERCENTAGE")) {
    if (!isPercentage(rule.percentage)) return problem("rule.percentage", "must be a number above 0 and at most 100, with at most 2 decimals");
    if (ruleKeys !== "percentage,type") return problem("rule", "takes only type and percentage");
  } else {
    if (!isPositiveDecimal(rule.amount)) return problem("rule.amount", "must be a decimal string above 0, such as \"5.00\"");
    if (ruleKeys !== "amount,type") return problem("rule", "takes only type and amount");
  }

  if (!PRODUCT_SCOPES.includes(/** @type {ProductScope} */ (c.products))) return problem("products", `must be one of ${PRODUCT_SCOPES.join(", ")}`);
  if (!isList(c.productTypes, isText, MAX_LIST)) return problem("productTypes", `must be a list of at most ${MAX_LIST} different product types`);
  if (!isList(c.collectionIds, (id) => typeof id === "string" && COLLECTION_GID.test(id), MAX_LIST)) {
    return problem("collectionIds", `must be a list of at most ${MAX_LIST} different collection ids (gid://shopify/Collection/…)`);
  }
  if (!isList(c.productTags, isText, MAX_LIST)) return problem("productTags", `must be a list of at most ${MAX_LIST} different tags`);
  const scope = /** @type {ProductScope} */ (c.products);
  for (const key of ["productTypes", "collectionIds", "productTags"]) {
    const list = /** @type {string[]} */ (c[key]);
    if (SCOPE_LIST[scope] === key && list.length === 0) return problem(key, `must not be empty when products is ${scope}`);
    if (SCOPE_LIST[scope] !== key && list.length > 0) return problem(key, `must be empty when products is ${scope}`);
  }

  if (c.minimumSubtotal !== null && !isPositiveDecimal(c.minimumSubtotal)) return problem("minimumSubtotal", "must be null or a decimal string above 0");
  if (c.minimumQuantity !== null && !(Number.isInteger(c.minimumQuantity) && /** @type {number} */ (c.minimumQuantity) >= 1 && /** @type {number} */ (c.minimumQuantity) <= 1000000)) {
    return problem("minimumQuantity", "must be null or a whole number from 1 to 1,000,000");
  }

  const message = c.message;
  if (!isObject(message) || !isText(message.en)) return problem("message.en", `must be a text of 1 to ${MAX_MESSAGE_LENGTH} characters`);
  for (const key of Object.keys(message)) {
    if (!MESSAGE_LANGUAGES.includes(/** @type {"en" | "nl"} */ (key))) return problem(`message.${key}`, `is not one of the languages ${MESSAGE_LANGUAGES.join(", ")}`);
    if (!isText(message[key])) return problem(`message.${key}`, `must be a text of 1 to ${MAX_MESSAGE_LENGTH} characters`);
  }

  const known = ["version", "segments", "guests", "rule", "products", "productTypes", "collectionIds", "productTags", "minimumSubtotal", "minimumQuantity", "message"];
  for (const key of Object.keys(c)) if (!known.includes(key)) return problem(key, "is not a configuration field");
  for (const key of known) if (!(key in c)) return problem(key, "is missing");
  return null;
}

/**
 * The configuration when `value` (the metafield's jsonValue) is a valid one, else `null`.
 * @param {unknown} value
 * @returns {Configuration | null}
 */
export function parseConfiguration(value) {
  return configurationProblem(value) === null ? /** @type {Configuration} */ (value) : null;
}
