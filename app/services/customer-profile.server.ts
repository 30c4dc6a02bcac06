/**
 * One customer as the admin's customer page shows them: the profile, the latest orders, the
 * segments they belong to (and since when), and what the prediction job wrote about them, with the
 * shop's currency and the run those predictions came from. Every query names the shop, so another
 * shop's customer id reads as "not found".
 */
import type { Db } from "~/db/client";
import type { FinancialStatus } from "~/db/generated/sqlite/client";
import type { SpendTier } from "~/predict/model";
import type { RfmGroup } from "~/predict/rfm";
import { latestScoredRun, type PredictionRunView } from "~/store/prediction-runs.server";
import { PREDICTION_COLUMNS } from "~/store/prediction-writes.server";

export interface CustomerProfile {
  shop: { currencyCode: string; ianaTimezone: string; clvHorizonMonths: number };
  customer: {
    id: number;
    shopifyId: string;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    phone: string | null;
    shopifyCreatedAt: Date;
    redactedAt: Date | null;
    tags: string[];
    numberOfOrders: number;
    amountSpentMinor: bigint;
  };
  orders: {
    id: number;
    name: string | null;
    processedAt: Date;
    currencyCode: string;
    totalMinor: bigint;
    financialStatus: FinancialStatus | null;
    cancelledAt: Date | null;
  }[];
  segments: { id: string; name: string; joinedAt: Date }[];
  /** what the prediction job wrote (null: not written; see app/components/prediction-text.ts for how it reads) */
  prediction: {
    numberOfOrders: number;
    predictedAt: Date | null;
    predictedSpendTier: SpendTier | null;
    rfmGroup: RfmGroup | null;
    predictedSpend12mMinor: bigint | null;
    predictedClvMinor: bigint | null;
    expectedOrders12m: number | null;
    churnProbability: number | null;
    expectedNextOrderAt: Date | null;
  };
  /** the run the shop's predictions came from (null before the first) */
  predictionRun: Pick<PredictionRunView, "status" | "finishedAt" | "asOf"> | null;
}

/** How many of the customer's orders the page lists, newest first. */
export const PROFILE_ORDERS = 10;

export async function getCustomerProfile(db: Db, { shop, customerId }: { shop: string; customerId: number }): Promise<CustomerProfile | null> {
  const shopRow = await db.shop.findUnique({
    where: { domain: shop },
    select: { id: true, currencyCode: true, ianaTimezone: true, clvHorizonMonths: true },
  });
  if (!shopRow) return null;
  const shopId = shopRow.id;
  const row = await db.customer.findFirst({
    where: { id: customerId, shopId },
    select: {
      id: true,
      shopifyId: true,
      firstName: true,
      lastName: true,
      email: true,
      phone: true,
      shopifyCreatedAt: true,
      redactedAt: true,
      numberOfOrders: true,
      amountSpentMinor: true,
      ...PREDICTION_COLUMNS,
      tags: { select: { tag: true }, orderBy: { normalized: "asc" } },
    },
  });
  if (!row) return null;

  const [orders, memberships, run] = await Promise.all([
    db.order.findMany({
      where: { shopId, customerId: row.id },
      orderBy: [{ processedAt: "desc" }, { id: "desc" }],
      take: PROFILE_ORDERS,
      select: { id: true, name: true, processedAt: true, currencyCode: true, totalMinor: true, financialStatus: true, cancelledAt: true },
    }),
    db.segmentMember.findMany({
      where: { shopId, customerId: row.id },
      orderBy: [{ joinedAt: "desc" }, { segmentId: "asc" }],
      select: { joinedAt: true, segment: { select: { id: true, name: true } } },
    }),
    latestScoredRun(db, shopId),
  ]);

  return {
    shop: { currencyCode: shopRow.currencyCode, ianaTimezone: shopRow.ianaTimezone, clvHorizonMonths: shopRow.clvHorizonMonths },
    customer: {
      id: row.id,
      shopifyId: row.shopifyId,
      firstName: row.firstName,
      lastName: row.lastName,
      email: row.email,
      phone: row.phone,
      shopifyCreatedAt: row.shopifyCreatedAt,
      redactedAt: row.redactedAt,
      tags: row.tags.map(({ tag }) => tag),
      numberOfOrders: row.numberOfOrders,
      amountSpentMinor: row.amountSpentMinor,
    },
    orders,
    segments: memberships.map(({ joinedAt, segment }) => ({ id: segment.id, name: segment.name, joinedAt })),
    prediction: {
      numberOfOrders: row.numberOfOrders,
      predictedAt: row.predictedAt,
      predictedSpendTier: row.predictedSpendTier,
      rfmGroup: row.rfmGroup,
      predictedSpend12mMinor: row.predictedSpend12mMinor,
      predictedClvMinor: row.predictedClvMinor,
      expectedOrders12m: row.expectedOrders12m,
      churnProbability: row.churnProbability,
      expectedNextOrderAt: row.expectedNextOrderAt,
    },
    predictionRun: run ? { status: run.status, finishedAt: run.finishedAt, asOf: run.asOf } : null,
  };
}
