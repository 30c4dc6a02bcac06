import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, BlockStack, Card, DataTable, DescriptionList, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import { rowIdParams } from "~/components/row-id";
import { db } from "~/db.server";
import { localeTag, type Locale, type Translate } from "~/i18n";
import { authenticate } from "~/shopify.server";
import { getCustomerProfile, type CustomerProfile } from "~/services/customer-profile.server";
import { useI18n } from "~/components/I18nProvider";
import { customerName } from "~/components/customer-name";
import { formatDateTime } from "~/components/format";
import { formatMoney } from "~/components/money";
import { explainPrediction, formatExpectedOrders, formatPercent, predictionKind, rfmGroupLabel, tierLabel } from "~/components/prediction-text";


/** One customer of the session's shop; another shop's customer, an unknown id or a malformed one is 404. */
export const loader = async ({ request, params: raw }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = rowIdParams.safeParse(raw);
  if (!parsed.success) throw new Response("Not found", { status: 404 });
  const profile = await getCustomerProfile(db, { shop: session.shop, customerId: parsed.data.id });
  if (!profile) throw new Response("Not found", { status: 404 });
  return profile;
};

type When = Date | null;

export default function CustomerPage() {
  const profile = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const { customer, orders, segments, shop } = profile;
  const when = (value: When) => formatDateTime(value, locale, shop.ianaTimezone) ?? "—";
  const name = customerName(t, customer);
  return (
    <Page backAction={{ content: t("customers.title"), url: "/app/customers" }}>
      <TitleBar title={name} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <PredictionCard profile={profile} />
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("customers.orders.title")}
                </Text>
                {orders.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("customers.orders.none")}
                  </Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "numeric", "text"]}
                    headings={[t("customers.orders.column.name"), t("customers.orders.column.date"), t("customers.orders.column.total"), t("customers.orders.column.status")]}
                    rows={orders.map((order) => [
                      order.name ?? "—",
                      when(order.processedAt),
                      formatMoney(order.totalMinor, order.currencyCode, locale),
                      orderStatus(t, order),
                    ])}
                  />
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("customers.profile.title")}
                </Text>
                {customer.redactedAt ? (
                  <Text as="p" tone="caution">
                    {t("customers.profile.redacted", { when: when(customer.redactedAt) })}
                  </Text>
                ) : null}
                <DescriptionList
                  gap="tight"
                  items={[
                    { term: t("customers.profile.email"), description: customer.email ?? "—" },
                    { term: t("customers.profile.phone"), description: customer.phone ?? "—" },
                    { term: t("customers.profile.created"), description: formatDate(customer.shopifyCreatedAt, locale, shop.ianaTimezone) },
                    {
                      term: t("customers.profile.tags"),
                      description:
                        customer.tags.length === 0 ? (
                          t("customers.profile.noTags")
                        ) : (
                          <InlineStack gap="100">
                            {customer.tags.map((tag) => (
                              <Badge key={tag}>{tag}</Badge>
                            ))}
                          </InlineStack>
                        ),
                    },
                  ]}
                />
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("customers.segments.title")}
                </Text>
                {segments.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("customers.segments.none")}
                  </Text>
                ) : (
                  <List>
                    {segments.map((segment) => (
                      <List.Item key={segment.id}>
                        {segment.name}{" "}
                        <Text as="span" tone="subdued">
                          {t("customers.segments.joined", { when: when(segment.joinedAt) })}
                        </Text>
                      </List.Item>
                    ))}
                  </List>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** Each prediction with its value, and the sentence that puts them together. */
function PredictionCard({ profile }: { profile: CustomerProfile }) {
  const { t, locale } = useI18n();
  const { prediction, shop } = profile;
  const kind = predictionKind(prediction);
  const money = (minor: bigint | null) => (minor === null ? "—" : formatMoney(minor, shop.currencyCode, locale));
  // the fallback estimates spend only; a fitted model that expects no next order says so
  const modelOnly = (value: string | null, missing: "notExpected" | "notEstimated" = "notEstimated") =>
    kind === "fitted" ? (value ?? t(`customers.prediction.${missing}`)) : kind === "fallback" ? t("customers.prediction.notEstimated") : "—";
  const items = [
    {
      term: t("customers.prediction.tier"),
      description: prediction.predictedSpendTier ? tierLabel(t, prediction.predictedSpendTier) : "—",
    },
    { term: t("customers.prediction.rfmGroup"), description: prediction.rfmGroup ? rfmGroupLabel(t, prediction.rfmGroup) : "—" },
    { term: t("customers.prediction.spend"), description: money(prediction.predictedSpend12mMinor) },
    {
      term: t("customers.prediction.orders"),
      description: modelOnly(prediction.expectedOrders12m === null ? null : formatExpectedOrders(prediction.expectedOrders12m, locale)),
    },
    {
      term: t("customers.prediction.clv", { months: shop.clvHorizonMonths }),
      description: modelOnly(prediction.predictedClvMinor === null ? null : money(prediction.predictedClvMinor)),
    },
    {
      term: t("customers.prediction.churn"),
      description: modelOnly(prediction.churnProbability === null ? null : formatPercent(prediction.churnProbability, locale)),
    },
    {
      term: t("customers.prediction.nextOrder"),
      description: modelOnly(prediction.expectedNextOrderAt === null ? null : formatDate(prediction.expectedNextOrderAt, locale, shop.ianaTimezone), "notExpected"),
    },
  ];
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("customers.prediction.title")}
          </Text>
          {kind === "fallback" ? <Badge tone="attention">{t("customers.prediction.fallbackBadge")}</Badge> : null}
        </InlineStack>
        <Text as="p" variant="bodyLg" id="prediction-explanation">
          {explainPrediction(prediction, { t, locale, currencyCode: shop.currencyCode })}
        </Text>
        {kind === "fitted" || kind === "fallback" ? (
          <>
            <DescriptionList gap="tight" items={items} />
            <Text as="p" tone="subdued">
              {t("customers.prediction.predictedAt", { when: formatDateTime(prediction.predictedAt, locale, shop.ianaTimezone) ?? "—" })}
            </Text>
          </>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function orderStatus(t: Translate, order: CustomerProfile["orders"][number]): string {
  if (order.cancelledAt) return t("customers.orders.cancelled");
  return order.financialStatus ? t(`customers.orders.status.${order.financialStatus}`) : "—";
}

/** A calendar day in the shop's time zone ("Mar 3, 2027"): predictions and sign-up dates have no meaningful time of day. */
function formatDate(value: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(localeTag(locale), { dateStyle: "medium", timeZone }).format(new Date(value));
}
