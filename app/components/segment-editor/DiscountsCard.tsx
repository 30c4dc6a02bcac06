import { BlockStack, Button, Card, InlineStack, Link, Text } from "@shopify/polaris";
import { useI18n } from "~/components/I18nProvider";
import { DiscountLine, methodText } from "~/components/discounts/DiscountParts";
import { ruleSummary } from "~/components/discounts/rule-summary";
import type { DiscountList } from "~/services/segment-discounts.types";

/** A saved segment's discounts: those that name it (title, rule, status, a link), and a button to make one for it. */
export function DiscountsCard({ segmentId, list }: { segmentId: string; list: DiscountList }) {
  const { t, locale } = useI18n();
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {t("discounts.card.title")}
          </Text>
          <Text as="p" tone="subdued">
            {t("discounts.card.description")}
          </Text>
        </BlockStack>
        {list.discounts.length === 0 ? (
          <Text as="p">{t("discounts.card.none")}</Text>
        ) : (
          <BlockStack gap="300">
            {list.discounts.map((discount) => (
              <DiscountLine
                key={discount.id}
                title={
                  <Link url={`/app/discounts/${discount.id}`} removeUnderline>
                    <Text as="span" fontWeight="semibold">
                      {discount.title}
                    </Text>
                  </Link>
                }
                summary={ruleSummary(t, locale, discount.rule, list.currencyCode)}
                method={methodText(t, discount)}
                status={discount.status}
              />
            ))}
          </BlockStack>
        )}
        <InlineStack>
          <Button url={`/app/discounts/new?segment=${encodeURIComponent(segmentId)}`}>{t("discounts.card.create")}</Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
