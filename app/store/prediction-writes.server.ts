/**
 * The SQL of a prediction refit: reading a shop's purchase history page by page, and writing each
 * customer's scores back in multi-row statements. Every statement names the shop.
 *
 * - Reading: the shop's customer ids once, then the orders that count — not test, not cancelled,
 *   linked to a customer — for a range of those ids at a time, by an index range on
 *   (shopId, customerId): no page sorts the shop's orders, memory holds one page of orders.
 * - Writing: PostgreSQL takes one UPDATE … FROM unnest(arrays) per batch (ten parameters however
 *   many rows); SQLite an UPDATE … FROM a VALUES list named by a CTE (SQLite ≥ 3.33). Each batch
 *   is also bounded by its id range, so the plan probes only that range whatever the planner's
 *   statistics say (right after an import they say little), and rows already holding the values
 *   are left alone.
 */
import type { DatabaseKind, Db } from "~/db/client";
import type { RfmGroup, SpendTier } from "~/db/generated/sqlite/client";
import { sqliteInstant } from "./bulk-insert.server";

export interface PurchaseRow {
  customerId: number;
  /** ms since the epoch */
  processedAt: number;
  /** total less refunds, in minor units */
  amountMinor: number;
}

export interface PurchasePage {
  /** the page's customers, ascending: with or without counted orders */
  customerIds: number[];
  /** their counted orders, in no particular order */
  purchases: PurchaseRow[];
}

/** The shop's customers a page at a time (ascending id), each with every counted order it has. */
export async function* purchaseHistory(db: Db, kind: DatabaseKind, args: { shopId: number; customersPerPage?: number; signal?: AbortSignal }): AsyncGenerator<PurchasePage> {
  const postgres = kind === "postgresql";
  const p = (n: number) => (postgres ? `CAST($${n} AS integer)` : "?");
  const perPage = args.customersPerPage ?? 5_000;
  const ids = (await db.$queryRawUnsafe<{ id: number | bigint }[]>(`SELECT "id" FROM "Customer" WHERE "shopId" = ${p(1)}`, args.shopId)).map((row) => Number(row.id)).sort((a, b) => a - b);
  const sql = `SELECT o."customerId" AS "customerId", o."processedAt" AS "processedAt", o."totalMinor" - o."totalRefundedMinor" AS "amount"
    FROM "Order" AS o
    WHERE o."shopId" = ${p(1)} AND o."customerId" >= ${p(2)} AND o."customerId" <= ${p(3)} AND o."cancelledAt" IS NULL AND NOT o."test"`;
  for (let start = 0; start < ids.length; start += perPage) {
    args.signal?.throwIfAborted();
    const customerIds = ids.slice(start, start + perPage);
    const rows = await db.$queryRawUnsafe<{ customerId: number | bigint; processedAt: Date | string; amount: number | bigint | null }[]>(sql, args.shopId, customerIds[0], customerIds[customerIds.length - 1]);
    yield { customerIds, purchases: rows.map((row) => ({ customerId: Number(row.customerId), processedAt: instant(row.processedAt), amountMinor: Number(row.amount ?? 0) })) };
  }
}

function instant(value: Date | string): number {
  if (value instanceof Date) return value.getTime();
  // SQLite text as Prisma writes it ("…+00:00"); a bare timestamp is UTC
  return Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
}

/** One customer's predictions as the Customer columns hold them (null: not predicted). */
export interface CustomerScores {
  customerId: number;
  predictedSpendTier: SpendTier | null;
  rfmGroup: RfmGroup;
  predictedSpend12mMinor: bigint | null;
  predictedClvMinor: bigint | null;
  expectedOrders12m: number | null;
  churnProbability: number | null;
  expectedNextOrderAt: Date | null;
  predictedAt: Date | null;
}

/** The Customer columns the prediction job writes, as a Prisma select. */
export const PREDICTION_COLUMNS = {
  predictedSpendTier: true,
  rfmGroup: true,
  predictedSpend12mMinor: true,
  predictedClvMinor: true,
  expectedOrders12m: true,
  churnProbability: true,
  expectedNextOrderAt: true,
  predictedAt: true,
} as const;

/** A customer without a counted order: a prospect, with nothing predicted. */
export function prospectScores(customerId: number): CustomerScores {
  return {
    customerId,
    predictedSpendTier: null,
    rfmGroup: "PROSPECTS",
    predictedSpend12mMinor: null,
    predictedClvMinor: null,
    expectedOrders12m: null,
    churnProbability: null,
    expectedNextOrderAt: null,
    predictedAt: null,
  };
}

/** Rows per statement: PostgreSQL's arrays have no parameter limit to mind; SQLite's VALUES list stays at 8,000 parameters. */
const POSTGRES_ROWS = 5_000;
const SQLITE_ROWS = 800;

