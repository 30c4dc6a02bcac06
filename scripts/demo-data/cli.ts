/** `npx tsx scripts/demo-data/cli.ts --out FILE.json [--seed N] [--today YYYY-MM-DD]`: writes the CDNOW demo shop. */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CDNOW_MASTER_FILE } from "./cdnow";
import { generateDemoShop } from "./generate";

const { values } = parseArgs({ options: { out: { type: "string" }, seed: { type: "string", default: "42" }, today: { type: "string" } } });
const today = values.today ? new Date(`${values.today}T12:00:00Z`) : new Date();
if (!values.out || Number.isNaN(today.getTime()) || !/^\d+$/.test(values.seed ?? "")) {
  console.error("usage: tsx scripts/demo-data/cli.ts --out FILE.json [--seed N] [--today YYYY-MM-DD]");
  process.exit(2);
}
const started = performance.now();
const shop = generateDemoShop({ masterFile: CDNOW_MASTER_FILE, seed: Number(values.seed), today });
writeFileSync(values.out, JSON.stringify(shop));
console.error(
  `${shop.customers.length} customers, ${shop.orders.length} orders, ${shop.products.length} products, ${shop.abandonedCheckouts.length} abandoned checkouts in ${Math.round(performance.now() - started)} ms → ${values.out}`,
);
