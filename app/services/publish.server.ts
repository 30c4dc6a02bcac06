/**
 * Publishing segment membership to Shopify (issue 7, decision 010): each customer carries the
 * app-owned metafield `$app:segments` — the sorted handles of the shop's segments they belong to —
 * and, for segments with `publishTag`, the tag `segment:<handle>`. The theme block and the discount
 * Function read the metafield; its definition grants the storefront read access.
 *
 * - Whatever changes membership marks the customers it touched dirty in the same transaction
 *   (CustomerPublication; app/store/publish.server.ts) and then queues a `segments.publish` job.
 * - The job takes the shop's publishing lease, makes sure the definition exists, and walks the
 *   dirty customers by keyset in chunks: what each should carry is compared with what was last
 *   published, and only the differences are sent — metafieldsSet (25 a field), metafieldsDelete for
 *   customers in no segment, tagsAdd/tagsRemove — as aliased fields of one request sized to the
 *   shop's bucket. The cost-aware client paces every request; a few chunks are in hand at once, so a
 *   request is ready whenever the bucket is.
 * - Each chunk is recorded with a compare-and-set on the row's version: a customer changed again
 *   meanwhile stays dirty. A crash loses only requests in flight: the next run sends exactly the
 *   customers still dirty. A customer Shopify refuses (deleted there) is recorded with the error and
 *   skipped until its membership changes again.
 */
import { z } from "zod";
import type { DatabaseKind, Db } from "~/db/client";
import type { Prisma } from "~/db/generated/sqlite/client";
import { dialectOf, enqueue, PermanentJobError, type Job, type Queryable } from "~/jobs/queue.server";
import type { JobHandler } from "~/jobs/worker.server";
import { logger } from "~/logger.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import {
  createOrFindSegmentsDefinition,
  customerGid,
  MAX_QUERY_COST,
  METAFIELDS_PER_DELETE,
  METAFIELDS_PER_SET,
  MUTATION_FIELD_COST,
  sendPublishFields,
  type PublishField,
  type PublishUserError,
} from "~/shopify/operations/publishing";
import {
  acquirePublishLease,
  hasDirtyCustomers,
  markSegmentMembersDirty,
  markShopUnknown,
  readDirtyCustomers,
  readMemberships,
  recordPublished,
  releasePublishLease,
  type DirtyCustomer,
  type MembershipRow,
  type PublishedRow,
} from "~/store/publish.server";
import type { SyncDeps } from "~/sync/deps";

export const PUBLISH_JOB = "segments.publish";

/** The tag a segment with publishTag gives its members. */
export function segmentTag(handle: string): string {
  return `segment:${handle}`;
}

// ------------------------------------------------------------------------------------------------
// queueing

/** The dedupe key of a shop's publish. */
export function publishKey(shopId: number): string {
  return `shop:${shopId}`;
}

/**
 * Queues the shop's publish. Call it after the change that dirtied customers has committed: while a
 * publish is queued, that one is returned (it will read the change); while one runs, one more is
 * queued behind it (once) — it finds the running one holding the lease and leaves the change to it,
 * which looks for dirty customers again after letting go.
 */
export async function queuePublish(db: Queryable, args: { shopId: number; now?: Date; runAt?: Date }): Promise<Job> {
  const now = args.now ?? new Date();
  const input = { kind: PUBLISH_JOB, shopId: args.shopId, payload: { shopId: args.shopId }, runAt: args.runAt ?? now, dedupeKey: publishKey(args.shopId) };
  const job = await enqueue(db, input, { now });
  if (job.state !== "RUNNING") return job;
  return enqueue(db, { ...input, dedupeKey: `${publishKey(args.shopId)}:next` }, { now });
}

/**
 * Runs `change` (say, deleting segments or switching their tag on) in one transaction with marking
 * every current member of those segments of the shop dirty, then queues a publish if any was. The
 * marking comes first, so members of segments the change deletes are still found.
 */
