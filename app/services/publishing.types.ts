/**
 * What the publishing controls' server side (native-segments.server.ts, segment-publishing.server.ts)
 * and their components exchange. Plain JSON: loaders and fetchers serialise these as they are.
 */
import type { MessageKey } from "~/i18n";

/** Why a query cannot be mirrored, or what is wrong with a field: a locale key and its parameters. */
export interface MirrorReason {
  key: MessageKey;
  params: Record<string, string | number>;
}

export type Mirrorability = { ok: true } | { ok: false; reason: MirrorReason };

/** off: no mirror wanted or none left; pending: a sync waits or runs; mirrored: in step; error: Shopify refused it, or every attempt failed. */
export type MirrorState = "off" | "pending" | "mirrored" | "error";

/** A segment's native mirror as the segment page and the settings page show it. */
export interface MirrorView {
  /** the segment's mirrorNative */
  on: boolean;
  mirrorability: Mirrorability;
  state: MirrorState;
  nativeSegmentId: string | null;
  /** the mirror's name in Shopify, when Shopify had the segment's name taken */
  nativeName: string | null;
  /** the last failed attempt's error (state error, or pending while a retry waits) */
  error: string | null;
}

/** One segment's publishing, as the pages show it. */
export interface PublishingView {
  segmentId: string;
  name: string;
  handle: string;
  /** `segment:<handle>` */
  tag: string;
  publishTag: boolean;
  mirror: MirrorView;
}

export type PublishingField = "publishTag" | "mirrorNative" | "target" | "value";

/** A refused toggle: a message per field (status 400). */
export interface PublishingErrors {
  ok: false;
  fields: Partial<Record<PublishingField, MirrorReason>>;
}
