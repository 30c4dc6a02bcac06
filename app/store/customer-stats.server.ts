import type { DatabaseKind, Db } from "~/db/client";

/**
 * The derived Customer columns the segment filters read — number of orders, amount spent (net of
 * refunds), amount paid, first and last order, last order amount, average order value, share of
 * orders with a discount code, last abandoned checkout — computed in the database from the
 * shop's counted orders (not cancelled, not test), for the whole shop after an import or for the
 * customers a webhook touched. Customers left without counted orders go back to zero and null.
 */
export async function recomputeCustomerStats(db: Db, kind: DatabaseKind, shopId: number, customerIds?: readonly number[]): Promise<void> {
  if (customerIds === undefined) return run(db, kind, shopId, null);
  const ids = [...new Set(customerIds)];
  for (let i = 0; i < ids.length; i += CHUNK) await run(db, kind, shopId, ids.slice(i, i + CHUNK));
}

const CHUNK = 1_000;
const PAID = `('PAID', 'PARTIALLY_PAID', 'PARTIALLY_REFUNDED', 'REFUNDED')`;

/** One statement's text and its parameters, in the order the placeholders appear. */
class Statement {
  readonly params: number[] = [];
  constructor(private readonly postgres: boolean) {}
  p(value: number): string {
    this.params.push(value);
    return this.postgres ? `$${this.params.length}` : "?";
  }
  in(column: string, ids: readonly number[] | null): string {
    return ids ? ` AND ${column} IN (${ids.map((id) => this.p(id)).join(", ")})` : "";
  }
}

async function run(db: Db, kind: DatabaseKind, shopId: number, ids: number[] | null): Promise<void> {
  const postgres = kind === "postgresql";
  const share = postgres ? `avg(o."hasDiscountCode"::int)` : `avg(o."hasDiscountCode")`;
  const average = postgres ? `round(s.spent::numeric / s.n)::bigint` : `CAST(round(CAST(s.spent AS REAL) / s.n) AS INTEGER)`;
  const scope = (q: Statement) => `c."shopId" = ${q.p(shopId)}${q.in(`c."id"`, ids)}`;

  const reset = new Statement(postgres);
  const resetSql = `UPDATE "Customer" AS c SET "numberOfOrders" = 0, "amountSpentMinor" = 0, "amountPaidMinor" = 0, "firstOrderAt" = NULL,
      "lastOrderAt" = NULL, "lastOrderAmountMinor" = NULL, "averageOrderValueMinor" = NULL, "discountOrderShare" = NULL,
      "lastAbandonedCheckoutAt" = NULL
    WHERE ${scope(reset)}`;

  const orders = new Statement(postgres);
  const ordersSql = `UPDATE "Customer" AS c SET "numberOfOrders" = s.n, "amountSpentMinor" = s.spent, "amountPaidMinor" = s.paid,
      "firstOrderAt" = s.first_at, "lastOrderAt" = s.last_at, "lastOrderAmountMinor" = s.last_amount,
      "averageOrderValueMinor" = ${average}, "discountOrderShare" = s.share
    FROM (
      SELECT o."customerId" AS "customerId", count(*) AS n,
             sum(o."totalMinor" - o."totalRefundedMinor") AS spent,
             sum(CASE WHEN o."financialStatus" IN ${PAID} THEN o."totalMinor" - o."totalRefundedMinor" ELSE 0 END) AS paid,
             min(o."processedAt") AS first_at, max(o."processedAt") AS last_at,
             max(CASE WHEN o.latest = 1 THEN o."totalMinor" END) AS last_amount,
             ${share} AS share
      FROM (SELECT o.*, row_number() OVER (PARTITION BY o."customerId" ORDER BY o."processedAt" DESC, o."id" DESC) AS latest
            FROM "Order" AS o
            WHERE o."shopId" = ${orders.p(shopId)} AND o."customerId" IS NOT NULL AND o."cancelledAt" IS NULL AND NOT o."test"${orders.in(`o."customerId"`, ids)}) AS o
      GROUP BY o."customerId"
    ) AS s
    WHERE c."id" = s."customerId" AND ${scope(orders)}`;

  const checkouts = new Statement(postgres);
  const checkoutsSql = `UPDATE "Customer" AS c SET "lastAbandonedCheckoutAt" = s.at
    FROM (SELECT a."customerId" AS "customerId", max(a."shopifyCreatedAt") AS at FROM "AbandonedCheckout" AS a
          WHERE a."shopId" = ${checkouts.p(shopId)} AND a."customerId" IS NOT NULL AND a."completedAt" IS NULL${checkouts.in(`a."customerId"`, ids)}
          GROUP BY a."customerId") AS s
    WHERE c."id" = s."customerId" AND ${scope(checkouts)}`;

  await db.$transaction([
    db.$executeRawUnsafe(resetSql, ...reset.params),
    db.$executeRawUnsafe(ordersSql, ...orders.params),
    db.$executeRawUnsafe(checkoutsSql, ...checkouts.params),
  ]);
}
