/**
 * Shared by the webhook processing tests: store a delivery in the inbox as the route does, and run
 * the queue with real Workers until nothing is left to do.
 */
import type { Db } from "~/db/client";
import type { JobHandlers } from "~/jobs/worker.server";
import { Worker } from "~/jobs/worker.server";
import { storeWebhook } from "~/store/webhook-inbox.server";

let deliveries = 0;

/** Stores a delivery (verbatim body) and queues its processing, as the webhook route does after the HMAC check. */
export function deliver(
  db: Db,
  shop: string,
  topic: string,
  body: unknown,
  options: { webhookId?: string; triggeredAt?: Date | null } = {},
): Promise<"stored" | "duplicate"> {
  deliveries += 1;
  return storeWebhook({
    db,
    now: new Date(),
    webhook: {
      shop,
      webhookId: options.webhookId ?? `test-delivery-${deliveries}-${Math.random().toString(36).slice(2, 8)}`,
      eventId: null,
      topic,
      apiVersion: "2026-10",
      triggeredAt: options.triggeredAt === undefined ? new Date() : options.triggeredAt,
      rawBody: typeof body === "string" ? body : JSON.stringify(body),
    },
  });
}

export interface RunOptions {
  /** workers side by side (each with its own claim loop), default 1 */
  workers?: number;
  concurrency?: number;
  /** give up after this long (a test that hangs is a failing test) */
  timeoutMs?: number;
  /** called with every error a worker survives (handler failures are expected in some tests) */
  onError?: (error: unknown) => void;
}

/**
 * Runs Workers with these handlers until no job of their kinds is QUEUED or RUNNING; retries use
 * a few milliseconds of backoff so a job's attempts run out quickly.
 */
export async function runJobsUntilIdle(db: Db, handlers: JobHandlers, options: RunOptions = {}): Promise<void> {
  const kinds = Object.keys(handlers);
  const workers = Array.from(
    { length: options.workers ?? 1 },
    () => new Worker({ db, handlers, concurrency: options.concurrency ?? 2, pollMs: 5, leaseMs: 30_000, backoff: { baseMs: 2, maxMs: 10 }, onError: options.onError ?? (() => undefined) }),
  );
  for (const worker of workers) worker.start();
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  try {
    for (;;) {
      const open = await db.job.count({ where: { kind: { in: kinds }, state: { in: ["QUEUED", "RUNNING"] } } });
      if (open === 0 && workers.every((w) => w.running === 0)) return;
      if (Date.now() > deadline) throw new Error(`jobs still open after ${options.timeoutMs ?? 30_000} ms: ${open}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/**
 * The store client with its Nth, N+1th … calls of $transaction failing as a lost connection would
 * (1-based, in call order): a failure of the store in the middle of processing.
 */
export function withFailingTransactions(db: Db, failingCalls: readonly number[]): Db {
  let calls = 0;
  return new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== "$transaction" || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
      return (...args: unknown[]) => {
        calls += 1;
        if (failingCalls.includes(calls)) return Promise.reject(new Error(`the store connection was lost (transaction ${calls})`));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
