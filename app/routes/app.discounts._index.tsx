import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Link, Page, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { adminClientFor, authenticate } from "~/shopify.server";
import { discountActionSchema, listSegmentDiscounts, runDiscountAction } from "~/services/segment-discounts.server";
import type { DiscountErrors } from "~/services/segment-discounts.types";
import { useI18n } from "~/components/I18nProvider";
import { actionsFor, ConfirmDiscountAction, DiscountStatusBadge, methodText, segmentNames, type PendingAction } from "~/components/discounts/DiscountParts";
import { ruleSummary } from "~/components/discounts/rule-summary";

/** Long titles, segment lists and rules wrap inside their column, so the actions stay in view. */
const WRAP = { whiteSpace: "normal", minWidth: "8rem", maxWidth: "18rem" } as const;

/** The shop's segment discounts, newest first. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const list = await listSegmentDiscounts({ db, shop: session.shop, now: new Date() });
  return list ?? { discounts: [], currencyCode: "USD" };
};

/**
 * Pause, resume or delete one discount (intent and id): done, or 400 for a malformed request, 409
 * for Shopify's refusal, 502 when Shopify did not answer; another shop's discount is 404.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = discountActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ ok: false, fields: { form: { key: "discounts.actionFailed", params: {} } }, status: 400 } satisfies DiscountErrors, { status: 400 });
  const admin = adminClientFor(env(), session.shop, session.accessToken ?? "");
  const result = await runDiscountAction({ db, admin, shop: session.shop, intent: parsed.data.intent, id: parsed.data.id, now: new Date() });
  if (!result) throw new Response("Not found", { status: 404 });
  if (!result.ok) return data(result, { status: result.status });
  return { ok: true as const, intent: parsed.data.intent };
};

export default function SegmentDiscounts() {
  const { discounts, currencyCode } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const shopify = useAppBridge();
  const fetcher = useFetcher<typeof action>();
  const [pending, setPending] = useState<PendingAction | null>(null);
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;

  // once an action is answered: close the question, and say what was done
  useEffect(() => {
    if (!answer) return;
    setPending(null);
    if (answer.ok) shopify.toast.show(t(`discounts.toast.${answer.intent === "pause" ? "paused" : answer.intent === "resume" ? "resumed" : "deleted"}`));
  }, [answer]); // once per answer

  const confirm = (chosen: PendingAction) => fetcher.submit({ intent: chosen.action, id: chosen.id }, { method: "post" });
  const create = { content: t("discounts.create"), url: "/app/discounts/new" };

  if (discounts.length === 0) {
    return (
      <Page primaryAction={create}>
        <TitleBar title={t("discounts.title")} />
        <Card>
          <EmptyState heading={t("discounts.empty.heading")} action={create} image="">
            <p>{t("discounts.empty.body")}</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  return (
    <Page primaryAction={create}>
      <TitleBar title={t("discounts.title")} />
      <BlockStack gap="400">
        {answer && !answer.ok ? (
          <Banner tone="critical" title={t("discounts.actionFailed")}>
            {Object.values(answer.fields).map((reason) => (
              <Text as="p" key={reason.key}>
                {t(reason.key, reason.params)}
              </Text>
            ))}
          </Banner>
        ) : null}
        <Card padding="0">
          <IndexTable
            itemCount={discounts.length}
            selectable={false}
            resourceName={{ singular: t("discounts.resource.singular"), plural: t("discounts.resource.plural") }}
            headings={[
              { title: t("discounts.column.title") },
              { title: t("discounts.column.segments") },
              { title: t("discounts.column.rule") },
              { title: t("discounts.column.status") },
              { title: t("discounts.column.actions") },
            ]}
          >
            {discounts.map((discount, index) => (
              <IndexTable.Row id={discount.id} key={discount.id} position={index}>
                <IndexTable.Cell>
                  <div style={WRAP}>
                    <Link url={`/app/discounts/${discount.id}`} removeUnderline monochrome dataPrimaryLink>
                      <Text as="span" fontWeight="semibold">
                        {discount.title}
                      </Text>
                    </Link>
                    <Text as="p" tone="subdued">
                      {methodText(t, discount)}
                    </Text>
                  </div>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <div style={WRAP}>{segmentNames(t, discount.segments, discount.guests)}</div>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <div style={WRAP}>{ruleSummary(t, locale, discount.rule, currencyCode)}</div>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <DiscountStatusBadge status={discount.status} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {/* the row's link opens the discount; its buttons must not */}
                  <div onClick={(event) => event.stopPropagation()} role="presentation">
                  <InlineStack gap="200" wrap={false}>
                    {actionsFor(discount.status).map((action) => (
                      <Button key={action} size="slim" tone={action === "delete" ? "critical" : undefined} onClick={() => setPending({ action, id: discount.id, title: discount.title })}>
                        {t(`discounts.action.${action}`)}
                      </Button>
                    ))}
                  </InlineStack>
                  </div>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      </BlockStack>
      <ConfirmDiscountAction pending={pending} busy={fetcher.state !== "idle"} onConfirm={confirm} onClose={() => setPending(null)} />
    </Page>
  );
}
