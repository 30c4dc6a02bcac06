/**
 * Live segment membership: who is in each segment, kept current as the shop's data changes.
 *
 * - After a webhook, `refreshMembership` re-evaluates the customers it touched against every
 *   segment of the shop with the in-memory evaluator (predicates prepared once per query and shop
 *   day) and writes only what changed: a SegmentMember row inserted or deleted by this call, and a
 *   JOINED or LEFT event for exactly those rows.
 * - After an import, and daily for segments whose query depends on the date, `recomputeSegment`
 *   recomputes a whole segment in SQL and writes the difference in SQL, never pulling ids into JS.
 *
 * Concurrency: several workers may refresh the same customer at once. Rows are written with
 * INSERT … ON CONFLICT DO NOTHING RETURNING / DELETE … RETURNING, so an event is recorded only by
 * the call that changed the row; on PostgreSQL each refresh also takes a transaction-scoped advisory
 * lock per customer before it reads, so the last refresh of a customer decides from the newest data.
 *
 * A segment whose stored query no longer checks (a metafield definition it names was removed) is
 * skipped — logged once — and its members are left as they were.
 *
 * Publishing (decision 010): every customer whose rows change is marked dirty in CustomerPublication
 * in the same transaction, and a `segments.publish` job is queued once the change has committed.
 */
import { z } from "zod";
import type { DatabaseKind, Db } from "~/db/client";
import type { Prisma } from "~/db/generated/sqlite/client";
import { dialectOf, enqueue, PermanentJobError } from "~/jobs/queue.server";
import type { JobHandler } from "~/jobs/worker.server";
import { logger } from "~/logger.server";
import type { Expression, Parameter, Value, ValueList } from "~/segments/ast";
import { compileToSql } from "~/segments/compile";
import { analyse, filterOf, type Analysis, type CheckedQuery } from "~/segments/engine";
import { prepare, type Predicate } from "~/segments/evaluate";
import type { MetafieldDefinitionInfo } from "~/segments/filters";
import type { CustomerRecord } from "~/segments/record";
import type { EvaluationContext } from "~/segments/semantics";
import { addDays, isTimeZone, localDay, startOfDay } from "~/segments/time";
import { loadCustomerRecords } from "~/store/customer-records.server";
import { hasDirtyCustomers, markCustomersDirty, markDirtySql } from "~/store/publish.server";
import type { SyncDeps } from "~/sync/deps";
import { currencyDigits } from "~/sync/money";
import { queuePublish } from "./publish.server";

export const DAILY_MEMBERSHIP_JOB = "membership.daily";

type Tx = Db | Prisma.TransactionClient;

export interface MembershipChanges {
  joined: number;
  left: number;
}

/** A segment's stored query no longer checks against the shop's filters (say a metafield definition was removed). */
export class BrokenSegmentError extends Error {
  override name = "BrokenSegmentError";
  constructor(
    readonly segmentId: string,
    readonly problems: readonly string[],
  ) {
    super(`segment ${segmentId}: its query no longer checks (${problems.join("; ")}); its members are left as they were`);
  }
}

export class SegmentNotFoundError extends Error {
  override name = "SegmentNotFoundError";
}

// ------------------------------------------------------------------------------------------------
// the shop's segments, checked

interface ShopSegment {
  readonly id: string;
  readonly query: string;
  /** null when the stored query no longer checks */
  readonly checked: CheckedQuery | null;
  readonly problems: readonly string[];
}

interface ShopSegments {
  readonly shopId: number;
  readonly timeZone: string;
  readonly currencyDigits: number;
  readonly segments: readonly ShopSegment[];
}

/** Checked queries by metafield definitions and text: a query is parsed and checked once per process, not per webhook. */
const analyses = new Map<string, Analysis>();
const MAX_ANALYSES = 5_000;
/** Broken segments already logged (segment, query and definitions), so a webhook storm logs each once. */
const reportedBroken = new Set<string>();

function analysed(query: string, metafields: readonly MetafieldDefinitionInfo[], signature: string): Analysis {
  const key = `${signature}\n${query}`;
  let analysis = analyses.get(key);
  if (!analysis) {
    analysis = analyse(query, { metafields });
    // oldest first out: Map keeps insertion order
    if (analyses.size >= MAX_ANALYSES) analyses.delete(analyses.keys().next().value as string);
    analyses.set(key, analysis);
  }
  return analysis;
}

function reportBroken(shopId: number, segment: { id: string; query: string }, signature: string, problems: readonly string[]): void {
  const key = `${segment.id}\n${segment.query}\n${signature}`;
  if (reportedBroken.has(key)) return;
  if (reportedBroken.size >= MAX_ANALYSES) reportedBroken.clear();
  reportedBroken.add(key);
  logger.warn({ shopId, segmentId: segment.id, query: segment.query, problems }, "segment query no longer checks: skipped, its members are left as they were");
}

