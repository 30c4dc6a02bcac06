import { describe, expect, it } from "vitest";
import { translator } from "~/i18n";
import { explainPrediction, fallbackReason, formatPercent, predictionKind, type CustomerPrediction } from "./prediction-text";

const en = { t: translator("en"), locale: "en" as const, currencyCode: "EUR" };
const nl = { t: translator("nl"), locale: "nl" as const, currencyCode: "EUR" };
// Intl puts a no-break space between the euro sign and the amount in Dutch
const nbsp = "\u00a0";

const fitted: CustomerPrediction = {
  numberOfOrders: 4,
  predictedAt: new Date("2026-11-20T03:00:00Z"),
  predictedSpendTier: "HIGH",
  rfmGroup: "LOYAL",
  predictedSpend12mMinor: 7413n,
  predictedClvMinor: 15020n,
  expectedOrders12m: 1.83,
  churnProbability: 0.18,
  expectedNextOrderAt: new Date("2027-02-01T00:00:00Z"),
};
const fallback: CustomerPrediction = { ...fitted, predictedSpend12mMinor: 12950n, predictedClvMinor: null, expectedOrders12m: null, churnProbability: null, expectedNextOrderAt: null };
const prospect: CustomerPrediction = {
  ...fallback,
  numberOfOrders: 0,
  predictedAt: null,
  predictedSpendTier: null,
  rfmGroup: "PROSPECTS",
  predictedSpend12mMinor: null,
};
const unscored: CustomerPrediction = { ...prospect, numberOfOrders: 2, rfmGroup: null };

describe("the customer page's one-line explanation", () => {
  it("tells what the fitted models expect, in English and Dutch", () => {
    expect(predictionKind(fitted)).toBe("fitted");
    expect(explainPrediction(fitted, en)).toBe("Expects 1.8 orders worth €74 in the next 12 months; 82% likely still active.");
    expect(explainPrediction(fitted, nl)).toBe(`Verwacht 1,8 bestellingen ter waarde van €${nbsp}74 in de komende 12 maanden; 82% kans dat deze klant nog actief is.`);
  });

  it("formats the spend in the shop's currency, keeping cents below ten units", () => {
    expect(explainPrediction({ ...fitted, predictedSpend12mMinor: 745n, expectedOrders12m: 0.3, churnProbability: 0.655 }, { ...en, currencyCode: "USD" })).toBe(
      "Expects 0.3 orders worth $7.45 in the next 12 months; 35% likely still active.",
    );
    // yen have no minor unit: 7413 minor units are ¥7,413
    expect(explainPrediction(fitted, { ...en, currencyCode: "JPY" })).toBe("Expects 1.8 orders worth ¥7,413 in the next 12 months; 82% likely still active.");
    expect(explainPrediction({ ...fitted, predictedSpend12mMinor: 123456789n }, nl)).toContain(`€${nbsp}1.234.568 `);
  });

  it("says so when no order is expected", () => {
    const quiet = { ...fitted, expectedOrders12m: 0.01, predictedSpend12mMinor: 40n, churnProbability: 0.97 };
    expect(explainPrediction(quiet, en)).toBe("No order expected in the next 12 months; 3% likely still active.");
    expect(explainPrediction(quiet, nl)).toBe("Geen bestelling verwacht in de komende 12 maanden; 3% kans dat deze klant nog actief is.");
  });

  it("explains the fallback: last year's spend carried forward for want of history", () => {
    expect(predictionKind(fallback)).toBe("fallback");
    expect(explainPrediction(fallback, en)).toBe(
      "Forecast: €130 in the next 12 months, last year's spend carried forward, because the shop has too little history for the models.",
    );
    expect(explainPrediction(fallback, nl)).toBe(
      `Prognose: €${nbsp}130 in de komende 12 maanden, de besteding van het afgelopen jaar doorgetrokken, omdat de winkel te weinig geschiedenis heeft voor de modellen.`,
    );
  });

  it("has nothing to predict for a prospect, and says when the job has not run", () => {
    expect(predictionKind(prospect)).toBe("prospect");
    expect(explainPrediction(prospect, en)).toBe("No orders yet, so there is nothing to predict from.");
    expect(explainPrediction(prospect, nl)).toBe("Nog geen bestellingen, dus nog niets om een voorspelling op te baseren.");
    expect(predictionKind(unscored)).toBe("none");
    expect(explainPrediction(unscored, en)).toBe("Not predicted yet: predictions appear after the first sync.");
    expect(explainPrediction(unscored, nl)).toBe("Nog niet voorspeld: voorspellingen verschijnen na de eerste synchronisatie.");
  });

  it("formats shares with a decimal only where whole percents would hide them", () => {
    expect(formatPercent(0.8234, "en")).toBe("82%");
    expect(formatPercent(0.004, "en")).toBe("0.4%");
    expect(formatPercent(0.004, "nl")).toBe("0,4%");
    expect(formatPercent(0, "en")).toBe("0%");
  });
});

describe("why a run fell back", () => {
  it("tells the usual reason with its numbers, and any other in general words", () => {
    expect(fallbackReason({ repeatBuyers: 1234, model: { minRepeatBuyers: 2000 } }, { t: translator("en"), locale: "en" })).toBe(
      "only 1,234 customers have ordered on more than one day, and the models need at least 2,000",
    );
    // a run recorded without the minimum: the models' default
    expect(fallbackReason({ repeatBuyers: 12, model: null }, { t: translator("nl"), locale: "nl" })).toBe(
      "pas 12 klanten hebben op meer dan één dag besteld, en de modellen hebben er minstens 200 nodig",
    );
    expect(fallbackReason({ repeatBuyers: 500, model: { minRepeatBuyers: 200 } }, { t: translator("en"), locale: "en" })).toBe("the models could not be fitted to this shop's history");
    expect(fallbackReason({ repeatBuyers: 500, model: null }, { t: translator("nl"), locale: "nl" })).toBe("de modellen konden niet op de geschiedenis van deze winkel worden geschat");
  });
});
