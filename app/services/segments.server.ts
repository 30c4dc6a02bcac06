/**
 * Segments as the merchant manages them: save (create or update), duplicate, delete, list with the
 * change over 30 days, the editor's live count with its first members, and values from the store
 * for the editor's value inputs. Every use case is scoped by the session's shop domain: another
 * shop's segment id reads as "no such segment" (null), never as data.
 *
 * - Names are unique per shop whatever their capitals ("VIPs" and "vips" cannot both exist): the
 *   comparison is made here, on NFC-normalised lower-cased text, so SQLite and PostgreSQL agree.
 * - A new segment gets a stable handle from its name (`vip-customers`, then `-2`, `-3`…); a rename
 *   keeps it, since the theme block and the discount Function name segments by handle. A deleted
 *   segment's handle stays taken while a segment discount still names it.
 * - The stored query is the canonical text of the checked query (print of its AST).
 * - Nothing half-saved: a refused save writes nothing; a save whose membership recompute fails is
 *   undone (a new row deleted, an updated row restored) before the error goes on. The recompute is
 *   one transaction of its own, so members, count and size history are never left half-written.
 */
import { z } from "zod";
import { isUniqueViolation, type DatabaseKind, type Db } from "~/db/client";
import { translator, type Locale, type Translate } from "~/i18n";
import { customerName } from "~/components/customer-name";
import { rfmGroupLabel, tierLabel } from "~/components/prediction-text";
import type { RfmGroup } from "~/predict/rfm";
import type { SpendTier } from "~/predict/model";
import { compileToSql } from "~/segments/compile";
import { analyse } from "~/segments/engine";
import { FILTERS, metafieldFilter, type FilterDefinition, type MetafieldDefinitionInfo } from "~/segments/filters";
import { TEMPLATES } from "~/segments/templates";
import { addDays, isTimeZone, localDay } from "~/segments/time";
import {
  countAndPreview,
  deleteShopSegments,
  findSegment,
  SEGMENT_FIELDS,
  segmentNamesAndHandles,
  handlesNamedByDiscounts,
  segmentShop,
  segmentSizesOnOrBefore,
  shopSegments,
  storedValues,
  type SegmentRow,
  type SegmentShop,
  type ValueSource,
} from "~/store/segments.server";
import { currencyDigits } from "~/sync/money";
import { recomputeSegment } from "./membership.server";
import { mirrorsOfSegments, queueMirrorRemovals, queueNativeMirror } from "./native-segments.server";
import { withMembersRepublished } from "./publish.server";
import { queryProblems } from "./query-problems";
import type { CountResponse, QueryProblem, SaveErrors, SuggestionsResponse } from "./segment-editor.types";

export const NAME_MAX = 255;
export const DESCRIPTION_MAX = 1_000;
export const QUERY_MAX = 10_000;
/** Handles stay short enough for a tag (`segment:<handle>`) and a URL. */
const HANDLE_MAX = 60;

// ------------------------------------------------------------------------------------------------
// what a segment is made of

/** A segment as the admin shows it. */
export interface SegmentView {
  id: string;
  name: string;
  handle: string;
  description: string;
  query: string;
  templateKey: string | null;
  memberCount: number;
  computedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type SaveResult = { ok: true; segment: SegmentView } | SaveErrors;

function view(row: SegmentRow): SegmentView {
  return { ...row, description: row.description ?? "" };
}

/** Runs of whitespace (a pasted newline or tab) read as one space. */
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();
const characters = (text: string) => [...text].length;

/** The name, description and query a merchant gives a segment, with messages in their language. */
export function segmentFieldsSchema(t: Translate) {
  return z.object({
    name: z
      .string({ error: t("segments.error.nameRequired") })
      .transform(oneLine)
      .refine((name) => name.length > 0, t("segments.error.nameRequired"))
      .refine((name) => characters(name) <= NAME_MAX, t("segments.error.nameTooLong")),
    description: z
      .string({ error: t("segments.error.descriptionTooLong") })
      .nullish()
      .transform((text) => (text ?? "").trim())
      .refine((text) => characters(text) <= DESCRIPTION_MAX, t("segments.error.descriptionTooLong")),
    query: z
      .string({ error: t("segments.error.queryRequired") })
      .refine((text) => text.trim() !== "", t("segments.error.queryRequired"))
      .refine((text) => text.length <= QUERY_MAX, t("segments.error.queryTooLong")),
  });
}

export type SegmentFields = z.output<ReturnType<typeof segmentFieldsSchema>>;

/** The first message per field of a failed parse. */
export function fieldMessages(error: z.ZodError): SaveErrors["fields"] {
  const fields: SaveErrors["fields"] = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (field === "name" || field === "description" || field === "query") fields[field] ??= issue.message;
  }
  return fields;
}

