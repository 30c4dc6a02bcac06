import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "~/db/client";
import { freshStore, storeKinds, type TestStore } from "../../test/store/harness";
import { claim, enqueue, type Job } from "./queue.server";
import { Worker, type JobHandlers, type WorkerOptions } from "./worker.server";

const kinds = await storeKinds();
const root = join(import.meta.dirname, "..", "..");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe.each(kinds)("worker on %s", (storeKind) => {
  let store: TestStore;
  let n = 0;
  const kindName = (name: string) => `${name}-${(n += 1)}`;
  const workers: Worker[] = [];
  const errors: unknown[] = [];
  const worker = (handlers: JobHandlers, options: Partial<WorkerOptions> = {}) => {
    const w = new Worker({ db: store.db, handlers, pollMs: 20, onError: (error) => errors.push(error), ...options });
    workers.push(w);
    return w.start();
  };
  const stateCount = async (kind: string) =>
    Object.fromEntries((await store.db.job.groupBy({ by: ["state"], where: { kind }, _count: true })).map((g) => [g.state, g._count]));

  beforeAll(async () => {
    store = await freshStore(storeKind);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop({ timeoutMs: 0 })));
    await store.drop();
  });

  it("runs every job once, up to `concurrency` at a time, and stop() waits for the running ones", async () => {
    const kind = kindName("work");
    for (let i = 0; i < 40; i += 1) await enqueue(store.db, { kind, payload: { i } });
    const seen: number[] = [];
    let running = 0;
    let peak = 0;
    const w = worker(
      {
        [kind]: async (job) => {
          running += 1;
          peak = Math.max(peak, running);
          await sleep(5);
          seen.push((job.payload as { i: number }).i);
          running -= 1;
        },
      },
      { concurrency: 3 },
    );
    await until("all done", async () => (await stateCount(kind)).DONE === 40);
    await w.stop();
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(errors).toEqual([]);
  });

  it("stop() lets a running job finish and record DONE; after stop nothing more is claimed", async () => {
    const kind = kindName("graceful");
    const job = await enqueue(store.db, { kind, payload: {} });
    let started!: () => void;
    const isStarted = new Promise<void>((resolve) => (started = resolve));
    const w = worker({
      [kind]: async () => {
        started();
        await sleep(300);
      },
    });
    await isStarted;
    const stopping = w.stop();
    const later = await enqueue(store.db, { kind, payload: {} });
    await stopping;
    expect(await store.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ state: "DONE" });
    await sleep(60);
    expect(await store.db.job.findUniqueOrThrow({ where: { id: later.id } })).toMatchObject({ state: "QUEUED", attempts: 0 });
  });

  it("stop({timeoutMs}) aborts a job that outlasts it and gives the job back without counting the attempt", async () => {
    const kind = kindName("abort");
    const job = await enqueue(store.db, { kind, payload: {} });
    let started!: () => void;
    const isStarted = new Promise<void>((resolve) => (started = resolve));
    const w = worker({
      [kind]: (_job, signal) =>
        new Promise<void>((_resolve, reject) => {
          started();
          signal.addEventListener("abort", () => reject(signal.reason as Error));
        }),
    });
    await isStarted;
    await w.stop({ timeoutMs: 50 });
    expect(await store.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ state: "QUEUED", attempts: 0, lockedBy: null });
  });

  it("turns a handler's error into a retry with backoff, then FAILED with the error kept; the loop goes on", async () => {
    const kind = kindName("flaky");
    const okKind = kindName("ok");
    const failing = await enqueue(store.db, { kind, payload: {}, maxAttempts: 3 });
    const attempts: number[] = [];
    let okRuns = 0;
    const w = worker(
      {
        [kind]: async (job) => {
          attempts.push(Date.now());
          if (job.attempts === 2) throw "a thrown string"; // not an Error
          throw new Error(`attempt ${job.attempts} failed`);
        },
        // throws synchronously: still just a failed attempt
        [`${kind}-sync`]: () => {
          throw new Error("sync");
        },
        [okKind]: async () => {
          okRuns += 1;
        },
      },
      { backoff: { baseMs: 40, maxMs: 1000 } },
    );
    const sync = await enqueue(store.db, { kind: `${kind}-sync`, payload: {}, maxAttempts: 1 });
    await until("FAILED", async () => (await store.db.job.findUniqueOrThrow({ where: { id: failing.id } })).state === "FAILED");
    await enqueue(store.db, { kind: okKind, payload: {} });
    w.wake();
    await until("ok ran", () => okRuns === 1);
    await w.stop();
    const row = await store.db.job.findUniqueOrThrow({ where: { id: failing.id } });
    expect(row).toMatchObject({ state: "FAILED", attempts: 3 });
    expect(row.lastError).toMatch(/^Error: attempt 3 failed/);
    expect(attempts).toHaveLength(3);
    // the second attempt waited ≥ 20 ms (40 ms, half jittered), the third ≥ 40 ms
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(15);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(35);
    const syncRow = await store.db.job.findUniqueOrThrow({ where: { id: sync.id } });
    expect(syncRow).toMatchObject({ state: "FAILED" });
    expect(syncRow.lastError).toMatch(/^Error: sync/);
    expect(errors).toEqual([]);
  });

  it("keeps a long job's lease alive with heartbeats, so nobody else takes it", async () => {
    const kind = kindName("long");
    const job = await enqueue(store.db, { kind, payload: {} });
    let runs = 0;
    const w = worker(
      {
        [kind]: async () => {
          runs += 1;
          await sleep(800);
        },
      },
      { leaseMs: 300, heartbeatMs: 50 },
    );
    await until("running", () => runs === 1);
    // twice the lease, and nobody could take the job
    for (let i = 0; i < 6; i += 1) {
      await sleep(100);
      expect(await claim(store.db, kind, { workerId: "thief", leaseMs: 1000 })).toEqual([]);
    }
    await w.stop();
    expect(runs).toBe(1);
    expect(await store.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ state: "DONE", attempts: 1 });
  });

  it("survives a store that fails under it: reports, polls again, loses no job", async () => {
    const kind = kindName("flaky-store");
    let calls = 0;
    // a client whose claims fail for a while (the store restarting)
    const broken = new Proxy(store.db, {
      get(target, property, receiver) {
        if (property === "$queryRawUnsafe" || property === "job") {
          calls += 1;
          if (calls <= 4) {
            return property === "job"
              ? new Proxy(target.job, { get: (t, p) => (p === "findMany" || p === "updateManyAndReturn" ? () => Promise.reject(new Error("store down")) : Reflect.get(t, p)) })
              : () => Promise.reject(new Error("store down"));
          }
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    }) as Db;
    const seen: number[] = [];
    const job = await enqueue(store.db, { kind, payload: {} });
    const localErrors: unknown[] = [];
    const w = new Worker({ db: broken, handlers: { [kind]: async (j: Job) => void seen.push(j.id) }, pollMs: 20, onError: (e) => localErrors.push(e) }).start();
    workers.push(w);
    await until("done", async () => (await store.db.job.findUniqueOrThrow({ where: { id: job.id } })).state === "DONE");
    await w.stop();
    expect(seen).toEqual([job.id]);
    expect(localErrors.length).toBeGreaterThan(0);
    expect(String(localErrors[0])).toContain("store down");
  });

  it("finishes, exactly once, a job whose worker process was killed (SIGKILL) mid-job", async () => {
    const kind = kindName("crash");
    const job = await enqueue(store.db, { kind, payload: { important: true } });
    const leaseMs = 500;
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, ["--import", "tsx", join(root, "test", "jobs", "crash-worker.ts"), store.url, kind, String(leaseMs)], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const startedId = await new Promise<number>((resolve, reject) => {
        let out = "";
        child!.stdout!.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const match = /started (\d+)/.exec(out);
          if (match) resolve(Number(match[1]));
        });
        child!.on("exit", (code) => reject(new Error(`crash worker exited (${code}) before starting the job: ${stderr}`)));
        setTimeout(() => reject(new Error(`crash worker did not start the job: ${stderr}`)), 15_000);
      });
      expect(startedId).toBe(job.id);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child!.on("exit", (_code, signal) => resolve(signal)));
      child.kill("SIGKILL");
      expect(await exited).toBe("SIGKILL");
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    const orphan = await store.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(orphan).toMatchObject({ state: "RUNNING", attempts: 1 });
    expect(orphan.lockedBy).toMatch(/^doomed:/);

    // a second worker (this process) takes over once the dead one's lease has run out
    const runs: { id: number; attempts: number; at: number }[] = [];
    const w = worker({ [kind]: async (j) => void runs.push({ id: j.id, attempts: j.attempts, at: Date.now() }) }, { workerId: "survivor", leaseMs: 5000 });
    await until("taken over", async () => (await store.db.job.findUniqueOrThrow({ where: { id: job.id } })).state === "DONE", leaseMs + 5000);
    await sleep(100);
    await w.stop();
    expect(runs).toEqual([{ id: job.id, attempts: 2, at: expect.any(Number) as number }]);
    expect(await store.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ state: "DONE", attempts: 2, lockedBy: "survivor" });
    // not before the dead worker's lease was over (the store's clock and ours: the same machine)
    expect(runs[0]!.at).toBeGreaterThanOrEqual(orphan.lockedUntil!.getTime() - 50);
  });
});

