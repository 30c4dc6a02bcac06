/**
 * The shop's customer metafield definitions kept as Shopify has them: read whole through the Admin
 * API and written over the store's (app/store/metafield-definitions.server.ts). The full sync does
 * it before it recomputes every segment; the daily reconcile and the metafield_definitions/*
 * webhooks do it and then re-check the segments whose query names a definition that came, went or
 * changed type — a segment that now checks gets its members, one whose definition is gone is
 * skipped and keeps its members (app/services/membership.server.ts), nothing fails.
 */
import type { DatabaseKind, Db } from "~/db/client";
import { logger } from "~/logger.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { fetchCustomerMetafieldDefinitions } from "~/shopify/operations/metafield-definitions";
import { replaceCustomerMetafieldDefinitions, type MetafieldDefinitionChanges } from "~/store/metafield-definitions.server";
import { BrokenSegmentError, recomputeSegment, SegmentNotFoundError } from "./membership.server";

export interface DefinitionsRefresh {
  changes: MetafieldDefinitionChanges;
  /** segments whose members were recomputed because a definition their query names changed */
  recomputed: string[];
  /** segments that name a definition the shop no longer has (or of a type the query cannot use): left as they were */
  broken: string[];
}

export interface RefreshDefinitionsArgs {
  shopId: number;
  admin: AdminClient;
  now: Date;
  /** re-check the segments that name a changed definition (default true; the sync recomputes every segment itself) */
  recheckSegments?: boolean;
  signal?: AbortSignal;
}

/** Reads the shop's customer metafield definitions from Shopify and makes the store's the same. */
export async function refreshMetafieldDefinitions(deps: { db: Db; kind: DatabaseKind }, args: RefreshDefinitionsArgs): Promise<DefinitionsRefresh> {
  const { db, kind } = deps;
  const definitions = await fetchCustomerMetafieldDefinitions(args.admin, args.signal ? { signal: args.signal } : {});
  const changes = await replaceCustomerMetafieldDefinitions(db, kind, { shopId: args.shopId, definitions });
  const result: DefinitionsRefresh = { changes, recomputed: [], broken: [] };
  if (changes.created.length + changes.updated.length + changes.deleted.length > 0) {
    logger.info({ shopId: args.shopId, created: changes.created, updated: changes.updated, deleted: changes.deleted }, "metafield definitions: the store follows Shopify");
  }
  if (args.recheckSegments === false || changes.checkChanged.length === 0) return result;

  const segments = await db.segment.findMany({ where: { shopId: args.shopId }, select: { id: true, query: true }, orderBy: { id: "asc" } });
  for (const segment of segments) {
    if (!changes.checkChanged.some((key) => namesMetafield(segment.query, key))) continue;
    args.signal?.throwIfAborted();
    try {
      await recomputeSegment(db, kind, { shopId: args.shopId, segmentId: segment.id, now: args.now });
      result.recomputed.push(segment.id);
    } catch (error) {
      if (error instanceof BrokenSegmentError) result.broken.push(segment.id);
      else if (!(error instanceof SegmentNotFoundError)) throw error; // deleted meanwhile: nothing to do
    }
  }
  return result;
}

/**
 * Whether a query's text names the metafield `namespace.key` — as a filter
 * (`metafields.facts.birth_date`) or inside an argument (`anniversary(date: 'metafields.facts.birth_date')`).
 * Text, not the checked AST: a query naming a definition the shop lacks does not check.
 */
export function namesMetafield(query: string, namespaceAndKey: string): boolean {
  const escaped = `metafields.${namespaceAndKey}`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![A-Za-z0-9_-])${escaped}(?![A-Za-z0-9_-])`).test(query);
}
