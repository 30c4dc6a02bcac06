export * from "./payloads";
export * from "./sender";
