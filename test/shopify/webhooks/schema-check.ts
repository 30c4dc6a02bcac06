/** ajv checks of payloads against shopify-webhook-schemas, shared by the webhook tests. */
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { schemaForWebhook } from "shopify-webhook-schemas";
import { PAYLOAD_SCHEMA_VERSION } from "./payloads";

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

/**
 * The package infers its schemas from example payloads: a field filled in every example is typed
 * non-null, and an array empty in every example gets `items: false`. Shopify does send nulls and
 * filled arrays (the package's own products/update and checkouts examples fail strictly), so only
 * those two inferences are relaxed; names, nesting, required fields and types stay checked.
 */
export function relaxInferred(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(relaxInferred);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === "items" && value === false ? true : relaxInferred(value);
  const type = out["type"];
  if (typeof type === "string" && type !== "null") out["type"] = [type, "null"];
  if (Array.isArray(type) && !type.includes("null")) out["type"] = [...type, "null"];
  const anyOf = out["anyOf"];
  if (Array.isArray(anyOf)) out["anyOf"] = [...anyOf, { type: "null" }];
  return out;
}

/**
 * The relaxed schema with `additionalProperties: false` on every object that lists its properties:
 * a field name the package has never seen in any payload of the topic fails. (Not applied to
 * objects without `properties`, which the package leaves open.)
 */
export function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // property names are data, not schemas: recurse into each property's schema, not the map itself
    out[key] = key === "properties" && typeof value === "object" && value !== null ? Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, closeObjects(sub)])) : closeObjects(value);
  }
  if ("properties" in out && !("additionalProperties" in out)) out["additionalProperties"] = false;
  return out;
}

function asSchema(schema: unknown, topic: string): Record<string, unknown> {
  // the package types schemas as any; check it is an object before ajv sees it
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) throw new Error(`shopify-webhook-schemas has no schema for ${topic} at ${PAYLOAD_SCHEMA_VERSION}`);
  return { ...schema };
}

/** The package's schema for a topic at PAYLOAD_SCHEMA_VERSION, as shipped. */
export function packageSchema(topic: string): Record<string, unknown> {
  return asSchema(schemaForWebhook(PAYLOAD_SCHEMA_VERSION, topic), topic);
}

type Mode = "strict" | "relaxed" | "closed";
const compiled = new Map<string, ValidateFunction>();

/** ajv compiles are the slow part; each topic and mode is compiled once per test file. */
function validator(topic: string, mode: Mode): ValidateFunction {
  const key = `${mode} ${topic}`;
  let check = compiled.get(key);
  if (!check) {
    const schema = packageSchema(topic);
    const shaped = mode === "strict" ? schema : mode === "relaxed" ? relaxInferred(schema) : closeObjects(relaxInferred(schema));
    check = ajv.compile(asSchema(shaped, topic));
    compiled.set(key, check);
  }
  return check;
}

function errorsOf(topic: string, mode: Mode, payload: unknown): ErrorObject[] {
  const check = validator(topic, mode);
  return check(payload) ? [] : [...(check.errors ?? [])];
}

/** Readable errors ("topic /path message"), empty when the payload fits. */
export function describe(topic: string, errors: readonly ErrorObject[]): string[] {
  return errors.map((e) => `${topic} ${e.instancePath || "/"} ${e.message ?? ""}${e.keyword === "additionalProperties" ? ` (${JSON.stringify(e.params)})` : ""}`);
}

/** Errors against the relaxed schema. */
export function validateRelaxed(topic: string, payload: unknown): string[] {
  return describe(topic, errorsOf(topic, "relaxed", payload));
}

/** Errors against the relaxed schema with every listed object closed to unknown field names. */
export function validateClosed(topic: string, payload: unknown): string[] {
  return describe(topic, errorsOf(topic, "closed", payload));
}

/** Raw ajv errors against the package schema as shipped. */
export function strictErrors(topic: string, payload: unknown): ErrorObject[] {
  return errorsOf(topic, "strict", payload);
}
