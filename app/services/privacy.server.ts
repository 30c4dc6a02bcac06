/**
 * Privacy and uninstall: Shopify's compliance webhooks (customers/data_request, customers/redact,
 * shop/redact) and app/uninstalled, applied to the store.
 * https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance
 *
 * Every handler is idempotent (Shopify may deliver a topic twice, and the inbox retries a failed
 * one) and scoped by the shop the authenticated delivery came from. A body that does not have the
 * topic's shape fails with a PrivacyRequestError naming what is wrong; retrying cannot mend it.
 *
 * - data_request: what the store holds about the customer, assembled as one JSON report in
 *   CustomerDataRequest for the merchant to download (getDataRequestReport).
 * - customers/redact: the customer's personal fields are erased and the row kept anonymised
 *   (redactedAt), so the shop's anonymous totals survive; the store writers then skip the customer.
 *   Their orders' and checkouts' personal fields, reports about them and the raw webhook bodies
 *   that mention them are erased too.
 * - shop/redact: everything of the shop goes (the Shop row cascades to every table that has shopId).
 * - app/uninstalled: sessions deleted, the shop marked UNINSTALLED, its queued jobs stopped; the data
 *   stays until shop/redact, which Shopify sends 48 hours later.
 */
import { z } from "zod";
import type { DatabaseKind, Db } from "~/db/client";
import type { Prisma } from "~/db/generated/sqlite/client";
import { cancelShopJobs, PermanentJobError } from "~/jobs/queue.server";
import { discardExportsForRedaction, removeShopExportFiles } from "~/services/exports.server";
import { refreshMembership } from "~/services/membership.server";
import { markShopUninstalled } from "~/store/shops.server";
import type { SyncDeps } from "~/sync/deps";

/** What the privacy handlers use of the sync's dependencies: the store and the clock. */
export type PrivacyDeps = Pick<SyncDeps, "db" | "kind" | "now">;

/** A compliance body that is not what Shopify sends for its topic: no retry can mend it. */
export class PrivacyRequestError extends PermanentJobError {
  override name = "PrivacyRequestError";
}

/** The raw body of an event whose subject was redacted; the event row itself stays for the audit trail. */
export const REDACTED_PAYLOAD = JSON.stringify({ redacted: true, by: "customers/redact" });

// ---------------------------------------------------------------------------------------------
// bodies

/** Shopify's REST bodies carry legacy ids as JSON numbers; the store keeps them as decimal text. */
const legacyId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "a numeric id")]).transform((id) => String(id));
const optionalText = z
  .string()
  .nullish()
  .transform((text) => (text === null || text === undefined || text.trim() === "" ? null : text.trim()));

const customerRef = z.object({ id: legacyId.nullish().transform((id) => id ?? null), email: optionalText, phone: optionalText });

export const customersDataRequestBody = z.object({
  shop_domain: z.string().optional(),
  customer: customerRef,
  orders_requested: z.array(legacyId).nullish().transform((ids) => ids ?? []),
  data_request: z.object({ id: legacyId }).nullish(),
});

export const customersRedactBody = z.object({
  shop_domain: z.string().optional(),
  customer: customerRef,
  orders_to_redact: z.array(legacyId).nullish().transform((ids) => ids ?? []),
});

export const shopRedactBody = z.object({ shop_id: z.union([z.number(), z.string()]).optional(), shop_domain: z.string().min(1) });

export type CustomersDataRequestBody = z.output<typeof customersDataRequestBody>;
export type CustomersRedactBody = z.output<typeof customersRedactBody>;

