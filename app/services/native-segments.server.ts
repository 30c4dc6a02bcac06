/**
 * Native Shopify segment mirrors: for a segment with `mirrorNative` on whose query Shopify's own
 * segment language can say, a segment in Shopify with the same name and query, kept in step — so
 * merchants can use it in Shopify Email and in discount eligibility.
 *
 * - `nativeMirrorability` says whether a query can be mirrored, and if not, why (a translatable
 *   reason naming the first filter or construct that is the app's own).
 * - `syncNativeMirror` makes Shopify match the segment row: create (and remember the id), update
 *   the name or query, or delete (mirror off, query no longer mirrorable, segment deleted). It is
 *   idempotent: a mirror the merchant deleted in Shopify is created again; a name Shopify already
 *   has gets " (Segment Studio)" and the outcome says so.
 * - The `segments.mirror` job runs it, deduped per segment; a segment deleted from the app keeps its
 *   mirror's id in the job's payload, since its row is gone.
 */
import { z } from "zod";
import type { Db } from "~/db/client";
import { enqueue, PermanentJobError, type Job, type Queryable } from "~/jobs/queue.server";
import type { JobHandler } from "~/jobs/worker.server";
import { logger } from "~/logger.server";
import type { Clause, Expression } from "~/segments/ast";
import { operatorOf } from "~/segments/checker";
import { analyse, filterOf, type CheckedQuery } from "~/segments/engine";
import { operatorsOf, type ClauseOperator, type MetafieldDefinitionInfo } from "~/segments/filters";
import { matchParameters } from "~/segments/semantics";
import { runOperation, type AdminClient } from "~/shopify/admin-client.server";
import {
  isMissingSegment,
  isNameTaken,
  segmentCreateMutation,
  segmentDeleteMutation,
  segmentQuery,
  segmentUpdateMutation,
  type NativeSegment,
  type SegmentUserError,
} from "~/shopify/operations/segments";
import type { SyncDeps } from "~/sync/deps";
import { syncSegmentDiscountContexts } from "./segment-discounts.server";
import type { Mirrorability, MirrorReason, MirrorState, MirrorView } from "./publishing.types";

export type { Mirrorability, MirrorReason, MirrorState, MirrorView };

export const MIRROR_JOB = "segments.mirror";
const MIRROR_ATTEMPTS = 6;

// ------------------------------------------------------------------------------------------------
// what Shopify's segment language can say


/** Operators Shopify's help centre lists for a filter, where narrower than the app's (no IS NULL on amounts; anniversary takes = and BETWEEN). */
const NATIVE_OPERATORS: Readonly<Record<string, readonly ClauseOperator[]>> = {
  amount_spent: ["=", "!=", ">", ">=", "<", "<=", "BETWEEN"],
  number_of_orders: ["=", "!=", ">", ">=", "<", "<=", "BETWEEN"],
  anniversary: ["=", "BETWEEN"],
};

/** The function parameters Shopify's reference and changelog name (`sku`, `product_type` are the app's own). */
const NATIVE_PARAMETERS: Readonly<Record<string, ReadonlySet<string>>> = {
  products_purchased: new Set(["id", "tag", "date", "sum_quantity", "quantity", "count"]),
  orders_placed: new Set(["date", "amount", "count", "sum_amount"]),
};

/** Shopify's limits: ids in one `id IN (…)`, and conditions joined by OR ("Too many clauses (>10)"). */
export const MAX_NATIVE_IDS = 500;
export const MAX_NATIVE_OR_CLAUSES = 10;

/**
 * Whether a segment query can be a native Shopify segment: it must check, use Shopify's own
 * filters only, and none of the app's extensions of the language (NOT before a condition,
 * operators or function conditions Shopify lacks, more than Shopify's limits). The first app-only
 * filter is named before anything else.
 */
export function nativeMirrorability(query: string, metafields: readonly MetafieldDefinitionInfo[] = []): Mirrorability {
  const analysis = analyse(query, { metafields });
  if (!analysis.ok) return { ok: false, reason: { key: "native.reason.invalid", params: {} } };
  return checkedMirrorability(analysis.checked);
}

