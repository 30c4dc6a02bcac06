import { GraphQLObjectType, getNamedType, type GraphQLSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { standInSchema } from "./executor";
import { discountNodeResolvers, mutationResolvers } from "./mutations";
import { queryResolvers } from "./resolvers";
import { SUPPORTED_VERSIONS } from "./schema";

describe("the stand-in's schema", () => {
  it("builds for every served version, with a resolver behind every root field", () => {
    for (const version of SUPPORTED_VERSIONS) {
      const schema = standInSchema(version);
      for (const root of [schema.getQueryType(), schema.getMutationType()]) {
        if (!root) throw new Error(`${version}: no root type`);
        const unresolved = Object.values(root.getFields()).filter((f) => !f.resolve).map((f) => f.name);
        expect(unresolved, `${version} ${root.name}`).toEqual([]);
      }
    }
  });

  it("names no field in its resolver maps that the latest schema lacks", () => {
    const schema = standInSchema("2026-10");
    const maps = { ...queryResolvers, ...discountNodeResolvers, QueryRoot: { ...queryResolvers["QueryRoot"], ...discountNodeResolvers["QueryRoot"] }, Mutation: mutationResolvers };
    const unknown: string[] = [];
    for (const [typeName, fields] of Object.entries(maps)) {
      const type = schema.getType(typeName);
      if (!(type instanceof GraphQLObjectType)) {
        unknown.push(typeName);
        continue;
      }
      for (const field of Object.keys(fields)) if (!type.getFields()[field]) unknown.push(`${typeName}.${field}`);
    }
    expect(unknown).toEqual([]);
  });

  it("models the 2026-01 changes to bulk operations", () => {
    const before = standInSchema("2025-10");
    const after = standInSchema("2026-01");
    const groupObjects = (schema: GraphQLSchema) => schema.getMutationType()?.getFields()["bulkOperationRunQuery"]?.args.find((a) => a.name === "groupObjects");
    expect([String(groupObjects(before)?.type), groupObjects(before)?.defaultValue]).toEqual(["Boolean!", true]);
    expect([String(groupObjects(after)?.type), groupObjects(after)?.defaultValue]).toEqual(["Boolean!", false]);
    expect(Object.keys(before.getQueryType()?.getFields() ?? {})).not.toContain("bulkOperations");
    expect(getNamedType(after.getQueryType()?.getFields()["bulkOperations"]?.type)?.name).toBe("BulkOperationConnection");
  });

  it("uses Shopify's enums where Shopify has them, not strings", () => {
    const schema = standInSchema("2026-10");
    const field = (type: string, name: string) => {
      const t = schema.getType(type);
      return t instanceof GraphQLObjectType ? String(t.getFields()[name]?.type) : "";
    };
    expect(field("MetafieldAccess", "storefront")).toBe("MetafieldStorefrontAccess");
    expect(field("DiscountBuyerSelectionAll", "all")).toBe("DiscountBuyerSelection!");
    expect(field("Customer", "state")).toBe("CustomerState!");
    expect(field("Order", "displayFinancialStatus")).toBe("OrderDisplayFinancialStatus");
  });
});
