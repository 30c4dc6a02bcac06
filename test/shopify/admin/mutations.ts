import type { DatasetCustomer, DatasetOrder, DatasetProduct } from "../dataset";
import { bulkNode, findNode, normalizeNamespace, nowIso, r, type Ctx, type Resolver } from "./resolvers";
import { gid, parseGid, type StoredDiscount, type StoredSegment } from "./store";

interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
  elementIndex?: number | null;
}

const SUBSCRIPTION_URI = /^(https?:\/\/[^\s]+|pubsub:\/\/[^\s]+|arn:aws:events:[^\s]+)$/;

function segmentNode(s: StoredSegment) {
  return { ...s, id: gid("Segment", s.id) };
}

const SIMPLE_TYPES: Record<string, (v: string) => boolean> = {
  single_line_text_field: (v) => !v.includes("\n"),
  multi_line_text_field: () => true,
  number_integer: (v) => /^-?\d+$/.test(v),
  number_decimal: (v) => /^-?\d+(\.\d+)?$/.test(v),
  boolean: (v) => v === "true" || v === "false",
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  date_time: (v) => !Number.isNaN(Date.parse(v)),
  url: (v) => /^(https?|mailto|sms|tel):/.test(v),
  color: (v) => /^#[0-9a-fA-F]{6}$/.test(v),
  json: (v) => {
    try {
      JSON.parse(v);
      return true;
    } catch {
      return false;
    }
  },
};

/** Whether value is valid for a metafield type; list.X types hold a JSON array of X. */
function validMetafieldValue(type: string, value: string): boolean {
  if (type.startsWith("list.")) {
    const inner = SIMPLE_TYPES[type.slice(5)];
    if (!inner) return false;
    try {
      const parsed: unknown = JSON.parse(value);
      return Array.isArray(parsed) && parsed.every((x) => inner(typeof x === "string" ? x : JSON.stringify(x)));
    } catch {
      return false;
    }
  }
  const check = SIMPLE_TYPES[type];
  return check ? check(value) : false;
}

const OWNER_TYPES: Record<string, string> = { Customer: "CUSTOMER", Order: "ORDER", Product: "PRODUCT", Shop: "SHOP" };

interface MetafieldsSetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
}

interface DiscountInput {
  title?: string | null;
  code?: string | null;
  functionId?: string | null;
  functionHandle?: string | null;
  startsAt?: string | null;
  endsAt?: string | null;
  combinesWith?: { orderDiscounts?: boolean | null; productDiscounts?: boolean | null; shippingDiscounts?: boolean | null } | null;
  discountClasses?: string[] | null;
  context?: { all?: string | null; customerSegments?: { add?: string[] | null; remove?: string[] | null } | null } | null;
  usageLimit?: number | null;
  appliesOncePerCustomer?: boolean | null;
}

export function discountNode(d: StoredDiscount, ctx: Ctx) {
  const now = ctx.env.now();
  const status = Date.parse(d.startsAt) > now ? "SCHEDULED" : d.endsAt && Date.parse(d.endsAt) <= now ? "EXPIRED" : "ACTIVE";
  const discountClass = d.discountClasses[0] ?? "ORDER";
  const segments = d.segmentIds.flatMap((id) => {
    const s = ctx.shop.segments.find((x) => gid("Segment", x.id) === id);
    return s ? [segmentNode(s)] : [];
  });
  return {
    ...d,
    discountId: gid(d.kind === "automatic" ? "DiscountAutomaticNode" : "DiscountCodeNode", d.id),
    status,
    appDiscountType: { functionId: d.functionId, title: d.title, discountClass },
    context: d.segmentIds.length ? { __typename: "DiscountCustomerSegments", segments } : { __typename: "DiscountBuyerSelectionAll", all: "ALL" },
    codes: { nodes: d.code ? [{ id: gid("DiscountRedeemCode", d.id), code: d.code }] : [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } },
  };
}

