import { Badge, BlockStack, InlineStack, Modal, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { useI18n } from "~/components/I18nProvider";
import type { DiscountAction, DiscountListItem, DiscountSegmentView, DiscountStatusValue } from "~/services/segment-discounts.types";

const STATUS_TONE = { active: "success", paused: "attention", scheduled: "info", expired: undefined } as const satisfies Record<DiscountStatusValue, "success" | "attention" | "info" | undefined>;

export function DiscountStatusBadge({ status }: { status: DiscountStatusValue }) {
  const { t } = useI18n();
  return <Badge tone={STATUS_TONE[status]}>{t(`discounts.status.${status}`)}</Badge>;
}

/** The actions a discount in this state offers: a paused one resumes, an expired one can only go. */
export function actionsFor(status: DiscountStatusValue): DiscountAction[] {
  if (status === "paused") return ["resume", "delete"];
  if (status === "expired") return ["delete"];
  return ["pause", "delete"];
}

/** "VIP, Lapsed (deleted), Guests" */
export function segmentNames(t: ReturnType<typeof useI18n>["t"], segments: readonly DiscountSegmentView[], guests: boolean): string {
  const names = segments.map((segment) => (segment.id === null ? t("discounts.segments.deleted", { name: segment.name }) : segment.name));
  return [...names, ...(guests ? [t("discounts.segments.guests")] : [])].join(", ");
}

/** "Automatic" or "Code VIP10". */
export function methodText(t: ReturnType<typeof useI18n>["t"], discount: Pick<DiscountListItem, "method" | "code">): string {
  return discount.method === "code" ? t("discounts.method.code", { code: discount.code ?? "" }) : t("discounts.method.automatic");
}

export interface PendingAction {
  action: DiscountAction;
  id: string;
  title: string;
}

/** Asks before pausing, resuming or deleting a discount. */
export function ConfirmDiscountAction({ pending, busy, onConfirm, onClose }: { pending: PendingAction | null; busy: boolean; onConfirm: (pending: PendingAction) => void; onClose: () => void }) {
  const { t } = useI18n();
  const action = pending?.action ?? "pause";
  return (
    <Modal
      open={pending !== null}
      onClose={onClose}
      title={pending ? t(`discounts.confirm.${action}.title`, { title: pending.title }) : ""}
      primaryAction={{ content: t(`discounts.action.${action}`), destructive: action === "delete", loading: busy, onAction: () => pending && onConfirm(pending) }}
      secondaryActions={[{ content: t("discounts.confirm.cancel"), onAction: onClose }]}
    >
      <Modal.Section>
        <Text as="p">{t(`discounts.confirm.${action}.body`)}</Text>
      </Modal.Section>
    </Modal>
  );
}

/** A discount in one line of a card: title, summary, status. */
export function DiscountLine({ title, summary, status, method }: { title: ReactNode; summary: string; status: DiscountStatusValue; method: string }) {
  return (
    <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
      <BlockStack gap="050">
        {title}
        <Text as="span" tone="subdued">
          {summary} · {method}
        </Text>
      </BlockStack>
      <DiscountStatusBadge status={status} />
    </InlineStack>
  );
}
