// @ts-check
// The Function's exports, one per target in shopify.extension.toml
// (export "cart-lines-discounts-generate-run" → cartLinesDiscountsGenerateRun, and so on).
export { cartLinesDiscountsGenerateRun } from "./cart_lines_discounts_generate_run.js";
export { cartDeliveryOptionsDiscountsGenerateRun } from "./cart_delivery_options_discounts_generate_run.js";