function applyDiscountInput(ctx: Ctx, d: StoredDiscount, input: DiscountInput, creating: boolean): UserError[] {
  const errors: UserError[] = [];
  const root = d.kind === "automatic" ? "automaticAppDiscount" : "codeAppDiscount";
  if (input.title != null) d.title = input.title;
  if (creating && !d.title) errors.push({ field: [root, "title"], message: "Title can't be blank", code: "BLANK" });
  if (input.functionId != null || input.functionHandle != null) d.functionId = input.functionId ?? input.functionHandle ?? "";
  if (creating && !d.functionId) errors.push({ field: [root, "functionId"], message: "Function id can't be blank", code: "MISSING_ARGUMENT" });
  if (input.startsAt != null) d.startsAt = input.startsAt;
  if (input.endsAt !== undefined) d.endsAt = input.endsAt;
  if (d.endsAt && Date.parse(d.endsAt) <= Date.parse(d.startsAt)) errors.push({ field: [root, "endsAt"], message: "Ends at needs to be after starts_at", code: "INVALID" });
  if (input.discountClasses) d.discountClasses = input.discountClasses;
  if (input.combinesWith) {
    d.combinesWith = {
      orderDiscounts: input.combinesWith.orderDiscounts ?? d.combinesWith.orderDiscounts,
      productDiscounts: input.combinesWith.productDiscounts ?? d.combinesWith.productDiscounts,
      shippingDiscounts: input.combinesWith.shippingDiscounts ?? d.combinesWith.shippingDiscounts,
    };
  }
  if (input.context?.all) d.segmentIds = [];
  const seg = input.context?.customerSegments;
  if (seg) {
    for (const id of seg.add ?? []) {
      if (!ctx.shop.segments.some((s) => gid("Segment", s.id) === id)) {
        errors.push({ field: [root, "context", "customerSegments", "add"], message: `Segment ${id} does not exist`, code: "INVALID" });
      } else if (!d.segmentIds.includes(id)) d.segmentIds.push(id);
    }
    d.segmentIds = d.segmentIds.filter((id) => !(seg.remove ?? []).includes(id));
  }
  if (d.kind === "code") {
    if (input.code != null) d.code = input.code;
    if (!d.code) errors.push({ field: [root, "code"], message: "Code can't be blank", code: "BLANK" });
    else if (ctx.shop.discounts.some((o) => o !== d && o.code?.toLowerCase() === d.code?.toLowerCase())) {
      errors.push({ field: [root, "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" });
    }
    if (input.usageLimit !== undefined) d.usageLimit = input.usageLimit;
    if (input.appliesOncePerCustomer != null) d.appliesOncePerCustomer = input.appliesOncePerCustomer;
  }
  d.updatedAt = nowIso(ctx);
  return errors;
}

function discountCreate(kind: StoredDiscount["kind"]): Resolver {
  return r<unknown, { automaticAppDiscount?: DiscountInput; codeAppDiscount?: DiscountInput }>((_s, args, ctx) => {
    const input = (kind === "automatic" ? args.automaticAppDiscount : args.codeAppDiscount) ?? {};
    const at = nowIso(ctx);
    const d: StoredDiscount = {
      id: ctx.shop.newId(),
      kind,
      title: "",
      code: null,
      functionId: "",
      startsAt: at,
      endsAt: null,
      discountClasses: [],
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
      segmentIds: [],
      usageLimit: null,
      appliesOncePerCustomer: false,
      createdAt: at,
      updatedAt: at,
    };
    const userErrors = applyDiscountInput(ctx, d, input, true);
    if (userErrors.length === 0) ctx.shop.discounts.push(d);
    const node = userErrors.length === 0 ? discountNode(d, ctx) : null;
    return kind === "automatic" ? { automaticAppDiscount: node, userErrors } : { codeAppDiscount: node, userErrors };
  });
}

function discountUpdate(kind: StoredDiscount["kind"]): Resolver {
  return r<unknown, { id: string; automaticAppDiscount?: DiscountInput; codeAppDiscount?: DiscountInput }>((_s, args, ctx) => {
    const type = kind === "automatic" ? "DiscountAutomaticNode" : "DiscountCodeNode";
    const existing = ctx.shop.discounts.find((d) => d.kind === kind && gid(type, d.id) === args.id);
    const payloadKey = kind === "automatic" ? "automaticAppDiscount" : "codeAppDiscount";
    if (!existing) return { [payloadKey]: null, userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }] };
    const draft = structuredClone(existing);
    const userErrors = applyDiscountInput(ctx, draft, (kind === "automatic" ? args.automaticAppDiscount : args.codeAppDiscount) ?? {}, false);
    if (userErrors.length === 0) Object.assign(existing, draft);
    return { [payloadKey]: userErrors.length === 0 ? discountNode(existing, ctx) : null, userErrors };
  });
}

