/**
 * Predictions in the merchant's words: labels for spend tiers and RFM groups, and the one-line
 * explanation on the customer page ("Expects 1.8 orders worth €74 in the next 12 months; 82% likely
 * still active."). Pure: the caller passes the language's translator.
 */
import { localeTag, type Locale, type Translate } from "~/i18n";
import { RFM_GROUPS, type RfmGroup } from "~/predict/rfm";
import { DEFAULT_PREDICT_OPTIONS, type SpendTier } from "~/predict/model";
import { currencyDigits } from "~/sync/money";
import { formatCount } from "./format";
import { formatMoney } from "./money";

/** Tiers as the merchant ranks them, best first. */
export const SPEND_TIER_ORDER: readonly SpendTier[] = ["HIGH", "MEDIUM", "LOW"];
export const RFM_GROUP_ORDER: readonly RfmGroup[] = RFM_GROUPS;

export function tierLabel(t: Translate, tier: SpendTier): string {
  return t(`customers.tier.${tier}`);
}

export function rfmGroupLabel(t: Translate, group: RfmGroup): string {
  return t(`customers.rfm.${group}`);
}

/** What the prediction job wrote on a customer (null: not written). */
export interface CustomerPrediction {
  numberOfOrders: number;
  predictedAt: Date | string | null;
  predictedSpendTier: SpendTier | null;
  rfmGroup: RfmGroup | null;
  predictedSpend12mMinor: bigint | null;
  predictedClvMinor: bigint | null;
  expectedOrders12m: number | null;
  churnProbability: number | null;
  expectedNextOrderAt: Date | string | null;
}

/**
 * - prospect: no orders, nothing to predict from
 * - none: the job has not scored this customer yet
 * - fallback: too little shop history for the models: spend carried forward, no churn figures
 * - fitted: the models' predictions
 */
export type PredictionKind = "prospect" | "none" | "fallback" | "fitted";

export function predictionKind(prediction: CustomerPrediction): PredictionKind {
  if (prediction.numberOfOrders === 0 || prediction.rfmGroup === "PROSPECTS") return "prospect";
  if (prediction.predictedAt === null || prediction.predictedSpend12mMinor === null) return "none";
  if (prediction.churnProbability === null || prediction.expectedOrders12m === null) return "fallback";
  return "fitted";
}


/** A share 0..1 as a percentage: "82%", "0.4%". */
export function formatPercent(share: number, locale: Locale): string {
  const digits = share > 0 && share < 0.1 ? 1 : 0;
  return new Intl.NumberFormat(localeTag(locale), { style: "percent", maximumFractionDigits: digits }).format(share);
}

/** Expected orders to one decimal: "1.8" / "1,8". */
export function formatExpectedOrders(orders: number, locale: Locale): string {
  return new Intl.NumberFormat(localeTag(locale), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(orders);
}

/** One sentence that says what the predictions mean for this customer. */
export function explainPrediction(prediction: CustomerPrediction, { t, locale, currencyCode }: { t: Translate; locale: Locale; currencyCode: string }): string {
  const kind = predictionKind(prediction);
  if (kind === "prospect") return t("customers.explain.prospect");
  if (kind === "none") return t("customers.explain.none");
  const minor = prediction.predictedSpend12mMinor ?? 0n;
  // "€74" reads better than "€74.13" in a sentence; below ten units the cents still say something
  const spend = formatMoney(minor, currencyCode, locale, { whole: minor >= 10n * 10n ** BigInt(currencyDigits(currencyCode)) });
  const { churnProbability, expectedOrders12m } = prediction;
  if (kind === "fallback" || churnProbability === null || expectedOrders12m === null) return t("customers.explain.fallback", { spend });
  const alive = formatPercent(1 - churnProbability, locale);
  if (expectedOrders12m < 0.05) return t("customers.explain.fittedQuiet", { alive });
  return t("customers.explain.fitted", { orders: formatExpectedOrders(expectedOrders12m, locale), spend, alive });
}

type FallbackRun = { repeatBuyers: number; model: { minRepeatBuyers?: number | undefined } | null };

/** The repeat buyers a fallback run had too few of, or null when it fell back for another reason. */
export function missingRepeatBuyers(run: FallbackRun): { repeatBuyers: number; minimum: number } | null {
  const minimum = run.model?.minRepeatBuyers ?? DEFAULT_PREDICT_OPTIONS.minRepeatBuyers;
  return run.repeatBuyers < minimum ? { repeatBuyers: run.repeatBuyers, minimum } : null;
}

/** Why a run fell back, in the merchant's words: too few repeat buyers (with the numbers), or a fit that failed. */
export function fallbackReason(run: FallbackRun, { t, locale }: { t: Translate; locale: Locale }): string {
  const few = missingRepeatBuyers(run);
  if (!few) return t("home.predictions.reason.other");
  return t("home.predictions.reason.fewRepeatBuyers", { count: formatCount(few.repeatBuyers, locale), minimum: formatCount(few.minimum, locale) });
}