async function loadShopSegments(db: Tx, shopId: number, segmentId?: string): Promise<ShopSegments | null> {
  const shop = await db.shop.findUnique({
    where: { id: shopId },
    select: {
      ianaTimezone: true,
      currencyCode: true,
      metafieldDefinitions: { where: { ownerType: "CUSTOMER" }, select: { namespace: true, key: true, type: true, name: true } },
      segments: { where: segmentId === undefined ? {} : { id: segmentId }, select: { id: true, query: true }, orderBy: { id: "asc" } },
    },
  });
  if (!shop) return null;
  const metafields = shop.metafieldDefinitions;
  const signature = metafields
    .map((m) => `${m.namespace}.${m.key}:${m.type}`)
    .sort()
    .join(",");
  const segments = shop.segments.map((segment): ShopSegment => {
    const analysis = analysed(segment.query, metafields, signature);
    if (analysis.ok) return { ...segment, checked: analysis.checked, problems: [] };
    const problems = analysis.errors.map(String);
    reportBroken(shopId, segment, signature, problems);
    return { ...segment, checked: null, problems };
  });
  let timeZone = shop.ianaTimezone;
  if (!isTimeZone(timeZone)) {
    // a zone this runtime does not know must not stop membership: whole days in UTC instead
    logger.warn({ shopId, timeZone }, "shop time zone unknown to this runtime: segments use UTC days");
    timeZone = "UTC";
  }
  return { shopId, timeZone, currencyDigits: currencyDigits(shop.currencyCode), segments };
}

/** Prepared predicates per checked query, kept while the shop's day (and zone and currency) stays the same. */
const predicates = new WeakMap<CheckedQuery, { key: string; predicate: Predicate }>();

function predicateFor(checked: CheckedQuery, context: EvaluationContext, key: string): Predicate {
  const cached = predicates.get(checked);
  if (cached && cached.key === key) return cached.predicate;
  const predicate = prepare(checked, context);
  predicates.set(checked, { key, predicate });
  return predicate;
}

/**
 * Whether a checked query's members can change with the date alone: a relative or named date
 * (`-90d`, `today`) anywhere in it — clause values, BETWEEN bounds, function parameters, legacy
 * arguments — or an `age` comparison (ages grow on birthdays).
 */
export function dependsOnDate(checked: CheckedQuery): boolean {
  const relative = (value: Value | ValueList): boolean =>
    value.kind === "ValueList" ? value.values.some(relative) : value.kind === "RelativeDate" || value.kind === "NamedDate";
  const parameter = (p: Parameter): boolean => (p.kind === "ParamComparison" ? relative(p.value) : p.kind === "ParamBetween" ? relative(p.low) || relative(p.high) : relative(p.values));
  const walk = (node: Expression): boolean => {
    switch (node.kind) {
      case "And":
      case "Or":
        return node.operands.some(walk);
      case "Not":
        return walk(node.operand);
      default: {
        if (filterOf(checked, node).name === "age" && node.kind !== "NullCheck") return true;
        if ((node.filter.args ?? []).some((argument) => relative(argument.value))) return true;
        switch (node.kind) {
          case "Comparison":
          case "Contains":
            return relative(node.value);
          case "Between":
            return relative(node.low) || relative(node.high);
          case "Matches":
            return node.parameters.some(parameter);
          case "NullCheck":
            return false;
        }
      }
    }
  };
  return walk(checked.query.expression);
}

// ------------------------------------------------------------------------------------------------
// SQL helpers

/** One statement's parameters, in placeholder order; PostgreSQL placeholders may start after a compiled query's. */
class Statement {
  readonly params: unknown[] = [];
  constructor(
    readonly postgres: boolean,
    private readonly offset = 0,
  ) {}
  p(value: unknown): string {
    this.params.push(value);
    return this.postgres ? `$${this.offset + this.params.length}` : "?";
  }
  int(value: number): string {
    return this.postgres ? `CAST(${this.p(value)} AS integer)` : this.p(value);
  }
  text(value: string): string {
    return this.postgres ? `CAST(${this.p(value)} AS text)` : this.p(value);
  }
  /** An instant as each store keeps Prisma's DateTime: timestamp(3) holding UTC, or ISO text with +00:00. */
  at(date: Date): string {
    const iso = date.toISOString();
    return this.postgres ? `CAST(${this.p(iso.slice(0, -1))} AS timestamp(3))` : this.p(iso.replace("Z", "+00:00"));
  }
  change(change: "JOINED" | "LEFT"): string {
    return this.postgres ? `CAST(${this.p(change)} AS "MembershipChange")` : this.p(change);
  }
}

interface Pair {
  segmentId: string;
  customerId: number;
}

/** SQLite rows per multi-row statement: well under its parameter limit. */
const SQLITE_ROWS = 400;
const IN_CHUNK = 1_000;

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Inserts the rows not there yet and a JOINED event for each row this call inserted (not for one
 * another worker inserted first); returns those rows.
 */