describe.runIf(kinds.includes("postgresql"))("workers on postgresql, several processes' worth", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore("postgresql");
  });
  afterAll(() => store.drop());

  it("runs 500 jobs across 5 workers on separate connection pools: each exactly once, none missing", async () => {
    const kind = "fanout";
    await store.db.job.createMany({ data: Array.from({ length: 500 }, (_, i) => ({ kind, payload: { i }, priority: i % 4 })) });
    // executions are recorded in the store too, in a table with no unique key, so a duplicate would show
    await store.db.$executeRawUnsafe(`CREATE TABLE "Execution" ("jobId" integer NOT NULL, "worker" text NOT NULL)`);
    const clients = Array.from({ length: 5 }, () => openDb(store.url).db);
    const executions: { id: number; worker: string }[] = [];
    const errors: unknown[] = [];
    const workers = clients.map((db, w) => {
      const workerId = `proc-${w}`;
      return new Worker({
        db,
        workerId,
        concurrency: 4,
        pollMs: 20,
        onError: (error) => errors.push(error),
        handlers: {
          [kind]: async (job) => {
            executions.push({ id: job.id, worker: workerId });
            await db.$executeRawUnsafe(`INSERT INTO "Execution" ("jobId", "worker") VALUES (CAST($1 AS integer), $2)`, job.id, workerId);
            if (job.id % 7 === 0) await sleep(1);
          },
        },
      }).start();
    });
    try {
      await until("all done", async () => (await store.db.job.count({ where: { kind, state: "DONE" } })) === 500, 15_000);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const recorded = await store.db.$queryRawUnsafe<{ jobId: number; n: bigint }[]>(`SELECT "jobId", COUNT(*) AS n FROM "Execution" GROUP BY "jobId"`);
    await Promise.all(clients.map((c) => c.$disconnect()));
    const ids = (await store.db.job.findMany({ where: { kind }, select: { id: true } })).map((j) => j.id).sort((a, b) => a - b);
    expect(executions.map((e) => e.id).sort((a, b) => a - b)).toEqual(ids);
    expect(recorded).toHaveLength(500);
    expect(recorded.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(new Set(executions.map((e) => e.worker)).size).toBeGreaterThan(1);
    expect(await store.db.job.count({ where: { kind, state: "DONE", attempts: 1 } })).toBe(500);
    expect(errors).toEqual([]);
  });
});
