import type { LoaderFunctionArgs } from "@remix-run/node";
import { TitleBar } from "@shopify/app-bridge-react";
import { Card, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/shopify.server";
import { useI18n } from "~/components/I18nProvider";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};

export default function Templates() {
  const { t } = useI18n();
  return (
    <Page>
      <TitleBar title={t("templates.title")} />
      <Card>
        <Text as="p">{t("templates.body")}</Text>
      </Card>
    </Page>
  );
}
