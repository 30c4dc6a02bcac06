import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db, dbKind } from "~/db.server";
import { resolveLocale } from "~/i18n";
import { authenticate } from "~/shopify.server";
import { isSuggestionFilter, suggestValues } from "~/services/segments.server";

/**
 * GET /app/segments/suggestions?filter=<name>&q=<text>[&limit=n]: values from the store for the
 * editor's value input (SuggestionsResponse). `filter` is a filter of the catalogue, a
 * `metafields.<namespace>.<key>` filter or a function parameter (`products_purchased.sku`); any
 * other name is a 400.
 */
const SuggestionParams = z.object({
  filter: z.string().max(200).refine(isSuggestionFilter, "unknown filter"),
  q: z.string().max(200).default(""),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const parsed = SuggestionParams.safeParse({ filter: url.searchParams.get("filter") ?? undefined, q: url.searchParams.get("q") ?? undefined, limit: url.searchParams.get("limit") ?? undefined });
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
    return data({ error: "bad suggestion request", fields }, { status: 400 });
  }
  return suggestValues({ db, kind: dbKind, shop: session.shop, ...parsed.data, locale: resolveLocale(request) });
};
