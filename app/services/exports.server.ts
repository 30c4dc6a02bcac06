/**
 * Segment exports: a segment's members to a CSV or XLSX file with the columns the merchant chose,
 * or to an ads audience file (hashed e-mails and phone numbers), written in the background by the
 * "segments.export" job and downloaded from the Exports page.
 *
 * - One code path for every size: the job reads members a page at a time (by customer id) and
 *   streams each page to the file — CSV through a file stream that waits for "drain", XLSX through
 *   exceljs's streaming WorkbookWriter (no shared strings; each row committed, and the page waits
 *   while the compressor is behind) — so memory stays flat however large the segment.
 *   SegmentExport.rowsDone/rowsTotal follow the pages; the file appears under its final name only
 *   when complete (written as .part, then renamed).
 * - Formula injection (OWASP "CSV injection"): a text cell starting with =, +, -, @, tab or CR gets
 *   a leading ' in CSV and XLSX alike. Numbers, amounts and dates the app formats itself are not
 *   text from a customer and stay numbers (a refund can make an amount negative).
 * - CSV: RFC 4180 (comma, CRLF, fields with a comma, quote or line break quoted, quotes doubled),
 *   UTF-8 with a byte-order mark: without it Excel reads the file as the system's legacy code page
 *   and breaks accented names; spreadsheet apps and CSV libraries skip the mark. Values are
 *   machine-readable whatever the language: amounts with a "." and no grouping, dates YYYY-MM-DD,
 *   shares 0–1; headers and labels (tier, RFM group, country) are in the export's language.
 * - XLSX: amounts, counts and shares are numbers, dates are dates (the shop's calendar day), so
 *   Excel formats them in the reader's own locale.
 * - The manager/owner column reads a customer tag `manager:<name>` (the first, if several): tags
 *   exist on every shop, need no metafield definition, and the merchant can set them in bulk in
 *   Shopify admin. The birthday is Shopify's standard metafield facts.birth_date.
 * - Ads audience: one file per platform layout —
 *   Google Customer Match (Email, Phone, First Name, Last Name, Country, Zip; the first four
 *   SHA-256-hashed, country and zip plain, as Google's template has them) and Meta customer list
 *   (email, phone, fn, ln, country, zip, all hashed). Values are normalised first as each platform
 *   asks: e-mails trimmed and lower-cased (Google: dots and a +suffix removed from gmail.com and
 *   googlemail.com addresses); phones in E.164 ("+31612345678"; Meta without the "+"), local
 *   numbers read with the address's country, numbers that are not valid left out. Only customers
 *   who accepted e-mail or SMS marketing are included: both platforms' terms require that the
 *   people in a list agreed to their data being used for advertising, and Shopify's marketing
 *   consent is the consent the store holds. Rows with nothing to match on are left out.
 */
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import ExcelJS from "exceljs";
import { isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";
import type { Db } from "~/db/client";
import { DEFAULT_EXPORTS_DIR } from "~/env.server";
import { translator, type Locale, type MessageKey, type Translate } from "~/i18n";
import { enqueue, PermanentJobError } from "~/jobs/queue.server";
import type { JobHandler } from "~/jobs/worker.server";
import { logger } from "~/logger.server";
import { localDay } from "~/segments/time";
import {
  countExportMembers,
  createExport,
  failExport,
  finishExport,
  getExport,
  listExports,
  readExportMembers,
  recordExportProgress,
  startExport,
  type ExportFormat,
  type ExportMember,
  type MemberParts,
  type SegmentExport,
} from "~/store/exports.server";
import type { SyncDeps } from "~/sync/deps";
import { currencyDigits } from "~/sync/money";
import { minorToDecimal } from "~/components/money";
import { rfmGroupLabel, tierLabel } from "~/components/prediction-text";

export const EXPORT_JOB = "segments.export";
export const EXPORT_FORMATS = ["CSV", "XLSX", "AUDIENCE"] as const satisfies readonly ExportFormat[];
export const EXPORT_LANGUAGES = ["en", "nl"] as const satisfies readonly Locale[];
/** Attempts before an export stays FAILED (a crash mid-file starts it over). */
const EXPORT_ATTEMPTS = 3;
/** Members read and written per page. */
export const EXPORT_PAGE_SIZE = 1_000;
/** rowsDone is written at most this often. */
const PROGRESS_EVERY_MS = 500;
/** The XLSX page waits while more than this much sheet XML waits for the compressor. */
const XLSX_BACKLOG_BYTES = 8 * 1024 * 1024;

// ------------------------------------------------------------------------------------------------
// columns

type CellType = "text" | "integer" | "money" | "day" | "share";
type CellValue = string | number | bigint | null;

interface ColumnContext {
  t: Translate;
  locale: Locale;
  timeZone: string;
  regionName: (countryCode: string) => string;
}

interface ColumnSpec {
  header: MessageKey;
  type: CellType;
  /** the member parts the value reads */
  needs?: keyof MemberParts;
  /** characters, for XLSX */
  width: number;
  value(member: ExportMember, context: ColumnContext): CellValue;
}

/** The store platform's 13 columns, then the predictions; a file's columns are any of these, in any order. */
export const EXPORT_COLUMNS = [
  "customerId",
  "name",
  "company",
  "email",
  "phone",
  "manager",
  "lastOrderName",
  "lastOrderId",
  "amountSpent",
  "numberOfOrders",
  "location",
  "customerSince",
  "birthday",
  "spendTier",
  "rfmGroup",
  "predictedSpend12m",
  "predictedClv",
  "churnProbability",
  "expectedNextOrder",
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
export const STANDARD_COLUMNS: readonly ExportColumn[] = EXPORT_COLUMNS.slice(0, 13);
export const PREDICTION_COLUMNS: readonly ExportColumn[] = EXPORT_COLUMNS.slice(13);

const COLUMN_SPECS: Record<ExportColumn, ColumnSpec> = {
  customerId: { header: "exports.column.customerId", type: "text", width: 16, value: (m) => m.shopifyId },
  name: { header: "exports.column.name", type: "text", width: 24, value: (m) => [m.firstName, m.lastName].filter((part) => part?.trim()).join(" ") || null },
  company: { header: "exports.column.company", type: "text", needs: "address", width: 24, value: (m) => m.company ?? m.address?.company ?? null },
  email: { header: "exports.column.email", type: "text", width: 28, value: (m) => m.email },
  phone: { header: "exports.column.phone", type: "text", width: 16, value: (m) => m.phone },
  manager: { header: "exports.column.manager", type: "text", needs: "manager", width: 18, value: (m) => m.manager },
  lastOrderName: { header: "exports.column.lastOrderName", type: "text", needs: "lastOrder", width: 12, value: (m) => m.lastOrder?.name ?? null },
  lastOrderId: { header: "exports.column.lastOrderId", type: "text", needs: "lastOrder", width: 16, value: (m) => m.lastOrder?.shopifyId ?? null },
  amountSpent: { header: "exports.column.amountSpent", type: "money", width: 14, value: (m) => m.amountSpentMinor },
  numberOfOrders: { header: "exports.column.numberOfOrders", type: "integer", width: 10, value: (m) => m.numberOfOrders },
  location: {
    header: "exports.column.location",
    type: "text",
    needs: "address",
    width: 32,
    value: (m, c) => {
      const a = m.address;
      if (!a) return null;
      return [a.city, a.province, a.countryCode ? c.regionName(a.countryCode) : null].filter((part) => part?.trim()).join(", ") || null;
    },
  },
  customerSince: { header: "exports.column.customerSince", type: "day", width: 12, value: (m, c) => localDay(m.shopifyCreatedAt.getTime(), c.timeZone) },
  birthday: { header: "exports.column.birthday", type: "day", needs: "birthDate", width: 12, value: (m) => m.birthDate },
  spendTier: { header: "exports.column.spendTier", type: "text", width: 14, value: (m, c) => (m.predictedSpendTier ? tierLabel(c.t, m.predictedSpendTier) : null) },
  rfmGroup: { header: "exports.column.rfmGroup", type: "text", width: 18, value: (m, c) => (m.rfmGroup ? rfmGroupLabel(c.t, m.rfmGroup) : null) },
  predictedSpend12m: { header: "exports.column.predictedSpend12m", type: "money", width: 16, value: (m) => m.predictedSpend12mMinor },
  predictedClv: { header: "exports.column.predictedClv", type: "money", width: 16, value: (m) => m.predictedClvMinor },
  churnProbability: { header: "exports.column.churnProbability", type: "share", width: 12, value: (m) => m.churnProbability },
  expectedNextOrder: { header: "exports.column.expectedNextOrder", type: "day", width: 14, value: (m, c) => (m.expectedNextOrderAt ? localDay(m.expectedNextOrderAt.getTime(), c.timeZone) : null) },
};

/** The locale key of a column's heading (with {currency} for amounts). */
export function columnHeader(column: ExportColumn): MessageKey {
  return COLUMN_SPECS[column].header;
}

function isExportColumn(key: string): key is ExportColumn {
  return Object.hasOwn(COLUMN_SPECS, key);
}

// ------------------------------------------------------------------------------------------------
// ads audiences

export const AUDIENCE_LAYOUTS = {
  google: ["Email", "Phone", "First Name", "Last Name", "Country", "Zip"],
  meta: ["email", "phone", "fn", "ln", "country", "zip"],
} as const;
export type AudienceLayout = keyof typeof AUDIENCE_LAYOUTS;
export const AUDIENCE_LAYOUT_NAMES = Object.keys(AUDIENCE_LAYOUTS) as AudienceLayout[];

/** The layout whose columns these are (an AUDIENCE export stores its layout's column names). */
export function audienceLayoutOf(columns: readonly unknown[]): AudienceLayout | null {
  for (const layout of AUDIENCE_LAYOUT_NAMES) {
    const names: readonly string[] = AUDIENCE_LAYOUTS[layout];
    if (columns.length === names.length && columns.every((column, i) => column === names[i])) return layout;
  }
  return null;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * An e-mail address as the platform matches it: trimmed, lower-cased; for Google, gmail.com and
 * googlemail.com addresses without dots or a +suffix in the part before the @ (Gmail ignores both).
 * Null for an empty value or one without a single @.
 */
export function normaliseEmail(email: string | null, layout: AudienceLayout): string | null {
  const address = email?.trim().toLowerCase() ?? "";
  const at = address.indexOf("@");
  if (at <= 0 || at !== address.lastIndexOf("@") || at === address.length - 1) return null;
  if (layout !== "google") return address;
  const domain = address.slice(at + 1);
  if (domain !== "gmail.com" && domain !== "googlemail.com") return address;
  const local = address.slice(0, at).split("+")[0]!.replaceAll(".", "");
  return local ? `${local}@${domain}` : null;
}

/**
 * A phone number in E.164 ("+31612345678"): an international number as written, a local one read
 * in the country of the customer's address. Null when it is not a valid number there.
 */
export function toE164(phone: string | null, countryCode: string | null): string | null {
  const text = phone?.trim();
  if (!text) return null;
  const country = countryCode?.trim().toUpperCase() ?? "";
  const parsed = parsePhoneNumberFromString(text, isSupportedCountry(country) ? { defaultCountry: country } : {});
  return parsed?.isValid() ? parsed.number : null;
}

/** A name as Meta asks for it: lower-case, without punctuation or spaces. */
function metaName(name: string | null): string {
  return (name ?? "").trim().toLowerCase().replace(/[\p{P}\p{S}\s]/gu, "");
}

/** A zip code as Meta asks for it: lower-case without spaces or dashes; in the US the first five digits. */
function metaZip(zip: string | null, countryCode: string | null): string {
  const compact = (zip ?? "").trim().toLowerCase().replace(/[\s-]/g, "");
  return countryCode?.toUpperCase() === "US" ? compact.slice(0, 5) : compact;
}

const hashed = (value: string) => (value ? sha256Hex(value) : "");

/** One member's audience row in the layout's column order, or null when it has nothing to match on. */
export function audienceRow(member: Pick<ExportMember, "email" | "phone" | "firstName" | "lastName" | "address">, layout: AudienceLayout): string[] | null {
  const countryCode = member.address?.countryCode?.trim().toUpperCase() || null;
  const email = normaliseEmail(member.email, layout) ?? "";
  const phone = toE164(member.phone, countryCode) ?? "";
  const zip = member.address?.zip?.trim() ?? "";
  if (layout === "google") {
    const first = member.firstName?.trim().toLowerCase() ?? "";
    const last = member.lastName?.trim().toLowerCase() ?? "";
    // Google matches on an e-mail, a phone, or a name with country and zip
    if (!email && !phone && !(first && last && countryCode && zip)) return null;
    return [hashed(email), hashed(phone), hashed(first), hashed(last), countryCode ?? "", zip];
  }
  const first = metaName(member.firstName);
  const last = metaName(member.lastName);
  if (!email && !phone && !(first && last && countryCode && zip)) return null;
  return [hashed(email), hashed(phone.replace(/^\+/, "")), hashed(first), hashed(last), hashed(countryCode?.toLowerCase() ?? ""), hashed(metaZip(zip, countryCode))];
}

// ------------------------------------------------------------------------------------------------
// cells

/** OWASP's advice against formula injection: such a cell starts with a ' and is read as text. */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One CSV field per RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

// XML 1.0 cannot carry these; exceljs would write an unreadable sheet
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function shareText(share: number): string {
  return String(Math.round(share * 10_000) / 10_000);
}

/** A cell as CSV text. */
function csvCell(value: CellValue, type: CellType, digits: number): string {
  if (value === null || value === "") return "";
  switch (type) {
    case "money":
      return minorToDecimal(BigInt(value), digits);
    case "integer":
      return String(value);
    case "share":
      return shareText(Number(value));
    case "day":
      return isDay(String(value)) ? String(value) : csvField(neutraliseFormula(String(value)));
    case "text":
      return csvField(neutraliseFormula(String(value)));
  }
}

function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text);
}

/** A cell as exceljs takes it: numbers, dates (the calendar day at UTC midnight, as Excel counts days), text. */
function xlsxCell(value: CellValue, type: CellType, digits: number): string | number | Date | null {
  if (value === null || value === "") return null;
  switch (type) {
    case "money":
      return Number(minorToDecimal(BigInt(value), digits));
    case "integer":
    case "share":
      return Number(value);
    case "day": {
      const text = String(value);
      if (!isDay(text)) return neutraliseFormula(text).replace(XML_INVALID, "");
      const day = new Date(`${text}T00:00:00Z`);
      return Number.isNaN(day.getTime()) ? text : day;
    }
    case "text":
      return neutraliseFormula(String(value).replace(XML_INVALID, ""));
  }
}

function xlsxFormat(type: CellType, digits: number): string | undefined {
  switch (type) {
    case "money":
      return digits > 0 ? `#,##0.${"0".repeat(digits)}` : "#,##0";
    case "integer":
      return "0";
    case "share":
      return "0.0%";
    case "day":
      return "yyyy-mm-dd";
    case "text":
      return undefined;
  }
}

// ------------------------------------------------------------------------------------------------
// writers

interface SheetColumn {
  header: string;
  type: CellType;
  width: number;
}

interface RowWriter {
  /** rows of cells in the columns' order; resolves when the file can take more */
  write(rows: readonly (readonly CellValue[])[]): Promise<void>;
  close(): Promise<void>;
  /** stops writing after a failure (the caller removes the file) */
  abort(): void;
}

/** A write stream whose errors surface on the next write or at the end instead of crashing the process. */
class FileSink {
  readonly stream: WriteStream;
  private error: Error | undefined;
  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: "w" });
    this.stream.on("error", (error) => (this.error ??= error));
  }
  async write(chunk: string | Buffer): Promise<void> {
    if (this.error) throw this.error;
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }
  async end(): Promise<void> {
    if (this.error) throw this.error;
    this.stream.end();
    await once(this.stream, "finish");
    if (this.error) throw this.error;
  }
  checkError(): void {
    if (this.error) throw this.error;
  }
  destroy(): void {
    this.stream.destroy();
  }
}

