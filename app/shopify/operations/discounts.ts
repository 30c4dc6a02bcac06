import { z } from "zod";
import { runOperation, type AdminClient, type AdminRequestOptions } from "../admin-client.server";
import { defineOperation, graphql } from "../graphql";

/**
 * App discounts of the segment-discount Function (extensions/segment-discount): automatic or with a
 * code, created and updated with the Function's configuration in the discount's
 * `$app:function-configuration` metafield, activated, deactivated, deleted, and read back by node.
 * Eligibility (`context`) is either every buyer or Shopify customer segments (since 2025-10 for
 * automatic app discounts too). Each mutation costs 10 points.
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/discountAutomaticAppCreate
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/discountCodeAppCreate
 * https://shopify.dev/changelog/discount-eligibility-management
 */

/** The Function's handle (extensions/segment-discount/shopify.extension.toml). */
export const DISCOUNT_FUNCTION_HANDLE = "segment-discount";
/** Where the Function reads its configuration (decision 012). */
export const CONFIGURATION_METAFIELD = { namespace: "$app", key: "function-configuration", type: "json" } as const;

export type DiscountKind = "automatic" | "code";
export type DiscountClass = "PRODUCT" | "ORDER" | "SHIPPING";
export type ShopifyDiscountStatus = "ACTIVE" | "EXPIRED" | "SCHEDULED";

const NODE_TYPE = { automatic: "DiscountAutomaticNode", code: "DiscountCodeNode" } as const satisfies Record<DiscountKind, string>;
const NODE_GID = /^gid:\/\/shopify\/(DiscountAutomaticNode|DiscountCodeNode)\/([1-9]\d{0,19})$/;

/** automatic or code, from a discount node's gid; null for anything else. */
export function discountKindOf(shopifyId: string): DiscountKind | null {
  const type = NODE_GID.exec(shopifyId)?.[1];
  return type === NODE_TYPE.automatic ? "automatic" : type === NODE_TYPE.code ? "code" : null;
}

/** The gids a numeric discount id (as Shopify's discount pages name it) can stand for. */
export function discountGids(numericId: string): string[] {
  return [`gid://shopify/${NODE_TYPE.automatic}/${numericId}`, `gid://shopify/${NODE_TYPE.code}/${numericId}`];
}

/** The numeric id of a discount node's gid ("gid://shopify/DiscountCodeNode/12" → "12"). */
export function discountNumericId(shopifyId: string): string | null {
  return NODE_GID.exec(shopifyId)?.[2] ?? null;
}

// ------------------------------------------------------------------------------------------------
// what is read back

/** The fields of DiscountAutomaticApp the app reads; DiscountCodeApp adds its code and limits. */
const APP_DISCOUNT_FIELDS = `discountId title status startsAt endsAt discountClasses
      combinesWith { orderDiscounts productDiscounts shippingDiscounts }
      context { __typename ... on DiscountCustomerSegments { segments { id } } }`;
const CODE_DISCOUNT_FIELDS = `${APP_DISCOUNT_FIELDS}
      codes(first: 1) { nodes { code } } usageLimit appliesOncePerCustomer`;

const userErrors = z.array(z.object({ field: z.array(z.string()).nullish(), message: z.string(), code: z.string().nullish() }));

export type DiscountUserError = { field: string[] | null; message: string; code: string | null };

const appDiscountBase = z.object({
  discountId: z.string().regex(NODE_GID, "expected a discount node id"),
  title: z.string(),
  status: z.enum(["ACTIVE", "EXPIRED", "SCHEDULED"]),
  startsAt: z.string().min(1),
  endsAt: z.string().nullable(),
  discountClasses: z.array(z.enum(["PRODUCT", "ORDER", "SHIPPING"])),
  combinesWith: z.object({ orderDiscounts: z.boolean(), productDiscounts: z.boolean(), shippingDiscounts: z.boolean() }),
  context: z.object({ __typename: z.string(), segments: z.array(z.object({ id: z.string() })).optional() }),
});

