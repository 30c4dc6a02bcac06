import { Form, Link, useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, InlineStack, Text } from "@shopify/polaris";
import { useI18n } from "~/components/I18nProvider";
import { MirrorState, reasonText } from "~/components/segment-editor/PublishingCard";
import type { PublishingErrors, PublishingView } from "~/services/publishing.types";

/** The settings action's intents for publishing. */
export const PUBLISHING_SEGMENT_INTENT = "publishing.segment";
export const PUBLISHING_BULK_INTENT = "publishing.bulk";
export const PUBLISHING_REPUBLISH_INTENT = "publishing.republish";

/** What the settings action answered a publishing form with, when it did. */
export type PublishingResult =
  | { intent: typeof PUBLISHING_BULK_INTENT; changed: number }
  | { intent: typeof PUBLISHING_BULK_INTENT; fields: PublishingErrors["fields"] }
  | { intent: typeof PUBLISHING_REPUBLISH_INTENT; customers: number };

/** One segment's row: its name, the tag and mirror toggles (posted at once), the mirror's state. */
function SegmentPublishingRow({ segment }: { segment: PublishingView }) {
  const { t } = useI18n();
  const fetcher = useFetcher<PublishingErrors | { ok: true }>();
  const pending = fetcher.formData;
  const wanted = (field: "publishTag" | "mirrorNative", current: boolean) => {
    const value = pending?.get(field);
    return value === "true" ? true : value === "false" ? false : current;
  };
  const publishTag = wanted("publishTag", segment.publishTag);
  const mirrorNative = wanted("mirrorNative", segment.mirror.on);
  const { mirrorability } = segment.mirror;
  const refused = fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? fetcher.data.fields : null;
  const toggle = (field: "publishTag" | "mirrorNative", value: boolean) =>
    fetcher.submit({ intent: PUBLISHING_SEGMENT_INTENT, segmentId: segment.segmentId, [field]: String(value) }, { method: "post" });
  return (
    <div className="publishing-segment" data-segment={segment.handle}>
      <BlockStack gap="100">
        <InlineStack gap="200" blockAlign="center">
          <Link to={`/app/segments/${segment.segmentId}`}>{segment.name}</Link>
          <Text as="span" tone="subdued">
            {segment.tag}
          </Text>
        </InlineStack>
        <InlineStack gap="400" blockAlign="start" wrap>
          <Checkbox label={t("publishing.settings.tag")} checked={publishTag} onChange={(checked) => toggle("publishTag", checked)} />
          <Checkbox
            label={t("publishing.settings.mirror")}
            checked={mirrorNative}
            disabled={!mirrorNative && !mirrorability.ok}
            onChange={(checked) => toggle("mirrorNative", checked)}
            helpText={mirrorability.ok ? undefined : reasonText(t, mirrorability.reason)}
          />
          {mirrorNative && !pending ? <MirrorState mirror={segment.mirror} name={segment.name} /> : null}
        </InlineStack>
        {refused ? (
          <Text as="p" tone="critical">
            {Object.values(refused)
              .map((reason) => reasonText(t, reason))
              .join(" ")}
          </Text>
        ) : null}
      </BlockStack>
    </div>
  );
}

/**
 * The settings page's "Publishing to Shopify": every segment with its tag and mirror toggles, the
 * switches for all of them at once, and "Republish all".
 */
export function PublishingSettings({ segments, result, busy }: { segments: PublishingView[]; result: PublishingResult | null; busy: string | null }) {
  const { t } = useI18n();
  const bulk = (target: "tags" | "mirrors", value: "on" | "off", label: string) => (
    <Form method="post" key={`${target}-${value}`}>
      <input type="hidden" name="intent" value={PUBLISHING_BULK_INTENT} />
      <input type="hidden" name="target" value={target} />
      <input type="hidden" name="value" value={value} />
      <Button submit disabled={segments.length === 0} loading={busy === `${target}-${value}`}>
        {label}
      </Button>
    </Form>
  );
  return (
    <Card>
      <BlockStack gap="400">
        {result && "changed" in result ? <Banner tone="success">{t("publishing.settings.changed", { count: result.changed })}</Banner> : null}
        {result && "fields" in result ? (
          <Banner tone="critical">
            {Object.values(result.fields)
              .map((reason) => reasonText(t, reason))
              .join(" ")}
          </Banner>
        ) : null}
        {result && "customers" in result ? <Banner tone="info">{t("publishing.settings.republished", { count: result.customers })}</Banner> : null}
        <InlineStack gap="200" wrap>
          {bulk("tags", "on", t("publishing.settings.tagsOn"))}
          {bulk("tags", "off", t("publishing.settings.tagsOff"))}
          {bulk("mirrors", "on", t("publishing.settings.mirrorsOn"))}
          {bulk("mirrors", "off", t("publishing.settings.mirrorsOff"))}
          <Form method="post">
            <input type="hidden" name="intent" value={PUBLISHING_REPUBLISH_INTENT} />
            <Button submit variant="primary" loading={busy === "republish"}>
              {t("publishing.settings.republish")}
            </Button>
          </Form>
        </InlineStack>
        {segments.length === 0 ? (
          <Text as="p">{t("publishing.settings.none")}</Text>
        ) : (
          <BlockStack gap="300">
            {segments.map((segment) => (
              <SegmentPublishingRow key={segment.segmentId} segment={segment} />
            ))}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
