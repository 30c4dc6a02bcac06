/**
 * The store writers of the sync: the one way Shopify's records (app/sync/records.ts) get into the
 * store, whether they came from a bulk import, a single Admin API query or a webhook body.
 *
 * Rules every writer keeps:
 * - Order safety: a record older (Shopify's updatedAt) than the row the store holds changes
 *   nothing. An equal updatedAt is written again (the same version from a fuller source, say the
 *   Admin API after a webhook body), except from a body that lacks fields (markDetailsStale): the
 *   store already holds that version.
 * - Deletes leave a tombstone (DeletedResource); a late create or update never brings the record back.
 * - A redacted customer (customers/redact) is never written again.
 * - A bulk import passes its run's id, written on the parents it writes (importRunId): an equal
 *   version a webhook or the Admin API wrote is kept (with the children it came with), and the
 *   import adds its children only to parents it wrote itself — also after a resume.
 * - Batched: a few queries per batch, never one round trip per record for the common case (a new
 *   record); updates of existing rows are one conditional UPDATE each, so a concurrent newer write
 *   (another worker, PostgreSQL READ COMMITTED) wins instead of being overwritten.
 * - Every statement names the shop.
 */
import type { DatabaseKind, Db } from "~/db/client";
import type { Prisma } from "~/db/generated/sqlite/client";
import { cityKey, regionKey } from "~/segments/address-keys";
import { insertRows, TABLES } from "./bulk-insert.server";
import type {
  AddressInput,
  CheckoutInput,
  CollectionInput,
  CustomerInput,
  EmbeddedCustomerInput,
  MetafieldInput,
  OrderInput,
  OrderLineInput,
  ProductInput,
  RefundInput,
  VariantInput,
} from "~/sync/records";

/** The store client or a transaction on it. */
export type Tx = Db | Prisma.TransactionClient;

export interface SyncWriteContext {
  kind: DatabaseKind;
  shopId: number;
}

export interface WriteOptions {
  /** a bulk import: the SyncRun writing */
  importRunId?: number;
  /** the source lacked tags/consents/metafields (a webhook body): mark written customers detailsStale */
  markDetailsStale?: boolean;
}

export interface WriteResult {
  /** shopifyId → store id of every record written (created or updated) */
  written: Map<string, number>;
  /** shopifyIds not written: older than the store's, tombstoned, or redacted */
  skipped: string[];
  /** store ids of customers whose derived stats or segment membership may have changed */
  customerIds: number[];
}

export type ResourceKind = "CUSTOMER" | "ORDER" | "PRODUCT" | "CHECKOUT";

/** Ids per IN list: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const CHUNK = 500;

function chunked<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The newest version of each record in a batch (the last one on equal updatedAt). */
function newestById<T extends { updatedAt: Date }>(inputs: readonly T[], id: (input: T) => string): T[] {
  const byId = new Map<string, T>();
  for (const input of inputs) {
    const held = byId.get(id(input));
    if (!held || held.updatedAt.getTime() <= input.updatedAt.getTime()) byId.set(id(input), input);
  }
  return [...byId.values()];
}

function emptyResult(): WriteResult {
  return { written: new Map(), skipped: [], customerIds: [] };
}

/** Takes in the written and skipped records of a second write (the rows another writer inserted first); returns its customers. */
function absorb(result: WriteResult, again: WriteResult): number[] {
  for (const [shopifyId, id] of again.written) result.written.set(shopifyId, id);
  result.skipped.push(...again.skipped);
  return again.customerIds;
}

function unique(ids: Iterable<number | null | undefined>): number[] {
  const out = new Set<number>();
  for (const id of ids) if (typeof id === "number") out.add(id);
  return [...out];
}

async function tombstoned(tx: Tx, ctx: SyncWriteContext, kind: ResourceKind, shopifyIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const ids of chunked(shopifyIds)) {
    const rows = await tx.deletedResource.findMany({ where: { shopId: ctx.shopId, kind, shopifyId: { in: ids } }, select: { shopifyId: true } });
    for (const row of rows) found.add(row.shopifyId);
  }
  return found;
}

interface HeldVersion {
  shopifyUpdatedAt: Date;
  importRunId: number | null;
}

/**
 * Whether an incoming version may replace the held one: a newer one always, an older one never. An
 * equal one is written again from a fuller source (the Admin API after a webhook body), never from
 * a body (the store has that version), and by an import only over what an import wrote (so the
 * children a webhook brought with the same version are kept).
 */
function replaces(held: HeldVersion, incoming: Date, options: WriteOptions): boolean {
  const stored = held.shopifyUpdatedAt.getTime();
  if (incoming.getTime() !== stored) return incoming.getTime() > stored;
  if (options.importRunId !== undefined) return held.importRunId !== null;
  return options.markDetailsStale !== true;
}

/** The same rule as the condition of the UPDATE, so a concurrent newer write wins. */
function replaceable(incoming: Date, options: WriteOptions) {
  if (options.importRunId !== undefined) return { OR: [{ shopifyUpdatedAt: { lt: incoming } }, { shopifyUpdatedAt: incoming, importRunId: { not: null } }] };
  return { shopifyUpdatedAt: options.markDetailsStale ? { lt: incoming } : { lte: incoming } };
}

/** The rows the store holds for a batch (by Shopify id, chunked), and which of the ids are tombstoned. */
async function heldRows<R extends { shopifyId: string }>(
  tx: Tx,
  ctx: SyncWriteContext,
  kind: ResourceKind,
  shopifyIds: readonly string[],
  find: (ids: string[]) => Promise<R[]>,
): Promise<{ dead: Set<string>; existing: Map<string, R> }> {
  const dead = await tombstoned(tx, ctx, kind, shopifyIds);
  const existing = new Map<string, R>();
  for (const chunk of chunked(shopifyIds)) for (const row of await find(chunk)) existing.set(row.shopifyId, row);
  return { dead, existing };
}

