/**
 * The SQL of segment exports: the SegmentExport rows (every one named by its shop), and a
 * segment's members read a page at a time for the file.
 *
 * Members are read by keyset on SegmentMember's primary key (segmentId, customerId): each page
 * starts after the last customer id of the one before, so a page costs the same at row 10 and at
 * row 1,000,000 and memory holds one page. What a page needs besides the customer row (the default
 * address, a manager tag, the birth date, the last order) is read for that page's ids in one
 * statement each, only when a chosen column needs it.
 *
 * Each of those names the shop too, written `+x."shopId"` (unary plus) so that the planner keeps to
 * the index on the customer (or the member key) instead of walking the shop's index: without
 * statistics SQLite took (shopId, …) indexes and read the whole shop's addresses for every page.
 */
import type { DatabaseKind, Db } from "~/db/client";
import type { EmailMarketingState, ExportFormat, ExportState, Prisma, RfmGroup, SegmentExport, SmsMarketingState, SpendTier } from "~/db/generated/sqlite/client";

export type { ExportFormat, ExportState, SegmentExport };

/** The tag prefix that names a customer's manager or owner: `manager:Sanne de Boer`. */
export const MANAGER_TAG_PREFIX = "manager:";
/** Shopify's standard birth-date metafield (facts.birth_date). */
export const BIRTH_DATE_METAFIELD = { namespace: "facts", key: "birth_date" } as const;

// ------------------------------------------------------------------------------------------------
// the export rows

export interface NewExport {
  shopId: number;
  segmentId: string;
  segmentName: string;
  format: ExportFormat;
  columns: readonly string[];
  locale: string;
  now: Date;
}

export async function createExport(db: Db | Prisma.TransactionClient, args: NewExport): Promise<SegmentExport> {
  return db.segmentExport.create({
    data: { shopId: args.shopId, segmentId: args.segmentId, segmentName: args.segmentName, format: args.format, columns: [...args.columns], locale: args.locale, createdAt: args.now },
  });
}

/** One export of the shop (null: not this shop's, or none). */
export async function getExport(db: Db, args: { shopId: number; id: number }): Promise<SegmentExport | null> {
  return db.segmentExport.findFirst({ where: { id: args.id, shopId: args.shopId } });
}

