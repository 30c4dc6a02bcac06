// @ts-check
/**
 * cart.lines.discounts.generate.run: product and order discounts for segment members.
 * Pure: the input query's answer in, operations out. Shipping rules belong to the delivery target.
 */
import { applicableDiscount } from "./eligibility.js";
import { compare, formatDecimal, min, multiply, parseDecimal, ZERO } from "./money.js";

/**
 * The parts of CartLinesDiscountsGenerateRunResult this Function writes (schema.graphql).
 * @typedef {{ percentage: { value: number } }} PercentageValue
 * @typedef {PercentageValue | { fixedAmount: { amount: string, appliesToEachItem: true } }} ProductCandidateValue
 *   appliesToEachItem: the amount comes off each item of each target line, not once across them.
 * @typedef {PercentageValue | { fixedAmount: { amount: string } }} OrderCandidateValue
 * @typedef {{ message: string, targets: { cartLine: { id: string } }[], value: ProductCandidateValue }} ProductDiscountCandidate
 * @typedef {{ message: string, targets: { orderSubtotal: { excludedCartLineIds: string[] } }[], value: OrderCandidateValue }} OrderDiscountCandidate
 * @typedef {{ productDiscountsAdd: { candidates: ProductDiscountCandidate[], selectionStrategy: "FIRST" | "ALL" } }} ProductDiscountsAdd
 * @typedef {{ orderDiscountsAdd: { candidates: OrderDiscountCandidate[], selectionStrategy: "FIRST" } }} OrderDiscountsAdd
 * @typedef {ProductDiscountsAdd | OrderDiscountsAdd} CartOperation
 * @typedef {{ operations: CartOperation[] }} CartLinesDiscountsGenerateRunResult
 */

/**
 * @param {unknown} input
 * @returns {CartLinesDiscountsGenerateRunResult}
 */
export function cartLinesDiscountsGenerateRun(input) {
  try {
    return { operations: cartLinesOperations(input) };
  } catch {
    // A Function that throws fails the run; no discount is the safe answer.
    return { operations: [] };
  }
}

/**
 * The operations for this cart; an empty list when the discount does not apply.
 * @param {unknown} input
 * @returns {CartOperation[]}
 */
export function cartLinesOperations(input) {
  const discount = applicableDiscount(input, ["PRODUCT", "ORDER"]);
  if (discount === null) return [];
  const { configuration, cart, qualifying, message } = discount;
  const rule = configuration.rule;
  switch (rule.type) {
    case "PRODUCT_PERCENTAGE":
      return [
        {
          productDiscountsAdd: {
            candidates: [
              {
                message,
                targets: qualifying.map((line) => ({ cartLine: { id: line.id } })),
                value: { percentage: { value: rule.percentage } },
              },
            ],
            selectionStrategy: "FIRST",
          },
        },
      ];
    case "PRODUCT_FIXED_AMOUNT": {
      const amount = parseDecimal(rule.amount);
      if (amount === null) return [];
      // Two candidates at most, whatever the cart's size: one per line would pass Shopify's 20 kB
      // output limit near 150 lines and show the buyer one discount line per cart line.
      /** @type {{ cartLine: { id: string } }[]} */
      const perItem = [];
      /** @type {{ cartLine: { id: string } }[]} */
      const free = [];
      for (const line of qualifying) {
        const wanted = multiply(amount, line.quantity);
        // a line that would get nothing off (it costs nothing) is not a target
        if (compare(min(wanted, line.subtotal), ZERO) <= 0) continue;
        // the amount off each item, or the whole line when that is less
        (compare(wanted, line.subtotal) <= 0 ? perItem : free).push({ cartLine: { id: line.id } });
      }
      /** @type {ProductDiscountCandidate[]} */
      const candidates = [];
      if (perItem.length > 0) {
        candidates.push({ message, targets: perItem, value: { fixedAmount: { amount: formatDecimal(amount), appliesToEachItem: true } } });
      }
      if (free.length > 0) candidates.push({ message, targets: free, value: { percentage: { value: 100 } } });
      return candidates.length === 0 ? [] : [{ productDiscountsAdd: { candidates, selectionStrategy: "ALL" } }];
    }
    case "ORDER_PERCENTAGE":
      return [orderDiscount(message, { percentage: { value: rule.percentage } })];
    case "ORDER_FIXED_AMOUNT": {
      const amount = parseDecimal(rule.amount);
      if (amount === null) return [];
      const off = min(amount, cart.subtotal);
      if (compare(off, ZERO) <= 0) return [];
      return [orderDiscount(message, { fixedAmount: { amount: formatDecimal(off) } })];
    }
    default:
      return [];
  }
}

/**
 * @param {string} message
 * @param {OrderCandidateValue} value
 * @returns {OrderDiscountsAdd}
 */
function orderDiscount(message, value) {
  return {
    orderDiscountsAdd: {
      candidates: [{ message, targets: [{ orderSubtotal: { excludedCartLineIds: [] } }], value }],
      selectionStrategy: "FIRST",
    },
  };
}
