import { BlockStack, DataTable, InlineStack, Link, Spinner, Text } from "@shopify/polaris";
import type { CountResponse, PreviewMember } from "~/services/segment-editor.types";
import { useI18n } from "~/components/I18nProvider";
import { formatCount, formatDateTime } from "~/components/format";
import { formatMoney } from "~/components/money";

export type CountView =
  /** nothing to count yet */
  | { kind: "empty" }
  /** the query has problems: they are shown where they are */
  | { kind: "problems" }
  | { kind: "waiting" }
  | { kind: "counted"; response: Extract<CountResponse, { ok: true }>; current: boolean };

/** The live member count, how long it took, and the first members. */
export function CountCard({ view, busy, currencyCode, timeZone }: { view: CountView; busy: boolean; currencyCode: string; timeZone: string }) {
  const { t, locale } = useI18n();
  const heading = (() => {
    switch (view.kind) {
      case "empty":
        return <Text as="p" tone="subdued">{t("editor.count.empty")}</Text>;
      case "problems":
        return <Text as="p" tone="subdued">{t("editor.count.problems")}</Text>;
      case "waiting":
        return <Text as="p" tone="subdued">{t("editor.count.counting")}</Text>;
      case "counted":
        return (
          <InlineStack gap="200" blockAlign="baseline">
            <Text as="p" variant="headingLg" id="segment-count" tone={view.current ? undefined : "subdued"}>
              {t(view.response.count === 1 ? "editor.count.one" : "editor.count.other", { count: formatCount(view.response.count, locale) })}
            </Text>
            <Text as="span" variant="bodySm" tone="subdued">
              {t("editor.count.took", { ms: formatCount(Math.round(view.response.milliseconds), locale) })}
            </Text>
          </InlineStack>
        );
    }
  })();
  return (
    <BlockStack gap="300">
      <InlineStack gap="200" blockAlign="center">
        {heading}
        {busy ? <Spinner size="small" accessibilityLabel={t("editor.count.counting")} /> : null}
      </InlineStack>
      {view.kind === "counted" && view.response.preview.length > 0 ? (
        <div id="segment-preview">
          <PreviewTable members={view.response.preview} currencyCode={currencyCode} timeZone={timeZone} />
        </div>
      ) : null}
      {view.kind === "counted" && view.response.count > view.response.preview.length && view.response.preview.length > 0 ? (
        <Text as="p" variant="bodySm" tone="subdued">
          {t("editor.count.firstOf", { shown: formatCount(view.response.preview.length, locale), count: formatCount(view.response.count, locale) })}
        </Text>
      ) : null}
    </BlockStack>
  );
}

function PreviewTable({ members, currencyCode, timeZone }: { members: readonly PreviewMember[]; currencyCode: string; timeZone: string }) {
  const { t, locale } = useI18n();
  return (
    <DataTable
      columnContentTypes={["text", "text", "numeric", "numeric", "text"]}
      headings={[t("editor.preview.name"), t("editor.preview.email"), t("editor.preview.orders"), t("editor.preview.spent"), t("editor.preview.lastOrder")]}
      rows={members.map((member) => [
        <Link key={member.id} url={`/app/customers/${member.id}`} removeUnderline>
          {member.name.trim() || member.email || t("customers.unnamed", { id: member.id })}
        </Link>,
        member.email ?? "—",
        formatCount(member.orders, locale),
        formatMoney(BigInt(member.amountSpentMinor), currencyCode, locale),
        formatDateTime(member.lastOrderAt, locale, timeZone) ?? "—",
      ])}
    />
  );
}