/** nativeMirrorability of a query that checked. */
export function checkedMirrorability(checked: CheckedQuery): Mirrorability {
  const clauses = clausesOf(checked.query.expression);
  for (const clause of clauses) {
    const definition = filterOf(checked, clause);
    if (!definition.native) return { ok: false, reason: { key: "native.reason.appFilter", params: { filter: definition.name } } };
  }
  const reason = construct(checked.query.expression) ?? clauses.map((clause) => clauseReason(checked, clause)).find((found) => found !== null) ?? null;
  return reason ? { ok: false, reason } : { ok: true };
}

/** The clauses of an expression, in source order. */
function clausesOf(node: Expression): Clause[] {
  switch (node.kind) {
    case "And":
    case "Or":
      return node.operands.flatMap(clausesOf);
    case "Not":
      return clausesOf(node.operand);
    default:
      return [node];
  }
}

/** The first NOT, or OR of more conditions than Shopify takes, in source order. */
function construct(node: Expression): MirrorReason | null {
  switch (node.kind) {
    case "Not":
      return { key: "native.reason.not", params: {} };
    case "Or": {
      const joined = orOperands(node).length;
      if (joined > MAX_NATIVE_OR_CLAUSES) return { key: "native.reason.tooManyClauses", params: { count: joined, max: MAX_NATIVE_OR_CLAUSES } };
      return node.operands.map(construct).find((found) => found !== null) ?? null;
    }
    case "And":
      return node.operands.map(construct).find((found) => found !== null) ?? null;
    default:
      return null;
  }
}

/** `a OR (b OR c)` joins three conditions by OR. */
function orOperands(node: Expression): Expression[] {
  return node.kind === "Or" ? node.operands.flatMap(orOperands) : [node];
}

function clauseReason(checked: CheckedQuery, clause: Clause): MirrorReason | null {
  const definition = filterOf(checked, clause);
  const native = NATIVE_PARAMETERS[definition.name];
  if (definition.type === "function" && native) {
    // the legacy form is sent in the MATCHES form the printer writes: its arguments are MATCHES conditions
    for (const parameter of matchParameters(clause).parameters) {
      if (!native.has(parameter.name)) return { key: "native.reason.parameter", params: { filter: definition.name, parameter: parameter.name } };
      if (parameter.kind === "ParamIn" && parameter.values.values.length > MAX_NATIVE_IDS) {
        return { key: "native.reason.tooManyIds", params: { filter: definition.name, count: parameter.values.values.length, max: MAX_NATIVE_IDS } };
      }
    }
    return null;
  }
  const allowed = NATIVE_OPERATORS[definition.name] ?? operatorsOf(definition);
  const operator = operatorOf(clause);
  if (!allowed.includes(operator)) return { key: "native.reason.operator", params: { filter: definition.name, operator, operators: allowed.join(", ") } };
  return null;
}

// ------------------------------------------------------------------------------------------------
// keeping Shopify in step

/** Shopify refused the mirror for a reason no retry mends (its query, its name): the job fails at once, saying why. */
export class NativeMirrorRefused extends PermanentJobError {
  override name = "NativeMirrorRefused";
}

/** What syncNativeMirror did. `name` is the mirror's name in Shopify, which differs from the segment's when the name was taken there. */
export type MirrorOutcome =
  | { action: "created" | "updated" | "unchanged"; nativeSegmentId: string; name: string; renamed: boolean }
  | { action: "deleted"; nativeSegmentId: string; reason?: MirrorReason }
  | { action: "none"; reason?: MirrorReason };

export interface SyncNativeMirrorArgs {
  db: Db;
  admin: AdminClient;
  shopId: number;
  segmentId: string;
  /** the mirror of a segment that was deleted from the app (its row is gone) */
  nativeSegmentId?: string | null;
  signal?: AbortSignal;
}

/** Appended to the segment's name when Shopify already has a segment of that name. */
export const NAME_SUFFIX = "Segment Studio";
/** Shopify's segment names are at most this long (the app's own limit too). */
const NATIVE_NAME_MAX = 255;
const NAME_ATTEMPTS = 5;