const BOM = "\uFEFF";

async function openCsv(path: string, columns: readonly SheetColumn[], digits: number, options: { bom: boolean }): Promise<RowWriter> {
  const sink = new FileSink(path);
  await sink.write(`${options.bom ? BOM : ""}${columns.map((column) => csvField(neutraliseFormula(column.header))).join(",")}\r\n`);
  return {
    async write(rows) {
      if (rows.length === 0) return;
      let chunk = "";
      for (const row of rows) chunk += `${row.map((value, i) => csvCell(value, columns[i]!.type, digits)).join(",")}\r\n`;
      await sink.write(chunk);
    },
    close: () => sink.end(),
    abort: () => sink.destroy(),
  };
}

type Piped = { writableLength?: number; _writableState?: { length?: number } };

/**
 * The sheet XML waiting for the compressor: the bytes queued on the streams exceljs pipes the
 * sheet into. exceljs commits rows without backpressure; its sheet stream keeps its destinations
 * in `pipes` (readable-stream PassThroughs, which report their queue as _writableState.length).
 */
function xlsxBacklog(sheet: ExcelJS.Worksheet): number {
  const pipes = (sheet as unknown as { stream?: { pipes?: Piped[] } }).stream?.pipes ?? [];
  return pipes.reduce((sum, pipe) => sum + (pipe.writableLength ?? pipe._writableState?.length ?? 0), 0);
}