function parseBody<S extends z.ZodType>(topic: string, schema: S, body: unknown, shopDomain: string): z.output<S> {
  let json = body;
  if (typeof body === "string") {
    try {
      json = JSON.parse(body);
    } catch {
      throw new PrivacyRequestError(`${topic} from ${shopDomain}: the body is not JSON`);
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`).join("; ");
    throw new PrivacyRequestError(`${topic} from ${shopDomain} is not the shape Shopify sends: ${problems}`);
  }
  const value = parsed.data as z.output<S> & { shop_domain?: string };
  // The delivery's authenticated header names the shop; a body naming another one is not acted on.
  if (value.shop_domain !== undefined && value.shop_domain !== shopDomain) {
    throw new PrivacyRequestError(`${topic}: the body names shop ${value.shop_domain} but was delivered for ${shopDomain}`);
  }
  return value;
}

function requireSubject(topic: string, customer: CustomersRedactBody["customer"], shopDomain: string): void {
  if (customer.id === null && customer.email === null && customer.phone === null) {
    throw new PrivacyRequestError(`${topic} from ${shopDomain} names no customer (no id, e-mail or phone)`);
  }
}

// ---------------------------------------------------------------------------------------------
// finding what the store holds about a customer

interface Subject {
  /** Shopify's id, when the body or the store knows it */
  shopifyId: string | null;
  /** the store's row, if any */
  customerId: number | null;
  /** e-mail addresses and phone numbers known for the subject (the body's and the row's) */
  emails: string[];
  phones: string[];
}

async function findSubject(db: Db | Prisma.TransactionClient, shopId: number, ref: CustomersRedactBody["customer"]): Promise<Subject> {
  let row = ref.id === null ? null : await db.customer.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: ref.id } } });
  // Without an id (a guest), Shopify's e-mail or phone names the customer; both are unique in a shop.
  if (!row && ref.id === null && ref.email !== null) row = await db.customer.findFirst({ where: { shopId, email: { in: caseVariants(ref.email) } }, orderBy: { id: "asc" } });
  if (!row && ref.id === null && ref.phone !== null) row = await db.customer.findFirst({ where: { shopId, phone: ref.phone }, orderBy: { id: "asc" } });
  const emails = unique([ref.email, row?.email ?? null]);
  const phones = unique([ref.phone, row?.phone ?? null]);
  return { shopifyId: ref.id ?? row?.shopifyId ?? null, customerId: row?.id ?? null, emails, phones };
}

function unique(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null && v !== ""))];
}

/** SQLite compares text case-sensitively: an address as given and lower-cased. */
function caseVariants(email: string): string[] {
  return unique([email, email.toLowerCase()]);
}

/** Orders of the subject: linked to their row, naming their Shopify id, named by the request, or placed with their e-mail. */
function subjectOrdersWhere(shopId: number, subject: Subject, orderIds: readonly string[]): Prisma.OrderWhereInput {
  const or: Prisma.OrderWhereInput[] = [];
  if (subject.customerId !== null) or.push({ customerId: subject.customerId });
  if (subject.shopifyId !== null) or.push({ customerShopifyId: subject.shopifyId });
  if (orderIds.length > 0) or.push({ shopifyId: { in: [...orderIds] } });
  const emails = subject.emails.flatMap(caseVariants);
  if (emails.length > 0) or.push({ email: { in: emails } });
  return or.length === 0 ? { id: -1 } : { shopId, OR: or };
}

function subjectCheckoutsWhere(shopId: number, subject: Subject): Prisma.AbandonedCheckoutWhereInput {
  const or: Prisma.AbandonedCheckoutWhereInput[] = [];
  if (subject.customerId !== null) or.push({ customerId: subject.customerId });
  if (subject.shopifyId !== null) or.push({ customerShopifyId: subject.shopifyId });
  const emails = subject.emails.flatMap(caseVariants);
  if (emails.length > 0) or.push({ email: { in: emails } });
  return or.length === 0 ? { id: -1 } : { shopId, OR: or };
}

/** `\`, `%` and `_` taken literally in a LIKE pattern with ESCAPE '\'. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** LIKE patterns (lower-cased) for text that mentions the subject: their e-mail, phone, and ids as JSON values or gids. */
function mentionPatterns(subject: Subject, orderIds: readonly string[]): string[] {
  return [
    ...[...subject.emails, ...subject.phones].map((text) => `%${likeLiteral(text.toLowerCase())}%`),
    // bounded by JSON punctuation, so a longer number that merely contains the id does not match
    ...[subject.shopifyId, ...orderIds].flatMap((id) => (id === null ? [] : [`%:${id},%`, `%:${id}}%`, `%: ${id},%`, `%: ${id}}%`, `%"${id}"%`, `%/${id}"%`])),
  ];
}

