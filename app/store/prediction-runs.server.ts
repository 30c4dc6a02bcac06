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
