import type { DatasetCustomer, DatasetProduct } from "../dataset";
import {
  applyDiscountInput,
  discountGid,
  discountNode,
  discountStatus,
  findDiscount,
  INPUT_KEY,
  NODE_FIELD,
  type DiscountInput,
  type DiscountKind,
  type DiscountUserError,
} from "./discounts";
import { compareDigest, isKnownMetafieldType, normalizeNamespace, validKey, validMetafieldValue, validNamespace } from "./metafields";
import { bulkNode, findNode, metafieldDefinitionNode, nowIso, ownedMetafieldResolvers, r, type Ctx, type Resolver, type ResolverMap } from "./resolvers";
import { gid, parseGid, type StoredDiscount, type StoredMetafieldDefinition, type StoredSegment } from "./store";

interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
  elementIndex?: number | null;
}

const SUBSCRIPTION_URI = /^(https?:\/\/[^\s]+|pubsub:\/\/[^\s]+|arn:aws:events:[^\s]+)$/;

/** Shopify's limit on metafieldsSet and on every input array. */
const MAX_METAFIELDS_PER_CALL = 25;

function segmentNode(s: StoredSegment) {
  return { ...s, id: gid("Segment", s.id) };
}

/** Owner gid types metafieldsSet accepts, with the MetafieldOwnerType they store. */
const OWNER_TYPES: Record<string, string> = {
  Customer: "CUSTOMER",
  Order: "ORDER",
  Product: "PRODUCT",
  Collection: "COLLECTION",
  Shop: "SHOP",
  DiscountAutomaticNode: "DISCOUNT",
  DiscountCodeNode: "DISCOUNT",
};

interface MetafieldsSetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
  /** absent: no check; null: the metafield must not exist yet; a digest: must match the stored value */
  compareDigest?: string | null;
}

// ---------------------------------------------------------------------------------------------
// discounts

function discountCreate(kind: DiscountKind): Resolver {
  return r<unknown, Record<string, DiscountInput | undefined>>((_s, args, ctx) => {
    const input = args[INPUT_KEY[kind]] ?? {};
    const at = nowIso(ctx);
    const draft: StoredDiscount = {
      id: ctx.shop.newId(),
      kind,
      title: "",
      code: null,
      functionId: "",
      functionHandle: null,
      startsAt: at,
      endsAt: null,
      discountClasses: ["ORDER"],
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
      segmentIds: [],
      customerIds: [],
      usageLimit: null,
      appliesOncePerCustomer: false,
      createdAt: at,
      updatedAt: at,
    };
    const { errors, metafields } = applyDiscountInput(ctx, draft, input, true);
    if (errors.length > 0) return { [INPUT_KEY[kind]]: null, userErrors: errors };
    ctx.shop.discounts.push(draft);
    for (const m of metafields) ctx.shop.addMetafield(discountGid(draft), "DISCOUNT", m.namespace, m.key, m.type, m.value, at);
    return { [INPUT_KEY[kind]]: discountNode(draft, ctx)[NODE_FIELD[kind]], userErrors: [] };
  });
}

function discountUpdate(kind: DiscountKind): Resolver {
  return r<unknown, { id: string } & Record<string, DiscountInput | string | undefined>>((_s, args, ctx) => {
    const existing = findDiscount(ctx.shop, kind, args.id);
    if (!existing) return { [INPUT_KEY[kind]]: null, userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }] };
    const input = args[INPUT_KEY[kind]];
    const draft = structuredClone(existing);
    const { errors, metafields } = applyDiscountInput(ctx, draft, typeof input === "object" ? input : {}, false);
    if (errors.length > 0) return { [INPUT_KEY[kind]]: null, userErrors: errors };
    Object.assign(existing, draft);
    for (const m of metafields) ctx.shop.addMetafield(discountGid(existing), "DISCOUNT", m.namespace, m.key, m.type, m.value, existing.updatedAt);
    return { [INPUT_KEY[kind]]: discountNode(existing, ctx)[NODE_FIELD[kind]], userErrors: [] };
  });
}

