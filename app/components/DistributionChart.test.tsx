import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";
import { DistributionChart, shares } from "./DistributionChart";

const bars = [
  { key: "HIGH", label: "High", count: 300 },
  { key: "MEDIUM", label: "Medium", count: 1_600 },
  { key: "LOW", label: "Low", count: 100 },
];

function render(locale: "en" | "nl", chartBars = bars) {
  return renderToStaticMarkup(
    <AppProvider i18n={polarisEn}>
      <DistributionChart id="tier-chart" title="Customers per tier" bars={chartBars} locale={locale} headings={{ group: "Group", count: "Customers", share: "Share" }} />
    </AppProvider>,
  );
}

/** The table as a screen reader reads it: each body row's header and cells, without the hidden bar. */
function rows(html: string): string[][] {
  const body = /<tbody>(.*)<\/tbody>/s.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map(([, row]) =>
    [...row!.matchAll(/<(th|td)([^>]*)>(.*?)<\/\1>/gs)]
      .filter(([, , attributes]) => !attributes!.includes('aria-hidden="true"'))
      .map(([, , , content]) => content!.replace(/<[^>]+>/g, "").trim()),
  );
}

describe("distribution chart", () => {
  it("renders on the server as a labelled table: group, count and share per row", () => {
    const html = render("en");
    expect(html).toContain('<table id="tier-chart" aria-labelledby="tier-chart-title"');
    expect(html).toMatch(/id="tier-chart-title"[^>]*>Customers per tier</);
    expect(rows(html)).toEqual([
      ["High", "300", "15%"],
      ["Medium", "1,600", "80%"],
      ["Low", "100", "5%"],
    ]);
    expect(html).toContain('scope="row"');
    // the largest group spans the whole width
    expect(html).toContain("width:100%;height:100%");
    expect(html).toContain("width:18.75%;height:100%");
  });

  it("writes numbers in the admin's language and survives a shop with no customers", () => {
    expect(rows(render("nl"))[1]).toEqual(["Medium", "1.600", "80%"]);
    expect(rows(render("nl", [...bars, { key: "FEW", label: "Few", count: 7 }]))[3]).toEqual(["Few", "7", "0,3%"]);
    const empty = bars.map((bar) => ({ ...bar, count: 0 }));
    expect(shares(empty)).toEqual([0, 0, 0]);
    expect(rows(render("en", empty))).toEqual([
      ["High", "0", "0%"],
      ["Medium", "0", "0%"],
      ["Low", "0", "0%"],
    ]);
  });
});