/**
 * Ids of rows of `table` in the shop's scope whose `column` equals the subject's Shopify id or
 * whose text mentions them (mentionPatterns). Table and column names are the code's, never input.
 */
async function idsMentioning(
  db: Db | Prisma.TransactionClient,
  kind: DatabaseKind,
  { table, text, idColumn, scope }: { table: "WebhookEvent" | "CustomerDataRequest"; text: string; idColumn: string; scope: { column: string; value: string | number } },
  subject: Subject,
  orderIds: readonly string[],
): Promise<number[]> {
  const params: (string | number)[] = [];
  const p = (value: string | number) => {
    params.push(value);
    return kind === "postgresql" ? `$${params.length}` : "?";
  };
  // placeholders in the order they appear in the text: SQLite's "?" are positional
  const scoped = `"${scope.column}" = ${p(scope.value)}`;
  const conditions = [
    ...(subject.shopifyId === null ? [] : [`"${idColumn}" = ${p(subject.shopifyId)}`]),
    ...mentionPatterns(subject, orderIds).map((pattern) => `lower("${text}") LIKE ${p(pattern)} ESCAPE '\\'`),
  ];
  if (conditions.length === 0) return [];
  const sql = `SELECT "id" FROM "${table}" WHERE ${scoped} AND (${conditions.join(" OR ")})`;
  const rows = await db.$queryRawUnsafe<{ id: number | bigint }[]>(sql, ...params);
  return rows.map((row) => Number(row.id));
}

/** The shop's webhook deliveries about the subject: tagged with the customer by the inbox, or mentioning them. */
function subjectWebhookEventIds(db: Db | Prisma.TransactionClient, kind: DatabaseKind, shopDomain: string, subject: Subject, orderIds: readonly string[]): Promise<number[]> {
  return idsMentioning(db, kind, { table: "WebhookEvent", text: "payload", idColumn: "customerShopifyId", scope: { column: "shopDomain", value: shopDomain } }, subject, orderIds);
}

// ---------------------------------------------------------------------------------------------
// customers/data_request

export type DataRequestOutcome =
  | { status: "assembled"; dataRequestId: number; customerFound: boolean }
  /** the store has no row for the shop (never installed, or already redacted): nothing is held */
  | { status: "unknown-shop" };

/** JSON with bigint money as decimal text of minor units and dates as ISO-8601. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

/**
 * Assembles everything the store holds about the customer into CustomerDataRequest.report. The
 * same request delivered again (same data_request.id) re-assembles the same row.
 */
export async function handleCustomersDataRequest(deps: PrivacyDeps, { shopDomain, body }: { shopDomain: string; body: unknown }): Promise<DataRequestOutcome> {
  const request = parseBody("customers/data_request", customersDataRequestBody, body, shopDomain);
  requireSubject("customers/data_request", request.customer, shopDomain);
  const { db, kind } = deps;
  const now = deps.now();
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return { status: "unknown-shop" };
  const shopId = shop.id;

  return db.$transaction(
    async (tx) => {
      const subject = await findSubject(tx, shopId, request.customer);
      const report = await assembleReport(tx, kind, { shopId, shopDomain, subject, request, now });
      const requestId = request.data_request?.id ?? null;
      // a guest (no Shopify id) is keyed by nothing personal: the report says who was asked about
      const customerShopifyId = subject.shopifyId ?? "";
      // One row per Shopify request; without a request id, per customer asked about and set of orders.
      const existing = await tx.customerDataRequest.findMany({ where: { shopId, requestId, customerShopifyId }, orderBy: { id: "asc" } });
      const same = existing.find((row) => requestId !== null || sameRequest(row, request));
      const data = { report: toJson(report), assembledAt: now, customerShopifyId, ordersRequested: request.orders_requested };
      const row = same
        ? await tx.customerDataRequest.update({ where: { id: same.id }, data })
        : await tx.customerDataRequest.create({ data: { shopId, requestId, requestedAt: now, ...data } });
      return { status: "assembled" as const, dataRequestId: row.id, customerFound: subject.customerId !== null };
    },
    { timeout: 60_000 },
  );
}

