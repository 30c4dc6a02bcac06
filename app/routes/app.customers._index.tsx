import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, BlockStack, Card, EmptyState, IndexTable, Link, Page, Text, type IndexTableProps } from "@shopify/polaris";
import { z } from "zod";
import { db, dbKind } from "~/db.server";
import { authenticate } from "~/shopify.server";
import { CUSTOMER_SORTS, CUSTOMERS_PAGE_SIZE, listCustomers, type CustomerSort } from "~/store/customer-list.server";
import { getShop } from "~/store/shops.server";
import { useI18n } from "~/components/I18nProvider";
import { SearchCard } from "~/components/SearchCard";
import { customerName } from "~/components/customer-name";
import { formatCount } from "~/components/format";
import { formatMoney } from "~/components/money";
import { formatPercent, rfmGroupLabel, tierLabel } from "~/components/prediction-text";

/** The list's query string; anything malformed falls back to the default rather than failing the page. */
const listParams = z.object({
  q: z
    .string()
    .catch("")
    .transform((text) => text.trim().slice(0, 200)),
  sort: z.enum(CUSTOMER_SORTS).catch("predictedSpend"),
  direction: z.enum(["asc", "desc"]).catch("desc"),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const query = listParams.parse(Object.fromEntries(new URL(request.url).searchParams));
  const shop = await getShop({ db, shop: session.shop });
  if (!shop) return { query, currencyCode: "USD", customers: [], total: 0, page: 1, pages: 1 };
  const list = await listCustomers(db, dbKind, { shopId: shop.id, search: query.q, sort: query.sort, direction: query.direction, page: query.page, pageSize: CUSTOMERS_PAGE_SIZE });
  return { query, currencyCode: shop.currencyCode, ...list };
};

/** The table's columns in order; the sortable ones name their sort. */
const COLUMNS = [
  { key: "name" },
  { key: "email" },
  { key: "orders", sort: "orders" },
  { key: "amountSpent", sort: "amountSpent" },
  { key: "predictedSpend", sort: "predictedSpend" },
  { key: "tier" },
  { key: "rfmGroup" },
  { key: "churn", sort: "churn" },
] as const satisfies readonly { key: string; sort?: CustomerSort }[];

const TIER_TONES = { HIGH: "success", MEDIUM: "info", LOW: undefined } as const;

export default function Customers() {
  const { query, currencyCode, customers, total, page, pages } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();

  // keeps the parameters the admin put on the URL (locale, host) and resets to the first page unless told
  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(searchParams);
    next.delete("page");
    for (const [key, value] of Object.entries(changes)) next.set(key, value);
    navigate(`?${next.toString()}`);
  };
  const sortIndex = COLUMNS.findIndex((column) => "sort" in column && column.sort === query.sort);
  const onSort: IndexTableProps["onSort"] = (index, direction) => {
    const column = COLUMNS[index];
    if (column && "sort" in column) go({ sort: column.sort, direction: direction === "ascending" ? "asc" : "desc" });
  };
  const money = (minor: bigint | null) => (minor === null ? "—" : formatMoney(minor, currencyCode, locale));

  if (total === 0 && query.q === "") {
    return (
      <Page>
        <TitleBar title={t("customers.title")} />
        <Card>
          <EmptyState heading={t("customers.empty.heading")} image="">
            <p>{t("customers.empty.body")}</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  return (
    <Page>
      <TitleBar title={t("customers.title")} />
      <BlockStack gap="400">
        <SearchCard query={query.q} label={t("customers.search.label")} placeholder={t("customers.search.placeholder")} submit={t("customers.search.submit")} onSearch={(q) => go({ q })} />
        <Card padding="0">
          <IndexTable
            itemCount={customers.length}
            selectable={false}
            resourceName={{ singular: t("customers.column.name"), plural: t("customers.title") }}
            headings={[
              { title: t("customers.column.name") },
              { title: t("customers.column.email") },
              { title: t("customers.column.orders"), alignment: "end" },
              { title: t("customers.column.amountSpent"), alignment: "end" },
              { title: t("customers.column.predictedSpend"), alignment: "end" },
              { title: t("customers.column.tier") },
              { title: t("customers.column.rfmGroup") },
              { title: t("customers.column.churn"), alignment: "end" },
            ]}
            sortable={COLUMNS.map((column) => "sort" in column)}
            sortColumnIndex={sortIndex >= 0 ? sortIndex : undefined}
            sortDirection={query.direction === "asc" ? "ascending" : "descending"}
            onSort={onSort}
            emptyState={
              <Text as="p" alignment="center" tone="subdued">
                {t("customers.empty.search", { query: query.q })}
              </Text>
            }
            pagination={{
              hasPrevious: page > 1,
              hasNext: page < pages,
              onPrevious: () => go({ page: String(page - 1) }),
              onNext: () => go({ page: String(page + 1) }),
              label: `${t("customers.pageOf", { page: formatCount(page, locale), pages: formatCount(pages, locale) })} · ${t("customers.count", { count: formatCount(total, locale) })}`,
            }}
          >
            {customers.map((customer, index) => (
              <IndexTable.Row id={String(customer.id)} key={customer.id} position={index}>
                <IndexTable.Cell>
                  <Link url={`/app/customers/${customer.id}`} removeUnderline monochrome dataPrimaryLink>
                    <Text as="span" fontWeight="semibold">
                      {customerName(t, customer)}
                    </Text>
                  </Link>
                </IndexTable.Cell>
                <IndexTable.Cell>{customer.email ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {formatCount(customer.numberOfOrders, locale)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {money(customer.amountSpentMinor)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {money(customer.predictedSpend12mMinor)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {customer.predictedSpendTier ? <Badge tone={TIER_TONES[customer.predictedSpendTier]} toneAndProgressLabelOverride={t("customers.column.tier")}>{tierLabel(t, customer.predictedSpendTier)}</Badge> : "—"}
                </IndexTable.Cell>
                <IndexTable.Cell>{customer.rfmGroup ? rfmGroupLabel(t, customer.rfmGroup) : "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {customer.churnProbability === null ? "—" : formatPercent(customer.churnProbability, locale)}
                  </Text>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      </BlockStack>
    </Page>
  );
}
