/**
 * Segment discounts (decision 013): discounts of the segment-discount Function that give a
 * segment's members their price. The merchant fills in a form; it is validated here (zod, a message
 * per field), turned into the Function's configuration — which must pass the Function's own
 * `configurationProblem` and fit its 10,000 bytes — and written to Shopify as an app discount
 * (automatic or with a code) with the configuration in its `$app:function-configuration` metafield.
 * Only then is it stored here, with the segments it names.
 *
 * - Eligibility in Shopify: when every segment the discount names has a native Shopify mirror and
 *   guests are not included, the discount's context is those mirrors (so Shopify's own discount
 *   pages show who it is for); otherwise it is every buyer, and the Function does the gating from
 *   the buyer's `$app:segments` metafield. A mirror coming or going re-syncs the context of the
 *   discounts naming its segment (`syncSegmentDiscountContexts`, called by native-segments.server.ts).
 * - Pause is Shopify's deactivation (it ends the discount now); resume activates it again and puts
 *   back the merchant's own dates, which are kept here meanwhile.
 * - A deleted segment stays named by its discounts (handle and last name kept): the discount goes
 *   on for its other segments (nobody carries the deleted handle any more), and its pages say so.
 * - Every read and write is scoped by the session's shop: another shop's discount is null (a 404).
 */
import { z } from "zod";
import type { Db } from "~/db/client";
import type { MessageKey } from "~/i18n";
import { logger } from "~/logger.server";
import { AdminApiError, type AdminClient } from "~/shopify/admin-client.server";
import {
  contextInput,
  createAppDiscount,
  deleteAppDiscount,
  discountKindOf,
  discountNumericId,
  discountGids,
  isMissingDiscount,
  patchAppDiscount,
  readAppDiscount,
  setAppDiscountActive,
  updateAppDiscount,
  type DiscountKind,
  type DiscountUserError,
} from "~/shopify/operations/discounts";
import { isTimeZone, wallClock, zonedInstant } from "~/segments/time";
import {
  createShopDiscount,
  deleteShopDiscount,
  discountShop,
  discountsFollowingSegment,
  discountsNamingSegment,
  findShopDiscount,
  findShopDiscountByShopifyId,
  recordDiscountContext,
  recordDiscountStatus,
  segmentChoices,
  shopDiscounts,
  updateShopDiscount,
  type DiscountRow,
  type DiscountShop,
  type NamedSegment,
} from "~/store/segment-discounts.server";
import { currencyDigits } from "~/sync/money";
import {
  configurationProblem,
  CONFIGURATION_VERSION,
  discountClassOf,
  MAX_CONFIGURATION_BYTES,
  MAX_LIST,
  MAX_MESSAGE_LENGTH,
  MAX_SEGMENTS,
  PRODUCT_SCOPES,
  RULE_TYPES,
  SCOPE_LIST,
  type Configuration,
  type RuleType,
} from "../../extensions/segment-discount/src/configuration.js";
import {
  DISCOUNT_ACTIONS,
  type DiscountAction,
  type DiscountEditorData,
  type DiscountErrors,
  type DiscountField,
  type DiscountFormValues,
  type DiscountList,
  type DiscountListItem,
  type DiscountMessage,
  type DiscountSegmentView,
  type DiscountStatusValue,
  type RuleView,
} from "./segment-discounts.types";

export const TITLE_MAX = 255;
export const CODE_MAX = 255;
/** Shopify's usage limit is an Int. */
const USAGE_LIMIT_MAX = 2_147_483_647;
const MINIMUM_QUANTITY_MAX = 1_000_000;
/** Digits before the decimal point the configuration takes. */
const AMOUNT_INTEGER_DIGITS = 12;

/** The id of the discount page for a discount not made yet: /app/discounts/new. */
export const NEW_DISCOUNT = "new";

const message = (key: MessageKey, params: Record<string, string | number> = {}): DiscountMessage => ({ key, params });
const refused = (fields: DiscountErrors["fields"], status: DiscountErrors["status"] = 400): DiscountErrors => ({ ok: false, fields, status });

// ------------------------------------------------------------------------------------------------
// the form

/** A posted form as the schema reads it: the segment checkboxes repeat, everything else once. */
export function discountFormInput(form: FormData): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, value] of form) if (key !== "segmentIds" && !(key in input)) input[key] = value;
  input.segmentIds = form.getAll("segmentIds");
  return input;
}

const flag = z
  .union([z.boolean(), z.string()])
  .transform((value) => value === true || value === "true" || value === "on")
  .catch(false);

/** Text, trimmed; anything but text reads as empty (its field then says what is missing). */
const text = z.string().trim().catch("");

/** "12,5" (a Dutch decimal comma) reads as 12.5; spaces are dropped. */
function decimalText(value: string): string {
  const compact = value.replace(/\s+/g, "");
  return compact.includes(",") && !compact.includes(".") ? compact.replace(",", ".") : compact;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A positive decimal with at most `digits` decimals, as the configuration writes money ("5", "5.5", "12.99"); null when it is not one. */
export function moneyText(value: string, digits: number): string | null {
  const match = DECIMAL.exec(decimalText(value));
  if (!match) return null;
  const whole = (match[1] ?? "").replace(/^0+(?=\d)/, "");
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > digits || whole.length > AMOUNT_INTEGER_DIGITS) return null;
  const amount = fraction ? `${whole}.${fraction}` : whole;
  return /[1-9]/.test(amount) ? amount : null;
}

