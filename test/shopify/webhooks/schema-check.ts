/** ajv validation of payloads against shopify-webhook-schemas, shared by the webhook tests. */
import Ajv2020, { type ErrorObject } from "ajv/dist/2020";
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

function asSchema(schema: unknown, topic: string): Record<string, unknown> {
  // the package types schemas as any; check it is an object before ajv sees it
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) throw new Error(`no schema for ${topic}`);
  return { ...schema };
}

function schemaOf(topic: string): Record<string, unknown> {
  return asSchema(schemaForWebhook(PAYLOAD_SCHEMA_VERSION, topic), topic);
}

function messages(topic: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${topic} ${e.instancePath} ${e.message ?? ""}`);
}

/** Errors against the relaxed schema (empty when the payload fits). */
export function validateRelaxed(topic: string, payload: unknown): string[] {
  const check = ajv.compile(asSchema(relaxInferred(schemaOf(topic)), topic));
  return check(payload) ? [] : messages(topic, check.errors);
}

/** Raw ajv errors against the package schema as shipped. */
export function strictErrors(topic: string, payload: unknown): ErrorObject[] {
  const check = ajv.compile(schemaOf(topic));
  return check(payload) ? [] : (check.errors ?? []);
}
