/**
 * The shop's segments as the admin reads and writes them. Every function takes the owner (the
 * shop's domain or its Shop row id) and puts it in its `where`, so another shop's segment cannot be
 * reached by forgetting a filter.
 */
import type { DatabaseKind, Db } from "~/db/client";

/** The fields the admin shows of a segment. */
export const SEGMENT_FIELDS = {
  id: true,
  name: true,
  handle: true,
  description: true,
  query: true,
  templateKey: true,
  memberCount: true,
  computedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

export interface SegmentRow {
  id: string;
  name: string;
  handle: string;
  description: string | null;
  query: string;
  templateKey: string | null;
  memberCount: number;
  computedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What the segment use cases need of a shop: its id, money, time zone and customer metafield definitions. */
export async function segmentShop({ db, shop }: { db: Db; shop: string }) {
  return db.shop.findUnique({
    where: { domain: shop },
    select: {
      id: true,
      currencyCode: true,
      ianaTimezone: true,
      metafieldDefinitions: { where: { ownerType: "CUSTOMER" }, select: { namespace: true, key: true, type: true, name: true }, orderBy: [{ namespace: "asc" }, { key: "asc" }] },
    },
  });
}

export type SegmentShop = NonNullable<Awaited<ReturnType<typeof segmentShop>>>;

export async function findSegment({ db, shopId, id }: { db: Db; shopId: number; id: string }): Promise<SegmentRow | null> {
  return db.segment.findFirst({ where: { id, shopId }, select: SEGMENT_FIELDS });
}

/** Every segment of the shop with the fields the index shows. */
export async function shopSegments({ db, shopId }: { db: Db; shopId: number }): Promise<SegmentRow[]> {
  return db.segment.findMany({ where: { shopId }, select: SEGMENT_FIELDS, orderBy: { id: "asc" } });
}

/** Names and handles of the shop's segments: what uniqueness is checked against. */
export async function segmentNamesAndHandles({ db, shopId }: { db: Db; shopId: number }) {
  return db.segment.findMany({ where: { shopId }, select: { id: true, name: true, handle: true } });
}

/**
 * Handles of deleted segments that a segment discount still names: a new segment must not take
 * one, or the discount would quietly apply to its members (decision 013).
 */
export async function handlesNamedByDiscounts({ db, shopId }: { db: Db; shopId: number }): Promise<string[]> {
  const rows = await db.segmentDiscountSegment.findMany({ where: { shopId, segmentId: null }, select: { handle: true }, distinct: ["handle"] });
  return rows.map((row) => row.handle);
}

/** Deletes those of the ids that are this shop's segments (their members, history and events go with them); returns how many. */
export async function deleteShopSegments({ db, shop, ids }: { db: Db; shop: string; ids: readonly string[] }): Promise<number> {
  if (ids.length === 0) return 0;
  const { count } = await db.segment.deleteMany({ where: { shop: { domain: shop }, id: { in: [...new Set(ids)] } } });
  return count;
}

/**
 * Each segment's size on the latest day on or before `day` (the shop's calendar days, 'YYYY-MM-DD'
 * sorts as text): one index seek per segment on SegmentSizeHistory's (segmentId, day) key. Segments
 * without such a day are absent.
 */
export async function segmentSizesOnOrBefore({ db, kind, shopId, day }: { db: Db; kind: DatabaseKind; shopId: number; day: string }): Promise<Map<string, number>> {
  const q = new Statement(kind);
  const rows = await db.$queryRawUnsafe<{ segmentId: string; memberCount: number | bigint | null }[]>(
    `SELECT s."id" AS "segmentId",
            (SELECT h."memberCount" FROM "SegmentSizeHistory" AS h
              WHERE h."segmentId" = s."id" AND h."day" <= ${q.text(day)}
              ORDER BY h."day" DESC LIMIT 1) AS "memberCount"
       FROM "Segment" AS s WHERE s."shopId" = ${q.int(shopId)}`,
    ...q.params,
  );
  const sizes = new Map<string, number>();
  for (const row of rows) if (row.memberCount !== null) sizes.set(row.segmentId, Number(row.memberCount));
  return sizes;
}

// ------------------------------------------------------------------------------------------------
// the live count

/** A first member as the preview table shows them. */
export interface PreviewRow {
  id: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  numberOfOrders: number;
  amountSpentMinor: bigint;
  lastOrderAt: Date | null;
}

/**
 * A compiled segment query's size and its first members, biggest spenders first (ties by id), in one
 * statement. The segment is materialised once (a CTE AS MATERIALIZED, on both stores) and then
 * joined to Customer by primary key: inside `c."id" IN (…)` SQLite re-plans the compiled query, and
 * for `products_purchased MATCHES (id = …, date > …)` it walked every order against every line of
 * the product — minutes on the demo shop instead of milliseconds.
 */
export async function countAndPreview(db: Db, compiled: { text: string; params: readonly unknown[] }, limit: number): Promise<{ count: number; preview: PreviewRow[] }> {
  // the compiled text has its own parameters; the limit is ours and a whole number, so it goes in as a literal
  const rows = await db.$queryRawUnsafe<
    {
      total: number | bigint;
      id: number | bigint | null;
      firstName: string | null;
      lastName: string | null;
      email: string | null;
      numberOfOrders: number | bigint | null;
      amountSpentMinor: number | bigint | string | null;
      lastOrderAt: Date | string | null;
    }[]
  >(
    `WITH segment AS MATERIALIZED (${compiled.text}),
          total AS (SELECT count(*) AS "count" FROM segment)
     SELECT t."count" AS "total", f."id" AS "id", f."firstName" AS "firstName", f."lastName" AS "lastName", f."email" AS "email",
            f."numberOfOrders" AS "numberOfOrders", f."amountSpentMinor" AS "amountSpentMinor", f."lastOrderAt" AS "lastOrderAt"
       FROM total AS t
       LEFT JOIN (SELECT c."id", c."firstName", c."lastName", c."email", c."numberOfOrders", c."amountSpentMinor", c."lastOrderAt"
                    FROM segment AS s JOIN "Customer" AS c ON c."id" = s."id"
                   ORDER BY c."amountSpentMinor" DESC, c."id" ASC
                   LIMIT ${Math.max(0, Math.trunc(limit))}) AS f ON 1 = 1
      ORDER BY f."amountSpentMinor" DESC, f."id" ASC`,
    ...compiled.params,
  );
  const count = Number(rows[0]?.total ?? 0);
  const preview = rows.flatMap((row): PreviewRow[] =>
    row.id === null
      ? []
      : [
          {
            id: Number(row.id),
            firstName: row.firstName,
            lastName: row.lastName,
            email: row.email,
            numberOfOrders: Number(row.numberOfOrders ?? 0),
            amountSpentMinor: BigInt(row.amountSpentMinor ?? 0),
            lastOrderAt: row.lastOrderAt === null ? null : new Date(row.lastOrderAt),
          },
        ],
  );
  return { count, preview };
}

// ------------------------------------------------------------------------------------------------
// values from the store, for the editor's value inputs

/**
 * Where a kind of value lives: the rows (`from`, whose alias carries "shopId"), what groups them
 * into one value, the value and label parts, and the columns the typed text is matched against.
 * All of it is this file's own SQL, never the merchant's text.
 */
export interface ValueSource {
  readonly from: string;
  readonly alias: string;
  readonly group: string;
  readonly value: string;
  /** label parts (aggregates), joined by the caller */
  readonly labels: readonly string[];
  readonly match: readonly string[];
  /** extra conditions with their parameters */
  readonly where?: { readonly sql: string; readonly params: readonly (string | number)[] }[];
}

export interface StoredValue {
  value: string;
  labels: (string | null)[];
  /** rows holding the value (customers with the tag, addresses in the city…) */
  rows: number;
}

/**
 * Distinct values of a source in the shop that contain the text (any case), those that start with it
 * first, then the most common; `text` empty gives the most common. LIKE with an explicit escape, so
 * % and _ in the text are literal on both stores.
 */
export async function storedValues(db: Db, kind: DatabaseKind, shopId: number, source: ValueSource, text: string, limit: number): Promise<StoredValue[]> {
  const q = new Statement(kind);
  const lowered = text.toLowerCase().replace(/[\\%_]/g, "\\$&");
  const like = (pattern: string) => `(${source.match.map((column) => `lower(${column}) LIKE ${q.text(pattern)} ESCAPE '\\'`).join(" OR ")})`;
  // placeholders in text order (SQLite's ? are positional): the select list's first, then the where clause's
  const prefix = lowered === "" ? "0" : `max(CASE WHEN ${like(`${lowered}%`)} THEN 1 ELSE 0 END)`;
  const conditions = [`${source.alias}."shopId" = ${q.int(shopId)}`, `${source.group} IS NOT NULL`];
  for (const extra of source.where ?? []) {
    let i = 0;
    conditions.push(extra.sql.replace(/\?/g, () => q.p(extra.params[i++] ?? null)));
  }
  if (lowered !== "") conditions.push(like(`%${lowered}%`));
  const labels = source.labels.map((label, i) => `${label} AS "label${i}"`).join(", ");
  const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT ${source.value} AS "value"${labels ? `, ${labels}` : ""}, count(*) AS "rows", ${prefix} AS "prefix"
       FROM ${source.from}
      WHERE ${conditions.join(" AND ")}
      GROUP BY ${source.group}
      ORDER BY "prefix" DESC, "rows" DESC, "value" ASC
      LIMIT ${Math.max(1, Math.trunc(limit))}`,
    ...q.params,
  );
  return rows.map((row) => ({
    value: String(row.value),
    labels: source.labels.map((_, i) => (row[`label${i}`] === null || row[`label${i}`] === undefined ? null : String(row[`label${i}`]))),
    rows: Number(row.rows),
  }));
}

/** One statement's parameters in placeholder order: `?` on SQLite, `$n` (typed) on PostgreSQL. */
class Statement {
  readonly params: unknown[] = [];
  constructor(private readonly kind: DatabaseKind) {}
  p(value: unknown): string {
    this.params.push(value);
    return this.kind === "postgresql" ? `$${this.params.length}` : "?";
  }
  int(value: number): string {
    return this.kind === "postgresql" ? `CAST(${this.p(value)} AS integer)` : this.p(value);
  }
  text(value: string): string {
    return this.kind === "postgresql" ? `CAST(${this.p(value)} AS text)` : this.p(value);
  }
}
