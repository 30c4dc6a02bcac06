import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseKind, pgPoolConfig, sqliteFileUrl } from "./app/db/url";

// Migrations run through the driver adapters (the JavaScript schema engine), so nothing is
// downloaded: the store is SQLite or PostgreSQL by DATABASE_URL, each with its own migrations.
// See docs/decisions/002-prisma-offline.md.
const url = process.env.DATABASE_URL ?? "file:./dev.db";
const kind = databaseKind(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: kind === "postgresql" ? "prisma/postgresql/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: kind === "postgresql" ? "prisma/postgresql/migrations" : "prisma/migrations" },
  async adapter() {
    return kind === "postgresql"
      ? new PrismaPg(pgPoolConfig(url))
      : new PrismaBetterSQLite3({ url: sqliteFileUrl(url) });
  },
});