function discountDelete(kind: StoredDiscount["kind"]): Resolver {
  return r<unknown, { id: string }>((_s, { id }, ctx) => {
    const type = kind === "automatic" ? "DiscountAutomaticNode" : "DiscountCodeNode";
    const key = kind === "automatic" ? "deletedAutomaticDiscountId" : "deletedCodeDiscountId";
    const index = ctx.shop.discounts.findIndex((d) => d.kind === kind && gid(type, d.id) === id);
    if (index < 0) return { [key]: null, userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }] };
    ctx.shop.discounts.splice(index, 1);
    return { [key]: id, userErrors: [] };
  });
}

function taggable(ctx: Ctx, id: string): DatasetCustomer | DatasetOrder | DatasetProduct | null {
  const parsed = parseGid(id);
  if (parsed?.type === "Customer") return ctx.shop.customers.get(parsed.id) ?? null;
  if (parsed?.type === "Product") return ctx.shop.products.get(parsed.id) ?? null;
  return null;
}

function tagsChange(add: boolean): Resolver {
  return r<unknown, { id: string; tags: string[] }>((_s, { id, tags }, ctx) => {
    const target = taggable(ctx, id);
    if (!target || !("tags" in target)) return { node: null, userErrors: [{ field: ["id"], message: "Resource does not exist" }] };
    // Shopify splits comma-separated tags and trims them
    const list = tags.flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
    const before = target.tags.join(",");
    target.tags = add ? [...new Set([...target.tags, ...list])] : target.tags.filter((t) => !list.includes(t));
    if (target.tags.join(",") !== before) target.updatedAt = nowIso(ctx);
    return { node: findNode(ctx, id), userErrors: [] };
  });
}