/** Whether a stored request without a Shopify request id asked about the same customer and orders. */
function sameRequest(row: { ordersRequested: unknown; report: string | null }, request: CustomersDataRequestBody): boolean {
  if (JSON.stringify(row.ordersRequested) !== JSON.stringify(request.orders_requested) || row.report === null) return false;
  const asked = z.object({ requestedCustomer: customerRef }).safeParse(parsePayload(row.report));
  return asked.success && JSON.stringify(asked.data.requestedCustomer) === JSON.stringify(request.customer);
}

interface ReportInput {
  shopId: number;
  shopDomain: string;
  subject: Subject;
  request: CustomersDataRequestBody;
  now: Date;
}

async function assembleReport(db: Prisma.TransactionClient, kind: DatabaseKind, { shopId, shopDomain, subject, request, now }: ReportInput) {
  const customer =
    subject.customerId === null
      ? null
      : await db.customer.findFirst({
          where: { id: subject.customerId, shopId },
          include: { tags: { orderBy: { normalized: "asc" } }, addresses: { orderBy: { id: "asc" } }, metafields: { orderBy: [{ namespace: "asc" }, { key: "asc" }] } },
        });
  const orders = await db.order.findMany({ where: subjectOrdersWhere(shopId, subject, request.orders_requested), include: { lines: { orderBy: { id: "asc" } } }, orderBy: { processedAt: "asc" } });
  const refunds = orders.length === 0 ? [] : await db.orderRefund.findMany({ where: { shopId, orderShopifyId: { in: orders.map((o) => o.shopifyId) } }, orderBy: { shopifyCreatedAt: "asc" } });
  const checkouts = await db.abandonedCheckout.findMany({ where: subjectCheckoutsWhere(shopId, subject), orderBy: { shopifyCreatedAt: "asc" } });
  const memberships =
    subject.customerId === null ? [] : await db.segmentMember.findMany({ where: { shopId, customerId: subject.customerId }, include: { segment: { select: { name: true, handle: true } } }, orderBy: { joinedAt: "asc" } });
  const events =
    subject.customerId === null
      ? []
      : await db.segmentMembershipEvent.findMany({ where: { shopId, customerId: subject.customerId }, include: { segment: { select: { name: true, handle: true } } }, orderBy: [{ at: "asc" }, { id: "asc" }] });
  const webhookIds = await subjectWebhookEventIds(db, kind, shopDomain, subject, request.orders_requested);
  const webhookEvents =
    webhookIds.length === 0
      ? []
      : await db.webhookEvent.findMany({ where: { id: { in: webhookIds }, shopDomain }, select: { topic: true, webhookId: true, triggeredAt: true, receivedAt: true, payload: true }, orderBy: { receivedAt: "asc" } });

  const predictions = customer
    ? {
        predictedSpendTier: customer.predictedSpendTier,
        rfmGroup: customer.rfmGroup,
        predictedSpend12mMinor: customer.predictedSpend12mMinor,
        predictedClvMinor: customer.predictedClvMinor,
        churnProbability: customer.churnProbability,
        expectedNextOrderAt: customer.expectedNextOrderAt,
        predictedAt: customer.predictedAt,
      }
    : null;

  return {
    topic: "customers/data_request",
    shopDomain,
    dataRequestId: request.data_request?.id ?? null,
    requestedCustomer: request.customer,
    ordersRequested: request.orders_requested,
    assembledAt: now,
    customerFound: customer !== null,
    note:
      customer === null
        ? "The app's store holds no customer record for this customer. Any orders, abandoned checkouts or webhook deliveries that name them are listed below."
        : customer.redactedAt !== null
          ? "This customer's personal data was erased (customers/redact); what remains is anonymous."
          : null,
    // money is in minor units of the currency (e.g. cents), written as text
    customer,
    orders: orders.map((order) => ({ ...order, refunds: refunds.filter((refund) => refund.orderShopifyId === order.shopifyId) })),
    abandonedCheckouts: checkouts,
    segmentMemberships: memberships.map((m) => ({ segment: m.segment.name, segmentHandle: m.segment.handle, joinedAt: m.joinedAt })),
    segmentMembershipEvents: events.map((e) => ({ segment: e.segment.name, segmentHandle: e.segment.handle, change: e.change, at: e.at })),
    predictions,
    webhookDeliveries: webhookEvents.map((e) => ({ ...e, payload: parsePayload(e.payload) })),
  };
}

