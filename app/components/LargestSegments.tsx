import { BlockStack, Button, Card, InlineStack, Link, Text } from "@shopify/polaris";
import { useI18n } from "./I18nProvider";
import { formatChange, formatCount } from "./format";

/** What the card shows of a segment (the segments service's list item, as the loader sends it). */
export interface LargestSegment {
  id: string;
  name: string;
  memberCount: number;
  /** members now minus members 30 days ago; null without history that old */
  change: number | null;
}

/**
 * The shop's largest segments by members, each linking to its page, with the change over 30 days;
 * with none yet, a way to make the first one.
 */
export function LargestSegments({ segments, total }: { segments: readonly LargestSegment[]; total: number }) {
  const { t, locale } = useI18n();
  const cell = { padding: "var(--p-space-100) var(--p-space-200)", verticalAlign: "middle" } as const;
  return (
    <Card>
      <div id="largest-segments">
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd" id="largest-segments-title">
            {t("home.largest.title")}
          </Text>
          {segments.length === 0 ? (
            <BlockStack gap="200">
              <Text as="p" fontWeight="semibold">
                {t("segments.empty.heading")}
              </Text>
              <Text as="p" tone="subdued">
                {t("segments.empty.body")}
              </Text>
              <InlineStack gap="200">
                <Button variant="primary" url="/app/segments/new">
                  {t("segments.create")}
                </Button>
                <Button url="/app/templates">{t("segments.browseTemplates")}</Button>
              </InlineStack>
            </BlockStack>
          ) : (
            <>
              <table aria-labelledby="largest-segments-title" style={{ width: "100%", borderCollapse: "collapse" }}>
                <thead>
                  <tr>
                    <th scope="col" style={{ ...cell, textAlign: "start" }}>
                      <Text as="span" variant="bodySm" tone="subdued">
                        {t("segments.column.name")}
                      </Text>
                    </th>
                    <th scope="col" style={{ ...cell, textAlign: "end", whiteSpace: "nowrap" }}>
                      <Text as="span" variant="bodySm" tone="subdued">
                        {t("segments.column.members")}
                      </Text>
                    </th>
                    <th scope="col" style={{ ...cell, textAlign: "end", whiteSpace: "nowrap" }}>
                      <Text as="span" variant="bodySm" tone="subdued">
                        {t("segments.column.change")}
                      </Text>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {segments.map((segment) => (
                    <tr key={segment.id} data-segment={segment.id}>
                      <th scope="row" style={{ ...cell, textAlign: "start", fontWeight: "normal", width: "100%" }}>
                        <Link url={`/app/segments/${segment.id}`} removeUnderline>
                          {segment.name}
                        </Link>
                      </th>
                      <td style={{ ...cell, textAlign: "end", whiteSpace: "nowrap" }}>
                        <Text as="span" numeric>
                          {formatCount(segment.memberCount, locale)}
                        </Text>
                      </td>
                      <td style={{ ...cell, textAlign: "end", whiteSpace: "nowrap" }}>
                        {segment.change === null ? (
                          <Text as="span" tone="subdued">
                            {t("segments.change.none")}
                          </Text>
                        ) : (
                          <Text as="span" numeric tone={segment.change > 0 ? "success" : segment.change < 0 ? "critical" : undefined}>
                            {formatChange(segment.change, locale)}
                          </Text>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div>
                <Button variant="plain" url="/app/segments">
                  {total > segments.length ? t("home.largest.viewAll", { count: formatCount(total, locale) }) : t("home.largest.view")}
                </Button>
              </div>
            </>
          )}
        </BlockStack>
      </div>
    </Card>
  );
}
