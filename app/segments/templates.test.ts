import { describe, expect, it } from "vitest";
import { check } from "./checker";
import { metafieldFilter } from "./filters";
import { parse } from "./parser";
import { print } from "./print";
import { BIRTH_DATE_METAFIELD, TEMPLATE_METAFIELDS, TEMPLATES, type SegmentTemplate } from "./templates";

const errorsOf = (template: SegmentTemplate, metafields = TEMPLATE_METAFIELDS) =>
  check(parse(template.query), template.query, { metafields }).errors.map((e) => e.toString());

/** The segments the product promises out of the box, by the key that carries each. */
const REQUIRED_KEYS: Record<string, string> = {
  "VIP / top spenders": "vip-top-spenders",
  "lapsed 60 days": "lapsed-60-days",
  "lapsed 90 days (reactivation)": "lapsed-90-days",
  "first-time buyers": "first-time-buyers",
  "repeat buyers": "repeat-buyers",
  "one-time buyers": "one-time-buyers",
  "birthday coming up": "birthday-next-30-days",
  "abandoned checkout in the last 7 days without an order since": "abandoned-checkout-7-days",
  "subscribers who never bought": "subscribers-never-bought",
  "coupon hunters": "coupon-hunters",
  "high predicted spend": "high-predicted-spend",
  "at risk of churning (app model)": "churn-risk",
  "at risk of churning (Shopify RFM)": "rfm-at-risk",
  "older than 25 who bought SKU sand-wash-jeans": "over-25-bought-sand-wash-jeans",
  "spent more than 150 on the last order": "big-last-order",
  "orders totalling 50,000–200,000 between two dates": "orders-50k-200k-in-2025",
};

describe("segment templates", () => {
  it("offers at least 15 templates", () => {
    expect(TEMPLATES.length).toBeGreaterThanOrEqual(15);
  });

  it.each(TEMPLATES.map((t) => [t.key, t] as const))("%s parses and checks with no errors", (_key, template) => {
    expect(errorsOf(template)).toEqual([]);
  });

  it.each(TEMPLATES.map((t) => [t.key, t] as const))("%s is written in canonical form", (_key, template) => {
    expect(print(parse(template.query))).toBe(template.query);
  });

  it("has unique kebab-case keys", () => {
    const keys = TEMPLATES.map((t) => t.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(TEMPLATES.map((t) => [t.key, t] as const))("%s has a name and description in English and Dutch, not the same text", (_key, template) => {
    for (const text of [template.name, template.description]) {
      expect(text.en.trim()).not.toBe("");
      expect(text.nl.trim()).not.toBe("");
      expect(text.nl).not.toBe(text.en);
    }
  });

  it.each(Object.entries(REQUIRED_KEYS))("covers %s", (_what, key) => {
    expect(TEMPLATES.map((t) => t.key)).toContain(key);
  });

  it("uses every category", () => {
    expect(new Set(TEMPLATES.map((t) => t.category))).toEqual(new Set(["value", "lifecycle", "engagement", "predictions", "products"]));
  });

  it("lists every metafield a query names in `requires`, and TEMPLATE_METAFIELDS defines each of them", () => {
    const defined = new Set(TEMPLATE_METAFIELDS.map((m) => metafieldFilter(m)?.name));
    for (const template of TEMPLATES) {
      const named = template.query.match(/metafields\.[a-z0-9_]+\.[a-z0-9_]+/g) ?? [];
      for (const name of named) expect(template.requires ?? [], template.key).toContain(name);
      for (const name of template.requires ?? []) expect(defined.has(name), `${template.key}: ${name}`).toBe(true);
    }
  });

  it("needs the birth date metafield exactly where `requires` says so (age reads it too)", () => {
    for (const template of TEMPLATES) {
      if (template.query.includes(BIRTH_DATE_METAFIELD)) expect(errorsOf(template, []), template.key).not.toEqual([]);
      else expect(errorsOf(template, []), template.key).toEqual([]);
    }
    expect(TEMPLATES.filter((t) => /\bage\b/.test(t.query)).every((t) => t.requires?.includes(BIRTH_DATE_METAFIELD))).toBe(true);
  });
});
