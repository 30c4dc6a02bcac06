import { describe, expect, it } from "vitest";
import { translator } from "~/i18n";
import type { RuleView } from "~/services/segment-discounts.types";
import { formatDecimalMoney, ruleSummary } from "./rule-summary";

const rule = (over: Partial<RuleView>): RuleView => ({
  type: "PRODUCT_PERCENTAGE",
  percentage: 10,
  amount: null,
  products: "ALL",
  productTypes: [],
  collectionCount: 0,
  productTags: [],
  minimumSubtotal: null,
  minimumQuantity: null,
  ...over,
});

describe("a segment discount's rule in the merchant's words", () => {
  const en = (r: RuleView) => ruleSummary(translator("en"), "en", r, "EUR");
  const nl = (r: RuleView) => ruleSummary(translator("nl"), "nl", r, "EUR");

  it("says free shipping, and counts one qualifying item in the singular", () => {
    const handbag = rule({ type: "SHIPPING_PERCENTAGE", percentage: 100, products: "TAG", productTags: ["handbag"], minimumQuantity: 1 });
    expect(en(handbag)).toBe("Free shipping · at least 1 item of products tagged handbag");
    expect(nl(handbag)).toBe("Gratis verzending · minstens 1 artikel uit producten met de tag handbag");
    expect(en({ ...handbag, minimumQuantity: 2 })).toBe("Free shipping · at least 2 items of products tagged handbag");
    expect(nl({ ...handbag, minimumQuantity: 2 })).toBe("Gratis verzending · minstens 2 artikelen uit producten met de tag handbag");
  });

  it("writes amounts as the shop's money, exactly, and the minimum subtotal", () => {
    const summary = en(rule({ type: "ORDER_FIXED_AMOUNT", percentage: null, amount: "5.5", minimumSubtotal: "50", minimumQuantity: 1 }));
    expect(summary).toMatch(/^€5\.50 off the order · .*€50\.00.* · at least 1 item$/);
    expect(formatDecimalMoney("0.125", "EUR", "en")).toBe("€0.125");
    expect(formatDecimalMoney("12.5", "XXX-not-a-currency", "en")).toBe("12.5 XXX-not-a-currency");
  });
});
