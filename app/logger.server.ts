import pino from "pino";

/** Structured logs; LOG_LEVEL is read directly so logging works even when the environment is invalid. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { app: "segment-studio" },
  redact: ["accessToken", "*.accessToken", "headers.authorization", "headers['x-shopify-access-token']"],
});
