// Receives the bulk_operations/finish webhook (declared in shopify.app.toml).
export { webhookAction as action } from "~/services/webhook-route.server";
