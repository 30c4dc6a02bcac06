import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Card, DataTable, Layout, Page, Text } from "@shopify/polaris";
import { db } from "~/db.server";
import { authenticate } from "~/shopify.server";
import { getShopOverview } from "~/store/shops.server";
import { listWebhookEvents } from "~/store/webhook-inbox.server";
import { useI18n } from "~/components/I18nProvider";
import { formatDateTime } from "~/components/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [overview, events] = await Promise.all([
    getShopOverview({ db, shop: session.shop }),
    listWebhookEvents({ db, shop: session.shop, take: 20 }),
  ]);
  return {
    overview,
    events: events.map(({ id, topic, status, receivedAt, attempts, lastError }) => ({ id, topic, status, receivedAt, attempts, lastError })),
  };
};

export default function Settings() {
  const { overview, events } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const timeZone = overview?.ianaTimezone ?? "UTC";
  return (
    <Page>
      <TitleBar title={t("settings.title")} />
      <Layout>
        <Layout.AnnotatedSection title={t("settings.shop")}>
          <Card>
            <BlockStack gap="100">
              <Text as="p">{overview?.name}</Text>
              <Text as="p" tone="subdued">
                {overview?.domain} · {overview?.currencyCode} · {timeZone}
              </Text>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("settings.webhooks")}>
          <Card>
            {events.length === 0 ? (
              <Text as="p">{t("settings.webhooks.none")}</Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "numeric"]}
                headings={[t("settings.webhooks.topic"), t("settings.webhooks.status"), t("settings.webhooks.received"), t("settings.webhooks.attempts")]}
                rows={events.map((event) => [event.topic, event.status, formatDateTime(event.receivedAt, locale, timeZone), event.attempts])}
              />
            )}
          </Card>
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}
