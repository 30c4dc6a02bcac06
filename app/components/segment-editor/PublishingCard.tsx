import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, InlineStack, Text, TextField } from "@shopify/polaris";
import { useI18n } from "~/components/I18nProvider";
import type { Translate } from "~/i18n";
import type { MirrorReason, MirrorView, PublishingErrors, PublishingView } from "~/services/publishing.types";

/** What the page's action answers a publishing toggle with (a fetcher's data). */
export type PublishingAnswer = ({ ok: true; publishing: PublishingView } | PublishingErrors) & { intent: "publishing" };

export const PUBLISHING_INTENT = "publishing";

const STATE_TONE = { pending: "attention", mirrored: "success", error: "critical" } as const;

export function reasonText(t: Translate, reason: MirrorReason): string {
  return t(reason.key, reason.params);
}

/** The mirror's state: a badge, and a line saying what the merchant should know (the name Shopify has it under, an error). */
export function MirrorState({ mirror, name }: { mirror: MirrorView; name: string }) {
  const { t } = useI18n();
  if (mirror.state === "off") return null;
  const detail =
    mirror.state === "error" && mirror.error
      ? t("publishing.state.errorDetail", { error: mirror.error })
      : mirror.state === "pending" && mirror.error
        ? t("publishing.state.retrying", { error: mirror.error })
        : mirror.state === "mirrored" && mirror.nativeName
          ? t("publishing.state.renamed", { name, nativeName: mirror.nativeName })
          : null;
  return (
    <BlockStack gap="100">
      <InlineStack>
        <Badge tone={STATE_TONE[mirror.state]}>{t(`publishing.state.${mirror.state}`)}</Badge>
      </InlineStack>
      {detail ? (
        <Text as="p" tone={mirror.state === "error" ? "critical" : "subdued"}>
          {detail}
        </Text>
      ) : null}
    </BlockStack>
  );
}

/**
 * A saved segment's publishing: its handle (with Copy), the theme editor's deep link with the banner
 * block ready to add, and the toggles for the member tag and the native Shopify segment. A toggle
 * posts at once (intent "publishing") and shows the new value while it does.
 */
export function PublishingCard({ publishing, themeEditorUrl }: { publishing: PublishingView; themeEditorUrl: string | null }) {
  const { t } = useI18n();
  const shopify = useAppBridge();
  const fetcher = useFetcher<PublishingAnswer>();
  const pending = fetcher.formData;
  const wanted = (field: "publishTag" | "mirrorNative", current: boolean) => {
    const value = pending?.get(field);
    return value === "true" ? true : value === "false" ? false : current;
  };
  const publishTag = wanted("publishTag", publishing.publishTag);
  const mirrorNative = wanted("mirrorNative", publishing.mirror.on);
  const { mirrorability } = publishing.mirror;
  const refused = fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? fetcher.data.fields : null;
  const toggle = (field: "publishTag" | "mirrorNative", value: boolean) => fetcher.submit({ intent: PUBLISHING_INTENT, [field]: String(value) }, { method: "post" });
  const copy = () =>
    void navigator.clipboard
      .writeText(publishing.handle)
      .then(() => shopify.toast.show(t("publishing.copied")))
      .catch(() => undefined);

  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {t("publishing.title")}
          </Text>
          <Text as="p" tone="subdued">
            {t("publishing.description")}
          </Text>
        </BlockStack>
        {refused ? (
          <Banner tone="critical" title={t("publishing.notSaved")}>
            {Object.values(refused).map((reason) => (
              <Text as="p" key={reason.key}>
                {reasonText(t, reason)}
              </Text>
            ))}
          </Banner>
        ) : null}
        <TextField
          label={t("editor.handle")}
          value={publishing.handle}
          readOnly
          autoComplete="off"
          monospaced
          helpText={t("editor.handle.help")}
          connectedRight={<Button onClick={copy}>{t("publishing.copy")}</Button>}
        />
        {themeEditorUrl ? (
          <BlockStack gap="100">
            <InlineStack>
              <Button url={themeEditorUrl} target="_top">
                {t("publishing.themeEditor")}
              </Button>
            </InlineStack>
            <Text as="p" tone="subdued">
              {t("publishing.themeEditor.help")}
            </Text>
          </BlockStack>
        ) : null}
        <Checkbox
          label={t("publishing.tag", { tag: publishing.tag })}
          checked={publishTag}
          onChange={(checked) => toggle("publishTag", checked)}
          helpText={t("publishing.tag.help")}
        />
        <BlockStack gap="200">
          <Checkbox
            label={t("publishing.mirror")}
            checked={mirrorNative}
            // a mirror that is on can always be turned off
            disabled={!mirrorNative && !mirrorability.ok}
            onChange={(checked) => toggle("mirrorNative", checked)}
            helpText={mirrorability.ok ? t("publishing.mirror.help") : t("publishing.mirror.cannot", { reason: reasonText(t, mirrorability.reason) })}
          />
          {mirrorNative && !pending ? <MirrorState mirror={publishing.mirror} name={publishing.name} /> : null}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}
