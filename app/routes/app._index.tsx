import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, InlineGrid, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { db, dbKind } from "~/db.server";
import { resolveLocale, type Locale, type Translate } from "~/i18n";
import { authenticate } from "~/shopify.server";
import { listSegments } from "~/services/segments.server";
import type { PredictionRunView } from "~/store/prediction-runs.server";
import { getShopOverview, type PredictionOverview } from "~/store/shops.server";
import { useI18n } from "~/components/I18nProvider";
import { DistributionChart } from "~/components/DistributionChart";
import { LargestSegments } from "~/components/LargestSegments";
import { formatCount, formatDateTime } from "~/components/format";
import { fallbackReason, RFM_GROUP_ORDER, rfmGroupLabel, SPEND_TIER_ORDER, tierLabel } from "~/components/prediction-text";

/** How many segments the "Largest segments" card lists. */
const LARGEST_SEGMENTS = 5;

// the charts' stylesheet (Polaris Viz draws them in the browser)
export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [overview, largest] = await Promise.all([
    getShopOverview({ db, shop: session.shop }),
    listSegments({ db, kind: dbKind, shop: session.shop, sort: "members", direction: "desc", limit: LARGEST_SEGMENTS, now: new Date(), locale: resolveLocale(request) }),
  ]);
  return {
    overview,
    largestSegments: {
      segments: largest.segments.map(({ id, name, memberCount, change }) => ({ id, name, memberCount, change })),
      total: largest.total,
    },
  };
};

/** While a sync is queued or running, the page reads the shop's state again every few seconds. */
function useRefreshWhile(active: boolean, everyMs = 3_000) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => state === "idle" && revalidate(), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs, revalidate, state]);
}

