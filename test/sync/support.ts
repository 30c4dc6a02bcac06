/**
 * Shared by the sync's integration proofs: a slice of the CDNOW demo shop, the store's counts, and
 * what the counts must be according to the dataset the stand-in serves.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CDNOW_MASTER_FILE } from "../../scripts/demo-data/cdnow";
import { generateDemoShop } from "../../scripts/demo-data/generate";
import type { ShopDataset } from "../shopify/dataset";
import type { DatabaseKind, Db } from "~/db/client";

export const DEMO_TODAY = new Date("2026-11-23T15:00:00Z");

/** The demo shop of the first `customers` CDNOW customers (the master file is sorted by customer). */
export function demoShopSlice({ customers, domain, seed = 42 }: { customers: number; domain: string; seed?: number }): ShopDataset {
  const [header, ...rows] = readFileSync(CDNOW_MASTER_FILE, "utf8").split(/\r?\n/);
  const kept = rows.filter((row) => {
    const id = Number(row.trim().split(/\s+/)[0]);
    return row.trim() !== "" && id >= 1 && id <= customers;
  });
  const file = join(mkdtempSync(join(tmpdir(), "cdnow-slice-")), "CDNOW_master.txt");
  writeFileSync(file, [header, ...kept].join("\n") + "\n");
  return generateDemoShop({ masterFile: file, seed, today: DEMO_TODAY, shopDomain: domain, shopName: `CDNOW slice ${customers}` });
}

export interface StoreCounts {
  customers: number;
  orders: number;
  orderLines: number;
  refunds: number;
  products: number;
  variants: number;
  productTags: number;
  productCollections: number;
  collections: number;
  customerTags: number;
  addresses: number;
  metafields: number;
}

export async function storeCounts(db: Db, shopId: number): Promise<StoreCounts> {
  const where = { shopId };
  const [customers, orders, orderLines, refunds, products, variants, productTags, productCollections, collections, customerTags, addresses, metafields] = await Promise.all([
    db.customer.count({ where }),
    db.order.count({ where }),
    db.orderLine.count({ where }),
    db.orderRefund.count({ where }),
    db.product.count({ where }),
    db.productVariant.count({ where }),
    db.productTag.count({ where }),
    db.productCollection.count({ where }),
    db.collection.count({ where }),
    db.customerTag.count({ where }),
    db.customerAddress.count({ where }),
    db.customerMetafield.count({ where }),
  ]);
  return { customers, orders, orderLines, refunds, products, variants, productTags, productCollections, collections, customerTags, addresses, metafields };
}

/** What the store must hold after importing the dataset. */
export function datasetCounts(data: ShopDataset): StoreCounts {
  const distinctTags = (tags: readonly string[]) => new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean)).size;
  const usedCollections = new Set(data.products.flatMap((p) => p.collectionIds));
  return {
    customers: data.customers.length,
    orders: data.orders.length,
    orderLines: data.orders.reduce((n, o) => n + o.lineItems.length, 0),
    refunds: data.orders.reduce((n, o) => n + o.refunds.length, 0),
    products: data.products.length,
    variants: data.products.reduce((n, p) => n + p.variants.length, 0),
    productTags: data.products.reduce((n, p) => n + distinctTags(p.tags), 0),
    productCollections: data.products.reduce((n, p) => n + new Set(p.collectionIds).size, 0),
    collections: usedCollections.size,
    customerTags: data.customers.reduce((n, c) => n + distinctTags(c.tags), 0),
    addresses: data.customers.reduce((n, c) => n + c.addresses.length, 0),
    metafields: data.customers.reduce((n, c) => n + c.metafields.length, 0),
  };
}

/**
 * Rows that exist twice under the key that identifies them in Shopify, table by table — the
 * schema's unique indexes forbid most, the query does not rely on it (addresses have none).
 */
export async function duplicateKeys(db: Db, kind: DatabaseKind, shopId: number): Promise<Record<string, number>> {
  const checks: Record<string, string> = {
    Customer: `SELECT "shopifyId" FROM "Customer" WHERE "shopId" = $1 GROUP BY "shopifyId" HAVING count(*) > 1`,
    Order: `SELECT "shopifyId" FROM "Order" WHERE "shopId" = $1 GROUP BY "shopifyId" HAVING count(*) > 1`,
    OrderLine: `SELECT "shopifyId" FROM "OrderLine" WHERE "shopId" = $1 GROUP BY "shopifyId" HAVING count(*) > 1`,
    OrderRefund: `SELECT "shopifyId" FROM "OrderRefund" WHERE "shopId" = $1 GROUP BY "shopifyId" HAVING count(*) > 1`,
    Product: `SELECT "shopifyId" FROM "Product" WHERE "shopId" = $1 GROUP BY "shopifyId" HAVING count(*) > 1`,
    ProductVariant: `SELECT "shopifyId" FROM "ProductVariant" WHERE "shopId" = $1 GROUP BY "shopifyId" HAVING count(*) > 1`,
    ProductTag: `SELECT "productId" FROM "ProductTag" WHERE "shopId" = $1 GROUP BY "productId", "normalized" HAVING count(*) > 1`,
    ProductCollection: `SELECT "productId" FROM "ProductCollection" WHERE "shopId" = $1 GROUP BY "productId", "collectionId" HAVING count(*) > 1`,
    Collection: `SELECT "shopifyId" FROM "Collection" WHERE "shopId" = $1 GROUP BY "shopifyId" HAVING count(*) > 1`,
    CustomerTag: `SELECT "customerId" FROM "CustomerTag" WHERE "shopId" = $1 GROUP BY "customerId", "normalized" HAVING count(*) > 1`,
    CustomerAddress: `SELECT "shopifyId" FROM "CustomerAddress" WHERE "shopId" = $1 GROUP BY "customerId", "shopifyId" HAVING count(*) > 1`,
    CustomerMetafield: `SELECT "customerId" FROM "CustomerMetafield" WHERE "shopId" = $1 GROUP BY "customerId", "namespace", "key" HAVING count(*) > 1`,
  };
  const found: Record<string, number> = {};
  for (const [table, sql] of Object.entries(checks)) {
    const rows = await db.$queryRawUnsafe<unknown[]>(kind === "postgresql" ? sql : sql.replace("$1", "?"), shopId);
    found[table] = rows.length;
  }
  return found;
}

/** "12.99" → 1299n, exactly (the dataset's money is decimal text with two decimals). */
export function cents(amount: string): bigint {
  const [whole, fraction = ""] = amount.split(".");
  return BigInt(`${whole}${fraction.padEnd(2, "0")}`);
}

/**
 * test/sync/import-child.ts compiled once into one ES module (what tsx does on every start), so a
 * test that starts it again and again pays Node's start-up only. Packages stay external; the file
 * lives under node_modules/.cache so they resolve as they do for the source.
 */
export async function buildImportChild(): Promise<string> {
  const { build } = await import("esbuild");
  const root = join(import.meta.dirname, "..", "..");
  const outfile = join(root, "node_modules", ".cache", "segment-studio", `import-child-${process.pid}.mjs`);
  await build({
    entryPoints: [join(import.meta.dirname, "import-child.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    tsconfig: join(root, "tsconfig.json"),
    logLevel: "warning",
    // bare package names stay imports; "~/…" and relative paths are the app's own code, bundled
    plugins: [{ name: "packages-external", setup: (b) => b.onResolve({ filter: /^[^./~]/ }, (args) => ({ path: args.path, external: true })) }],
  });
  return outfile;
}
