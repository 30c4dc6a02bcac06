import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { env } from "~/env.server";
import { resolveLocale } from "~/i18n";
import { assertDemoAllowed, demoAppUrl, DemoRefused } from "~/services/demo.server";

/** GET /demo: signs the browser in to the demo shop and opens the embedded admin. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const config = env();
  try {
    const { shop } = assertDemoAllowed(config);
    throw redirect(await demoAppUrl(config, shop, resolveLocale(request)));
  } catch (error) {
    if (error instanceof DemoRefused) throw new Response(error.message, { status: 404 });
    throw error;
  }
};
