/**
 * The webhook storm at the issue's size: 20,000 deliveries (10% duplicates, shuffled, 5% forged)
 * against the Shopify stand-in, delivered over loopback HTTP to the app's webhook receiver while
 * Workers process the durable inbox; then the store is compared with the stand-in's truth, field
 * by field. The same run as test/sync/webhook-storm.test.ts (2,000 deliveries), bigger.
 *
 *   tsx bench/webhook-storm.ts [--deliveries 20000] [--customers 200] [--seed 11] [--dialect sqlite|postgresql|both]
 *
 * Prints, per store: deliveries, requests (with retries of the forged ones), the time to deliver
 * them and to finish processing, deliveries per second, and whether the store equals the truth.
 * SQLite runs with journal_mode=WAL and synchronous=NORMAL (see the test's runner). Exits 1 when
 * any store differs from the truth or a forged delivery was stored.
 */
import { parseArgs } from "node:util";
import type { DatabaseKind } from "~/db/client";
import { postgresAvailable } from "../test/store/harness";
import { runWebhookStorm } from "../test/sync/webhooks-storm-run";

const { values } = parseArgs({
  options: {
    deliveries: { type: "string", default: "20000" },
    customers: { type: "string", default: "200" },
    seed: { type: "string", default: "11" },
    dialect: { type: "string", default: "both" },
  },
});

const deliveries = Number(values.deliveries);
const customers = Number(values.customers);
const seed = Number(values.seed);
if (![deliveries, customers, seed].every((n) => Number.isInteger(n) && n > 0)) throw new Error("--deliveries, --customers and --seed take whole numbers above 0");
const dialects: DatabaseKind[] = values.dialect === "both" ? ["sqlite", "postgresql"] : [values.dialect as DatabaseKind];
if (!dialects.every((d) => d === "sqlite" || d === "postgresql")) throw new Error("--dialect is sqlite, postgresql or both");
if (dialects.includes("postgresql") && !(await postgresAvailable())) throw new Error("PostgreSQL does not answer at TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test)");

let failed = false;
for (const kind of dialects) {
  const started = performance.now();
  const report = await runWebhookStorm({ kind, deliveries, customers, seed, log: (line) => console.log(`  ${line}`) });
  const equal = report.mismatches.length === 0 && report.forgedStored === 0 && report.forgedAnswered401 && report.eventsFailed === 0;
  failed ||= !equal;
  console.log(
    [
      `${kind}: ${report.deliveries} deliveries (${report.duplicates} duplicates, ${report.forged} forged) from ${report.changes} changes, ${report.requests} requests with retries`,
      `  delivered in ${report.deliverySeconds.toFixed(1)} s, inbox done in ${report.totalSeconds.toFixed(1)} s: ${report.deliveriesPerSecond.toFixed(1)} deliveries/s`,
      `  events stored ${report.eventsStored}, done ${report.eventsDone}, failed ${report.eventsFailed}; forged: all 401 ${report.forgedAnswered401}, stored ${report.forgedStored}`,
      `  store equals the stand-in's truth: ${report.mismatches.length === 0 ? "yes" : `NO (${report.mismatches.length} differences)`}`,
      ...report.mismatches.slice(0, 10).map((m) => `    ${m}`),
      `  (whole run ${((performance.now() - started) / 1000).toFixed(1)} s, import included)`,
    ].join("\n"),
  );
}
process.exit(failed ? 1 : 0);
