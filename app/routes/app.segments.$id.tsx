import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import { db, dbKind } from "~/db.server";
import { env } from "~/env.server";
import { resolveLocale } from "~/i18n";
import { wakeInProcessWorker } from "~/jobs/runtime.server";
import { authenticate } from "~/shopify.server";
import { loadEditor, submitEditor, submitPublishing } from "~/services/segment-editor.server";
import { segmentDiscountsOf } from "~/services/segment-discounts.server";
import { PUBLISHING_INTENT } from "~/components/segment-editor/PublishingCard";
import { COUNT_ACTION, SegmentEditor, type RefusedSave } from "~/components/segment-editor/SegmentEditor";
import { DiscountsCard } from "~/components/segment-editor/DiscountsCard";
import { useIntentToast } from "~/components/segment-editor/useIntentToast";

/** The editor for one segment of the session's shop, or a new one (`new`, optionally `?template=<key>`); anything else is 404. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const templateKey = new URL(request.url).searchParams.get("template");
  const editor = await loadEditor({ db, shop: session.shop, id: params.id ?? "", templateKey, locale: resolveLocale(request), apiKey: env().SHOPIFY_API_KEY });
  if (!editor) throw new Response("Not found", { status: 404 });
  // the segment discounts that name a saved segment
  const discounts = editor.segment ? await segmentDiscountsOf({ db, shop: session.shop, segmentId: editor.segment.id, now: new Date() }) : null;
  return { ...editor, discounts };
};

/**
 * Save, duplicate or delete: a redirect when done, else 400 with the field messages and the query's
 * problems (nothing saved); another shop's segment is 404. The form names the admin's language
 * for the messages, since in-app navigation drops Shopify's ?locale=.
 */
export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") === PUBLISHING_INTENT) {
    // the publishing card's toggles: its own answer, read by its fetcher
    const toggled = await submitPublishing({ db, shop: session.shop, id: params.id ?? "", form, now: new Date() });
    if (!toggled) throw new Response("Not found", { status: 404 });
    if (!toggled.ok) return data({ intent: PUBLISHING_INTENT, ...toggled }, { status: 400 });
    wakeInProcessWorker();
    return data({ intent: PUBLISHING_INTENT, ...toggled });
  }
  const locale = z.enum(["en", "nl"]).catch(resolveLocale(request)).parse(form.get("locale"));
  const result = await submitEditor({ db, kind: dbKind, shop: session.shop, id: params.id ?? "", form, now: new Date(), locale });
  if (!result) throw new Response("Not found", { status: 404 });
  if ("redirectTo" in result) return redirect(result.redirectTo);
  // what was submitted comes back with the refusal: the problems point into this text
  const submitted = { name: text(form.get("name")), description: text(form.get("description")), query: text(form.get("query")) };
  return data({ ...result, submitted } satisfies RefusedSave, { status: 400 });
};

const text = (value: FormDataEntryValue | null) => (typeof value === "string" ? value : "");

/** The live count posts while the merchant types: its answers change nothing the editor loaded. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) =>
  formAction === COUNT_ACTION ? false : defaultShouldRevalidate;

export default function SegmentEditorPage() {
  const editor = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  // the publishing card answers its own fetcher; what comes here is the editor form's refusal
  const errors = answer && "problems" in answer ? answer : undefined;
  useIntentToast(Boolean(errors));
  // a save or duplicate lands on the saved segment: start from what was stored
  const key = editor.segment ? `${editor.segment.id}:${editor.segment.updatedAt}` : `new:${editor.templateKey ?? ""}`;
  return (
    <SegmentEditor key={key} data={editor} errors={errors}>
      {editor.segment && editor.discounts ? <DiscountsCard segmentId={editor.segment.id} list={editor.discounts} /> : null}
    </SegmentEditor>
  );
}