/**
 * Applies the version rule to a batch: tombstoned and refused rows (a redacted customer) and
 * versions that may not replace the held one are skipped; held rows are updated by `update` (a
 * conditional UPDATE; false when a concurrent newer write won, which skips too); the rest are new.
 */
async function updateHeld<I extends { shopifyId: string; updatedAt: Date }, H extends HeldVersion & { id: number }>(
  batch: readonly I[],
  { dead, existing }: { dead: Set<string>; existing: Map<string, H> },
  options: WriteOptions,
  skipped: string[],
  update: (held: H, input: I) => Promise<boolean>,
  refuse: (held: H) => boolean = () => false,
): Promise<{ creates: I[]; updated: { held: H; input: I }[] }> {
  const creates: I[] = [];
  const updated: { held: H; input: I }[] = [];
  for (const input of batch) {
    const held = existing.get(input.shopifyId);
    if (dead.has(input.shopifyId)) skipped.push(input.shopifyId);
    else if (!held) creates.push(input);
    else if (refuse(held) || !replaces(held, input.updatedAt, options) || !(await update(held, input))) skipped.push(input.shopifyId);
    else updated.push({ held, input });
  }
  return { creates, updated };
}

/**
 * Inserts new records; returns their ids, and the inputs another writer inserted first
 * (PostgreSQL, ON CONFLICT DO NOTHING), which the caller writes again as updates.
 */
async function insertNew<T extends { shopifyId: string }>(
  tx: Tx,
  ctx: SyncWriteContext,
  table: ReturningTable,
  inputs: readonly T[],
  row: (input: T) => Record<string, unknown>,
): Promise<{ rows: [T, number][]; raced: T[] }> {
  const rows: [T, number][] = [];
  const raced: T[] = [];
  for (const chunk of chunked(inputs)) {
    const inserted = await createManyReturning(tx, ctx, table, chunk.map((input) => ({ shopId: ctx.shopId, shopifyId: input.shopifyId, ...row(input) })));
    const idBy = new Map(inserted.map((r) => [r.shopifyId, r.id]));
    for (const input of chunk) {
      const id = idBy.get(input.shopifyId);
      if (id === undefined) raced.push(input);
      else rows.push([input, id]);
    }
  }
  return { rows, raced };
}

// ------------------------------------------------------------------------------------ customers

function emailDomainOf(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf("@");
  const domain = at >= 0 ? email.slice(at + 1).trim().toLowerCase() : "";
  return domain || null;
}

function customerColumns(input: EmbeddedCustomerInput) {
  return {
    firstName: input.firstName,
    lastName: input.lastName,
    email: input.email,
    emailDomain: emailDomainOf(input.email),
    phone: input.phone,
    ...(input.locale === undefined ? {} : { locale: input.locale }),
    accountState: input.accountState,
    verifiedEmail: input.verifiedEmail,
    note: input.note,
    shopifyCreatedAt: input.createdAt,
    shopifyUpdatedAt: input.updatedAt,
  };
}

function consentColumns(input: CustomerInput) {
  return {
    ...(input.emailMarketing ? { emailMarketingState: input.emailMarketing.state, emailMarketingUpdatedAt: input.emailMarketing.updatedAt } : {}),
    ...(input.smsMarketing ? { smsMarketingState: input.smsMarketing.state, smsMarketingUpdatedAt: input.smsMarketing.updatedAt } : {}),
  };
}

/** Whether the input carries everything the Admin API knows of a customer (so it is not stale). */
function complete(input: CustomerInput): boolean {
  return input.tags !== undefined && input.emailMarketing !== undefined && input.smsMarketing !== undefined && input.metafields !== undefined;
}

function addressRows(ctx: SyncWriteContext, customerId: number, addresses: readonly AddressInput[]) {
  return addresses.map((a) => ({
    shopId: ctx.shopId,
    customerId,
    shopifyId: a.shopifyId,
    isDefault: a.isDefault,
    city: a.city,
    province: a.province,
    provinceCode: a.provinceCode,
    countryCode: a.countryCode?.toUpperCase() ?? null,
    zip: a.zip,
    company: a.company,
    regionKey: regionKey(a),
    cityKey: cityKey(a),
  }));
}

function tagRows<K extends "customerId" | "productId">(ctx: SyncWriteContext, owner: K, ownerId: number, tags: readonly string[]) {
  const byNormalized = new Map<string, string>();
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag && !byNormalized.has(tag.toLowerCase())) byNormalized.set(tag.toLowerCase(), tag);
  }
  return [...byNormalized].map(([normalized, tag]) => ({ shopId: ctx.shopId, [owner]: ownerId, tag, normalized }) as { shopId: number; tag: string; normalized: string } & Record<K, number>);
}

function metafieldRows(ctx: SyncWriteContext, customerId: number, metafields: readonly MetafieldInput[]) {
  const byKey = new Map<string, MetafieldInput>();
  for (const m of metafields) byKey.set(`${m.namespace}.${m.key}`, m);
  return [...byKey.values()].map((m) => ({ shopId: ctx.shopId, customerId, namespace: m.namespace, key: m.key, type: m.type, value: m.value }));
}

