import { createHash } from "node:crypto";
import { isKnownMetafieldType, normalizeNamespace, validKey, validMetafieldValue } from "./metafields";
import { paginate, type ConnectionArgs } from "./query";
import type { Ctx } from "./resolvers";
import { gid, parseGid, type ShopState, type StoredDiscount } from "./store";

/**
 * App discounts (Shopify Functions) as the stand-in stores and serves them: the
 * DiscountAutomaticApp / DiscountCodeApp shapes, their DiscountAutomaticNode / DiscountCodeNode
 * wrappers (which own the discount's metafields), and the validation of their inputs.
 */

export type DiscountKind = StoredDiscount["kind"];

export const NODE_TYPE = { automatic: "DiscountAutomaticNode", code: "DiscountCodeNode" } as const;
export const APP_TYPE = { automatic: "DiscountAutomaticApp", code: "DiscountCodeApp" } as const;
/** the argument and payload key of the create/update mutations */
export const INPUT_KEY = { automatic: "automaticAppDiscount", code: "codeAppDiscount" } as const;
/** the field of the node wrapper that holds the discount */
export const NODE_FIELD = { automatic: "automaticDiscount", code: "codeDiscount" } as const;

/** A discount Function the stand-in's app has released (optional: without a list, any id is accepted). */
export interface DiscountFunction {
  id: string;
  handle: string;
  title: string;
}

export interface MetafieldInput {
  id?: string | null;
  namespace?: string | null;
  key?: string | null;
  value?: string | null;
  type?: string | null;
}

export interface DiscountInput {
  title?: string | null;
  code?: string | null;
  functionId?: string | null;
  functionHandle?: string | null;
  startsAt?: string | null;
  endsAt?: string | null;
  combinesWith?: { orderDiscounts?: boolean | null; productDiscounts?: boolean | null; shippingDiscounts?: boolean | null } | null;
  discountClasses?: string[] | null;
  metafields?: MetafieldInput[] | null;
  context?: {
    all?: string | null;
    customerSegments?: { add?: string[] | null; remove?: string[] | null } | null;
    customers?: { add?: string[] | null; remove?: string[] | null } | null;
  } | null;
  usageLimit?: number | null;
  appliesOncePerCustomer?: boolean | null;
}

export interface DiscountUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

export function discountGid(d: StoredDiscount): string {
  return gid(NODE_TYPE[d.kind], d.id);
}

export function findDiscount(shop: ShopState, kind: DiscountKind, id: string): StoredDiscount | undefined {
  const parsed = parseGid(id);
  if (!parsed || parsed.type !== NODE_TYPE[kind]) return undefined;
  return shop.discounts.find((d) => d.kind === kind && String(d.id) === parsed.id);
}

export function discountStatus(d: StoredDiscount, nowMs: number): "ACTIVE" | "EXPIRED" | "SCHEDULED" {
  if (Date.parse(d.startsAt) > nowMs) return "SCHEDULED";
  if (d.endsAt !== null && Date.parse(d.endsAt) <= nowMs) return "EXPIRED";
  return "ACTIVE";
}