const automaticAppDiscount = appDiscountBase;
const codeAppDiscount = appDiscountBase.extend({
  codes: z.object({ nodes: z.array(z.object({ code: z.string() })) }),
  usageLimit: z.number().int().nullable(),
  appliesOncePerCustomer: z.boolean(),
});

/** An app discount as Shopify answers it, the same for both kinds. */
export interface ShopifyAppDiscount {
  /** the node's gid */
  id: string;
  kind: DiscountKind;
  title: string;
  status: ShopifyDiscountStatus;
  startsAt: string;
  endsAt: string | null;
  discountClasses: DiscountClass[];
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  /** the customer segments it is limited to; null when it is for every buyer (or for chosen customers) */
  segmentIds: string[] | null;
  code: string | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
}

type AutomaticData = z.output<typeof automaticAppDiscount>;
type CodeData = z.output<typeof codeAppDiscount>;

function appDiscount(kind: DiscountKind, data: AutomaticData | CodeData): ShopifyAppDiscount {
  const code = "codes" in data ? data : null;
  return {
    id: data.discountId,
    kind,
    title: data.title,
    status: data.status,
    startsAt: data.startsAt,
    endsAt: data.endsAt,
    discountClasses: data.discountClasses,
    combinesWith: data.combinesWith,
    segmentIds: data.context.__typename === "DiscountCustomerSegments" ? (data.context.segments ?? []).map((segment) => segment.id) : null,
    code: code?.codes.nodes[0]?.code ?? null,
    usageLimit: code?.usageLimit ?? null,
    appliesOncePerCustomer: code?.appliesOncePerCustomer ?? false,
  };
}

const errorsOf = (errors: z.output<typeof userErrors>): DiscountUserError[] => errors.map((e) => ({ field: e.field ?? null, message: e.message, code: e.code ?? null }));

// ------------------------------------------------------------------------------------------------
// create and update

export const AUTOMATIC_APP_DISCOUNT_CREATE = graphql`#graphql
  mutation AppDiscountAutomaticAppCreate($input: DiscountAutomaticAppInput!) {
    discountAutomaticAppCreate(automaticAppDiscount: $input) {
      automaticAppDiscount { ${APP_DISCOUNT_FIELDS} }
      userErrors { field message code }
    }
  }
`;
const automaticCreateData = z.object({ discountAutomaticAppCreate: z.object({ automaticAppDiscount: automaticAppDiscount.nullable(), userErrors }) });
export const automaticAppDiscountCreate = defineOperation<z.output<typeof automaticCreateData>, { input: Record<string, unknown> }>(AUTOMATIC_APP_DISCOUNT_CREATE, automaticCreateData);

export const AUTOMATIC_APP_DISCOUNT_UPDATE = graphql`#graphql
  mutation AppDiscountAutomaticAppUpdate($id: ID!, $input: DiscountAutomaticAppInput!) {
    discountAutomaticAppUpdate(id: $id, automaticAppDiscount: $input) {
      automaticAppDiscount { ${APP_DISCOUNT_FIELDS} }
      userErrors { field message code }
    }
  }
`;
const automaticUpdateData = z.object({ discountAutomaticAppUpdate: z.object({ automaticAppDiscount: automaticAppDiscount.nullable(), userErrors }) });
export const automaticAppDiscountUpdate = defineOperation<z.output<typeof automaticUpdateData>, { id: string; input: Record<string, unknown> }>(AUTOMATIC_APP_DISCOUNT_UPDATE, automaticUpdateData);

export const CODE_APP_DISCOUNT_CREATE = graphql`#graphql
  mutation AppDiscountCodeAppCreate($input: DiscountCodeAppInput!) {
    discountCodeAppCreate(codeAppDiscount: $input) {
      codeAppDiscount { ${CODE_DISCOUNT_FIELDS} }
      userErrors { field message code }
    }
  }
`;
const codeCreateData = z.object({ discountCodeAppCreate: z.object({ codeAppDiscount: codeAppDiscount.nullable(), userErrors }) });
export const codeAppDiscountCreate = defineOperation<z.output<typeof codeCreateData>, { input: Record<string, unknown> }>(CODE_APP_DISCOUNT_CREATE, codeCreateData);