export default function Home() {
  const { overview, largestSegments } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  useRefreshWhile(overview?.sync.state === "RUNNING" || overview?.sync.state === "QUEUED" || overview?.predictions.latestRun?.status === "RUNNING");
  if (!overview) {
    return (
      <Page>
        <TitleBar title={t("home.title")} />
        <Banner tone="warning">{t("home.notInstalled")}</Banner>
      </Page>
    );
  }
  const when = (value: Date | string | null) => formatDateTime(value, locale, overview.ianaTimezone) ?? t("common.never");
  const { sync } = overview;
  const syncText =
    sync.state === "RUNNING"
      ? sync.objectsTotal
        ? t("home.sync.RUNNING", { done: formatCount(sync.objectsDone, locale), total: formatCount(sync.objectsTotal, locale) })
        : t("home.sync.RUNNING_UNKNOWN", { done: formatCount(sync.objectsDone, locale) })
      : sync.state === "SUCCEEDED"
        ? t("home.sync.SUCCEEDED", { when: when(sync.finishedAt) })
        : sync.state === "FAILED"
          ? t("home.sync.FAILED", { error: sync.error ?? "" })
          : t(`home.sync.${sync.state}`);

  return (
    <Page>
      <TitleBar title={t("home.title")} />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingLg" id="shop-name">
                {overview.name}
              </Text>
              <Text as="p" tone="subdued">
                {overview.domain} · {t("home.plan")}: {overview.planName ?? "—"} · {t("home.currency")}: {overview.currencyCode} ·{" "}
                {t("home.timezone")}: {overview.ianaTimezone} · {t("home.installed")}: {when(overview.installedAt)}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
            <Figure label={t("home.customers")} value={formatCount(overview.customers, locale)} testId="customer-count" />
            <Figure label={t("home.orders")} value={formatCount(overview.orders, locale)} testId="order-count" />
            <Figure label={t("home.segments")} value={formatCount(overview.segments, locale)} testId="segment-count" />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {t("home.sync.title")}
              </Text>
              <Text as="p" id="sync-state">
                {syncText}
              </Text>
              {sync.state === "RUNNING" && sync.objectsTotal ? (
                <ProgressBar progress={Math.min(100, (100 * sync.objectsDone) / sync.objectsTotal)} />
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {t("home.webhooks.title")}
              </Text>
              <Text as="p">
                {overview.lastWebhookAt ? t("home.webhooks.last", { when: when(overview.lastWebhookAt) }) : t("home.webhooks.none")}
              </Text>
              {overview.webhookEvents.pending > 0 ? (
                <Text as="p">{t("home.webhooks.pending", { count: formatCount(overview.webhookEvents.pending, locale) })}</Text>
              ) : null}
              {overview.webhookEvents.failed > 0 ? (
                <Text as="p" tone="critical">
                  {t("home.webhooks.failed", { count: formatCount(overview.webhookEvents.failed, locale) })}
                </Text>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Predictions predictions={overview.predictions} timeZone={overview.ianaTimezone} />
        </Layout.Section>
        <Layout.Section>
          <LargestSegments segments={largestSegments.segments} total={largestSegments.total} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

type When = Date | null;

/** The predictions card: how the latest run went, then customers per spend tier and per RFM group once a run has scored them. */
function Predictions({ predictions, timeZone }: { predictions: PredictionOverview; timeZone: string }) {
  const { t, locale } = useI18n();
  const when = (value: When) => formatDateTime(value, locale, timeZone) ?? t("common.never");
  const { latestRun, scoredRun } = predictions;
  const status = latestRun ? runStatusText(latestRun, { t, locale, when }) : t("home.predictions.none");
  const headings = { group: t("home.predictions.column.group"), count: t("home.predictions.column.customers"), share: t("home.predictions.column.share") };
  return (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {t("home.predictions.title")}
          </Text>
          <Text as="p" id="prediction-status" tone={latestRun?.status === "FAILED" ? "critical" : undefined}>
            {status}
          </Text>
          {scoredRun && latestRun && scoredRun.id !== latestRun.id ? (
            <Text as="p" tone="subdued">
              {t("home.predictions.shown", { when: when(scoredRun.finishedAt ?? scoredRun.startedAt) })}
            </Text>
          ) : null}
          {scoredRun && predictions.unscored > 0 ? (
            <Text as="p" tone="subdued">
              {t("home.predictions.unscored", { count: formatCount(predictions.unscored, locale) })}
            </Text>
          ) : null}
          {scoredRun ? (
            <div>
              <Button url="/app/customers">{t("home.predictions.viewCustomers")}</Button>
            </div>
          ) : null}
        </BlockStack>
      </Card>
      {scoredRun ? (
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <DistributionChart
            id="tier-chart"
            title={t("home.predictions.tiers")}
            locale={locale}
            headings={headings}
            bars={SPEND_TIER_ORDER.map((tier) => ({ key: tier, label: tierLabel(t, tier), count: predictions.tiers[tier] }))}
          />
          <DistributionChart
            id="rfm-chart"
            title={t("home.predictions.rfm")}
            locale={locale}
            headings={headings}
            bars={RFM_GROUP_ORDER.map((group) => ({ key: group, label: rfmGroupLabel(t, group), count: predictions.rfmGroups[group] }))}
          />
        </InlineGrid>
      ) : null}
    </BlockStack>
  );
}

/** One line on how the newest refit went: fitted on <date>, a fallback and why, running, or failed. */
function runStatusText(run: PredictionRunView, { t, locale, when }: { t: Translate; locale: Locale; when: (value: When) => string }): string {
  const finished = when(run.finishedAt ?? run.startedAt);
  switch (run.status) {
    case "RUNNING":
      return t("home.predictions.RUNNING", { when: when(run.startedAt) });
    case "FITTED":
      return t("home.predictions.FITTED", { when: finished, customers: formatCount(run.customers, locale), repeatBuyers: formatCount(run.repeatBuyers, locale) });
    case "FALLBACK":
      return t("home.predictions.FALLBACK", { when: finished, reason: fallbackReason(run, { t, locale }) });
    case "FAILED":
      return t("home.predictions.FAILED", { when: finished, error: run.detail ?? "" });
  }
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl" id={testId}>
          {value}
        </Text>
      </BlockStack>
    </Card>
  );
}
