/**
 * `npm run predict -- --transactions FILE.csv --as-of YYYY-MM-DD [--horizon-days N]`
 *
 * Reads `customer_id,date,amount` rows (a header line first; `-` reads standard input), keeps those
 * dated on or before --as-of, fits BG/NBD and Gamma-Gamma, and writes one CSV row per customer to
 * stdout: customer_id,frequency,recency,T,monetary,p_alive,expected_purchases,predicted_spend,tier,rfm_group
 * (days for recency and T). The fitted parameters, counts and timings go to stderr. Bad input: a
 * message naming the flag or the line, and exit code 2.
 *
 * Options: --tier-high P, --tier-low P (percentiles of predicted spend), --clv-months M,
 * --discount-rate R (yearly), --min-repeat-buyers N (fewer and the models are not fitted).
 */
import { once } from "node:events";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { bgnbdLogLikelihood } from "~/predict/bgnbd";
import { DEFAULT_PREDICT_OPTIONS, predictCustomers, SPEND_TIERS, type PredictOptions, type Predictions, type PurchaseSummaries } from "~/predict/model";
import { dayNumber, summarizePurchases } from "~/predict/summarize";
import { InputError, PREDICTION_COLUMNS, predictionRow, readTransactions, type TransactionCounts } from "./predict-csv";

export interface PredictIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** read when --transactions is "-" */
  stdin?: NodeJS.ReadableStream;
}

const USAGE = `usage: npm run predict -- --transactions FILE.csv --as-of YYYY-MM-DD [options]
  --transactions FILE   customer_id,date,amount rows with a header line ("-": standard input)
  --as-of DATE          the day the history ends (rows after it are left out)
  --horizon-days N      days ahead for expected purchases and predicted spend (default ${DEFAULT_PREDICT_OPTIONS.horizonDays})
  --tier-high P         HIGH above this percentile of predicted spend (default ${DEFAULT_PREDICT_OPTIONS.tierHighPercentile})
  --tier-low P          LOW below this percentile, or zero (default ${DEFAULT_PREDICT_OPTIONS.tierLowPercentile})
  --clv-months M        lifetime value horizon in months (default ${DEFAULT_PREDICT_OPTIONS.clvMonths})
  --discount-rate R     yearly discount rate for lifetime value (default ${DEFAULT_PREDICT_OPTIONS.annualDiscountRate})
  --min-repeat-buyers N fewer repeat buyers and the models are not fitted (default ${DEFAULT_PREDICT_OPTIONS.minRepeatBuyers})`;

/** A numeric flag: a plain decimal within bounds, whole when `whole`. */
function numberFlag(min: number, max: number, whole: boolean) {
  const number = whole ? z.number().int("must be a whole number") : z.number();
  return z
    .string()
    .regex(/^[+-]?(\d+(\.\d*)?|\.\d+)$/, "must be a number")
    .transform(Number)
    .pipe(number.min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .optional();
}

const flagsSchema = z
  .object({
    transactions: z.string({ error: "is required: the CSV file of customer_id,date,amount rows" }).min(1, "needs a file name"),
    "as-of": z
      .string({ error: "is required: the day the history ends, YYYY-MM-DD" })
      .refine((value) => dayNumber(value) !== null, "must be a real date written YYYY-MM-DD"),
    "horizon-days": numberFlag(1, 36_500, true),
    "tier-high": numberFlag(0, 100, false),
    "tier-low": numberFlag(0, 100, false),
    "clv-months": numberFlag(1, 1200, true),
    "discount-rate": numberFlag(0, 10, false),
    "min-repeat-buyers": numberFlag(0, 1e9, true),
  })
  .refine((flags) => (flags["tier-low"] ?? DEFAULT_PREDICT_OPTIONS.tierLowPercentile) <= (flags["tier-high"] ?? DEFAULT_PREDICT_OPTIONS.tierHighPercentile), {
    message: "must not be above --tier-high",
    path: ["tier-low"],
  });

type Flags = z.infer<typeof flagsSchema>;

/** The validated flags, or the message to print. */
export function parseFlags(argv: string[]): { flags: Flags } | { error: string } {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(Object.keys(flagsSchema.shape).map((name) => [name, { type: "string" as const }])),
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    return { error: (error as Error).message };
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) return { error: parsed.error.issues.map((issue) => `--${String(issue.path[0])} ${issue.message}`).join("\n") };
  return { flags: parsed.data };
}

function predictOptions(flags: Flags): PredictOptions {
  const options = {
    horizonDays: flags["horizon-days"],
    tierHighPercentile: flags["tier-high"],
    tierLowPercentile: flags["tier-low"],
    clvMonths: flags["clv-months"],
    annualDiscountRate: flags["discount-rate"],
    minRepeatBuyers: flags["min-repeat-buyers"],
  };
  // an option left out must not override its default with undefined
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** The file's lines, streamed; a missing or unreadable file is an InputError. */
async function openLines(path: string, io: PredictIo): Promise<AsyncIterable<string>> {
  if (path === "-") {
    if (!io.stdin) throw new InputError("no standard input to read");
    return createInterface({ input: io.stdin, crlfDelay: Infinity });
  }
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? "no such file" : code === "EACCES" ? "not readable" : (error as Error).message);
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new InputError("not a file");
  }
  return createInterface({ input: handle.createReadStream({ encoding: "utf8" }), crlfDelay: Infinity });
}

/** Writes lines in ~64 kB chunks, waiting when the reader is slower. */
async function writeLines(stream: NodeJS.WritableStream, lines: Iterable<string>): Promise<void> {
  let chunk = "";
  for (const line of lines) {
    chunk += `${line}\n`;
    if (chunk.length >= 65_536) {
      if (!stream.write(chunk)) await once(stream, "drain");
      chunk = "";
    }
  }
  if (chunk && !stream.write(chunk)) await once(stream, "drain");
}