export const CODE_APP_DISCOUNT_UPDATE = graphql`#graphql
  mutation AppDiscountCodeAppUpdate($id: ID!, $input: DiscountCodeAppInput!) {
    discountCodeAppUpdate(id: $id, codeAppDiscount: $input) {
      codeAppDiscount { ${CODE_DISCOUNT_FIELDS} }
      userErrors { field message code }
    }
  }
`;
const codeUpdateData = z.object({ discountCodeAppUpdate: z.object({ codeAppDiscount: codeAppDiscount.nullable(), userErrors }) });
export const codeAppDiscountUpdate = defineOperation<z.output<typeof codeUpdateData>, { id: string; input: Record<string, unknown> }>(CODE_APP_DISCOUNT_UPDATE, codeUpdateData);

/** Who the discount is for: every buyer, or customer segments (added to and removed from what it has). */
export type DiscountContextInput = { all: "ALL" } | { customerSegments: { add: string[]; remove: string[] } };

/**
 * The context that makes a discount's eligibility `wanted` (null: every buyer) when it has
 * `current` (null: every buyer, or a new discount): segments it should have are added, segments it
 * has and should not are removed.
 */
export function contextInput(wanted: readonly string[] | null, current: readonly string[] | null): DiscountContextInput {
  if (wanted === null || wanted.length === 0) return { all: "ALL" };
  const keep = new Set(wanted);
  return { customerSegments: { add: [...keep], remove: (current ?? []).filter((id) => !keep.has(id)) } };
}

/** What the app sets on a discount; absent dates (a paused discount's update) are left as Shopify has them. */
export interface AppDiscountFields {
  title: string;
  startsAt?: string;
  endsAt?: string | null;
  discountClass: DiscountClass;
  combinesWith: { productDiscounts: boolean; orderDiscounts: boolean; shippingDiscounts: boolean };
  /** the configuration's JSON text */
  configuration: string;
  context: DiscountContextInput;
  /** code discounts only */
  code?: { code: string; usageLimit: number | null; appliesOncePerCustomer: boolean };
}

/** The DiscountAutomaticAppInput / DiscountCodeAppInput for these fields; `create` names the Function. */
export function appDiscountInput(fields: AppDiscountFields, create: boolean): Record<string, unknown> {
  return {
    title: fields.title,
    ...(create ? { functionHandle: DISCOUNT_FUNCTION_HANDLE } : {}),
    ...(fields.startsAt === undefined ? {} : { startsAt: fields.startsAt }),
    ...(fields.endsAt === undefined ? {} : { endsAt: fields.endsAt }),
    discountClasses: [fields.discountClass],
    combinesWith: fields.combinesWith,
    context: fields.context,
    metafields: [{ ...CONFIGURATION_METAFIELD, value: fields.configuration }],
    ...(fields.code ? { code: fields.code.code, usageLimit: fields.code.usageLimit, appliesOncePerCustomer: fields.code.appliesOncePerCustomer } : {}),
  };
}

/** A write's answer: the discount as Shopify now has it, or why it refused. */
export interface DiscountWrite {
  discount: ShopifyAppDiscount | null;
  userErrors: DiscountUserError[];
}

export async function createAppDiscount(admin: AdminClient, kind: DiscountKind, fields: AppDiscountFields, options: AdminRequestOptions = {}): Promise<DiscountWrite> {
  const input = appDiscountInput(fields, true);
  if (kind === "automatic") {
    const { discountAutomaticAppCreate: answer } = await runOperation(admin, automaticAppDiscountCreate, { input }, options);
    return { discount: answer.automaticAppDiscount ? appDiscount(kind, answer.automaticAppDiscount) : null, userErrors: errorsOf(answer.userErrors) };
  }
  const { discountCodeAppCreate: answer } = await runOperation(admin, codeAppDiscountCreate, { input }, options);
  return { discount: answer.codeAppDiscount ? appDiscount(kind, answer.codeAppDiscount) : null, userErrors: errorsOf(answer.userErrors) };
}

