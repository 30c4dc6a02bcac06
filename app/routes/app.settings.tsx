import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, FormLayout, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { db, dbKind } from "~/db.server";
import { wakeInProcessWorker } from "~/jobs/runtime.server";
import { authenticate } from "~/shopify.server";
import { getShopOverview } from "~/store/shops.server";
import type { PredictionRunView } from "~/store/prediction-runs.server";
import { listWebhookEvents } from "~/store/webhook-inbox.server";
import { listDataRequests } from "~/services/privacy.server";
import {
  parsePredictionSettings,
  predictionsOverview,
  queueRefit,
  savePredictionSettings,
  type PredictionSettingsForm,
  type RefitReason,
} from "~/services/predictions.server";
import { queueSyncRun } from "~/sync/bulk-import.server";
import { republishAll } from "~/services/publish.server";
import { bulkPublishing, savePublishing, shopPublishing } from "~/services/segment-publishing.server";
import { PUBLISHING_BULK_INTENT, PUBLISHING_REPUBLISH_INTENT, PUBLISHING_SEGMENT_INTENT, PublishingSettings, type PublishingResult } from "~/components/PublishingSettings";
import { useI18n } from "~/components/I18nProvider";
import { formatCount, formatDateTime } from "~/components/format";
import { formatMoney } from "~/components/money";
import { missingRepeatBuyers } from "~/components/prediction-text";
import { localeTag, type Locale, type Translate } from "~/i18n";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [overview, predictions, events, dataRequests, publishing] = await Promise.all([
    getShopOverview({ db, shop: session.shop }),
    predictionsOverview(db, { shop: session.shop }),
    listWebhookEvents({ db, shop: session.shop, take: 20 }),
    listDataRequests(db, { shop: session.shop, take: 20 }),
    shopPublishing(db, { shop: session.shop }),
  ]);
  return {
    overview,
    predictions,
    publishing: publishing ?? [],
    dataRequests: dataRequests.map(({ id, customerShopifyId, requestedAt, assembledAt, erased }) => ({ id, customerShopifyId, requestedAt, ready: assembledAt !== null && !erased })),
    events: events.map(({ id, topic, status, receivedAt, attempts, lastError }) => ({ id, topic, status, receivedAt, attempts, lastError: lastError?.split("\n")[0] ?? null })),
  };
};