/** Replaces the children a customer input carries (undefined lists are kept). */
async function replaceCustomerChildren(tx: Tx, ctx: SyncWriteContext, rows: readonly { id: number; input: CustomerInput; isNew: boolean }[]): Promise<void> {
  const { shopId } = ctx;
  const replacing = (pick: (input: CustomerInput) => unknown) => rows.filter((r) => !r.isNew && pick(r.input) !== undefined).map((r) => r.id);
  for (const ids of chunked(replacing((i) => i.tags))) await tx.customerTag.deleteMany({ where: { shopId, customerId: { in: ids } } });
  for (const ids of chunked(replacing((i) => i.addresses))) await tx.customerAddress.deleteMany({ where: { shopId, customerId: { in: ids } } });
  for (const ids of chunked(replacing((i) => i.metafields))) await tx.customerMetafield.deleteMany({ where: { shopId, customerId: { in: ids } } });
  const tags = rows.flatMap((r) => (r.input.tags ? tagRows(ctx, "customerId", r.id, r.input.tags) : []));
  const addresses = rows.flatMap((r) => (r.input.addresses ? addressRows(ctx, r.id, r.input.addresses) : []));
  const metafields = rows.flatMap((r) => (r.input.metafields ? metafieldRows(ctx, r.id, r.input.metafields) : []));
  await insertRows(tx, ctx.kind, "CustomerTag", TABLES.CustomerTag, tags);
  await insertRows(tx, ctx.kind, "CustomerAddress", TABLES.CustomerAddress, addresses);
  await insertRows(tx, ctx.kind, "CustomerMetafield", TABLES.CustomerMetafield, metafields);
}

export async function writeCustomers(tx: Tx, ctx: SyncWriteContext, inputs: readonly CustomerInput[], options: WriteOptions = {}): Promise<WriteResult> {
  const result = emptyResult();
  const batch = newestById(inputs, (c) => c.shopifyId);
  if (batch.length === 0) return result;
  const held = await heldRows(tx, ctx, "CUSTOMER", batch.map((c) => c.shopifyId), (ids) =>
    tx.customer.findMany({ where: { shopId: ctx.shopId, shopifyId: { in: ids } }, select: { id: true, shopifyId: true, shopifyUpdatedAt: true, importRunId: true, redactedAt: true } }),
  );
  const importRunId = options.importRunId ?? null;
  const staleFor = (input: CustomerInput) => (options.markDetailsStale ? true : complete(input) ? false : undefined);

  const { creates, updated } = await updateHeld(
    batch,
    held,
    options,
    result.skipped,
    async (row, input) => {
      const stale = staleFor(input);
      const { count } = await tx.customer.updateMany({
        where: { id: row.id, shopId: ctx.shopId, redactedAt: null, ...replaceable(input.updatedAt, options) },
        data: { ...customerColumns(input), ...consentColumns(input), importRunId, ...(stale === undefined ? {} : { detailsStale: stale }) },
      });
      return count === 1;
    },
    (row) => row.redactedAt !== null,
  );
  const written = updated.map(({ held: row, input }) => ({ id: row.id, input, isNew: false }));
  const created = await createCustomers(tx, ctx, creates, (input) => ({ ...consentColumns(input), importRunId, detailsStale: staleFor(input) ?? true }));
  for (const [input, id] of created.rows) written.push({ id, input, isNew: true });
  // A customer created by another writer between our read and insert (PostgreSQL): retry as an update.
  if (created.raced.length > 0) {
    result.customerIds.push(...absorb(result, await writeCustomers(tx, ctx, created.raced, options)));
  }
  await replaceCustomerChildren(tx, ctx, written);
  for (const { id, input } of written) result.written.set(input.shopifyId, id);
  const linked = await linkOrdersToCustomers(tx, ctx, created.rows.map(([input]) => input.shopifyId));
  result.customerIds = unique([...result.customerIds, ...written.map((w) => w.id), ...linked.customerIds]);
  return result;
}

/** What Prisma's defaults would give a new customer row (the bulk insert writes every column). */
const NEW_CUSTOMER = { emailMarketingState: "NOT_SUBSCRIBED", smsMarketingState: "NOT_SUBSCRIBED", detailsStale: false } as const;

/** Inserts new customers (see insertNew). */
function createCustomers<T extends EmbeddedCustomerInput>(tx: Tx, ctx: SyncWriteContext, inputs: readonly T[], extra: (input: T) => Partial<Prisma.CustomerCreateManyInput>) {
  return insertNew(tx, ctx, "Customer", inputs, (input) => ({ ...NEW_CUSTOMER, ...customerColumns(input), ...extra(input) }));
}

type ReturningTable = "Customer" | "Order" | "Product" | "AbandonedCheckout";

/**
 * Inserts new rows and returns their ids, with ON CONFLICT DO NOTHING: a row another worker
 * inserted meanwhile (PostgreSQL) is left out, and the caller retries it as an update instead of
 * the whole transaction aborting.
 */
async function createManyReturning(tx: Tx, ctx: SyncWriteContext, table: ReturningTable, data: readonly Record<string, unknown>[]): Promise<{ id: number; shopifyId: string }[]> {
  const now = new Date();
  const rows = data.map((row) => ({ createdAt: now, updatedAt: now, ...row }));
  const inserted = await insertRows(tx, ctx.kind, table, TABLES[table], rows, { ignoreConflicts: true, returning: ["id", "shopifyId"] });
  return inserted.map((row) => ({ id: Number(row.id), shopifyId: String(row.shopifyId) }));
}

