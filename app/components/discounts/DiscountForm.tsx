import { useFetcher, useNavigate, useNavigation, useSubmit } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Card, Checkbox, ChoiceList, FormLayout, InlineStack, Layout, Link, List, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { useI18n } from "~/components/I18nProvider";
import { FormSaveBar, useSaveBarSupported } from "~/components/FormSaveBar";
import type { DiscountEditorData, DiscountErrors, DiscountField, DiscountFormValues } from "~/services/segment-discounts.types";
import { PRODUCT_SCOPES, RULE_TYPES, SCOPE_LIST } from "../../../extensions/segment-discount/src/configuration.js";
import { actionsFor, ConfirmDiscountAction, DiscountStatusBadge, type PendingAction } from "./DiscountParts";


/** The form's values as the action reads them: the segment checkboxes repeat, flags are "true"/"false". */
export function discountFormData(values: DiscountFormValues): FormData {
  const form = new FormData();
  form.set("intent", "save");
  for (const [key, value] of Object.entries(values)) {
    if (key === "segmentIds") for (const id of value as string[]) form.append("segmentIds", id);
    else form.set(key, String(value));
  }
  return form;
}

/** A refused save with what was submitted. */
export type RefusedDiscount = DiscountErrors & { submitted?: DiscountFormValues };

const same = (a: DiscountFormValues, b: DiscountFormValues) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A segment discount's page: the form (title, method and code, segments, the rule and which
 * products qualify, minimums, messages, dates, combinations), saved with the save bar as the
 * segment editor does, Shopify's and the form's refusals at their fields; for a saved discount its
 * status and pause / resume / delete.
 */