/** The shop's latest exports, newest first. */
export async function listExports(db: Db, args: { shopId: number; take: number }): Promise<SegmentExport[]> {
  return db.segmentExport.findMany({ where: { shopId: args.shopId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: args.take });
}

/** Marks the export running from the start (a retried attempt starts over). */
export async function startExport(db: Db, args: { shopId: number; id: number; rowsTotal: number }): Promise<void> {
  await db.segmentExport.updateMany({
    where: { id: args.id, shopId: args.shopId },
    data: { state: "RUNNING", rowsDone: 0, rowsTotal: args.rowsTotal, error: null, fileName: null, filePath: null, fileBytes: null, finishedAt: null },
  });
}

export async function recordExportProgress(db: Db, args: { shopId: number; id: number; rowsDone: number }): Promise<void> {
  await db.segmentExport.updateMany({ where: { id: args.id, shopId: args.shopId, state: "RUNNING" }, data: { rowsDone: args.rowsDone } });
}

export async function finishExport(db: Db, args: { shopId: number; id: number; rows: number; fileName: string; filePath: string; fileBytes: number; now: Date }): Promise<void> {
  await db.segmentExport.updateMany({
    where: { id: args.id, shopId: args.shopId },
    data: { state: "SUCCEEDED", rowsDone: args.rows, rowsTotal: args.rows, fileName: args.fileName, filePath: args.filePath, fileBytes: args.fileBytes, error: null, finishedAt: args.now },
  });
}

/** FAILED for good (finishedAt set), or QUEUED again with the error while the job will retry. */
export async function failExport(db: Db, args: { shopId: number; id: number; error: string; final: boolean; now: Date }): Promise<void> {
  await db.segmentExport.updateMany({
    where: { id: args.id, shopId: args.shopId },
    data: args.final ? { state: "FAILED", error: args.error, finishedAt: args.now } : { state: "QUEUED", error: args.error },
  });
}

// ------------------------------------------------------------------------------------------------
// the members

/** What a column may need beyond the customer row. */
export interface MemberParts {
  address: boolean;
  manager: boolean;
  birthDate: boolean;
  lastOrder: boolean;
}

export interface MemberPageQuery {
  shopId: number;
  segmentId: string;
  /** the last customer id of the previous page (0 before the first) */
  afterCustomerId: number;
  limit: number;
  parts: MemberParts;
  /** only customers who accepted e-mail or SMS marketing */
  marketingConsent: boolean;
}

export interface ExportMember {
  id: number;
  shopifyId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  numberOfOrders: number;
  amountSpentMinor: bigint;
  shopifyCreatedAt: Date;
  emailMarketingState: EmailMarketingState;
  smsMarketingState: SmsMarketingState;
  predictedSpendTier: SpendTier | null;
  rfmGroup: RfmGroup | null;
  predictedSpend12mMinor: bigint | null;
  predictedClvMinor: bigint | null;
  churnProbability: number | null;
  expectedNextOrderAt: Date | null;
  /** the default address (else the first one): null when the customer has none or it was not asked for */
  address: { city: string | null; province: string | null; provinceCode: string | null; countryCode: string | null; zip: string | null; company: string | null } | null;
  /** from the first `manager:` tag (by the tag's lower-cased text) */
  manager: string | null;
  /** facts.birth_date as stored (YYYY-MM-DD) */
  birthDate: string | null;
  /** the latest counted order (not cancelled, not a test), as the derived order columns count them */
  lastOrder: { name: string | null; shopifyId: string } | null;
}

const CONSENT = `(c."emailMarketingState" = 'SUBSCRIBED' OR c."smsMarketingState" = 'SUBSCRIBED')`;

/** Placeholders of one statement in either dialect, numbered in the order they are made. */
class Params {
  readonly values: unknown[] = [];
  constructor(private readonly postgres: boolean) {}
  add(value: unknown, pgType: string): string {
    this.values.push(value);
    return this.postgres ? `CAST($${this.values.length} AS ${pgType})` : "?";
  }
  /** `column IN ids` as one parameter, however many ids (SQLite's limit is 32,766 parameters). */
  ids(ids: readonly number[]): string {
    if (this.postgres) return `= ANY(${this.add([...ids], "integer[]")})`;
    return `IN (SELECT value FROM json_each(${this.add(JSON.stringify(ids), "text")}))`;
  }
}

/** How many members the export will read. */
export async function countExportMembers(db: Db, kind: DatabaseKind, args: { shopId: number; segmentId: string; marketingConsent: boolean }): Promise<number> {
  const p = new Params(kind === "postgresql");
  const sql = args.marketingConsent
    ? `SELECT count(*) AS n FROM "SegmentMember" AS m JOIN "Customer" AS c ON c."id" = m."customerId"
       WHERE m."segmentId" = ${p.add(args.segmentId, "text")} AND +m."shopId" = ${p.add(args.shopId, "integer")} AND c."shopId" = m."shopId" AND ${CONSENT}`
    : `SELECT count(*) AS n FROM "SegmentMember" AS m WHERE m."segmentId" = ${p.add(args.segmentId, "text")} AND +m."shopId" = ${p.add(args.shopId, "integer")}`;
  const [row] = await db.$queryRawUnsafe<{ n: number | bigint }[]>(sql, ...p.values);
  return Number(row?.n ?? 0);
}

type Raw = Record<string, unknown>;

/** One page of the segment's members, ascending customer id, after `afterCustomerId`. */
export async function readExportMembers(db: Db, kind: DatabaseKind, query: MemberPageQuery): Promise<ExportMember[]> {
  const postgres = kind === "postgresql";
  const p = new Params(postgres);
  const sql = `SELECT c."id", c."shopifyId", c."firstName", c."lastName", c."email", c."phone", c."company", c."numberOfOrders", c."amountSpentMinor",
      c."shopifyCreatedAt", c."emailMarketingState", c."smsMarketingState", c."predictedSpendTier", c."rfmGroup", c."predictedSpend12mMinor",
      c."predictedClvMinor", c."churnProbability", c."expectedNextOrderAt"
    FROM "SegmentMember" AS m JOIN "Customer" AS c ON c."id" = m."customerId"
    WHERE m."segmentId" = ${p.add(query.segmentId, "text")} AND +m."shopId" = ${p.add(query.shopId, "integer")} AND c."shopId" = m."shopId"
      AND m."customerId" > ${p.add(query.afterCustomerId, "integer")}${query.marketingConsent ? ` AND ${CONSENT}` : ""}
    ORDER BY m."customerId"
    LIMIT ${p.add(query.limit, "integer")}`;
  const rows = await db.$queryRawUnsafe<Raw[]>(sql, ...p.values);
  if (rows.length === 0) return [];
  const ids = rows.map((row) => Number(row.id));
  const [addresses, managers, birthDates, lastOrders] = await Promise.all([
    query.parts.address ? readAddresses(db, postgres, query.shopId, ids) : undefined,
    query.parts.manager ? readManagers(db, postgres, query.shopId, ids) : undefined,
    query.parts.birthDate ? readBirthDates(db, postgres, query.shopId, ids) : undefined,
    query.parts.lastOrder ? readLastOrders(db, postgres, query.shopId, ids) : undefined,
  ]);
  return rows.map((row) => {
    const id = Number(row.id);
    return {
      id,
      shopifyId: String(row.shopifyId),
      firstName: text(row.firstName),
      lastName: text(row.lastName),
      email: text(row.email),
      phone: text(row.phone),
      company: text(row.company),
      numberOfOrders: Number(row.numberOfOrders),
      amountSpentMinor: bigint(row.amountSpentMinor) ?? 0n,
      shopifyCreatedAt: instant(row.shopifyCreatedAt) ?? new Date(0),
      emailMarketingState: row.emailMarketingState as EmailMarketingState,
      smsMarketingState: row.smsMarketingState as SmsMarketingState,
      predictedSpendTier: (row.predictedSpendTier ?? null) as SpendTier | null,
      rfmGroup: (row.rfmGroup ?? null) as RfmGroup | null,
      predictedSpend12mMinor: bigint(row.predictedSpend12mMinor),
      predictedClvMinor: bigint(row.predictedClvMinor),
      churnProbability: row.churnProbability === null || row.churnProbability === undefined ? null : Number(row.churnProbability),
      expectedNextOrderAt: instant(row.expectedNextOrderAt),
      address: addresses?.get(id) ?? null,
      manager: managers?.get(id) ?? null,
      birthDate: birthDates?.get(id) ?? null,
      lastOrder: lastOrders?.get(id) ?? null,
    };
  });
}

async function readAddresses(db: Db, postgres: boolean, shopId: number, ids: readonly number[]): Promise<Map<number, NonNullable<ExportMember["address"]>>> {
  const p = new Params(postgres);
  const sql = `SELECT a."customerId", a."city", a."province", a."provinceCode", a."countryCode", a."zip", a."company"
    FROM "CustomerAddress" AS a
    WHERE +a."shopId" = ${p.add(shopId, "integer")} AND a."customerId" ${p.ids(ids)}
    ORDER BY a."customerId", a."isDefault" DESC, a."id"`;
  const found = new Map<number, NonNullable<ExportMember["address"]>>();
  for (const row of await db.$queryRawUnsafe<Raw[]>(sql, ...p.values)) {
    const id = Number(row.customerId);
    if (found.has(id)) continue;
    found.set(id, { city: text(row.city), province: text(row.province), provinceCode: text(row.provinceCode), countryCode: text(row.countryCode), zip: text(row.zip), company: text(row.company) });
  }
  return found;
}

async function readManagers(db: Db, postgres: boolean, shopId: number, ids: readonly number[]): Promise<Map<number, string>> {
  const p = new Params(postgres);
  // normalized is lower-cased, so the prefix matches in any case; substr compares exactly under any collation
  const sql = `SELECT t."customerId", t."tag" FROM "CustomerTag" AS t
    WHERE +t."shopId" = ${p.add(shopId, "integer")} AND t."customerId" ${p.ids(ids)}
      AND substr(t."normalized", 1, ${MANAGER_TAG_PREFIX.length}) = ${p.add(MANAGER_TAG_PREFIX, "text")}
    ORDER BY t."customerId", t."normalized"`;
  const found = new Map<number, string>();
  for (const row of await db.$queryRawUnsafe<Raw[]>(sql, ...p.values)) {
    const id = Number(row.customerId);
    const manager = String(row.tag).slice(MANAGER_TAG_PREFIX.length).trim();
    if (!found.has(id) && manager) found.set(id, manager);
  }
  return found;
}

async function readBirthDates(db: Db, postgres: boolean, shopId: number, ids: readonly number[]): Promise<Map<number, string>> {
  const p = new Params(postgres);
  const sql = `SELECT f."customerId", f."value" FROM "CustomerMetafield" AS f
    WHERE +f."shopId" = ${p.add(shopId, "integer")} AND f."customerId" ${p.ids(ids)}
      AND f."namespace" = ${p.add(BIRTH_DATE_METAFIELD.namespace, "text")} AND f."key" = ${p.add(BIRTH_DATE_METAFIELD.key, "text")}`;
  const found = new Map<number, string>();
  for (const row of await db.$queryRawUnsafe<Raw[]>(sql, ...p.values)) found.set(Number(row.customerId), String(row.value));
  return found;
}

async function readLastOrders(db: Db, postgres: boolean, shopId: number, ids: readonly number[]): Promise<Map<number, NonNullable<ExportMember["lastOrder"]>>> {
  const p = new Params(postgres);
  const sql = `SELECT o."customerId", o."name", o."shopifyId" FROM (
      SELECT o."customerId", o."name", o."shopifyId", row_number() OVER (PARTITION BY o."customerId" ORDER BY o."processedAt" DESC, o."id" DESC) AS latest
      FROM "Order" AS o
      WHERE o."shopId" = ${p.add(shopId, "integer")} AND o."customerId" ${p.ids(ids)} AND o."cancelledAt" IS NULL AND NOT o."test"
    ) AS o WHERE o.latest = 1`;
  const found = new Map<number, NonNullable<ExportMember["lastOrder"]>>();
  for (const row of await db.$queryRawUnsafe<Raw[]>(sql, ...p.values)) found.set(Number(row.customerId), { name: text(row.name), shopifyId: String(row.shopifyId) });
  return found;
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function bigint(value: unknown): bigint | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(Math.trunc(value));
  return BigInt(String(value));
}

function instant(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const textValue = String(value);
  // SQLite text as Prisma writes it ("…+00:00"); a bare timestamp is UTC
  return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(textValue) ? textValue : `${textValue.replace(" ", "T")}Z`);
}
