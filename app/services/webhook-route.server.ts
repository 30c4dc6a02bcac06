import type { ActionFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { authenticate } from "~/shopify.server";
import { receiveWebhook } from "./webhook-receiver.server";

/** The action every webhook route exports: authenticate, store in the inbox, answer. */
export const webhookAction = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, { authenticate: (r) => authenticate.webhook(r), db });
