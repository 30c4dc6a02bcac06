/**
 * What the segment discounts' server side (app/services/segment-discounts.server.ts) and their pages
 * exchange. Plain JSON: loaders and actions serialise these as they are.
 */
import type { MessageKey } from "~/i18n";
import type { ProductScope, RuleType } from "../../extensions/segment-discount/src/configuration.js";

export type { ProductScope, RuleType };

/** What the list and the discount page can do to a saved discount (the action's `intent`). */
export const DISCOUNT_ACTIONS = ["pause", "resume", "delete"] as const;
export type DiscountAction = (typeof DISCOUNT_ACTIONS)[number];

export type DiscountMethodValue = "automatic" | "code";

/** As the pages show it: PAUSED is the app's deactivation; the dates decide between scheduled, active and expired. */
export type DiscountStatusValue = "active" | "paused" | "scheduled" | "expired";

/** The discount form's fields, as text and flags (what the page holds and posts). */
export interface DiscountFormValues {
  title: string;
  method: DiscountMethodValue;
  code: string;
  /** empty: no limit */
  usageLimit: string;
  appliesOncePerCustomer: boolean;
  /** the shop's segment ids */
  segmentIds: string[];
  guests: boolean;
  ruleType: RuleType;
  /** the percentage, or the amount in the shop's currency */
  value: string;
  products: ProductScope;
  /** one per line or comma-separated */
  productTypes: string;
  collectionIds: string;
  productTags: string;
  minimumSubtotal: string;
  minimumQuantity: string;
  messageEn: string;
  messageNl: string;
  /** the shop's wall time, YYYY-MM-DDTHH:mm (a datetime-local input); empty start: now */
  startsAt: string;
  endsAt: string;
  combinesWithProduct: boolean;
  combinesWithOrder: boolean;
  combinesWithShipping: boolean;
}

export type DiscountField = Exclude<keyof DiscountFormValues, "appliesOncePerCustomer" | "guests" | "combinesWithProduct" | "combinesWithOrder" | "combinesWithShipping" | "segmentIds"> | "segments" | "combinesWith" | "form";

/** A message for a field: a locale key and its parameters. */
export interface DiscountMessage {
  key: MessageKey;
  params: Record<string, string | number>;
}

/** A refused save or action: a message per field ("form": the whole of it). */
export interface DiscountErrors {
  ok: false;
  fields: Partial<Record<DiscountField, DiscountMessage>>;
  /** 400 bad input, 409 refused in this state or by Shopify, 502 Shopify did not answer */
  status: 400 | 409 | 502;
}

/** What the rule summary ("10% off products tagged handbag") is made from. */
export interface RuleView {
  type: RuleType;
  percentage: number | null;
  amount: string | null;
  products: ProductScope;
  productTypes: string[];
  collectionCount: number;
  productTags: string[];
  minimumSubtotal: string | null;
  minimumQuantity: number | null;
}

/** A segment a discount names; `id` null when it was deleted (its handle and last name kept). */
export interface DiscountSegmentView {
  id: string | null;
  name: string;
  handle: string;
}

/** One discount as the list and the segment page show it. */
export interface DiscountListItem {
  id: string;
  title: string;
  method: DiscountMethodValue;
  code: string | null;
  status: DiscountStatusValue;
  segments: DiscountSegmentView[];
  guests: boolean;
  /** null when the stored configuration cannot be read (it never should) */
  rule: RuleView | null;
  startsAt: string;
  endsAt: string | null;
  /** Shopify's eligibility names the segments' native mirrors (else every buyer, gated by the Function) */
  limitedInShopify: boolean;
}

/** A segment the form offers. */
export interface DiscountSegmentChoice {
  id: string;
  name: string;
  handle: string;
  /** mirrored as a native Shopify segment */
  mirrored: boolean;
}

/** The list page's and the segment page's discounts, with the shop's currency for their amounts. */
export interface DiscountList {
  discounts: DiscountListItem[];
  currencyCode: string;
}

/** What the discount page loads. */
export interface DiscountEditorData {
  /** null for a new discount */
  discount: (DiscountListItem & { shopifyId: string; numericId: string | null; updatedAt: string }) | null;
  values: DiscountFormValues;
  segments: DiscountSegmentChoice[];
  currencyCode: string;
  timeZone: string;
}
