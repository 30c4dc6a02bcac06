/**
 * The SQL of publishing membership (decision 010): which customers' membership changed since it was
 * last published (CustomerPublication.dirty), what was published, and the shop's publishing lease.
 * Every statement names the shop.
 *
 * - Marking is set-based and runs inside the transaction that changes SegmentMember rows: an
 *   upsert that sets `dirty` and raises `version`, from a list of ids or from a subquery.
 * - A publish reads dirty rows a chunk at a time by keyset on customerId (index shopId, dirty,
 *   customerId), then the chunk's memberships, in that order: a change committed between the two
 *   reads raised the version the publish will record against, so the row stays dirty.
 * - Recording is a compare-and-set: the published values are written, `dirty` is cleared only
 *   where `version` is still the one read.
 */
import type { DatabaseKind, Db } from "~/db/client";
import type { Prisma } from "~/db/generated/sqlite/client";
import { sqliteInstant } from "./bulk-insert.server";

type Tx = Db | Prisma.TransactionClient;

/** Ids per marking statement. */
const MARK_CHUNK = 5_000;
/** Rows per recording statement on SQLite (7 parameters each, well under its limit). */
const SQLITE_RECORD_ROWS = 1_000;

/** `$n` with its type on PostgreSQL, `?` on SQLite; parameters in placeholder order. */
class Statement {
  readonly params: unknown[] = [];
  constructor(
    readonly kind: DatabaseKind,
    private readonly offset = 0,
  ) {}
  p(value: unknown, type?: string): string {
    this.params.push(value);
    if (this.kind !== "postgresql") return "?";
    const placeholder = `$${this.offset + this.params.length}`;
    return type ? `CAST(${placeholder} AS ${type})` : placeholder;
  }
  int(value: number): string {
    return this.p(value, "integer");
  }
}

/**
 * The upsert that marks customers dirty: `select` yields the columns "customerId" and "shopId"
 * (each customer once: PostgreSQL refuses to touch one row twice in one statement) and names the
 * shop in its own WHERE. For the membership writes' own statements too.
 */
export function markDirtySql(select: string): string {
  return `INSERT INTO "CustomerPublication" ("customerId", "shopId", "dirty", "version", "segments", "tags")
    SELECT d."customerId", d."shopId", true, 1, '[]', '[]' FROM (${select}) AS d WHERE true
    ON CONFLICT ("customerId") DO UPDATE SET "dirty" = true, "version" = "CustomerPublication"."version" + 1`;
}

/** Marks these customers of the shop dirty (ids of another shop or of no customer change nothing). */
export async function markCustomersDirty(tx: Tx, kind: DatabaseKind, shopId: number, customerIds: readonly number[]): Promise<void> {
  const ids = [...new Set(customerIds)].sort((a, b) => a - b);
  for (let start = 0; start < ids.length; start += MARK_CHUNK) {
    const chunk = ids.slice(start, start + MARK_CHUNK);
    const q = new Statement(kind);
    const shop = q.int(shopId);
    const list = kind === "postgresql" ? `SELECT unnest(${q.p(chunk, "integer[]")})` : chunk.map((id) => q.int(id)).join(", ");
    const select = `SELECT c."id" AS "customerId", c."shopId" FROM "Customer" AS c WHERE c."shopId" = ${shop} AND c."id" IN (${list})`;
    await tx.$executeRawUnsafe(markDirtySql(select), ...q.params);
  }
}

/** Marks every member of these segments of the shop dirty (before the segments go, or their handle or tag setting changes); returns how many. */
export async function markSegmentMembersDirty(tx: Tx, kind: DatabaseKind, shopId: number, segmentIds: readonly string[]): Promise<number> {
  const ids = [...new Set(segmentIds)];
  if (ids.length === 0) return 0;
  const q = new Statement(kind);
  const shop = q.int(shopId);
  const list = kind === "postgresql" ? `SELECT unnest(${q.p(ids, "text[]")})` : ids.map((id) => q.p(id)).join(", ");
  const select = `SELECT DISTINCT m."customerId", m."shopId" FROM "SegmentMember" AS m WHERE m."shopId" = ${shop} AND m."segmentId" IN (${list})`;
  return tx.$executeRawUnsafe(markDirtySql(select), ...q.params);
}

