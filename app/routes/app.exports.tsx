import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, ChoiceList, DataTable, FormLayout, InlineGrid, InlineStack, Layout, Page, ProgressBar, Select, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { db } from "~/db.server";
import { localeTag, type Locale, type MessageKey } from "~/i18n";
import { wakeInProcessWorker } from "~/jobs/runtime.server";
import { exportsOverview, parseExportForm, queueSegmentExport, shopIdOf, type ExportView } from "~/services/exports.server";
import { authenticate } from "~/shopify.server";
import { useI18n } from "~/components/I18nProvider";
import { formatCount, formatDateTime } from "~/components/format";

/** The Exports page; `?segment=<id>` preselects one of the shop's segments (another shop's is 404). */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const overview = await exportsOverview(db, { shop: session.shop });
  if (!overview) throw new Response("Not found", { status: 404 });
  const selected = new URL(request.url).searchParams.get("segment");
  if (selected !== null && !overview.segments.some((segment) => segment.id === selected)) throw new Response("Not found", { status: 404 });
  const { shopId: _, ...page } = overview;
  return { ...page, selectedSegmentId: selected };
};

/** Starts an export: 400 with a message per bad field, 404 for a segment that is not the shop's. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shopId = await shopIdOf(db, session.shop);
  if (shopId === null) throw new Response("Not found", { status: 404 });
  const parsed = parseExportForm(await request.formData());
  if (!parsed.ok) return data({ errors: parsed.errors }, { status: 400 });
  const created = await queueSegmentExport(db, { shopId, request: parsed.request, now: new Date() });
  if (!created) throw new Response("Not found", { status: 404 });
  wakeInProcessWorker();
  return { queued: created.id };
};

type Format = "CSV" | "XLSX" | "AUDIENCE";
const FORMATS: readonly Format[] = ["CSV", "XLSX", "AUDIENCE"];
const LANGUAGES: readonly Locale[] = ["en", "nl"];
const STATE_TONE = { QUEUED: "info", RUNNING: "attention", SUCCEEDED: "success", FAILED: "critical" } as const;

/** While an export is queued or running, the page reads the list again every two seconds. */
function useRefreshWhile(active: boolean, everyMs = 2_000) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => state === "idle" && revalidate(), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs, revalidate, state]);
}