/** The customer inside an order or checkout body: creates a missing customer (detailsStale), never overwrites one. */
export async function writeEmbeddedCustomers(tx: Tx, ctx: SyncWriteContext, inputs: readonly EmbeddedCustomerInput[]): Promise<WriteResult> {
  const result = emptyResult();
  const batch = newestById(inputs, (c) => c.shopifyId);
  if (batch.length === 0) return result;
  const ids = batch.map((c) => c.shopifyId);
  const dead = await tombstoned(tx, ctx, "CUSTOMER", ids);
  const known = new Set<string>();
  for (const chunk of chunked(ids)) {
    const rows = await tx.customer.findMany({ where: { shopId: ctx.shopId, shopifyId: { in: chunk } }, select: { shopifyId: true } });
    for (const row of rows) known.add(row.shopifyId);
  }
  const missing = batch.filter((c) => !dead.has(c.shopifyId) && !known.has(c.shopifyId));
  result.skipped.push(...batch.filter((c) => !missing.includes(c)).map((c) => c.shopifyId));
  const created = await createCustomers(tx, ctx, missing, () => ({ detailsStale: true }));
  const addresses = created.rows.flatMap(([input, id]) => (input.addresses ? addressRows(ctx, id, input.addresses) : []));
  await insertRows(tx, ctx.kind, "CustomerAddress", TABLES.CustomerAddress, addresses);
  for (const [input, id] of created.rows) result.written.set(input.shopifyId, id);
  result.skipped.push(...created.raced.map((c) => c.shopifyId));
  const linked = await linkOrdersToCustomers(tx, ctx, created.rows.map(([input]) => input.shopifyId));
  result.customerIds = unique([...result.written.values(), ...linked.customerIds]);
  return result;
}

// ------------------------------------------------------------------------------------ orders

function columnsOfOrder(input: OrderInput) {
  return {
    name: input.name,
    customerShopifyId: input.customerShopifyId,
    email: input.email,
    currencyCode: input.currencyCode,
    subtotalMinor: input.subtotalMinor,
    totalDiscountsMinor: input.totalDiscountsMinor,
    totalShippingMinor: input.totalShippingMinor,
    totalTaxMinor: input.totalTaxMinor,
    totalMinor: input.totalMinor,
    discountCodes: [...input.discountCodes],
    hasDiscountCode: input.discountCodes.length > 0,
    financialStatus: input.financialStatus,
    cancelledAt: input.cancelledAt,
    cancelReason: input.cancelReason,
    test: input.test,
    processedAt: input.processedAt,
    shopifyCreatedAt: input.createdAt,
    shopifyUpdatedAt: input.updatedAt,
  };
}

/** The store's customers by Shopify id; `redacted` ones must not get personal data back through their orders. */
async function customersByShopifyId(tx: Tx, ctx: SyncWriteContext, shopifyIds: Iterable<string | null>): Promise<Map<string, { id: number; redacted: boolean }>> {
  const ids = [...new Set([...shopifyIds].filter((id): id is string => id !== null))];
  const map = new Map<string, { id: number; redacted: boolean }>();
  for (const chunk of chunked(ids)) {
    const rows = await tx.customer.findMany({ where: { shopId: ctx.shopId, shopifyId: { in: chunk } }, select: { id: true, shopifyId: true, redactedAt: true } });
    for (const row of rows) map.set(row.shopifyId, { id: row.id, redacted: row.redactedAt !== null });
  }
  return map;
}

async function productTypesByShopifyId(tx: Tx, ctx: SyncWriteContext, shopifyIds: Iterable<string | null>): Promise<Map<string, string | null>> {
  const ids = [...new Set([...shopifyIds].filter((id): id is string => id !== null))];
  const map = new Map<string, string | null>();
  for (const chunk of chunked(ids)) {
    const rows = await tx.product.findMany({ where: { shopId: ctx.shopId, shopifyId: { in: chunk } }, select: { shopifyId: true, productType: true } });
    for (const row of rows) map.set(row.shopifyId, row.productType);
  }
  return map;
}

function lineRows(ctx: SyncWriteContext, orderId: number, lines: readonly OrderLineInput[], productTypes: ReadonlyMap<string, string | null>) {
  const byId = new Map<string, OrderLineInput>();
  for (const line of lines) byId.set(line.shopifyId, line);
  return [...byId.values()].map((line) => ({
    shopId: ctx.shopId,
    orderId,
    shopifyId: line.shopifyId,
    productShopifyId: line.productShopifyId,
    variantShopifyId: line.variantShopifyId,
    sku: line.sku,
    title: line.title,
    productType: line.productShopifyId === null ? null : (productTypes.get(line.productShopifyId) ?? null),
    quantity: line.quantity,
    unitPriceMinor: line.unitPriceMinor,
    totalDiscountMinor: line.totalDiscountMinor,
  }));
}

