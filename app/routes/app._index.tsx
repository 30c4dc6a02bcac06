import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, InlineGrid, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { db } from "~/db.server";
import { authenticate } from "~/shopify.server";
import { getShopOverview } from "~/store/shops.server";
import { useI18n } from "~/components/I18nProvider";
import { formatCount, formatDateTime } from "~/components/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { overview: await getShopOverview({ db, shop: session.shop }) };
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
  const { overview } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  useRefreshWhile(overview?.sync.state === "RUNNING" || overview?.sync.state === "QUEUED");
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
      </Layout>
    </Page>
  );
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
