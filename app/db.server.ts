import { openDb, type Db } from "./db/client";
import { env } from "./env.server";

declare global {
  // Remix's dev server reloads modules; keep one client per process.
  var __segmentStudioDb: { db: Db; kind: "sqlite" | "postgresql" } | undefined;
}

const opened = (globalThis.__segmentStudioDb ??= openDb(env().DATABASE_URL));

/** The process's one Prisma client, on the store DATABASE_URL names. */
export const db: Db = opened.db;
export const dbKind = opened.kind;
export default db;
