import { z } from "zod";
import { defineOperation, graphql } from "../graphql";

/** The shop as the app records it at install. Requested cost 2: shop and plan are one object each. */
export const SHOP_QUERY = graphql`#graphql
  query AppShop {
    shop {
      name
      email
      myshopifyDomain
      currencyCode
      ianaTimezone
      plan { displayName }
    }
  }
`;

export const shopQueryData = z.object({
  shop: z.object({
    name: z.string(),
    email: z.string().nullable(),
    myshopifyDomain: z.string(),
    currencyCode: z.string().regex(/^[A-Z]{3}$/),
    ianaTimezone: z.string().min(1),
    plan: z.object({ displayName: z.string() }).nullable(),
  }),
});

export type ShopQueryData = z.infer<typeof shopQueryData>;

export const shopQuery = defineOperation<ShopQueryData>(SHOP_QUERY, shopQueryData);
