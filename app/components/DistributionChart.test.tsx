import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";
import { chartHeight, DistributionChart, distributionSeries, shares } from "./DistributionChart";

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

/** The table as a screen reader reads it: each body row's header and cells. */
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
    expect([...html.matchAll(/<tr data-group="(\w+)"/g)].map(([, group]) => group)).toEqual(["HIGH", "MEDIUM", "LOW"]);
    // the bars are drawn in the browser, after mount: the server reserves their place, hidden from screen readers
    expect(html).toContain('<div id="tier-chart-bars" aria-hidden="true" style="height:128px"></div>');
  });

  it("gives Polaris Viz one series of the groups in order, and room for every group's label and bar", () => {
    expect(distributionSeries("Customers per tier", bars)).toEqual([
      {
        name: "Customers per tier",
        data: [
          { key: "High", value: 300 },
          { key: "Medium", value: 1_600 },
          { key: "Low", value: 100 },
        ],
      },
    ]);
    expect(distributionSeries("None", [])).toEqual([{ name: "None", data: [] }]);
    // 48px a group (label, bar and gap), no gap below the last: bars as thick for three tiers as for eleven RFM groups
    expect(chartHeight(3)).toBe(128);
    expect(chartHeight(11)).toBe(512);
    expect(chartHeight(0)).toBe(32);
    const rfm = Array.from({ length: 11 }, (_, n) => ({ key: `G${n}`, label: `Group ${n}`, count: n }));
    const html = renderToStaticMarkup(
      <AppProvider i18n={polarisEn}>
        <DistributionChart id="rfm-chart" title="RFM" bars={rfm} locale="en" headings={{ group: "Group", count: "Customers", share: "Share" }} />
      </AppProvider>,
    );
    expect(html).toContain('<div id="rfm-chart-bars" aria-hidden="true" style="height:512px"></div>');
    expect(rows(html)).toHaveLength(11);
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