export async function updateAppDiscount(admin: AdminClient, kind: DiscountKind, id: string, fields: AppDiscountFields, options: AdminRequestOptions = {}): Promise<DiscountWrite> {
  return sendUpdate(admin, kind, id, appDiscountInput(fields, false), options);
}

/** Sets only some of the discount's fields (its eligibility, its dates); the rest stay as Shopify has them. */
export async function patchAppDiscount(admin: AdminClient, kind: DiscountKind, id: string, input: { context?: DiscountContextInput; startsAt?: string; endsAt?: string | null }, options: AdminRequestOptions = {}): Promise<DiscountWrite> {
  return sendUpdate(admin, kind, id, input, options);
}

/** discountAutomaticAppUpdate / discountCodeAppUpdate with this input. */
async function sendUpdate(admin: AdminClient, kind: DiscountKind, id: string, input: Record<string, unknown>, options: AdminRequestOptions): Promise<DiscountWrite> {
  if (kind === "automatic") {
    const { discountAutomaticAppUpdate: answer } = await runOperation(admin, automaticAppDiscountUpdate, { id, input }, options);
    return { discount: answer.automaticAppDiscount ? appDiscount(kind, answer.automaticAppDiscount) : null, userErrors: errorsOf(answer.userErrors) };
  }
  const { discountCodeAppUpdate: answer } = await runOperation(admin, codeAppDiscountUpdate, { id, input }, options);
  return { discount: answer.codeAppDiscount ? appDiscount(kind, answer.codeAppDiscount) : null, userErrors: errorsOf(answer.userErrors) };
}

// ------------------------------------------------------------------------------------------------
// activate, deactivate, delete

export const AUTOMATIC_DISCOUNT_ACTIVATE = graphql`#graphql
  mutation AppDiscountAutomaticActivate($id: ID!) {
    discountAutomaticActivate(id: $id) {
      automaticDiscountNode { id automaticDiscount { __typename ... on DiscountAutomaticApp { ${APP_DISCOUNT_FIELDS} } } }
      userErrors { field message code }
    }
  }
`;
export const AUTOMATIC_DISCOUNT_DEACTIVATE = graphql`#graphql
  mutation AppDiscountAutomaticDeactivate($id: ID!) {
    discountAutomaticDeactivate(id: $id) {
      automaticDiscountNode { id automaticDiscount { __typename ... on DiscountAutomaticApp { ${APP_DISCOUNT_FIELDS} } } }
      userErrors { field message code }
    }
  }
`;
export const CODE_DISCOUNT_ACTIVATE = graphql`#graphql
  mutation AppDiscountCodeActivate($id: ID!) {
    discountCodeActivate(id: $id) {
      codeDiscountNode { id codeDiscount { __typename ... on DiscountCodeApp { ${CODE_DISCOUNT_FIELDS} } } }
      userErrors { field message code }
    }
  }
`;
export const CODE_DISCOUNT_DEACTIVATE = graphql`#graphql
  mutation AppDiscountCodeDeactivate($id: ID!) {
    discountCodeDeactivate(id: $id) {
      codeDiscountNode { id codeDiscount { __typename ... on DiscountCodeApp { ${CODE_DISCOUNT_FIELDS} } } }
      userErrors { field message code }
    }
  }
`;

/**
 * A node's discount: the app's own type in full, or null for another type (Shopify's own discounts,
 * of which only __typename is asked). A malformed app discount is an error, not "another type".
 */
function nodeDiscount<S extends z.ZodType>(typename: string, schema: S) {
  return z.looseObject({ __typename: z.string() }).transform((value, ctx): z.output<S> | null => {
    if (value.__typename !== typename) return null;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
    return z.NEVER;
  });
}
const automaticNode = z.object({ id: z.string(), automaticDiscount: nodeDiscount("DiscountAutomaticApp", automaticAppDiscount) });
const codeNode = z.object({ id: z.string(), codeDiscount: nodeDiscount("DiscountCodeApp", codeAppDiscount) });

