import { data, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db, dbKind } from "~/db.server";
import { resolveLocale } from "~/i18n";
import { authenticate } from "~/shopify.server";
import { countSegment, QUERY_MAX } from "~/services/segments.server";

/**
 * POST /app/segments/count with form field `query`: the editor's live count and first members
 * (CountResponse). A query with problems is a normal answer while typing (200, ok: false). No
 * loader: a GET is answered 405 by Remix. The form may name the admin's language (`locale`) for
 * the problems, since in-app navigation drops Shopify's ?locale=.
 */
const CountForm = z.object({ query: z.string().max(QUERY_MAX) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  if (request.method !== "POST") return data({ error: "POST the query" }, { status: 405 });
  const form = await request.formData();
  const parsed = CountForm.safeParse({ query: form.get("query") });
  if (!parsed.success) return data({ error: `query: text of at most ${QUERY_MAX} characters` }, { status: 400 });
  const locale = z.enum(["en", "nl"]).catch(resolveLocale(request)).parse(form.get("locale"));
  const count = await countSegment({ db, kind: dbKind, shop: session.shop, query: parsed.data.query, now: new Date(), locale });
  if (!count) throw new Response("Not found", { status: 404 });
  return count;
};
