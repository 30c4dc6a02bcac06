/** The app's typed Admin operations: documents (#graphql), zod schemas of their data, costs. */
export * from "./bulk-operations";
export * from "./shop";
export * from "./webhooks";