async function openXlsx(path: string, columns: readonly SheetColumn[], digits: number, sheetName: string): Promise<RowWriter> {
  const sink = new FileSink(path);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink.stream, useSharedStrings: false, useStyles: true });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = columns.map((column, i) => {
    const numFmt = xlsxFormat(column.type, digits);
    return { key: String(i), width: column.width, ...(numFmt ? { style: { numFmt } } : {}) };
  });
  const header = sheet.addRow(columns.map((column) => neutraliseFormula(column.header.replace(XML_INVALID, ""))));
  header.font = { bold: true };
  header.commit();
  return {
    async write(rows) {
      sink.checkError();
      for (const row of rows) sheet.addRow(row.map((value, i) => xlsxCell(value, columns[i]!.type, digits))).commit();
      // let the compressor and the file catch up before the next page
      while (xlsxBacklog(sheet) > XLSX_BACKLOG_BYTES || sink.stream.writableLength > XLSX_BACKLOG_BYTES) {
        sink.checkError();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
    async close() {
      sheet.commit();
      await workbook.commit();
      if (!sink.stream.writableFinished) await once(sink.stream, "finish");
      sink.checkError();
    },
    abort: () => sink.destroy(),
  };
}

// ------------------------------------------------------------------------------------------------
// the form

export type ExportField = "segmentId" | "format" | "columns" | "audience" | "language";

/** What the merchant asked for, checked. */
export interface ExportRequest {
  segmentId: string;
  format: ExportFormat;
  /** column keys (CSV, XLSX) or the audience layout's column names (AUDIENCE), in file order */
  columns: string[];
  language: Locale;
}

const exportFormSchema = z
  .object({
    segmentId: z.string({ error: "exports.error.segment" }).trim().min(1, { error: "exports.error.segment" }).max(64, { error: "exports.error.segment" }),
    format: z.enum(EXPORT_FORMATS, { error: "exports.error.format" }),
    columns: z.array(z.string()).default([]),
    audience: z.string().optional(),
    language: z.enum(EXPORT_LANGUAGES, { error: "exports.error.language" }),
  })
  .superRefine((form, ctx) => {
    if (form.format === "AUDIENCE") {
      if (!form.audience || !(AUDIENCE_LAYOUT_NAMES as string[]).includes(form.audience)) ctx.addIssue({ code: "custom", path: ["audience"], message: "exports.error.audience" });
      return;
    }
    if (form.columns.length === 0 || form.columns.some((column) => !isExportColumn(column)) || new Set(form.columns).size !== form.columns.length) {
      ctx.addIssue({ code: "custom", path: ["columns"], message: "exports.error.columns" });
    }
  });

export type ExportFormResult = { ok: true; request: ExportRequest } | { ok: false; errors: Partial<Record<ExportField, MessageKey>> };

/** Validates the export form (columns repeated in file order); the first problem of each field, as a locale key. */
export function parseExportForm(form: FormData | URLSearchParams): ExportFormResult {
  const input = {
    segmentId: form.get("segmentId") ?? undefined,
    format: form.get("format") ?? undefined,
    columns: form.getAll("columns"),
    audience: form.get("audience") ?? undefined,
    language: form.get("language") ?? undefined,
  };
  const parsed = exportFormSchema.safeParse(input);
  if (!parsed.success) {
    const errors: Partial<Record<ExportField, MessageKey>> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as ExportField;
      errors[field] ??= issue.message as MessageKey;
    }
    return { ok: false, errors };
  }
  const { segmentId, format, columns, audience, language } = parsed.data;
  return { ok: true, request: { segmentId, format, language, columns: format === "AUDIENCE" ? [...AUDIENCE_LAYOUTS[audience as AudienceLayout]] : columns } };
}

