import { formatCount } from "~/components/format";
import { localeTag, type Locale, type Translate } from "~/i18n";
import { currencyDigits } from "~/sync/money";
import type { RuleView } from "~/services/segment-discounts.types";

/** How many names of a list the summary spells out before "and 3 more". */
const NAMED = 3;

/** A decimal string as money of the shop's currency, exactly ("5.5" → "€5.50"); the text itself when Intl cannot. */
export function formatDecimalMoney(amount: string, currencyCode: string, locale: Locale): string {
  try {
    const digits = currencyDigits(currencyCode);
    const decimals = (amount.split(".")[1] ?? "").length;
    // Intl takes decimal strings exactly (never through a float)
    return new Intl.NumberFormat(localeTag(locale), { style: "currency", currency: currencyCode, maximumFractionDigits: Math.max(digits, decimals) }).format(amount as `${number}`);
  } catch {
    return `${amount} ${currencyCode}`;
  }
}

function formatPercentage(percentage: number, locale: Locale): string {
  return new Intl.NumberFormat(localeTag(locale), { maximumFractionDigits: 2 }).format(percentage);
}

/** "handbag or bag", or "a, b or c and 2 more". */
function names(t: Translate, locale: Locale, items: readonly string[]): string {
  const list = new Intl.ListFormat(locale, { type: "disjunction" }).format(items.slice(0, NAMED));
  return items.length > NAMED ? t("discounts.rule.more", { list, count: items.length - NAMED }) : list;
}

/** Which products qualify, as a phrase: "all products", "products tagged handbag". */
function productsPhrase(t: Translate, locale: Locale, rule: RuleView): string {
  switch (rule.products) {
    case "ALL":
      return t("discounts.products.all");
    case "PRODUCT_TYPE":
      return t("discounts.products.types", { types: names(t, locale, rule.productTypes) });
    case "COLLECTION":
      return rule.collectionCount === 1 ? t("discounts.products.collectionsOne") : t("discounts.products.collections", { count: rule.collectionCount });
    case "TAG":
      return t("discounts.products.tags", { tags: names(t, locale, rule.productTags) });
  }
}

/**
 * The rule in the merchant's words: "10% off products tagged handbag", "Free shipping",
 * "€5.00 off the order · orders from €50.00 · at least 2 items".
 */
export function ruleSummary(t: Translate, locale: Locale, rule: RuleView | null, currencyCode: string): string {
  if (!rule) return t("discounts.rule.unreadable");
  const percentage = formatPercentage(rule.percentage ?? 0, locale);
  const amount = formatDecimalMoney(rule.amount ?? "0", currencyCode, locale);
  const products = productsPhrase(t, locale, rule);
  const parts: string[] = [];
  switch (rule.type) {
    case "PRODUCT_PERCENTAGE":
      parts.push(t("discounts.rule.productPercentage", { percentage, products }));
      break;
    case "PRODUCT_FIXED_AMOUNT":
      parts.push(t("discounts.rule.productAmount", { amount, products }));
      break;
    case "ORDER_PERCENTAGE":
      parts.push(t("discounts.rule.orderPercentage", { percentage }));
      break;
    case "ORDER_FIXED_AMOUNT":
      parts.push(t("discounts.rule.orderAmount", { amount }));
      break;
    case "SHIPPING_PERCENTAGE":
      parts.push(rule.percentage === 100 ? t("discounts.rule.shippingFree") : t("discounts.rule.shippingPercentage", { percentage }));
      break;
    case "SHIPPING_FIXED_AMOUNT":
      parts.push(t("discounts.rule.shippingAmount", { amount }));
      break;
  }
  if (rule.minimumSubtotal !== null) parts.push(t("discounts.rule.minimumSubtotal", { amount: formatDecimalMoney(rule.minimumSubtotal, currencyCode, locale) }));
  if (rule.minimumQuantity !== null) {
    const quantity = formatCount(rule.minimumQuantity, locale);
    // a product rule already says which products; an order or shipping rule counts the qualifying ones
    const counted = !rule.type.startsWith("PRODUCT") && rule.products !== "ALL";
    const one = rule.minimumQuantity === 1;
    if (counted) parts.push(one ? t("discounts.rule.minimumQuantityOfOne", { products }) : t("discounts.rule.minimumQuantityOf", { quantity, products }));
    else parts.push(one ? t("discounts.rule.minimumQuantityOne") : t("discounts.rule.minimumQuantity", { quantity }));
  }
  return parts.join(" · ");
}
