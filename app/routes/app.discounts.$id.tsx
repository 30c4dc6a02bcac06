import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { adminClientFor, authenticate } from "~/shopify.server";
import { discountActionSchema, discountFormInput, loadDiscountEditor, postedValues, runDiscountAction, saveSegmentDiscount } from "~/services/segment-discounts.server";
import { DiscountForm, type RefusedDiscount } from "~/components/discounts/DiscountForm";
import type { DiscountErrors } from "~/services/segment-discounts.types";

/** An id in the URL: "new" or a stored discount's id; anything longer is no discount (404). */
const idParam = z.string().min(1).max(100);

/** The shop's discount, or a new one (`new`, optionally `?segment=<segment id>` to name that segment); anything else is 404. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = idParam.safeParse(params.id);
  const segmentId = new URL(request.url).searchParams.get("segment");
  const editor = id.success ? await loadDiscountEditor({ db, shop: session.shop, id: id.data, segmentId: segmentId && segmentId.length <= 100 ? segmentId : null, now: new Date() }) : null;
  if (!editor) throw new Response("Not found", { status: 404 });
  return editor;
};

/**
 * Save (create for "new", else update): a redirect to the saved discount, or the field messages
 * with what was submitted (400 for the form, 409 for Shopify's refusal, 502 when Shopify did not
 * answer). Pause and resume answer done or why not; delete goes back to the list. Another shop's
 * discount is 404.
 */
export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = idParam.safeParse(params.id);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const form = await request.formData();
  const admin = adminClientFor(env(), session.shop, session.accessToken ?? "");
  const now = new Date();
  const intent = form.get("intent");
  if (intent !== "save") {
    const parsed = discountActionSchema.safeParse({ intent, id: id.data });
    if (!parsed.success) return data({ ok: false, fields: { form: { key: "discounts.actionFailed", params: {} } }, status: 400 } satisfies DiscountErrors, { status: 400 });
    const done = await runDiscountAction({ db, admin, shop: session.shop, intent: parsed.data.intent, id: id.data, now });
    if (!done) throw new Response("Not found", { status: 404 });
    if (!done.ok) return data(done, { status: done.status });
    if (parsed.data.intent === "delete") return redirect("/app/discounts");
    return { ok: true as const, intent: parsed.data.intent };
  }
  const input = discountFormInput(form);
  const saved = await saveSegmentDiscount({ db, admin, shop: session.shop, id: id.data, form: input, now });
  if (!saved) throw new Response("Not found", { status: 404 });
  if (saved.ok) return redirect(`/app/discounts/${saved.id}`);
  return data({ ...saved, submitted: postedValues(input) } satisfies RefusedDiscount, { status: saved.status });
};

export default function SegmentDiscountPage() {
  const editor = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  // pause, resume and delete answer the page's fetcher; what comes here is a save's refusal
  const errors = answer && !answer.ok ? answer : undefined;
  // a save lands on the saved discount: start from what was stored
  const key = editor.discount ? `${editor.discount.id}:${editor.discount.updatedAt}` : "new";
  return <DiscountForm key={key} data={editor} errors={errors} />;
}
