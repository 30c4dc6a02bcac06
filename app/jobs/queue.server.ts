/**
 * The durable job queue: a table in the app's own store (model Job), claimed with a lease.
 * Why a table and not pg-boss: docs/decisions/006-job-queue.md.
 *
 * - PostgreSQL: claiming is one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING *`,
 *   so any number of worker processes share the queue and no job is handed to two of them.
 * - SQLite: the same selection, then one conditional UPDATE … RETURNING that re-checks it (a
 *   compare-and-set), so even a second process on the same file cannot take a job twice.
 * - A claim is a lease (lockedBy, lockedUntil). A RUNNING job whose lease ran out (its process
 *   died) is claimed again: that is how no job is lost. If it had no attempts left it becomes
 *   FAILED instead, saying so. Leases are judged by the database's clock on PostgreSQL (one clock
 *   for every process), by the process's clock on SQLite; runAt is written by the app's clock.
 * - Every change a worker makes to a job it holds is fenced on (id, RUNNING, lockedBy, attempts):
 *   a worker that lost its lease cannot complete or fail the job someone else now holds.
 * - A failed attempt is retried after an exponential backoff with jitter; after maxAttempts the
 *   job stays FAILED with its last error, for the admin to see and retry. Nothing is deleted here.
 * - dedupeKey is held only while a job is QUEUED or RUNNING (unique per kind); when the job
 *   finishes it moves to releasedDedupeKey, so the same key can be queued again.
 */
import { isUniqueViolation, type DatabaseKind, type Db } from "~/db/client";
import type { Job, JobState, Prisma } from "~/db/generated/sqlite/client";
import type { PrismaClient as PostgresClient } from "~/db/generated/postgresql/client";

export type { Job, JobState };

/** The store client or a transaction on it: enqueue inside a caller's transaction is an outbox. */
export type Queryable = Db | Prisma.TransactionClient;

export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 10_000, maxMs: 60 * 60_000 };
/** lastError is cut to this many characters (a stack trace, not a core dump). */
export const MAX_ERROR_LENGTH = 8_000;

export interface EnqueueInput {
  kind: string;
  shopId?: number | null;
  payload: Prisma.InputJsonValue;
  /** Not before this moment (default: now). */
  runAt?: Date;
  /** Higher runs first (default 0). */
  priority?: number;
  /** Attempts before the job stays FAILED (default 8); a process that died mid-job used one. */
  maxAttempts?: number;
  /** While a job of this kind with this key is QUEUED or RUNNING, enqueue returns it instead. */
  dedupeKey?: string | null;
}

export interface BackoffOptions {
  /** Delay after the first failed attempt, before jitter (default 10 s); doubles each attempt. */
  baseMs?: number;
  /** The delay never exceeds this (default 1 h). */
  maxMs?: number;
}

/** Thrown by a handler for a failure that no retry can mend (a malformed payload): FAILED at once. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}

/** Which SQL the client speaks. Both generated clients share one type, so ask the instance. */
export function dialectOf(db: Queryable): DatabaseKind {
  const provider = (db as unknown as { _activeProvider?: string })._activeProvider;
  if (provider === "postgresql" || provider === "sqlite") return provider;
  throw new Error(`job queue: unsupported database provider ${String(provider)}`);
}

/**
 * Queues a job. With a dedupeKey it is idempotent: while a job of the same kind and key is QUEUED
 * or RUNNING, that job is returned and nothing is added. Safe inside a caller's transaction on
 * both stores (PostgreSQL inserts with ON CONFLICT DO NOTHING, so a duplicate never aborts it).
 */