// ------------------------------------------------------------------------------------------------
// queueing and reading

/**
 * Records the export and queues its job, together. Null when the segment is not this shop's
 * (another shop's or none): nothing is recorded.
 */
export async function queueSegmentExport(db: Db, args: { shopId: number; request: ExportRequest; now: Date }): Promise<SegmentExport | null> {
  const { shopId, request, now } = args;
  return db.$transaction(async (tx) => {
    const segment = await tx.segment.findFirst({ where: { id: request.segmentId, shopId }, select: { id: true, name: true } });
    if (!segment) return null;
    const created = await createExport(tx, { shopId, segmentId: segment.id, segmentName: segment.name, format: request.format, columns: request.columns, locale: request.language, now });
    await enqueue(tx, { kind: EXPORT_JOB, shopId, payload: { shopId, exportId: created.id }, maxAttempts: EXPORT_ATTEMPTS, runAt: now, dedupeKey: exportJobKey(created.id) }, { now });
    return created;
  });
}

/** An export as the page lists it. */
export interface ExportView {
  id: number;
  segmentId: string | null;
  segmentName: string;
  format: ExportFormat;
  audience: AudienceLayout | null;
  state: SegmentExport["state"];
  rowsDone: number;
  rowsTotal: number | null;
  fileName: string | null;
  fileBytes: number | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export function exportView(row: SegmentExport): ExportView {
  const columns = Array.isArray(row.columns) ? row.columns : [];
  return {
    id: row.id,
    segmentId: row.segmentId,
    segmentName: row.segmentName,
    format: row.format,
    audience: row.format === "AUDIENCE" ? audienceLayoutOf(columns) : null,
    state: row.state,
    rowsDone: row.rowsDone,
    rowsTotal: row.rowsTotal,
    fileName: row.fileName,
    fileBytes: row.fileBytes,
    error: row.error,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

/** The job of an export is found by this key (held while it waits or runs, kept as releasedDedupeKey after). */
export function exportJobKey(exportId: number): string {
  return `export:${exportId}`;
}

/**
 * The shop's latest exports for the page. An export whose job the queue gave up on without the
 * handler recording it (the process died on every attempt, the app was uninstalled) shows as
 * failed with the job's error rather than waiting forever.
 */
export async function recentExports(db: Db, args: { shopId: number; take?: number }): Promise<ExportView[]> {
  const views = (await listExports(db, { shopId: args.shopId, take: args.take ?? 20 })).map(exportView);
  const waiting = new Map(views.filter((view) => view.state === "QUEUED" || view.state === "RUNNING").map((view) => [exportJobKey(view.id), view]));
  if (waiting.size === 0) return views;
  const keys = [...waiting.keys()];
  const jobs = await db.job.findMany({
    where: { kind: EXPORT_JOB, shopId: args.shopId, state: "FAILED", OR: [{ dedupeKey: { in: keys } }, { releasedDedupeKey: { in: keys } }] },
    select: { dedupeKey: true, releasedDedupeKey: true, lastError: true },
  });
  for (const job of jobs) {
    const view = waiting.get(job.releasedDedupeKey ?? job.dedupeKey ?? "");
    if (!view) continue;
    view.state = "FAILED";
    view.error = job.lastError?.split("\n")[0] ?? view.error;
  }
  return views;
}

/** A column the form offers: its key and its heading's locale key. */
export interface ColumnChoice {
  key: ExportColumn;
  header: MessageKey;
}

/** What the Exports page shows: the shop's segments, the columns and layouts to choose from, the latest exports. */
export interface ExportsOverview {
  shopId: number;
  currencyCode: string;
  timeZone: string;
  segments: { id: string; name: string; memberCount: number }[];
  columns: { standard: ColumnChoice[]; predictions: ColumnChoice[] };
  audienceLayouts: AudienceLayout[];
  exports: ExportView[];
}

/** The Exports page of the shop (null: the shop is not installed). */
export async function exportsOverview(db: Db, args: { shop: string }): Promise<ExportsOverview | null> {
  const shop = await db.shop.findUnique({ where: { domain: args.shop }, select: { id: true, currencyCode: true, ianaTimezone: true } });
  if (!shop) return null;
  const [segments, exports] = await Promise.all([
    db.segment.findMany({ where: { shopId: shop.id }, orderBy: [{ name: "asc" }, { id: "asc" }], select: { id: true, name: true, memberCount: true } }),
    recentExports(db, { shopId: shop.id }),
  ]);
  const choice = (key: ExportColumn): ColumnChoice => ({ key, header: COLUMN_SPECS[key].header });
  return {
    shopId: shop.id,
    currencyCode: shop.currencyCode,
    timeZone: shop.ianaTimezone,
    segments,
    columns: { standard: STANDARD_COLUMNS.map(choice), predictions: PREDICTION_COLUMNS.map(choice) },
    audienceLayouts: AUDIENCE_LAYOUT_NAMES,
    exports,
  };
}

/** The shop's row id (null: not installed). */
export async function shopIdOf(db: Db, shop: string): Promise<number | null> {
  return (await db.shop.findUnique({ where: { domain: shop }, select: { id: true } }))?.id ?? null;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  CSV: "text/csv; charset=utf-8",
  XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  AUDIENCE: "text/csv; charset=utf-8",
};

export interface ExportFile {
  path: string;
  fileName: string;
  contentType: string;
  bytes: number;
}

/** The finished file of one of the shop's exports; null when it is another shop's, not finished, or gone from the disk. */
export async function exportFile(db: Db, args: { shopId: number; id: number; directory?: string }): Promise<ExportFile | null> {
  const row = await getExport(db, { shopId: args.shopId, id: args.id });
  if (!row || row.state !== "SUCCEEDED" || !row.filePath || !row.fileName) return null;
  const directory = resolve(args.directory ?? exportsDirectory());
  const path = resolve(directory, row.filePath);
  // the stored path is ours, but a file outside the directory is never served
  if (!path.startsWith(directory + sep)) return null;
  try {
    const info = await stat(path);
    if (!info.isFile()) return null;
    return { path, fileName: row.fileName, contentType: CONTENT_TYPES[row.format], bytes: info.size };
  } catch {
    return null;
  }
}

/**
 * The download's headers: the file's type and size, and an attachment name that cannot break out
 * of its quotes or name a path (downloadName already writes only safe characters).
 */
export function downloadHeaders(file: ExportFile): Headers {
  const safe = file.fileName.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "") || "export";
  return new Headers({
    "Content-Type": file.contentType,
    "Content-Length": String(file.bytes),
    "Content-Disposition": `attachment; filename="${safe}"; filename*=UTF-8''${encodeURIComponent(safe)}`,
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
  });
}

/**
 * customers/redact: the shop's finished exports may hold the customer, so their files are deleted
 * and the exports marked failed with the reason (the merchant exports again). Returns how many.
 */
export async function discardExportsForRedaction(db: Db, args: { shopId: number; now: Date; directory?: string }): Promise<number> {
  const directory = resolve(args.directory ?? exportsDirectory());
  const rows = await db.segmentExport.findMany({ where: { shopId: args.shopId, state: "SUCCEEDED", createdAt: { lte: args.now } }, select: { id: true, filePath: true } });
  for (const row of rows) {
    const path = row.filePath ? resolve(directory, row.filePath) : null;
    if (path && path.startsWith(directory + sep)) await rm(path, { force: true });
  }
  const { count } = await db.segmentExport.updateMany({
    where: { shopId: args.shopId, id: { in: rows.map((row) => row.id) } },
    data: { state: "FAILED", filePath: null, fileBytes: null, error: "deleted because a customer asked for their data to be erased; export the segment again" },
  });
  return count;
}

/** Deletes every export file of the shop (for shop/redact: the files hold its customers' data). */
export async function removeShopExportFiles(args: { shopId: number; directory?: string }): Promise<void> {
  await rm(join(resolve(args.directory ?? exportsDirectory()), shopFolder(args.shopId)), { recursive: true, force: true });
}

/**
 * The app validates EXPORTS_DIR with the rest of its environment at start; background work that
 * runs without the web app's settings (compliance webhooks in tests, scripts) reads it the same way.
 */
export function exportsDirectory(): string {
  return resolve(process.env.EXPORTS_DIR?.trim() || DEFAULT_EXPORTS_DIR);
}

function shopFolder(shopId: number): string {
  return `shop-${shopId}`;
}

/**
 * The name offered for download: the segment's name in ASCII letters, digits and dashes, the day,
 * the format ("vip-customers-2026-12-02.csv", "vip-customers-2026-12-02-google-audience.csv").
 */
export function downloadName(segmentName: string, day: string, format: ExportFormat, audience: AudienceLayout | null): string {
  const slug =
    segmentName
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "") || "segment";
  if (format === "AUDIENCE") return `${slug}-${day}-${audience ?? "ads"}-audience.csv`;
  return `${slug}-${day}.${format === "XLSX" ? "xlsx" : "csv"}`;
}

/** Excel's sheet names: at most 31 characters, none of : \ / ? * [ ]. */
function sheetName(segmentName: string): string {
  return segmentName.replace(/[:\\/?*[\]]/g, " ").replace(XML_INVALID, "").trim().slice(0, 31) || "Segment";
}

// ------------------------------------------------------------------------------------------------
// the export itself

export interface ExportProgress {
  rowsDone: number;
  rowsTotal: number;
}

export interface RunExportOptions {
  directory: string;
  pageSize?: number;
  signal?: AbortSignal;
  /** rowsDone is written at most this often (ms) */
  progressEveryMs?: number;
  /** told after each page is written (the benchmark samples memory there) */
  onPage?: (progress: ExportProgress) => void | Promise<void>;
}

export type RunExportOutcome = { status: "written"; rows: number; bytes: number; filePath: string } | { status: "skipped"; reason: string };

/**
 * Writes the export's file from the start (a retried attempt starts over) and records it. Throws
 * PermanentJobError when it can never succeed (its segment was deleted, its columns are unknown).
 */
export async function runSegmentExport(deps: Pick<SyncDeps, "db" | "kind" | "now">, args: { shopId: number; exportId: number }, options: RunExportOptions): Promise<RunExportOutcome> {
  const { db, kind } = deps;
  const { shopId, exportId } = args;
  const row = await getExport(db, { shopId, id: exportId });
  if (!row) return { status: "skipped", reason: "no such export" };
  if (row.state === "SUCCEEDED") return { status: "skipped", reason: "already written" };
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { currencyCode: true, ianaTimezone: true } });
  if (!shop) return { status: "skipped", reason: "no such shop" };
  if (row.segmentId === null) throw new PermanentJobError("The segment was deleted before its export ran.");
  const plan = exportPlan(row);
  const language: Locale = row.locale === "nl" ? "nl" : "en";
  const digits = currencyDigits(shop.currencyCode);
  const t = translator(language);
  const regions = new Intl.DisplayNames([language], { type: "region" });
  const context: ColumnContext = {
    t,
    locale: language,
    timeZone: shop.ianaTimezone,
    regionName: (code) => {
      try {
        return regions.of(code.toUpperCase()) ?? code;
      } catch {
        return code;
      }
    },
  };

  const consent = plan.kind === "audience";
  const rowsTotal = await countExportMembers(db, kind, { shopId, segmentId: row.segmentId, marketingConsent: consent });
  await startExport(db, { shopId, id: exportId, rowsTotal });

  const folder = join(options.directory, shopFolder(shopId));
  await mkdir(folder, { recursive: true });
  const extension = row.format === "XLSX" ? "xlsx" : "csv";
  const finalName = `export-${exportId}-${randomBytes(4).toString("hex")}.${extension}`;
  const partPath = join(folder, `${finalName}.part`);
  const headers: SheetColumn[] =
    plan.kind === "audience"
      ? AUDIENCE_LAYOUTS[plan.layout].map((header) => ({ header, type: "text" as const, width: 20 }))
      : plan.columns.map((key) => {
          const spec = COLUMN_SPECS[key];
          return { header: t(spec.header, { currency: shop.currencyCode }), type: spec.type, width: spec.width };
        });

  let writer: RowWriter | undefined;
  try {
    writer =
      row.format === "XLSX"
        ? await openXlsx(partPath, headers, digits, sheetName(row.segmentName))
        : await openCsv(partPath, headers, digits, { bom: plan.kind === "columns" });
    const pageSize = options.pageSize ?? EXPORT_PAGE_SIZE;
    const progressEvery = options.progressEveryMs ?? PROGRESS_EVERY_MS;
    let after = 0;
    let read = 0;
    let written = 0;
    let lastProgress = Date.now();
    for (;;) {
      options.signal?.throwIfAborted();
      const members = await readExportMembers(db, kind, { shopId, segmentId: row.segmentId, afterCustomerId: after, limit: pageSize, parts: plan.parts, marketingConsent: consent });
      if (members.length === 0) break;
      after = members[members.length - 1]!.id;
      read += members.length;
      const cells: CellValue[][] = [];
      for (const member of members) {
        if (plan.kind === "audience") {
          const audience = audienceRow(member, plan.layout);
          if (audience) cells.push(audience);
        } else {
          cells.push(plan.columns.map((key) => COLUMN_SPECS[key].value(member, context)));
        }
      }
      await writer.write(cells);
      written += cells.length;
      if (Date.now() - lastProgress >= progressEvery) {
        await recordExportProgress(db, { shopId, id: exportId, rowsDone: read });
        lastProgress = Date.now();
      }
      await options.onPage?.({ rowsDone: read, rowsTotal });
      if (members.length < pageSize) break;
    }
    options.signal?.throwIfAborted();
    await writer.close();
    writer = undefined;
    const finalPath = join(folder, finalName);
    await rename(partPath, finalPath);
    const bytes = (await stat(finalPath)).size;
    const day = localDay(deps.now().getTime(), shop.ianaTimezone);
    const filePath = relative(options.directory, finalPath);
    await finishExport(db, { shopId, id: exportId, rows: written, fileName: downloadName(row.segmentName, day, row.format, plan.kind === "audience" ? plan.layout : null), filePath, fileBytes: bytes, now: deps.now() });
    logger.info({ shopId, exportId, format: row.format, rows: written, bytes }, "exports: written");
    return { status: "written", rows: written, bytes, filePath };
  } catch (error) {
    writer?.abort();
    await rm(partPath, { force: true }).catch(() => undefined);
    throw error;
  }
}

