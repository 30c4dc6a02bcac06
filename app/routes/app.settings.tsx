import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, DataTable, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { db } from "~/db.server";
import { wakeInProcessWorker } from "~/jobs/runtime.server";
import { authenticate } from "~/shopify.server";
import { getShopOverview } from "~/store/shops.server";
import { listWebhookEvents } from "~/store/webhook-inbox.server";
import { listDataRequests } from "~/services/privacy.server";
import { queueSyncRun } from "~/sync/bulk-import.server";
import { useI18n } from "~/components/I18nProvider";
import { formatDateTime } from "~/components/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [overview, events, dataRequests] = await Promise.all([
    getShopOverview({ db, shop: session.shop }),
    listWebhookEvents({ db, shop: session.shop, take: 20 }),
    listDataRequests(db, { shop: session.shop, take: 20 }),
  ]);
  return {
    overview,
    dataRequests: dataRequests.map(({ id, customerShopifyId, requestedAt, assembledAt, erased }) => ({ id, customerShopifyId, requestedAt, ready: assembledAt !== null && !erased })),
    events: events.map(({ id, topic, status, receivedAt, attempts, lastError }) => ({ id, topic, status, receivedAt, attempts, lastError: lastError?.split("\n")[0] ?? null })),
  };
};

const settingsForm = z.object({ intent: z.literal("sync") });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = settingsForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ error: "unknown action" }, { status: 400 });
  const shop = await db.shop.findUnique({ where: { domain: session.shop }, select: { id: true, syncState: true } });
  if (!shop) return Response.json({ error: "shop not installed" }, { status: 404 });
  const alreadyRunning = shop.syncState === "RUNNING" || shop.syncState === "QUEUED";
  await queueSyncRun(db, { shopId: shop.id, reason: "manual" });
  wakeInProcessWorker();
  return { queued: true, alreadyRunning };
};

/** Downloads through fetch, which App Bridge signs with a session token (a plain link would not be). */
async function downloadReport(id: number) {
  const response = await fetch(`/app/data-requests/${id}`);
  if (!response.ok) return;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `customer-data-request-${id}.json`;
  link.click();
  URL.revokeObjectURL(url);
}

export default function Settings() {
  const { overview, events, dataRequests } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
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
        <Layout.AnnotatedSection title={t("settings.sync")} description={t("settings.sync.description")}>
          <Card>
            <BlockStack gap="200">
              {result && "queued" in result ? <Banner tone="info">{result.alreadyRunning ? t("settings.sync.running") : t("settings.sync.queued")}</Banner> : null}
              <Form method="post">
                <input type="hidden" name="intent" value="sync" />
                <Button submit loading={navigation.state === "submitting"}>
                  {t("settings.sync.now")}
                </Button>
              </Form>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("settings.dataRequests")} description={t("settings.dataRequests.description")}>
          <Card>
            {dataRequests.length === 0 ? (
              <Text as="p">{t("settings.dataRequests.none")}</Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text"]}
                headings={[t("settings.dataRequests.customer"), t("settings.dataRequests.requested"), ""]}
                rows={dataRequests.map((request) => [
                  request.customerShopifyId || "—",
                  formatDateTime(request.requestedAt, locale, timeZone),
                  request.ready ? (
                    <Button key={request.id} variant="plain" onClick={() => void downloadReport(request.id)}>
                      {t("settings.dataRequests.download")}
                    </Button>
                  ) : (
                    t("settings.dataRequests.unavailable")
                  ),
                ])}
              />
            )}
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("settings.webhooks")}>
          <Card>
            {events.length === 0 ? (
              <Text as="p">{t("settings.webhooks.none")}</Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "numeric", "text"]}
                headings={[t("settings.webhooks.topic"), t("settings.webhooks.status"), t("settings.webhooks.received"), t("settings.webhooks.attempts"), t("settings.webhooks.error")]}
                rows={events.map((event) => [event.topic, event.status, formatDateTime(event.receivedAt, locale, timeZone), event.attempts, event.lastError ?? ""])}
              />
            )}
          </Card>
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}
