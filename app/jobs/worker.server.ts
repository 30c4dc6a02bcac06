/**
 * A worker: polls the queue for the kinds it has handlers for, runs up to `concurrency` jobs at
 * once, keeps their leases alive, and records each outcome. The same class runs inside the app
 * process on SQLite and in any number of worker processes on PostgreSQL.
 *
 * It never throws out of its loop: a handler's error becomes `fail` (retry with backoff, then
 * FAILED), a database error is reported and the loop polls again later. A job whose outcome could
 * not be written is not lost either: its lease runs out and a worker claims it again.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { logger } from "~/logger.server";
import type { Db } from "~/db/client";
import { claim, complete, fail, heartbeat, release, type BackoffOptions, type Job } from "./queue.server";

/**
 * Does one job. Resolve for success, throw for failure (a PermanentJobError is not retried). The
 * signal aborts when the worker lost the job's lease (another worker may hold it now) or when
 * stop() ran out of patience; a handler should then stop soon. Handlers must be idempotent: after
 * a crash the same job runs again.
 */
export type JobHandler = (job: Job, signal: AbortSignal) => Promise<void>;
export type JobHandlers = Readonly<Record<string, JobHandler>>;

export interface WorkerOptions {
  db: Db;
  handlers: JobHandlers;
  /** Written to each claimed job's lockedBy (default host:pid:random). */
  workerId?: string;
  /** Jobs run at once (default 4). */
  concurrency?: number;
  /** The lease taken on a job (default 60 s); renewed every heartbeatMs while the job runs. */
  leaseMs?: number;
  /** Default: a third of leaseMs. */
  heartbeatMs?: number;
  /** Wait between polls when the queue has nothing due (default 1 s); wake() cuts it short. */
  pollMs?: number;
  backoff?: BackoffOptions;
  /** Where errors the loop survives go (default: the app's logger). */
  onError?: (error: unknown, context: { job?: Job; during: string }) => void;
}

class Shutdown extends Error {
  override name = "Shutdown";
}
class LeaseLost extends Error {
  override name = "LeaseLost";
}

export class Worker {
  readonly workerId: string;
  private readonly db: Db;
  private readonly handlers: JobHandlers;
  private readonly kinds: string[];
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly pollMs: number;
  private readonly backoff: BackoffOptions | undefined;
  private readonly onError: NonNullable<WorkerOptions["onError"]>;
  private readonly active = new Map<number, { promise: Promise<void>; controller: AbortController }>();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wakeUp: (() => void) | undefined;

  constructor(options: WorkerOptions) {
    this.db = options.db;
    this.handlers = options.handlers;
    this.kinds = Object.keys(options.handlers);
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.concurrency = options.concurrency ?? 4;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(this.leaseMs / 3));
    this.pollMs = options.pollMs ?? 1_000;
    this.backoff = options.backoff;
    this.onError = options.onError ?? ((error, { job, during }) => logger.error({ err: error, jobId: job?.id, kind: job?.kind, workerId: this.workerId }, `job worker: ${during} failed`));
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new Error(`Worker: concurrency must be a whole number ≥ 1, got ${this.concurrency}`);
    if (this.heartbeatMs >= this.leaseMs) throw new Error("Worker: heartbeatMs must be shorter than leaseMs");
  }

  /** Starts polling (once; later calls do nothing). */
  start(): this {
    if (!this.loop && !this.stopping) this.loop = this.run();
    return this;
  }

  /** Polls now instead of after pollMs (call it after enqueueing in the same process). */
  wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  /** Jobs running now. */
  get running(): number {
    return this.active.size;
  }

  /**
   * Stops claiming and waits for the running jobs to finish. After timeoutMs (default: no limit)
   * their signals abort; a job that then ends unfinished is released (QUEUED again, the attempt
   * not counted) for another worker.
   */
  async stop({ timeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    const all = Promise.allSettled([...this.active.values()].map((a) => a.promise));
    if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
      let timer: NodeJS.Timeout | undefined;
      const expired = await Promise.race([all.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)))]);
      clearTimeout(timer);
      if (expired) for (const { controller } of this.active.values()) controller.abort(new Shutdown("the worker is stopping"));
    }
    await all;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const free = this.concurrency - this.active.size;
        if (free <= 0) {
          await this.waitForSlotOrWake();
          continue;
        }
        const jobs = await claim(this.db, this.kinds, { workerId: this.workerId, leaseMs: this.leaseMs, limit: free });
        for (const job of jobs) this.runJob(job);
        // A full batch means more may be due: go again at once. Otherwise rest until the next poll.
        if (jobs.length < free) await this.sleep(this.pollMs);
      } catch (error) {
        this.report(error, { during: "claim" });
        await this.sleep(this.pollMs);
      }
    }
  }

  private waitForSlotOrWake(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      for (const { promise } of this.active.values()) void promise.then(resolve);
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private runJob(job: Job): void {
    const controller = new AbortController();
    const promise = this.execute(job, controller).finally(() => {
      this.active.delete(job.id);
    });
    this.active.set(job.id, { promise, controller });
  }

  private async execute(job: Job, controller: AbortController): Promise<void> {
    let beat: NodeJS.Timeout | undefined;
    let stopped = false;
    const keepAlive = () => {
      beat = setTimeout(async () => {
        try {
          if (!(await heartbeat(this.db, job, { leaseMs: this.leaseMs }))) {
            controller.abort(new LeaseLost(`job ${job.id}: the lease was lost`));
            return;
          }
        } catch (error) {
          this.report(error, { job, during: "heartbeat" });
        }
        if (!stopped) keepAlive();
      }, this.heartbeatMs);
    };
    keepAlive();
    let outcome: { ok: true } | { ok: false; error: unknown };
    try {
      const handler = this.handlers[job.kind];
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job, controller.signal);
      outcome = { ok: true };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      stopped = true;
      clearTimeout(beat);
    }
    try {
      const reason: unknown = controller.signal.reason;
      if (controller.signal.aborted && reason instanceof LeaseLost) {
        // Someone else may hold the job now; whatever we write would be fenced off anyway.
        this.report(reason, { job, during: "run (lease lost)" });
      } else if (outcome.ok) {
        if (!(await complete(this.db, job))) this.report(new LeaseLost(`job ${job.id}: the lease was lost before it completed`), { job, during: "complete" });
      } else if (controller.signal.aborted && reason instanceof Shutdown) {
        await release(this.db, job);
      } else {
        await fail(this.db, job, outcome.error, { backoff: this.backoff });
      }
    } catch (error) {
      // The outcome could not be written: the lease will run out and the job be claimed again.
      this.report(error, { job, during: outcome.ok ? "complete" : "fail" });
    }
  }

  private report(error: unknown, context: { job?: Job; during: string }): void {
    try {
      this.onError(error, context);
    } catch {
      // a broken error hook must not break the loop
    }
  }
}
