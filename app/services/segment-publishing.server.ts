/**
 * The merchant's publishing controls per segment: a customer tag `segment:<handle>` on its members
 * (publishTag) and a native Shopify segment kept in step (mirrorNative), on the segment page and in
 * bulk on the settings page. Every read and write is scoped by the session's shop; input is
 * checked with zod and refused with a message per field.
 *
 * Turning a toggle changes the segment row but not its updatedAt: it is not an edit of the segment
 * (and the editor, keyed on updatedAt, keeps what the merchant is typing).
 */
import { z } from "zod";
import type { Db } from "~/db/client";
import type { MessageKey } from "~/i18n";
import { mirrorViews, nativeMirrorability, queueMirrorSync } from "./native-segments.server";
import { segmentTag, withMembersRepublished } from "./publish.server";
import type { MirrorReason, PublishingErrors, PublishingView } from "./publishing.types";

/** The theme app extension's block (extensions/segment-banner/blocks/segment-banner.liquid). */
export const BANNER_BLOCK_HANDLE = "segment-banner";

/**
 * The theme editor, opened on the home page template with the banner block ready to add in a new
 * Apps section. `addAppBlockId` is the app's API key (client id) and the block's file name, as
 * Shopify's theme app extension docs write the deep link; `shopify://admin/…` is how App Bridge
 * opens an admin page from the embedded app (with target _top).
 */
export function themeEditorUrl(apiKey: string): string {
  return `shopify://admin/themes/current/editor?template=index&addAppBlockId=${encodeURIComponent(apiKey)}/${BANNER_BLOCK_HANDLE}&target=newAppsSection`;
}

const PUBLISHING_FIELDS = { id: true, name: true, handle: true, query: true, publishTag: true, mirrorNative: true, nativeSegmentId: true } as const;

type PublishingRow = { id: string; name: string; handle: string; query: string; publishTag: boolean; mirrorNative: boolean; nativeSegmentId: string | null };

async function views(db: Db, shopId: number, rows: readonly PublishingRow[]): Promise<PublishingView[]> {
  const mirrors = await mirrorViews(db, { shopId, segments: rows });
  return rows.flatMap((row) => {
    const mirror = mirrors.get(row.id);
    return mirror ? [{ segmentId: row.id, name: row.name, handle: row.handle, tag: segmentTag(row.handle), publishTag: row.publishTag, mirror }] : [];
  });
}

async function shopIdOf(db: Db, shop: string): Promise<number | null> {
  return (await db.shop.findUnique({ where: { domain: shop }, select: { id: true } }))?.id ?? null;
}

/** The publishing of the shop's segment, or null (another shop's, or none). */
export async function segmentPublishing(db: Db, args: { shop: string; id: string }): Promise<PublishingView | null> {
  const shopId = await shopIdOf(db, args.shop);
  if (shopId === null) return null;
  const row = await db.segment.findFirst({ where: { id: args.id, shopId }, select: PUBLISHING_FIELDS });
  return row ? ((await views(db, shopId, [row]))[0] ?? null) : null;
}

/** The publishing of every segment of the shop, by name; null for an unknown shop. */
export async function shopPublishing(db: Db, args: { shop: string }): Promise<PublishingView[] | null> {
  const shopId = await shopIdOf(db, args.shop);
  if (shopId === null) return null;
  const rows = await db.segment.findMany({ where: { shopId }, select: PUBLISHING_FIELDS, orderBy: [{ name: "asc" }, { id: "asc" }] });
  return views(db, shopId, rows);
}

// ------------------------------------------------------------------------------------------------
// the toggles

const message = (key: MessageKey): MirrorReason => ({ key, params: {} });
const flag = z.enum(["true", "false"], { error: "publishing.error.flag" }).transform((value) => value === "true");

/** The segment page's toggles: either or both, as "true" / "false". */
export const publishingSchema = z
  .object({ publishTag: flag.optional(), mirrorNative: flag.optional() })
  .refine((input) => input.publishTag !== undefined || input.mirrorNative !== undefined, { error: "publishing.error.nothing", path: ["publishTag"] });

/** The settings page's bulk switch: tags or mirrors, on or off, for every segment of the shop. */
export const bulkPublishingSchema = z.object({
  target: z.enum(["tags", "mirrors"], { error: "publishing.error.target" }),
  value: z.enum(["on", "off"], { error: "publishing.error.value" }),
});

function fieldErrors(error: z.ZodError): PublishingErrors["fields"] {
  const fields: PublishingErrors["fields"] = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (field === "publishTag" || field === "mirrorNative" || field === "target" || field === "value") fields[field] ??= message(issue.message as MessageKey);
  }
  return fields;
}