export interface DataRequestReport {
  id: number;
  requestId: string | null;
  customerShopifyId: string;
  ordersRequested: string[];
  requestedAt: Date;
  assembledAt: Date | null;
  /** the report as JSON text, for download; null while not assembled */
  report: string | null;
  /** the customer was redacted after the report was assembled: the report was erased */
  erased: boolean;
}

/** One data request of the shop (by myshopify domain), for the merchant to download. */
export async function getDataRequestReport(db: Db, { shop, id }: { shop: string; id: number }): Promise<DataRequestReport | null> {
  const row = await db.customerDataRequest.findFirst({ where: { id, shop: { domain: shop } } });
  return row ? dataRequestView(row) : null;
}

/** The shop's data requests, newest first, for the admin. */
export async function listDataRequests(db: Db, { shop, take = 50 }: { shop: string; take?: number }): Promise<DataRequestReport[]> {
  const rows = await db.customerDataRequest.findMany({ where: { shop: { domain: shop } }, orderBy: [{ requestedAt: "desc" }, { id: "desc" }], take });
  return rows.map(dataRequestView);
}

function dataRequestView(row: { id: number; requestId: string | null; customerShopifyId: string; ordersRequested: unknown; requestedAt: Date; assembledAt: Date | null; report: string | null }): DataRequestReport {
  const ordersRequested = z.array(z.string()).catch([]).parse(row.ordersRequested);
  return {
    id: row.id,
    requestId: row.requestId,
    customerShopifyId: row.customerShopifyId,
    ordersRequested,
    requestedAt: row.requestedAt,
    assembledAt: row.assembledAt,
    report: row.report === REDACTED_PAYLOAD ? null : row.report,
    erased: row.report === REDACTED_PAYLOAD,
  };
}

// ---------------------------------------------------------------------------------------------
// customers/redact

export interface RedactOutcome {
  status: "redacted" | "unknown-shop";
  /** the store had a row for the customer before the request */
  customerFound: boolean;
  /** the customer's store id (the anonymised row), when the shop is known */
  customerId: number | null;
  ordersRedacted: number;
  checkoutsRedacted: number;
  reportsErased: number;
  webhookEventsErased: number;
}

/**
 * Erases the customer's personal data: the row keeps its ids, dates and derived totals (so the
 * shop's anonymous totals survive) and gets redactedAt; tags, addresses and metafields go; their
 * orders' and abandoned checkouts' e-mail, refund notes, data-request reports and the raw bodies
 * of webhook deliveries about them are erased. A customer the store never saw gets an anonymised
 * row too, so a late create/update webhook cannot bring their data in afterwards.
 */
