/**
 * The segment editor's server side: what the page loads (the segment or a template's prefill, and
 * the filters the picker offers — the catalogue plus the shop's own customer metafield
 * definitions) and what its form does (save, duplicate, delete). Types: ./segment-editor.types.ts.
 *
 * `?template=<key>` with a key no template has is ignored: the page opens as a blank new segment
 * (a stale link should not be a dead end).
 */
import { z } from "zod";
import type { DatabaseKind, Db } from "~/db/client";
import type { Locale } from "~/i18n";
import { FILTERS, metafieldFilter, operatorsOf, type FilterDefinition } from "~/segments/filters";
import { TEMPLATES } from "~/segments/templates";
import { findSegment, segmentShop } from "~/store/segments.server";
import type { PublishingErrors, PublishingView } from "./publishing.types";
import type { EditorData, EditorFilter, SaveErrors } from "./segment-editor.types";
import { savePublishing, segmentPublishing, themeEditorUrl } from "./segment-publishing.server";
import { deleteSegments, duplicateSegment, fieldMessages, saveSegment, suggestsValues } from "./segments.server";

/** The id of the editor's route for a segment not saved yet: /app/segments/new. */
export const NEW_SEGMENT = "new";

export function editorFilter(definition: FilterDefinition, locale: Locale): EditorFilter {
  return {
    name: definition.name,
    label: definition.label[locale],
    group: definition.group,
    type: definition.type,
    operators: [...operatorsOf(definition)],
    ...(definition.values ? { values: [...definition.values] } : {}),
    ...(definition.parameters ? { parameters: definition.parameters.map((parameter) => ({ ...parameter })) } : {}),
    ...(definition.integer ? { integer: true } : {}),
    native: definition.native,
    suggests: suggestsValues(definition),
  };
}

/**
 * What the editor page loads for a segment of the shop (`id`) or a new one ("new", optionally from
 * a template). Null when the id is not a segment of this shop, or the shop is unknown: a 404.
 */
export async function loadEditor(args: { db: Db; shop: string; id: string; templateKey?: string | null; locale: Locale; apiKey?: string }): Promise<EditorData | null> {
  const { db, locale } = args;
  const shop = await segmentShop({ db, shop: args.shop });
  if (!shop) return null;
  const metafields = shop.metafieldDefinitions
    .flatMap((definition) => {
      const filter = metafieldFilter(definition);
      return filter ? [editorFilter(filter, locale)] : [];
    })
    .sort((a, b) => a.label.localeCompare(b.label, locale) || a.name.localeCompare(b.name));
  const filters = [...[...FILTERS.values()].map((definition) => editorFilter(definition, locale)), ...metafields];
  const base = { filters, currencyCode: shop.currencyCode, timeZone: shop.ianaTimezone, publishing: null };

  if (args.id !== NEW_SEGMENT) {
    const segment = await findSegment({ db, shopId: shop.id, id: args.id });
    if (!segment) return null;
    const description = segment.description ?? "";
    const publishing = await segmentPublishing(db, { shop: args.shop, id: segment.id });
    return {
      ...base,
      publishing: publishing ? { view: publishing, themeEditorUrl: args.apiKey ? themeEditorUrl(args.apiKey) : null } : null,
      segment: { id: segment.id, name: segment.name, handle: segment.handle, description, query: segment.query, memberCount: segment.memberCount, updatedAt: segment.updatedAt.toISOString() },
      query: segment.query,
      name: segment.name,
      description,
      templateKey: segment.templateKey,
    };
  }
  const template = args.templateKey ? TEMPLATES.find((candidate) => candidate.key === args.templateKey) : undefined;
  if (!template) return { ...base, segment: null, query: "", name: "", description: "", templateKey: null };
  return { ...base, segment: null, query: template.query, name: template.name[locale], description: template.description[locale], templateKey: template.key };
}

const Intent = z.object({ intent: z.enum(["save", "duplicate", "delete"]) });
const SaveForm = z.object({
  name: z.string({ error: "the name must be text" }).default(""),
  description: z.string({ error: "the description must be text" }).default(""),
  query: z.string({ error: "the query must be text" }).default(""),
  // a key no template has is dropped by saveSegment; anything else than text is ignored
  templateKey: z.string().max(100).optional().catch(undefined),
});

/**
 * The editor form's action: intent save (create for "new", else update), duplicate or delete.
 * Returns where to go next, the field messages and query problems (a 400), or null when `id` is
 * not a segment of this shop (a 404).
 */
export async function submitEditor(args: { db: Db; kind: DatabaseKind; shop: string; id: string; form: FormData; now: Date; locale?: Locale }): Promise<{ redirectTo: string } | SaveErrors | null> {
  const { db, kind, shop, id, now } = args;
  const locale = args.locale ?? "en";
  const entries = Object.fromEntries(args.form);
  const intent = Intent.safeParse(entries);
  if (!intent.success) return { ok: false, fields: {}, problems: [] };
  const isNew = id === NEW_SEGMENT;

  switch (intent.data.intent) {
    case "delete": {
      if (isNew) return { redirectTo: "/app/segments" };
      const deleted = await deleteSegments({ db, shop, ids: [id] });
      return deleted === 0 ? null : { redirectTo: "/app/segments" };
    }
    case "duplicate": {
      if (isNew) return { ok: false, fields: {}, problems: [] };
      const copy = await duplicateSegment({ db, kind, shop, id, now, locale });
      if (!copy) return null;
      return copy.ok ? { redirectTo: `/app/segments/${copy.segment.id}` } : copy;
    }
    case "save": {
      // strings, or absent (read as empty); lengths and the query are checked by saveSegment, with messages
      const form = SaveForm.safeParse(entries);
      if (!form.success) return { ok: false, fields: fieldMessages(form.error), problems: [] };
      const { templateKey, ...fields } = form.data;
      const saved = await saveSegment({ db, kind, shop, ...(isNew ? {} : { id }), ...fields, ...(templateKey === undefined ? {} : { templateKey }), now, locale });
      if (saved === null) return null;
      return saved.ok ? { redirectTo: `/app/segments/${saved.segment.id}` } : saved;
    }
  }
}

/**
 * The publishing card's toggles (intent "publishing"): publishTag and/or mirrorNative as "true" or
 * "false". The segment's new publishing, the field messages (a 400), or null when `id` is not a
 * segment of this shop (a 404).
 */
export async function submitPublishing(args: { db: Db; shop: string; id: string; form: FormData; now: Date }): Promise<{ ok: true; publishing: PublishingView } | PublishingErrors | null> {
  if (args.id === NEW_SEGMENT) return null;
  return savePublishing(args.db, { shop: args.shop, id: args.id, form: Object.fromEntries(args.form), now: args.now });
}
