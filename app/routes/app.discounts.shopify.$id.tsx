import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { authenticate } from "~/shopify.server";
import { discountIdForShopifyId } from "~/services/segment-discounts.server";

/**
 * Shopify's discount pages link an app discount's details here with its numeric id (the
 * extension's `[extensions.ui.paths] details = "/app/discounts/shopify/:id"`): on to the app's page
 * for it (Shopify's redirect helper keeps the admin's parameters); a discount that is not this
 * shop's segment discount is 404.
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, redirect } = await authenticate.admin(request);
  const id = await discountIdForShopifyId({ db, shop: session.shop, numericId: params.id ?? "" });
  if (!id) throw new Response("Not found", { status: 404 });
  return redirect(`/app/discounts/${id}`);
};