/** The names a mirror of `name` may have, in the order they are tried: the name, then "name (Segment Studio)", "(Segment Studio 2)"… */
export function mirrorNames(name: string): string[] {
  const names = [name];
  for (let n = 1; n < NAME_ATTEMPTS; n++) {
    const suffix = ` (${NAME_SUFFIX}${n === 1 ? "" : ` ${n}`})`;
    const room = NATIVE_NAME_MAX - [...suffix].length;
    const base = [...name].length > room ? `${[...name].slice(0, room - 1).join("")}…` : name;
    names.push(`${base}${suffix}`);
  }
  return names;
}

function userErrorText(errors: readonly SegmentUserError[]): string {
  return errors.map((error) => (error.field?.length ? `${error.field.join(".")}: ${error.message}` : error.message)).join("; ");
}

async function deleteNative(admin: AdminClient, id: string, signal?: AbortSignal): Promise<void> {
  const { segmentDelete } = await runOperation(admin, segmentDeleteMutation, { id }, { signal });
  // already gone (the merchant deleted it, or an earlier attempt did): nothing left to do
  if (segmentDelete.userErrors.length > 0 && !isMissingSegment(segmentDelete.userErrors)) {
    throw new NativeMirrorRefused(`Shopify refused to delete segment ${id}: ${userErrorText(segmentDelete.userErrors)}`);
  }
}

async function createNative(admin: AdminClient, name: string, query: string, signal?: AbortSignal): Promise<NativeSegment> {
  const taken: string[] = [];
  for (const candidate of mirrorNames(name)) {
    const { segmentCreate } = await runOperation(admin, segmentCreateMutation, { name: candidate, query }, { signal });
    if (segmentCreate.segment && segmentCreate.userErrors.length === 0) return segmentCreate.segment;
    if (!isNameTaken(segmentCreate.userErrors)) throw new NativeMirrorRefused(`Shopify refused the segment: ${userErrorText(segmentCreate.userErrors)}`);
    taken.push(candidate);
  }
  throw new NativeMirrorRefused(`Shopify refused the segment: the names ${taken.map((n) => `"${n}"`).join(", ")} are all taken`);
}

/** Updates the mirror's query and, when it is not one of the segment's names, its name; null when the mirror no longer exists in Shopify. */
async function updateNative(admin: AdminClient, existing: NativeSegment, name: string, query: string, signal?: AbortSignal): Promise<NativeSegment | null> {
  const names = mirrorNames(name);
  const candidates: (string | undefined)[] = names.includes(existing.name) ? [undefined] : names;
  for (const candidate of candidates) {
    const variables = { id: existing.id, ...(candidate === undefined ? {} : { name: candidate }), ...(query === existing.query ? {} : { query }) };
    const { segmentUpdate } = await runOperation(admin, segmentUpdateMutation, variables, { signal });
    if (segmentUpdate.segment && segmentUpdate.userErrors.length === 0) return segmentUpdate.segment;
    if (isMissingSegment(segmentUpdate.userErrors)) return null;
    if (candidate === undefined || !isNameTaken(segmentUpdate.userErrors)) throw new NativeMirrorRefused(`Shopify refused the segment: ${userErrorText(segmentUpdate.userErrors)}`);
  }
  throw new NativeMirrorRefused(`Shopify refused the segment: the names ${names.map((n) => `"${n}"`).join(", ")} are all taken`);
}

async function customerMetafields(db: Db, shopId: number): Promise<MetafieldDefinitionInfo[]> {
  return db.metafieldDefinition.findMany({ where: { shopId, ownerType: "CUSTOMER" }, select: { namespace: true, key: true, type: true, name: true } });
}

/**
 * Makes Shopify hold what the segment row asks for: a mirror with the segment's name and query
 * when `mirrorNative` is on and the query is mirrorable, else none. The row's nativeSegmentId is
 * written only if it still holds what was read (and updatedAt is left as it was: this is not an
 * edit of the segment); a mirror created for a row that changed or went meanwhile is deleted again,
 * for the job that change queued to redo.
 */