/**
 * Republish everything: every customer ever published and every member now is dirty, and what the
 * metafield holds is unknown (written whatever it was; wanted tags added again). Returns the rows marked.
 */
export async function markShopUnknown(tx: Tx, kind: DatabaseKind, shopId: number): Promise<number> {
  const q = new Statement(kind);
  const shop = q.int(shopId);
  await tx.$executeRawUnsafe(markDirtySql(`SELECT DISTINCT m."customerId", m."shopId" FROM "SegmentMember" AS m WHERE m."shopId" = ${shop}`), ...q.params);
  const again = new Statement(kind);
  return tx.$executeRawUnsafe(
    `UPDATE "CustomerPublication" SET "segments" = NULL, "dirty" = true, "version" = "version" + 1 WHERE "shopId" = ${again.int(shopId)}`,
    ...again.params,
  );
}

/** Whether any customer of the shop waits to be published. */
export async function hasDirtyCustomers(db: Tx, shopId: number): Promise<boolean> {
  return (await db.customerPublication.findFirst({ where: { shopId, dirty: true }, select: { customerId: true } })) !== null;
}

export async function countDirtyCustomers(db: Tx, shopId: number): Promise<number> {
  return db.customerPublication.count({ where: { shopId, dirty: true } });
}

/** A dirty customer as a publish reads it. */
export interface DirtyCustomer {
  customerId: number;
  shopifyId: string;
  version: number;
  /** what the metafield holds (JSON list), null when unknown */
  segments: string | null;
  /** the segment tags it carries by our hand (JSON list) */
  tags: string;
}

/** Up to `limit` dirty customers of the shop with ids above `afterId`, ascending. */
export async function readDirtyCustomers(db: Db, kind: DatabaseKind, args: { shopId: number; afterId: number; limit: number }): Promise<DirtyCustomer[]> {
  const q = new Statement(kind);
  const shop = q.int(args.shopId);
  const rows = await db.$queryRawUnsafe<{ customerId: number | bigint; shopifyId: string; version: number | bigint; segments: string | null; tags: string }[]>(
    `SELECT p."customerId", c."shopifyId", p."version", p."segments", p."tags"
       FROM "CustomerPublication" AS p JOIN "Customer" AS c ON c."id" = p."customerId"
      WHERE p."shopId" = ${shop} AND p."dirty" = true AND p."customerId" > ${q.int(args.afterId)}
      ORDER BY p."customerId" LIMIT ${q.int(args.limit)}`,
    ...q.params,
  );
  return rows.map((row) => ({ customerId: Number(row.customerId), shopifyId: row.shopifyId, version: Number(row.version), segments: row.segments, tags: row.tags }));
}

export interface MembershipRow {
  customerId: number;
  handle: string;
  publishTag: boolean;
}

/** The segments (handle, tag setting) these customers of the shop are members of now. */
export async function readMemberships(db: Db, kind: DatabaseKind, shopId: number, customerIds: readonly number[]): Promise<MembershipRow[]> {
  if (customerIds.length === 0) return [];
  const q = new Statement(kind);
  const shop = q.int(shopId);
  const list = kind === "postgresql" ? `SELECT unnest(${q.p([...customerIds], "integer[]")})` : customerIds.map((id) => q.int(id)).join(", ");
  const rows = await db.$queryRawUnsafe<{ customerId: number | bigint; handle: string; publishTag: boolean | number | bigint }[]>(
    `SELECT m."customerId", s."handle", s."publishTag"
       FROM "SegmentMember" AS m JOIN "Segment" AS s ON s."id" = m."segmentId"
      WHERE m."shopId" = ${shop} AND s."shopId" = m."shopId" AND m."customerId" IN (${list})`,
    ...q.params,
  );
  return rows.map((row) => ({ customerId: Number(row.customerId), handle: row.handle, publishTag: row.publishTag === true || Number(row.publishTag) === 1 }));
}

/** What a publish did for one customer. */
export interface PublishedRow {
  customerId: number;
  /** the version the publish read */
  version: number;
  /** what the metafield holds now (JSON list; "[]" when absent), null when still unknown */
  segments: string | null;
  tags: string;
  /** why Shopify refused the customer, null when it did not */
  error: string | null;
}