export async function writeOrders(tx: Tx, ctx: SyncWriteContext, inputs: readonly OrderInput[], options: WriteOptions = {}): Promise<WriteResult> {
  const result = emptyResult();
  const batch = newestById(inputs, (o) => o.shopifyId);
  if (batch.length === 0) return result;
  const held = await heldRows(tx, ctx, "ORDER", batch.map((o) => o.shopifyId), (ids) =>
    tx.order.findMany({ where: { shopId: ctx.shopId, shopifyId: { in: ids } }, select: { id: true, shopifyId: true, shopifyUpdatedAt: true, importRunId: true, customerId: true } }),
  );
  const customers = await customersByShopifyId(tx, ctx, batch.map((o) => o.customerShopifyId));
  const customerOf = (input: OrderInput) => (input.customerShopifyId === null ? null : (customers.get(input.customerShopifyId)?.id ?? null));
  const redacted = (input: OrderInput) => input.customerShopifyId !== null && customers.get(input.customerShopifyId)?.redacted === true;
  // a redacted customer's orders keep their totals, never their personal fields
  const orderColumns = (input: OrderInput) => ({ ...columnsOfOrder(input), importRunId: options.importRunId ?? null, ...(redacted(input) ? { email: null } : {}) });
  const { creates, updated } = await updateHeld(batch, held, options, result.skipped, async (row, input) => {
    const { count } = await tx.order.updateMany({
      where: { id: row.id, shopId: ctx.shopId, ...replaceable(input.updatedAt, options) },
      data: { ...orderColumns(input), customerId: customerOf(input) },
    });
    return count === 1;
  });
  const written = updated.map(({ held: row, input }) => ({ id: row.id, input, isNew: false }));
  // an order moved to another customer changes both
  const touched: (number | null)[] = updated.flatMap(({ held: row, input }) => [row.customerId, customerOf(input)]);
  const { rows: inserted, raced } = await insertNew(tx, ctx, "Order", creates, (input) => ({ totalRefundedMinor: 0n, ...orderColumns(input), customerId: customerOf(input) }));
  for (const [input, id] of inserted) {
    written.push({ id, input, isNew: true });
    touched.push(customerOf(input));
  }
  if (raced.length > 0) {
    touched.push(...absorb(result, await writeOrders(tx, ctx, raced, options)));
  }

  // lines: replaced where the input carries them
  const replacing = written.filter((w) => !w.isNew && w.input.lines !== undefined).map((w) => w.id);
  for (const chunk of chunked(replacing)) await tx.orderLine.deleteMany({ where: { shopId: ctx.shopId, orderId: { in: chunk } } });
  const withLines = written.filter((w) => w.input.lines !== undefined);
  const productTypes = await productTypesByShopifyId(tx, ctx, withLines.flatMap((w) => (w.input.lines ?? []).map((l) => l.productShopifyId)));
  const lines = withLines.flatMap((w) => lineRows(ctx, w.id, w.input.lines ?? [], productTypes));
  await insertRows(tx, ctx.kind, "OrderLine", TABLES.OrderLine, lines);

  // refunds: added (never removed), then every written order's refunded total from its refunds
  await insertRefunds(
    tx,
    ctx,
    written.flatMap((w) => (w.input.refunds ?? []).map((refund) => ({ orderShopifyId: w.input.shopifyId, refund: redacted(w.input) ? { ...refund, note: null } : refund }))),
  );
  await sumRefunds(tx, ctx, written.map((w) => w.input.shopifyId));

  for (const { id, input } of written) result.written.set(input.shopifyId, id);
  result.customerIds = unique(touched);
  return result;
}

async function insertRefunds(tx: Tx, ctx: SyncWriteContext, rows: readonly { orderShopifyId: string; refund: RefundInput }[]): Promise<void> {
  const byId = new Map(rows.map((r) => [r.refund.shopifyId, r]));
  const known = new Set<string>();
  for (const chunk of chunked([...byId.keys()])) {
    const found = await tx.orderRefund.findMany({ where: { shopId: ctx.shopId, shopifyId: { in: chunk } }, select: { shopifyId: true } });
    for (const row of found) known.add(row.shopifyId);
  }
  const data = [...byId.values()]
    .filter((r) => !known.has(r.refund.shopifyId))
    .map(({ orderShopifyId, refund }) => ({
      shopId: ctx.shopId,
      orderShopifyId,
      shopifyId: refund.shopifyId,
      amountMinor: refund.amountMinor,
      note: refund.note,
      shopifyCreatedAt: refund.createdAt,
    }));
  await insertRows(tx, ctx.kind, "OrderRefund", TABLES.OrderRefund, data, { ignoreConflicts: true });
}

/** Order.totalRefundedMinor = the sum of the order's refunds the store knows. */
async function sumRefunds(tx: Tx, ctx: SyncWriteContext, orderShopifyIds: readonly string[]): Promise<void> {
  for (const chunk of chunked(orderShopifyIds)) {
    if (chunk.length === 0) continue;
    const pg = ctx.kind === "postgresql";
    const p = (i: number) => (pg ? `$${i}` : "?");
    const list = chunk.map((_, i) => p(i + 3)).join(", ");
    await tx.$executeRawUnsafe(
      `UPDATE "Order" SET "totalRefundedMinor" = COALESCE((SELECT sum(r."amountMinor") FROM "OrderRefund" AS r
          WHERE r."shopId" = ${p(1)} AND r."orderShopifyId" = "Order"."shopifyId"), 0)
        WHERE "shopId" = ${p(2)} AND "shopifyId" IN (${list})`,
      ctx.shopId,
      ctx.shopId,
      ...chunk,
    );
  }
}

/** refunds/create: idempotent by refund id; may arrive before its order. */
export async function writeRefunds(tx: Tx, ctx: SyncWriteContext, orderShopifyId: string, refunds: readonly RefundInput[]): Promise<WriteResult> {
  const result = emptyResult();
  if (await isTombstoned(tx, ctx, "ORDER", orderShopifyId)) {
    result.skipped.push(...refunds.map((r) => r.shopifyId));
    return result;
  }
  const order = await tx.order.findUnique({
    where: { shopId_shopifyId: { shopId: ctx.shopId, shopifyId: orderShopifyId } },
    select: { customerId: true, customer: { select: { redactedAt: true } } },
  });
  const redacted = order?.customer?.redactedAt != null;
  await insertRefunds(tx, ctx, refunds.map((refund) => ({ orderShopifyId, refund: redacted ? { ...refund, note: null } : refund })));
  await sumRefunds(tx, ctx, [orderShopifyId]);
  for (const refund of refunds) result.written.set(refund.shopifyId, 0);
  result.customerIds = unique([order?.customerId]);
  return result;
}

async function isTombstoned(tx: Tx, ctx: SyncWriteContext, kind: ResourceKind, shopifyId: string): Promise<boolean> {
  return (await tombstoned(tx, ctx, kind, [shopifyId])).size > 0;
}