export async function syncNativeMirror(args: SyncNativeMirrorArgs): Promise<MirrorOutcome> {
  const { db, admin, shopId, segmentId, signal } = args;
  // the segment discounts naming the segment follow its mirror (decision 013): let go of it before it goes, take it once it exists
  const discounts = (mirror: string | null, formerMirror: string | null) => syncSegmentDiscountContexts({ db, admin, shopId, segmentId, mirror, formerMirror, signal });
  const row = await db.segment.findFirst({ where: { id: segmentId, shopId }, select: { name: true, query: true, mirrorNative: true, nativeSegmentId: true, updatedAt: true } });
  if (!row) {
    if (!args.nativeSegmentId) return { action: "none" };
    await discounts(null, args.nativeSegmentId);
    await deleteNative(admin, args.nativeSegmentId, signal);
    return { action: "deleted", nativeSegmentId: args.nativeSegmentId };
  }
  const remember = (nativeSegmentId: string | null) =>
    db.segment.updateMany({ where: { id: segmentId, shopId, nativeSegmentId: row.nativeSegmentId }, data: { nativeSegmentId, updatedAt: row.updatedAt } });

  const mirrorability = nativeMirrorability(row.query, await customerMetafields(db, shopId));
  const reason = mirrorability.ok ? undefined : mirrorability.reason;
  if (!row.mirrorNative || !mirrorability.ok) {
    if (row.nativeSegmentId === null) return { action: "none", ...(reason ? { reason } : {}) };
    await discounts(null, row.nativeSegmentId);
    await deleteNative(admin, row.nativeSegmentId, signal);
    await remember(null);
    return { action: "deleted", nativeSegmentId: row.nativeSegmentId, ...(reason ? { reason } : {}) };
  }

  if (row.nativeSegmentId !== null) {
    const { segment: existing } = await runOperation(admin, segmentQuery, { id: row.nativeSegmentId }, { signal });
    if (existing) {
      // in step already, or updated: a discount left behind by an earlier attempt catches up (nothing is sent for the others)
      if (mirrorNames(row.name).includes(existing.name) && existing.query === row.query) {
        await discounts(existing.id, null);
        return { action: "unchanged", nativeSegmentId: existing.id, name: existing.name, renamed: existing.name !== row.name };
      }
      const updated = await updateNative(admin, existing, row.name, row.query, signal);
      if (updated) {
        await discounts(updated.id, null);
        return { action: "updated", nativeSegmentId: updated.id, name: updated.name, renamed: updated.name !== row.name };
      }
    }
    // the merchant deleted it in Shopify: made again below
  }
  const created = await createNative(admin, row.name, row.query, signal);
  const { count } = await remember(created.id);
  if (count === 0) {
    await deleteNative(admin, created.id, signal);
    return { action: "none" };
  }
  await discounts(created.id, row.nativeSegmentId);
  return { action: "created", nativeSegmentId: created.id, name: created.name, renamed: created.name !== row.name };
}

// ------------------------------------------------------------------------------------------------
// the job

/** The dedupe key of a segment's mirror job (held while it waits or runs, kept as releasedDedupeKey after). */
export function mirrorJobKey(segmentId: string): string {
  return `segment:${segmentId}`;
}

/** The keys a segment's mirror jobs are found by: the job, the one queued behind a running one, and the removal after a delete. */
export function mirrorJobKeys(segmentId: string): string[] {
  return [mirrorJobKey(segmentId), `${mirrorJobKey(segmentId)}:next`, `deleted:${segmentId}`];
}

const MirrorPayload = z.object({
  shopId: z.number().int().positive(),
  segmentId: z.string().min(1),
  nativeSegmentId: z
    .string()
    .regex(/^gid:\/\/shopify\/Segment\/\d+$/)
    .optional(),
});

/**
 * Queues a sync of the segment's mirror. While one is queued, that one is returned; while one runs,
 * one more is queued behind it (once), as the running one may have read the row before this change.
 */
export async function queueMirrorSync(db: Queryable, args: { shopId: number; segmentId: string; now: Date }): Promise<Job> {
  const input = { kind: MIRROR_JOB, shopId: args.shopId, payload: { shopId: args.shopId, segmentId: args.segmentId }, runAt: args.now, maxAttempts: MIRROR_ATTEMPTS, dedupeKey: mirrorJobKey(args.segmentId) };
  const job = await enqueue(db, input, { now: args.now });
  if (job.state !== "RUNNING") return job;
  return enqueue(db, { ...input, dedupeKey: `${mirrorJobKey(args.segmentId)}:next` }, { now: args.now });
}

