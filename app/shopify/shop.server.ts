import { runOperation, type AdminClient } from "./admin-client.server";
import { shopQuery, type ShopQueryData } from "./operations/shop";

export type ShopInfo = ShopQueryData["shop"];

export async function fetchShopInfo(admin: AdminClient): Promise<ShopInfo> {
  return (await runOperation(admin, shopQuery)).shop;
}