export async function withMembersRepublished<T>(
  db: Db,
  args: { shopId?: number; shop?: string; segmentIds: readonly string[]; now?: Date },
  change: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  const shopId = args.shopId ?? (args.shop === undefined ? undefined : (await db.shop.findUnique({ where: { domain: args.shop }, select: { id: true } }))?.id);
  if (shopId === undefined) return db.$transaction((tx) => change(tx));
  const kind = dialectOf(db);
  const { result, marked } = await db.$transaction(
    async (tx) => {
      const marked = await markSegmentMembersDirty(tx, kind, shopId, args.segmentIds);
      return { result: await change(tx), marked };
    },
    { timeout: 5 * 60_000, maxWait: 30_000 },
  );
  if (marked > 0) await queuePublish(db, { shopId, ...(args.now ? { now: args.now } : {}) });
  return result;
}

/**
 * Switches the segment's customer tag on or off; its members get or lose `segment:<handle>` at the
 * next publish (queued). False when the segment is not the shop's.
 */
export async function setSegmentPublishTag(args: { db: Db; shopId: number; segmentId: string; publishTag: boolean; now?: Date }): Promise<boolean> {
  const { db, shopId, segmentId, publishTag } = args;
  const segment = await db.segment.findFirst({ where: { id: segmentId, shopId }, select: { publishTag: true } });
  if (!segment) return false;
  if (segment.publishTag === publishTag) return true;
  const { count } = await withMembersRepublished(db, { shopId, segmentIds: [segmentId], ...(args.now ? { now: args.now } : {}) }, (tx) =>
    tx.segment.updateMany({ where: { id: segmentId, shopId }, data: { publishTag } }),
  );
  return count === 1;
}

/**
 * The settings page's "republish all": every customer ever published or in a segment now is
 * published again — the metafield written whatever Shopify holds, wanted tags added again — and the
 * publish is queued. Returns how many customers were marked and the job.
 */
export async function republishAll(args: { db: Db; kind: DatabaseKind; shopId: number; now?: Date }): Promise<{ customers: number; job: Job }> {
  const { db, kind, shopId } = args;
  const customers = await db.$transaction((tx) => markShopUnknown(tx, kind, shopId), { timeout: 5 * 60_000, maxWait: 30_000 });
  const job = await queuePublish(db, { shopId, ...(args.now ? { now: args.now } : {}) });
  return { customers, job };
}

/**
 * A reinstall: Shopify may have removed what the app owned while it was uninstalled, so the
 * definition is looked for again and every customer's metafield is written again.
 */
export async function forgetPublishedState(db: Db, kind: DatabaseKind, shopId: number): Promise<number> {
  await db.shop.updateMany({ where: { id: shopId }, data: { segmentsDefinitionId: null } });
  return db.$transaction((tx) => markShopUnknown(tx, kind, shopId), { timeout: 5 * 60_000, maxWait: 30_000 });
}

// ------------------------------------------------------------------------------------------------
// the definition

/**
 * The shop's `$app:segments` definition: created once with storefront read access (or found, when
 * Shopify says it is taken), its id remembered on the Shop row so later publishes skip the call.
 */
export async function ensureSegmentsDefinition(args: { db: Db; admin: AdminClient; shopId: number; signal?: AbortSignal }): Promise<string> {
  const { db, admin, shopId } = args;
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { segmentsDefinitionId: true } });
  if (shop?.segmentsDefinitionId) return shop.segmentsDefinitionId;
  const definition = await createOrFindSegmentsDefinition(admin, args.signal ? { signal: args.signal } : {});
  if (definition.storefront !== "PUBLIC_READ") {
    // made by an earlier version or by hand: the theme block and the discount Function cannot read it
    logger.warn({ shopId, definitionId: definition.id, storefront: definition.storefront }, "publish: the $app:segments definition lacks storefront read access");
  }
  await db.shop.updateMany({ where: { id: shopId }, data: { segmentsDefinitionId: definition.id } });
  logger.info({ shopId, definitionId: definition.id, created: definition.created }, "publish: $app:segments definition ready");
  return definition.id;
}

// ------------------------------------------------------------------------------------------------
// what one customer should carry, and what to send for it

interface CustomerPlan {
  customer: DirtyCustomer;
  /** the metafield's wanted value, a JSON list of handles ("[]": no metafield) */
  segments: string;
  /** the wanted segment tags */
  tags: readonly string[];
  metafield: "set" | "delete" | null;
  tagsAdd: readonly string[];
  tagsRemove: readonly string[];
}

