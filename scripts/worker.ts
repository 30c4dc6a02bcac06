/**
 * `npm run worker`: a process that only runs background jobs (the sync, webhook processing, the
 * daily work), for PostgreSQL deployments that run several beside web processes started with
 * JOBS_IN_PROCESS=0. Jobs are claimed with FOR UPDATE SKIP LOCKED, so workers never share a job.
 *
 *   npm run worker -- [--concurrency 4]
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { concurrency: { type: "string", default: "4" } } });
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error("usage: npm run worker -- [--concurrency 4]");
  process.exit(2);
}
const { startDedicatedWorker } = await import("../app/jobs/app-worker.server");
const { logger } = await import("../app/logger.server");
const worker = startDedicatedWorker(concurrency);
logger.info({ workerId: worker.workerId, concurrency }, "worker started");
const stop = (signal: string) => {
  logger.info({ signal }, "worker stopping: finishing running jobs (30 s at most)");
  void worker.stop({ timeoutMs: 30_000 }).then(() => process.exit(0));
};
process.once("SIGTERM", () => stop("SIGTERM"));
process.once("SIGINT", () => stop("SIGINT"));