export function DiscountForm({ data, errors }: { data: DiscountEditorData; errors: RefusedDiscount | null | undefined }) {
  const { t } = useI18n();
  const [values, setValues] = useState<DiscountFormValues>(errors?.submitted ?? data.values);
  const [pending, setPending] = useState<PendingAction | null>(null);
  const submit = useSubmit();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  // pause, resume and delete: done (delete leaves the page), or why not
  const action = useFetcher<{ ok: true } | DiscountErrors>();
  const saveBarSupported = useSaveBarSupported();
  const saving = navigation.state !== "idle" && navigation.formData?.get("intent") === "save";
  const { discount } = data;
  const dirty = !same(values, data.values);

  // a toast once a save went through (the page followed the redirect without a refusal)
  const wasSaving = useRef(false);
  useEffect(() => {
    if (saving) wasSaving.current = true;
    else if (wasSaving.current) {
      wasSaving.current = false;
      if (!errors) shopify.toast.show(t("discounts.toast.saved"));
    }
  }, [saving, errors, shopify, t]);
  useEffect(() => {
    if (action.state === "idle" && action.data) setPending(null);
  }, [action.state, action.data]);

  const set = <K extends keyof DiscountFormValues>(key: K) => (value: DiscountFormValues[K]) => setValues((current) => ({ ...current, [key]: value }));
  const error = (field: DiscountField) => {
    const found = errors?.fields[field];
    return found ? t(found.key, found.params) : undefined;
  };
  const save = () => submit(discountFormData(values), { method: "post" });
  const discard = () => (discount ? setValues(data.values) : navigate("/app/discounts"));

  const percentageRule = values.ruleType.endsWith("_PERCENTAGE");
  const listField = SCOPE_LIST[values.products];
  const chosen = data.segments.filter((segment) => values.segmentIds.includes(segment.id));
  const limitedInShopify = !values.guests && chosen.length > 0 && chosen.every((segment) => segment.mirrored);
  const deletedSegments = discount?.segments.filter((segment) => segment.id === null) ?? [];
  const toggleSegment = (id: string, on: boolean) => set("segmentIds")(on ? [...values.segmentIds, id] : values.segmentIds.filter((other) => other !== id));
  const refusedFields = errors ? (Object.keys(errors.fields) as DiscountField[]) : [];

  return (
    <Page
      backAction={{ content: t("nav.discounts"), url: "/app/discounts" }}
      titleMetadata={discount ? <DiscountStatusBadge status={discount.status} /> : undefined}
      primaryAction={saveBarSupported ? undefined : { content: t("discounts.form.save"), onAction: save, loading: saving, disabled: !dirty && discount !== null }}
      secondaryActions={[
        ...(discount?.numericId ? [{ content: t("discounts.form.openInShopify"), url: `shopify://admin/discounts/${discount.numericId}`, target: "_top" as const }] : []),
        ...(discount
          ? actionsFor(discount.status).map((kind) => ({ content: t(`discounts.action.${kind}`), destructive: kind === "delete", onAction: () => setPending({ action: kind, id: discount.id, title: discount.title }) }))
          : []),
      ]}
    >
      <TitleBar title={discount?.title ?? t("discounts.newTitle")} />
      {saveBarSupported ? (
        <FormSaveBar id="discount-save-bar" open={dirty} saving={saving} onSave={save} onDiscard={discard} saveLabel={t("discounts.form.save")} discardLabel={t("discounts.form.discard")} />
      ) : null}
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {errors ? (
              <Banner tone="critical" title={t("discounts.form.notSaved")}>
                <List>
                  {refusedFields.map((field) => (
                    <List.Item key={field}>{error(field)}</List.Item>
                  ))}
                </List>
              </Banner>
            ) : null}
            {action.state === "idle" && action.data && !action.data.ok ? (
              <Banner tone="critical" title={t("discounts.actionFailed")}>
                {Object.values(action.data.fields).map((reason) => (
                  <Text as="p" key={reason.key}>
                    {t(reason.key, reason.params)}
                  </Text>
                ))}
              </Banner>
            ) : null}
            {discount?.status === "paused" ? <Banner tone="warning">{t("discounts.form.paused")}</Banner> : null}
            {deletedSegments.length > 0 ? <Banner tone="warning">{t("discounts.form.deletedSegments", { names: deletedSegments.map((segment) => segment.name).join(", ") })}</Banner> : null}

            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  {t("discounts.form.details")}
                </Text>
                <TextField label={t("discounts.form.title")} name="title" value={values.title} onChange={set("title")} autoComplete="off" maxLength={255} helpText={t("discounts.form.title.help")} error={error("title")} />
                <ChoiceList
                  title={t("discounts.form.method")}
                  choices={[
                    { label: t("discounts.form.method.automatic"), value: "automatic" },
                    { label: t("discounts.form.method.code"), value: "code" },
                  ]}
                  selected={[values.method]}
                  onChange={([method]) => set("method")(method === "code" ? "code" : "automatic")}
                  disabled={discount !== null}
                  error={error("method")}
                />
                {discount ? (
                  <Text as="p" tone="subdued">
                    {t("discounts.form.method.fixed")}
                  </Text>
                ) : null}
                {values.method === "code" ? (
                  <FormLayout.Group>
                    <TextField label={t("discounts.form.code")} name="code" value={values.code} onChange={set("code")} autoComplete="off" maxLength={255} monospaced helpText={t("discounts.form.code.help")} error={error("code")} />
                    <TextField label={t("discounts.form.usageLimit")} name="usageLimit" value={values.usageLimit} onChange={set("usageLimit")} autoComplete="off" inputMode="numeric" helpText={t("discounts.form.usageLimit.help")} error={error("usageLimit")} />
                  </FormLayout.Group>
                ) : null}
                {values.method === "code" ? <Checkbox label={t("discounts.form.oncePerCustomer")} checked={values.appliesOncePerCustomer} onChange={set("appliesOncePerCustomer")} /> : null}
              </FormLayout>
            </Card>

            <Card>
              <BlockStack gap="300">
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    {t("discounts.form.segments")}
                  </Text>
                  <Text as="p" tone="subdued">
                    {t("discounts.form.segments.help")}
                  </Text>
                </BlockStack>
                {data.segments.length === 0 ? (
                  <Text as="p">
                    {t("discounts.form.segments.none")} <Link url="/app/segments/new">{t("discounts.form.segments.createSegment")}</Link>
                  </Text>
                ) : (
                  <BlockStack gap="100">
                    {data.segments.map((segment) => (
                      <InlineStack key={segment.id} gap="200" blockAlign="center">
                        <Checkbox
                          label={
                            <span>
                              {segment.name}{" "}
                              <Text as="span" tone="subdued">
                                <code>{segment.handle}</code>
                              </Text>
                            </span>
                          }
                          checked={values.segmentIds.includes(segment.id)}
                          onChange={(on) => toggleSegment(segment.id, on)}
                        />
                        {segment.mirrored ? <Badge>{t("discounts.form.segments.mirrored")}</Badge> : null}
                      </InlineStack>
                    ))}
                  </BlockStack>
                )}
                <Checkbox label={t("discounts.form.guests")} checked={values.guests} onChange={set("guests")} error={error("segments")} />
                {chosen.length > 0 || values.guests ? (
                  <Text as="p" tone="subdued">
                    {limitedInShopify ? t("discounts.form.eligibility.shopify") : t("discounts.form.eligibility.app")}
                  </Text>
                ) : null}
              </BlockStack>
            </Card>

            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  {t("discounts.form.rule")}
                </Text>
                <FormLayout.Group>
                  <Select
                    label={t("discounts.form.ruleType")}
                    name="ruleType"
                    options={RULE_TYPES.map((type) => ({ label: t(`discounts.form.ruleType.${type}`), value: type }))}
                    value={values.ruleType}
                    onChange={(type) => set("ruleType")(RULE_TYPES.find((known) => known === type) ?? values.ruleType)}
                    error={error("ruleType")}
                  />
                  <TextField
                    label={percentageRule ? t("discounts.form.percentage") : t("discounts.form.amount", { currency: data.currencyCode })}
                    name="value"
                    value={values.value}
                    onChange={set("value")}
                    autoComplete="off"
                    inputMode="decimal"
                    suffix={percentageRule ? "%" : data.currencyCode}
                    error={error("value")}
                  />
                </FormLayout.Group>
                <Select
                  label={t("discounts.form.products")}
                  name="products"
                  options={PRODUCT_SCOPES.map((scope) => ({ label: t(`discounts.form.products.${scope}`), value: scope }))}
                  value={values.products}
                  onChange={(scope) => set("products")(PRODUCT_SCOPES.find((known) => known === scope) ?? values.products)}
                  helpText={values.ruleType.startsWith("PRODUCT") ? undefined : t("discounts.form.products.help")}
                  error={error("products")}
                />
                {listField ? (
                  <TextField
                    label={t(`discounts.form.${listField}`)}
                    name={listField}
                    value={values[listField]}
                    onChange={set(listField)}
                    autoComplete="off"
                    multiline={3}
                    helpText={t(`discounts.form.${listField}.help`)}
                    error={error(listField)}
                  />
                ) : null}
              </FormLayout>
            </Card>

            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  {t("discounts.form.requirements")}
                </Text>
                <FormLayout.Group>
                  <TextField
                    label={t("discounts.form.minimumSubtotal", { currency: data.currencyCode })}
                    name="minimumSubtotal"
                    value={values.minimumSubtotal}
                    onChange={set("minimumSubtotal")}
                    autoComplete="off"
                    inputMode="decimal"
                    helpText={t("discounts.form.minimumSubtotal.help")}
                    error={error("minimumSubtotal")}
                  />
                  <TextField
                    label={t("discounts.form.minimumQuantity")}
                    name="minimumQuantity"
                    value={values.minimumQuantity}
                    onChange={set("minimumQuantity")}
                    autoComplete="off"
                    inputMode="numeric"
                    helpText={t("discounts.form.minimumQuantity.help")}
                    error={error("minimumQuantity")}
                  />
                </FormLayout.Group>
              </FormLayout>
            </Card>

            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  {t("discounts.form.messages")}
                </Text>
                <TextField label={t("discounts.form.messageEn")} name="messageEn" value={values.messageEn} onChange={set("messageEn")} autoComplete="off" maxLength={255} helpText={t("discounts.form.messageEn.help")} error={error("messageEn")} />
                <TextField label={t("discounts.form.messageNl")} name="messageNl" value={values.messageNl} onChange={set("messageNl")} autoComplete="off" maxLength={255} helpText={t("discounts.form.messageNl.help")} error={error("messageNl")} />
              </FormLayout>
            </Card>

            <Card>
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  {t("discounts.form.dates")}
                </Text>
                <FormLayout.Group>
                  <TextField
                    label={t("discounts.form.startsAt")}
                    name="startsAt"
                    type="datetime-local"
                    value={values.startsAt}
                    onChange={set("startsAt")}
                    autoComplete="off"
                    helpText={t("discounts.form.startsAt.help", { timeZone: data.timeZone })}
                    error={error("startsAt")}
                  />
                  <TextField label={t("discounts.form.endsAt")} name="endsAt" type="datetime-local" value={values.endsAt} onChange={set("endsAt")} autoComplete="off" helpText={t("discounts.form.endsAt.help")} error={error("endsAt")} />
                </FormLayout.Group>
              </FormLayout>
            </Card>

            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("discounts.form.combines")}
                </Text>
                <Checkbox label={t("discounts.form.combinesProduct")} checked={values.combinesWithProduct} onChange={set("combinesWithProduct")} />
                <Checkbox label={t("discounts.form.combinesOrder")} checked={values.combinesWithOrder} onChange={set("combinesWithOrder")} />
                <Checkbox label={t("discounts.form.combinesShipping")} checked={values.combinesWithShipping} onChange={set("combinesWithShipping")} error={error("combinesWith")} />
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
      <ConfirmDiscountAction
        pending={pending}
        busy={action.state !== "idle"}
        onConfirm={(chosen) => action.submit({ intent: chosen.action, id: chosen.id }, { method: "post" })}
        onClose={() => setPending(null)}
      />
    </Page>
  );
}