export async function handleCustomersRedact(deps: PrivacyDeps, { shopDomain, body }: { shopDomain: string; body: unknown }): Promise<RedactOutcome> {
  const request = parseBody("customers/redact", customersRedactBody, body, shopDomain);
  requireSubject("customers/redact", request.customer, shopDomain);
  const { db, kind } = deps;
  const now = deps.now();
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });

  const outcome = await db.$transaction(
    async (tx) => {
      if (!shop) {
        // Nothing but inbox rows can hold the customer for a shop the store has no row for.
        const subject: Subject = { shopifyId: request.customer.id, customerId: null, emails: unique([request.customer.email]), phones: unique([request.customer.phone]) };
        const erased = await eraseWebhookEvents(tx, kind, shopDomain, subject, request.orders_to_redact, now);
        return { status: "unknown-shop" as const, customerFound: false, customerId: null, ordersRedacted: 0, checkoutsRedacted: 0, reportsErased: 0, webhookEventsErased: erased };
      }
      const shopId = shop.id;
      const subject = await findSubject(tx, shopId, request.customer);
      const customerFound = subject.customerId !== null;

      // Orders and checkouts first: their filters read the e-mail the row is about to lose.
      const orders = await tx.order.findMany({ where: subjectOrdersWhere(shopId, subject, request.orders_to_redact), select: { id: true, shopifyId: true } });
      if (orders.length > 0) {
        await tx.order.updateMany({ where: { shopId, id: { in: orders.map((o) => o.id) } }, data: { email: null } });
        await tx.orderRefund.updateMany({ where: { shopId, orderShopifyId: { in: orders.map((o) => o.shopifyId) } }, data: { note: null } });
      }
      const checkouts = await tx.abandonedCheckout.updateMany({ where: subjectCheckoutsWhere(shopId, subject), data: { email: null } });

      const customerId = await anonymiseCustomer(tx, shopId, subject, now);
      const reportIds = await idsMentioning(tx, kind, { table: "CustomerDataRequest", text: "report", idColumn: "customerShopifyId", scope: { column: "shopId", value: shopId } }, subject, []);
      const reports = await tx.customerDataRequest.updateMany({ where: { shopId, id: { in: reportIds } }, data: { report: REDACTED_PAYLOAD } });
      const erased = await eraseWebhookEvents(tx, kind, shopDomain, subject, request.orders_to_redact, now);
      return { status: "redacted" as const, customerFound, customerId, ordersRedacted: orders.length, checkoutsRedacted: checkouts.count, reportsErased: reports.count, webhookEventsErased: erased };
    },
    { timeout: 60_000 },
  );
  // tags and metafields are gone: segments that read them may no longer hold the customer
  if (shop && outcome.customerId !== null) await refreshMembership(db, { shopId: shop.id, customerIds: [outcome.customerId], now });
  // exported files may name the customer too
  if (shop && outcome.customerFound) await discardExportsForRedaction(db, { shopId: shop.id, now });
  return outcome;
}

/** The personal columns of Customer, emptied; ids, dates, derived totals and predictions stay. */
const ANONYMOUS_CUSTOMER = {
  firstName: null,
  lastName: null,
  email: null,
  emailDomain: null,
  phone: null,
  company: null,
  locale: null,
  note: null,
  verifiedEmail: false,
  emailMarketingState: "REDACTED",
  emailMarketingUpdatedAt: null,
  smsMarketingState: "REDACTED",
  smsMarketingUpdatedAt: null,
  detailsStale: false,
} as const satisfies Prisma.CustomerUpdateInput;

async function anonymiseCustomer(tx: Prisma.TransactionClient, shopId: number, subject: Subject, now: Date): Promise<number | null> {
  if (subject.customerId !== null) {
    const customerId = subject.customerId;
    await tx.customerTag.deleteMany({ where: { shopId, customerId } });
    await tx.customerAddress.deleteMany({ where: { shopId, customerId } });
    await tx.customerMetafield.deleteMany({ where: { shopId, customerId } });
    await tx.customer.updateMany({ where: { id: customerId, shopId }, data: ANONYMOUS_CUSTOMER });
    // the first redaction's time is kept when Shopify delivers the request again
    await tx.customer.updateMany({ where: { id: customerId, shopId, redactedAt: null }, data: { redactedAt: now } });
    return customerId;
  }
  if (subject.shopifyId === null) return null;
  // An anonymised placeholder: the store writers skip a redacted customer, so late webhooks add nothing.
  const row = await tx.customer.upsert({
    where: { shopId_shopifyId: { shopId, shopifyId: subject.shopifyId } },
    create: { shopId, shopifyId: subject.shopifyId, shopifyCreatedAt: now, shopifyUpdatedAt: now, redactedAt: now, ...ANONYMOUS_CUSTOMER },
    update: {},
    select: { id: true },
  });
  // orders that arrived before their customer belong to the placeholder now
  await tx.order.updateMany({ where: { shopId, customerShopifyId: subject.shopifyId, customerId: null }, data: { customerId: row.id } });
  await tx.abandonedCheckout.updateMany({ where: { shopId, customerShopifyId: subject.shopifyId, customerId: null }, data: { customerId: row.id } });
  return row.id;
}

