/**
 * A process that runs one shop's sync (runSync) and exits: 0 when the run SUCCEEDED, 1 with the
 * reason on stderr otherwise. The kill -9 proof (test/sync/kill.test.ts) kills it at random points
 * and starts it again; the import bench (bench/sync-import.ts) measures it on its own.
 *
 *   SYNC_DATABASE_URL=file:/tmp/store.db SYNC_SHOP_ID=1 SYNC_RUN_ID=1 \
 *   SYNC_ADMIN_ORIGIN=http://127.0.0.1:4100 SYNC_ACCESS_TOKEN=shpat_… tsx test/sync/import-child.ts
 *
 * On success it prints one JSON line: { state, objectsDone, seconds, maxRssKb }.
 */
import { z } from "zod";
import { openDb } from "~/db/client";
import { createAdminClient } from "~/shopify/admin-client.server";
import { runSync } from "~/sync/bulk-import.server";

const Env = z.object({
  SYNC_DATABASE_URL: z.string().min(1),
  SYNC_SHOP_ID: z.coerce.number().int().positive(),
  SYNC_RUN_ID: z.coerce.number().int().positive(),
  SYNC_ADMIN_ORIGIN: z.string().url(),
  SYNC_ACCESS_TOKEN: z.string().min(1),
  SYNC_API_VERSION: z.string().default("2026-10"),
  /** Partial<SyncTuning> as JSON */
  SYNC_TUNING: z.string().default("{}"),
});

async function main(): Promise<number> {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    process.stderr.write(`import-child: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}\n`);
    return 2;
  }
  const env = parsed.data;
  const { db, kind } = openDb(env.SYNC_DATABASE_URL);
  const started = performance.now();
  try {
    const run = await runSync(
      {
        db,
        kind,
        adminFor: async (shop) => createAdminClient({ shop, accessToken: env.SYNC_ACCESS_TOKEN, apiVersion: env.SYNC_API_VERSION, origin: env.SYNC_ADMIN_ORIGIN }),
        now: () => new Date(),
      },
      { shopId: env.SYNC_SHOP_ID, runId: env.SYNC_RUN_ID, tuning: JSON.parse(env.SYNC_TUNING) as Record<string, number> },
    );
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`${JSON.stringify({ state: run.state, objectsDone: run.objectsDone, seconds, maxRssKb: process.resourceUsage().maxRSS })}\n`);
    return run.state === "SUCCEEDED" ? 0 : 1;
  } catch (error) {
    process.stderr.write(`import-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

process.exit(await main());
