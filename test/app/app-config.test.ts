import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { COMPLIANCE_PATH, COMPLIANCE_TOPICS, WEBHOOK_TOPICS } from "~/shopify/webhook-topics";

const root = join(import.meta.dirname, "..", "..");
const toml = parse(readFileSync(join(root, "shopify.app.toml"), "utf8")) as {
  embedded: boolean;
  access_scopes: { scopes: string };
  webhooks: { api_version: string; subscriptions: { topics?: string[]; compliance_topics?: string[]; uri: string }[] };
};

function routeFile(uri: string): string {
  return join(root, "app", "routes", `${uri.slice(1).replace(/\//g, ".")}.tsx`);
}

describe("shopify.app.toml", () => {
  it("pins the same API version as app/shopify.server.ts", async () => {
    // read the constant without starting the app: it is a plain literal in the source
    const source = readFileSync(join(root, "app", "shopify.server.ts"), "utf8");
    const { ApiVersion } = await import("@shopify/shopify-api");
    const pinned = /export const apiVersion = ApiVersion\.(\w+);/.exec(source)?.[1];
    expect(pinned).toBeDefined();
    expect(toml.webhooks.api_version).toBe(ApiVersion[pinned as keyof typeof ApiVersion]);
    expect(toml.webhooks.api_version).toBe("2026-10");
  });

  it("subscribes to every topic the app handles, each at its own existing route", () => {
    const declared = toml.webhooks.subscriptions.filter((s) => s.topics).map((s) => ({ topic: s.topics?.[0], uri: s.uri }));
    expect(declared).toEqual(WEBHOOK_TOPICS.map(({ topic, path }) => ({ topic, uri: path })));
    for (const { uri } of declared) expect(existsSync(routeFile(uri)), uri).toBe(true);
  });

  it("declares the GDPR compliance topics at the compliance route", () => {
    const compliance = toml.webhooks.subscriptions.find((s) => s.compliance_topics);
    expect(compliance).toEqual({ compliance_topics: [...COMPLIANCE_TOPICS], uri: COMPLIANCE_PATH });
    expect(existsSync(routeFile(COMPLIANCE_PATH))).toBe(true);
  });

  it("asks for the scopes the mission needs, the same as .env.example", () => {
    const scopes = toml.access_scopes.scopes.split(",");
    for (const needed of ["read_customers", "write_customers", "read_orders", "read_products", "write_discounts"]) expect(scopes).toContain(needed);
    const example = /^SCOPES=(.*)$/m.exec(readFileSync(join(root, ".env.example"), "utf8"))?.[1];
    expect(example?.split(",")).toEqual(scopes);
    expect(toml.embedded).toBe(true);
  });

  it("keeps the PostgreSQL schema generated from the SQLite one", async () => {
    const { postgresSchemaFrom } = await import("../../scripts/db/sync-schemas");
    const sqlite = readFileSync(join(root, "prisma", "schema.prisma"), "utf8");
    expect(readFileSync(join(root, "prisma", "postgresql", "schema.prisma"), "utf8")).toBe(postgresSchemaFrom(sqlite));
  });
});
