import { resolve } from "node:path";
import { z } from "zod";

/** Comma-separated access scopes, e.g. "read_customers,write_customers". */
const scopeList = z
  .string()
  .min(1, "must list the app's access scopes, comma-separated")
  .transform((value) => value.split(",").map((scope) => scope.trim()).filter(Boolean))
  .refine((scopes) => scopes.every((scope) => /^(unauthenticated_)?(read|write)_[a-z_]+$/.test(scope)), {
    message: 'each scope looks like "read_customers" or "write_orders"',
  });

const flag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((value) => value === "1" || value === "true");

/** Where export files are written unless EXPORTS_DIR says otherwise (relative to the working directory). */
export const DEFAULT_EXPORTS_DIR = ".data/exports";

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    SHOPIFY_API_KEY: z.string().min(1, "is the app's client id from the Partner Dashboard"),
    SHOPIFY_API_SECRET: z.string().min(1, "is the app's client secret from the Partner Dashboard"),
    SHOPIFY_APP_URL: z.url("must be the app's public URL, e.g. https://example.com"),
    SCOPES: scopeList,
    DATABASE_URL: z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with "file:" (SQLite) or "postgresql://" (PostgreSQL)'),
    SHOP_CUSTOM_DOMAIN: z.string().optional(),
    /** Where the Admin API is reached; unset means https://<shop>. Tests and the demo point it at the stand-in. */
    SHOPIFY_ADMIN_API_ORIGIN: z.url("must be an origin such as http://127.0.0.1:4100").optional(),
    /** Subscribe each shop to webhooks through the Admin API at install, instead of shopify.app.toml. */
    SHOPIFY_WEBHOOKS_VIA_API: flag,
    /** Signs a local session into the demo shop; refused in production. */
    DEMO_MODE: flag,
    DEMO_SHOP: z.string().optional(),
    /**
     * Run the background jobs (sync, webhook processing, daily work) inside the web process: on by
     * default. "0" for a web process beside dedicated workers (`npm run worker`, PostgreSQL).
     */
    JOBS_IN_PROCESS: z
      .enum(["1", "0", "true", "false", ""])
      .optional()
      .transform((value) => value !== "0" && value !== "false"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /**
     * Where segment exports are written and served from (absolute, or relative to the working
     * directory). Web processes and workers must share it when they run on different machines.
     */
    EXPORTS_DIR: z
      .string()
      .trim()
      .default(DEFAULT_EXPORTS_DIR)
      .refine((value) => value.length > 0, "must name a directory, e.g. /var/lib/segment-studio/exports")
      .transform((value) => resolve(value)),
  })
  .superRefine((env, ctx) => {
    if (env.DEMO_MODE && env.NODE_ENV === "production") {
      ctx.addIssue({ code: "custom", path: ["DEMO_MODE"], message: "cannot be on when NODE_ENV=production" });
    }
    if (env.DEMO_MODE && !env.DEMO_SHOP) {
      ctx.addIssue({ code: "custom", path: ["DEMO_SHOP"], message: "names the demo shop's myshopify domain when DEMO_MODE is on" });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parses an environment; the error names every missing or bad variable, one per line. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const missing = issue.code === "invalid_type" && source[name] === undefined;
    return `  ${name}: ${missing ? "is missing" : issue.message}`;
  });
  return fail(lines);
}

function fail(lines: string[]): never {
  throw new EnvError(`The app cannot start; fix these environment variables:\n${lines.join("\n")}`);
}

let cached: Env | undefined;

/** The process environment, validated once; throws EnvError at start when it is wrong. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
