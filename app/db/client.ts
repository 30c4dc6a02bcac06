import { existsSync } from "node:fs";
import Database from "better-sqlite3";
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
  const path = sqliteFileUrl(url);
  useWriteAheadLog(path);
  const adapter = new PrismaBetterSQLite3({ url: path });
  const db = new SqliteClient({ adapter });
  // With the write-ahead log, NORMAL syncs at checkpoints instead of every commit (13 ms each on
  // this disk): the file cannot be corrupted; a power cut may lose the last commits, which the
  // reconciliation job fetches again. It only speeds things up, so nothing waits for it.
  db.$executeRawUnsafe("PRAGMA synchronous = NORMAL").catch(() => undefined);
  return { db, kind };
}

export type { DatabaseKind };

/**
 * The write-ahead log (kept in the file, so once is enough): a commit is one append instead of a
 * rollback journal's several syncs (about 10 ms a commit here before), and readers (the admin's
 * counts) never wait for the sync's writer. A file not made yet is left to the migrations.
 */
function useWriteAheadLog(path: string): void {
  if (path === ":memory:" || !existsSync(path)) return;
  const sqlite = new Database(path);
  try {
    sqlite.pragma("journal_mode = WAL");
  } finally {
    sqlite.close();
  }
}

/** Whether Prisma refused a write for a unique constraint (P2002), on either store. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}