async function customerMetafields(db: Db, shopId: number) {
  return db.metafieldDefinition.findMany({ where: { shopId, ownerType: "CUSTOMER" }, select: { namespace: true, key: true, type: true, name: true } });
}

/**
 * Sets a segment's toggles from form fields. A change of the tag marks the segment's members for
 * the next publish (which adds or removes `segment:<handle>`) in the same transaction. Turning the
 * mirror on for a query Shopify's segments cannot say is refused with the reason; any change of
 * the mirror toggle queues a sync of the mirror (which also removes it). Null when `id` is not a
 * segment of this shop.
 */
export async function savePublishing(
  db: Db,
  args: { shop: string; id: string; form: Record<string, unknown>; now: Date },
): Promise<{ ok: true; publishing: PublishingView } | PublishingErrors | null> {
  const shopId = await shopIdOf(db, args.shop);
  if (shopId === null) return null;
  const row = await db.segment.findFirst({ where: { id: args.id, shopId }, select: { ...PUBLISHING_FIELDS, updatedAt: true } });
  if (!row) return null;
  const parsed = publishingSchema.safeParse(args.form);
  if (!parsed.success) return { ok: false, fields: fieldErrors(parsed.error) };
  const { publishTag, mirrorNative } = parsed.data;
  if (mirrorNative === true && !row.mirrorNative) {
    const mirrorability = nativeMirrorability(row.query, await customerMetafields(db, shopId));
    if (!mirrorability.ok) return { ok: false, fields: { mirrorNative: mirrorability.reason } };
  }
  if (publishTag !== undefined && publishTag !== row.publishTag) {
    await withMembersRepublished(db, { shopId, segmentIds: [row.id], now: args.now }, (tx) =>
      tx.segment.updateMany({ where: { id: row.id, shopId }, data: { publishTag, updatedAt: row.updatedAt } }),
    );
  }
  if (mirrorNative !== undefined && mirrorNative !== row.mirrorNative) {
    // the toggle and the sync that follows it commit together
    await db.$transaction(async (tx) => {
      await tx.segment.updateMany({ where: { id: row.id, shopId }, data: { mirrorNative, updatedAt: row.updatedAt } });
      await queueMirrorSync(tx as unknown as Db, { shopId, segmentId: row.id, now: args.now });
    });
  }
  const publishing = await segmentPublishing(db, { shop: args.shop, id: row.id });
  return publishing ? { ok: true, publishing } : null;
}

/**
 * Turns tags or mirrors on or off for every segment of the shop (mirrors on: only those whose query
 * Shopify's segments can say). Returns how many segments changed; null for an unknown shop.
 */
export async function bulkPublishing(db: Db, args: { shop: string; form: Record<string, unknown>; now: Date }): Promise<{ ok: true; changed: number } | PublishingErrors | null> {
  const shopId = await shopIdOf(db, args.shop);
  if (shopId === null) return null;
  const parsed = bulkPublishingSchema.safeParse(args.form);
  if (!parsed.success) return { ok: false, fields: fieldErrors(parsed.error) };
  const on = parsed.data.value === "on";
  if (parsed.data.target === "tags") {
    const rows = await db.segment.findMany({ where: { shopId, publishTag: !on }, select: { id: true, updatedAt: true } });
    if (rows.length === 0) return { ok: true, changed: 0 };
    // their members are marked for the next publish in the same transaction; one update per row keeps each row's updatedAt
    await withMembersRepublished(db, { shopId, segmentIds: rows.map((row) => row.id), now: args.now }, async (tx) => {
      for (const row of rows) await tx.segment.updateMany({ where: { id: row.id, shopId }, data: { publishTag: on, updatedAt: row.updatedAt } });
    });
    return { ok: true, changed: rows.length };
  }
  const candidates = await db.segment.findMany({ where: { shopId, mirrorNative: !on }, select: { id: true, query: true, updatedAt: true } });
  const metafields = on ? await customerMetafields(db, shopId) : [];
  const changing = on ? candidates.filter((row) => nativeMirrorability(row.query, metafields).ok) : candidates;
  await db.$transaction(async (tx) => {
    for (const row of changing) {
      await tx.segment.updateMany({ where: { id: row.id, shopId }, data: { mirrorNative: on, updatedAt: row.updatedAt } });
      await queueMirrorSync(tx as unknown as Db, { shopId, segmentId: row.id, now: args.now });
    }
  });
  return { ok: true, changed: changing.length };
}