export const mutationResolvers: Record<string, Resolver> = {
  webhookSubscriptionCreate: r<unknown, { topic: string; webhookSubscription: { uri?: string | null; callbackUrl?: string | null; format?: "JSON" | "XML" | null; includeFields?: string[] | null; filter?: string | null } }>(
    (_s, { topic, webhookSubscription: input }, ctx) => {
      const uri = input.uri ?? input.callbackUrl ?? "";
      const field = ["webhookSubscription", input.uri != null ? "uri" : "callbackUrl"];
      if (!uri) return { webhookSubscription: null, userErrors: [{ field, message: "Address can't be blank" }] };
      if (!SUBSCRIPTION_URI.test(uri)) return { webhookSubscription: null, userErrors: [{ field, message: "Address is invalid" }] };
      if (ctx.shop.subscriptions.some((s) => s.topic === topic && s.uri === uri)) {
        return { webhookSubscription: null, userErrors: [{ field, message: "Address for this topic has already been taken" }] };
      }
      const at = nowIso(ctx);
      const created = { id: ctx.shop.newId(), topic, uri, format: input.format ?? "JSON", includeFields: input.includeFields ?? [], filter: input.filter ?? null, createdAt: at, updatedAt: at };
      ctx.shop.subscriptions.push(created);
      return { webhookSubscription: { ...created, id: gid("WebhookSubscription", created.id), callbackUrl: uri }, userErrors: [] };
    },
  ),
  webhookSubscriptionDelete: r<unknown, { id: string }>((_s, { id }, ctx) => {
    const index = ctx.shop.subscriptions.findIndex((s) => gid("WebhookSubscription", s.id) === id);
    if (index < 0) return { deletedWebhookSubscriptionId: null, userErrors: [{ field: ["id"], message: "Webhook subscription does not exist" }] };
    ctx.shop.subscriptions.splice(index, 1);
    return { deletedWebhookSubscriptionId: id, userErrors: [] };
  }),
  bulkOperationRunQuery: r<unknown, { query: string; groupObjects?: boolean | null }>((_s, args, ctx) => {
    const { operation, userErrors } = ctx.env.bulk.run(ctx.shop, args.query, args.groupObjects ?? false);
    return { bulkOperation: operation ? bulkNode(operation) : null, userErrors };
  }),
  bulkOperationCancel: r<unknown, { id: string }>((_s, { id }, ctx) => {
    const { operation, userErrors } = ctx.env.bulk.cancel(ctx.shop, id);
    return { bulkOperation: operation ? bulkNode(operation) : null, userErrors };
  }),

  metafieldsSet: r<unknown, { metafields: MetafieldsSetInput[] }>((_s, { metafields }, ctx) => {
    const userErrors: UserError[] = [];
    if (metafields.length > 25) {
      userErrors.push({ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO", elementIndex: null });
      return { metafields: null, userErrors };
    }
    metafields.forEach((m, i) => {
      const parsed = parseGid(m.ownerId);
      const ownerType = parsed ? OWNER_TYPES[parsed.type] : undefined;
      const exists = parsed && findNode(ctx, m.ownerId) !== null;
      if (!ownerType || !exists) {
        userErrors.push({ field: ["metafields", String(i), "ownerId"], message: "Owner does not exist.", code: "INVALID", elementIndex: null });
        return;
      }
      const namespace = normalizeNamespace(m.namespace, ctx.env.appId);
      const existing = ctx.shop.metafields.get(m.ownerId)?.find((x) => x.namespace === namespace && x.key === m.key);
      const definition = ctx.shop.metafieldDefinitions.find((d) => d.ownerType === ownerType && d.namespace === namespace && d.key === m.key);
      const type = m.type ?? definition?.type ?? existing?.type;
      if (!type) {
        userErrors.push({ field: ["metafields", String(i), "type"], message: "Type can't be blank.", code: "BLANK", elementIndex: null });
        return;
      }
      if (m.key.length < 2 || m.key.length > 64 || !/^[\w-]+$/.test(m.key)) {
        userErrors.push({ field: ["metafields", String(i), "key"], message: "Key is invalid.", code: "INVALID", elementIndex: null });
        return;
      }
      if (definition && definition.type !== type) {
        userErrors.push({ field: ["metafields", String(i), "type"], message: `Type must be ${definition.type}.`, code: "INVALID_TYPE", elementIndex: null });
        return;
      }
      if (!validMetafieldValue(type, m.value)) {
        userErrors.push({ field: ["metafields", String(i), "value"], message: `Value is invalid for type ${type}.`, code: "INVALID_VALUE", elementIndex: null });
      }
    });
    // all-or-nothing, like Shopify
    if (userErrors.length) return { metafields: null, userErrors };
    const at = nowIso(ctx);
    const written = metafields.map((m) => {
      const parsed = parseGid(m.ownerId);
      const ownerType = (parsed && OWNER_TYPES[parsed.type]) ?? "CUSTOMER";
      const namespace = normalizeNamespace(m.namespace, ctx.env.appId);
      const existing = ctx.shop.metafields.get(m.ownerId)?.find((x) => x.namespace === namespace && x.key === m.key);
      const definition = ctx.shop.metafieldDefinitions.find((d) => d.ownerType === ownerType && d.namespace === namespace && d.key === m.key);
      const type = m.type ?? definition?.type ?? existing?.type ?? "single_line_text_field";
      return ctx.shop.addMetafield(m.ownerId, ownerType, namespace, m.key, type, m.value, at);
    });
    return { metafields: written, userErrors: [] };
  }),

  metafieldDefinitionCreate: r<unknown, { definition: { name: string; namespace?: string | null; key: string; description?: string | null; type: string; ownerType: string; access?: { admin?: string | null; storefront?: string | null } | null } }>(
    (_s, { definition: d }, ctx) => {
      const namespace = normalizeNamespace(d.namespace, ctx.env.appId);
      if (ctx.shop.metafieldDefinitions.some((x) => x.ownerType === d.ownerType && x.namespace === namespace && x.key === d.key)) {
        return { createdDefinition: null, userErrors: [{ field: ["definition", "key"], message: "Key is in use for Customer metafields on the 'namespace' namespace.", code: "TAKEN" }] };
      }
      const knownType = d.type.startsWith("list.") ? d.type.slice(5) in SIMPLE_TYPES : d.type in SIMPLE_TYPES;
      if (!knownType) return { createdDefinition: null, userErrors: [{ field: ["definition", "type"], message: "Type name is not included in the list", code: "INCLUSION" }] };
      const stored = {
        id: ctx.shop.newId(),
        name: d.name,
        namespace,
        key: d.key,
        description: d.description ?? null,
        type: d.type,
        ownerType: d.ownerType,
        access: { admin: d.access?.admin ?? "MERCHANT_READ_WRITE", storefront: d.access?.storefront ?? "NONE" },
      };
      ctx.shop.metafieldDefinitions.push(stored);
      return { createdDefinition: { ...stored, id: gid("MetafieldDefinition", stored.id), type: { name: stored.type, category: "TEXT" } }, userErrors: [] };
    },
  ),

  segmentCreate: r<unknown, { name: string; query: string }>((_s, { name, query }, ctx) => {
    if (!name.trim()) return { segment: null, userErrors: [{ field: ["name"], message: "Name can't be blank" }] };
    if (!query.trim()) return { segment: null, userErrors: [{ field: ["query"], message: "Query can't be blank" }] };
    if (ctx.shop.segments.some((s) => s.name === name)) return { segment: null, userErrors: [{ field: ["name"], message: "Name has already been taken" }] };
    const at = nowIso(ctx);
    const s: StoredSegment = { id: ctx.shop.newId(), name, query, creationDate: at, lastEditDate: at };
    ctx.shop.segments.push(s);
    ctx.env.onChange(ctx.shop, "segments/create", segmentNode(s));
    return { segment: segmentNode(s), userErrors: [] };
  }),
  segmentUpdate: r<unknown, { id: string; name?: string | null; query?: string | null }>((_s, args, ctx) => {
    const s = ctx.shop.segments.find((x) => gid("Segment", x.id) === args.id);
    if (!s) return { segment: null, userErrors: [{ field: ["id"], message: "Segment does not exist" }] };
    if (args.name != null && ctx.shop.segments.some((x) => x !== s && x.name === args.name)) {
      return { segment: null, userErrors: [{ field: ["name"], message: "Name has already been taken" }] };
    }
    if (args.query != null && !args.query.trim()) return { segment: null, userErrors: [{ field: ["query"], message: "Query can't be blank" }] };
    if (args.name != null) s.name = args.name;
    if (args.query != null) s.query = args.query;
    s.lastEditDate = nowIso(ctx);
    ctx.env.onChange(ctx.shop, "segments/update", segmentNode(s));
    return { segment: segmentNode(s), userErrors: [] };
  }),
  segmentDelete: r<unknown, { id: string }>((_s, { id }, ctx) => {
    const index = ctx.shop.segments.findIndex((x) => gid("Segment", x.id) === id);
    if (index < 0) return { deletedSegmentId: null, userErrors: [{ field: ["id"], message: "Segment does not exist" }] };
    ctx.shop.segments.splice(index, 1);
    ctx.env.onChange(ctx.shop, "segments/delete", { id });
    return { deletedSegmentId: id, userErrors: [] };
  }),

  tagsAdd: tagsChange(true),
  tagsRemove: tagsChange(false),
  discountAutomaticAppCreate: discountCreate("automatic"),
  discountAutomaticAppUpdate: discountUpdate("automatic"),
  discountCodeAppCreate: discountCreate("code"),
  discountCodeAppUpdate: discountUpdate("code"),
  discountAutomaticDelete: discountDelete("automatic"),
  discountCodeDelete: discountDelete("code"),
};
