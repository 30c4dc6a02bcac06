// Receives the metafield_definitions/delete webhook (declared in shopify.app.toml).
export { webhookAction as action } from "~/services/webhook-route.server";