function parseList(json: string | null): string[] {
  if (json === null) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What to send so the customer carries its segments: nothing when it does already. */
export function planCustomer(customer: DirtyCustomer, memberships: readonly Pick<MembershipRow, "handle" | "publishTag">[]): CustomerPlan {
  const handles = [...new Set(memberships.map((m) => m.handle))].sort(byCodeUnit);
  const tags = [...new Set(memberships.filter((m) => m.publishTag).map((m) => segmentTag(m.handle)))].sort(byCodeUnit);
  const segments = JSON.stringify(handles);
  const unknown = customer.segments === null;
  const metafield = !unknown && customer.segments === segments ? null : handles.length > 0 ? "set" : !unknown && parseList(customer.segments).length === 0 ? null : "delete";
  const carried = new Set(parseList(customer.tags).map((t) => t.toLowerCase()));
  const wanted = new Set(tags.map((t) => t.toLowerCase()));
  // Shopify's tags ignore case; a republish adds every wanted tag again
  const tagsAdd = tags.filter((t) => unknown || !carried.has(t.toLowerCase()));
  const tagsRemove = parseList(customer.tags).filter((t) => !wanted.has(t.toLowerCase()));
  return { customer, segments, tags, metafield, tagsAdd, tagsRemove };
}

/** One customer's part of a field (which entry of a metafieldsSet, say). */
interface FieldEntry {
  plan: CustomerPlan;
  part: "metafield" | "tagsAdd" | "tagsRemove";
}

interface PlannedField {
  field: PublishField;
  entries: FieldEntry[];
}

/** The fields for these parts: metafield writes 25 to a field, deletions likewise, each tag change its own. */
function fieldsFor(entries: readonly FieldEntry[], single = false): PlannedField[] {
  const fields: PlannedField[] = [];
  const sets = entries.filter((e) => e.part === "metafield" && e.plan.metafield === "set");
  const deletes = entries.filter((e) => e.part === "metafield" && e.plan.metafield === "delete");
  const setSize = single ? 1 : METAFIELDS_PER_SET;
  const deleteSize = single ? 1 : METAFIELDS_PER_DELETE;
  for (let i = 0; i < sets.length; i += setSize) {
    const group = sets.slice(i, i + setSize);
    fields.push({ field: { kind: "set", metafields: group.map((e) => ({ ownerId: customerGid(e.plan.customer.shopifyId), value: e.plan.segments })) }, entries: group });
  }
  for (let i = 0; i < deletes.length; i += deleteSize) {
    const group = deletes.slice(i, i + deleteSize);
    fields.push({ field: { kind: "delete", ownerIds: group.map((e) => customerGid(e.plan.customer.shopifyId)) }, entries: group });
  }
  for (const e of entries) {
    if (e.part === "tagsAdd") fields.push({ field: { kind: "tagsAdd", ownerId: customerGid(e.plan.customer.shopifyId), tags: e.plan.tagsAdd }, entries: [e] });
    if (e.part === "tagsRemove") fields.push({ field: { kind: "tagsRemove", ownerId: customerGid(e.plan.customer.shopifyId), tags: e.plan.tagsRemove }, entries: [e] });
  }
  return fields;
}

/** The entry a userError names ("metafields", "3", "ownerId" or elementIndex 3), or null. */
function entryIndex(error: PublishUserError, size: number): number | null {
  const index = error.elementIndex ?? (error.field && error.field[0] === "metafields" && error.field[1] !== undefined ? Number(error.field[1]) : NaN);
  return Number.isInteger(index) && index >= 0 && index < size ? index : null;
}

// ------------------------------------------------------------------------------------------------
// publishing a shop

export interface PublishOptions {
  /** chunks in hand at once (default 3): one being sent while the next are read and planned */
  concurrency?: number;
  /** fields per request at most (default: about a second of the shop's restore rate, within the bucket and 1,000 points) */
  maxFieldsPerRequest?: number;
  /** customers per chunk (default 25 × the fields per request) */
  chunkSize?: number;
  /** passes over the dirty customers before a run gives way (default 50) */
  maxPasses?: number;
  /** after each recorded chunk */
  onChunk?: (chunk: { customers: number; requests: number; fields: number }) => void;
}

export interface PublishStats {
  passes: number;
  /** dirty customers read */
  customers: number;
  /** of them, already carrying what they should */
  unchanged: number;
  /** refused by Shopify (recorded with the error) */
  failed: number;
  requests: number;
  fields: number;
  /** metafields written, metafields deleted, tag changes sent */
  metafieldsSet: number;
  metafieldsDeleted: number;
  tagChanges: number;
}

/** Fields per request: about a second of the restore rate, never more than the bucket holds or a query may cost. */
export function fieldsPerRequest(admin: AdminClient, cap = Number.POSITIVE_INFINITY): number {
  const status = admin.bucket.throttleStatus;
  // before the first answer the bucket is unknown: one field
  if (!status) return 1;
  const byBucket = Math.floor(status.maximumAvailable / MUTATION_FIELD_COST);
  const byRate = Math.round(status.restoreRate / MUTATION_FIELD_COST);
  return Math.max(1, Math.min(byBucket, byRate, MAX_QUERY_COST / MUTATION_FIELD_COST, cap));
}

/** Rounds of resending what an all-or-nothing metafieldsSet dropped for another customer's error. */
const MAX_ROUNDS = 6;

/**
 * Publishes the shop's dirty customers until none is left (or `maxPasses`): passes over them by
 * keyset, a few chunks in hand at once; each chunk is planned, sent in requests sized to the bucket
 * and recorded. A request that fails (after the client's retries) stops the pass once the chunks in
 * hand are recorded, and is thrown: what was recorded is not sent again.
 */
export async function publishShop(
  deps: { db: Db; kind: DatabaseKind; admin: AdminClient; now?: () => Date },
  args: { shopId: number; signal?: AbortSignal },
  options: PublishOptions = {},
): Promise<PublishStats> {
  const stats: PublishStats = { passes: 0, customers: 0, unchanged: 0, failed: 0, requests: 0, fields: 0, metafieldsSet: 0, metafieldsDeleted: 0, tagChanges: 0 };
  const maxPasses = options.maxPasses ?? 50;
  while (stats.passes < maxPasses) {
    args.signal?.throwIfAborted();
    stats.passes += 1;
    const read = await publishPass(deps, args, options, stats);
    if (read === 0) break;
  }
  return stats;
}

async function publishPass(
  deps: { db: Db; kind: DatabaseKind; admin: AdminClient; now?: () => Date },
  args: { shopId: number; signal?: AbortSignal },
  options: PublishOptions,
  stats: PublishStats,
): Promise<number> {
  const { db, kind, admin } = deps;
  const now = deps.now ?? (() => new Date());
  let cursor = 0;
  let exhausted = false;
  let failure: { error: unknown } | null = null;
  let read = 0;
  // reads one after another, so chunks never overlap
  let reading: Promise<unknown> = Promise.resolve();
  const nextChunk = (): Promise<DirtyCustomer[]> => {
    const next = reading.then(async () => {
      if (exhausted || failure) return [];
      const limit = options.chunkSize ?? fieldsPerRequest(admin, options.maxFieldsPerRequest) * METAFIELDS_PER_SET;
      const rows = await readDirtyCustomers(db, kind, { shopId: args.shopId, afterId: cursor, limit });
      if (rows.length < limit) exhausted = true;
      const last = rows[rows.length - 1];
      if (last) cursor = last.customerId;
      read += rows.length;
      return rows;
    });
    reading = next.catch(() => undefined);
    return next;
  };
  const worker = async () => {
    for (;;) {
      if (failure) return;
      try {
        args.signal?.throwIfAborted();
        const chunk = await nextChunk();
        if (chunk.length === 0) return;
        await publishChunk({ db, kind, admin }, args, chunk, options, stats, now);
      } catch (error) {
        failure ??= { error };
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 3) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return read;
}

/** One chunk: plan, send the differences in requests sized to the bucket, record every customer of it. */
async function publishChunk(
  deps: { db: Db; kind: DatabaseKind; admin: AdminClient },
  args: { shopId: number; signal?: AbortSignal },
  chunk: readonly DirtyCustomer[],
  options: PublishOptions,
  stats: PublishStats,
  now: () => Date,
): Promise<void> {
  const { db, kind, admin } = deps;
  const memberships = await readMemberships(db, kind, args.shopId, chunk.map((c) => c.customerId));
  const byCustomer = new Map<number, MembershipRow[]>();
  for (const row of memberships) {
    let list = byCustomer.get(row.customerId);
    if (!list) byCustomer.set(row.customerId, (list = []));
    list.push(row);
  }
  const plans = chunk.map((customer) => planCustomer(customer, byCustomer.get(customer.customerId) ?? []));

  // what each customer carries once the requests are through, and why Shopify refused it
  const outcome = new Map<CustomerPlan, { metafield: boolean | null; tagsAdd: boolean | null; tagsRemove: boolean | null; refused: Set<FieldEntry["part"]>; errors: string[] }>();
  let pending: FieldEntry[] = [];
  for (const plan of plans) {
    const parts: FieldEntry["part"][] = [];
    if (plan.metafield) parts.push("metafield");
    if (plan.tagsAdd.length > 0) parts.push("tagsAdd");
    if (plan.tagsRemove.length > 0) parts.push("tagsRemove");
    outcome.set(plan, { metafield: plan.metafield ? false : null, tagsAdd: plan.tagsAdd.length > 0 ? false : null, tagsRemove: plan.tagsRemove.length > 0 ? false : null, refused: new Set(), errors: [] });
    if (parts.length === 0) stats.unchanged += 1;
    for (const part of parts) pending.push({ plan, part });
  }

  let requests = 0;
  let fieldsSent = 0;
  let single = false;
  try {
    for (let round = 0; pending.length > 0; round++) {
      const fail = (entry: FieldEntry, message: string) => {
        const state = outcome.get(entry.plan);
        state?.refused.add(entry.part);
        state?.errors.push(`${entry.part}: ${message}`);
      };
      if (round >= MAX_ROUNDS) {
        for (const entry of pending) fail(entry, "not accepted after several attempts");
        break;
      }
      const planned = fieldsFor(pending, single);
      pending = [];
      single = false;
      const perRequest = fieldsPerRequest(admin, options.maxFieldsPerRequest);
      for (let i = 0; i < planned.length; i += perRequest) {
        args.signal?.throwIfAborted();
        const batch = planned.slice(i, i + perRequest);
        const results = await sendPublishFields(
          admin,
          batch.map((p) => p.field),
          args.signal ? { signal: args.signal } : {},
        );
        requests += 1;
        fieldsSent += batch.length;
        batch.forEach(({ field, entries }, f) => {
          const errors = results[f];
          if (errors !== null && errors !== undefined && errors.length === 0) {
            for (const entry of entries) {
              const state = outcome.get(entry.plan);
              if (state) state[entry.part] = true;
            }
            if (field.kind === "set") stats.metafieldsSet += entries.length;
            else if (field.kind === "delete") stats.metafieldsDeleted += entries.length;
            else stats.tagChanges += 1;
            return;
          }
          const messages = errors ?? [{ field: null, message: "Shopify gave no answer for this change", code: null, elementIndex: null }];
          if (field.kind === "tagsAdd" || field.kind === "tagsRemove" || entries.length === 1) {
            for (const entry of entries) fail(entry, messages.map((e) => e.message).join("; "));
            return;
          }
          // metafieldsSet is all or nothing: the customers named are refused, the others go again
          const named = new Map<number, string[]>();
          for (const error of messages) {
            const index = entryIndex(error, entries.length);
            if (index !== null) named.set(index, [...(named.get(index) ?? []), error.message]);
          }
          if (named.size === 0) {
            // nobody named: each goes again alone, so the next answer can only be about its own customer
            pending.push(...entries);
            single = true;
            return;
          }
          entries.forEach((entry, index) => {
            const refused = named.get(index);
            if (refused) fail(entry, refused.join("; "));
            else pending.push(entry);
          });
        });
      }
    }
  } catch (error) {
    // what Shopify has by now is recorded (those not wholly done stay dirty) before the error goes on
    await withConflictRetry(() => recordPublished(db, kind, args.shopId, rowsOf(false), now()));
    throw error;
  }

  /** Each customer as Shopify has it now; unless `done`, a customer with a change still unsent stays dirty. */
  function rowsOf(done: boolean): PublishedRow[] {
    return plans.map((plan) => rowOf(plan, done || !unfinished(plan)));
  }
  /** A change of the customer's neither made nor refused yet. */
  function unfinished(plan: CustomerPlan): boolean {
    const state = outcome.get(plan);
    if (!state) return false;
    return (["metafield", "tagsAdd", "tagsRemove"] as const).some((part) => state[part] === false && !state.refused.has(part));
  }
  function rowOf(plan: CustomerPlan, clean: boolean): PublishedRow {
    const state = outcome.get(plan);
    const carried = parseList(plan.customer.tags);
    let tags = carried;
    if (state?.tagsAdd) tags = [...tags, ...plan.tagsAdd.filter((t) => !tags.some((x) => x.toLowerCase() === t.toLowerCase()))];
    if (state?.tagsRemove) {
      const removed = new Set(plan.tagsRemove.map((t) => t.toLowerCase()));
      tags = tags.filter((t) => !removed.has(t.toLowerCase()));
    }
    const segments = state?.metafield === true ? plan.segments : plan.metafield === null ? plan.segments : plan.customer.segments;
    const error = state && state.errors.length > 0 ? state.errors.join("; ").slice(0, 2_000) : null;
    // version −1 matches no row's: the row stays dirty
    return { customerId: plan.customer.customerId, version: clean ? plan.customer.version : -1, segments, tags: JSON.stringify([...tags].sort(byCodeUnit)), error };
  }

  const rows = rowsOf(true);
  stats.failed += rows.filter((row) => row.error !== null).length;
  await withConflictRetry(() => recordPublished(db, kind, args.shopId, rows, now()));
  stats.customers += chunk.length;
  stats.requests += requests;
  stats.fields += fieldsSent;
  options.onChunk?.({ customers: chunk.length, requests, fields: fieldsSent });
}

/** A deadlock with a membership write touching the same rows: PostgreSQL aborts one; this one tries again. */
async function withConflictRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const text = error instanceof Error ? `${error.message} ${String((error as { code?: unknown }).code ?? "")}` : String(error);
      if (attempt >= 4 || !/40P01|40001|P2034|deadlock detected|could not serialize/i.test(text)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
  }
}

// ------------------------------------------------------------------------------------------------
// the job

const PublishPayload = z.object({ shopId: z.number().int().positive() }).strict();

/** Rounds of "let go, find more dirty customers, take it again" before a run hands over to a queued successor. */
const MAX_RUN_ROUNDS = 5;

/**
 * The handler of "segments.publish" jobs: { shopId }. Publishes the shop's dirty customers under the
 * shop's publishing lease; a job that finds the lease held by another live publish leaves the work
 * to it. An uninstalled or unknown shop has nothing published.
 */
export function publishJobHandler(deps: SyncDeps, options: PublishOptions = {}): JobHandler {
  return async (job, signal) => {
    const parsed = PublishPayload.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError(`${PUBLISH_JOB} job ${job.id}: the payload is not { shopId }: ${z.prettifyError(parsed.error)}`);
    const { shopId } = parsed.data;
    const { db, kind } = deps;
    const shop = await db.shop.findUnique({ where: { id: shopId }, select: { domain: true, installState: true } });
    if (!shop || shop.installState === "UNINSTALLED") {
      logger.info({ shopId, jobId: job.id }, "publish: shop gone or uninstalled, nothing published");
      return;
    }
    let admin: AdminClient | null = null;
    for (let round = 0; ; round++) {
      if (round >= MAX_RUN_ROUNDS) {
        // membership keeps changing under this run: a successor takes over shortly
        await queuePublish(db, { shopId, now: deps.now(), runAt: new Date(deps.now().getTime() + 30_000) });
        return;
      }
      if (!(await acquirePublishLease(db, kind, shopId, job.id))) {
        logger.debug({ shopId, jobId: job.id }, "publish: another publish of the shop is live; it takes these changes");
        return;
      }
      admin ??= await deps.adminFor(shop.domain);
      await ensureSegmentsDefinition({ db, admin, shopId, signal });
      const started = performance.now();
      const stats = await publishShop({ db, kind, admin, now: () => deps.now() }, { shopId, signal }, options);
      if (stats.customers > 0) {
        logger.info({ shopId, jobId: job.id, ...stats, seconds: Math.round((performance.now() - started) / 100) / 10 }, "publish: membership published");
      }
      await releasePublishLease(db, kind, shopId, job.id);
      // changes that came while this run held the lease were left to it
      if (!(await hasDirtyCustomers(db, shopId))) return;
    }
  };
}