function discountDelete(kind: DiscountKind): Resolver {
  return r<unknown, { id: string }>((_s, { id }, ctx) => {
    const key = kind === "automatic" ? "deletedAutomaticDiscountId" : "deletedCodeDiscountId";
    const found = findDiscount(ctx.shop, kind, id);
    if (!found) return { [key]: null, userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }] };
    ctx.shop.discounts.splice(ctx.shop.discounts.indexOf(found), 1);
    ctx.shop.metafields.delete(discountGid(found));
    return { [key]: id, userErrors: [] };
  });
}

/**
 * Activation as the admin does it: an expired discount loses its end date, a scheduled one starts
 * now; deactivation ends it now. Both answer with the discount node.
 */
function discountActivation(kind: DiscountKind, activate: boolean): Resolver {
  return r<unknown, { id: string }>((_s, { id }, ctx) => {
    const key = kind === "automatic" ? "automaticDiscountNode" : "codeDiscountNode";
    const found = findDiscount(ctx.shop, kind, id);
    if (!found) return { [key]: null, userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }] };
    const at = nowIso(ctx);
    const status = discountStatus(found, ctx.env.now());
    if (activate && status === "EXPIRED") found.endsAt = null;
    if (activate && status === "SCHEDULED") found.startsAt = at;
    if (!activate && status !== "EXPIRED") {
      // a scheduled discount ends before it starts: move its start back so endsAt stays after it
      if (status === "SCHEDULED") found.startsAt = at;
      found.endsAt = at;
    }
    found.updatedAt = at;
    return { [key]: discountNode(found, ctx), userErrors: [] satisfies DiscountUserError[] };
  });
}

/** Resolvers for the discount node types and their root lookups (attached by executor.ts). */
export const discountNodeResolvers: ResolverMap = {
  QueryRoot: {
    automaticDiscountNode: r<unknown, { id: string }>((_s, { id }, ctx) => {
      const d = findDiscount(ctx.shop, "automatic", id);
      return d ? discountNode(d, ctx) : null;
    }),
    codeDiscountNode: r<unknown, { id: string }>((_s, { id }, ctx) => {
      const d = findDiscount(ctx.shop, "code", id);
      return d ? discountNode(d, ctx) : null;
    }),
  },
  DiscountAutomaticNode: ownedMetafieldResolvers<{ id: string }>((n) => n.id),
  DiscountCodeNode: ownedMetafieldResolvers<{ id: string }>((n) => n.id),
};

// ---------------------------------------------------------------------------------------------
// tags

function taggable(ctx: Ctx, id: string): { record: DatasetCustomer | DatasetProduct; topic: string } | null {
  const parsed = parseGid(id);
  const customer = parsed?.type === "Customer" ? ctx.shop.customers.get(parsed.id) : undefined;
  if (customer) return { record: customer, topic: "customers/update" };
  const product = parsed?.type === "Product" ? ctx.shop.products.get(parsed.id) : undefined;
  if (product) return { record: product, topic: "products/update" };
  return null;
}

function tagsChange(add: boolean): Resolver {
  return r<unknown, { id: string; tags: string[] }>((_s, { id, tags }, ctx) => {
    const target = taggable(ctx, id);
    if (!target) return { node: null, userErrors: [{ field: ["id"], message: "Resource does not exist" }] };
    // Shopify splits comma-separated tags and trims them
    const list = tags.flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
    const tooLong = list.find((t) => t.length > 255);
    if (tooLong !== undefined) return { node: null, userErrors: [{ field: ["tags"], message: `Tag '${tooLong.slice(0, 20)}…' is too long (maximum is 255 characters)` }] };
    const { record } = target;
    const before = record.tags.join(",");
    const lower = new Set(list.map((t) => t.toLowerCase()));
    // tags compare without case in Shopify; the first spelling stays
    record.tags = add
      ? [...record.tags, ...list.filter((t, i) => !record.tags.some((x) => x.toLowerCase() === t.toLowerCase()) && list.findIndex((y) => y.toLowerCase() === t.toLowerCase()) === i)]
      : record.tags.filter((t) => !lower.has(t.toLowerCase()));
    if (record.tags.join(",") !== before) {
      record.updatedAt = nowIso(ctx);
      // Shopify sends the update webhook for the app's own change too, with the record as it is now
      ctx.env.onChange(ctx.shop, target.topic, { ...structuredClone(record), admin_graphql_api_id: id });
    }
    return { node: findNode(ctx, id), userErrors: [] };
  });
}