const comparable = (name: string) => name.normalize("NFC").toLowerCase();

/** The segment of these others whose name is the same as `name`, whatever its capitals. */
function sameName(others: readonly { id: string; name: string }[], name: string, except?: string) {
  const wanted = comparable(name);
  return others.find((other) => other.id !== except && comparable(other.name) === wanted);
}

/** `VIP customers` → `vip-customers`: lowercase a–z, 0–9 and hyphens; accents dropped; "segment" when nothing is left. */
export function handleFromName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’`]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, HANDLE_MAX)
    .replace(/-+$/, "");
  return slug || "segment";
}

/** The handle itself if free, else the first free `<handle>-2`, `-3`… */
export function uniqueHandle(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function metafieldsOf(shop: SegmentShop): MetafieldDefinitionInfo[] {
  return shop.metafieldDefinitions.map(({ namespace, key, type, name }) => ({ namespace, key, type, name }));
}

function shopTimeZone(shop: { ianaTimezone: string }): string {
  return isTimeZone(shop.ianaTimezone) ? shop.ianaTimezone : "UTC";
}

const TEMPLATE_KEYS = new Set(TEMPLATES.map((template) => template.key));

// ------------------------------------------------------------------------------------------------
// save, duplicate, delete, get

export interface SaveSegmentArgs {
  db: Db;
  kind: DatabaseKind;
  /** the session's shop domain */
  shop: string;
  /** absent: a new segment */
  id?: string;
  name: string;
  description?: string | null;
  query: string;
  /** the template it started from; unknown keys are not kept; absent on update keeps the segment's */
  templateKey?: string | null;
  now: Date;
  /** the language of the field messages */
  locale?: Locale;
}

/**
 * Creates or updates a segment of the shop: validates the fields, checks the query against the
 * shop's filters and metafield definitions, stores its canonical text, and computes its members
 * (when new, or when its query changed). Returns the saved segment, the field messages and query
 * problems, or null when `id` is not a segment of this shop (or the shop is unknown).
 */
export async function saveSegment(args: SaveSegmentArgs): Promise<SaveResult | null> {
  const { db, kind, now } = args;
  const t = translator(args.locale ?? "en");
  const shop = await segmentShop({ db, shop: args.shop });
  if (!shop) return null;
  const existing = args.id === undefined ? null : await findSegment({ db, shopId: shop.id, id: args.id });
  if (args.id !== undefined && !existing) return null;

  const parsed = segmentFieldsSchema(t).safeParse({ name: args.name, description: args.description, query: args.query });
  const fields: SaveErrors["fields"] = parsed.success ? {} : fieldMessages(parsed.error);
  let problems: QueryProblem[] = [];
  let canonical = "";
  if (!fields.query) {
    const analysis = analyse(args.query, { metafields: metafieldsOf(shop) });
    if (analysis.ok) canonical = analysis.canonical;
    else {
      problems = queryProblems(analysis.errors, args.locale);
      fields.query = t("segments.error.queryProblems");
    }
  }
  const others = await segmentNamesAndHandles({ db, shopId: shop.id });
  if (parsed.success && sameName(others, parsed.data.name, existing?.id)) fields.name = t("segments.error.nameTaken", { name: parsed.data.name });
  if (!parsed.success || Object.keys(fields).length > 0) return { ok: false, fields, problems };

  const { name, description } = parsed.data;
  const templateKey = args.templateKey === undefined ? (existing?.templateKey ?? null) : args.templateKey !== null && TEMPLATE_KEYS.has(args.templateKey) ? args.templateKey : null;
  const values = { name, description: description === "" ? null : description, query: canonical, templateKey };

  if (!existing) {
    const taken = new Set([...others.map((other) => other.handle), ...(await handlesNamedByDiscounts({ db, shopId: shop.id }))]);
    const base = handleFromName(name);
    let created: SegmentRow | undefined;
    for (let attempt = 0; !created; attempt++) {
      const handle = uniqueHandle(base, taken);
      try {
        created = await db.segment.create({ data: { shopId: shop.id, handle, ...values, createdAt: now, updatedAt: now }, select: SEGMENT_FIELDS });
      } catch (error) {
        // another save took the name or the handle in the meantime
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
        const current = await segmentNamesAndHandles({ db, shopId: shop.id });
        if (sameName(current, name)) return { ok: false, fields: { name: t("segments.error.nameTaken", { name }) }, problems: [] };
        for (const other of current) taken.add(other.handle);
        taken.add(handle);
      }
    }
    const segmentId = created.id;
    await recomputeOrUndo(db, kind, shop.id, segmentId, now, () => db.segment.deleteMany({ where: { id: segmentId, shopId: shop.id } }));
    return { ok: true, segment: view((await findSegment({ db, shopId: shop.id, id: segmentId })) ?? created) };
  }

  try {
    await db.segment.update({ where: { id: existing.id, shopId: shop.id }, data: { ...values, updatedAt: now } });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, fields: { name: t("segments.error.nameTaken", { name }) }, problems: [] };
    throw error;
  }
  if (canonical !== existing.query || existing.computedAt === null) {
    const before = { name: existing.name, description: existing.description, query: existing.query, templateKey: existing.templateKey, updatedAt: existing.updatedAt };
    await recomputeOrUndo(db, kind, shop.id, existing.id, now, () => db.segment.updateMany({ where: { id: existing.id, shopId: shop.id }, data: before }));
  }
  // a renamed or changed segment's native mirror follows it
  await queueNativeMirror(db, { shopId: shop.id, segmentId: existing.id, now });
  const saved = await findSegment({ db, shopId: shop.id, id: existing.id });
  return saved ? { ok: true, segment: view(saved) } : null;
}

/**
 * Computes the segment's members; when that fails, undoes the row's write before the error goes
 * on. The recompute's own transaction rolled back, so members, count and history are as before.
 */
async function recomputeOrUndo(db: Db, kind: DatabaseKind, shopId: number, segmentId: string, now: Date, undo: () => Promise<unknown>): Promise<void> {
  try {
    await recomputeSegment(db, kind, { shopId, segmentId, now });
  } catch (error) {
    await undo();
    throw error;
  }
}

/** "<name> (copy)", or "(copy 2)", "(copy 3)"… when taken; the name shortened to stay within 255 characters. */
export function copyName(name: string, taken: readonly string[], t: Translate): string {
  const names = new Set(taken.map(comparable));
  for (let n = 1; ; n++) {
    const make = (base: string) => (n === 1 ? t("segments.copyName", { name: base }) : t("segments.copyNameNumbered", { name: base, number: n }));
    const overflow = characters(make(name)) - NAME_MAX;
    const candidate = overflow > 0 ? make(`${[...name].slice(0, Math.max(1, characters(name) - overflow - 1)).join("")}…`) : make(name);
    if (!names.has(comparable(candidate))) return candidate;
  }
}

/** A copy of the shop's segment under a free "(copy)" name, with its own handle and members; null for no such segment. */
export async function duplicateSegment(args: { db: Db; kind: DatabaseKind; shop: string; id: string; now: Date; locale?: Locale }): Promise<SaveResult | null> {
  const { db, kind, shop, id, now } = args;
  const owner = await segmentShop({ db, shop });
  if (!owner) return null;
  const source = await findSegment({ db, shopId: owner.id, id });
  if (!source) return null;
  const others = await segmentNamesAndHandles({ db, shopId: owner.id });
  const name = copyName(source.name, others.map((other) => other.name), translator(args.locale ?? "en"));
  return saveSegment({ db, kind, shop, name, description: source.description, query: source.query, templateKey: source.templateKey, now, locale: args.locale });
}

/** Deletes those of the ids that are this shop's segments; returns how many were deleted. */
export async function deleteSegments(args: { db: Db; shop: string; ids: readonly string[] }): Promise<number> {
  // their members lose them in Shopify too: marked for publishing in the same transaction as the
  // delete; so are their native mirrors' removals (read before the rows and their ids are gone), so
  // a crash cannot leave a mirror in Shopify behind a deleted segment
  return withMembersRepublished(args.db, { shop: args.shop, segmentIds: args.ids }, async (tx) => {
    const db = tx as unknown as Db;
    const mirrors = await mirrorsOfSegments(db, args);
    const deleted = await deleteShopSegments({ ...args, db });
    await queueMirrorRemovals(db, mirrors, new Date());
    return deleted;
  });
}

/** The shop's segment, or null (another shop's, or none). */
export async function getSegment(args: { db: Db; shop: string; id: string }): Promise<SegmentView | null> {
  const shop = await segmentShop({ db: args.db, shop: args.shop });
  if (!shop) return null;
  const row = await findSegment({ db: args.db, shopId: shop.id, id: args.id });
  return row ? view(row) : null;
}

// ------------------------------------------------------------------------------------------------
// the index

export const SEGMENT_SORTS = ["name", "members", "updated", "change"] as const;
export type SegmentSort = (typeof SEGMENT_SORTS)[number];

export interface SegmentListItem {
  id: string;
  name: string;
  handle: string;
  memberCount: number;
  updatedAt: Date;
  /** members on the nearest day on or before 30 days ago (the shop's calendar); null without history that old */
  membersThirtyDaysAgo: number | null;
  /** memberCount − membersThirtyDaysAgo */
  change: number | null;
}

export interface SegmentList {
  segments: SegmentListItem[];
  /** the shop's segments before the search */
  total: number;
}

/**
 * The shop's segments for the index: searched by name (any case), sorted by name, members, last
 * update or 30-day change (segments without a change last either way; ties by name); the first
 * `limit` of them when given (the home page's largest segments).
 */
export async function listSegments(args: { db: Db; kind: DatabaseKind; shop: string; search?: string; sort?: SegmentSort; direction?: "asc" | "desc"; limit?: number; now: Date; locale?: Locale }): Promise<SegmentList> {
  const { db, kind } = args;
  const shop = await segmentShop({ db, shop: args.shop });
  if (!shop) return { segments: [], total: 0 };
  const day = addDays(localDay(args.now.getTime(), shopTimeZone(shop)), -30);
  const [rows, sizes] = await Promise.all([shopSegments({ db, shopId: shop.id }), segmentSizesOnOrBefore({ db, kind, shopId: shop.id, day })]);
  const words = comparable(args.search ?? "")
    .split(/\s+/)
    .filter(Boolean);
  const found = rows.filter((row) => words.every((word) => comparable(row.name).includes(word)));
  const segments = found.map((row): SegmentListItem => {
    const before = sizes.get(row.id) ?? null;
    return { id: row.id, name: row.name, handle: row.handle, memberCount: row.memberCount, updatedAt: row.updatedAt, membersThirtyDaysAgo: before, change: before === null ? null : row.memberCount - before };
  });
  const collator = new Intl.Collator(args.locale === "nl" ? "nl" : "en", { sensitivity: "base", numeric: true });
  const byName = (a: SegmentListItem, b: SegmentListItem) => collator.compare(a.name, b.name) || a.id.localeCompare(b.id);
  const sign = args.direction === "desc" ? -1 : 1;
  const sort = args.sort ?? "name";
  segments.sort((a, b) => {
    switch (sort) {
      case "name":
        return sign * byName(a, b);
      case "members":
        return sign * (a.memberCount - b.memberCount) || byName(a, b);
      case "updated":
        return sign * (a.updatedAt.getTime() - b.updatedAt.getTime()) || byName(a, b);
      case "change":
        if (a.change === null || b.change === null) return a.change === b.change ? byName(a, b) : a.change === null ? 1 : -1;
        return sign * (a.change - b.change) || byName(a, b);
    }
  });
  const shown = args.limit === undefined ? segments : segments.slice(0, Math.max(0, Math.trunc(args.limit)));
  return { segments: shown, total: rows.length };
}

// ------------------------------------------------------------------------------------------------
// the live count

/**
 * The editor's live count: checks the query against the shop's filters, compiles it to SQL for the
 * store and runs the count and the first members (biggest spenders first) in the database. Problems
 * are a normal answer while the merchant types. Null for an unknown shop.
 */
export async function countSegment(args: { db: Db; kind: DatabaseKind; shop: string; query: string; now: Date; previewSize?: number; locale?: Locale }): Promise<CountResponse | null> {
  const started = performance.now();
  const { db, kind } = args;
  const shop = await segmentShop({ db, shop: args.shop });
  if (!shop) return null;
  const analysis = analyse(args.query, { metafields: metafieldsOf(shop) });
  if (!analysis.ok) return { ok: false, problems: queryProblems(analysis.errors, args.locale) };
  const compiled = compileToSql(analysis.checked, { dialect: kind, shopId: shop.id, now: args.now.getTime(), timeZone: shopTimeZone(shop), currencyDigits: currencyDigits(shop.currencyCode) });
  const previewSize = Math.min(100, Math.max(0, Math.trunc(args.previewSize ?? 10)));
  const { count, preview: rows } = await countAndPreview(db, compiled, previewSize);
  const t = translator(args.locale ?? "en");
  const preview = rows.map((row) => ({
    id: row.id,
    name: customerName(t, row),
    email: row.email,
    orders: row.numberOfOrders,
    amountSpentMinor: row.amountSpentMinor.toString(),
    lastOrderAt: row.lastOrderAt?.toISOString() ?? null,
  }));
  return { ok: true, count, preview, milliseconds: Math.round((performance.now() - started) * 10) / 10 };
}

// ------------------------------------------------------------------------------------------------
// values from the store

/** Function parameters whose values come from the store: `products_purchased.sku` and so on. */
const PARAMETER_SOURCES: Readonly<Record<string, ValueSource>> = {
  "products_purchased.id": {
    from: `"Product" AS p`,
    alias: "p",
    group: `p."shopifyId"`,
    value: `p."shopifyId"`,
    labels: [`min(p."title")`],
    match: [`p."title"`, `p."shopifyId"`],
  },
  "products_purchased.sku": {
    from: `"ProductVariant" AS v JOIN "Product" AS p ON p."id" = v."productId"`,
    alias: "v",
    group: `v."sku"`,
    value: `v."sku"`,
    labels: [`min(p."title")`],
    match: [`v."sku"`],
  },
  "products_purchased.tag": { from: `"ProductTag" AS pt`, alias: "pt", group: `pt."normalized"`, value: `min(pt."tag")`, labels: [], match: [`pt."normalized"`] },
  "products_purchased.product_type": { from: `"Product" AS p`, alias: "p", group: `p."productType"`, value: `p."productType"`, labels: [], match: [`p."productType"`] },
};

const FILTER_SOURCES: Readonly<Record<string, ValueSource>> = {
  customer_tags: { from: `"CustomerTag" AS t`, alias: "t", group: `t."normalized"`, value: `min(t."tag")`, labels: [], match: [`t."normalized"`] },
  customer_cities: {
    from: `"CustomerAddress" AS a`,
    alias: "a",
    group: `a."cityKey"`,
    value: `a."cityKey"`,
    labels: [`min(a."city")`, `min(a."provinceCode")`, `min(a."countryCode")`],
    match: [`a."city"`, `a."cityKey"`],
  },
  customer_regions: {
    from: `"CustomerAddress" AS a`,
    alias: "a",
    group: `a."regionKey"`,
    value: `a."regionKey"`,
    labels: [`min(a."province")`, `min(a."countryCode")`],
    match: [`a."province"`, `a."regionKey"`],
  },
  customer_email_domain: { from: `"Customer" AS c`, alias: "c", group: `c."emailDomain"`, value: `c."emailDomain"`, labels: [], match: [`c."emailDomain"`] },
  products_purchased: PARAMETER_SOURCES["products_purchased.id"] as ValueSource,
};

/** Few enough per shop to match by their names in the merchant's language, not only by code. */
const NAMED_CODE_SOURCES: Readonly<Record<string, { source: ValueSource; names: "region" | "language" }>> = {
  customer_countries: { source: { from: `"CustomerAddress" AS a`, alias: "a", group: `a."countryCode"`, value: `a."countryCode"`, labels: [], match: [] }, names: "region" },
  customer_language: { source: { from: `"Customer" AS c`, alias: "c", group: `c."locale"`, value: `c."locale"`, labels: [], match: [] }, names: "language" },
};

/** The filters whose value input can ask the store for values (enums carry theirs in the catalogue). */
export function suggestsValues(definition: FilterDefinition): boolean {
  if (definition.name in FILTER_SOURCES || definition.name in NAMED_CODE_SOURCES) return true;
  return definition.group === "metafields" && definition.name.startsWith("metafields.") && definition.type === "string";
}

const METAFIELD_NAME = /^metafields\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Whether `filter` names something suggestions can be asked for: a filter of the catalogue, a
 * `metafields.<namespace>.<key>` filter, or a function parameter (`products_purchased.sku`).
 */
export function isSuggestionFilter(filter: string): boolean {
  if (FILTERS.has(filter) || METAFIELD_NAME.test(filter)) return true;
  const dot = filter.indexOf(".");
  if (dot < 0) return false;
  const definition = FILTERS.get(filter.slice(0, dot));
  return definition?.parameters?.some((parameter) => parameter.name === filter.slice(dot + 1)) ?? false;
}

function displayName(kind: "region" | "language", code: string, locale: Locale): string | null {
  try {
    const name = new Intl.DisplayNames([locale], { type: kind, fallback: "none" }).of(code);
    return name && name !== code ? name : null;
  } catch {
    return null; // not a code Intl knows
  }
}

const SUGGESTIONS_MAX = 50;

/**
 * Values from the store for a filter's value input: tags as written, cities and regions in the
 * language's key form (`US-CA-LosAngeles`) with a readable label, countries and languages by code
 * or name, e-mail domains, products (title → id), SKUs, product tags and types, string metafield
 * values, and enum values from the catalogue. Matched on `q` anywhere, any case; those starting with
 * it first, then the most common. A filter that has no such values gives an empty list.
 */
export async function suggestValues(args: { db: Db; kind: DatabaseKind; shop: string; filter: string; q: string; limit?: number; locale?: Locale }): Promise<SuggestionsResponse> {
  const { db, kind, filter } = args;
  const locale = args.locale ?? "en";
  const limit = Math.min(SUGGESTIONS_MAX, Math.max(1, Math.trunc(args.limit ?? 20)));
  const q = args.q.trim().slice(0, 200);
  const none: SuggestionsResponse = { filter, suggestions: [] };

  const definition = FILTERS.get(filter);
  if (definition?.values) {
    const t = translator(locale);
    const label = (value: string) =>
      filter === "rfm_group" ? rfmGroupLabel(t, value as RfmGroup) : filter === "predicted_spend_tier" ? tierLabel(t, value as SpendTier) : value;
    const wanted = q.toLowerCase();
    const suggestions = definition.values
      .map((value) => ({ value, label: label(value) }))
      .filter((option) => option.value.toLowerCase().includes(wanted) || option.label.toLowerCase().includes(wanted));
    return { filter, suggestions: suggestions.slice(0, limit) };
  }

  const shop = await segmentShop({ db, shop: args.shop });
  if (!shop) return none;

  const named = NAMED_CODE_SOURCES[filter];
  if (named) {
    // every code the shop has (a few hundred at most), matched here by code or by name
    const codes = await storedValues(db, kind, shop.id, named.source, "", 1_000);
    const wanted = q.toLowerCase();
    const options = codes.map((row) => {
      const name = displayName(named.names, row.value, locale);
      return { value: row.value, label: name ? `${name} (${row.value})` : row.value, name: name ?? "", rows: row.rows };
    });
    const starts = (option: (typeof options)[number]) => option.value.toLowerCase().startsWith(wanted) || option.name.toLowerCase().startsWith(wanted);
    const matching = options.filter((option) => option.value.toLowerCase().includes(wanted) || option.name.toLowerCase().includes(wanted));
    matching.sort((a, b) => Number(starts(b)) - Number(starts(a)) || b.rows - a.rows || a.value.localeCompare(b.value));
    return { filter, suggestions: matching.slice(0, limit).map(({ value, label }) => ({ value, label })) };
  }

  let source = FILTER_SOURCES[filter] ?? PARAMETER_SOURCES[filter];
  if (!source && METAFIELD_NAME.test(filter)) {
    const [, namespace = "", key = ""] = filter.split(".");
    const known = shop.metafieldDefinitions.find((m) => m.namespace === namespace && m.key === key);
    const asFilter = known ? metafieldFilter(known) : null;
    if (!asFilter || asFilter.type !== "string") return none;
    source = {
      from: `"CustomerMetafield" AS m`,
      alias: "m",
      group: `m."value"`,
      value: `m."value"`,
      labels: [],
      match: [`m."value"`],
      where: [{ sql: `m."namespace" = ? AND m."key" = ?`, params: [namespace, key] }],
    };
  }
  if (!source) return none;
  const rows = await storedValues(db, kind, shop.id, source, q, limit);
  return { filter, suggestions: rows.map((row) => ({ value: row.value, label: valueLabel(filter, row.value, row.labels, locale) })) };
}

function valueLabel(filter: string, value: string, labels: (string | null)[], locale: Locale): string {
  switch (filter) {
    case "customer_cities": {
      const [city, province, country] = labels;
      const countryName = country ? (displayName("region", country, locale) ?? country) : null;
      return [city, province, countryName].filter(Boolean).join(", ") || value;
    }
    case "customer_regions": {
      const [province, country] = labels;
      const countryName = country ? (displayName("region", country, locale) ?? country) : null;
      return province ? `${[province, countryName].filter(Boolean).join(", ")} (${value})` : value;
    }
    case "products_purchased":
    case "products_purchased.id":
      return labels[0] ? `${labels[0]} (${value})` : value;
    case "products_purchased.sku":
      return labels[0] ? `${value} · ${labels[0]}` : value;
    default:
      return value;
  }
}
