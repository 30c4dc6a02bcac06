import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Card, EmptyState, IndexTable, Page, Text } from "@shopify/polaris";
import { db } from "~/db.server";
import { authenticate } from "~/shopify.server";
import { listSegments } from "~/store/segments.server";
import { getShop } from "~/store/shops.server";
import { useI18n } from "~/components/I18nProvider";
import { formatCount, formatDateTime } from "~/components/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [segments, shop] = await Promise.all([listSegments({ db, shop: session.shop }), getShop({ db, shop: session.shop })]);
  return { segments, timeZone: shop?.ianaTimezone ?? "UTC" };
};

export default function Segments() {
  const { segments, timeZone } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  return (
    <Page>
      <TitleBar title={t("segments.title")} />
      <Card padding="0">
        {segments.length === 0 ? (
          <EmptyState heading={t("segments.empty.heading")} image="">
            <p>{t("segments.empty.body")}</p>
          </EmptyState>
        ) : (
          <IndexTable
            itemCount={segments.length}
            selectable={false}
            headings={[{ title: t("segments.column.name") }, { title: t("segments.column.members") }, { title: t("segments.column.updated") }]}
          >
            {segments.map((segment, index) => (
              <IndexTable.Row id={segment.id} key={segment.id} position={index}>
                <IndexTable.Cell>
                  <Text as="span" fontWeight="semibold">
                    {segment.name}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{formatCount(segment.memberCount, locale)}</IndexTable.Cell>
                <IndexTable.Cell>{formatDateTime(segment.updatedAt, locale, timeZone)}</IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
    </Page>
  );
}
