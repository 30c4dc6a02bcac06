import { BlockStack, Card, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import type { Locale } from "~/i18n";
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

/**
 * A horizontal bar chart that is a table: one row per group with its count and share, the bar drawn
 * with CSS beside them. Screen readers read the table; nothing needs a browser to render it.
 */
export function DistributionChart({ id, title, bars, locale, headings, footer }: DistributionChartProps) {
  const fractions = shares(bars);
  const largest = Math.max(0, ...fractions);
  const cell = { padding: "var(--p-space-100) var(--p-space-200)", verticalAlign: "middle" } as const;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd" id={`${id}-title`}>
          {title}
        </Text>
        <table id={id} aria-labelledby={`${id}-title`} style={{ width: "100%", borderCollapse: "collapse" }}>
          <thead>
            <tr>
              <th scope="col" style={{ ...cell, textAlign: "start" }}>
                <Text as="span" visuallyHidden>
                  {headings.group}
                </Text>
              </th>
              <td aria-hidden />
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
            {bars.map((bar, index) => {
              const fraction = fractions[index] ?? 0;
              return (
                <tr key={bar.key} data-group={bar.key}>
                  <th scope="row" style={{ ...cell, textAlign: "start", fontWeight: "normal", whiteSpace: "nowrap", width: "1%" }}>
                    <Text as="span">{bar.label}</Text>
                  </th>
                  <td style={{ ...cell, width: "100%" }} aria-hidden>
                    <div style={{ background: "var(--p-color-bg-surface-secondary)", borderRadius: "var(--p-border-radius-100)", height: "0.75rem" }}>
                      <div
                        style={{
                          // the largest group spans the full width, so small shops' bars are still readable
                          width: `${largest === 0 ? 0 : (100 * fraction) / largest}%`,
                          height: "100%",
                          background: "var(--p-color-bg-fill-info)",
                          borderRadius: "var(--p-border-radius-100)",
                        }}
                      />
                    </div>
                  </td>
                  <td style={{ ...cell, textAlign: "end", whiteSpace: "nowrap" }}>
                    <Text as="span" numeric>
                      {formatCount(bar.count, locale)}
                    </Text>
                  </td>
                  <td style={{ ...cell, textAlign: "end", whiteSpace: "nowrap" }}>
                    <Text as="span" numeric tone="subdued">
                      {formatPercent(fraction, locale)}
                    </Text>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {footer}
      </BlockStack>
    </Card>
  );
}