async function insertMembers(tx: Tx, postgres: boolean, shopId: number, pairs: readonly Pair[], now: Date): Promise<Pair[]> {
  const inserted: Pair[] = [];
  for (const chunk of chunks(pairs, postgres ? 20_000 : SQLITE_ROWS)) {
    const q = new Statement(postgres);
    if (postgres) {
      const shop = q.int(shopId);
      const at = q.at(now);
      const sql = `
        WITH added AS (
          INSERT INTO "SegmentMember" ("shopId", "segmentId", "customerId", "joinedAt")
          SELECT ${shop}, pair.s, pair.c, ${at}
            FROM unnest(CAST(${q.p(chunk.map((x) => x.segmentId))} AS text[]), CAST(${q.p(chunk.map((x) => x.customerId))} AS integer[])) AS pair(s, c)
          ON CONFLICT DO NOTHING
          RETURNING "segmentId", "customerId"),
        events AS (
          INSERT INTO "SegmentMembershipEvent" ("shopId", "segmentId", "customerId", "change", "at")
          SELECT ${shop}, a."segmentId", a."customerId", ${q.change("JOINED")}, ${at} FROM added AS a)
        SELECT "segmentId", "customerId" FROM added`;
      inserted.push(...(await tx.$queryRawUnsafe<Pair[]>(sql, ...q.params)).map(pair));
    } else {
      const values = chunk.map((x) => `(${q.p(shopId)}, ${q.p(x.segmentId)}, ${q.p(x.customerId)}, ${q.at(now)})`).join(", ");
      const sql = `INSERT INTO "SegmentMember" ("shopId", "segmentId", "customerId", "joinedAt") VALUES ${values} ON CONFLICT DO NOTHING RETURNING "segmentId", "customerId"`;
      const added = (await tx.$queryRawUnsafe<Pair[]>(sql, ...q.params)).map(pair);
      await insertEventsSqlite(tx, shopId, added, "JOINED", now);
      inserted.push(...added);
    }
  }
  return inserted;
}

/**
 * Deletes the rows still there and, with `record`, a LEFT event for each row this call deleted;
 * returns those rows. (A deleted customer's rows leave without an event: it would go with them.)
 */
async function deleteMembers(tx: Tx, postgres: boolean, shopId: number, pairs: readonly Pair[], now: Date, record: boolean): Promise<Pair[]> {
  const deleted: Pair[] = [];
  for (const chunk of chunks(pairs, postgres ? 20_000 : SQLITE_ROWS)) {
    const q = new Statement(postgres);
    const shop = q.int(shopId);
    const wanted = postgres
      ? `SELECT pair.s, pair.c FROM unnest(CAST(${q.p(chunk.map((x) => x.segmentId))} AS text[]), CAST(${q.p(chunk.map((x) => x.customerId))} AS integer[])) AS pair(s, c)`
      : `VALUES ${chunk.map((x) => `(${q.p(x.segmentId)}, ${q.p(x.customerId)})`).join(", ")}`;
    const remove = `DELETE FROM "SegmentMember" WHERE "shopId" = ${shop} AND ("segmentId", "customerId") IN (${wanted}) RETURNING "segmentId", "customerId"`;
    if (postgres && record) {
      const sql = `
        WITH removed AS (${remove}),
        events AS (
          INSERT INTO "SegmentMembershipEvent" ("shopId", "segmentId", "customerId", "change", "at")
          SELECT ${shop}, r."segmentId", r."customerId", ${q.change("LEFT")}, ${q.at(now)} FROM removed AS r)
        SELECT "segmentId", "customerId" FROM removed`;
      deleted.push(...(await tx.$queryRawUnsafe<Pair[]>(sql, ...q.params)).map(pair));
    } else {
      const removed = (await tx.$queryRawUnsafe<Pair[]>(remove, ...q.params)).map(pair);
      if (record) await insertEventsSqlite(tx, shopId, removed, "LEFT", now);
      deleted.push(...removed);
    }
  }
  return deleted;
}

function pair(row: { segmentId: string; customerId: number | bigint }): Pair {
  return { segmentId: row.segmentId, customerId: Number(row.customerId) };
}

async function insertEventsSqlite(tx: Tx, shopId: number, pairs: readonly Pair[], change: "JOINED" | "LEFT", at: Date): Promise<void> {
  for (const chunk of chunks(pairs, SQLITE_ROWS)) {
    const q = new Statement(false);
    const values = chunk.map((x) => `(${q.p(shopId)}, ${q.p(x.segmentId)}, ${q.p(x.customerId)}, ${q.change(change)}, ${q.at(at)})`).join(", ");
    await tx.$executeRawUnsafe(`INSERT INTO "SegmentMembershipEvent" ("shopId", "segmentId", "customerId", "change", "at") VALUES ${values}`, ...q.params);
  }
}