const automaticActivateData = z.object({ discountAutomaticActivate: z.object({ automaticDiscountNode: automaticNode.nullable(), userErrors }) });
const automaticDeactivateData = z.object({ discountAutomaticDeactivate: z.object({ automaticDiscountNode: automaticNode.nullable(), userErrors }) });
const codeActivateData = z.object({ discountCodeActivate: z.object({ codeDiscountNode: codeNode.nullable(), userErrors }) });
const codeDeactivateData = z.object({ discountCodeDeactivate: z.object({ codeDiscountNode: codeNode.nullable(), userErrors }) });

export const automaticDiscountActivate = defineOperation<z.output<typeof automaticActivateData>, { id: string }>(AUTOMATIC_DISCOUNT_ACTIVATE, automaticActivateData);
export const automaticDiscountDeactivate = defineOperation<z.output<typeof automaticDeactivateData>, { id: string }>(AUTOMATIC_DISCOUNT_DEACTIVATE, automaticDeactivateData);
export const codeDiscountActivate = defineOperation<z.output<typeof codeActivateData>, { id: string }>(CODE_DISCOUNT_ACTIVATE, codeActivateData);
export const codeDiscountDeactivate = defineOperation<z.output<typeof codeDeactivateData>, { id: string }>(CODE_DISCOUNT_DEACTIVATE, codeDeactivateData);

function fromAutomaticNode(node: z.output<typeof automaticNode> | null): ShopifyAppDiscount | null {
  return node?.automaticDiscount ? appDiscount("automatic", node.automaticDiscount) : null;
}

function fromCodeNode(node: z.output<typeof codeNode> | null): ShopifyAppDiscount | null {
  return node?.codeDiscount ? appDiscount("code", node.codeDiscount) : null;
}

/** Activates (an expired discount loses its end, a scheduled one starts now) or deactivates (it ends now). */
export async function setAppDiscountActive(admin: AdminClient, kind: DiscountKind, id: string, active: boolean, options: AdminRequestOptions = {}): Promise<DiscountWrite> {
  if (kind === "automatic") {
    if (active) {
      const { discountAutomaticActivate: answer } = await runOperation(admin, automaticDiscountActivate, { id }, options);
      return { discount: fromAutomaticNode(answer.automaticDiscountNode), userErrors: errorsOf(answer.userErrors) };
    }
    const { discountAutomaticDeactivate: answer } = await runOperation(admin, automaticDiscountDeactivate, { id }, options);
    return { discount: fromAutomaticNode(answer.automaticDiscountNode), userErrors: errorsOf(answer.userErrors) };
  }
  if (active) {
    const { discountCodeActivate: answer } = await runOperation(admin, codeDiscountActivate, { id }, options);
    return { discount: fromCodeNode(answer.codeDiscountNode), userErrors: errorsOf(answer.userErrors) };
  }
  const { discountCodeDeactivate: answer } = await runOperation(admin, codeDiscountDeactivate, { id }, options);
  return { discount: fromCodeNode(answer.codeDiscountNode), userErrors: errorsOf(answer.userErrors) };
}

export const AUTOMATIC_DISCOUNT_DELETE = graphql`#graphql
  mutation AppDiscountAutomaticDelete($id: ID!) {
    discountAutomaticDelete(id: $id) {
      deletedAutomaticDiscountId
      userErrors { field message code }
    }
  }
`;
export const CODE_DISCOUNT_DELETE = graphql`#graphql
  mutation AppDiscountCodeDelete($id: ID!) {
    discountCodeDelete(id: $id) {
      deletedCodeDiscountId
      userErrors { field message code }
    }
  }
`;
const automaticDeleteData = z.object({ discountAutomaticDelete: z.object({ deletedAutomaticDiscountId: z.string().nullable(), userErrors }) });
const codeDeleteData = z.object({ discountCodeDelete: z.object({ deletedCodeDiscountId: z.string().nullable(), userErrors }) });
export const automaticDiscountDelete = defineOperation<z.output<typeof automaticDeleteData>, { id: string }>(AUTOMATIC_DISCOUNT_DELETE, automaticDeleteData);
export const codeDiscountDelete = defineOperation<z.output<typeof codeDeleteData>, { id: string }>(CODE_DISCOUNT_DELETE, codeDeleteData);