// ------------------------------------------------------------------------------------ products

function productColumns(input: ProductInput) {
  return {
    title: input.title,
    handle: input.handle,
    productType: input.productType,
    vendor: input.vendor,
    shopifyCreatedAt: input.createdAt,
    shopifyUpdatedAt: input.updatedAt,
  };
}

export async function writeProducts(tx: Tx, ctx: SyncWriteContext, inputs: readonly ProductInput[], options: WriteOptions = {}): Promise<WriteResult> {
  const result = emptyResult();
  const batch = newestById(inputs, (p) => p.shopifyId);
  if (batch.length === 0) return result;
  const held = await heldRows(tx, ctx, "PRODUCT", batch.map((p) => p.shopifyId), (ids) =>
    tx.product.findMany({ where: { shopId: ctx.shopId, shopifyId: { in: ids } }, select: { id: true, shopifyId: true, shopifyUpdatedAt: true, importRunId: true } }),
  );
  const { creates, updated } = await updateHeld(batch, held, options, result.skipped, async (row, input) => {
    const { count } = await tx.product.updateMany({
      where: { id: row.id, shopId: ctx.shopId, ...replaceable(input.updatedAt, options) },
      data: { ...productColumns(input), importRunId: options.importRunId ?? null },
    });
    return count === 1;
  });
  const written = updated.map(({ held: row, input }) => ({ id: row.id, input, isNew: false }));
  const { rows: inserted, raced } = await insertNew(tx, ctx, "Product", creates, (input) => ({ importRunId: options.importRunId ?? null, ...productColumns(input) }));
  for (const [input, id] of inserted) written.push({ id, input, isNew: true });
  if (raced.length > 0) {
    absorb(result, await writeProducts(tx, ctx, raced, options));
  }
  const updatedIds = written.filter((w) => !w.isNew).map((w) => w.id);
  for (const chunk of chunked(updatedIds)) await tx.productTag.deleteMany({ where: { shopId: ctx.shopId, productId: { in: chunk } } });
  await insertRows(tx, ctx.kind, "ProductTag", TABLES.ProductTag, written.flatMap((w) => tagRows(ctx, "productId", w.id, w.input.tags)));

  const withVariants = written.filter((w) => w.input.variants !== undefined);
  for (const chunk of chunked(withVariants.filter((w) => !w.isNew).map((w) => w.id))) await tx.productVariant.deleteMany({ where: { shopId: ctx.shopId, productId: { in: chunk } } });
  await insertVariants(tx, ctx, withVariants.flatMap((w) => (w.input.variants ?? []).map((variant) => ({ productId: w.id, variant }))), true);

  const withCollections = written.filter((w) => w.input.collections !== undefined);
  for (const chunk of chunked(withCollections.filter((w) => !w.isNew).map((w) => w.id))) await tx.productCollection.deleteMany({ where: { shopId: ctx.shopId, productId: { in: chunk } } });
  await insertCollections(tx, ctx, withCollections.flatMap((w) => (w.input.collections ?? []).map((collection) => ({ productId: w.id, collection }))));

  // Order lines keep the product type they were imported with; product tags are read live, so
  // the buyers of a changed product may enter or leave `products_purchased MATCHES (tag = …)`.
  for (const { id, input } of written) result.written.set(input.shopifyId, id);
  if (options.importRunId === undefined) result.customerIds = await buyersOf(tx, ctx, [...result.written.keys()]);
  return result;
}

async function buyersOf(tx: Tx, ctx: SyncWriteContext, productShopifyIds: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const chunk of chunked(productShopifyIds)) {
    const orders = await tx.order.findMany({
      where: { shopId: ctx.shopId, customerId: { not: null }, lines: { some: { shopId: ctx.shopId, productShopifyId: { in: chunk } } } },
      select: { customerId: true },
      distinct: ["customerId"],
    });
    ids.push(...orders.map((o) => o.customerId as number));
  }
  return unique(ids);
}

/** Variants are unique per shop: one moved to another product (or re-added on resume) is replaced. */
async function insertVariants(tx: Tx, ctx: SyncWriteContext, rows: readonly { productId: number; variant: VariantInput }[], replace: boolean): Promise<void> {
  const byId = new Map(rows.map((r) => [r.variant.shopifyId, r]));
  const ids = [...byId.keys()];
  if (replace) for (const chunk of chunked(ids)) await tx.productVariant.deleteMany({ where: { shopId: ctx.shopId, shopifyId: { in: chunk } } });
  else {
    for (const chunk of chunked(ids)) {
      const found = await tx.productVariant.findMany({ where: { shopId: ctx.shopId, shopifyId: { in: chunk } }, select: { shopifyId: true } });
      for (const row of found) byId.delete(row.shopifyId);
    }
  }
  const data = [...byId.values()].map(({ productId, variant }) => ({
    shopId: ctx.shopId,
    productId,
    shopifyId: variant.shopifyId,
    sku: variant.sku,
    title: variant.title,
    priceMinor: variant.priceMinor,
  }));
  await insertRows(tx, ctx.kind, "ProductVariant", TABLES.ProductVariant, data);
}

