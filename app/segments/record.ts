/**
 * One customer as the in-memory evaluator sees it: the store's Customer row (derived stats and
 * predictions included), its tags, addresses and metafields, its orders with their lines, and
 * the products those lines point at. Money is in minor units (cents), as the store keeps it;
 * instants are milliseconds since the epoch (UTC).
 */
export interface CustomerRecord {
  readonly id: number;
  /** Customer.shopifyCreatedAt: customer_added_date */
  readonly createdAt: number;
  readonly emailDomain: string | null;
  readonly locale: string | null;
  readonly accountState: string;
  readonly emailMarketingState: string;
  readonly smsMarketingState: string;

  // derived from orders by the sync
  readonly numberOfOrders: number;
  readonly amountSpentMinor: number;
  readonly amountPaidMinor: number;
  readonly firstOrderAt: number | null;
  readonly lastOrderAt: number | null;
  readonly lastOrderAmountMinor: number | null;
  readonly averageOrderValueMinor: number | null;
  readonly discountOrderShare: number | null;
  readonly lastAbandonedCheckoutAt: number | null;

  // written by the prediction job
  readonly predictedSpendTier: string | null;
  readonly rfmGroup: string | null;
  readonly predictedSpend12mMinor: number | null;
  readonly predictedClvMinor: number | null;
  readonly churnProbability: number | null;
  readonly expectedNextOrderAt: number | null;

  /** lower-cased (CustomerTag.normalized) */
  readonly tags: readonly string[];
  readonly addresses: readonly RecordAddress[];
  /** keyed `namespace.key`; the value in Shopify's string form */
  readonly metafields: Readonly<Record<string, string>>;
  readonly orders: readonly RecordOrder[];
}

export interface RecordAddress {
  readonly city: string | null;
  readonly provinceCode: string | null;
  readonly countryCode: string | null;
}

export interface RecordOrder {
  readonly processedAt: number;
  readonly totalMinor: number;
  readonly cancelled: boolean;
  readonly test: boolean;
  readonly lines: readonly RecordLine[];
}

export interface RecordLine {
  /** the product's numeric Shopify id as text ('7781234'), as the store keeps it */
  readonly productId: string | null;
  readonly sku: string | null;
  /** the line's product type as imported */
  readonly productType: string | null;
  readonly quantity: number;
  /** the product's tags, lower-cased (ProductTag.normalized) */
  readonly productTags: readonly string[];
}