export async function enqueue(db: Queryable, input: EnqueueInput, { now = new Date() }: { now?: Date } = {}): Promise<Job> {
  if (!input.kind) throw new Error("enqueue: kind is required");
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`enqueue: maxAttempts must be a whole number ≥ 1, got ${maxAttempts}`);
  const data = {
    kind: input.kind,
    shopId: input.shopId ?? null,
    payload: input.payload,
    runAt: input.runAt ?? now,
    priority: input.priority ?? 0,
    maxAttempts,
    dedupeKey: input.dedupeKey ?? null,
    createdAt: now,
  } satisfies Prisma.JobUncheckedCreateInput;
  const dedupeKey = data.dedupeKey;
  if (dedupeKey === null) return db.job.create({ data });

  const dialect = dialectOf(db);
  // A few rounds: the job holding the key can finish (and free it) between our insert and our read.
  for (let round = 0; round < 5; round += 1) {
    if (dialect === "postgresql") {
      // ON CONFLICT DO NOTHING: a duplicate (even one not yet committed) never aborts a transaction.
      // Db is typed as the SQLite client, which has no skipDuplicates; this is the PostgreSQL one.
      const postgres = db as unknown as Pick<PostgresClient, "job">;
      const [created] = await postgres.job.createManyAndReturn({ data: [data], skipDuplicates: true });
      if (created) return created;
    } else {
      const held = await db.job.findUnique({ where: { kind_dedupeKey: { kind: data.kind, dedupeKey } } });
      if (held) return held;
      try {
        return await db.job.create({ data });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    const held = await db.job.findUnique({ where: { kind_dedupeKey: { kind: data.kind, dedupeKey } } });
    if (held) return held;
  }
  throw new Error(`enqueue: could not queue or find ${data.kind} job with dedupeKey ${dedupeKey}`);
}

export interface ClaimOptions {
  /** Written to lockedBy; unique per worker (host, pid, something random). */
  workerId: string;
  /** How long the claim holds before another worker may take the job (heartbeat extends it). */
  leaseMs: number;
  /** At most this many jobs (default 1). */
  limit?: number;
  /** The clock, for tests; by default the database's on PostgreSQL, the process's on SQLite. */
  now?: Date;
}

/**
 * Takes up to `limit` jobs of the given kind(s) that are due — QUEUED with runAt passed, or
 * RUNNING with an expired lease and attempts left — highest priority first, then oldest runAt.
 * Each claimed job is RUNNING, leased to workerId until now + leaseMs, with attempts counted.
 * A RUNNING job whose lease expired with no attempts left becomes FAILED (kept, with the error).
 */
export async function claim(db: Queryable, kind: string | readonly string[], options: ClaimOptions): Promise<Job[]> {
  const kinds = typeof kind === "string" ? [kind] : [...new Set(kind)];
  const limit = options.limit ?? 1;
  if (kinds.length === 0 || limit < 1) return [];
  if (!Number.isInteger(limit)) throw new Error(`claim: limit must be a whole number, got ${limit}`);
  if (!Number.isInteger(options.leaseMs) || options.leaseMs < 1) throw new Error(`claim: leaseMs must be a whole number ≥ 1, got ${options.leaseMs}`);
  if (dialectOf(db) === "postgresql") return claimPostgres(db, kinds, limit, options);
  const claimed = await claimSqlite(db, kinds, limit, options);
  // Dead jobs with no attempts left are rare: look for them when the queue has run dry.
  if (claimed.length < limit) await reapExpiredSqlite(db, kinds, options.now ?? new Date());
  return claimed;
}

/** The claim order: priority first, then due time, then age. */
export function claimOrder(a: Job, b: Job): number {
  return b.priority - a.priority || a.runAt.getTime() - b.runAt.getTime() || a.id - b.id;
}

// $1 is the injected clock or NULL; PostgreSQL's now() is statement-stable, so every use agrees.
// Prisma keeps DateTime as timestamp(3) holding UTC, hence AT TIME ZONE 'UTC'.
const PG_NOW = `COALESCE(CAST($1 AS timestamp(3)), now() AT TIME ZONE 'UTC')`;

function kindPlaceholders(kinds: readonly string[], first: number): string {
  return kinds.map((_, i) => `$${first + i}`).join(", ");
}

async function claimPostgres(db: Queryable, kinds: readonly string[], limit: number, { workerId, leaseMs, now }: ClaimOptions): Promise<Job[]> {
  const kindList = kindPlaceholders(kinds, 5);
  // One statement. The CTE first turns dead jobs with no attempts left into FAILED (it runs though
  // nothing reads it); the main UPDATE claims. Their rows are disjoint (attempts < or ≥ maxAttempts).
  const sql = `
    WITH reaped AS (
      UPDATE "Job"
         SET "state" = CAST('FAILED' AS "JobState"),
             "lastError" = ${leaseExpiredErrorSql},
             "finishedAt" = ${PG_NOW},
             "updatedAt" = ${PG_NOW},
             "lockedUntil" = NULL,
             "releasedDedupeKey" = "dedupeKey",
             "dedupeKey" = NULL
       WHERE "id" IN (
         SELECT "id" FROM "Job"
          WHERE "kind" IN (${kindList})
            AND "state" = CAST('RUNNING' AS "JobState") AND "lockedUntil" < ${PG_NOW} AND "attempts" >= "maxAttempts"
          FOR UPDATE SKIP LOCKED)
      RETURNING "id")
    UPDATE "Job"
       SET "state" = CAST('RUNNING' AS "JobState"),
           "lockedBy" = $2,
           "lockedUntil" = ${PG_NOW} + CAST($3 AS integer) * interval '1 millisecond',
           "attempts" = "attempts" + 1,
           "updatedAt" = ${PG_NOW}
     WHERE "id" IN (
       SELECT "id" FROM "Job"
        WHERE "kind" IN (${kindList})
          AND (("state" = CAST('QUEUED' AS "JobState") AND "runAt" <= ${PG_NOW})
            OR ("state" = CAST('RUNNING' AS "JobState") AND "lockedUntil" < ${PG_NOW} AND "attempts" < "maxAttempts"))
        ORDER BY "priority" DESC, "runAt", "id"
        LIMIT CAST($4 AS integer)
        FOR UPDATE SKIP LOCKED)
    RETURNING *`;
  const rows = await db.$queryRawUnsafe<Job[]>(sql, now?.toISOString() ?? null, workerId, leaseMs, limit, ...kinds);
  return rows.map(normalizeRow).sort(claimOrder);
}

const leaseExpiredErrorSql = `LEFT('the worker ' || COALESCE("lockedBy", '?') || ' stopped during attempt ' || "attempts" || ' of ' || "maxAttempts" || ' (its lease expired)' || COALESCE(E'\\n\\nthe attempt before: ' || "lastError", ''), ${MAX_ERROR_LENGTH})`;

function leaseExpiredError(job: Pick<Job, "lockedBy" | "attempts" | "maxAttempts" | "lastError">): string {
  const text = `the worker ${job.lockedBy ?? "?"} stopped during attempt ${job.attempts} of ${job.maxAttempts} (its lease expired)`;
  return (job.lastError === null ? text : `${text}\n\nthe attempt before: ${job.lastError}`).slice(0, MAX_ERROR_LENGTH);
}

function sqliteDue(db: Queryable, kinds: readonly string[], now: Date): Prisma.JobWhereInput {
  return {
    kind: { in: [...kinds] },
    OR: [
      { state: "QUEUED", runAt: { lte: now } },
      { state: "RUNNING", lockedUntil: { lt: now }, attempts: { lt: db.job.fields.maxAttempts } },
    ],
  };
}

async function claimSqlite(db: Queryable, kinds: readonly string[], limit: number, { workerId, leaseMs, now = new Date() }: ClaimOptions): Promise<Job[]> {
  const due = sqliteDue(db, kinds, now);
  const candidates = await db.job.findMany({
    where: due,
    orderBy: [{ priority: "desc" }, { runAt: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true },
  });
  if (candidates.length === 0) return [];
  // The update re-checks the selection: a job another claimer took in between no longer matches.
  const claimed = await db.job.updateManyAndReturn({
    where: { AND: [due, { id: { in: candidates.map((c) => c.id) } }] },
    data: { state: "RUNNING", lockedBy: workerId, lockedUntil: new Date(now.getTime() + leaseMs), attempts: { increment: 1 }, updatedAt: now },
  });
  return claimed.sort(claimOrder);
}

async function reapExpiredSqlite(db: Queryable, kinds: readonly string[], now: Date): Promise<void> {
  const dead = await db.job.findMany({
    where: { kind: { in: [...kinds] }, state: "RUNNING", lockedUntil: { lt: now }, attempts: { gte: db.job.fields.maxAttempts } },
  });
  for (const job of dead) {
    await db.job.updateMany({
      where: { id: job.id, state: "RUNNING", lockedBy: job.lockedBy, attempts: job.attempts, lockedUntil: { lt: now } },
      data: { state: "FAILED", lastError: leaseExpiredError(job), finishedAt: now, updatedAt: now, lockedUntil: null, ...releaseKey(job) },
    });
  }
}

/** The fence: the job as this worker claimed it, still RUNNING under its claim. */
function held(job: Job): Prisma.JobWhereInput {
  return { id: job.id, state: "RUNNING", lockedBy: job.lockedBy, attempts: job.attempts };
}

function releaseKey(job: Pick<Job, "dedupeKey" | "releasedDedupeKey">) {
  return { dedupeKey: null, releasedDedupeKey: job.dedupeKey ?? job.releasedDedupeKey };
}

/** Marks a claimed job DONE. False when the lease was lost (another worker holds the job now). */
export async function complete(db: Queryable, job: Job, { now = new Date() }: { now?: Date } = {}): Promise<boolean> {
  const { count } = await db.job.updateMany({
    where: held(job),
    data: { state: "DONE", finishedAt: now, updatedAt: now, lockedUntil: null, ...releaseKey(job) },
  });
  return count === 1;
}

export interface FailOptions {
  now?: Date;
  backoff?: BackoffOptions;
  /** Source of jitter, 0 ≤ x < 1 (default Math.random). */
  random?: () => number;
}

/**
 * Records a failed attempt. With attempts left the job goes back to QUEUED, due after the
 * backoff; otherwise (or for a PermanentJobError) it stays FAILED with the error kept.
 * Returns the job's new state, or null when the lease was lost (nothing written).
 */
export async function fail(db: Queryable, job: Job, error: unknown, options: FailOptions = {}): Promise<"QUEUED" | "FAILED" | null> {
  const now = options.now ?? new Date();
  const lastError = errorText(error);
  const final = job.attempts >= job.maxAttempts || error instanceof PermanentJobError;
  const data: Prisma.JobUpdateManyMutationInput = final
    ? { state: "FAILED", lastError, finishedAt: now, updatedAt: now, lockedUntil: null, ...releaseKey(job) }
    : {
        state: "QUEUED",
        lastError,
        runAt: new Date(now.getTime() + backoffDelay(job.attempts, options.backoff, options.random)),
        updatedAt: now,
        lockedBy: null,
        lockedUntil: null,
      };
  const { count } = await db.job.updateMany({ where: held(job), data });
  return count === 1 ? (final ? "FAILED" : "QUEUED") : null;
}

/**
 * Gives a claimed job back without counting the attempt (a worker shutting down before it could
 * finish): QUEUED, due now. False when the lease was lost.
 */
export async function release(db: Queryable, job: Job, { now = new Date() }: { now?: Date } = {}): Promise<boolean> {
  const { count } = await db.job.updateMany({
    where: held(job),
    data: { state: "QUEUED", runAt: now, updatedAt: now, lockedBy: null, lockedUntil: null, attempts: { decrement: 1 } },
  });
  return count === 1;
}

/** Extends the lease of a job this worker holds to now + leaseMs. False when it was lost. */
export async function heartbeat(db: Queryable, job: Job, { leaseMs, now }: { leaseMs: number; now?: Date }): Promise<boolean> {
  if (dialectOf(db) === "postgresql") {
    const count = await db.$executeRawUnsafe(
      `UPDATE "Job" SET "lockedUntil" = ${PG_NOW} + CAST($2 AS integer) * interval '1 millisecond', "updatedAt" = ${PG_NOW}
        WHERE "id" = CAST($3 AS integer) AND "state" = CAST('RUNNING' AS "JobState") AND "lockedBy" = $4 AND "attempts" = CAST($5 AS integer)`,
      now?.toISOString() ?? null,
      leaseMs,
      job.id,
      job.lockedBy,
      job.attempts,
    );
    return count === 1;
  }
  const at = now ?? new Date();
  const { count } = await db.job.updateMany({ where: held(job), data: { lockedUntil: new Date(at.getTime() + leaseMs), updatedAt: at } });
  return count === 1;
}

/**
 * The delay before attempt `attempts + 1`, after `attempts` failed: base · 2^(attempts−1), capped,
 * then "equal jitter" — half fixed, half random — so retries of a burst spread out.
 */
export function backoffDelay(attempts: number, backoff: BackoffOptions = {}, random: () => number = Math.random): number {
  const { baseMs, maxMs } = { ...DEFAULT_BACKOFF, ...backoff };
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

export function errorText(error: unknown): string {
  let text: string;
  if (error instanceof Error) {
    text = error.stack ?? `${error.name}: ${error.message}`;
    if (error.cause !== undefined) text += `\ncaused by: ${errorText(error.cause)}`;
  } else if (typeof error === "string") {
    text = error;
  } else {
    try {
      text = JSON.stringify(error) ?? String(error);
    } catch {
      text = String(error);
    }
  }
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

export interface ListJobsOptions {
  state?: JobState | readonly JobState[];
  kind?: string;
  take?: number;
  skip?: number;
}

/** A shop's jobs (null: the global ones), newest first, for the admin. */
export async function listJobs(db: Queryable, shopId: number | null, { state, kind, take = 50, skip = 0 }: ListJobsOptions = {}): Promise<Job[]> {
  return db.job.findMany({
    where: {
      shopId,
      ...(state === undefined ? {} : { state: typeof state === "string" ? state : { in: [...state] } }),
      ...(kind === undefined ? {} : { kind }),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    skip,
  });
}

/**
 * Stops a shop's waiting work (the app was uninstalled): every QUEUED job of the shop becomes
 * FAILED with the reason, its dedupe key released. RUNNING jobs are left to finish or to lose
 * their lease; their handlers see the shop uninstalled. Returns how many jobs were stopped.
 */
export async function cancelShopJobs(db: Queryable, shopId: number, reason: string, { now = new Date() }: { now?: Date } = {}): Promise<number> {
  const lastError = reason.length > MAX_ERROR_LENGTH ? `${reason.slice(0, MAX_ERROR_LENGTH - 1)}…` : reason;
  const dialect = dialectOf(db);
  if (dialect === "postgresql") {
    // One statement, so a job a worker claims meanwhile is either cancelled or claimed, never both.
    return db.$executeRawUnsafe(
      `UPDATE "Job" SET "state" = CAST('FAILED' AS "JobState"), "lastError" = $1, "finishedAt" = CAST($2 AS timestamp(3)), "updatedAt" = CAST($2 AS timestamp(3)),
              "releasedDedupeKey" = COALESCE("dedupeKey", "releasedDedupeKey"), "dedupeKey" = NULL
        WHERE "shopId" = CAST($3 AS integer) AND "state" = CAST('QUEUED' AS "JobState")`,
      lastError,
      now.toISOString(),
      shopId,
    );
  }
  // SQLite: a single writer, and the update re-checks QUEUED, so a job claimed in between is left alone.
  const queued = await db.job.findMany({ where: { shopId, state: "QUEUED" }, select: { id: true, dedupeKey: true, releasedDedupeKey: true } });
  let cancelled = 0;
  for (const job of queued) {
    const { count } = await db.job.updateMany({
      where: { id: job.id, shopId, state: "QUEUED" },
      data: { state: "FAILED", lastError, finishedAt: now, updatedAt: now, ...releaseKey(job) },
    });
    cancelled += count;
  }
  return cancelled;
}

export type RetryResult =
  | { status: "queued"; job: Job }
  /** An equal job (same kind and dedupeKey) is already queued or running: that one is returned. */
  | { status: "already-queued"; job: Job }
  | { status: "not-found" }
  | { status: "not-failed"; job: Job };

/**
 * The admin's "retry": a FAILED job of this shop goes back to QUEUED, due now, with a fresh set of
 * attempts. Its lastError stays until it succeeds or fails again.
 */
export async function retryJob(db: Queryable, shopId: number | null, id: number, { now = new Date() }: { now?: Date } = {}): Promise<RetryResult> {
  const job = await db.job.findFirst({ where: { id, shopId } });
  if (!job) return { status: "not-found" };
  if (job.state !== "FAILED") return { status: "not-failed", job };
  const key = job.releasedDedupeKey;
  if (key !== null) {
    const other = await db.job.findUnique({ where: { kind_dedupeKey: { kind: job.kind, dedupeKey: key } } });
    if (other) return { status: "already-queued", job: other };
  }
  try {
    const { count } = await db.job.updateMany({
      where: { id, shopId, state: "FAILED" },
      data: { state: "QUEUED", runAt: now, attempts: 0, finishedAt: null, updatedAt: now, lockedBy: null, lockedUntil: null, dedupeKey: key, releasedDedupeKey: null },
    });
    const after = await db.job.findUniqueOrThrow({ where: { id } });
    return count === 1 ? { status: "queued", job: after } : { status: "not-failed", job: after };
  } catch (error) {
    if (!isUniqueViolation(error) || key === null) throw error;
    const other = await db.job.findUnique({ where: { kind_dedupeKey: { kind: job.kind, dedupeKey: key } } });
    if (other) return { status: "already-queued", job: other };
    throw error;
  }
}

/** Raw rows come back with the same column names; make sure dates are Dates whatever the driver does. */
function normalizeRow(row: Job): Job {
  const date = (value: Date | string | null) => (value === null || value instanceof Date ? value : new Date(value.endsWith("Z") ? value : `${value}Z`));
  return {
    ...row,
    runAt: date(row.runAt) as Date,
    createdAt: date(row.createdAt) as Date,
    updatedAt: date(row.updatedAt) as Date,
    lockedUntil: date(row.lockedUntil),
    finishedAt: date(row.finishedAt),
    payload: typeof row.payload === "string" ? (JSON.parse(row.payload) as Job["payload"]) : row.payload,
  };
}
