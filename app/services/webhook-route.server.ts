import type { ActionFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { wakeInProcessWorker } from "~/jobs/runtime.server";
import { authenticate } from "~/shopify.server";
import { receiveWebhook } from "./webhook-receiver.server";

/** The action every webhook route exports: authenticate, store in the inbox, answer — and wake the worker that processes it. */
export async function webhookAction({ request }: ActionFunctionArgs): Promise<Response> {
  const response = await receiveWebhook(request, { authenticate: (r) => authenticate.webhook(r), db });
  if (response.status === 200) wakeInProcessWorker();
  return response;
}
