import { parse } from "pg-connection-string";
import type { PoolConfig } from "pg";

/** Which store a DATABASE_URL names. */
export type DatabaseKind = "sqlite" | "postgresql";

export function databaseKind(url: string): DatabaseKind {
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgresql";
  if (/^file:/i.test(url)) return "sqlite";
  throw new Error(
    `DATABASE_URL must start with "file:" (SQLite) or "postgresql://" (PostgreSQL); got "${url.split(":")[0]}:…"`,
  );
}

/** better-sqlite3 wants a path; Prisma's "file:" URLs are relative to the working directory here. */
export function sqliteFileUrl(url: string): string {
  return url.replace(/^file:/i, "");
}

/**
 * A pg pool config from discrete fields rather than `connectionString`: adapter-pg makes the
 * shadow database for `migrate dev` by overriding `database`, which a connection string would win over.
 */
export function pgPoolConfig(url: string): PoolConfig {
  const parsed = parse(url);
  const config: PoolConfig = {
    host: parsed.host ?? undefined,
    port: parsed.port ? Number(parsed.port) : undefined,
    user: parsed.user ?? undefined,
    password: parsed.password ?? undefined,
    database: parsed.database ?? undefined,
  };
  if (parsed.ssl) config.ssl = parsed.ssl === true ? true : { rejectUnauthorized: false };
  const schema = new URL(url).searchParams.get("schema");
  if (schema) config.options = `-c search_path=${schema}`;
  return config;
}
