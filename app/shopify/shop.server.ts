import { z } from "zod";
import type { AdminClient } from "./admin-client.server";

const SHOP_QUERY = /* GraphQL */ `#graphql
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

const shopResponse = z.object({
  shop: z.object({
    name: z.string(),
    email: z.string().nullable(),
    myshopifyDomain: z.string(),
    currencyCode: z.string().regex(/^[A-Z]{3}$/),
    ianaTimezone: z.string().min(1),
    plan: z.object({ displayName: z.string() }).nullable(),
  }),
});

export type ShopInfo = z.infer<typeof shopResponse>["shop"];

export async function fetchShopInfo(admin: AdminClient): Promise<ShopInfo> {
  return shopResponse.parse(await admin.request<unknown>(SHOP_QUERY)).shop;
}
