/**
 * The webhook storm (issue 4): ~1,000 deliveries against the real stand-in — 10% duplicates,
 * shuffled, 5% forged — and the store equals the stand-in's truth afterwards, on both stores.
 * bench/webhook-storm.ts runs the same with 20,000.
 */
import { describe, expect, it } from "vitest";
import { storeKinds } from "../store/harness";
import { runWebhookStorm } from "./webhooks-storm-run";

const kinds = await storeKinds();

describe.each(kinds)("a storm of webhooks on %s", (kind) => {
  it("ends with the store equal to Shopify's truth; forged deliveries got 401 and left nothing", async () => {
    const report = await runWebhookStorm({ kind, deliveries: 1_000, customers: 200, seed: 11 });
    console.info(
      `${kind}: ${report.deliveries} deliveries (${report.duplicates} duplicates, ${report.forged} forged; ${report.requests} requests with retries) ` +
        `from ${report.changes} changes; delivered in ${report.deliverySeconds.toFixed(1)} s, all processed in ${report.totalSeconds.toFixed(1)} s ` +
        `(${report.deliveriesPerSecond.toFixed(0)} deliveries/s)`,
    );
    expect(report.deliveries).toBeGreaterThanOrEqual(1_000);
    expect(report.duplicates).toBeGreaterThan(report.deliveries * 0.05);
    expect(report.forged).toBe(50);
    expect(report.forgedAnswered401).toBe(true);
    expect(report.forgedStored).toBe(0);
    expect(report.eventsFailed).toBe(0);
    expect(report.eventsDone).toBe(report.eventsStored);
    expect(report.mismatches.slice(0, 20)).toEqual([]);
  }, 240_000);
});