type ExportPlan = { kind: "columns"; columns: ExportColumn[]; parts: MemberParts } | { kind: "audience"; layout: AudienceLayout; parts: MemberParts };

/** What the stored export asks for: its columns and the member parts they read. */
function exportPlan(row: SegmentExport): ExportPlan {
  const columns = Array.isArray(row.columns) ? row.columns.map(String) : [];
  if (row.format === "AUDIENCE") {
    const layout = audienceLayoutOf(columns);
    if (!layout) throw new PermanentJobError(`Export ${row.id}: ${JSON.stringify(columns)} is not an ads audience layout.`);
    return { kind: "audience", layout, parts: { address: true, manager: false, birthDate: false, lastOrder: false } };
  }
  if (columns.length === 0 || !columns.every(isExportColumn)) throw new PermanentJobError(`Export ${row.id}: unknown columns ${JSON.stringify(columns)}.`);
  const keys = columns as ExportColumn[];
  const needs = new Set(keys.map((key) => COLUMN_SPECS[key].needs).filter(Boolean));
  return { kind: "columns", columns: keys, parts: { address: needs.has("address"), manager: needs.has("manager"), birthDate: needs.has("birthDate"), lastOrder: needs.has("lastOrder") } };
}

// ------------------------------------------------------------------------------------------------
// the job

