/**
 * The shop's customer metafield definitions in the store (MetafieldDefinition): what the segment
 * editor offers as `metafields.<namespace>.<key>` filters and what the engine checks such a filter
 * against. Shopify's list replaces the store's whole, so a definition deleted in Shopify leaves.
 *
 * Every definition is kept whatever its type (json, list.*, references …): the engine decides
 * what it can filter on (app/segments/filters.ts, metafieldFilter). App-reserved namespaces
 * (`app--<app id>…`, the app's own `$app:segments` among them) are not the merchant's data and
 * are never kept.
 */
import type { DatabaseKind, Db } from "~/db/client";

export interface MetafieldDefinitionInput {
  /** gid://shopify/MetafieldDefinition/… (null when not known) */
  shopifyId: string | null;
  namespace: string;
  key: string;
  name: string;
  /** Shopify's type name: date, number_integer, single_line_text_field … */
  type: string;
}

/** What a replace changed, by `namespace.key`, sorted. */
export interface MetafieldDefinitionChanges {
  created: string[];
  /** the name, type or Shopify id changed */
  updated: string[];
  deleted: string[];
  /** created, deleted, or of another type now: what a segment's query checks against */
  checkChanged: string[];
}

/** Namespaces Shopify reserves for an app: `app--<app id>` and `app--<app id>--<sub>`. */
export function isAppReservedNamespace(namespace: string): boolean {
  return namespace.startsWith("app--");
}

// PostgreSQL advisory lock namespace (first key): one replace of a shop's definitions at a time
const DEFINITIONS_LOCK = 0x5e6_0021;

const keyOf = (d: { namespace: string; key: string }) => `${d.namespace}.${d.key}`;

/**
 * Makes the shop's CUSTOMER definitions exactly `definitions` (less app-reserved namespaces), in
 * one transaction: new ones created, changed ones updated, the ones no longer listed deleted.
 * Running it again with the same list changes nothing. Another shop's rows are never touched.
 */
export async function replaceCustomerMetafieldDefinitions(
  db: Db,
  kind: DatabaseKind,
  { shopId, definitions }: { shopId: number; definitions: readonly MetafieldDefinitionInput[] },
): Promise<MetafieldDefinitionChanges> {
  const wanted = new Map<string, MetafieldDefinitionInput>();
  // Shopify lists each (namespace, key) once; should it not, the first listing wins
  for (const definition of definitions) if (!isAppReservedNamespace(definition.namespace) && !wanted.has(keyOf(definition))) wanted.set(keyOf(definition), definition);

  return db.$transaction(
    async (tx) => {
      // two replaces at once (a webhook and the reconcile) take turns; SQLite has one writer anyway
      if (kind === "postgresql") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(CAST($1 AS integer), CAST($2 AS integer))`, DEFINITIONS_LOCK, shopId);
      const held = await tx.metafieldDefinition.findMany({
        where: { shopId, ownerType: "CUSTOMER" },
        select: { id: true, shopifyId: true, namespace: true, key: true, name: true, type: true },
      });
      const changes: MetafieldDefinitionChanges = { created: [], updated: [], deleted: [], checkChanged: [] };
      const heldByKey = new Map(held.map((row) => [keyOf(row), row]));

      const gone = held.filter((row) => !wanted.has(keyOf(row)));
      if (gone.length > 0) {
        await tx.metafieldDefinition.deleteMany({ where: { shopId, ownerType: "CUSTOMER", id: { in: gone.map((row) => row.id) } } });
        for (const row of gone) changes.deleted.push(keyOf(row));
      }
      for (const [key, definition] of wanted) {
        const row = heldByKey.get(key);
        const fields = { shopifyId: definition.shopifyId, name: definition.name, type: definition.type };
        if (!row) {
          await tx.metafieldDefinition.create({ data: { shopId, ownerType: "CUSTOMER", namespace: definition.namespace, key: definition.key, ...fields } });
          changes.created.push(key);
        } else if (row.name !== fields.name || row.type !== fields.type || row.shopifyId !== fields.shopifyId) {
          await tx.metafieldDefinition.updateMany({ where: { id: row.id, shopId }, data: fields });
          changes.updated.push(key);
          if (row.type !== fields.type) changes.checkChanged.push(key);
        }
      }
      changes.checkChanged.push(...changes.created, ...changes.deleted);
      for (const list of Object.values(changes)) list.sort();
      return changes;
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}