/**
 * Writes the scores of these customers of the shop (another shop's ids change nothing); returns
 * the rows changed (a row that already holds its values is not written).
 */
export async function writeCustomerScores(db: Db, kind: DatabaseKind, shopId: number, scores: readonly CustomerScores[]): Promise<number> {
  const sorted = [...scores].sort((a, b) => a.customerId - b.customerId);
  let written = 0;
  const size = kind === "postgresql" ? POSTGRES_ROWS : SQLITE_ROWS;
  for (let start = 0; start < sorted.length; start += size) {
    const batch = sorted.slice(start, start + size);
    written += kind === "postgresql" ? await writePostgres(db, shopId, batch) : await writeSqlite(db, shopId, batch);
  }
  return written;
}

const COLUMNS: readonly [column: string, value: string][] = [
  ["predictedSpendTier", "tier"],
  ["rfmGroup", "rfm"],
  ["predictedSpend12mMinor", "spend"],
  ["predictedClvMinor", "clv"],
  ["expectedOrders12m", "orders"],
  ["churnProbability", "churn"],
  ["expectedNextOrderAt", "next"],
  ["predictedAt", "at"],
];
const SET = COLUMNS.map(([column, value]) => `"${column}" = v.${value}`).join(", ");
/** Some column differs (null-safe: PostgreSQL's IS DISTINCT FROM, SQLite's IS NOT). */
const changed = (distinct: string) => `(${COLUMNS.map(([column, value]) => `c."${column}" ${distinct} v.${value}`).join(" OR ")})`;

function writePostgres(db: Db, shopId: number, batch: readonly CustomerScores[]): Promise<number> {
  const timestamp = (date: Date | null) => (date === null ? null : date.toISOString().slice(0, -1));
  const sql = `UPDATE "Customer" AS c SET ${SET}
    FROM (SELECT u.id, CAST(u.tier AS "SpendTier") AS tier, CAST(u.rfm AS "RfmGroup") AS rfm, u.spend, u.clv, u.orders, u.churn, u.next, u.at
          FROM unnest(CAST($1 AS integer[]), CAST($2 AS text[]), CAST($3 AS text[]), CAST($4 AS bigint[]), CAST($5 AS bigint[]),
                      CAST($6 AS double precision[]), CAST($7 AS double precision[]), CAST($8 AS timestamp(3)[]), CAST($9 AS timestamp(3)[]))
            AS u(id, tier, rfm, spend, clv, orders, churn, next, at)) AS v
    WHERE c."id" = v.id AND c."shopId" = CAST($10 AS integer) AND c."id" BETWEEN CAST($11 AS integer) AND CAST($12 AS integer) AND ${changed("IS DISTINCT FROM")}`;
  return db.$executeRawUnsafe(
    sql,
    batch.map((s) => s.customerId),
    batch.map((s) => s.predictedSpendTier),
    batch.map((s) => s.rfmGroup),
    batch.map((s) => (s.predictedSpend12mMinor === null ? null : String(s.predictedSpend12mMinor))),
    batch.map((s) => (s.predictedClvMinor === null ? null : String(s.predictedClvMinor))),
    batch.map((s) => s.expectedOrders12m),
    batch.map((s) => s.churnProbability),
    batch.map((s) => timestamp(s.expectedNextOrderAt)),
    batch.map((s) => timestamp(s.predictedAt)),
    shopId,
    batch[0]!.customerId,
    batch[batch.length - 1]!.customerId,
  );
}

function writeSqlite(db: Db, shopId: number, batch: readonly CustomerScores[]): Promise<number> {
  const params: unknown[] = [];
  const values = batch
    .map((s) => {
      params.push(
        s.customerId,
        s.predictedSpendTier,
        s.rfmGroup,
        s.predictedSpend12mMinor,
        s.predictedClvMinor,
        s.expectedOrders12m,
        s.churnProbability,
        s.expectedNextOrderAt === null ? null : sqliteInstant(s.expectedNextOrderAt),
        s.predictedAt === null ? null : sqliteInstant(s.predictedAt),
      );
      return "(?, ?, ?, ?, ?, ?, ?, ?, ?)";
    })
    .join(", ");
  params.push(shopId, batch[0]!.customerId, batch[batch.length - 1]!.customerId);
  const sql = `WITH v(id, tier, rfm, spend, clv, orders, churn, next, at) AS (VALUES ${values})
    UPDATE "Customer" AS c SET ${SET} FROM v WHERE c."id" = v.id AND c."shopId" = ? AND c."id" BETWEEN ? AND ? AND ${changed("IS NOT")}`;
  return db.$executeRawUnsafe(sql, ...params);
}
