/**
 * The shop's segment discounts as the admin reads and writes them. Every function takes the owner
 * (the Shop row's id) and puts it in its `where`, so another shop's discount cannot be reached by
 * forgetting a filter.
 */
import type { Db } from "~/db/client";
import type { DiscountMethod, SegmentDiscountStatus } from "~/db/generated/sqlite/client";

export const DISCOUNT_FIELDS = {
  id: true,
  shopifyId: true,
  method: true,
  code: true,
  title: true,
  configuration: true,
  startsAt: true,
  endsAt: true,
  usageLimit: true,
  appliesOncePerCustomer: true,
  combinesWithProduct: true,
  combinesWithOrder: true,
  combinesWithShipping: true,
  contextSegmentIds: true,
  status: true,
  createdAt: true,
  updatedAt: true,
  segments: { select: { handle: true, name: true, segmentId: true, segment: { select: { name: true, nativeSegmentId: true } } }, orderBy: { handle: "asc" } },
} as const;

export interface DiscountSegmentRow {
  handle: string;
  name: string;
  segmentId: string | null;
  segment: { name: string; nativeSegmentId: string | null } | null;
}

export type DiscountRow = DiscountValues & { id: string; createdAt: Date; updatedAt: Date; segments: DiscountSegmentRow[] };

/** What a discount's use cases need of the shop. */
export async function discountShop({ db, shop }: { db: Db; shop: string }) {
  return db.shop.findUnique({ where: { domain: shop }, select: { id: true, currencyCode: true, ianaTimezone: true } });
}

export type DiscountShop = NonNullable<Awaited<ReturnType<typeof discountShop>>>;

export async function findShopDiscount({ db, shopId, id }: { db: Db; shopId: number; id: string }): Promise<DiscountRow | null> {
  return db.segmentDiscount.findFirst({ where: { id, shopId }, select: DISCOUNT_FIELDS });
}

/** The shop's discount with one of these Shopify gids. */
export async function findShopDiscountByShopifyId({ db, shopId, shopifyIds }: { db: Db; shopId: number; shopifyIds: readonly string[] }): Promise<{ id: string } | null> {
  return db.segmentDiscount.findFirst({ where: { shopId, shopifyId: { in: [...shopifyIds] } }, select: { id: true } });
}

/** Every discount of the shop, newest first. */
export async function shopDiscounts({ db, shopId }: { db: Db; shopId: number }): Promise<DiscountRow[]> {
  return db.segmentDiscount.findMany({ where: { shopId }, select: DISCOUNT_FIELDS, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
}

/** The shop's discounts that name the segment, newest first. */
export async function discountsNamingSegment({ db, shopId, segmentId }: { db: Db; shopId: number; segmentId: string }): Promise<DiscountRow[]> {
  return db.segmentDiscount.findMany({ where: { shopId, segments: { some: { segmentId, shopId } } }, select: DISCOUNT_FIELDS, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
}

/**
 * The shop's discounts that name the segment, or whose eligibility in Shopify names this native
 * segment (a deleted segment's discounts: their link to it is gone, the mirror's id is not).
 */
export async function discountsFollowingSegment({ db, shopId, segmentId, nativeSegmentId }: { db: Db; shopId: number; segmentId: string; nativeSegmentId: string | null }): Promise<DiscountRow[]> {
  return db.segmentDiscount.findMany({
    where: {
      shopId,
      OR: [{ segments: { some: { segmentId, shopId } } }, ...(nativeSegmentId ? [{ contextSegmentIds: { contains: JSON.stringify(nativeSegmentId) } }] : [])],
    },
    select: DISCOUNT_FIELDS,
    orderBy: { id: "asc" },
  });
}

/** The shop's segments a discount can name, by name. */
export async function segmentChoices({ db, shopId }: { db: Db; shopId: number }) {
  return db.segment.findMany({ where: { shopId }, select: { id: true, name: true, handle: true, nativeSegmentId: true }, orderBy: [{ name: "asc" }, { id: "asc" }] });
}

/** The values a discount row holds, but its segments. */
export interface DiscountValues {
  shopifyId: string;
  method: DiscountMethod;
  code: string | null;
  title: string;
  configuration: string;
  startsAt: Date;
  endsAt: Date | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  combinesWithProduct: boolean;
  combinesWithOrder: boolean;
  combinesWithShipping: boolean;
  contextSegmentIds: string;
  status: SegmentDiscountStatus;
}

export interface NamedSegment {
  segmentId: string;
  handle: string;
  name: string;
}

/** Stores a new discount and the segments it names, together. */
export async function createShopDiscount({ db, shopId, values, segments, now }: { db: Db; shopId: number; values: DiscountValues; segments: readonly NamedSegment[]; now: Date }): Promise<{ id: string }> {
  return db.segmentDiscount.create({
    data: { shopId, ...values, createdAt: now, updatedAt: now, segments: { create: segments.map((segment) => ({ shopId, ...segment })) } },
    select: { id: true },
  });
}

/** Writes a discount's values and, when given, the segments it names now (in one transaction); false when it is not the shop's. */
export async function updateShopDiscount({ db, shopId, id, values, segments, now }: { db: Db; shopId: number; id: string; values: Partial<DiscountValues>; segments?: readonly NamedSegment[]; now: Date }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.segmentDiscount.updateMany({ where: { id, shopId }, data: { ...values, updatedAt: now } });
    if (count === 0 || !segments) return count > 0;
    await tx.segmentDiscountSegment.deleteMany({ where: { discountId: id, shopId } });
    await tx.segmentDiscountSegment.createMany({ data: segments.map((segment) => ({ discountId: id, shopId, ...segment })) });
    return true;
  });
}

/** Writes what Shopify now has without making it an edit of the discount (updatedAt kept: the page's form is keyed on it). */
async function recordKeepingUpdatedAt(db: Db, shopId: number, id: string, data: { contextSegmentIds?: string; status?: SegmentDiscountStatus }): Promise<void> {
  const row = await db.segmentDiscount.findFirst({ where: { id, shopId }, select: { updatedAt: true } });
  if (row) await db.segmentDiscount.updateMany({ where: { id, shopId }, data: { ...data, updatedAt: row.updatedAt } });
}

/** Records the native segments the discount's eligibility in Shopify names now. */
export async function recordDiscountContext({ db, shopId, id, segmentIds }: { db: Db; shopId: number; id: string; segmentIds: readonly string[] }): Promise<void> {
  await recordKeepingUpdatedAt(db, shopId, id, { contextSegmentIds: JSON.stringify(segmentIds) });
}

/** Records the discount's status after a pause or a resume. */
export async function recordDiscountStatus({ db, shopId, id, status }: { db: Db; shopId: number; id: string; status: SegmentDiscountStatus }): Promise<void> {
  await recordKeepingUpdatedAt(db, shopId, id, { status });
}

/** Deletes the shop's discount (its segment links go with it); whether there was one. */
export async function deleteShopDiscount({ db, shopId, id }: { db: Db; shopId: number; id: string }): Promise<boolean> {
  const { count } = await db.segmentDiscount.deleteMany({ where: { id, shopId } });
  return count > 0;
}
