import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseKind } from "../../app/db/url";

export const root = join(import.meta.dirname, "..", "..");

export const layout: Record<DatabaseKind, { schema: string; migrations: string }> = {
  sqlite: { schema: "prisma/schema.prisma", migrations: "prisma/migrations" },
  postgresql: { schema: "prisma/postgresql/schema.prisma", migrations: "prisma/postgresql/migrations" },
};

/** Runs the Prisma CLI with DATABASE_URL set; prisma.config.ts picks schema, migrations and adapter from it. */
export function prisma(args: string[], databaseUrl: string) {
  const result = spawnSync(join(root, "node_modules", ".bin", "prisma"), args, {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    encoding: "utf8",
  });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** A throwaway database URL for commands that need one only as a scratch pad (diffs, shadow). */
export function scratchUrl(kind: DatabaseKind, postgresUrl: string): string {
  return kind === "sqlite" ? `file:${join(mkdtempSync(join(tmpdir(), "prisma-scratch-")), "scratch.db")}` : postgresUrl;
}

/** SQL that takes the committed migrations to the schema; empty when they agree. */
export function pendingMigrationSql(kind: DatabaseKind, postgresUrl: string): { sql: string; status: number; stderr: string } {
  const { schema, migrations } = layout[kind];
  const result = prisma(["migrate", "diff", "--from-migrations", migrations, "--to-schema-datamodel", schema, "--script"], scratchUrl(kind, postgresUrl));
  return { sql: result.stdout, status: result.status, stderr: result.stderr };
}