/** After a save: a sync of the mirror, if the segment has one or should (else nothing to keep in step). */
export async function queueNativeMirror(db: Queryable, args: { shopId: number; segmentId: string; now: Date }): Promise<Job | null> {
  const row = await db.segment.findFirst({ where: { id: args.segmentId, shopId: args.shopId }, select: { mirrorNative: true, nativeSegmentId: true } });
  if (!row || (!row.mirrorNative && row.nativeSegmentId === null)) return null;
  return queueMirrorSync(db, args);
}

/** The mirrors of segments about to be deleted (the shop's own only), for queueMirrorRemovals once they are. */
export async function mirrorsOfSegments(db: Queryable, args: { shop: string; ids: readonly string[] }): Promise<{ shopId: number; segmentId: string; nativeSegmentId: string | null; mirrorNative: boolean }[]> {
  if (args.ids.length === 0) return [];
  const rows = await db.segment.findMany({
    where: { shop: { domain: args.shop }, id: { in: [...new Set(args.ids)] }, OR: [{ mirrorNative: true }, { nativeSegmentId: { not: null } }] },
    select: { id: true, shopId: true, nativeSegmentId: true, mirrorNative: true },
  });
  return rows.map((row) => ({ shopId: row.shopId, segmentId: row.id, nativeSegmentId: row.nativeSegmentId, mirrorNative: row.mirrorNative }));
}

/**
 * After segments were deleted: a job per mirror to delete it in Shopify, its id in the payload. A
 * segment deleted while its mirror was being created (no id yet) needs none: that job deletes what
 * it made once it finds the row gone.
 */
export async function queueMirrorRemovals(db: Queryable, mirrors: readonly { shopId: number; segmentId: string; nativeSegmentId: string | null }[], now: Date): Promise<void> {
  for (const mirror of mirrors) {
    if (mirror.nativeSegmentId === null) continue;
    const payload = { shopId: mirror.shopId, segmentId: mirror.segmentId, nativeSegmentId: mirror.nativeSegmentId };
    await enqueue(db, { kind: MIRROR_JOB, shopId: mirror.shopId, payload, runAt: now, maxAttempts: MIRROR_ATTEMPTS, dedupeKey: `deleted:${mirror.segmentId}` }, { now });
  }
}

/** Another mirror job of the segment holds a live lease: this one waits its turn (retried with backoff). */
export class MirrorBusyError extends Error {
  override name = "MirrorBusyError";
}

/**
 * The "segments.mirror" job: payload { shopId, segmentId, nativeSegmentId? }. A shop that is gone or
 * uninstalled has nothing to keep in step. What was done is written back into the job's payload
 * (`outcome`), which the segment page reads to say under which name the mirror lives in Shopify.
 */
export function nativeMirrorJobHandler(deps: SyncDeps): JobHandler {
  return async (job, signal) => {
    const parsed = MirrorPayload.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError(`${MIRROR_JOB} job ${job.id}: the payload must be { shopId, segmentId, nativeSegmentId? }: ${z.prettifyError(parsed.error)}`);
    const { shopId, segmentId, nativeSegmentId } = parsed.data;
    if (job.shopId !== null && job.shopId !== shopId) throw new PermanentJobError(`${MIRROR_JOB} job ${job.id} is for shop ${job.shopId} but names shop ${shopId}`);
    const { db } = deps;
    const shop = await db.shop.findUnique({ where: { id: shopId }, select: { domain: true, installState: true } });
    if (!shop || shop.installState !== "INSTALLED") {
      logger.info({ shopId, segmentId }, "native segments: shop gone or uninstalled, nothing to mirror");
      return;
    }
    const other = await db.job.findFirst({
      where: { kind: MIRROR_JOB, shopId, state: "RUNNING", id: { not: job.id }, dedupeKey: { in: mirrorJobKeys(segmentId).slice(0, 2) }, lockedUntil: { gt: deps.now() } },
      select: { id: true },
    });
    if (other && nativeSegmentId === undefined) throw new MirrorBusyError(`mirror job ${other.id} of segment ${segmentId} is running; this one runs after it`);
    const admin = await deps.adminFor(shop.domain);
    const outcome = await syncNativeMirror({ db, admin, shopId, segmentId, nativeSegmentId: nativeSegmentId ?? null, signal });
    logger.info({ shopId, segmentId, ...outcome }, "native segments: mirror in step");
    // fenced like the queue's own writes: only while this worker still holds the job
    const recorded = "name" in outcome ? { action: outcome.action, name: outcome.name, renamed: outcome.renamed } : { action: outcome.action };
    await db.job.updateMany({ where: { id: job.id, state: "RUNNING", lockedBy: job.lockedBy }, data: { payload: { ...parsed.data, outcome: recorded } } });
  };
}

