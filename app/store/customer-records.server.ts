import type { Db } from "~/db/client";
import type { CustomerRecord, RecordAddress, RecordLine, RecordOrder } from "~/segments/record";

/** Customers per round of queries: keeps every IN list well under both databases' parameter limits. */
const CHUNK = 1_000;

/**
 * Customers as the in-memory segment evaluator sees them (app/segments/record.ts): the Customer
 * row with its tags, addresses, metafields, orders, order lines and the tags of the products those
 * lines point at. One query per table for a whole chunk of customers, never one per customer, and
 * every query names the shop. Without `customerIds`, every customer of the shop.
 *
 * Order is stable: customers by id, tags by their lower-cased form, addresses by id, orders by
 * processedAt then id, lines by id, product tags by their lower-cased form. Money comes back as
 * numbers of minor units, instants as ms since the epoch.
 */
export async function loadCustomerRecords(db: Db, shopId: number, customerIds?: readonly number[]): Promise<CustomerRecord[]> {
  if (customerIds === undefined) return loadChunk(db, shopId, undefined);
  const ids = [...new Set(customerIds)].sort((a, b) => a - b);
  const records: CustomerRecord[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) records.push(...(await loadChunk(db, shopId, ids.slice(i, i + CHUNK))));
  return records;
}

async function loadChunk(db: Db, shopId: number, ids: number[] | undefined): Promise<CustomerRecord[]> {
  if (ids !== undefined && ids.length === 0) return [];
  const customers = await db.customer.findMany({
    where: { shopId, ...(ids ? { id: { in: ids } } : {}) },
    orderBy: { id: "asc" },
    select: {
      id: true,
      shopifyCreatedAt: true,
      emailDomain: true,
      locale: true,
      accountState: true,
      emailMarketingState: true,
      smsMarketingState: true,
      numberOfOrders: true,
      amountSpentMinor: true,
      amountPaidMinor: true,
      firstOrderAt: true,
      lastOrderAt: true,
      lastOrderAmountMinor: true,
      averageOrderValueMinor: true,
      discountOrderShare: true,
      lastAbandonedCheckoutAt: true,
      predictedSpendTier: true,
      rfmGroup: true,
      predictedSpend12mMinor: true,
      predictedClvMinor: true,
      churnProbability: true,
      expectedNextOrderAt: true,
    },
  });
  if (customers.length === 0) return [];
  // the customers found, not the ids asked for: another shop's ids drop out here
  const found = ids ? { customerId: { in: customers.map((c) => c.id) } } : {};

  const [tags, addresses, metafields, orders] = await Promise.all([
    db.customerTag.findMany({ where: { shopId, ...found }, select: { customerId: true, normalized: true } }),
    db.customerAddress.findMany({
      where: { shopId, ...found },
      orderBy: { id: "asc" },
      select: { customerId: true, city: true, provinceCode: true, countryCode: true },
    }),
    db.customerMetafield.findMany({ where: { shopId, ...found }, select: { customerId: true, namespace: true, key: true, value: true } }),
    db.order.findMany({
      where: { shopId, ...(ids ? found : { customerId: { not: null } }) },
      orderBy: [{ processedAt: "asc" }, { id: "asc" }],
      select: { id: true, customerId: true, processedAt: true, totalMinor: true, cancelledAt: true, test: true },
    }),
  ]);

  const lines =
    orders.length === 0
      ? []
      : await db.orderLine.findMany({
          where: { shopId, order: { shopId, ...(ids ? found : { customerId: { not: null } }) } },
          orderBy: { id: "asc" },
          select: { orderId: true, productShopifyId: true, sku: true, productType: true, quantity: true },
        });

  const productIds = [...new Set(lines.flatMap((line) => (line.productShopifyId === null ? [] : [line.productShopifyId])))];
  const productTags: { normalized: string; product: { shopifyId: string } }[] = [];
  const select = { normalized: true, product: { select: { shopifyId: true } } } as const;
  if (!ids && productIds.length > 0) productTags.push(...(await db.productTag.findMany({ where: { shopId }, select })));
  else {
    for (let i = 0; i < productIds.length; i += CHUNK) {
      const chunk = productIds.slice(i, i + CHUNK);
      productTags.push(...(await db.productTag.findMany({ where: { shopId, product: { shopId, shopifyId: { in: chunk } } }, select })));
    }
  }

  const tagsByProduct = groupBy(productTags, (t) => t.product.shopifyId, (t) => t.normalized);
  for (const list of tagsByProduct.values()) list.sort(compareText);

  const linesByOrder = groupBy(lines, (line) => line.orderId, (line): RecordLine => ({
    productId: line.productShopifyId,
    sku: line.sku,
    productType: line.productType,
    quantity: line.quantity,
    productTags: line.productShopifyId === null ? [] : [...(tagsByProduct.get(line.productShopifyId) ?? [])],
  }));
  const ordersByCustomer = groupBy(orders, (order) => order.customerId as number, (order): RecordOrder => ({
    processedAt: order.processedAt.getTime(),
    totalMinor: Number(order.totalMinor),
    cancelled: order.cancelledAt !== null,
    test: order.test,
    lines: linesByOrder.get(order.id) ?? [],
  }));
  const tagsByCustomer = groupBy(tags, (tag) => tag.customerId, (tag) => tag.normalized);
  const addressesByCustomer = groupBy(addresses, (a) => a.customerId, (a): RecordAddress => ({ city: a.city, provinceCode: a.provinceCode, countryCode: a.countryCode }));
  const metafieldsByCustomer = new Map<number, Record<string, string>>();
  for (const metafield of metafields) {
    let values = metafieldsByCustomer.get(metafield.customerId);
    if (!values) metafieldsByCustomer.set(metafield.customerId, (values = {}));
    values[`${metafield.namespace}.${metafield.key}`] = metafield.value;
  }

  return customers.map((c): CustomerRecord => ({
    id: c.id,
    createdAt: c.shopifyCreatedAt.getTime(),
    emailDomain: c.emailDomain,
    locale: c.locale,
    accountState: c.accountState,
    emailMarketingState: c.emailMarketingState,
    smsMarketingState: c.smsMarketingState,
    numberOfOrders: c.numberOfOrders,
    amountSpentMinor: Number(c.amountSpentMinor),
    amountPaidMinor: Number(c.amountPaidMinor),
    firstOrderAt: instant(c.firstOrderAt),
    lastOrderAt: instant(c.lastOrderAt),
    lastOrderAmountMinor: minor(c.lastOrderAmountMinor),
    averageOrderValueMinor: minor(c.averageOrderValueMinor),
    discountOrderShare: c.discountOrderShare,
    lastAbandonedCheckoutAt: instant(c.lastAbandonedCheckoutAt),
    predictedSpendTier: c.predictedSpendTier,
    rfmGroup: c.rfmGroup,
    predictedSpend12mMinor: minor(c.predictedSpend12mMinor),
    predictedClvMinor: minor(c.predictedClvMinor),
    churnProbability: c.churnProbability,
    expectedNextOrderAt: instant(c.expectedNextOrderAt),
    tags: (tagsByCustomer.get(c.id) ?? []).sort(compareText),
    addresses: addressesByCustomer.get(c.id) ?? [],
    metafields: metafieldsByCustomer.get(c.id) ?? {},
    orders: ordersByCustomer.get(c.id) ?? [],
  }));
}

function groupBy<T, K, V>(rows: readonly T[], key: (row: T) => K, value: (row: T) => V): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const row of rows) {
    const k = key(row);
    let group = groups.get(k);
    if (!group) groups.set(k, (group = []));
    group.push(value(row));
  }
  return groups;
}

function instant(date: Date | null): number | null {
  return date === null ? null : date.getTime();
}

function minor(amount: bigint | null): number | null {
  return amount === null ? null : Number(amount);
}

/** Code-unit order, the same on every database (a collation would sort 'É' differently on each). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
