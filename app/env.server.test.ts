import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  SCOPES: "read_customers, write_customers,read_orders",
  DATABASE_URL: "file:./dev.db",
};

function message(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error("expected the environment to be refused");
}

describe("environment", () => {
  it("parses a valid environment, splitting the scopes", () => {
    const env = parseEnv(valid);
    expect(env.SCOPES).toEqual(["read_customers", "write_customers", "read_orders"]);
    expect(env.NODE_ENV).toBe("development");
    expect(env.DEMO_MODE).toBe(false);
    expect(env.SHOPIFY_WEBHOOKS_VIA_API).toBe(false);
  });

  it("puts exports in .data/exports under the working directory unless EXPORTS_DIR names another", () => {
    expect(parseEnv(valid).EXPORTS_DIR).toBe(join(process.cwd(), ".data", "exports"));
    expect(parseEnv({ ...valid, EXPORTS_DIR: "/srv/exports" }).EXPORTS_DIR).toBe("/srv/exports");
    expect(parseEnv({ ...valid, EXPORTS_DIR: "tmp/out/" }).EXPORTS_DIR).toBe(join(process.cwd(), "tmp", "out"));
    expect(message({ ...valid, EXPORTS_DIR: "  " })).toContain("EXPORTS_DIR: must name a directory");
  });

  it("names every missing variable", () => {
    const text = message({ SHOPIFY_APP_URL: "https://app.example.com", SCOPES: "read_customers" });
    expect(text).toMatch(/^The app cannot start; fix these environment variables:/);
    expect(text).toContain("SHOPIFY_API_KEY: is missing");
    expect(text).toContain("SHOPIFY_API_SECRET: is missing");
    expect(text).toContain("DATABASE_URL: is missing");
    expect(text).not.toContain("SHOPIFY_APP_URL");
  });

  it("names a bad value and says what is expected", () => {
    expect(message({ ...valid, DATABASE_URL: "mysql://x" })).toContain('DATABASE_URL: must start with "file:" (SQLite) or "postgresql://" (PostgreSQL)');
    expect(message({ ...valid, SHOPIFY_APP_URL: "not a url" })).toContain("SHOPIFY_APP_URL: must be the app's public URL");
    expect(message({ ...valid, SCOPES: "customers" })).toContain('SCOPES: each scope looks like "read_customers"');
    expect(message({ ...valid, LOG_LEVEL: "loud" })).toContain("LOG_LEVEL");
  });

  it("refuses the demo sign-in when NODE_ENV=production", () => {
    expect(message({ ...valid, NODE_ENV: "production", DEMO_MODE: "1", DEMO_SHOP: "demo.myshopify.com" })).toContain(
      "DEMO_MODE: cannot be on when NODE_ENV=production",
    );
  });

  it("fails at start: importing the app's configuration with a bad environment throws the message", async () => {
    const saved = { ...process.env };
    try {
      for (const key of Object.keys(valid)) delete process.env[key];
      const { vi } = await import("vitest");
      vi.resetModules();
      await expect(import("./shopify.server")).rejects.toThrow(/SHOPIFY_API_KEY: is missing/);
    } finally {
      process.env = saved;
    }
  });
});
