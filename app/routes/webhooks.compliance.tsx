// Receives the compliance webhooks: customers/data_request, customers/redact, shop/redact (declared in shopify.app.toml).
export { webhookAction as action } from "~/services/webhook-route.server";