// ------------------------------------------------------------------------------------------------
// what the admin shows

const Outcome = z.object({ outcome: z.object({ name: z.string().optional(), renamed: z.boolean().optional() }).optional() });

/** "NativeMirrorRefused: Shopify refused …\n    at …" → "Shopify refused …" */
function firstLine(error: string | null): string | null {
  if (!error) return null;
  return (error.split("\n")[0] ?? "").replace(/^[A-Za-z]*Error:\s*|^NativeMirrorRefused:\s*/, "");
}

interface SegmentMirrorRow {
  id: string;
  name: string;
  query: string;
  mirrorNative: boolean;
  nativeSegmentId: string | null;
}

/**
 * The mirror views of the shop's segments: mirrorability from the query, the state from the row and
 * the segment's latest mirror job (waiting or running: pending; failed: error; done: what it did).
 */
export async function mirrorViews(db: Db, args: { shopId: number; segments: readonly SegmentMirrorRow[] }): Promise<Map<string, MirrorView>> {
  const views = new Map<string, MirrorView>();
  if (args.segments.length === 0) return views;
  const metafields = await customerMetafields(db, args.shopId);
  const keyOf = new Map(args.segments.flatMap((segment) => mirrorJobKeys(segment.id).slice(0, 2).map((key) => [key, segment.id] as const)));
  const keys = [...keyOf.keys()];
  const jobs = await db.job.findMany({
    where: { kind: MIRROR_JOB, shopId: args.shopId, OR: [{ dedupeKey: { in: keys } }, { releasedDedupeKey: { in: keys } }] },
    select: { id: true, state: true, lastError: true, payload: true, dedupeKey: true, releasedDedupeKey: true },
    orderBy: { id: "desc" },
    // the latest few per segment are enough: the newest decides
    take: Math.min(5_000, keys.length * 10),
  });
  const latest = new Map<string, (typeof jobs)[number]>();
  const active = new Set<string>();
  for (const job of jobs) {
    const segmentId = keyOf.get(job.dedupeKey ?? job.releasedDedupeKey ?? "");
    if (segmentId === undefined) continue;
    if (job.state === "QUEUED" || job.state === "RUNNING") active.add(segmentId);
    if (!latest.has(segmentId)) latest.set(segmentId, job);
  }
  for (const segment of args.segments) {
    const mirrorability = nativeMirrorability(segment.query, metafields);
    const job = latest.get(segment.id);
    const outcome = Outcome.safeParse(job?.payload ?? {});
    const renamed = job?.state === "DONE" && outcome.success && outcome.data.outcome?.renamed === true ? (outcome.data.outcome.name ?? null) : null;
    let state: MirrorState;
    if (active.has(segment.id)) state = "pending";
    else if (job?.state === "FAILED") state = "error";
    else if (segment.mirrorNative && mirrorability.ok) state = segment.nativeSegmentId ? "mirrored" : "pending";
    else state = segment.nativeSegmentId ? "pending" : "off";
    views.set(segment.id, {
      on: segment.mirrorNative,
      mirrorability,
      state,
      nativeSegmentId: segment.nativeSegmentId,
      nativeName: state === "mirrored" ? renamed : null,
      error: state === "error" || state === "pending" ? firstLine(job?.lastError ?? null) : null,
    });
  }
  return views;
}