/** memberCount += joined − left per segment, in one statement (raw, so Segment.updatedAt keeps meaning "the segment was edited"). */
async function adjustCounts(tx: Tx, postgres: boolean, shopId: number, joined: readonly Pair[], left: readonly Pair[]): Promise<void> {
  const deltas = new Map<string, number>();
  for (const x of joined) deltas.set(x.segmentId, (deltas.get(x.segmentId) ?? 0) + 1);
  for (const x of left) deltas.set(x.segmentId, (deltas.get(x.segmentId) ?? 0) - 1);
  const changed = [...deltas].filter(([, delta]) => delta !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const chunk of chunks(changed, SQLITE_ROWS)) {
    const q = new Statement(postgres);
    const cases = chunk.map(([id, delta]) => `WHEN ${q.text(id)} THEN ${q.int(delta)}`).join(" ");
    const shop = q.int(shopId);
    const ids = chunk.map(([id]) => q.text(id)).join(", ");
    await tx.$executeRawUnsafe(`UPDATE "Segment" SET "memberCount" = "memberCount" + CASE "id" ${cases} ELSE 0 END WHERE "shopId" = ${shop} AND "id" IN (${ids})`, ...q.params);
  }
}

/** Counts every segment of the shop again from its rows (after rows left with a deleted customer). */
async function recountShop(tx: Tx, postgres: boolean, shopId: number): Promise<void> {
  const q = new Statement(postgres);
  await tx.$executeRawUnsafe(
    `UPDATE "Segment" SET "memberCount" = (SELECT count(*) FROM "SegmentMember" AS m WHERE m."segmentId" = "Segment"."id") WHERE "shopId" = ${q.int(shopId)}`,
    ...q.params,
  );
}

/** PostgreSQL: a per-customer lock held to the end of the transaction, taken in id order (no deadlock between two refreshes). */
const LOCK_NAMESPACE = 0x5e9; // "segment membership"; the other key is the customer id

async function lockCustomers(tx: Tx, ids: readonly number[]): Promise<void> {
  await tx.$executeRawUnsafe(
    `SELECT pg_advisory_xact_lock(CAST($1 AS integer), ordered.id) FROM (SELECT id FROM unnest(CAST($2 AS integer[])) AS id ORDER BY id) AS ordered`,
    LOCK_NAMESPACE,
    [...ids],
  );
}

