import { createHash } from "node:crypto";

/**
 * Metafield rules shared by metafieldsSet, discount inputs and the readers: the app-reserved
 * namespace, value validation per type, and the compare digest.
 */

/** `$app` is the app-reserved namespace; Shopify stores it as app--<app id>, `$app:x` as app--<app id>--x. */
export function normalizeNamespace(namespace: string | null | undefined, appId: string): string {
  if (namespace == null || namespace === "$app") return `app--${appId}`;
  if (namespace.startsWith("$app:")) return `app--${appId}--${namespace.slice(5)}`;
  return namespace;
}

const SIMPLE_TYPES: Record<string, (v: string) => boolean> = {
  single_line_text_field: (v) => !v.includes("\n") && v.length > 0,
  multi_line_text_field: () => true,
  number_integer: (v) => /^-?\d+$/.test(v) && Math.abs(Number(v)) <= Number.MAX_SAFE_INTEGER,
  number_decimal: (v) => /^-?\d+(\.\d+)?$/.test(v),
  boolean: (v) => v === "true" || v === "false",
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  date_time: (v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)),
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

/** Types Shopify has no list. form of. */
const NO_LIST_FORM = new Set(["json", "multi_line_text_field", "boolean"]);

/** Whether Shopify knows the type name (the basic types and their list. forms). */
export function isKnownMetafieldType(type: string): boolean {
  if (!type.startsWith("list.")) return type in SIMPLE_TYPES;
  const inner = type.slice(5);
  return inner in SIMPLE_TYPES && !NO_LIST_FORM.has(inner);
}

/** Whether value is valid for a metafield type; list.X types hold a JSON array of X. */
export function validMetafieldValue(type: string, value: string): boolean {
  if (type.startsWith("list.")) {
    const inner = SIMPLE_TYPES[type.slice(5)];
    if (!inner || !isKnownMetafieldType(type)) return false;
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

/** The value as Metafield.jsonValue serves it. */
export function jsonValue(type: string, value: string): unknown {
  if (type === "json" || type.startsWith("list.")) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  if (type === "number_integer" || type === "number_decimal") return Number(value);
  if (type === "boolean") return value === "true";
  return value;
}

/** Opaque to clients like Shopify's: a digest of the stored value, for compare-and-set. */
export function compareDigest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Shopify's key rules: 2–64 characters of letters, digits, `-` and `_`. */
export function validKey(key: string): boolean {
  return key.length >= 2 && key.length <= 64 && /^[\w-]+$/.test(key);
}

/** Namespaces are 3–255 characters (the app-reserved form included). */
export function validNamespace(namespace: string): boolean {
  return namespace.length >= 3 && namespace.length <= 255 && /^[\w-]+$/.test(namespace);
}