/** A percentage above 0 and at most 100 with at most 2 decimals; null when it is not one. */
export function percentageOf(value: string): number | null {
  const match = DECIMAL.exec(decimalText(value));
  if (!match || (match[2] ?? "").replace(/0+$/, "").length > 2) return null;
  const percentage = Number(decimalText(value));
  return Number.isFinite(percentage) && percentage > 0 && percentage <= 100 ? percentage : null;
}

/** One item per line or between commas, trimmed, empty ones dropped, the same item (any case) once. */
export function listItems(value: string): string[] {
  const seen = new Set<string>();
  const items: string[] = [];
  for (const item of value.split(/[\n,]/)) {
    const trimmed = item.trim();
    if (trimmed === "" || seen.has(trimmed.toLowerCase())) continue;
    seen.add(trimmed.toLowerCase());
    items.push(trimmed);
  }
  return items;
}

const COLLECTION_GID = /^gid:\/\/shopify\/Collection\/([1-9]\d{0,19})$/;

/** `123` or `gid://shopify/Collection/123` → the gid; null for anything else. */
export function collectionGid(value: string): string | null {
  if (/^[1-9]\d{0,19}$/.test(value)) return `gid://shopify/Collection/${value}`;
  return COLLECTION_GID.test(value) ? value : null;
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A datetime-local value in the shop's time zone → the instant; null when it is not a real wall time. */
export function wallTimeInstant(value: string, timeZone: string): Date | null {
  const match = WALL_TIME.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second = 0] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number?];
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (year < 1970 || year > 9999 || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  return new Date(zonedInstant(year, month, day, hour, minute, second, timeZone));
}