function* predictionLines(customerIds: readonly string[], data: PurchaseSummaries, predictions: Predictions): Generator<string> {
  yield PREDICTION_COLUMNS.join(",");
  for (let i = 0; i < customerIds.length; i++) yield predictionRow(customerIds, data, predictions, i);
}

const count = (n: number) => n.toLocaleString("en-US");
const counted = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? "" : "s"}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const sig = (value: number) => value.toPrecision(4);

/** What stderr says about a run: parameters, status, counts, tier cut-offs and timings. */
export function describeRun(run: {
  file: string;
  asOf: string;
  counts: TransactionCounts;
  data: PurchaseSummaries;
  predictions: Predictions;
  timings: { readMs: number; fitMs: number; writeMs: number };
}): string[] {
  const { counts, data, predictions: p, timings } = run;
  const lines = [
    `read ${counted(counts.rows, "row")} from ${run.file}: ${count(counts.rows - counts.later)} on or before ${run.asOf}, ${count(counts.later)} later (left out); ` +
      `${counted(counts.refunds, "refund")}${counts.unmatchedRefunds ? ` (${count(counts.unmatchedRefunds)} without an earlier purchase, left out)` : ""}`,
    `customers ${count(p.customers)}, repeat buyers ${count(p.repeatBuyers)}; horizon ${p.options.horizonDays} days`,
    `status: ${p.status}${p.reason ? ` — ${p.reason}; predicted spend is the last 365 days' spend carried forward, no p_alive or expected purchases` : ""}`,
  ];
  if (p.bgnbd) {
    const { r, alpha, a, b } = p.bgnbd.params;
    // the papers work in weeks; the log-likelihood of the same data in weeks is comparable with theirs
    const weeks = bgnbdLogLikelihood({ r, alpha: alpha / 7, a, b }, { frequency: data.frequency, recency: Float64Array.from(data.recency, (d) => d / 7), age: Float64Array.from(data.age, (d) => d / 7) });
    lines.push(
      `BG/NBD: r ${sig(r)}, α ${sig(alpha)} days = ${sig(alpha / 7)} weeks, a ${sig(a)}, b ${sig(b)}; ` +
        `log-likelihood ${p.bgnbd.logLikelihood.toFixed(2)} (days), ${weeks.toFixed(2)} (weeks); ` +
        `L-BFGS ${p.bgnbd.optimizer.iterations} iterations, ${p.bgnbd.optimizer.evaluations} evaluations, ${p.bgnbd.optimizer.converged ? "converged" : "not converged"}`,
    );
  }
  if (p.gammaGamma) {
    const { p: shape, q, gamma } = p.gammaGamma.params;
    lines.push(
      `Gamma-Gamma: p ${sig(shape)}, q ${sig(q)}, γ ${sig(gamma)}; log-likelihood ${p.gammaGamma.logLikelihood.toFixed(2)}; ` +
        `L-BFGS ${p.gammaGamma.optimizer.iterations} iterations, ${p.gammaGamma.optimizer.converged ? "converged" : "not converged"}`,
    );
  }
  const tiers = [0, 0, 0];
  for (const t of p.tier) tiers[t]!++;
  lines.push(
    `tiers: HIGH above ${p.tierCutoffs.high.toFixed(2)} (${p.options.tierHighPercentile}th percentile of predicted spend), LOW below ${p.tierCutoffs.low.toFixed(2)} (${p.options.tierLowPercentile}th) or zero; ` +
      SPEND_TIERS.map((name, i) => `${name} ${count(tiers[i]!)}`).reverse().join(", "),
    `time: read ${seconds(timings.readMs)}, fit and score ${seconds(timings.fitMs)}, write ${seconds(timings.writeMs)}, total ${seconds(timings.readMs + timings.fitMs + timings.writeMs)}`,
  );
  return lines;
}

/** The command, in-process: the exit code (0 done, 2 bad input). */
export async function runPredict(argv: string[], io: PredictIo): Promise<number> {
  const say = (text: string) => io.stderr.write(`${text}\n`);
  const parsed = parseFlags(argv);
  if ("error" in parsed) {
    say(`${parsed.error}\n${USAGE}`);
    return 2;
  }
  const { flags } = parsed;
  const asOfDay = dayNumber(flags["as-of"])!;
  try {
    const started = performance.now();
    const transactions = await readTransactions(await openLines(flags.transactions, io), asOfDay);
    const { customerIds, summaries } = summarizePurchases(transactions.purchases(), asOfDay);
    const read = performance.now();
    if (customerIds.length === 0) {
      const { rows, later } = transactions.counts;
      throw new InputError(`no purchases on or before ${flags["as-of"]} (${counted(rows, "row")}, ${count(later)} of them later)`);
    }
    const predictions = predictCustomers(summaries, predictOptions(flags));
    const fitted = performance.now();
    await writeLines(io.stdout, predictionLines(customerIds, summaries, predictions));
    const written = performance.now();
    for (const line of describeRun({
      file: flags.transactions,
      asOf: flags["as-of"],
      counts: transactions.counts,
      data: summaries,
      predictions,
      timings: { readMs: read - started, fitMs: fitted - read, writeMs: written - fitted },
    })) {
      say(line);
    }
    return 0;
  } catch (error) {
    if (error instanceof InputError) {
      say(`${flags.transactions}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  // a reader that stops early (| head) is not an error
  process.stdout.on("error", (error: NodeJS.ErrnoException) => process.exit(error.code === "EPIPE" ? 0 : 1));
  runPredict(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`predict failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
