import { describe, expect, it } from "vitest";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pendingMigrationSql, prisma } from "../../scripts/db/prisma-cli";
import { POSTGRES_TEST_URL, storeKinds } from "./harness";

const kinds = await storeKinds();
// each test runs the Prisma CLI (a schema engine process) once or twice: seconds alone, longer
// while the other test worker keeps the second core busy
const PRISMA_CLI_TIMEOUT = 180_000;

describe.each(kinds)("migrations on %s", (kind) => {
  it("describe exactly the schema (no drift between schema.prisma and the committed migrations)", () => {
    const { sql, status, stderr } = pendingMigrationSql(kind, POSTGRES_TEST_URL);
    expect(stderr).not.toMatch(/Error/);
    expect(status).toBe(0);
    expect(sql.trim()).toMatch(/^(-- This is an empty migration\.)?$/);
  }, PRISMA_CLI_TIMEOUT);

  it("apply with `prisma migrate deploy` offline, through the driver adapter, and report the store up to date", async () => {
    let url: string;
    let cleanup = async () => {};
    if (kind === "sqlite") {
      url = `file:${join(mkdtempSync(join(tmpdir(), "deploy-")), "deploy.db")}`;
    } else {
      const database = `deploy_${randomBytes(5).toString("hex")}`;
      const admin = new pg.Client({ connectionString: POSTGRES_TEST_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
      await admin.end();
      url = POSTGRES_TEST_URL.replace(/\/[^/?]+(\?|$)/, `/${database}$1`);
      cleanup = async () => {
        const again = new pg.Client({ connectionString: POSTGRES_TEST_URL });
        await again.connect();
        await again.query(`DROP DATABASE "${database}" WITH (FORCE)`);
        await again.end();
      };
    }
    try {
      const deploy = prisma(["migrate", "deploy"], url);
      expect(deploy.stderr + deploy.stdout).toMatch(/successfully applied|No pending migrations/);
      expect(deploy.status).toBe(0);
      const status = prisma(["migrate", "status"], url);
      expect(status.stdout).toContain("Database schema is up to date!");
    } finally {
      await cleanup();
    }
  }, PRISMA_CLI_TIMEOUT);
});
