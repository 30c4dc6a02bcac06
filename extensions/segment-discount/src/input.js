// @ts-check
/**
 * Reads the Function's input (the JSON answer to the target's input query) into checked values.
 * Shopify sends what the query asks for, but nothing is taken on trust: a reader answers `null`
 * for a malformed input and the run gives no discount instead of throwing.
 */
import { isObject } from "./configuration.js";
import { add, compare, parseDecimal, ZERO } from "./money.js";

/**
 * @typedef {import("./money.js").Decimal} Decimal
 * @typedef {{ productType: string | null, hasAnyTag: boolean, inAnyCollection: boolean }} Product
 * @typedef {{ id: string, quantity: number, subtotal: Decimal, product: Product | null }} Line
 *   `product` is null for merchandise that is not a product variant (a custom product).
 * @typedef {{ guest: true } | { guest: false, segments: string[] }} Buyer
 * @typedef {{ handle: string, cost: Decimal }} DeliveryOption
 * @typedef {{ id: string, options: DeliveryOption[] }} DeliveryGroup
 * @typedef {{
 *   lines: Line[],
 *   subtotal: Decimal,
 *   buyer: Buyer,
 *   discountClasses: string[],
 *   configuration: unknown,
 *   language: string | null,
 * }} CartInput
 */

/** @param {unknown} v @returns {v is string} */
function isId(v) {
  return typeof v === "string" && v.length > 0;
}

/**
 * A non-negative amount, e.g. a line's subtotal or a delivery option's cost.
 * @param {unknown} money a MoneyV2 object
 * @returns {Decimal | null}
 */
function amountOf(money) {
  if (!isObject(money)) return null;
  const amount = parseDecimal(money.amount);
  return amount !== null && compare(amount, ZERO) >= 0 ? amount : null;
}

/**
 * @param {unknown} merchandise
 * @returns {Product | null | undefined} null: not a product variant; undefined: malformed
 */
function productOf(merchandise) {
  if (!isObject(merchandise)) return undefined;
  // The query selects fields on ProductVariant only, so any other merchandise arrives as {}.
  if (!("product" in merchandise)) return null;
  const product = merchandise.product;
  if (!isObject(product)) return undefined;
  const { productType, hasAnyTag, inAnyCollection } = product;
  if (productType !== null && typeof productType !== "string") return undefined;
  if (typeof hasAnyTag !== "boolean" || typeof inAnyCollection !== "boolean") return undefined;
  return { productType, hasAnyTag, inAnyCollection };
}

/**
 * @param {unknown} value
 * @returns {Line | null}
 */
function readLine(value) {
  if (!isObject(value) || !isId(value.id)) return null;
  const quantity = value.quantity;
  if (typeof quantity !== "number" || !Number.isSafeInteger(quantity) || quantity < 0) return null;
  const subtotal = isObject(value.cost) ? amountOf(value.cost.subtotalAmount) : null;
  if (subtotal === null) return null;
  const product = productOf(value.merchandise);
  if (product === undefined) return null;
  return { id: value.id, quantity, subtotal, product };
}

/**
 * A logged-in customer is never a guest, with or without the segments metafield.
 * @param {unknown} buyerIdentity
 * @returns {Buyer}
 */
function readBuyer(buyerIdentity) {
  const customer = isObject(buyerIdentity) ? buyerIdentity.customer : null;
  if (!isObject(customer)) return { guest: true };
  const metafield = customer.metafield;
  const handles = isObject(metafield) && Array.isArray(metafield.jsonValue) ? metafield.jsonValue : [];
  return { guest: false, segments: handles.filter((h) => typeof h === "string") };
}

/**
 * "NL" → "nl", "PT_BR" → "pt"; null when the input has no language.
 * @param {unknown} localization
 * @returns {string | null}
 */
function readLanguage(localization) {
  const language = isObject(localization) ? localization.language : null;
  const isoCode = isObject(language) ? language.isoCode : null;
  if (typeof isoCode !== "string" || isoCode.length === 0) return null;
  return (isoCode.split("_")[0] ?? "").toLowerCase();
}

/**
 * The cart, the buyer and the discount, as both targets' queries select them; `null` when the
 * input is malformed.
 * @param {unknown} input
 * @returns {CartInput | null}
 */
export function readCartInput(input) {
  if (!isObject(input)) return null;
  const cart = input.cart;
  const discount = input.discount;
  if (!isObject(cart) || !isObject(discount)) return null;
  if (!Array.isArray(cart.lines) || !Array.isArray(discount.discountClasses)) return null;

  /** @type {Line[]} */
  const lines = [];
  let subtotal = ZERO;
  for (const value of cart.lines) {
    const line = readLine(value);
    if (line === null) return null;
    lines.push(line);
    subtotal = add(subtotal, line.subtotal);
  }
  const discountClasses = discount.discountClasses.filter((c) => typeof c === "string");
  const metafield = discount.metafield;
  return {
    lines,
    subtotal,
    buyer: readBuyer(cart.buyerIdentity),
    discountClasses,
    configuration: isObject(metafield) ? metafield.jsonValue : undefined,
    language: readLanguage(input.localization),
  };
}

/**
 * The cart's delivery groups and their options (delivery target only); `null` when malformed.
 * @param {unknown} input
 * @returns {DeliveryGroup[] | null}
 */
export function readDeliveryGroups(input) {
  const cart = isObject(input) ? input.cart : null;
  if (!isObject(cart) || !Array.isArray(cart.deliveryGroups)) return null;
  /** @type {DeliveryGroup[]} */
  const groups = [];
  for (const group of cart.deliveryGroups) {
    if (!isObject(group) || !isId(group.id) || !Array.isArray(group.deliveryOptions)) return null;
    /** @type {DeliveryOption[]} */
    const options = [];
    for (const option of group.deliveryOptions) {
      if (!isObject(option) || !isId(option.handle)) return null;
      const cost = amountOf(option.cost);
      if (cost === null) return null;
      options.push({ handle: option.handle, cost });
    }
    groups.push({ id: group.id, options });
  }
  return groups;
}
