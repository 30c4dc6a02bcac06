/**
 * Prediction runs: one row per refit of a shop's models (see PredictionRun in the schema). The
 * model column holds what the admin shows about the fit; it is validated on the way out, so a row
 * written by an older version reads as "no details" rather than breaking a page.
 */
import { z } from "zod";
import type { Db } from "~/db/client";

/** What a run records about its models (α in days, γ and cut-offs in the shop's currency). */
export const predictionModelSchema = z.object({
  currencyCode: z.string(),
  horizonDays: z.number(),
  clvMonths: z.number(),
  annualDiscountRate: z.number(),
  tierHighPercentile: z.number(),
  tierLowPercentile: z.number(),
  /** repeat buyers the models needed; fewer and the run fell back */
  minRepeatBuyers: z.number().optional(),
  /** predicted 12-month spend at the tier boundaries, minor units as decimal strings */
  tierCutoffsMinor: z.object({ high: z.string(), low: z.string() }),
  bgnbd: z
    .object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number(), logLikelihood: z.number(), iterations: z.number() })
    .nullable(),
  gammaGamma: z.object({ p: z.number(), q: z.number(), gamma: z.number(), logLikelihood: z.number(), iterations: z.number() }).nullable(),
  /** seconds spent reading, fitting and writing */
  seconds: z.object({ read: z.number(), fit: z.number(), write: z.number() }).optional(),
});
export type PredictionModel = z.infer<typeof predictionModelSchema>;

export interface PredictionRunView {
  id: number;
  reason: string;
  status: "RUNNING" | "FITTED" | "FALLBACK" | "FAILED";
  detail: string | null;
  asOf: Date;
  customers: number;
  repeatBuyers: number;
  startedAt: Date;
  finishedAt: Date | null;
  model: PredictionModel | null;
}

const runSelect = {
  id: true,
  reason: true,
  status: true,
  detail: true,
  asOf: true,
  customers: true,
  repeatBuyers: true,
  startedAt: true,
  finishedAt: true,
  model: true,
} as const;

/** The shop's newest run (running or finished), or null before the first. */
export async function latestPredictionRun(db: Db, shopId: number): Promise<PredictionRunView | null> {
  const row = await db.predictionRun.findFirst({ where: { shopId }, orderBy: [{ startedAt: "desc" }, { id: "desc" }], select: runSelect });
  return row ? toView(row) : null;
}

/** The shop's newest run that finished with scores (FITTED or FALLBACK): what the customers' predictions came from. */
export async function latestScoredRun(db: Db, shopId: number): Promise<PredictionRunView | null> {
  const row = await db.predictionRun.findFirst({
    where: { shopId, status: { in: ["FITTED", "FALLBACK"] } },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    select: runSelect,
  });
  return row ? toView(row) : null;
}

function toView(row: Omit<PredictionRunView, "model"> & { model: unknown }): PredictionRunView {
  const parsed = predictionModelSchema.safeParse(typeof row.model === "string" ? safeJson(row.model) : row.model);
  return { ...row, model: parsed.success ? parsed.data : null };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Starts a run (RUNNING). A run the shop still shows as RUNNING was stopped before it finished (its
 * worker died or lost the job): it becomes FAILED, saying so. Call it only while no other refit of
 * the shop runs (the job handler makes sure).
 */
export async function startPredictionRun(db: Db, args: { shopId: number; reason: string; asOf: Date; now: Date }): Promise<number> {
  await db.predictionRun.updateMany({
    where: { shopId: args.shopId, status: "RUNNING" },
    data: { status: "FAILED", detail: "stopped before it finished (the worker ended or lost the job)", finishedAt: args.now },
  });
  const run = await db.predictionRun.create({ data: { shopId: args.shopId, reason: args.reason, status: "RUNNING", asOf: args.asOf, startedAt: args.now }, select: { id: true } });
  return run.id;
}

/** Records a finished run: its scores were written (FITTED or FALLBACK with the reason). */
export async function finishPredictionRun(
  db: Db,
  args: { shopId: number; runId: number; status: "FITTED" | "FALLBACK"; detail: string | null; customers: number; repeatBuyers: number; model: PredictionModel; now: Date },
): Promise<void> {
  await db.predictionRun.updateMany({
    where: { id: args.runId, shopId: args.shopId },
    data: { status: args.status, detail: args.detail, customers: args.customers, repeatBuyers: args.repeatBuyers, model: predictionModelSchema.parse(args.model), finishedAt: args.now },
  });
}

/** Records a failed run with the error, for the admin. */
export async function failPredictionRun(db: Db, args: { shopId: number; runId: number; error: string; now: Date }): Promise<void> {
  const detail = args.error.length > 2_000 ? `${args.error.slice(0, 2_000)}…` : args.error;
  await db.predictionRun.updateMany({ where: { id: args.runId, shopId: args.shopId, status: "RUNNING" }, data: { status: "FAILED", detail, finishedAt: args.now } });
}
