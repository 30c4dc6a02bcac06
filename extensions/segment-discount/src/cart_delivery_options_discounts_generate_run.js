// @ts-check
/**
 * cart.delivery-options.discounts.generate.run: shipping discounts for segment members.
 * Pure: the input query's answer in, operations out. Product and order rules belong to the lines target.
 */
import { applicableDiscount } from "./eligibility.js";
import { readDeliveryGroups } from "./input.js";
import { compare, formatDecimal, min, parseDecimal, ZERO } from "./money.js";

/**
 * The parts of CartDeliveryOptionsDiscountsGenerateRunResult this Function writes (schema.graphql).
 * @typedef {{ deliveryGroup: { id: string } } | { deliveryOption: { handle: string } }} DeliveryTarget
 * @typedef {{ percentage: { value: number } } | { fixedAmount: { amount: string } }} CandidateValue
 * @typedef {{ message: string, targets: DeliveryTarget[], value: CandidateValue }} DeliveryDiscountCandidate
 * @typedef {{ deliveryDiscountsAdd: { candidates: DeliveryDiscountCandidate[], selectionStrategy: "ALL" } }} DeliveryOperation
 * @typedef {{ operations: DeliveryOperation[] }} CartDeliveryOptionsDiscountsGenerateRunResult
 */

/**
 * @param {unknown} input
 * @returns {CartDeliveryOptionsDiscountsGenerateRunResult}
 */
export function cartDeliveryOptionsDiscountsGenerateRun(input) {
  try {
    return { operations: deliveryOperations(input) };
  } catch {
    // A Function that throws fails the run; no discount is the safe answer.
    return { operations: [] };
  }
}

/**
 * The operations for this cart's delivery; an empty list when the discount does not apply.
 * @param {unknown} input
 * @returns {DeliveryOperation[]}
 */
export function deliveryOperations(input) {
  const discount = applicableDiscount(input, ["SHIPPING"]);
  if (discount === null) return [];
  const groups = readDeliveryGroups(input);
  if (groups === null || groups.length === 0) return [];
  const { configuration, message } = discount;
  const rule = configuration.rule;
  switch (rule.type) {
    case "SHIPPING_PERCENTAGE":
      return [
        {
          deliveryDiscountsAdd: {
            candidates: [
              {
                message,
                targets: groups.map((group) => ({ deliveryGroup: { id: group.id } })),
                value: { percentage: { value: rule.percentage } },
              },
            ],
            selectionStrategy: "ALL",
          },
        },
      ];
    case "SHIPPING_FIXED_AMOUNT": {
      const amount = parseDecimal(rule.amount);
      if (amount === null) return [];
      /** @type {DeliveryDiscountCandidate[]} */
      const candidates = [];
      /** @type {Set<string>} */
      const seen = new Set();
      for (const group of groups) {
        for (const option of group.options) {
          // free options need no discount; the amount never exceeds what the option costs
          if (seen.has(option.handle) || compare(option.cost, ZERO) <= 0) continue;
          seen.add(option.handle);
          candidates.push({
            message,
            targets: [{ deliveryOption: { handle: option.handle } }],
            value: { fixedAmount: { amount: formatDecimal(min(amount, option.cost)) } },
          });
        }
      }
      return candidates.length === 0 ? [] : [{ deliveryDiscountsAdd: { candidates, selectionStrategy: "ALL" } }];
    }
    default:
      return [];
  }
}