const settingsIntent = z.object({ intent: z.enum(["sync", "refit", "predictions", PUBLISHING_SEGMENT_INTENT, PUBLISHING_BULK_INTENT, PUBLISHING_REPUBLISH_INTENT]) });
const segmentField = z.object({ segmentId: z.string().min(1).max(100) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = Object.fromEntries(await request.formData());
  const parsed = settingsIntent.safeParse(form);
  if (!parsed.success) return data({ error: "unknown action" }, { status: 400 });
  const shop = await db.shop.findUnique({ where: { domain: session.shop }, select: { id: true, syncState: true } });
  if (!shop) return data({ error: "shop not installed" }, { status: 404 });
  const now = new Date();
  switch (parsed.data.intent) {
    case "sync": {
      const alreadyRunning = shop.syncState === "RUNNING" || shop.syncState === "QUEUED";
      await queueSyncRun(db, { shopId: shop.id, reason: "manual" });
      wakeInProcessWorker();
      return { intent: "sync" as const, queued: true, alreadyRunning };
    }
    case "refit":
      await queueRefit(db, { shopId: shop.id, reason: "manual", now });
      wakeInProcessWorker();
      return { intent: "refit" as const, queued: true };
    case "predictions": {
      const settings = parsePredictionSettings(form);
      if (!settings.ok) return data({ intent: "predictions" as const, errors: settings.errors }, { status: 400 });
      await savePredictionSettings(db, { shopId: shop.id, settings: settings.settings, now });
      wakeInProcessWorker();
      return { intent: "predictions" as const, saved: true };
    }
    case PUBLISHING_SEGMENT_INTENT: {
      // one segment's toggles, from its row's fetcher: another shop's segment is 404
      const target = segmentField.safeParse(form);
      if (!target.success) return data({ intent: PUBLISHING_SEGMENT_INTENT, ok: false as const, fields: {} }, { status: 400 });
      const saved = await savePublishing(db, { shop: session.shop, id: target.data.segmentId, form, now });
      if (!saved) return data({ intent: PUBLISHING_SEGMENT_INTENT, error: "segment not found" }, { status: 404 });
      if (!saved.ok) return data({ intent: PUBLISHING_SEGMENT_INTENT, ...saved }, { status: 400 });
      wakeInProcessWorker();
      return { intent: PUBLISHING_SEGMENT_INTENT, ok: true as const };
    }
    case PUBLISHING_BULK_INTENT: {
      const changed = await bulkPublishing(db, { shop: session.shop, form, now });
      if (!changed) return data({ error: "shop not installed" }, { status: 404 });
      if (!changed.ok) return data({ intent: PUBLISHING_BULK_INTENT, fields: changed.fields } satisfies PublishingResult, { status: 400 });
      wakeInProcessWorker();
      return { intent: PUBLISHING_BULK_INTENT, changed: changed.changed } satisfies PublishingResult;
    }
    case PUBLISHING_REPUBLISH_INTENT: {
      const { customers } = await republishAll({ db, kind: dbKind, shopId: shop.id, now });
      wakeInProcessWorker();
      return { intent: PUBLISHING_REPUBLISH_INTENT, customers } satisfies PublishingResult;
    }
  }
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
  const { overview, predictions, events, dataRequests, publishing } = useLoaderData<typeof loader>();
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
              {result && "intent" in result && result.intent === "sync" && "alreadyRunning" in result ? (
                <Banner tone="info">{result.alreadyRunning ? t("settings.sync.running") : t("settings.sync.queued")}</Banner>
              ) : null}
              <Form method="post">
                <input type="hidden" name="intent" value="sync" />
                <Button submit loading={navigation.state === "submitting" && navigation.formData?.get("intent") === "sync"}>
                  {t("settings.sync.now")}
                </Button>
              </Form>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        {predictions ? (
          <Layout.AnnotatedSection title={t("settings.predictions")} description={t("settings.predictions.description")}>
            <PredictionsCard
              latestRun={predictions.latestRun}
              scoredRun={predictions.scoredRun}
              settings={predictions.settings}
              result={result}
              busy={navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null}
              timeZone={timeZone}
            />
          </Layout.AnnotatedSection>
        ) : null}
        <Layout.AnnotatedSection title={t("publishing.settings.title")} description={t("publishing.settings.description")}>
          <PublishingSettings segments={publishing} result={publishingResult(result)} busy={publishingBusy(navigation.formData)} />
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

type ActionResult = ReturnType<typeof useActionData<typeof action>>;

/** The action's answer to a bulk switch or "Republish all", if that is what it answered. */
function publishingResult(result: ActionResult): PublishingResult | null {
  if (!result || !("intent" in result)) return null;
  if (result.intent === PUBLISHING_BULK_INTENT) {
    if ("changed" in result && typeof result.changed === "number") return { intent: result.intent, changed: result.changed };
    if ("fields" in result && result.fields) return { intent: result.intent, fields: result.fields };
  }
  if (result.intent === PUBLISHING_REPUBLISH_INTENT && "customers" in result && typeof result.customers === "number") return { intent: result.intent, customers: result.customers };
  return null;
}

/** Which publishing button is submitting: "tags-on", "mirrors-off", "republish"… */
function publishingBusy(formData: FormData | undefined): string | null {
  const intent = formData?.get("intent");
  if (intent === PUBLISHING_REPUBLISH_INTENT) return "republish";
  if (intent === PUBLISHING_BULK_INTENT) return `${String(formData?.get("target"))}-${String(formData?.get("value"))}`;
  return null;
}

// the component may not import values from .server modules: the reasons again, tied to their type
const REFIT_REASONS = ["sync", "nightly", "manual"] as const satisfies readonly RefitReason[];

function isRefitReason(reason: string): reason is RefitReason {
  return (REFIT_REASONS as readonly string[]).includes(reason);
}

const STATUS_TONE = { RUNNING: "info", FITTED: "success", FALLBACK: "attention", FAILED: "critical" } as const;

/** The latest refit (and, while one runs or after one failed, the scores in use), the fitted parameters, "Refit now" and the settings. */
function PredictionsCard(props: {
  latestRun: PredictionRunView | null;
  scoredRun: PredictionRunView | null;
  settings: PredictionSettingsForm;
  result: ActionResult;
  busy: string | null;
  timeZone: string;
}) {
  const { latestRun, scoredRun, result, busy, timeZone } = props;
  const { t, locale } = useI18n();
  const shown = latestRun?.status === "FITTED" || latestRun?.status === "FALLBACK" ? latestRun : scoredRun;
  return (
    <Card>
      <BlockStack gap="400">
        {latestRun === null ? (
          <Text as="p">{t("settings.predictions.none")}</Text>
        ) : (
          <BlockStack gap="200">
            <InlineStack gap="200" blockAlign="center">
              <Badge tone={STATUS_TONE[latestRun.status]}>{t(`settings.predictions.status.${latestRun.status}`)}</Badge>
              <Text as="span" tone="subdued">
                {isRefitReason(latestRun.reason) ? t(`settings.predictions.reason.${latestRun.reason}`) : latestRun.reason}
              </Text>
            </InlineStack>
            {latestRun.status === "RUNNING" ? <Text as="p">{t("settings.predictions.running", { when: formatDateTime(latestRun.startedAt, locale, timeZone) ?? "" })}</Text> : null}
            {latestRun.status === "FAILED" ? <Banner tone="critical">{t("settings.predictions.failed", { error: latestRun.detail ?? "?" })}</Banner> : null}
          </BlockStack>
        )}
        {shown ? <RunDetails run={shown} t={t} locale={locale} timeZone={timeZone} /> : null}
        {result && "intent" in result && result.intent === "refit" ? <Banner tone="info">{t("settings.predictions.refitQueued")}</Banner> : null}
        <Form method="post">
          <input type="hidden" name="intent" value="refit" />
          <Button submit loading={busy === "refit"}>
            {t("settings.predictions.refit")}
          </Button>
        </Form>
        <PredictionSettings settings={props.settings} result={result} busy={busy === "predictions"} />
      </BlockStack>
    </Card>
  );
}

function RunDetails({ run, t, locale, timeZone }: { run: PredictionRunView; t: Translate; locale: Locale; timeZone: string }) {
  const model = run.model;
  const few = missingRepeatBuyers(run);
  const number = (value: number) => new Intl.NumberFormat(localeTag(locale), { maximumSignificantDigits: 4 }).format(value);
  const rows: [string, string][] = [
    [t("settings.predictions.asOf"), formatDateTime(run.asOf, locale, timeZone) ?? ""],
    [t("settings.predictions.customers"), formatCount(run.customers, locale)],
    [t("settings.predictions.repeatBuyers"), formatCount(run.repeatBuyers, locale)],
  ];
  if (model?.bgnbd) {
    const { r, alpha, a, b, logLikelihood } = model.bgnbd;
    rows.push([`${t("settings.predictions.bgnbd")}: r`, number(r)], [`${t("settings.predictions.bgnbd")}: ${t("settings.predictions.alphaDays")}`, number(alpha)]);
    rows.push([`${t("settings.predictions.bgnbd")}: a`, number(a)], [`${t("settings.predictions.bgnbd")}: b`, number(b)]);
    rows.push([`${t("settings.predictions.bgnbd")}: ${t("settings.predictions.logLikelihood")}`, number(logLikelihood)]);
  }
  if (model?.gammaGamma) {
    const { p, q, gamma, logLikelihood } = model.gammaGamma;
    rows.push([`${t("settings.predictions.gammaGamma")}: p`, number(p)], [`${t("settings.predictions.gammaGamma")}: q`, number(q)]);
    rows.push([`${t("settings.predictions.gammaGamma")}: γ (${model.currencyCode})`, number(gamma)]);
    rows.push([`${t("settings.predictions.gammaGamma")}: ${t("settings.predictions.logLikelihood")}`, number(logLikelihood)]);
  }
  if (model) {
    rows.push([t("settings.predictions.cutoffHigh"), formatMoney(BigInt(model.tierCutoffsMinor.high), model.currencyCode, locale)]);
    rows.push([t("settings.predictions.cutoffLow"), formatMoney(BigInt(model.tierCutoffsMinor.low), model.currencyCode, locale)]);
  }
  return (
    <BlockStack gap="200">
      {run.status === "FALLBACK" ? (
        <Banner tone="warning">
          {few
            ? t("settings.predictions.fallback.fewRepeatBuyers", { repeatBuyers: formatCount(few.repeatBuyers, locale), minimum: formatCount(few.minimum, locale) })
            : t("settings.predictions.fallback.other", { detail: run.detail ?? "?" })}
        </Banner>
      ) : null}
      <DataTable columnContentTypes={["text", "numeric"]} headings={[t("settings.predictions.parameter"), t("settings.predictions.value")]} rows={rows} />
      {model?.seconds ? (
        <Text as="p" tone="subdued">
          {t("settings.predictions.took", {
            seconds: number(model.seconds.read + model.seconds.fit + model.seconds.write),
            read: number(model.seconds.read),
            fit: number(model.seconds.fit),
            write: number(model.seconds.write),
          })}
        </Text>
      ) : null}
    </BlockStack>
  );
}

const SETTING_FIELDS = ["tierHighPercentile", "tierLowPercentile", "clvHorizonMonths", "clvAnnualDiscountPercent"] as const;

function PredictionSettings({ settings, result, busy }: { settings: PredictionSettingsForm; result: ActionResult; busy: boolean }) {
  const { t } = useI18n();
  const [values, setValues] = useState<Record<(typeof SETTING_FIELDS)[number], string>>(() => ({
    tierHighPercentile: String(settings.tierHighPercentile),
    tierLowPercentile: String(settings.tierLowPercentile),
    clvHorizonMonths: String(settings.clvHorizonMonths),
    clvAnnualDiscountPercent: String(settings.clvAnnualDiscountPercent),
  }));
  const errors = result && "errors" in result ? result.errors : {};
  const help = { tierHighPercentile: t("settings.predictions.tierHighPercentile.help"), tierLowPercentile: t("settings.predictions.tierLowPercentile.help"), clvHorizonMonths: undefined, clvAnnualDiscountPercent: t("settings.predictions.clvAnnualDiscountPercent.help") };
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="predictions" />
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {t("settings.predictions.form")}
        </Text>
        {result && "saved" in result ? <Banner tone="success">{t("settings.predictions.saved")}</Banner> : null}
        <FormLayout>
          {SETTING_FIELDS.map((field) => {
            const error = errors[field];
            return (
              <TextField
                key={field}
                label={t(`settings.predictions.${field}`)}
                name={field}
                inputMode="decimal"
                autoComplete="off"
                value={values[field]}
                onChange={(value) => setValues((current) => ({ ...current, [field]: value }))}
                helpText={help[field]}
                error={error ? t(error) : undefined}
              />
            );
          })}
          <Button submit variant="primary" loading={busy}>
            {t("settings.predictions.save")}
          </Button>
        </FormLayout>
      </BlockStack>
    </Form>
  );
}