export async function deleteAppDiscount(admin: AdminClient, kind: DiscountKind, id: string, options: AdminRequestOptions = {}): Promise<{ deletedId: string | null; userErrors: DiscountUserError[] }> {
  if (kind === "automatic") {
    const { discountAutomaticDelete: answer } = await runOperation(admin, automaticDiscountDelete, { id }, options);
    return { deletedId: answer.deletedAutomaticDiscountId, userErrors: errorsOf(answer.userErrors) };
  }
  const { discountCodeDelete: answer } = await runOperation(admin, codeDiscountDelete, { id }, options);
  return { deletedId: answer.deletedCodeDiscountId, userErrors: errorsOf(answer.userErrors) };
}

/** A userError saying the discount does not exist (deleted in Shopify's admin meanwhile). */
export function isMissingDiscount(errors: readonly DiscountUserError[]): boolean {
  return errors.some((error) => (error.field ?? []).includes("id") && /not exist|not found/i.test(error.message));
}

// ------------------------------------------------------------------------------------------------
// reading one back

export const AUTOMATIC_DISCOUNT_NODE = graphql`#graphql
  query AppDiscountAutomaticNode($id: ID!) {
    automaticDiscountNode(id: $id) {
      id
      automaticDiscount { __typename ... on DiscountAutomaticApp { ${APP_DISCOUNT_FIELDS} } }
      metafield(namespace: "${CONFIGURATION_METAFIELD.namespace}", key: "${CONFIGURATION_METAFIELD.key}") { value }
    }
  }
`;
export const CODE_DISCOUNT_NODE = graphql`#graphql
  query AppDiscountCodeNode($id: ID!) {
    codeDiscountNode(id: $id) {
      id
      codeDiscount { __typename ... on DiscountCodeApp { ${CODE_DISCOUNT_FIELDS} } }
      metafield(namespace: "${CONFIGURATION_METAFIELD.namespace}", key: "${CONFIGURATION_METAFIELD.key}") { value }
    }
  }
`;
const configurationField = z.object({ metafield: z.object({ value: z.string() }).nullable() });
const automaticNodeData = z.object({ automaticDiscountNode: automaticNode.extend(configurationField.shape).nullable() });
const codeNodeData = z.object({ codeDiscountNode: codeNode.extend(configurationField.shape).nullable() });
export const automaticDiscountNodeQuery = defineOperation<z.output<typeof automaticNodeData>, { id: string }>(AUTOMATIC_DISCOUNT_NODE, automaticNodeData);
export const codeDiscountNodeQuery = defineOperation<z.output<typeof codeNodeData>, { id: string }>(CODE_DISCOUNT_NODE, codeNodeData);

/** The app discount with the configuration it holds (null: none); null when there is no such discount (or it is not an app discount). */
export async function readAppDiscount(admin: AdminClient, kind: DiscountKind, id: string, options: AdminRequestOptions = {}): Promise<(ShopifyAppDiscount & { configuration: string | null }) | null> {
  if (kind === "automatic") {
    const { automaticDiscountNode: node } = await runOperation(admin, automaticDiscountNodeQuery, { id }, options);
    const discount = fromAutomaticNode(node);
    return node && discount ? { ...discount, configuration: node.metafield?.value ?? null } : null;
  }
  const { codeDiscountNode: node } = await runOperation(admin, codeDiscountNodeQuery, { id }, options);
  const discount = fromCodeNode(node);
  return node && discount ? { ...discount, configuration: node.metafield?.value ?? null } : null;
}
