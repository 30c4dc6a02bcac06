import type { LoaderFunctionArgs } from "@remix-run/node";
import { env } from "~/env.server";
import { assertDemoAllowed, DemoRefused, mintSessionToken } from "~/services/demo.server";

/** GET /demo/session-token: what App Bridge's shopify.idToken() returns inside Shopify admin. */
export const loader = async (_args: LoaderFunctionArgs) => {
  const config = env();
  try {
    const { shop } = assertDemoAllowed(config);
    const token = await mintSessionToken({ apiKey: config.SHOPIFY_API_KEY, apiSecret: config.SHOPIFY_API_SECRET, shop });
    return Response.json({ token }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof DemoRefused) return new Response(error.message, { status: 404 });
    throw error;
  }
};