/** A function named by handle gets a stable uuid-shaped id, as Shopify resolves the handle to one. */
export function functionIdForHandle(handle: string): string {
  const h = createHash("sha256").update(handle).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function functionTitle(ctx: Ctx, d: StoredDiscount): string {
  return ctx.env.discountFunctions?.find((f) => f.id === d.functionId)?.title ?? d.functionHandle ?? "App discount";
}

/** The DiscountAutomaticApp / DiscountCodeApp object. */
export function appDiscount(d: StoredDiscount, ctx: Ctx): Record<string, unknown> {
  const discountClass = d.discountClasses[0] ?? "ORDER";
  const segments = d.segmentIds.flatMap((id) => {
    const s = ctx.shop.segments.find((x) => gid("Segment", x.id) === id);
    return s ? [{ ...s, id: gid("Segment", s.id) }] : [];
  });
  const customers = d.customerIds.flatMap((id) => {
    const c = ctx.shop.customers.get(parseGid(id)?.id ?? "");
    return c ? [c] : [];
  });
  const context =
    d.segmentIds.length > 0
      ? { __typename: "DiscountCustomerSegments", segments }
      : d.customerIds.length > 0
        ? { __typename: "DiscountCustomers", customers }
        : { __typename: "DiscountBuyerSelectionAll", all: "ALL" };
  const common = {
    __typename: APP_TYPE[d.kind],
    discountId: discountGid(d),
    title: d.title,
    status: discountStatus(d, ctx.env.now()),
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    appDiscountType: { appKey: ctx.env.apiKey, functionId: d.functionId, title: functionTitle(ctx, d), description: null, discountClass, discountClasses: d.discountClasses },
    discountClass,
    discountClasses: d.discountClasses,
    combinesWith: d.combinesWith,
    context,
    asyncUsageCount: 0,
  };
  if (d.kind === "automatic") return common;
  const codes = d.code === null ? [] : [{ id: gid("DiscountRedeemCode", d.id), code: d.code }];
  return {
    ...common,
    // graphql-js calls a function-valued property with the field's arguments
    codes: (args: ConnectionArgs) => paginate(codes, args, { id: (c) => parseGid(c.id)?.id ?? "0" }),
    usageLimit: d.usageLimit,
    appliesOncePerCustomer: d.appliesOncePerCustomer,
  };
}

/** The DiscountAutomaticNode / DiscountCodeNode wrapper; it owns the discount's metafields. */
export function discountNode(d: StoredDiscount, ctx: Ctx): Record<string, unknown> & { __typename: string; id: string } {
  return { __typename: NODE_TYPE[d.kind], id: discountGid(d), [NODE_FIELD[d.kind]]: appDiscount(d, ctx) };
}

type PendingMetafield = { namespace: string; key: string; type: string; value: string };

/**
 * Applies a create/update input to a draft discount. Returns Shopify-shaped userErrors and the
 * metafields to write; the caller stores both only when there are no errors (all or nothing).
 */
export function applyDiscountInput(ctx: Ctx, d: StoredDiscount, input: DiscountInput, creating: boolean): { errors: DiscountUserError[]; metafields: PendingMetafield[] } {
  const errors: DiscountUserError[] = [];
  const root = INPUT_KEY[d.kind];
  const fail = (field: string[], message: string, code: string) => errors.push({ field: [root, ...field], message, code });

  if (input.title != null) d.title = input.title;
  if (creating && !d.title.trim()) fail(["title"], "Title can't be blank", "BLANK");
  if (d.title.length > 255) fail(["title"], "Title is too long (maximum is 255 characters)", "TOO_LONG");

  if (input.functionId != null && input.functionHandle != null) {
    fail(["functionHandle"], "Only one of functionId or functionHandle can be provided.", "MULTIPLE_FUNCTION_IDENTIFIERS");
  } else if (input.functionId != null || input.functionHandle != null) {
    const released = ctx.env.discountFunctions;
    const byId = input.functionId ?? null;
    const byHandle = input.functionHandle ?? null;
    const found = released?.find((f) => (byId !== null ? f.id === byId : f.handle === byHandle));
    if (released && !found) {
      fail([byId !== null ? "functionId" : "functionHandle"], `Function ${byId ?? byHandle ?? ""} not found. Ensure that it is released in the current app (${ctx.env.appId}), and that the app is installed.`, "INVALID");
    } else {
      d.functionId = found?.id ?? byId ?? functionIdForHandle(byHandle ?? "");
      d.functionHandle = found?.handle ?? byHandle;
    }
  } else if (creating) {
    fail(["functionId"], "Either function_id or function_handle must be provided.", "MISSING_FUNCTION_IDENTIFIER");
  }

  if (input.startsAt != null) d.startsAt = input.startsAt;
  if (input.endsAt !== undefined) d.endsAt = input.endsAt;
  if (d.endsAt !== null && Date.parse(d.endsAt) <= Date.parse(d.startsAt)) fail(["endsAt"], "Ends at needs to be after starts_at", "END_DATE_BEFORE_START_DATE");
  if (input.discountClasses) d.discountClasses = [...new Set(input.discountClasses)];
  if (input.combinesWith) {
    d.combinesWith = {
      orderDiscounts: input.combinesWith.orderDiscounts ?? d.combinesWith.orderDiscounts,
      productDiscounts: input.combinesWith.productDiscounts ?? d.combinesWith.productDiscounts,
      shippingDiscounts: input.combinesWith.shippingDiscounts ?? d.combinesWith.shippingDiscounts,
    };
  }

  const context = input.context;
  if (context) {
    const given = [context.all != null, context.customerSegments != null, context.customers != null].filter(Boolean).length;
    if (given > 1) fail(["context"], "Only one of all, customers or customerSegments can be provided.", "TOO_MANY_ARGUMENTS");
    if (context.all != null) {
      d.segmentIds = [];
      d.customerIds = [];
    }
    if (context.customerSegments) {
      d.customerIds = [];
      for (const [i, id] of (context.customerSegments.add ?? []).entries()) {
        if (!ctx.shop.segments.some((s) => gid("Segment", s.id) === id)) fail(["context", "customerSegments", "add", String(i)], `Customer segment ${id} does not exist.`, "INVALID");
        else if (!d.segmentIds.includes(id)) d.segmentIds.push(id);
      }
      const remove = new Set(context.customerSegments.remove ?? []);
      d.segmentIds = d.segmentIds.filter((id) => !remove.has(id));
    }
    if (context.customers) {
      d.segmentIds = [];
      for (const [i, id] of (context.customers.add ?? []).entries()) {
        const parsed = parseGid(id);
        if (parsed?.type !== "Customer" || !ctx.shop.customers.has(parsed.id)) fail(["context", "customers", "add", String(i)], `Customer ${id} does not exist.`, "INVALID");
        else if (!d.customerIds.includes(id)) d.customerIds.push(id);
      }
      const remove = new Set(context.customers.remove ?? []);
      d.customerIds = d.customerIds.filter((id) => !remove.has(id));
    }
  }

  if (d.kind === "code") {
    if (input.code != null) d.code = input.code;
    if (!d.code) fail(["code"], "Code can't be blank", "BLANK");
    else if (d.code.length > 255) fail(["code"], "Code is too long (maximum is 255 characters)", "TOO_LONG");
    else if (ctx.shop.discounts.some((o) => o.id !== d.id && o.code !== null && o.code.toLowerCase() === d.code?.toLowerCase())) {
      fail(["code"], "Code must be unique. Please try a different code.", "TAKEN");
    }
    if (input.usageLimit !== undefined) d.usageLimit = input.usageLimit;
    if (d.usageLimit !== null && d.usageLimit < 1) fail(["usageLimit"], "Usage limit must be greater than 0", "GREATER_THAN");
    if (input.appliesOncePerCustomer != null) d.appliesOncePerCustomer = input.appliesOncePerCustomer;
  }

  const metafields: PendingMetafield[] = [];
  for (const [i, m] of (input.metafields ?? []).entries()) {
    const at = ["metafields", String(i)];
    const key = m.key ?? "";
    const type = m.type ?? "";
    if (!validKey(key)) fail([...at, "key"], "Key is invalid.", "INVALID");
    else if (!isKnownMetafieldType(type)) fail([...at, "type"], "Type can't be blank or is not a valid type.", "INVALID");
    else if (m.value == null || !validMetafieldValue(type, m.value)) fail([...at, "value"], `Value is invalid for type ${type}.`, "INVALID");
    else metafields.push({ namespace: normalizeNamespace(m.namespace, ctx.env.appId), key, type, value: m.value });
  }

  d.updatedAt = new Date(ctx.env.now()).toISOString();
  return { errors, metafields };
}
