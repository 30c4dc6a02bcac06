// @ts-check
/**
 * Whether the discount applies to this cart and buyer, and to which lines: the semantics written
 * in configuration.js, shared by both targets.
 */
import { discountClassOf, parseConfiguration } from "./configuration.js";
import { readCartInput } from "./input.js";
import { compare, parseDecimal } from "./money.js";

/**
 * @typedef {import("./configuration.js").Configuration} Configuration
 * @typedef {import("./configuration.js").RuleType} RuleType
 * @typedef {import("./input.js").Buyer} Buyer
 * @typedef {import("./input.js").CartInput} CartInput
 * @typedef {import("./input.js").Line} Line
 * @typedef {import("./configuration.js").DiscountClass} DiscountClass
 * @typedef {{ configuration: Configuration, cart: CartInput, qualifying: Line[], message: string }} ApplicableDiscount
 */

/**
 * Members of any configured segment qualify; guests only when the configuration lets them;
 * logged-in non-members never.
 * @param {Configuration} configuration
 * @param {Buyer} buyer
 */
export function isEligible(configuration, buyer) {
  if (buyer.guest) return configuration.guests;
  return buyer.segments.some((handle) => configuration.segments.includes(handle));
}

/**
 * Whether a line is one of the products the rule is about. Only product variants qualify.
 * @param {Configuration} configuration
 * @param {Line} line
 */
export function qualifies(configuration, line) {
  const product = line.product;
  if (product === null) return false;
  switch (configuration.products) {
    case "ALL":
      return true;
    case "PRODUCT_TYPE": {
      const type = product.productType === null ? null : product.productType.toLowerCase();
      return type !== null && configuration.productTypes.some((t) => t.toLowerCase() === type);
    }
    case "COLLECTION":
      return product.inAnyCollection;
    case "TAG":
      return product.hasAnyTag;
    default:
      return false;
  }
}

/**
 * minimumSubtotal against the whole cart, minimumQuantity against the qualifying items.
 * @param {Configuration} configuration
 * @param {CartInput} cart
 * @param {Line[]} qualifying
 */
export function conditionsMet(configuration, cart, qualifying) {
  if (configuration.minimumSubtotal !== null) {
    const minimum = parseDecimal(configuration.minimumSubtotal);
    if (minimum === null || compare(cart.subtotal, minimum) < 0) return false;
  }
  if (configuration.minimumQuantity !== null) {
    let quantity = 0;
    for (const line of qualifying) quantity += line.quantity;
    if (quantity < configuration.minimumQuantity) return false;
  }
  return true;
}

/**
 * The message in the checkout's language when the configuration has it, else English.
 * @param {Configuration} configuration
 * @param {string | null} language
 * @returns {string}
 */
export function messageFor(configuration, language) {
  /** @type {Record<string, string | undefined>} */
  const message = configuration.message;
  if (language !== null && Object.prototype.hasOwnProperty.call(message, language)) {
    const localized = message[language];
    if (typeof localized === "string") return localized;
  }
  return configuration.message.en;
}

/**
 * Everything a run needs once the answer is yes: a valid configuration whose rule this target
 * emits and the discount's classes allow, an eligible buyer, at least one qualifying line and
 * the conditions met. `null` means no discount.
 * @param {unknown} input
 * @param {readonly DiscountClass[]} targetClasses the classes the running target emits
 * @returns {ApplicableDiscount | null}
 */
export function applicableDiscount(input, targetClasses) {
  const cart = readCartInput(input);
  if (cart === null) return null;
  const configuration = parseConfiguration(cart.configuration);
  if (configuration === null) return null;
  const discountClass = discountClassOf(configuration.rule.type);
  if (!targetClasses.includes(discountClass) || !cart.discountClasses.includes(discountClass)) return null;
  if (!isEligible(configuration, cart.buyer)) return null;
  const qualifying = cart.lines.filter((line) => qualifies(configuration, line));
  if (qualifying.length === 0 || !conditionsMet(configuration, cart, qualifying)) return null;
  return { configuration, cart, qualifying, message: messageFor(configuration, cart.language) };
}