/** A deadlock between a refresh and a whole-segment recompute is resolved by PostgreSQL aborting one: that one tries again. */
function isConflict(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String((error as { code?: unknown }).code ?? "")}` : String(error);
  return /40P01|40001|P2034|deadlock detected|could not serialize/i.test(text);
}

async function withConflictRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 4 || !isConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
    }
  }
}

// ------------------------------------------------------------------------------------------------
// live refresh

/**
 * Re-evaluates these customers against every segment of the shop in memory, updates SegmentMember
 * rows, records JOINED/LEFT events at `now` and updates Segment.memberCount. Customers that no
 * longer exist leave every segment (their rows and events went with them; the counts are redone).
 * Ids of another shop's customers change nothing.
 */
export async function refreshMembership(db: Db, args: { shopId: number; customerIds: readonly number[]; now: Date }): Promise<MembershipChanges> {
  const { shopId, now } = args;
  if (!Number.isSafeInteger(shopId)) throw new RangeError(`refreshMembership: shopId must be a whole number, got ${shopId}`);
  const ids = [...new Set(args.customerIds)].filter((id) => Number.isSafeInteger(id)).sort((a, b) => a - b);
  if (ids.length === 0) return { joined: 0, left: 0 };
  const shop = await loadShopSegments(db, shopId);
  if (!shop || shop.segments.length === 0) return { joined: 0, left: 0 };
  const postgres = dialectOf(db) === "postgresql";
  const context: EvaluationContext = { now: now.getTime(), timeZone: shop.timeZone, currencyDigits: shop.currencyDigits };
  const dayKey = `${shop.timeZone}|${shop.currencyDigits}|${localDay(context.now, shop.timeZone)}`;
  const live = shop.segments.flatMap((segment) => (segment.checked ? [{ id: segment.id, predicate: predicateFor(segment.checked, context, dayKey) }] : []));

  const totals: MembershipChanges = { joined: 0, left: 0 };
  // a transaction per chunk: PostgreSQL's lock table holds a few thousand locks, not a reconciliation's worth
  for (const chunk of chunks(ids, REFRESH_CHUNK)) {
    const changes = await withConflictRetry(() => refreshChunk(db, postgres, shopId, live, chunk, now));
    totals.joined += changes.joined;
    totals.left += changes.left;
  }
  // the changed customers were marked dirty with their rows; publish them (after commit, see queuePublish)
  if (totals.joined + totals.left > 0) await queuePublish(db, { shopId });
  return totals;
}

/** Customers per refresh transaction. */
const REFRESH_CHUNK = 500;

function refreshChunk(db: Db, postgres: boolean, shopId: number, live: readonly { id: string; predicate: Predicate }[], ids: readonly number[], now: Date): Promise<MembershipChanges> {
  return db.$transaction(
    async (tx) => {
      if (postgres) await lockCustomers(tx, ids);
      const records = await loadCustomerRecords(tx as unknown as Db, shopId, ids);
      const current = new Map<string, Set<number>>();
      for (const chunk of chunks(ids, IN_CHUNK)) {
        const rows = await tx.segmentMember.findMany({ where: { shopId, customerId: { in: chunk } }, select: { segmentId: true, customerId: true } });
        for (const row of rows) {
          let members = current.get(row.segmentId);
          if (!members) current.set(row.segmentId, (members = new Set()));
          members.add(row.customerId);
        }
      }

      const joins: Pair[] = [];
      const leaves: Pair[] = [];
      for (const segment of live) {
        const members = current.get(segment.id);
        for (const record of records) {
          const member = segment.predicate(record);
          const was = members?.has(record.id) ?? false;
          if (member && !was) joins.push({ segmentId: segment.id, customerId: record.id });
          else if (!member && was) leaves.push({ segmentId: segment.id, customerId: record.id });
        }
      }
      const gone = await goneCustomers(tx, ids, records);
      // their rows normally went with them (the foreign key cascades); any still here leave every segment, broken ones too
      const departed: Pair[] = [];
      for (const [segmentId, members] of current) {
        for (const customerId of gone) if (members.has(customerId)) departed.push({ segmentId, customerId });
      }

      const joined = await insertMembers(tx, postgres, shopId, joins, now);
      const left = await deleteMembers(tx, postgres, shopId, leaves, now, true);
      // a customer that is gone cannot carry an event (its events went with it)
      left.push(...(await deleteMembers(tx, postgres, shopId, departed, now, false)));
      // what they carry in Shopify is out of date (a customer that is gone has no row to mark)
      await markCustomersDirty(tx, postgres ? "postgresql" : "sqlite", shopId, [...joined, ...left].map((x) => x.customerId));
      if (gone.length > 0) await recountShop(tx, postgres, shopId);
      else await adjustCounts(tx, postgres, shopId, joined, left);
      return { joined: joined.length, left: left.length };
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

/** Of the ids asked for, those no shop has (deleted); another shop's customers are not ours to touch. */
async function goneCustomers(tx: Tx, ids: readonly number[], records: readonly CustomerRecord[]): Promise<number[]> {
  const found = new Set(records.map((record) => record.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length === 0) return [];
  const elsewhere = new Set<number>();
  for (const chunk of chunks(missing, IN_CHUNK)) {
    for (const row of await tx.customer.findMany({ where: { id: { in: chunk } }, select: { id: true } })) elsewhere.add(row.id);
  }
  return missing.filter((id) => !elsewhere.has(id));
}

/**
 * Call inside the transaction that deletes customers, before the delete: their rows leave every
 * segment and the counts go down by exactly those rows (no event: it would be deleted with them).
 * Without it, a later refresh of the deleted ids recounts every segment of the shop.
 */
export async function forgetCustomers(tx: Tx, kind: DatabaseKind, args: { shopId: number; customerIds: readonly number[] }): Promise<void> {
  const postgres = kind === "postgresql";
  for (const chunk of chunks([...new Set(args.customerIds)], IN_CHUNK)) {
    const q = new Statement(postgres);
    const shop = q.int(args.shopId);
    const rows = await tx.$queryRawUnsafe<Pair[]>(
      `DELETE FROM "SegmentMember" WHERE "shopId" = ${shop} AND "customerId" IN (${chunk.map((id) => q.int(id)).join(", ")}) RETURNING "segmentId", "customerId"`,
      ...q.params,
    );
    await adjustCounts(tx, postgres, args.shopId, [], rows.map(pair));
  }
}

// ------------------------------------------------------------------------------------------------
// whole-segment recompute in SQL

export interface SegmentRecompute extends MembershipChanges {
  members: number;
}

/**
 * Recomputes one segment's membership for the whole shop in SQL (compileToSql), writes the
 * difference to SegmentMember with events, sets memberCount and computedAt, and upserts today's
 * SegmentSizeHistory row (the shop's calendar day). Throws BrokenSegmentError when the stored query
 * no longer checks (its members are left as they were) and SegmentNotFoundError for no such segment
 * of this shop.
 */
export async function recomputeSegment(db: Db, kind: DatabaseKind, args: { shopId: number; segmentId: string; now: Date }): Promise<SegmentRecompute> {
  const shop = await loadShopSegments(db, args.shopId, args.segmentId);
  const segment = shop?.segments[0];
  if (!shop || !segment) throw new SegmentNotFoundError(`no segment ${args.segmentId} in shop ${args.shopId}`);
  if (!segment.checked) throw new BrokenSegmentError(segment.id, segment.problems);
  return recomputeChecked(db, kind, shop, segment.id, segment.checked, args.now);
}

async function recomputeChecked(db: Db, kind: DatabaseKind, shop: ShopSegments, segmentId: string, checked: CheckedQuery, now: Date): Promise<SegmentRecompute> {
  const { shopId } = shop;
  const postgres = kind === "postgresql";
  const compiled = compileToSql(checked, { dialect: kind, shopId, now: now.getTime(), timeZone: shop.timeZone, currencyDigits: shop.currencyDigits });
  const day = localDay(now.getTime(), shop.timeZone);

  const result = await withConflictRetry(() =>
    db.$transaction(
      async (tx) => {
        const changes = postgres ? await diffPostgres(tx, compiled, shopId, segmentId, now) : await diffSqlite(tx, compiled, shopId, segmentId, now);
        const members = await countMembers(tx, postgres, shopId, segmentId, day, now);
        return { ...changes, members };
      },
      // a million-customer segment takes a while; nothing else waits on this transaction but refreshes of its rows
      { timeout: 15 * 60_000, maxWait: 60_000 },
    ),
  );
  // those who joined or left were marked dirty in the transaction; publish them
  if (result.joined + result.left > 0) await queuePublish(db, { shopId });
  return result;
}

/** Sets memberCount from the rows and computedAt, and upserts the day's size: one statement on PostgreSQL. */
async function countMembers(tx: Tx, postgres: boolean, shopId: number, segmentId: string, day: string, now: Date): Promise<number> {
  const q = new Statement(postgres);
  const counted = `UPDATE "Segment" SET "memberCount" = (SELECT count(*) FROM "SegmentMember" AS m WHERE m."segmentId" = "Segment"."id"), "computedAt" = ${q.at(now)}
    WHERE "id" = ${q.text(segmentId)} AND "shopId" = ${q.int(shopId)} RETURNING "memberCount"`;
  const upsert = `ON CONFLICT ("segmentId", "day") DO UPDATE SET "memberCount" = excluded."memberCount"`;
  if (postgres) {
    const rows = await tx.$queryRawUnsafe<{ memberCount: number }[]>(
      `WITH counted AS (${counted})
       INSERT INTO "SegmentSizeHistory" ("shopId", "segmentId", "day", "memberCount")
       SELECT ${q.int(shopId)}, ${q.text(segmentId)}, ${q.text(day)}, c."memberCount" FROM counted AS c
       ${upsert} RETURNING "memberCount"`,
      ...q.params,
    );
    return Number(rows[0]?.memberCount ?? 0);
  }
  const rows = await tx.$queryRawUnsafe<{ memberCount: number | bigint }[]>(counted, ...q.params);
  const [row] = rows;
  if (!row) return 0; // the segment was deleted meanwhile
  const members = Number(row.memberCount);
  await tx.$executeRawUnsafe(`INSERT INTO "SegmentSizeHistory" ("shopId", "segmentId", "day", "memberCount") VALUES (?, ?, ?, ?) ${upsert}`, shopId, segmentId, day, members);
  return members;
}

/**
 * The wanted ids go to a temporary table with a primary key (dropped at commit), so each step
 * probes an index whatever the planner's statistics say: a NOT EXISTS against SegmentMember inside
 * the statement that inserts into it would re-read the rows it has just added, once per wanted id.
 * Then one statement (data-modifying CTEs, one snapshot) removes and adds rows and records their
 * events; ON CONFLICT alone decides what is new, so a row another worker added meanwhile is not ours
 * to report.
 */
async function diffPostgres(tx: Tx, compiled: { text: string; params: readonly unknown[] }, shopId: number, segmentId: string, now: Date): Promise<MembershipChanges> {
  await tx.$executeRawUnsafe(`CREATE TEMP TABLE "membership_wanted" ("id" integer PRIMARY KEY) ON COMMIT DROP`);
  const wanted = await tx.$executeRawUnsafe(`INSERT INTO "membership_wanted" ("id") SELECT "id" FROM (${compiled.text}) AS wanted ON CONFLICT DO NOTHING`, ...compiled.params);
  // without statistics the planner guesses a few thousand rows: right for a small segment, not for a large one
  if (wanted > 5_000) await tx.$executeRawUnsafe(`ANALYZE "membership_wanted"`);
  const q = new Statement(true);
  const shop = q.int(shopId);
  const segment = q.text(segmentId);
  const at = q.at(now);
  const rows = await tx.$queryRawUnsafe<{ joined: bigint | number; left: bigint | number }[]>(
    `WITH removed AS (
       DELETE FROM "SegmentMember" AS m
        WHERE m."segmentId" = ${segment} AND m."shopId" = ${shop}
          AND NOT EXISTS (SELECT 1 FROM "membership_wanted" AS w WHERE w."id" = m."customerId")
       RETURNING m."customerId"),
     added AS (
       INSERT INTO "SegmentMember" ("shopId", "segmentId", "customerId", "joinedAt")
       SELECT ${shop}, ${segment}, w."id", ${at} FROM "membership_wanted" AS w
       ON CONFLICT DO NOTHING
       RETURNING "customerId"),
     events AS (
       INSERT INTO "SegmentMembershipEvent" ("shopId", "segmentId", "customerId", "change", "at")
       SELECT ${shop}, ${segment}, r."customerId", ${q.change("LEFT")}, ${at} FROM removed AS r
       UNION ALL
       SELECT ${shop}, ${segment}, a."customerId", ${q.change("JOINED")}, ${at} FROM added AS a),
     dirtied AS (
       ${markDirtySql(`SELECT x."customerId", ${shop} AS "shopId" FROM (SELECT r."customerId" FROM removed AS r UNION SELECT a."customerId" FROM added AS a) AS x`)})
     SELECT (SELECT count(*) FROM added) AS "joined", (SELECT count(*) FROM removed) AS "left"`,
    ...q.params,
  );
  return { joined: Number(rows[0]?.joined ?? 0), left: Number(rows[0]?.left ?? 0) };
}

/**
 * SQLite has no data-modifying CTEs: the wanted ids go to a temporary table once, then events and
 * rows are written from it. SQLite runs one writing transaction at a time, so events and rows agree.
 */
async function diffSqlite(tx: Tx, compiled: { text: string; params: readonly unknown[] }, shopId: number, segmentId: string, now: Date): Promise<MembershipChanges> {
  await tx.$executeRawUnsafe(`CREATE TEMP TABLE IF NOT EXISTS "membership_wanted" ("id" INTEGER PRIMARY KEY)`);
  await tx.$executeRawUnsafe(`DELETE FROM temp."membership_wanted"`);
  await tx.$executeRawUnsafe(`INSERT OR IGNORE INTO temp."membership_wanted" ("id") SELECT "id" FROM (${compiled.text})`, ...compiled.params);
  const leaving = `m."segmentId" = ? AND m."shopId" = ? AND m."customerId" NOT IN (SELECT "id" FROM temp."membership_wanted")`;
  const joining = `NOT EXISTS (SELECT 1 FROM "SegmentMember" AS m WHERE m."segmentId" = ? AND m."customerId" = w."id")`;
  const at = now.toISOString().replace("Z", "+00:00");
  await tx.$executeRawUnsafe(
    `INSERT INTO "SegmentMembershipEvent" ("shopId", "segmentId", "customerId", "change", "at") SELECT ?, ?, m."customerId", 'LEFT', ? FROM "SegmentMember" AS m WHERE ${leaving}`,
    shopId,
    segmentId,
    at,
    segmentId,
    shopId,
  );
  // what leavers and joiners carry in Shopify is out of date
  await tx.$executeRawUnsafe(markDirtySql(`SELECT m."customerId", m."shopId" FROM "SegmentMember" AS m WHERE ${leaving}`), segmentId, shopId);
  const left = await tx.$executeRawUnsafe(`DELETE FROM "SegmentMember" AS m WHERE ${leaving}`, segmentId, shopId);
  await tx.$executeRawUnsafe(
    `INSERT INTO "SegmentMembershipEvent" ("shopId", "segmentId", "customerId", "change", "at") SELECT ?, ?, w."id", 'JOINED', ? FROM temp."membership_wanted" AS w WHERE ${joining}`,
    shopId,
    segmentId,
    at,
    segmentId,
  );
  await tx.$executeRawUnsafe(markDirtySql(`SELECT w."id" AS "customerId", ? AS "shopId" FROM temp."membership_wanted" AS w WHERE ${joining}`), shopId, segmentId);
  const joined = await tx.$executeRawUnsafe(
    `INSERT INTO "SegmentMember" ("shopId", "segmentId", "customerId", "joinedAt") SELECT ?, ?, w."id", ? FROM temp."membership_wanted" AS w WHERE ${joining}`,
    shopId,
    segmentId,
    at,
    segmentId,
  );
  await tx.$executeRawUnsafe(`DELETE FROM temp."membership_wanted"`);
  return { joined, left };
}

/**
 * Recomputes every segment of the shop (after an import), or only those whose query depends on the
 * date (`onlyRelativeDates`, the daily job). Broken segments are skipped (logged once).
 */
export async function recomputeShopSegments(
  db: Db,
  kind: DatabaseKind,
  args: { shopId: number; now: Date; onlyRelativeDates?: boolean; signal?: AbortSignal },
): Promise<{ segments: number; joined: number; left: number }> {
  const shop = await loadShopSegments(db, args.shopId);
  if (!shop) return { segments: 0, joined: 0, left: 0 };
  const { recomputed, ...totals } = await recomputeSegments(db, kind, shop, args);
  return { ...totals, segments: recomputed.size };
}

async function recomputeSegments(
  db: Db,
  kind: DatabaseKind,
  shop: ShopSegments,
  args: { now: Date; onlyRelativeDates?: boolean; signal?: AbortSignal },
): Promise<MembershipChanges & { recomputed: Set<string> }> {
  const totals = { joined: 0, left: 0, recomputed: new Set<string>() };
  for (const segment of shop.segments) {
    if (!segment.checked || (args.onlyRelativeDates && !dependsOnDate(segment.checked))) continue;
    args.signal?.throwIfAborted();
    const result = await recomputeChecked(db, kind, shop, segment.id, segment.checked, args.now);
    totals.recomputed.add(segment.id);
    totals.joined += result.joined;
    totals.left += result.left;
  }
  return totals;
}

/** Today's size of every segment of the shop from its kept count (the daily job, for the segments it did not recompute). */
async function recordSegmentSizes(db: Db, kind: DatabaseKind, shopId: number, day: string, except: ReadonlySet<string>): Promise<void> {
  const segments = await db.segment.findMany({ where: { shopId }, select: { id: true, memberCount: true } });
  for (const chunk of chunks(segments.filter((segment) => !except.has(segment.id)), SQLITE_ROWS)) {
    const q = new Statement(kind === "postgresql");
    const values = chunk.map((segment) => `(${q.int(shopId)}, ${q.text(segment.id)}, ${q.text(day)}, ${q.int(segment.memberCount)})`).join(", ");
    await db.$executeRawUnsafe(
      `INSERT INTO "SegmentSizeHistory" ("shopId", "segmentId", "day", "memberCount") VALUES ${values} ON CONFLICT ("segmentId", "day") DO UPDATE SET "memberCount" = excluded."memberCount"`,
      ...q.params,
    );
  }
}

// ------------------------------------------------------------------------------------------------
// the daily job

const DailyPayload = z.union([z.object({ shopId: z.number().int().positive() }).strict(), z.object({}).strict()]);

/** The dedupe key of a shop's daily run: it names the shop's day, so the chain holds one job per day. */
export function dailyMembershipKey(shopId: number, day: string): string {
  return `shop:${shopId}:${day}`;
}

/**
 * Queues a shop's daily membership run for the start of its next local day (on install; the run
 * then queues its own successor). Idempotent: the dedupe key names the day.
 */
export async function scheduleDailyMembership(db: Tx, args: { shopId: number; timeZone: string; now: Date }) {
  const timeZone = isTimeZone(args.timeZone) ? args.timeZone : "UTC";
  const next = addDays(localDay(args.now.getTime(), timeZone), 1);
  return enqueue(
    db,
    { kind: DAILY_MEMBERSHIP_JOB, shopId: args.shopId, payload: { shopId: args.shopId }, runAt: new Date(startOfDay(next, timeZone)), dedupeKey: dailyMembershipKey(args.shopId, next) },
    { now: args.now },
  );
}

/**
 * The daily job (kind "membership.daily"). With { shopId }: queues the shop's run for its next local
 * midnight, then recomputes the shop's relative-date segments and records every other segment's size
 * for the day. A second run of the same day changes nothing more (the successor is deduplicated, the
 * recompute writes only differences). With {}: starts the run of every installed shop that has none
 * queued or running, and queues itself for the next UTC day.
 */
export function dailyMembershipJobHandler(deps: SyncDeps): JobHandler {
  return async (job, signal) => {
    const parsed = DailyPayload.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError(`${DAILY_MEMBERSHIP_JOB}: the payload must be { shopId } or {}: ${z.prettifyError(parsed.error)}`);
    const now = deps.now();
    if ("shopId" in parsed.data) await runShopDay(deps, parsed.data.shopId, now, signal);
    else await startMissingRuns(deps, now);
  };
}

async function runShopDay(deps: SyncDeps, shopId: number, now: Date, signal: AbortSignal): Promise<void> {
  const { db, kind } = deps;
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { installState: true, ianaTimezone: true } });
  if (!shop || shop.installState !== "INSTALLED") {
    logger.info({ shopId }, "daily membership: shop gone or uninstalled, its daily run stops");
    return;
  }
  // the successor first: a run that fails every attempt must not end the chain
  await scheduleDailyMembership(db, { shopId, timeZone: shop.ianaTimezone, now });
  const segments = await loadShopSegments(db, shopId);
  if (!segments) return;
  const { recomputed, joined, left } = await recomputeSegments(db, kind, segments, { now, onlyRelativeDates: true, signal });
  await recordSegmentSizes(db, kind, shopId, localDay(now.getTime(), segments.timeZone), recomputed);
  logger.info({ shopId, segments: recomputed.size, joined, left }, "daily membership: relative-date segments recomputed");
  // customers left unpublished (a process that died before queueing their publish, a job that failed for good)
  if (await hasDirtyCustomers(db, shopId)) await queuePublish(db, { shopId });
}

async function startMissingRuns(deps: SyncDeps, now: Date): Promise<void> {
  const { db } = deps;
  const shops = await db.shop.findMany({ where: { installState: "INSTALLED" }, select: { id: true, ianaTimezone: true }, orderBy: { id: "asc" } });
  const live = await db.job.findMany({
    where: { kind: DAILY_MEMBERSHIP_JOB, state: { in: ["QUEUED", "RUNNING"] }, shopId: { not: null } },
    select: { shopId: true },
  });
  const running = new Set(live.map((job) => job.shopId));
  for (const shop of shops) {
    if (running.has(shop.id)) continue;
    const timeZone = isTimeZone(shop.ianaTimezone) ? shop.ianaTimezone : "UTC";
    const today = localDay(now.getTime(), timeZone);
    await enqueue(db, { kind: DAILY_MEMBERSHIP_JOB, shopId: shop.id, payload: { shopId: shop.id }, runAt: now, dedupeKey: dailyMembershipKey(shop.id, today) }, { now });
  }
  const tomorrow = addDays(localDay(now.getTime(), "UTC"), 1);
  await enqueue(db, { kind: DAILY_MEMBERSHIP_JOB, shopId: null, payload: {}, runAt: new Date(startOfDay(tomorrow, "UTC")), dedupeKey: `all:${tomorrow}` }, { now });
}
