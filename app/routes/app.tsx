import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { useEffect } from "react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisNl from "@shopify/polaris/locales/nl.json";
import { authenticate } from "~/shopify.server";
import { env } from "~/env.server";
import { resolveLocale } from "~/i18n";
import { I18nProvider, useI18n } from "~/components/I18nProvider";
import { sendAdminLocale } from "~/components/admin-locale";
import { DEMO_APP_BRIDGE_PATH } from "~/services/demo.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const config = env();
  return {
    apiKey: config.SHOPIFY_API_KEY,
    locale: resolveLocale(request),
    // The demo has no Shopify admin around it; it loads a local App Bridge that signs the same session tokens.
    appBridgeUrl: config.DEMO_MODE ? DEMO_APP_BRIDGE_PATH : undefined,
  };
};

/**
 * Shopify names the admin's language (`locale`) on the URL it opens the app with, not on the app's own
 * links: the layout keeps the language it was opened in until a URL names another.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, nextUrl, defaultShouldRevalidate }) =>
  // no action changes what the layout loads (the editor's live count posts on every keystroke)
  formAction === undefined && nextUrl.searchParams.has("locale") ? defaultShouldRevalidate : false;

export default function AppLayout() {
  const { apiKey, locale, appBridgeUrl } = useLoaderData<typeof loader>();
  // the pages' own data requests answer in the admin's language too
  useEffect(() => sendAdminLocale(locale), [locale]);
  return (
    <AppProvider
      isEmbeddedApp
      apiKey={apiKey}
      i18n={locale === "nl" ? polarisNl : polarisEn}
      {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}
    >
      <I18nProvider locale={locale}>
        <Navigation />
        <Outlet />
      </I18nProvider>
    </AppProvider>
  );
}

function Navigation() {
  const { t } = useI18n();
  return (
    <NavMenu>
      <Link to="/app" rel="home">
        {t("nav.home")}
      </Link>
      <Link to="/app/customers">{t("nav.customers")}</Link>
      <Link to="/app/segments">{t("nav.segments")}</Link>
      <Link to="/app/templates">{t("nav.templates")}</Link>
      <Link to="/app/discounts">{t("nav.discounts")}</Link>
      <Link to="/app/exports">{t("nav.exports")}</Link>
      <Link to="/app/settings">{t("nav.settings")}</Link>
    </NavMenu>
  );
}

// Shopify's auth flow answers with responses that Remix must pass through untouched.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
