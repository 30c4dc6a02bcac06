import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { databaseKind, pgPoolConfig, sqliteFileUrl, type DatabaseKind } from "./url";

/**
 * The store's client. Both generated clients come from one model file and differ only in the SQL
 * they emit, so the SQLite client's type stands for both.
 */
export type Db = SqliteClient;

export interface OpenedDb {
  db: Db;
  kind: DatabaseKind;
}

/** Opens the store DATABASE_URL names: "file:…" is SQLite, "postgresql://…" PostgreSQL. */
export function openDb(url: string): OpenedDb {
  const kind = databaseKind(url);
  if (kind === "postgresql") {
    const schema = new URL(url).searchParams.get("schema") ?? undefined;
    const client = new PostgresClient({ adapter: new PrismaPg(pgPoolConfig(url), { schema }) });
    // Same models, same delegates: only the generated SQL dialect differs.
    return { db: client as unknown as Db, kind };
  }
  const adapter = new PrismaBetterSQLite3({ url: sqliteFileUrl(url) });
  return { db: new SqliteClient({ adapter }), kind };
}

export type { DatabaseKind };
