/**
 * Fresh, migrated stores for tests: SQLite always, PostgreSQL (database `test` on 127.0.0.1:5432)
 * when it answers — and it must answer under CI=true. Each store gets its own SQLite file or its
 * own PostgreSQL schema, built from the committed migrations, so tests never share rows.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { openDb, type Db, type DatabaseKind } from "~/db/client";

const root = join(import.meta.dirname, "..", "..");
export const POSTGRES_TEST_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface TestStore {
  kind: DatabaseKind;
  url: string;
  db: Db;
  drop(): Promise<void>;
}

/** The migration scripts of one dialect, oldest first. */
export function migrationScripts(kind: DatabaseKind): string[] {
  const dir = kind === "postgresql" ? join(root, "prisma", "postgresql", "migrations") : join(root, "prisma", "migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => readFileSync(join(dir, name, "migration.sql"), "utf8"));
}

let postgresAnswer: Promise<boolean> | undefined;

/** Whether PostgreSQL answers; under CI=true a silent PostgreSQL is an error, not a skip. */
export function postgresAvailable(): Promise<boolean> {
  postgresAnswer ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query("select 1");
      return true;
    } catch (error) {
      if (process.env.CI === "true") {
        throw new Error(`CI=true but PostgreSQL at ${POSTGRES_TEST_URL} does not answer: ${String(error)}`);
      }
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return postgresAnswer;
}

/** The store kinds this run tests: always SQLite, PostgreSQL when it answers. */
export async function storeKinds(): Promise<DatabaseKind[]> {
  return (await postgresAvailable()) ? ["sqlite", "postgresql"] : ["sqlite"];
}

export async function freshStore(kind: DatabaseKind): Promise<TestStore> {
  if (kind === "sqlite") {
    const file = join(mkdtempSync(join(tmpdir(), "segment-store-")), "store.db");
    const sqlite = new Database(file);
    for (const script of migrationScripts("sqlite")) sqlite.exec(script);
    sqlite.close();
    const url = `file:${file}`;
    const { db } = openDb(url);
    return { kind, url, db, drop: () => db.$disconnect() };
  }
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_TEST_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.query(`SET search_path TO "${schema}"`);
    // The generated script creates "public" if missing; everything else lands in search_path.
    for (const script of migrationScripts("postgresql")) await admin.query(script);
  } finally {
    await admin.end();
  }
  const url = `${POSTGRES_TEST_URL}?schema=${schema}`;
  const { db } = openDb(url);
  return {
    kind,
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      const cleanup = new pg.Client({ connectionString: POSTGRES_TEST_URL });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA "${schema}" CASCADE`);
      await cleanup.end();
    },
  };
}
