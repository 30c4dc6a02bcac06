import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Box, Button, Card, InlineGrid, InlineStack, Page, Text } from "@shopify/polaris";
import { db } from "~/db.server";
import { TEMPLATES, type SegmentTemplate } from "~/segments/templates";
import { authenticate } from "~/shopify.server";
import { useI18n } from "~/components/I18nProvider";

type Category = SegmentTemplate["category"];
/** Goals in the order the page shows them. */
const CATEGORIES: readonly Category[] = ["value", "lifecycle", "engagement", "predictions", "products"];

/** The built-in templates, each with the metafields it needs that the shop has no definition for. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await db.shop.findUnique({
    where: { domain: session.shop },
    select: { metafieldDefinitions: { where: { ownerType: "CUSTOMER" }, select: { namespace: true, key: true } } },
  });
  const defined = new Set((shop?.metafieldDefinitions ?? []).map(({ namespace, key }) => `metafields.${namespace}.${key}`));
  return {
    templates: TEMPLATES.map((template) => ({
      key: template.key,
      category: template.category,
      name: template.name,
      description: template.description,
      query: template.query,
      missing: (template.requires ?? []).filter((name) => !defined.has(name)),
    })),
  };
};

export default function Templates() {
  const { templates } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  return (
    <Page>
      <TitleBar title={t("templates.title")} />
      <BlockStack gap="600">
        <Text as="p" tone="subdued">
          {t("templates.intro")}
        </Text>
        {CATEGORIES.map((category) => {
          const inCategory = templates.filter((template) => template.category === category);
          if (inCategory.length === 0) return null;
          return (
            <BlockStack key={category} gap="300">
              <Text as="h2" variant="headingLg">
                {t(`templates.category.${category}`)}
              </Text>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                {inCategory.map((template) => (
                  <Card key={template.key}>
                    <BlockStack gap="300">
                      <Text as="h3" variant="headingMd">
                        {template.name[locale]}
                      </Text>
                      <Text as="p">{template.description[locale]}</Text>
                      <Box background="bg-surface-secondary" padding="200" borderRadius="200">
                        <pre aria-label={t("templates.query")} style={{ margin: 0, whiteSpace: "pre-wrap", wordBreak: "break-word", fontFamily: "var(--p-font-family-mono)", fontSize: "var(--p-font-size-300)" }}>
                          {template.query}
                        </pre>
                      </Box>
                      {template.missing.length > 0 ? <Banner tone="warning">{t("templates.requires", { metafields: template.missing.join(", ") })}</Banner> : null}
                      <InlineStack align="end">
                        <Button url={`/app/segments/new?template=${encodeURIComponent(template.key)}`} variant="primary">
                          {t("templates.use")}
                        </Button>
                      </InlineStack>
                    </BlockStack>
                  </Card>
                ))}
              </InlineGrid>
            </BlockStack>
          );
        })}
      </BlockStack>
    </Page>
  );
}
