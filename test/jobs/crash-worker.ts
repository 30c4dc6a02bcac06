/**
 * A worker process that dies mid-job, for app/jobs/worker.test.ts: it runs a real Worker against
 * the store at argv[2], claims a job of kind argv[3], prints `started <id>` and then never
 * finishes — the test kills it with SIGKILL. Its lease (argv[4] ms) then runs out.
 */
import { openDb } from "~/db/client";
import { Worker } from "~/jobs/worker.server";

const [url, kind, lease] = process.argv.slice(2);
if (!url || !kind || !lease) {
  console.error("usage: crash-worker.ts <DATABASE_URL> <kind> <leaseMs>");
  process.exit(2);
}
const { db } = openDb(url);
const worker = new Worker({
  db,
  workerId: `doomed:${process.pid}`,
  concurrency: 1,
  leaseMs: Number(lease),
  pollMs: 50,
  handlers: {
    [kind]: (job) => {
      process.stdout.write(`started ${job.id}\n`);
      return new Promise<void>(() => {}); // mid-job, forever
    },
  },
  onError: (error) => process.stderr.write(`${String(error)}\n`),
});
worker.start();
