import type { LoaderFunctionArgs } from "@remix-run/node";
import { env } from "~/env.server";
import { APP_BRIDGE_STUB } from "~/demo/app-bridge-stub";
import { assertDemoAllowed, DemoRefused } from "~/services/demo.server";

/** GET /demo/app-bridge.js: the demo's stand-in for Shopify's App Bridge script. */
export const loader = async (_args: LoaderFunctionArgs) => {
  try {
    assertDemoAllowed(env());
  } catch (error) {
    if (error instanceof DemoRefused) return new Response(error.message, { status: 404 });
    throw error;
  }
  return new Response(APP_BRIDGE_STUB, { headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" } });
};
