/**
 * What the segment editor's server side (app/services/segment-editor.server.ts, the count and
 * suggestion routes) and its client side (app/components/segment-editor/) exchange. Plain JSON:
 * loaders and fetchers serialise these as they are.
 */
import type { ClauseOperator, FilterGroup, FilterType, FunctionParameter } from "~/segments/filters";
import type { PublishingView } from "./publishing.types";

/** One filter as the picker offers it: the catalogue's, plus the shop's own metafield definitions. */
export interface EditorFilter {
  /** the name in the query text, e.g. "amount_spent" or "metafields.facts.birth_date" */
  name: string;
  /** in the merchant's language */
  label: string;
  group: FilterGroup;
  type: FilterType;
  operators: ClauseOperator[];
  /** enum values (or suggested list values) */
  values?: string[];
  /** function filters: their parameters (products_purchased MATCHES (id = …, date > …)) */
  parameters?: FunctionParameter[];
  integer?: boolean;
  /** Shopify's own segments know it (a native mirror is possible) */
  native: boolean;
  /** the value input can ask GET /app/segments/suggestions?filter=<name>&q=… for values from the store */
  suggests: boolean;
}

/** A problem in the query text, at its place: the engine's message and suggestion. */
export interface QueryProblem {
  message: string;
  /** 1-based */
  line: number;
  column: number;
  /** offsets into the query text, end exclusive */
  start: number;
  end: number;
  suggestion?: string;
  /** when the suggestion is to replace the span with other text (a filter name, a value): that text */
  replacement?: string;
}

/** What the editor page loads. */
export interface EditorData {
  /** null for a new segment */
  segment: { id: string; name: string; handle: string; description: string; query: string; memberCount: number; updatedAt: string } | null;
  /** the text the editor starts with (the segment's, a template's, or empty) */
  query: string;
  name: string;
  description: string;
  templateKey: string | null;
  filters: EditorFilter[];
  currencyCode: string;
  timeZone: string;
  /** a saved segment's publishing controls (null for a new one); the theme editor's deep link when the app's API key is known */
  publishing: { view: PublishingView; themeEditorUrl: string | null } | null;
}

/** A first member in the preview table. */
export interface PreviewMember {
  id: number;
  name: string;
  email: string | null;
  orders: number;
  /** minor units as a decimal string (JSON has no BigInt) */
  amountSpentMinor: string;
  lastOrderAt: string | null;
}

/** POST /app/segments/count with form field `query`: the live count and the first members, or the problems. */
export type CountResponse =
  | { ok: true; count: number; preview: PreviewMember[]; milliseconds: number }
  | { ok: false; problems: QueryProblem[] };

/**
 * GET /app/segments/suggestions?filter=…&q=…[&limit=…]: values from the store for the value input.
 * `filter` is a filter name (`customer_tags`, `customer_cities`, `metafields.custom.pet`…) or, for a
 * function's parameter, `<function>.<parameter>`: `products_purchased.id` (product title → id; the
 * same as `products_purchased`), `products_purchased.sku`, `.tag`, `.product_type`. A name the
 * catalogue does not know is a 400; a known filter without stored values answers an empty list.
 */
export interface SuggestionsResponse {
  filter: string;
  suggestions: { value: string; label: string }[];
}

/** The editor's form (POST to the editor page): intent save | duplicate | delete. */
export interface SaveFields {
  intent: "save" | "duplicate" | "delete";
  name: string;
  description: string;
  query: string;
}

/** The action's answer when it does not redirect: field messages and query problems (status 400). */
export interface SaveErrors {
  ok: false;
  fields: Partial<Record<"name" | "description" | "query", string>>;
  problems: QueryProblem[];
}