// ---------------------------------------------------------------------------------------------

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
  bulkOperationRunQuery: r<unknown, { query: string; groupObjects: boolean }>((_s, args, ctx) => {
    const { operation, userErrors } = ctx.env.bulk.run(ctx.shop, args.query, args.groupObjects, ctx.version);
    return { bulkOperation: operation ? bulkNode(operation) : null, userErrors };
  }),
  bulkOperationCancel: r<unknown, { id: string }>((_s, { id }, ctx) => {
    const { operation, userErrors } = ctx.env.bulk.cancel(ctx.shop, id);
    return { bulkOperation: operation ? bulkNode(operation) : null, userErrors };
  }),

  metafieldsSet: r<unknown, { metafields: MetafieldsSetInput[] }>((_s, { metafields }, ctx) => {
    if (metafields.length > MAX_METAFIELDS_PER_CALL) {
      return { metafields: null, userErrors: [{ field: ["metafields"], message: `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_PER_CALL}.`, code: "LESS_THAN_OR_EQUAL_TO", elementIndex: null }] };
    }
    const userErrors: UserError[] = [];
    const planned: { ownerId: string; ownerType: string; namespace: string; key: string; type: string; value: string }[] = [];
    metafields.forEach((m, i) => {
      const fail = (field: string, message: string, code: string) => userErrors.push({ field: ["metafields", String(i), field], message, code, elementIndex: null });
      const parsed = parseGid(m.ownerId);
      const ownerType = parsed ? OWNER_TYPES[parsed.type] : undefined;
      if (!ownerType || findNode(ctx, m.ownerId) === null) return fail("ownerId", "Owner does not exist.", "INVALID");
      const namespace = normalizeNamespace(m.namespace, ctx.env.appId);
      if (!validNamespace(namespace)) return fail("namespace", "Namespace is too short (minimum is 3 characters)", "TOO_SHORT");
      if (!validKey(m.key)) return fail("key", "Key is invalid.", "INVALID");
      const existing = ctx.shop.metafields.get(m.ownerId)?.find((x) => x.namespace === namespace && x.key === m.key);
      const definition = ctx.shop.metafieldDefinitions.find((d) => d.ownerType === ownerType && d.namespace === namespace && d.key === m.key);
      const type = m.type ?? definition?.type ?? existing?.type;
      if (!type) return fail("type", "Type can't be blank.", "BLANK");
      if (!isKnownMetafieldType(type)) return fail("type", `Type '${type}' is not a valid type.`, "INCLUSION");
      if (definition && definition.type !== type) return fail("type", `Type must be ${definition.type}.`, "INVALID_TYPE");
      if (!validMetafieldValue(type, m.value)) return fail("value", `Value is invalid for type ${type}.`, "INVALID_VALUE");
      if (m.compareDigest !== undefined && (m.compareDigest === null ? existing !== undefined : existing === undefined || compareDigest(existing.value) !== m.compareDigest)) {
        return fail("compareDigest", "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.", "INVALID_COMPARE_DIGEST");
      }
      planned.push({ ownerId: m.ownerId, ownerType, namespace, key: m.key, type, value: m.value });
    });
    // all-or-nothing, like Shopify
    if (userErrors.length) return { metafields: null, userErrors };
    const at = nowIso(ctx);
    const written = planned.map((m) => ctx.shop.addMetafield(m.ownerId, m.ownerType, m.namespace, m.key, m.type, m.value, at));
    return { metafields: written, userErrors: [] };
  }),

  // Shopify: "If a specified metafield doesn't exist, then the mutation still succeeds but returns
  // null for that identifier in the response" (an owner that does not exist has none either).
  metafieldsDelete: r<unknown, { metafields: { ownerId: string; namespace: string; key: string }[] }>((_s, { metafields }, ctx) => {
    if (metafields.length === 0) return { deletedMetafields: null, userErrors: [{ field: ["metafields"], message: "At least one identifier must be specified." }] };
    const deletedMetafields = metafields.map((m) => {
      const namespace = normalizeNamespace(m.namespace, ctx.env.appId);
      const list = ctx.shop.metafields.get(m.ownerId);
      const index = list?.findIndex((x) => x.namespace === namespace && x.key === m.key) ?? -1;
      if (!list || index < 0) return null;
      list.splice(index, 1);
      if (list.length === 0) ctx.shop.metafields.delete(m.ownerId);
      return { ownerId: m.ownerId, namespace, key: m.key };
    });
    return { deletedMetafields, userErrors: [] };
  }),

  metafieldDefinitionCreate: r<unknown, { definition: { name: string; namespace?: string | null; key: string; description?: string | null; type: string; ownerType: string; access?: { admin?: string | null; storefront?: string | null; customerAccount?: string | null } | null } }>(
    (_s, { definition: d }, ctx) => {
      const fail = (field: string, message: string, code: string) => ({ createdDefinition: null, userErrors: [{ field: ["definition", field], message, code }] });
      const namespace = normalizeNamespace(d.namespace, ctx.env.appId);
      if (!d.name.trim()) return fail("name", "Name can't be blank", "BLANK");
      if (!validNamespace(namespace)) return fail("namespace", "Namespace is too short (minimum is 3 characters)", "TOO_SHORT");
      if (!validKey(d.key)) return fail("key", "Key is invalid.", "INVALID");
      if (!isKnownMetafieldType(d.type)) return fail("type", "Type name is not included in the list", "INCLUSION");
      if (ctx.shop.metafieldDefinitions.some((x) => x.ownerType === d.ownerType && x.namespace === namespace && x.key === d.key)) {
        return fail("key", `Key is in use for ${d.ownerType.toLowerCase()} metafields on the '${namespace}' namespace.`, "TAKEN");
      }
      // admin access is only settable on app-reserved namespaces
      if (d.access?.admin != null && !namespace.startsWith(`app--${ctx.env.appId}`)) {
        return fail("access", "Setting access controls on a definition under this namespace is not permitted.", "ADMIN_ACCESS_INPUT_NOT_ALLOWED");
      }
      const stored: StoredMetafieldDefinition = {
        id: ctx.shop.newId(),
        name: d.name,
        namespace,
        key: d.key,
        description: d.description ?? null,
        type: d.type,
        ownerType: d.ownerType,
        access: {
          admin: d.access?.admin ?? (namespace.startsWith("app--") ? "MERCHANT_READ" : "PUBLIC_READ_WRITE"),
          storefront: d.access?.storefront ?? "NONE",
          customerAccount: d.access?.customerAccount ?? "NONE",
        },
      };
      ctx.shop.metafieldDefinitions.push(stored);
      // Shopify reports the app's own definitions too
      ctx.env.onChange(ctx.shop, "metafield_definitions/create", { ...structuredClone(stored), id: String(stored.id), admin_graphql_api_id: gid("MetafieldDefinition", stored.id) });
      return { createdDefinition: metafieldDefinitionNode(stored), userErrors: [] };
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
  discountAutomaticActivate: discountActivation("automatic", true),
  discountAutomaticDeactivate: discountActivation("automatic", false),
  discountCodeActivate: discountActivation("code", true),
  discountCodeDeactivate: discountActivation("code", false),
};
