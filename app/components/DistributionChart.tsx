import { BlockStack, Card, Text } from "@shopify/polaris";
import type { DataSeries } from "@shopify/polaris-viz";
import { useEffect, useState, type ReactNode } from "react";
import type { Locale } from "~/i18n";
import type { DistributionBarsProps } from "./DistributionBars.client";
import { formatCount } from "./format";
import { formatPercent } from "./prediction-text";

export interface DistributionBar {
  key: string;
  label: string;
  count: number;
}

export interface DistributionChartProps {
  /** the element id of the table (tests and the e2e suite find the chart by it) */
  id: string;
  title: string;
  bars: readonly DistributionBar[];
  locale: Locale;
  /** the column headings, read by screen readers */
  headings: { group: string; count: string; share: string };
  footer?: ReactNode;
}

/** Each bar's share of the chart's total (0 when the total is 0). */
export function shares(bars: readonly DistributionBar[]): number[] {
  const total = bars.reduce((sum, bar) => sum + bar.count, 0);
  return bars.map((bar) => (total === 0 ? 0 : bar.count / total));
}

/** The bars as Polaris Viz draws them: one series named after the chart, one data point per group, in the given order. */
export function distributionSeries(title: string, bars: readonly DistributionBar[]): DataSeries[] {
  return [{ name: title, data: bars.map((bar) => ({ key: bar.label, value: bar.count })) }];
}

/** Polaris Viz's simple bar chart gives each group its label line (20px), the bar, and 16px to the next group. */
const GROUP_LABEL = 20;
const GROUP_GAP = 16;
const BAR = 12;

/**
 * The height the chart is drawn in, reserved before it loads so the card does not jump: every
 * group's label and a bar of the same thickness whatever the number of groups (the last group
 * needs no gap below it).
 */
export function chartHeight(groups: number): number {
  return Math.max(1, groups) * (GROUP_LABEL + BAR + GROUP_GAP) - GROUP_GAP;
}

type DistributionBarsComponent = (props: DistributionBarsProps) => ReactNode;

/**
 * Polaris Viz measures the DOM, so the bars are drawn only in the browser: the module is loaded
 * after the first render, which therefore matches the server's HTML (no hydration mismatch).
 * Until then, or if it fails to load, the table below carries the numbers on its own.
 */
function useDistributionBars(): DistributionBarsComponent | null {
  const [component, setComponent] = useState<DistributionBarsComponent | null>(null);
  useEffect(() => {
    let mounted = true;
    import("./DistributionBars.client")
      .then((module) => mounted && setComponent(() => module.DistributionBars))
      .catch(() => undefined); // the table still shows every figure
    return () => {
      mounted = false;
    };
  }, []);
  return component;
}

/**
 * A horizontal bar chart (Polaris Viz, drawn once the page runs in the browser) over a table of the
 * same figures: one row per group with its count and share. Screen readers read the table; the
 * server renders it, so the numbers are there before any script runs.
 */
export function DistributionChart({ id, title, bars, locale, headings, footer }: DistributionChartProps) {
  const DistributionBars = useDistributionBars();
  const fractions = shares(bars);
  const cell = { padding: "var(--p-space-100) var(--p-space-200)", verticalAlign: "middle" } as const;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd" id={`${id}-title`}>
          {title}
        </Text>
        <div id={`${id}-bars`} aria-hidden style={{ height: chartHeight(bars.length) }}>
          {DistributionBars ? <DistributionBars series={distributionSeries(title, bars)} locale={locale} /> : null}
        </div>
        <table id={id} aria-labelledby={`${id}-title`} style={{ width: "100%", borderCollapse: "collapse" }}>
          <thead>
            <tr>
              <th scope="col" style={{ ...cell, textAlign: "start" }}>
                <Text as="span" visuallyHidden>
                  {headings.group}
                </Text>
              </th>
              <th scope="col" style={{ ...cell, textAlign: "end" }}>
                <Text as="span" visuallyHidden>
                  {headings.count}
                </Text>
              </th>
              <th scope="col" style={{ ...cell, textAlign: "end" }}>
                <Text as="span" visuallyHidden>
                  {headings.share}
                </Text>
              </th>
            </tr>
          </thead>
          <tbody>
            {bars.map((bar, index) => (
              <tr key={bar.key} data-group={bar.key}>
                <th scope="row" style={{ ...cell, textAlign: "start", fontWeight: "normal", width: "100%" }}>
                  <Text as="span">{bar.label}</Text>
                </th>
                <td style={{ ...cell, textAlign: "end", whiteSpace: "nowrap" }}>
                  <Text as="span" numeric>
                    {formatCount(bar.count, locale)}
                  </Text>
                </td>
                <td style={{ ...cell, textAlign: "end", whiteSpace: "nowrap" }}>
                  <Text as="span" numeric tone="subdued">
                    {formatPercent(fractions[index] ?? 0, locale)}
                  </Text>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {footer}
      </BlockStack>
    </Card>
  );
}