async function insertCollections(tx: Tx, ctx: SyncWriteContext, rows: readonly { productId: number; collection: CollectionInput }[]): Promise<void> {
  if (rows.length === 0) return;
  const collections = new Map(rows.map((r) => [r.collection.shopifyId, r.collection]));
  const idBy = new Map<string, number>();
  for (const collection of collections.values()) {
    const row = await tx.collection.upsert({
      where: { shopId_shopifyId: { shopId: ctx.shopId, shopifyId: collection.shopifyId } },
      create: { shopId: ctx.shopId, shopifyId: collection.shopifyId, handle: collection.handle, title: collection.title },
      update: { handle: collection.handle, title: collection.title },
      select: { id: true },
    });
    idBy.set(collection.shopifyId, row.id);
  }
  const pairs = new Map<string, { shopId: number; productId: number; collectionId: number }>();
  for (const { productId, collection } of rows) {
    const collectionId = idBy.get(collection.shopifyId) as number;
    pairs.set(`${productId}:${collectionId}`, { shopId: ctx.shopId, productId, collectionId });
  }
  const productIds = unique([...pairs.values()].map((p) => p.productId));
  for (const chunk of chunked(productIds)) {
    const found = await tx.productCollection.findMany({ where: { shopId: ctx.shopId, productId: { in: chunk } }, select: { productId: true, collectionId: true } });
    for (const row of found) pairs.delete(`${row.productId}:${row.collectionId}`);
  }
  await insertRows(tx, ctx.kind, "ProductCollection", TABLES.ProductCollection, [...pairs.values()]);
}

// ------------------------------------------------------------------------------------ checkouts

export async function writeCheckouts(tx: Tx, ctx: SyncWriteContext, inputs: readonly CheckoutInput[]): Promise<WriteResult> {
  const result = emptyResult();
  const batch = newestById(inputs, (c) => c.token);
  if (batch.length === 0) return result;
  const dead = await tombstoned(tx, ctx, "CHECKOUT", batch.map((c) => c.token));
  const customers = await customersByShopifyId(tx, ctx, batch.map((c) => c.customerShopifyId));
  const touched: (number | null)[] = [];
  for (const input of batch) {
    if (dead.has(input.token)) {
      result.skipped.push(input.token);
      continue;
    }
    const customer = input.customerShopifyId === null ? undefined : customers.get(input.customerShopifyId);
    const customerId = customer?.id ?? null;
    const columns = {
      token: input.token,
      customerId,
      customerShopifyId: input.customerShopifyId,
      email: customer?.redacted ? null : input.email,
      currencyCode: input.currencyCode,
      totalMinor: input.totalMinor,
      completedAt: input.completedAt,
      shopifyCreatedAt: input.createdAt,
      shopifyUpdatedAt: input.updatedAt,
    };
    const held = await tx.abandonedCheckout.findUnique({ where: { shopId_shopifyId: { shopId: ctx.shopId, shopifyId: input.token } }, select: { id: true, customerId: true, shopifyUpdatedAt: true } });
    if (!held) {
      const [row] = await createManyReturning(tx, ctx, "AbandonedCheckout", [{ shopId: ctx.shopId, shopifyId: input.token, ...columns }]);
      if (row) {
        result.written.set(input.token, row.id);
        touched.push(customerId);
        continue;
      }
    }
    const { count } = await tx.abandonedCheckout.updateMany({
      where: { shopId: ctx.shopId, shopifyId: input.token, shopifyUpdatedAt: { lte: input.updatedAt } },
      data: columns,
    });
    if (count === 1) {
      result.written.set(input.token, held?.id ?? 0);
      touched.push(held?.customerId ?? null, customerId);
    } else result.skipped.push(input.token);
  }
  result.customerIds = unique(touched);
  return result;
}

// ------------------------------------------------------------------------------------ bulk children

async function parentsBefore(
  tx: Tx,
  ctx: SyncWriteContext,
  model: "customer" | "order" | "product",
  shopifyIds: readonly string[],
  options: WriteOptions,
): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  for (const chunk of chunked([...new Set(shopifyIds)])) {
    const where = {
      shopId: ctx.shopId,
      shopifyId: { in: chunk },
      ...(options.importRunId === undefined ? {} : { importRunId: options.importRunId }),
      ...(model === "customer" ? { redactedAt: null } : {}),
    };
    const delegate = tx[model] as unknown as { findMany(args: unknown): Promise<{ id: number; shopifyId: string }[]> };
    for (const row of await delegate.findMany({ where, select: { id: true, shopifyId: true } })) map.set(row.shopifyId, row.id);
  }
  return map;
}

/** Bulk children: metafields of customers already written; one already present (a resumed import) is kept. */
export async function addCustomerMetafields(tx: Tx, ctx: SyncWriteContext, rows: readonly { customerShopifyId: string; metafield: MetafieldInput }[], options: WriteOptions = {}): Promise<void> {
  const parents = await parentsBefore(tx, ctx, "customer", rows.map((r) => r.customerShopifyId), options);
  const wanted = new Map<string, ReturnType<typeof metafieldRows>[number]>();
  for (const { customerShopifyId, metafield } of rows) {
    const customerId = parents.get(customerShopifyId);
    if (customerId === undefined) continue;
    for (const row of metafieldRows(ctx, customerId, [metafield])) wanted.set(`${customerId}|${row.namespace}|${row.key}`, row);
  }
  for (const chunk of chunked(unique([...wanted.values()].map((r) => r.customerId)))) {
    const found = await tx.customerMetafield.findMany({ where: { shopId: ctx.shopId, customerId: { in: chunk } }, select: { customerId: true, namespace: true, key: true } });
    for (const row of found) wanted.delete(`${row.customerId}|${row.namespace}|${row.key}`);
  }
  await insertRows(tx, ctx.kind, "CustomerMetafield", TABLES.CustomerMetafield, [...wanted.values()]);
}

