import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DatabaseKind } from "~/db/client";
import { translator } from "~/i18n";
import { FILTERS, operatorsOf } from "~/segments/filters";
import { TEMPLATES } from "~/segments/templates";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { loadEditor, NEW_SEGMENT, submitEditor, submitPublishing } from "./segment-editor.server";
import type { EditorData, SaveErrors } from "./segment-editor.types";

const kinds = await storeKinds();
const NOW = new Date("2026-03-10T12:00:00Z");
const en = translator("en");

function form(fields: Record<string, string | Blob>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

describe.each(kinds)("the segment editor's server side on %s", (kind: DatabaseKind) => {
  let store: TestStore;
  let db: Db;
  const SHOP = "editor-a.myshopify.com";
  const OTHER = "editor-b.myshopify.com";
  let foreignId: string;

  beforeAll(async () => {
    store = await freshStore(kind);
    db = store.db;
    const shop = await db.shop.create({ data: { domain: SHOP, name: "A", currencyCode: "EUR", ianaTimezone: "Europe/Amsterdam" } });
    const other = await db.shop.create({ data: { domain: OTHER, name: "B", currencyCode: "USD", ianaTimezone: "America/New_York" } });
    await db.metafieldDefinition.createMany({
      data: [
        { shopId: shop.id, namespace: "facts", key: "birth_date", name: "Birth date", type: "date" },
        { shopId: shop.id, namespace: "custom", key: "shoe_size", name: "Shoe size", type: "number_decimal" },
        { shopId: shop.id, namespace: "custom", key: "pet", name: "Pet", type: "single_line_text_field" },
        { shopId: shop.id, namespace: "custom", key: "member", name: "Club member", type: "boolean" },
        // a type the segment language cannot compare: not offered
        { shopId: shop.id, namespace: "custom", key: "profile", name: "Profile", type: "json" },
        { shopId: other.id, namespace: "custom", key: "theirs", name: "Theirs", type: "boolean" },
      ],
    });
    for (const [i, spent] of [20_000n, 500n].entries()) {
      await db.customer.create({ data: { shopId: shop.id, shopifyId: String(i + 1), amountSpentMinor: spent, numberOfOrders: 1, shopifyCreatedAt: NOW, shopifyUpdatedAt: NOW } });
    }
    foreignId = (await db.segment.create({ data: { shopId: other.id, name: "Theirs", handle: "theirs", query: "amount_spent > 1" } })).id;
  });
  afterAll(() => store?.drop());

  const load = (id: string, extra: { templateKey?: string; locale?: "en" | "nl"; shop?: string } = {}) =>
    loadEditor({ db, shop: extra.shop ?? SHOP, id, templateKey: extra.templateKey ?? null, locale: extra.locale ?? "en" });
  const submit = (id: string, fields: Record<string, string | Blob>, shop = SHOP) => submitEditor({ db, kind, shop, id, form: form(fields), now: NOW });

  it("offers the catalogue's filters and the shop's own metafield definitions, typed and labelled", async () => {
    const data = (await load(NEW_SEGMENT)) as EditorData;
    expect(data).toMatchObject({ segment: null, query: "", name: "", description: "", templateKey: null, currencyCode: "EUR", timeZone: "Europe/Amsterdam" });
    expect(data.filters.map((filter) => filter.name)).toEqual([
      ...FILTERS.keys(),
      "metafields.facts.birth_date",
      "metafields.custom.member",
      "metafields.custom.pet",
      "metafields.custom.shoe_size",
    ]);
    for (const filter of data.filters.slice(0, FILTERS.size)) {
      const definition = FILTERS.get(filter.name)!;
      expect(filter.operators, filter.name).toEqual(operatorsOf(definition));
      expect(filter.label).toBe(definition.label.en);
    }
    const byName = new Map(data.filters.map((filter) => [filter.name, filter]));
    expect(byName.get("metafields.custom.shoe_size")).toEqual({
      name: "metafields.custom.shoe_size",
      label: "Shoe size",
      group: "metafields",
      type: "number",
      operators: ["=", "!=", ">", ">=", "<", "<=", "BETWEEN", "IS NULL", "IS NOT NULL"],
      native: true,
      suggests: false,
    });
    expect(byName.get("metafields.facts.birth_date")).toMatchObject({ type: "date", suggests: false });
    expect(byName.get("metafields.custom.pet")).toMatchObject({ type: "string", operators: ["=", "!=", "IS NULL", "IS NOT NULL"], suggests: true });
    expect(byName.get("metafields.custom.member")).toMatchObject({ type: "boolean", label: "Club member" });
    expect(byName.has("metafields.custom.profile")).toBe(false);
    expect(byName.has("metafields.custom.theirs")).toBe(false);
    expect(byName.get("customer_tags")).toMatchObject({ type: "list", group: "customer", suggests: true, native: true });
    expect(byName.get("rfm_group")).toMatchObject({ type: "enum", values: [...(FILTERS.get("rfm_group")!.values ?? [])], suggests: false });
    expect(byName.get("number_of_orders")).toMatchObject({ integer: true, suggests: false });
    expect(byName.get("age")).toMatchObject({ native: false });
    expect(byName.get("products_purchased")).toMatchObject({ type: "function", operators: ["MATCHES", "NOT MATCHES"], suggests: true });
    expect(byName.get("products_purchased")?.parameters?.map((parameter) => parameter.name)).toEqual(["id", "tag", "product_type", "sku", "date", "sum_quantity", "quantity", "count"]);
    // in Dutch
    const dutch = (await load(NEW_SEGMENT, { locale: "nl" })) as EditorData;
    expect(dutch.filters.find((filter) => filter.name === "amount_spent")?.label).toBe("Besteed bedrag");
    // JSON all the way: what a loader sends is what the page gets
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it("prefills a new segment from a template in the merchant's language; an unknown template is ignored", async () => {
    const template = TEMPLATES.find((candidate) => candidate.key === "lapsed-90-days")!;
    expect(await load(NEW_SEGMENT, { templateKey: template.key, locale: "nl" })).toMatchObject({
      segment: null,
      name: template.name.nl,
      description: template.description.nl,
      query: template.query,
      templateKey: "lapsed-90-days",
    });
    expect(await load(NEW_SEGMENT, { templateKey: "no-such-template" })).toMatchObject({ segment: null, name: "", query: "", templateKey: null });
  });

  it("loads the shop's own segment and nothing of another shop's: null (a 404)", async () => {
    const created = await submit(NEW_SEGMENT, { intent: "save", name: "Big spenders", description: "Top", query: "amount_spent>=100", templateKey: "vip-top-spenders" });
    expect(created).toMatchObject({ redirectTo: expect.stringMatching(/^\/app\/segments\/[a-z0-9]+$/) });
    const id = (created as { redirectTo: string }).redirectTo.split("/").pop()!;
    const data = (await load(id)) as EditorData;
    expect(data).toMatchObject({
      segment: { id, name: "Big spenders", handle: "big-spenders", description: "Top", query: "amount_spent >= 100", memberCount: 1, updatedAt: NOW.toISOString() },
      query: "amount_spent >= 100",
      name: "Big spenders",
      description: "Top",
      templateKey: "vip-top-spenders",
    });
    expect(await load(foreignId)).toBeNull();
    expect(await load(id, { shop: OTHER })).toBeNull();
    expect(await load("no-such-id")).toBeNull();
    expect(await load(NEW_SEGMENT, { shop: "unknown.myshopify.com" })).toBeNull();
  });

  it("saves, duplicates and deletes through the form; bad input answers field messages and problems", async () => {
    const errors = (await submit(NEW_SEGMENT, { intent: "save", name: "", query: "amount_spent >" })) as SaveErrors;
    expect(errors).toMatchObject({ ok: false, fields: { name: en("segments.error.nameRequired"), query: en("segments.error.queryProblems") } });
    expect(errors.problems).toHaveLength(1);
    expect(errors.problems[0]).toMatchObject({ line: 1, column: 15 });
    // in Dutch: field messages and the query's problems alike
    const dutch = (await submitEditor({ db, kind, shop: SHOP, id: NEW_SEGMENT, form: form({ intent: "save", name: "Typo", query: "amount_spend > 1" }), now: NOW, locale: "nl" })) as SaveErrors;
    expect(dutch).toEqual({
      ok: false,
      fields: { query: "De query bevat fouten; los ze op om het segment op te slaan." },
      problems: [{ message: "onbekend filter amount_spend", line: 1, column: 1, start: 0, end: 12, suggestion: "misschien amount_spent?", replacement: "amount_spent" }],
    });
    // fields missing or not text
    expect(await submit(NEW_SEGMENT, { intent: "save" })).toEqual({ ok: false, fields: { name: en("segments.error.nameRequired"), query: en("segments.error.queryRequired") }, problems: [] });
    expect(await submit(NEW_SEGMENT, { intent: "save", name: new Blob(["x"]), query: "amount_spent > 1" })).toEqual({ ok: false, fields: { name: "the name must be text" }, problems: [] });
    expect(await submit(NEW_SEGMENT, { intent: "publish", name: "x", query: "amount_spent > 1" })).toEqual({ ok: false, fields: {}, problems: [] });
    expect(await db.segment.count({ where: { shop: { domain: SHOP }, name: { in: ["", "x"] } } })).toBe(0);

    const created = (await submit(NEW_SEGMENT, { intent: "save", name: "Small", query: "amount_spent < 100", templateKey: "no-such-template" })) as { redirectTo: string };
    const id = created.redirectTo.split("/").pop()!;
    expect(await db.segment.findUniqueOrThrow({ where: { id } })).toMatchObject({ name: "Small", templateKey: null, memberCount: 1 });

    // update: same id, new query, recomputed
    expect(await submit(id, { intent: "save", name: "Everyone", description: "", query: "amount_spent >= 0" })).toEqual({ redirectTo: `/app/segments/${id}` });
    expect(await db.segment.findUniqueOrThrow({ where: { id } })).toMatchObject({ name: "Everyone", query: "amount_spent >= 0", memberCount: 2 });

    const copy = (await submit(id, { intent: "duplicate" })) as { redirectTo: string };
    const copyId = copy.redirectTo.split("/").pop()!;
    expect(copyId).not.toBe(id);
    expect(await db.segment.findUniqueOrThrow({ where: { id: copyId } })).toMatchObject({ name: "Everyone (copy)", handle: "everyone-copy", memberCount: 2 });
    expect(await submit(NEW_SEGMENT, { intent: "duplicate" })).toEqual({ ok: false, fields: {}, problems: [] });

    expect(await submit(copyId, { intent: "delete" })).toEqual({ redirectTo: "/app/segments" });
    expect(await db.segment.findUnique({ where: { id: copyId } })).toBeNull();
  });

  it("answers null (a 404) for another shop's segment, whatever the intent, and changes nothing", async () => {
    for (const intent of ["save", "duplicate", "delete"]) {
      expect(await submit(foreignId, { intent, name: "Mine now", query: "amount_spent > 0" }), intent).toBeNull();
    }
    expect(await db.segment.findUniqueOrThrow({ where: { id: foreignId } })).toMatchObject({ name: "Theirs", query: "amount_spent > 1" });
    expect(await db.segment.count({ where: { name: { startsWith: "Theirs (" } } })).toBe(0);
  });

  it("loads a saved segment's publishing with the theme editor's deep link, and sets its toggles for this shop only", async () => {
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const mine = await db.segment.create({ data: { shopId: shop.id, name: "Club", handle: "club", query: "customer_tags CONTAINS 'club'" } });
    const data = (await loadEditor({ db, shop: SHOP, id: mine.id, locale: "en", apiKey: "key-123" })) as EditorData;
    expect(data.publishing).toEqual({
      view: {
        segmentId: mine.id,
        name: "Club",
        handle: "club",
        tag: "segment:club",
        publishTag: false,
        mirror: { on: false, mirrorability: { ok: true }, state: "off", nativeSegmentId: null, nativeName: null, error: null },
      },
      themeEditorUrl: "shopify://admin/themes/current/editor?template=index&addAppBlockId=key-123/segment-banner&target=newAppsSection",
    });
    expect(((await load(NEW_SEGMENT)) as EditorData).publishing).toBeNull();
    expect(((await load(mine.id)) as EditorData).publishing?.themeEditorUrl).toBeNull();

    const toggle = (id: string, fields: Record<string, string>, shop = SHOP) => submitPublishing({ db, shop, id, form: form({ intent: "publishing", ...fields }), now: NOW });
    expect(await toggle(mine.id, { publishTag: "yes" })).toEqual({ ok: false, fields: { publishTag: { key: "publishing.error.flag", params: {} } } });
    expect(await toggle(foreignId, { publishTag: "true" })).toBeNull();
    expect(await toggle(mine.id, { publishTag: "true" }, OTHER)).toBeNull();
    expect(await toggle(NEW_SEGMENT, { publishTag: "true" })).toBeNull();
    expect(await toggle(mine.id, { publishTag: "true", mirrorNative: "true" })).toMatchObject({ ok: true, publishing: { publishTag: true, mirror: { on: true, state: "pending" } } });
    expect(await db.segment.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ publishTag: true, mirrorNative: true, updatedAt: mine.updatedAt });
    expect(await db.segment.findUniqueOrThrow({ where: { id: foreignId } })).toMatchObject({ publishTag: false, mirrorNative: false });
  });
});