/**
 * Records what was published; each row is clean again only if nothing changed its membership since
 * the publish read it (same version). Returns the rows cleaned.
 */
export async function recordPublished(db: Db, kind: DatabaseKind, shopId: number, rows: readonly PublishedRow[], at: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const sorted = [...rows].sort((a, b) => a.customerId - b.customerId);
  let cleaned = 0;
  if (kind === "postgresql") {
    const q = new Statement(kind);
    const sql = `UPDATE "CustomerPublication" AS p
        SET "segments" = v.segments, "tags" = v.tags, "error" = v.error, "publishedAt" = ${q.p(at.toISOString().slice(0, -1), "timestamp(3)")},
            "dirty" = (p."version" <> v.version)
       FROM unnest(${q.p(sorted.map((r) => r.customerId), "integer[]")}, ${q.p(sorted.map((r) => r.version), "integer[]")}, ${q.p(sorted.map((r) => r.segments), "text[]")},
                   ${q.p(sorted.map((r) => r.tags), "text[]")}, ${q.p(sorted.map((r) => r.error), "text[]")}) AS v(id, version, segments, tags, error)
      WHERE p."customerId" = v.id AND p."shopId" = ${q.int(shopId)}
      RETURNING (p."dirty" = false) AS "clean"`;
    const result = await db.$queryRawUnsafe<{ clean: boolean }[]>(sql, ...q.params);
    return result.filter((row) => row.clean).length;
  }
  for (let start = 0; start < sorted.length; start += SQLITE_RECORD_ROWS) {
    const batch = sorted.slice(start, start + SQLITE_RECORD_ROWS);
    const q = new Statement(kind);
    const values = batch.map((r) => `(${q.int(r.customerId)}, ${q.int(r.version)}, ${q.p(r.segments)}, ${q.p(r.tags)}, ${q.p(r.error)})`).join(", ");
    const sql = `WITH v("id", "version", "segments", "tags", "error") AS (VALUES ${values})
      UPDATE "CustomerPublication" AS p
         SET "segments" = v."segments", "tags" = v."tags", "error" = v."error", "publishedAt" = ${q.p(sqliteInstant(at))},
             "dirty" = (p."version" <> v."version")
        FROM v WHERE p."customerId" = v."id" AND p."shopId" = ${q.int(shopId)}
      RETURNING "dirty"`;
    const result = await db.$queryRawUnsafe<{ dirty: number | bigint | boolean }[]>(sql, ...q.params);
    cleaned += result.filter((row) => Number(row.dirty) === 0).length;
  }
  return cleaned;
}

// ------------------------------------------------------------------------------------------------
// the shop's publishing lease

/**
 * Takes the shop's publishing for this job: free, already this job's (a retry of it), or held by
 * a job that is no longer QUEUED or RUNNING (done, or failed for good). False while another live
 * job holds it — that job looks for dirty customers again after it lets go.
 */
export async function acquirePublishLease(db: Tx, kind: DatabaseKind, shopId: number, jobId: number): Promise<boolean> {
  const q = new Statement(kind);
  const job = q.int(jobId);
  const live = kind === "postgresql" ? `j."state" IN (CAST('QUEUED' AS "JobState"), CAST('RUNNING' AS "JobState"))` : `j."state" IN ('QUEUED', 'RUNNING')`;
  const count = await db.$executeRawUnsafe(
    `UPDATE "Shop" SET "publishJobId" = ${job}
      WHERE "id" = ${q.int(shopId)}
        AND ("publishJobId" IS NULL OR "publishJobId" = ${q.int(jobId)}
             OR NOT EXISTS (SELECT 1 FROM "Job" AS j WHERE j."id" = "Shop"."publishJobId" AND ${live}))`,
    ...q.params,
  );
  return count === 1;
}

/** Lets go of the shop's publishing, if this job holds it. */
export async function releasePublishLease(db: Tx, kind: DatabaseKind, shopId: number, jobId: number): Promise<void> {
  const q = new Statement(kind);
  await db.$executeRawUnsafe(`UPDATE "Shop" SET "publishJobId" = NULL WHERE "id" = ${q.int(shopId)} AND "publishJobId" = ${q.int(jobId)}`, ...q.params);
}