export async function addOrderLines(tx: Tx, ctx: SyncWriteContext, rows: readonly { orderShopifyId: string; line: OrderLineInput }[], options: WriteOptions = {}): Promise<void> {
  const parents = await parentsBefore(tx, ctx, "order", rows.map((r) => r.orderShopifyId), options);
  const productTypes = await productTypesByShopifyId(tx, ctx, rows.map((r) => r.line.productShopifyId));
  const wanted = new Map<string, ReturnType<typeof lineRows>[number]>();
  for (const { orderShopifyId, line } of rows) {
    const orderId = parents.get(orderShopifyId);
    if (orderId === undefined) continue;
    for (const row of lineRows(ctx, orderId, [line], productTypes)) wanted.set(`${orderId}|${row.shopifyId}`, row);
  }
  for (const chunk of chunked(unique([...wanted.values()].map((r) => r.orderId)))) {
    const found = await tx.orderLine.findMany({ where: { shopId: ctx.shopId, orderId: { in: chunk } }, select: { orderId: true, shopifyId: true } });
    for (const row of found) wanted.delete(`${row.orderId}|${row.shopifyId}`);
  }
  await insertRows(tx, ctx.kind, "OrderLine", TABLES.OrderLine, [...wanted.values()]);
}

export async function addProductVariants(tx: Tx, ctx: SyncWriteContext, rows: readonly { productShopifyId: string; variant: VariantInput }[], options: WriteOptions = {}): Promise<void> {
  const parents = await parentsBefore(tx, ctx, "product", rows.map((r) => r.productShopifyId), options);
  const placed = rows.flatMap(({ productShopifyId, variant }) => {
    const productId = parents.get(productShopifyId);
    return productId === undefined ? [] : [{ productId, variant }];
  });
  await insertVariants(tx, ctx, placed, false);
}

export async function addProductCollections(tx: Tx, ctx: SyncWriteContext, rows: readonly { productShopifyId: string; collection: CollectionInput }[], options: WriteOptions = {}): Promise<void> {
  const parents = await parentsBefore(tx, ctx, "product", rows.map((r) => r.productShopifyId), options);
  const placed = rows.flatMap(({ productShopifyId, collection }) => {
    const productId = parents.get(productShopifyId);
    return productId === undefined ? [] : [{ productId, collection }];
  });
  await insertCollections(tx, ctx, placed);
}

// ------------------------------------------------------------------------------------ deletes and links

/** Deletes and leaves a tombstone, so a late create/update does not bring the record back. */
export async function deleteResources(tx: Tx, ctx: SyncWriteContext, kind: ResourceKind, shopifyIds: readonly string[], deletedAt: Date): Promise<{ customerIds: number[] }> {
  const ids = [...new Set(shopifyIds)];
  if (ids.length === 0) return { customerIds: [] };
  const { shopId } = ctx;
  const known = await tombstoned(tx, ctx, kind, ids);
  const tombstones = ids.filter((id) => !known.has(id)).map((shopifyId) => ({ shopId, kind, shopifyId, deletedAt }));
  await insertRows(tx, ctx.kind, "DeletedResource", TABLES.DeletedResource, tombstones, { ignoreConflicts: true });
  const touched: number[] = [];
  for (const chunk of chunked(ids)) {
    const where = { shopId, shopifyId: { in: chunk } };
    switch (kind) {
      case "CUSTOMER": {
        const rows = await tx.customer.findMany({ where, select: { id: true } });
        touched.push(...rows.map((r) => r.id));
        await tx.customer.deleteMany({ where });
        break;
      }
      case "ORDER": {
        const rows = await tx.order.findMany({ where, select: { customerId: true } });
        touched.push(...unique(rows.map((r) => r.customerId)));
        await tx.order.deleteMany({ where });
        await tx.orderRefund.deleteMany({ where: { shopId, orderShopifyId: { in: chunk } } });
        break;
      }
      case "PRODUCT": {
        touched.push(...(await buyersOf(tx, ctx, chunk)));
        await tx.product.deleteMany({ where });
        break;
      }
      case "CHECKOUT": {
        const rows = await tx.abandonedCheckout.findMany({ where, select: { customerId: true } });
        touched.push(...unique(rows.map((r) => r.customerId)));
        await tx.abandonedCheckout.deleteMany({ where });
        break;
      }
    }
  }
  return { customerIds: unique(touched) };
}

/**
 * Orders and checkouts that arrived before their customer: link them now (all of the shop's, or
 * those of the given customers). Returns the customers that gained orders or checkouts.
 */
export async function linkOrdersToCustomers(tx: Tx, ctx: SyncWriteContext, customerShopifyIds?: readonly string[]): Promise<{ customerIds: number[] }> {
  if (customerShopifyIds !== undefined && customerShopifyIds.length === 0) return { customerIds: [] };
  const pg = ctx.kind === "postgresql";
  const p = (i: number) => (pg ? `$${i}` : "?");
  const touched: number[] = [];
  const chunks = customerShopifyIds === undefined ? [null] : chunked(customerShopifyIds);
  for (const table of ["Order", "AbandonedCheckout"]) {
    for (const chunk of chunks) {
      const only = chunk === null ? "" : ` AND t."customerShopifyId" IN (${chunk.map((_, i) => p(i + 3)).join(", ")})`;
      const rows = await tx.$queryRawUnsafe<{ customerId: number | bigint }[]>(
        `UPDATE "${table}" AS t SET "customerId" = c."id"
           FROM "Customer" AS c
          WHERE c."shopId" = ${p(1)} AND c."shopifyId" = t."customerShopifyId"
            AND t."shopId" = ${p(2)} AND t."customerId" IS NULL AND t."customerShopifyId" IS NOT NULL${only}
         RETURNING "customerId"`,
        ctx.shopId,
        ctx.shopId,
        ...(chunk ?? []),
      );
      touched.push(...rows.map((r) => Number(r.customerId)));
    }
  }
  return { customerIds: unique(touched) };
}