/** Downloads through fetch, which App Bridge signs with a session token (a plain link would not be). */
async function downloadExport(id: number, fileName: string) {
  const response = await fetch(`/app/exports/${id}/download`);
  if (!response.ok) return;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function formatBytes(bytes: number, locale: Locale): string {
  const tag = localeTag(locale);
  const [unit, size] = bytes >= 1_000_000 ? (["megabyte", bytes / 1_000_000] as const) : bytes >= 1_000 ? (["kilobyte", bytes / 1_000] as const) : (["byte", bytes] as const);
  return new Intl.NumberFormat(tag, { style: "unit", unit, maximumFractionDigits: 1 }).format(size);
}

export default function Exports() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, locale } = useI18n();
  useRefreshWhile(page.exports.some((row) => row.state === "QUEUED" || row.state === "RUNNING"));

  const [segmentId, setSegmentId] = useState(page.selectedSegmentId ?? page.segments[0]?.id ?? "");
  const [format, setFormat] = useState<Format>("CSV");
  // ticked in this order: the file's column order
  const [columns, setColumns] = useState<string[]>(() => page.columns.standard.map((column) => column.key));
  const [audience, setAudience] = useState<string>(page.audienceLayouts[0] ?? "google");
  const [language, setLanguage] = useState<Locale>(locale);
  const errors: Partial<Record<string, MessageKey>> = result && "errors" in result ? result.errors : {};
  const error = (field: string) => (errors[field] ? t(errors[field]) : undefined);
  const header = (key: MessageKey) => t(key, { currency: page.currencyCode });
  const toggle = (key: string, checked: boolean) => setColumns((current) => (checked ? [...current.filter((column) => column !== key), key] : current.filter((column) => column !== key)));
  const submitting = navigation.state === "submitting";

  return (
    <Page>
      <TitleBar title={t("exports.title")} />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t("exports.new")}
              </Text>
              {result && "queued" in result ? <Banner tone="success">{t("exports.queued")}</Banner> : null}
              {page.segments.length === 0 ? (
                <Banner tone="info" action={{ content: t("nav.segments"), url: "/app/segments" }}>
                  {t("exports.noSegments")}
                </Banner>
              ) : (
                <Form method="post">
                  <input type="hidden" name="segmentId" value={segmentId} />
                  <input type="hidden" name="format" value={format} />
                  <input type="hidden" name="language" value={language} />
                  {format === "AUDIENCE" ? <input type="hidden" name="audience" value={audience} /> : columns.map((column) => <input key={column} type="hidden" name="columns" value={column} />)}
                  <FormLayout>
                    <Select
                      label={t("exports.segment")}
                      placeholder={t("exports.segment.choose")}
                      options={page.segments.map((segment) => ({ value: segment.id, label: t("exports.segment.option", { name: segment.name, count: formatCount(segment.memberCount, locale) }) }))}
                      value={segmentId}
                      onChange={setSegmentId}
                      error={error("segmentId")}
                    />
                    <ChoiceList
                      title={t("exports.format")}
                      choices={FORMATS.map((value) => ({ value, label: t(`exports.format.${value}`), helpText: t(`exports.format.${value}.help`) }))}
                      selected={[format]}
                      onChange={([value]) => value && setFormat(value as Format)}
                      error={error("format")}
                    />
                    {format === "AUDIENCE" ? (
                      <ChoiceList
                        title={t("exports.audience")}
                        choices={page.audienceLayouts.map((value) => ({ value, label: t(`exports.audience.${value}`) }))}
                        selected={[audience]}
                        onChange={([value]) => value && setAudience(value)}
                        error={error("audience")}
                      />
                    ) : (
                      <BlockStack gap="200">
                        <Text as="h3" variant="headingSm">
                          {t("exports.columns")}
                        </Text>
                        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                          {(["standard", "predictions"] as const).map((group) => (
                            <BlockStack key={group} gap="100">
                              <Text as="p" fontWeight="semibold">
                                {t(`exports.columns.${group}`)}
                              </Text>
                              {page.columns[group].map((column) => (
                                <Checkbox key={column.key} label={header(column.header)} checked={columns.includes(column.key)} onChange={(checked) => toggle(column.key, checked)} />
                              ))}
                            </BlockStack>
                          ))}
                        </InlineGrid>
                        {error("columns") ? (
                          <Text as="p" tone="critical">
                            {error("columns")}
                          </Text>
                        ) : null}
                        <Text as="p" tone="subdued">
                          {t("exports.columns.help")}
                        </Text>
                      </BlockStack>
                    )}
                    {format === "AUDIENCE" ? <Banner tone="info">{t("exports.audience.help")}</Banner> : null}
                    {format !== "AUDIENCE" ? (
                      <Select
                        label={t("exports.language")}
                        options={LANGUAGES.map((value) => ({ value, label: t(`exports.language.${value}`) }))}
                        value={language}
                        onChange={(value) => setLanguage(value === "nl" ? "nl" : "en")}
                        error={error("language")}
                      />
                    ) : null}
                    <Button submit variant="primary" loading={submitting} disabled={!segmentId}>
                      {t("exports.submit")}
                    </Button>
                  </FormLayout>
                </Form>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("exports.recent")}
              </Text>
              {page.exports.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t("exports.none")}
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text"]}
                  headings={[t("exports.list.segment"), t("exports.list.format"), t("exports.list.created"), t("exports.list.status")]}
                  rows={page.exports.map((row) => [
                    row.segmentName,
                    row.audience ? t(`exports.audience.${row.audience}`) : t(`exports.format.${row.format}`),
                    formatDateTime(row.createdAt, locale, page.timeZone) ?? "",
                    <ExportStatus key={row.id} row={row} />,
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

type ExportRow = Omit<ExportView, "createdAt" | "finishedAt"> & { createdAt: Date | string; finishedAt: Date | string | null };

/** The state of one export: its progress while it runs, the download when it is ready, the error when it failed. */
function ExportStatus({ row }: { row: ExportRow }) {
  const { t, locale } = useI18n();
  const progress = row.rowsTotal ? Math.min(100, (100 * row.rowsDone) / row.rowsTotal) : 0;
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" blockAlign="center">
        <Badge tone={STATE_TONE[row.state]}>{t(`exports.state.${row.state}`)}</Badge>
        {row.state === "SUCCEEDED" && row.fileName ? (
          <Button variant="plain" onClick={() => void downloadExport(row.id, row.fileName!)}>
            {t("exports.download")}
          </Button>
        ) : null}
      </InlineStack>
      {row.state === "RUNNING" ? (
        <>
          <ProgressBar progress={progress} size="small" />
          <Text as="p" tone="subdued">
            {t("exports.progress", { done: formatCount(row.rowsDone, locale), total: formatCount(row.rowsTotal ?? 0, locale) })}
          </Text>
        </>
      ) : null}
      {row.state === "SUCCEEDED" ? (
        <Text as="p" tone="subdued">
          {t("exports.rows", { count: formatCount(row.rowsDone, locale), size: formatBytes(row.fileBytes ?? 0, locale) })}
        </Text>
      ) : null}
      {row.error ? (
        <Text as="p" tone="critical">
          {row.state === "FAILED" ? t("exports.failed", { error: row.error }) : t("exports.retrying", { error: row.error })}
        </Text>
      ) : null}
    </BlockStack>
  );
}