/** The instant as the shop's wall time for a datetime-local input: YYYY-MM-DDTHH:mm. */
export function wallTime(instant: Date, timeZone: string): string {
  const wall = wallClock(instant.getTime(), timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(wall.year).padStart(4, "0")}-${two(wall.month)}-${two(wall.day)}T${two(wall.hour)}:${two(wall.minute)}`;
}

/** The posted form's fields, typed; what each means is checked by `validateDiscountForm`. */
const DiscountForm = z.object({
  title: text,
  method: z.enum(["automatic", "code"]).optional().catch(undefined),
  code: text,
  usageLimit: text,
  appliesOncePerCustomer: flag,
  segmentIds: z
    .array(z.unknown())
    .catch([])
    .transform((ids) => ids.filter((id): id is string => typeof id === "string" && id.length > 0 && id.length <= 100)),
  guests: flag,
  ruleType: z.enum(RULE_TYPES).optional().catch(undefined),
  value: text,
  products: z.enum(PRODUCT_SCOPES).catch("ALL"),
  productTypes: text,
  collectionIds: text,
  productTags: text,
  minimumSubtotal: text,
  minimumQuantity: text,
  messageEn: text,
  messageNl: text,
  startsAt: text,
  endsAt: text,
  combinesWithProduct: flag,
  combinesWithOrder: flag,
  combinesWithShipping: flag,
});

/** What was posted, as the form holds it: shown again beside the messages of a refused save. */
export function postedValues(input: Record<string, unknown>): DiscountFormValues {
  const raw = (key: keyof DiscountFormValues) => (typeof input[key] === "string" ? (input[key] as string) : "");
  const on = (key: keyof DiscountFormValues) => flag.parse(input[key]);
  return {
    title: raw("title"),
    method: raw("method") === "code" ? "code" : "automatic",
    code: raw("code"),
    usageLimit: raw("usageLimit"),
    appliesOncePerCustomer: on("appliesOncePerCustomer"),
    segmentIds: DiscountForm.shape.segmentIds.parse(input.segmentIds),
    guests: on("guests"),
    ruleType: RULE_TYPES.find((type) => type === input.ruleType) ?? "PRODUCT_PERCENTAGE",
    value: raw("value"),
    products: PRODUCT_SCOPES.find((scope) => scope === input.products) ?? "ALL",
    productTypes: raw("productTypes"),
    collectionIds: raw("collectionIds"),
    productTags: raw("productTags"),
    minimumSubtotal: raw("minimumSubtotal"),
    minimumQuantity: raw("minimumQuantity"),
    messageEn: raw("messageEn"),
    messageNl: raw("messageNl"),
    startsAt: raw("startsAt"),
    endsAt: raw("endsAt"),
    combinesWithProduct: on("combinesWithProduct"),
    combinesWithOrder: on("combinesWithOrder"),
    combinesWithShipping: on("combinesWithShipping"),
  };
}

/** A segment of the shop, as the configuration and the context need it. */
export interface ShopSegment {
  id: string;
  name: string;
  handle: string;
  nativeSegmentId: string | null;
}

/** What a valid form makes: the discount's fields for Shopify and for the store. */
export interface ValidDiscount {
  title: string;
  method: DiscountKind;
  code: { code: string; usageLimit: number | null; appliesOncePerCustomer: boolean } | null;
  segments: ShopSegment[];
  configuration: Configuration;
  /** the configuration's JSON text, as written to the metafield */
  json: string;
  startsAt: Date;
  endsAt: Date | null;
  combinesWith: { productDiscounts: boolean; orderDiscounts: boolean; shippingDiscounts: boolean };
}

/** The form field a configuration path is entered in. */
function fieldOfPath(path: string): DiscountField {
  if (path.startsWith("rule.") || path === "rule") return "value";
  if (path === "segments" || path === "guests") return "segments";
  if (path === "message.nl") return "messageNl";
  if (path.startsWith("message")) return "messageEn";
  if (path === "products" || path === "productTypes" || path === "collectionIds" || path === "productTags" || path === "minimumSubtotal" || path === "minimumQuantity") return path;
  return "form";
}

const byteLength = (textValue: string) => new TextEncoder().encode(textValue).length;

/**
 * Checks the posted form against the shop's segments, currency and time zone and builds the
 * configuration: a ValidDiscount, or a message per field. The configuration it gives always passes
 * the Function's `configurationProblem` and fits MAX_CONFIGURATION_BYTES.
 */
export function validateDiscountForm(
  input: Record<string, unknown>,
  shop: { currencyCode: string; timeZone: string; segments: readonly ShopSegment[] },
  now: Date,
): { ok: true; discount: ValidDiscount } | DiscountErrors {
  const form = DiscountForm.parse(input);
  const fields: DiscountErrors["fields"] = {};
  const digits = currencyDigits(shop.currencyCode);
  const timeZone = isTimeZone(shop.timeZone) ? shop.timeZone : "UTC";

  if (form.title === "") fields.title = message("discounts.error.titleRequired");
  else if ([...form.title].length > TITLE_MAX) fields.title = message("discounts.error.titleTooLong", { max: TITLE_MAX });
  if (form.method === undefined) fields.method = message("discounts.error.method");

  let usageLimit: number | null = null;
  if (form.method === "code") {
    if (form.code === "") fields.code = message("discounts.error.codeRequired");
    else if ([...form.code].length > CODE_MAX) fields.code = message("discounts.error.codeTooLong", { max: CODE_MAX });
    else if (/\s/.test(form.code)) fields.code = message("discounts.error.codeSpaces");
    if (form.usageLimit !== "") {
      usageLimit = /^\d{1,10}$/.test(form.usageLimit) ? Number(form.usageLimit) : null;
      if (usageLimit === null || usageLimit < 1 || usageLimit > USAGE_LIMIT_MAX) fields.usageLimit = message("discounts.error.usageLimit");
    }
  }

  const byId = new Map(shop.segments.map((segment) => [segment.id, segment]));
  const chosen = [...new Set(form.segmentIds)];
  const segments = chosen.flatMap((id) => byId.get(id) ?? []);
  if (segments.length < chosen.length) fields.segments = message("discounts.error.segmentUnknown");
  else if (segments.length > MAX_SEGMENTS) fields.segments = message("discounts.error.tooManySegments", { max: MAX_SEGMENTS });
  else if (segments.length === 0 && !form.guests) fields.segments = message("discounts.error.segmentsRequired");

  if (form.ruleType === undefined) fields.ruleType = message("discounts.error.ruleType");
  const percentageRule = form.ruleType?.endsWith("_PERCENTAGE") ?? false;
  const percentage = percentageRule ? percentageOf(form.value) : null;
  const amount = form.ruleType && !percentageRule ? moneyText(form.value, digits) : null;
  if (form.ruleType && percentageRule && percentage === null) fields.value = message("discounts.error.percentage");
  if (form.ruleType && !percentageRule && amount === null) fields.value = message("discounts.error.amount", { currency: shop.currencyCode, digits });

  const lists = { productTypes: [] as string[], collectionIds: [] as string[], productTags: [] as string[] };
  const listField = SCOPE_LIST[form.products];
  if (listField) {
    const items = listItems(form[listField]);
    if (items.length === 0) fields[listField] = message(`discounts.error.${listField}Required`);
    else if (items.length > MAX_LIST) fields[listField] = message("discounts.error.listTooLong", { max: MAX_LIST });
    else if (listField === "collectionIds") {
      const gids = items.map((item) => ({ item, gid: collectionGid(item) }));
      const bad = gids.find((entry) => entry.gid === null);
      if (bad) fields.collectionIds = message("discounts.error.collectionId", { value: bad.item.slice(0, 80) });
      else lists.collectionIds = [...new Set(gids.map((entry) => entry.gid ?? ""))];
    } else {
      const long = items.find((item) => item.length > MAX_MESSAGE_LENGTH);
      if (long) fields[listField] = message("discounts.error.itemTooLong", { max: MAX_MESSAGE_LENGTH });
      else lists[listField] = items;
    }
  }

  const minimumSubtotal = form.minimumSubtotal === "" ? null : moneyText(form.minimumSubtotal, digits);
  if (form.minimumSubtotal !== "" && minimumSubtotal === null) fields.minimumSubtotal = message("discounts.error.amount", { currency: shop.currencyCode, digits });
  const minimumQuantity = form.minimumQuantity === "" ? null : /^\d{1,7}$/.test(form.minimumQuantity) ? Number(form.minimumQuantity) : 0;
  if (minimumQuantity !== null && (minimumQuantity < 1 || minimumQuantity > MINIMUM_QUANTITY_MAX)) {
    fields.minimumQuantity = message("discounts.error.minimumQuantity", { max: MINIMUM_QUANTITY_MAX.toLocaleString("en") });
  }

  if (form.messageEn === "") fields.messageEn = message("discounts.error.messageRequired");
  else if (form.messageEn.length > MAX_MESSAGE_LENGTH) fields.messageEn = message("discounts.error.messageTooLong", { max: MAX_MESSAGE_LENGTH });
  if (form.messageNl.length > MAX_MESSAGE_LENGTH) fields.messageNl = message("discounts.error.messageTooLong", { max: MAX_MESSAGE_LENGTH });

  const startsAt = form.startsAt === "" ? now : wallTimeInstant(form.startsAt, timeZone);
  if (startsAt === null) fields.startsAt = message("discounts.error.date");
  const endsAt = form.endsAt === "" ? null : wallTimeInstant(form.endsAt, timeZone);
  if (form.endsAt !== "" && endsAt === null) fields.endsAt = message("discounts.error.date");
  else if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) fields.endsAt = message("discounts.error.endsBeforeStart");

  if (Object.keys(fields).length > 0 || form.method === undefined || form.ruleType === undefined || startsAt === null) return refused(fields);

  const rule = percentageRule
    ? { type: form.ruleType as Extract<RuleType, `${string}_PERCENTAGE`>, percentage: percentage ?? 0 }
    : { type: form.ruleType as Extract<RuleType, `${string}_FIXED_AMOUNT`>, amount: amount ?? "" };
  const configuration: Configuration = {
    version: CONFIGURATION_VERSION,
    segments: segments.map((segment) => segment.handle),
    guests: form.guests,
    rule,
    products: form.products,
    productTypes: lists.productTypes,
    collectionIds: lists.collectionIds,
    productTags: lists.productTags,
    minimumSubtotal,
    minimumQuantity,
    message: { en: form.messageEn, ...(form.messageNl === "" ? {} : { nl: form.messageNl }) },
  };
  const problem = configurationProblem(configuration);
  if (problem) {
    const field = fieldOfPath(problem.path);
    const known: Partial<Record<DiscountField, MessageKey>> = { value: percentageRule ? "discounts.error.percentage" : "discounts.error.amount" };
    return refused({ [field]: message(known[field] ?? "discounts.error.configuration", { reason: `${problem.path} ${problem.reason}`.trim(), currency: shop.currencyCode, digits }) });
  }
  const json = JSON.stringify(configuration);
  const bytes = byteLength(json);
  if (bytes > MAX_CONFIGURATION_BYTES) return refused({ form: message("discounts.error.tooLarge", { bytes, max: MAX_CONFIGURATION_BYTES }) });

  return {
    ok: true,
    discount: {
      title: form.title,
      method: form.method,
      code: form.method === "code" ? { code: form.code, usageLimit, appliesOncePerCustomer: form.appliesOncePerCustomer } : null,
      segments,
      configuration,
      json,
      startsAt,
      endsAt,
      combinesWith: { productDiscounts: form.combinesWithProduct, orderDiscounts: form.combinesWithOrder, shippingDiscounts: form.combinesWithShipping },
    },
  };
}

/** The native segments the discount's eligibility should name: every named segment's mirror, or null (every buyer) when one has none or guests qualify. */
export function wantedContext(segments: readonly { nativeSegmentId: string | null }[], guests: boolean): string[] | null {
  if (guests || segments.length === 0) return null;
  const natives = segments.map((segment) => segment.nativeSegmentId);
  return natives.every((id): id is string => id !== null) ? [...new Set(natives)] : null;
}

// ------------------------------------------------------------------------------------------------
// what the pages show

/** The stored configuration, if it still reads as one (it was checked when written). */
function storedConfiguration(row: Pick<DiscountRow, "configuration">): Configuration | null {
  try {
    const value: unknown = JSON.parse(row.configuration);
    return configurationProblem(value) === null ? (value as Configuration) : null;
  } catch {
    return null;
  }
}

function ruleView(configuration: Configuration): RuleView {
  const { rule } = configuration;
  return {
    type: rule.type,
    percentage: "percentage" in rule ? rule.percentage : null,
    amount: "amount" in rule ? rule.amount : null,
    products: configuration.products,
    productTypes: configuration.productTypes,
    collectionCount: configuration.collectionIds.length,
    productTags: configuration.productTags,
    minimumSubtotal: configuration.minimumSubtotal,
    minimumQuantity: configuration.minimumQuantity,
  };
}

/** PAUSED is the app's own deactivation; otherwise the dates decide (Shopify's EXPIRED is kept: it was deactivated there). */
export function statusOf(row: Pick<DiscountRow, "status" | "startsAt" | "endsAt">, now: Date): DiscountStatusValue {
  if (row.status === "PAUSED") return "paused";
  if (row.status === "EXPIRED" || (row.endsAt !== null && row.endsAt.getTime() <= now.getTime())) return "expired";
  return row.startsAt.getTime() > now.getTime() ? "scheduled" : "active";
}

function segmentViews(row: DiscountRow): DiscountSegmentView[] {
  return row.segments.map((link) => ({ id: link.segmentId, name: link.segment?.name ?? link.name, handle: link.handle }));
}

function contextIds(row: Pick<DiscountRow, "contextSegmentIds">): string[] {
  try {
    const ids: unknown = JSON.parse(row.contextSegmentIds);
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

function listItem(row: DiscountRow, now: Date): DiscountListItem {
  const configuration = storedConfiguration(row);
  return {
    id: row.id,
    title: row.title,
    method: row.method === "CODE" ? "code" : "automatic",
    code: row.code,
    status: statusOf(row, now),
    segments: segmentViews(row),
    guests: configuration?.guests ?? false,
    rule: configuration ? ruleView(configuration) : null,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt?.toISOString() ?? null,
    limitedInShopify: contextIds(row).length > 0,
  };
}

/** The shop's segment discounts, newest first; null for an unknown shop. */
export async function listSegmentDiscounts(args: { db: Db; shop: string; now: Date }): Promise<DiscountList | null> {
  const shop = await discountShop(args);
  if (!shop) return null;
  const rows = await shopDiscounts({ db: args.db, shopId: shop.id });
  return { discounts: rows.map((row) => listItem(row, args.now)), currencyCode: shop.currencyCode };
}

/** The shop's discounts naming the segment (the segment page's card); null for an unknown shop. */
export async function segmentDiscountsOf(args: { db: Db; shop: string; segmentId: string; now: Date }): Promise<DiscountList | null> {
  const shop = await discountShop(args);
  if (!shop) return null;
  const rows = await discountsNamingSegment({ db: args.db, shopId: shop.id, segmentId: args.segmentId });
  return { discounts: rows.map((row) => listItem(row, args.now)), currencyCode: shop.currencyCode };
}

/** The local id of the shop's discount with this numeric Shopify id (Shopify's discount pages link with it); null when none is the shop's. */
export async function discountIdForShopifyId(args: { db: Db; shop: string; numericId: string }): Promise<string | null> {
  if (!/^[1-9]\d{0,19}$/.test(args.numericId)) return null;
  const shop = await discountShop(args);
  if (!shop) return null;
  return (await findShopDiscountByShopifyId({ db: args.db, shopId: shop.id, shopifyIds: discountGids(args.numericId) }))?.id ?? null;
}

function formValues(row: DiscountRow, configuration: Configuration | null, timeZone: string): DiscountFormValues {
  const rule = configuration?.rule;
  return {
    title: row.title,
    method: row.method === "CODE" ? "code" : "automatic",
    code: row.code ?? "",
    usageLimit: row.usageLimit === null ? "" : String(row.usageLimit),
    appliesOncePerCustomer: row.appliesOncePerCustomer,
    segmentIds: row.segments.flatMap((link) => (link.segmentId ? [link.segmentId] : [])),
    guests: configuration?.guests ?? false,
    ruleType: rule?.type ?? "PRODUCT_PERCENTAGE",
    value: rule ? ("percentage" in rule ? String(rule.percentage) : rule.amount) : "",
    products: configuration?.products ?? "ALL",
    productTypes: (configuration?.productTypes ?? []).join("\n"),
    collectionIds: (configuration?.collectionIds ?? []).map((gid) => COLLECTION_GID.exec(gid)?.[1] ?? gid).join("\n"),
    productTags: (configuration?.productTags ?? []).join("\n"),
    minimumSubtotal: configuration?.minimumSubtotal ?? "",
    minimumQuantity: configuration?.minimumQuantity === null || configuration?.minimumQuantity === undefined ? "" : String(configuration.minimumQuantity),
    messageEn: configuration?.message.en ?? "",
    messageNl: configuration?.message.nl ?? "",
    startsAt: wallTime(row.startsAt, timeZone),
    endsAt: row.endsAt ? wallTime(row.endsAt, timeZone) : "",
    combinesWithProduct: row.combinesWithProduct,
    combinesWithOrder: row.combinesWithOrder,
    combinesWithShipping: row.combinesWithShipping,
  };
}

/** A new discount's form: what an empty form posts (a product percentage for all products), with the segment of `?segment=` (when it is the shop's). */
function newFormValues(segmentId: string | null): DiscountFormValues {
  return postedValues({ segmentIds: segmentId ? [segmentId] : [] });
}

/** What the discount page loads for the shop's discount `id`, or a new one ("new", optionally for a segment); null when `id` is not the shop's (a 404). */
export async function loadDiscountEditor(args: { db: Db; shop: string; id: string; segmentId?: string | null; now: Date }): Promise<DiscountEditorData | null> {
  const { db } = args;
  const shop = await discountShop(args);
  if (!shop) return null;
  const timeZone = isTimeZone(shop.ianaTimezone) ? shop.ianaTimezone : "UTC";
  const choices = await segmentChoices({ db, shopId: shop.id });
  const base = {
    segments: choices.map((segment) => ({ id: segment.id, name: segment.name, handle: segment.handle, mirrored: segment.nativeSegmentId !== null })),
    currencyCode: shop.currencyCode,
    timeZone,
  };
  if (args.id === NEW_DISCOUNT) {
    const prefill = args.segmentId && choices.some((segment) => segment.id === args.segmentId) ? args.segmentId : null;
    return { ...base, discount: null, values: newFormValues(prefill) };
  }
  const row = await findShopDiscount({ db, shopId: shop.id, id: args.id });
  if (!row) return null;
  return {
    ...base,
    discount: { ...listItem(row, args.now), shopifyId: row.shopifyId, numericId: discountNumericId(row.shopifyId), updatedAt: row.updatedAt.toISOString() },
    values: formValues(row, storedConfiguration(row), timeZone),
  };
}

// ------------------------------------------------------------------------------------------------
// Shopify's answers

const INPUT_KEYS = new Set(["automaticAppDiscount", "codeAppDiscount"]);

/** Shopify's field of a userError → the form's. */
function fieldOfUserError(error: DiscountUserError): DiscountField {
  const path = (error.field ?? []).filter((part) => !INPUT_KEYS.has(part));
  switch (path[0]) {
    case "title":
    case "code":
    case "startsAt":
    case "endsAt":
    case "usageLimit":
      return path[0];
    case "appliesOncePerCustomer":
      return "usageLimit";
    case "combinesWith":
      return "combinesWith";
    case "context":
      return "segments";
    case "discountClasses":
      return "ruleType";
    default:
      return "form";
  }
}

/** Shopify's userErrors as field messages (its own words, which are English). */
export function userErrorFields(errors: readonly DiscountUserError[]): DiscountErrors["fields"] {
  const fields: DiscountErrors["fields"] = {};
  for (const error of errors) fields[fieldOfUserError(error)] ??= message("discounts.error.shopify", { message: error.message });
  return fields;
}

function unavailable(error: AdminApiError): DiscountErrors {
  return refused({ form: message("discounts.error.unavailable", { message: error.message }) }, 502);
}

/** Runs a Shopify call; an Admin API failure (Shopify did not answer, or answered what the app cannot read) is a 502 with the reason, not an exception. */
async function withShopify<T>(run: () => Promise<T>): Promise<T | DiscountErrors> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AdminApiError) {
      logger.warn({ err: error }, "segment discounts: Shopify call failed");
      return unavailable(error);
    }
    throw error;
  }
}

function isErrors(value: unknown): value is DiscountErrors {
  return typeof value === "object" && value !== null && "ok" in value && (value as { ok: unknown }).ok === false;
}

const STATUS = { ACTIVE: "ACTIVE", EXPIRED: "EXPIRED", SCHEDULED: "SCHEDULED" } as const;

// ------------------------------------------------------------------------------------------------
// save

export interface SaveDiscountArgs {
  db: Db;
  admin: AdminClient;
  /** the session's shop domain */
  shop: string;
  /** "new", or the discount's id */
  id: string;
  /** the posted form (discountFormInput) */
  form: Record<string, unknown>;
  now: Date;
}

async function shopSegments(db: Db, shop: DiscountShop): Promise<ShopSegment[]> {
  return segmentChoices({ db, shopId: shop.id });
}

const named = (segments: readonly ShopSegment[]): NamedSegment[] => segments.map((segment) => ({ segmentId: segment.id, handle: segment.handle, name: segment.name }));

/**
 * Creates ("new") or updates the shop's discount from the form: in Shopify first (the app discount
 * with its configuration metafield and eligibility), then here. Returns the discount's id, the
 * field messages (Shopify's refusals among them), or null when `id` is not a discount of this shop.
 */
export async function saveSegmentDiscount(args: SaveDiscountArgs): Promise<{ ok: true; id: string } | DiscountErrors | null> {
  const { db, admin, now } = args;
  const shop = await discountShop(args);
  if (!shop) return null;
  const existing = args.id === NEW_DISCOUNT ? null : await findShopDiscount({ db, shopId: shop.id, id: args.id });
  if (args.id !== NEW_DISCOUNT && !existing) return null;

  const kind: DiscountKind = existing ? (discountKindOf(existing.shopifyId) ?? (existing.method === "CODE" ? "code" : "automatic")) : args.form.method === "code" ? "code" : "automatic";
  // a saved discount's method cannot change; a form that does not say it keeps it
  const form = existing && (args.form.method === undefined || args.form.method === "") ? { ...args.form, method: kind } : args.form;
  const valid = validateDiscountForm(form, { currencyCode: shop.currencyCode, timeZone: shop.ianaTimezone, segments: await shopSegments(db, shop) }, now);
  if (!valid.ok) return valid;
  const discount = valid.discount;
  if (existing && kind !== discount.method) return refused({ method: message("discounts.error.methodFixed") });
  const wanted = wantedContext(discount.segments, discount.configuration.guests);
  const paused = existing?.status === "PAUSED";

  const result = await withShopify(async () => {
    // the segments Shopify has now, to remove those no longer named (the merchant may have changed them in Shopify)
    let current: string[] | null = null;
    if (existing && wanted) {
      const read = await readAppDiscount(admin, kind, existing.shopifyId);
      if (!read) return refused({ form: message("discounts.error.goneInShopify") }, 409);
      current = read.segmentIds;
    }
    const fields = {
      title: discount.title,
      // a paused discount stays ended in Shopify; its new dates are sent when it is resumed
      ...(paused ? {} : { startsAt: discount.startsAt.toISOString(), endsAt: discount.endsAt?.toISOString() ?? null }),
      discountClass: discountClassOf(discount.configuration.rule.type),
      combinesWith: discount.combinesWith,
      configuration: discount.json,
      context: contextInput(wanted, current),
      ...(discount.code ? { code: discount.code } : {}),
    };
    return existing ? updateAppDiscount(admin, kind, existing.shopifyId, fields) : createAppDiscount(admin, kind, fields);
  });
  if (isErrors(result)) return result;
  if (result.userErrors.length > 0 || !result.discount) {
    if (existing && isMissingDiscount(result.userErrors)) return refused({ form: message("discounts.error.goneInShopify") }, 409);
    return refused(userErrorFields(result.userErrors), 409);
  }

  const written = result.discount;
  const values = {
    shopifyId: written.id,
    method: kind === "code" ? ("CODE" as const) : ("AUTOMATIC" as const),
    code: discount.code?.code ?? null,
    title: discount.title,
    configuration: discount.json,
    startsAt: discount.startsAt,
    endsAt: discount.endsAt,
    usageLimit: discount.code?.usageLimit ?? null,
    appliesOncePerCustomer: discount.code?.appliesOncePerCustomer ?? false,
    combinesWithProduct: discount.combinesWith.productDiscounts,
    combinesWithOrder: discount.combinesWith.orderDiscounts,
    combinesWithShipping: discount.combinesWith.shippingDiscounts,
    contextSegmentIds: JSON.stringify(written.segmentIds ?? []),
    status: paused ? ("PAUSED" as const) : STATUS[written.status],
  };
  if (existing) {
    await updateShopDiscount({ db, shopId: shop.id, id: existing.id, values, segments: named(discount.segments), now });
    return { ok: true, id: existing.id };
  }
  try {
    const created = await createShopDiscount({ db, shopId: shop.id, values, segments: named(discount.segments), now });
    return { ok: true, id: created.id };
  } catch (error) {
    // not stored here: it must not live on in Shopify unseen
    await deleteAppDiscount(admin, kind, written.id).catch((undo: unknown) => logger.error({ err: undo, shopifyId: written.id }, "segment discounts: could not remove a discount that was not stored"));
    throw error;
  }
}

// ------------------------------------------------------------------------------------------------
// pause, resume, delete

export interface DiscountActionArgs {
  db: Db;
  admin: AdminClient;
  shop: string;
  id: string;
  now: Date;
}

async function shopDiscount(args: Pick<DiscountActionArgs, "db" | "shop" | "id">) {
  const shop = await discountShop(args);
  if (!shop) return null;
  const row = await findShopDiscount({ db: args.db, shopId: shop.id, id: args.id });
  return row ? { shop, row, kind: discountKindOf(row.shopifyId) ?? (row.method === "CODE" ? "code" : "automatic") } : null;
}

const sameInstant = (a: string | null, b: Date | null) => (a === null || b === null ? a === null && b === null : Date.parse(a) === b.getTime());

/** Pauses the shop's discount: deactivated in Shopify (it ends now there), its own dates kept here. */
export async function pauseSegmentDiscount(args: DiscountActionArgs): Promise<{ ok: true } | DiscountErrors | null> {
  const found = await shopDiscount(args);
  if (!found) return null;
  const { shop, row, kind } = found;
  if (row.status === "PAUSED") return { ok: true };
  const answer = await withShopify(() => setAppDiscountActive(args.admin, kind, row.shopifyId, false));
  if (isErrors(answer)) return answer;
  if (answer.userErrors.length > 0) return refused(isMissingDiscount(answer.userErrors) ? { form: message("discounts.error.goneInShopify") } : userErrorFields(answer.userErrors), 409);
  await recordDiscountStatus({ db: args.db, shopId: shop.id, id: row.id, status: "PAUSED" });
  return { ok: true };
}

/**
 * Resumes the shop's paused discount: activated in Shopify, then given back the merchant's dates if
 * Shopify's differ (activation drops the end it set when pausing). A discount whose own end has
 * passed is refused: its end date must change first.
 */
export async function resumeSegmentDiscount(args: DiscountActionArgs): Promise<{ ok: true } | DiscountErrors | null> {
  const found = await shopDiscount(args);
  if (!found) return null;
  const { shop, row, kind } = found;
  if (row.endsAt !== null && row.endsAt.getTime() <= args.now.getTime()) return refused({ endsAt: message("discounts.error.resumeEnded") }, 409);
  const answer = await withShopify(async () => {
    const activated = await setAppDiscountActive(args.admin, kind, row.shopifyId, true);
    const discount = activated.discount;
    if (activated.userErrors.length > 0 || !discount) return activated;
    if (sameInstant(discount.startsAt, row.startsAt) && sameInstant(discount.endsAt, row.endsAt)) return activated;
    return patchAppDiscount(args.admin, kind, row.shopifyId, { startsAt: row.startsAt.toISOString(), endsAt: row.endsAt?.toISOString() ?? null });
  });
  if (isErrors(answer)) return answer;
  if (answer.userErrors.length > 0 || !answer.discount) {
    return refused(isMissingDiscount(answer.userErrors) || !answer.discount ? { form: message("discounts.error.goneInShopify") } : userErrorFields(answer.userErrors), 409);
  }
  await recordDiscountStatus({ db: args.db, shopId: shop.id, id: row.id, status: STATUS[answer.discount.status] });
  return { ok: true };
}

/** Deletes the shop's discount in Shopify (already gone there is fine) and here. */
export async function deleteSegmentDiscount(args: DiscountActionArgs): Promise<{ ok: true } | DiscountErrors | null> {
  const found = await shopDiscount(args);
  if (!found) return null;
  const { shop, row, kind } = found;
  const answer = await withShopify(() => deleteAppDiscount(args.admin, kind, row.shopifyId));
  if (isErrors(answer)) return answer;
  if (answer.userErrors.length > 0 && !isMissingDiscount(answer.userErrors)) return refused(userErrorFields(answer.userErrors), 409);
  await deleteShopDiscount({ db: args.db, shopId: shop.id, id: row.id });
  return { ok: true };
}

/** The list's and the discount page's action buttons: which, for which discount. */
export const discountActionSchema = z.object({ intent: z.enum(DISCOUNT_ACTIONS), id: z.string().min(1).max(100) });

/** Pauses, resumes or deletes the shop's discount; null when `id` is not one of its discounts. */
export async function runDiscountAction(args: DiscountActionArgs & { intent: DiscountAction }): Promise<{ ok: true } | DiscountErrors | null> {
  switch (args.intent) {
    case "pause":
      return pauseSegmentDiscount(args);
    case "resume":
      return resumeSegmentDiscount(args);
    case "delete":
      return deleteSegmentDiscount(args);
  }
}

// ------------------------------------------------------------------------------------------------
// native mirrors coming and going

export interface SyncContextsArgs {
  db: Db;
  admin: AdminClient;
  shopId: number;
  segmentId: string;
  /** the segment's native mirror from now on (null: none, or it is about to be deleted) */
  mirror: string | null;
  /** the mirror it had, whose discounts must let go of it (a deleted segment's are found only by it) */
  formerMirror?: string | null;
  signal?: AbortSignal;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id) => b.includes(id));

/**
 * Makes the eligibility in Shopify of the discounts that name the segment (or whose eligibility
 * names its former mirror) match what they name now, with `mirror` as the segment's mirror: the
 * mirrors of all their segments, or every buyer. Only discounts whose eligibility changes are sent.
 * A discount Shopify refuses (deleted there, say) is logged and skipped: it does not hold up the
 * mirror. Returns how many discounts changed.
 */
export async function syncSegmentDiscountContexts(args: SyncContextsArgs): Promise<number> {
  const { db, admin, shopId, segmentId, mirror, signal } = args;
  const rows = await discountsFollowingSegment({ db, shopId, segmentId, nativeSegmentId: args.formerMirror ?? null });
  let changed = 0;
  for (const row of rows) {
    const configuration = storedConfiguration(row);
    if (!configuration) continue;
    const natives = row.segments.map((link) => ({ nativeSegmentId: link.segmentId === segmentId ? mirror : link.segmentId === null ? null : (link.segment?.nativeSegmentId ?? null) }));
    const wanted = wantedContext(natives, configuration.guests) ?? [];
    const current = contextIds(row);
    if (sameSet(wanted, current)) continue;
    const kind = discountKindOf(row.shopifyId) ?? (row.method === "CODE" ? "code" : "automatic");
    const answer = await patchAppDiscount(admin, kind, row.shopifyId, { context: contextInput(wanted, current) }, { signal });
    if (answer.userErrors.length > 0 || !answer.discount) {
      logger.warn({ shopId, discountId: row.id, userErrors: answer.userErrors }, "segment discounts: Shopify refused the discount's new eligibility");
      continue;
    }
    await recordDiscountContext({ db, shopId, id: row.id, segmentIds: answer.discount.segmentIds ?? [] });
    changed += 1;
  }
  return changed;
}
