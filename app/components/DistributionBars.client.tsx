/**
 * The bars of a DistributionChart, drawn by Polaris Viz. Browser only (it measures the DOM): the
 * chart loads this module after mount, and Remix leaves `.client` modules out of the server build.
 */
import { PolarisVizProvider, SimpleBarChart, type DataSeries } from "@shopify/polaris-viz";
import type { Locale } from "~/i18n";
import { formatCount } from "./format";

export interface DistributionBarsProps {
  series: DataSeries[];
  locale: Locale;
}

// the chart's height is the DistributionChart's to choose (by its number of groups), not Polaris Viz's 200px minimum
const THEMES = { Light: { chartContainer: { minHeight: 0 } } };

export function DistributionBars({ series, locale }: DistributionBarsProps) {
  return (
    <PolarisVizProvider themes={THEMES}>
      <SimpleBarChart
        data={series}
        showLegend={false}
        // drawn at their size at once: the bars and the table under them agree in every screenshot
        isAnimated={false}
        // the value at each bar's end, written in the admin's language
        xAxisOptions={{ labelFormatter: (value) => (typeof value === "number" ? formatCount(value, locale) : String(value ?? "")) }}
      />
    </PolarisVizProvider>
  );
}
