/**
 * `npm run db:migration -- <name>`: after editing prisma/schema.prisma, writes the matching
 * migration for SQLite and for PostgreSQL (each dialect keeps its own history). PostgreSQL is
 * needed for its shadow database: TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/test.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { layout, pendingMigrationSql, root } from "./prisma-cli";
import { postgresSchemaFrom } from "./sync-schemas";
import { readFileSync } from "node:fs";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name_in_snake_case>");
  process.exit(2);
}
writeFileSync(join(root, layout.postgresql.schema), postgresSchemaFrom(readFileSync(join(root, layout.sqlite.schema), "utf8")));
const postgresUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
for (const kind of ["sqlite", "postgresql"] as const) {
  const { sql, status, stderr } = pendingMigrationSql(kind, postgresUrl);
  if (status !== 0) {
    console.error(`${kind}: prisma migrate diff failed:\n${stderr}`);
    process.exit(1);
  }
  if (!sql.trim() || /^-- This is an empty migration\.?\s*$/.test(sql.trim())) {
    console.log(`${kind}: no change`);
    continue;
  }
  const dir = join(root, layout[kind].migrations, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "migration.sql"), sql);
  console.log(`${kind}: wrote ${dir}`);
}
