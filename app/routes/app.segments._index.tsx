import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Card, EmptyState, IndexTable, Link, Modal, Page, Text, useIndexResourceState, type IndexTableProps } from "@shopify/polaris";
import { z } from "zod";
import { db, dbKind } from "~/db.server";
import { resolveLocale } from "~/i18n";
import { authenticate } from "~/shopify.server";
import { deleteSegments, listSegments, SEGMENT_SORTS, type SegmentSort } from "~/services/segments.server";
import { getShop } from "~/store/shops.server";
import { useI18n } from "~/components/I18nProvider";
import { SearchCard } from "~/components/SearchCard";
import { formatChange, formatCount, formatDateTime } from "~/components/format";

/** The list's query string; anything malformed falls back to the default rather than failing the page. */
const listParams = z.object({
  q: z
    .string()
    .catch("")
    .transform((text) => text.trim().slice(0, 200)),
  sort: z.enum(SEGMENT_SORTS).catch("name"),
  direction: z.enum(["asc", "desc"]).catch("asc"),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const query = listParams.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [list, shop] = await Promise.all([
    listSegments({ db, kind: dbKind, shop: session.shop, search: query.q, sort: query.sort, direction: query.direction, now: new Date(), locale: resolveLocale(request) }),
    getShop({ db, shop: session.shop }),
  ]);
  return { query, ...list, timeZone: shop?.ianaTimezone ?? "UTC" };
};

const DeleteForm = z.object({
  intent: z.literal("delete"),
  ids: z.array(z.string().min(1).max(64)).min(1).max(500),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const parsed = DeleteForm.safeParse({ intent: form.get("intent"), ids: form.getAll("ids") });
  if (!parsed.success) return data({ error: "choose the segments to delete" }, { status: 400 });
  const deleted = await deleteSegments({ db, shop: session.shop, ids: parsed.data.ids });
  return { deleted };
};

/** The table's columns in order; the sortable ones name their sort. */
const COLUMNS = [
  { key: "name", sort: "name" },
  { key: "members", sort: "members" },
  { key: "change", sort: "change" },
  { key: "updated", sort: "updated" },
] as const satisfies readonly { key: string; sort: SegmentSort }[];

export default function Segments() {
  const { query, segments, total, timeZone } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const [confirming, setConfirming] = useState(false);
  const deletion = useFetcher<typeof action>();
  const shopify = useAppBridge();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(segments);

  // once the deletion is answered (the list then reloads): say so, and forget the selection of rows that are gone
  const deleted = deletion.data && "deleted" in deletion.data ? deletion.data.deleted : null;
  useEffect(() => {
    if (deleted === null) return;
    setConfirming(false);
    clearSelection();
    shopify.toast.show(deleted === 1 ? t("segments.deletedOne") : t("segments.deleted", { count: formatCount(deleted, locale) }));
  }, [deletion.data]); // once per answer

  // keeps the parameters the admin put on the URL (locale, host)
  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(searchParams);
    for (const [key, value] of Object.entries(changes)) next.set(key, value);
    navigate(`?${next.toString()}`);
  };
  const sortIndex = COLUMNS.findIndex((column) => column.sort === query.sort);
  const onSort: IndexTableProps["onSort"] = (index, direction) => {
    const column = COLUMNS[index];
    if (column) go({ sort: column.sort, direction: direction === "ascending" ? "asc" : "desc" });
  };
  const confirmDelete = () => {
    const form = new FormData();
    form.set("intent", "delete");
    for (const id of selectedResources) form.append("ids", id);
    deletion.submit(form, { method: "post" });
  };
  const actions = {
    primaryAction: { content: t("segments.create"), url: "/app/segments/new" },
    secondaryActions: [{ content: t("segments.browseTemplates"), url: "/app/templates" }],
  };

  if (total === 0) {
    return (
      <Page {...actions}>
        <TitleBar title={t("segments.title")} />
        <Card>
          <EmptyState
            heading={t("segments.empty.heading")}
            action={{ content: t("segments.create"), url: "/app/segments/new" }}
            secondaryAction={{ content: t("segments.browseTemplates"), url: "/app/templates" }}
            image=""
          >
            <p>{t("segments.empty.body")}</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  const count = selectedResources.length;
  return (
    <Page {...actions}>
      <TitleBar title={t("segments.title")} />
      <BlockStack gap="400">
        <SearchCard query={query.q} label={t("segments.search.label")} placeholder={t("segments.search.placeholder")} submit={t("segments.search.submit")} onSearch={(q) => go({ q })} />
        <Card padding="0">
          <IndexTable
            itemCount={segments.length}
            resourceName={{ singular: t("segments.resource.singular"), plural: t("segments.resource.plural") }}
            selectedItemsCount={allResourcesSelected ? "All" : count}
            onSelectionChange={handleSelectionChange}
            promotedBulkActions={[{ content: t("segments.delete.action"), onAction: () => setConfirming(true) }]}
            headings={[
              { title: t("segments.column.name") },
              { title: t("segments.column.members"), alignment: "end" },
              { title: t("segments.column.change"), alignment: "end" },
              { title: t("segments.column.updated") },
            ]}
            sortable={COLUMNS.map(() => true)}
            sortColumnIndex={sortIndex >= 0 ? sortIndex : undefined}
            sortDirection={query.direction === "asc" ? "ascending" : "descending"}
            onSort={onSort}
            emptyState={
              <Text as="p" alignment="center" tone="subdued">
                {t("segments.empty.search", { query: query.q })}
              </Text>
            }
          >
            {segments.map((segment, index) => (
              <IndexTable.Row id={segment.id} key={segment.id} position={index} selected={selectedResources.includes(segment.id)}>
                <IndexTable.Cell>
                  <Link url={`/app/segments/${segment.id}`} removeUnderline monochrome dataPrimaryLink>
                    <Text as="span" fontWeight="semibold">
                      {segment.name}
                    </Text>
                  </Link>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {formatCount(segment.memberCount, locale)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {segment.change === null ? (
                    <Text as="span" alignment="end" tone="subdued">
                      {t("segments.change.none")}
                    </Text>
                  ) : (
                    <Text as="span" alignment="end" numeric tone={segment.change > 0 ? "success" : segment.change < 0 ? "critical" : undefined}>
                      {formatChange(segment.change, locale)}
                    </Text>
                  )}
                </IndexTable.Cell>
                <IndexTable.Cell>{formatDateTime(segment.updatedAt, locale, timeZone)}</IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      </BlockStack>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title={count === 1 ? t("segments.delete.titleOne") : t("segments.delete.title", { count: formatCount(count, locale) })}
        primaryAction={{ content: t("segments.delete.confirm"), destructive: true, loading: deletion.state !== "idle", onAction: confirmDelete }}
        secondaryActions={[{ content: t("segments.delete.cancel"), onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="200">
            <Text as="p">{t("segments.delete.body")}</Text>
            <Text as="p" tone="subdued">
              {segments
                .filter((segment) => selectedResources.includes(segment.id))
                .map((segment) => segment.name)
                .join(", ")}
            </Text>
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Page>
  );
}
