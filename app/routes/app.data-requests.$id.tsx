import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { getDataRequestReport } from "~/services/privacy.server";
import { authenticate } from "~/shopify.server";

const params = z.object({ id: z.coerce.number().int().positive() });

/**
 * Downloads a customers/data_request report (everything the app holds about that customer) for the
 * merchant to send on. Another shop's request, or one that does not exist, is 404.
 */
export const loader = async ({ request, params: raw }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = params.safeParse(raw);
  if (!parsed.success) throw new Response("Not found", { status: 404 });
  const report = await getDataRequestReport(db, { shop: session.shop, id: parsed.data.id });
  if (!report) throw new Response("Not found", { status: 404 });
  if (report.report === null) throw new Response(report.erased ? "This report was erased when the customer was redacted." : "The report is being assembled.", { status: 409 });
  return new Response(report.report, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="customer-data-request-${report.id}.json"`,
      "Cache-Control": "no-store",
    },
  });
};
