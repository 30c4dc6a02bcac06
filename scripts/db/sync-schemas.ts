/**
 * prisma/schema.prisma (SQLite) is the one source of the models; this writes the PostgreSQL twin,
 * which differs only in the datasource provider and the generated client's folder.
 * `--check` exits 1 when the committed twin is stale.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const source = join(root, "prisma", "schema.prisma");
const target = join(root, "prisma", "postgresql", "schema.prisma");

export function postgresSchemaFrom(sqliteSchema: string): string {
  const replaced = sqliteSchema
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output     = "../app/db/generated/sqlite"', 'output     = "../../app/db/generated/postgresql"')
    // the SQLite schema already generates the default @prisma/client the session storage imports
    .replace(/\n\/\/ @shopify\/shopify-app-session-storage-prisma imports[^]*?\ngenerator sessionStorageCompat \{[^}]*\}\n/, "\n");
  if (!replaced.includes('"postgresql"') || !replaced.includes("generated/postgresql") || replaced.includes("sessionStorageCompat")) {
    throw new Error("prisma/schema.prisma: datasource or generator output not in the expected form");
  }
  return (
    "// GENERATED from prisma/schema.prisma by scripts/db/sync-schemas.ts — edit that file, then run\n" +
    "// `npm run db:schemas`.\n" +
    replaced
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const wanted = postgresSchemaFrom(readFileSync(source, "utf8"));
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(target, "utf8");
    } catch {
      // missing counts as stale
    }
    if (current !== wanted) {
      console.error("prisma/postgresql/schema.prisma is stale: run `npm run db:schemas`");
      process.exit(1);
    }
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, wanted);
  }
}