/**
 * Replaces the raw bodies of the subject's webhook deliveries with REDACTED_PAYLOAD. One still
 * waiting (or failed) is closed as done: its body is gone, and reconciliation re-reads from Shopify
 * whatever non-personal change it carried.
 */
async function eraseWebhookEvents(tx: Prisma.TransactionClient, kind: DatabaseKind, shopDomain: string, subject: Subject, orderIds: readonly string[], now: Date): Promise<number> {
  const ids = await subjectWebhookEventIds(tx, kind, shopDomain, subject, orderIds);
  if (ids.length === 0) return 0;
  await tx.webhookEvent.updateMany({
    where: { id: { in: ids }, shopDomain, status: { in: ["PENDING", "FAILED"] } },
    data: { status: "DONE", processedAt: now, lastError: "its body was erased by customers/redact before it was processed" },
  });
  const { count } = await tx.webhookEvent.updateMany({ where: { id: { in: ids }, shopDomain }, data: { payload: REDACTED_PAYLOAD } });
  return count;
}

// ---------------------------------------------------------------------------------------------
// shop/redact and app/uninstalled

export interface ShopRedactOutcome {
  shopDeleted: boolean;
  sessionsDeleted: number;
  webhookEventsDeleted: number;
}

/**
 * Deletes everything of the shop: the Shop row (every table with shopId cascades from it, and
 * their children from them), the shop's sessions, and inbox rows stored under its domain without a
 * shop row (the shop/redact delivery itself among them).
 */
export async function handleShopRedact(deps: PrivacyDeps, { shopDomain, body }: { shopDomain: string; body: unknown }): Promise<ShopRedactOutcome> {
  parseBody("shop/redact", shopRedactBody, body, shopDomain);
  const shop = await deps.db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  // export files hold the shop's customers: gone before the rows that name them
  if (shop) await removeShopExportFiles({ shopId: shop.id });
  return deps.db.$transaction(
    async (tx) => {
      const shops = await tx.shop.deleteMany({ where: { domain: shopDomain } });
      const sessions = await tx.session.deleteMany({ where: { shop: shopDomain } });
      const events = await tx.webhookEvent.deleteMany({ where: { shopDomain } });
      return { shopDeleted: shops.count > 0, sessionsDeleted: sessions.count, webhookEventsDeleted: events.count };
    },
    { timeout: 60_000 },
  );
}

export interface UninstallOutcome {
  shopKnown: boolean;
  sessionsDeleted: number;
  jobsCancelled: number;
}

/**
 * The merchant removed the app: its sessions (and with them the offline token) are deleted, the
 * shop is marked UNINSTALLED, and its queued jobs stop. The shop's data stays until shop/redact.
 */
export async function handleAppUninstalled(deps: PrivacyDeps, { shopDomain, at }: { shopDomain: string; at: Date }): Promise<UninstallOutcome> {
  const { db } = deps;
  // Each step is idempotent, so a repeated or interrupted delivery simply runs them again.
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, installState: true } });
  // a repeated delivery keeps the first uninstall's time
  if (shop && shop.installState !== "UNINSTALLED") await markShopUninstalled({ db, shop: shopDomain, now: at });
  const sessions = await db.session.deleteMany({ where: { shop: shopDomain } });
  const jobsCancelled = shop ? await cancelShopJobs(db, shop.id, "the app was uninstalled from the shop", { now: deps.now() }) : 0;
  return { shopKnown: shop !== null, sessionsDeleted: sessions.count, jobsCancelled };
}
