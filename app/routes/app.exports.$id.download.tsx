import { createReadStream } from "node:fs";
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { rowIdParams } from "~/components/row-id";
import { db } from "~/db.server";
import { downloadHeaders, exportFile, shopIdOf } from "~/services/exports.server";
import { authenticate } from "~/shopify.server";

/**
 * Streams a finished export's file (never read whole into memory). Another shop's export, an
 * unknown or unfinished one, or one whose file is gone is 404.
 */
export const loader = async ({ request, params: raw }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = rowIdParams.safeParse(raw);
  if (!parsed.success) throw new Response("Not found", { status: 404 });
  const shopId = await shopIdOf(db, session.shop);
  if (shopId === null) throw new Response("Not found", { status: 404 });
  const file = await exportFile(db, { shopId, id: parsed.data.id });
  if (!file) throw new Response("Not found", { status: 404 });
  return new Response(createReadableStreamFromReadable(createReadStream(file.path)), { status: 200, headers: downloadHeaders(file) });
};
