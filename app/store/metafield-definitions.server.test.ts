import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { isAppReservedNamespace, replaceCustomerMetafieldDefinitions, type MetafieldDefinitionInput } from "./metafield-definitions.server";

const kinds = await storeKinds();

const gid = (n: number) => `gid://shopify/MetafieldDefinition/${n}`;
const birthDate: MetafieldDefinitionInput = { shopifyId: gid(1), namespace: "facts", key: "birth_date", name: "Birthday", type: "date" };
const pet: MetafieldDefinitionInput = { shopifyId: gid(2), namespace: "custom", key: "pet_type", name: "Pet", type: "single_line_text_field" };
const profile: MetafieldDefinitionInput = { shopifyId: gid(3), namespace: "custom", key: "profile", name: "Profile", type: "json" };
const appOwn: MetafieldDefinitionInput = { shopifyId: gid(4), namespace: "app--7000001", key: "segments", name: "Segments", type: "list.single_line_text_field" };

describe.each(kinds)("the shop's customer metafield definitions on %s", (kind) => {
  let store: TestStore;
  let shopId: number;
  let otherShopId: number;

  beforeAll(async () => {
    store = await freshStore(kind);
    shopId = (await store.db.shop.create({ data: { domain: "definitions.myshopify.com", name: "Definitions" } })).id;
    otherShopId = (await store.db.shop.create({ data: { domain: "other.myshopify.com", name: "Other" } })).id;
    await store.db.metafieldDefinition.createMany({
      data: [
        // made by hand before any sync: no Shopify id yet
        { shopId, namespace: "facts", key: "birth_date", name: "Birth date", type: "date" },
        { shopId, namespace: "custom", key: "gone", name: "Gone", type: "boolean" },
        { shopId: otherShopId, namespace: "custom", key: "gone", name: "Theirs", type: "boolean" },
      ],
    });
  });
  afterAll(() => store.drop());

  const held = (id = shopId) =>
    store.db.metafieldDefinition.findMany({
      where: { shopId: id, ownerType: "CUSTOMER" },
      select: { shopifyId: true, namespace: true, key: true, name: true, type: true },
      orderBy: [{ namespace: "asc" }, { key: "asc" }],
    });

  it("replaces the shop's list: new ones created, changed ones updated, the ones Shopify no longer has deleted", async () => {
    const changes = await replaceCustomerMetafieldDefinitions(store.db, kind, { shopId, definitions: [birthDate, pet, profile] });
    expect(changes).toEqual({
      created: ["custom.pet_type", "custom.profile"],
      updated: ["facts.birth_date"],
      deleted: ["custom.gone"],
      checkChanged: ["custom.gone", "custom.pet_type", "custom.profile"],
    });
    // every type is kept, json too: the engine decides what it can filter on
    expect(await held()).toEqual([
      { shopifyId: gid(2), namespace: "custom", key: "pet_type", name: "Pet", type: "single_line_text_field" },
      { shopifyId: gid(3), namespace: "custom", key: "profile", name: "Profile", type: "json" },
      { shopifyId: gid(1), namespace: "facts", key: "birth_date", name: "Birthday", type: "date" },
    ]);
  });

  it("leaves another shop's definitions alone", async () => {
    expect(await held(otherShopId)).toEqual([{ shopifyId: null, namespace: "custom", key: "gone", name: "Theirs", type: "boolean" }]);
  });

  it("changes nothing when run again with the same list", async () => {
    const before = await store.db.metafieldDefinition.findMany({ where: { shopId }, orderBy: { id: "asc" } });
    expect(await replaceCustomerMetafieldDefinitions(store.db, kind, { shopId, definitions: [profile, pet, birthDate] })).toEqual({ created: [], updated: [], deleted: [], checkChanged: [] });
    expect(await store.db.metafieldDefinition.findMany({ where: { shopId }, orderBy: { id: "asc" } })).toEqual(before);
  });

  it("keeps no app-reserved namespace: the app's own $app:segments is no merchant filter", async () => {
    expect(isAppReservedNamespace("app--7000001")).toBe(true);
    expect(isAppReservedNamespace("app--7000001--banners")).toBe(true);
    expect(isAppReservedNamespace("custom")).toBe(false);
    expect(isAppReservedNamespace("apps")).toBe(false);
    const changes = await replaceCustomerMetafieldDefinitions(store.db, kind, { shopId, definitions: [birthDate, pet, profile, appOwn] });
    expect(changes.created).toEqual([]);
    expect((await held()).map((d) => d.namespace)).not.toContain("app--7000001");
  });

  it("reports a type change as one a segment's check depends on; a rename as an update only", async () => {
    const changes = await replaceCustomerMetafieldDefinitions(store.db, kind, {
      shopId,
      definitions: [{ ...birthDate, name: "Date of birth" }, { ...pet, type: "list.single_line_text_field" }, profile],
    });
    expect(changes).toEqual({ created: [], updated: ["custom.pet_type", "facts.birth_date"], deleted: [], checkChanged: ["custom.pet_type"] });
    expect((await held()).find((d) => d.key === "birth_date")?.name).toBe("Date of birth");
  });

  it("takes the first listing of a (namespace, key) Shopify lists twice, and an empty list empties the shop's", async () => {
    await replaceCustomerMetafieldDefinitions(store.db, kind, { shopId, definitions: [birthDate, { ...birthDate, shopifyId: gid(9), type: "number_integer" }] });
    expect(await held()).toEqual([{ shopifyId: gid(1), namespace: "facts", key: "birth_date", name: "Birthday", type: "date" }]);
    const emptied = await replaceCustomerMetafieldDefinitions(store.db, kind, { shopId, definitions: [] });
    expect(emptied.deleted).toEqual(["facts.birth_date"]);
    expect(await held()).toEqual([]);
    expect(await held(otherShopId)).toHaveLength(1);
  });

  it("lets two replaces of one shop run at once without a duplicate or a failure", async () => {
    const lists = [[birthDate, pet], [pet, profile], [birthDate, profile], [birthDate, pet, profile]];
    await Promise.all(lists.map((definitions) => replaceCustomerMetafieldDefinitions(store.db, kind, { shopId, definitions })));
    const rows = await held();
    expect(new Set(rows.map((d) => `${d.namespace}.${d.key}`)).size).toBe(rows.length);
    // whichever ran last decided; running the full list once more settles it
    await replaceCustomerMetafieldDefinitions(store.db, kind, { shopId, definitions: [birthDate, pet, profile] });
    expect((await held()).map((d) => d.key)).toEqual(["pet_type", "profile", "birth_date"]);
  });
});
