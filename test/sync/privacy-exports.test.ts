/** Export files hold customers' data: customers/redact discards the shop's finished ones, shop/redact deletes them all. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportsDirectory } from "~/services/exports.server";
import { handleCustomersRedact, handleShopRedact, type PrivacyDeps } from "~/services/privacy.server";
import { freshStore, type TestStore } from "../store/harness";

const NOW = new Date("2026-11-20T10:00:00Z");

describe("privacy and export files", () => {
  let store: TestStore;
  let deps: PrivacyDeps;
  beforeAll(async () => {
    store = await freshStore("sqlite");
    deps = { db: store.db, kind: "sqlite", now: () => NOW };
  });
  afterAll(() => store?.drop());

  async function shopWithExport(domain: string) {
    const shop = await store.db.shop.create({ data: { domain, name: domain } });
    await store.db.customer.create({ data: { shopId: shop.id, shopifyId: "77", email: "wil@example.com", shopifyCreatedAt: NOW, shopifyUpdatedAt: NOW } });
    const filePath = join(`shop-${shop.id}`, `export-${shop.id}.csv`);
    const file = resolve(exportsDirectory(), filePath);
    mkdirSync(resolve(file, ".."), { recursive: true });
    writeFileSync(file, "Customer ID,E-mail\r\n77,wil@example.com\r\n");
    const row = await store.db.segmentExport.create({
      data: { shopId: shop.id, segmentName: "VIP", format: "CSV", columns: ["id", "email"], state: "SUCCEEDED", filePath, fileName: "vip.csv", fileBytes: 40, createdAt: new Date(NOW.getTime() - 60_000) },
    });
    return { shop, file, row };
  }

  it("customers/redact deletes the shop's finished export files and says why; another shop's stay", async () => {
    const a = await shopWithExport("privacy-exports-a.myshopify.com");
    const b = await shopWithExport("privacy-exports-b.myshopify.com");
    await handleCustomersRedact(deps, { shopDomain: a.shop.domain, body: { shop_domain: a.shop.domain, customer: { id: 77, email: "wil@example.com" }, orders_to_redact: [] } });
    expect(existsSync(a.file)).toBe(false);
    expect(await store.db.segmentExport.findUniqueOrThrow({ where: { id: a.row.id } })).toMatchObject({ state: "FAILED", filePath: null, error: expect.stringMatching(/erased/) });
    expect(existsSync(b.file)).toBe(true);
    expect((await store.db.segmentExport.findUniqueOrThrow({ where: { id: b.row.id } })).state).toBe("SUCCEEDED");

    await handleShopRedact(deps, { shopDomain: b.shop.domain, body: { shop_domain: b.shop.domain } });
    expect(existsSync(b.file)).toBe(false);
    expect(existsSync(resolve(exportsDirectory(), `shop-${b.shop.id}`))).toBe(false);
  });
});