const ExportPayload = z.object({ shopId: z.number().int().positive(), exportId: z.number().int().positive() }).strict();

/**
 * The "segments.export" job: payload { shopId, exportId }. A failure is recorded on the export:
 * FAILED with the error once no attempt is left (or it can never succeed), else QUEUED with the
 * error while the job waits to retry. A job that lost its lease leaves the export to the worker
 * that holds it now.
 */
export function exportJobHandler(deps: SyncDeps, options: Partial<Omit<RunExportOptions, "signal">> = {}): JobHandler {
  return async (job, signal) => {
    const parsed = ExportPayload.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError(`${EXPORT_JOB} job ${job.id}: the payload must be { shopId, exportId }: ${z.prettifyError(parsed.error)}`);
    const { shopId, exportId } = parsed.data;
    if (job.shopId !== null && job.shopId !== shopId) throw new PermanentJobError(`${EXPORT_JOB} job ${job.id} is for shop ${job.shopId} but names shop ${shopId}`);
    try {
      const outcome = await runSegmentExport(deps, { shopId, exportId }, { ...options, directory: options.directory ?? exportsDirectory(), signal });
      if (outcome.status === "skipped") logger.info({ shopId, exportId, reason: outcome.reason }, "exports: nothing to write");
    } catch (error) {
      if (signal.aborted) throw error;
      const final = error instanceof PermanentJobError || job.attempts >= job.maxAttempts;
      await failExport(deps.db, { shopId, id: exportId, error: error instanceof Error ? error.message : String(error), final, now: deps.now() }).catch((writeError: unknown) =>
        logger.error({ shopId, exportId, err: writeError }, "exports: could not record the failure"),
      );
      throw error;
    }
  };
}
