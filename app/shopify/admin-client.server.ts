import { GraphQLClient, ClientError } from "graphql-request";

/**
 * The Admin GraphQL client for one shop. The origin is configuration: unset it is the shop's own
 * https origin; tests and the demo point it at the local stand-in. (The sync issue adds cost-aware
 * pacing and retries on top of this.)
 */
export interface AdminClientOptions {
  shop: string;
  accessToken: string;
  apiVersion: string;
  /** e.g. "http://127.0.0.1:4100"; defaults to https://<shop> */
  origin?: string;
  fetch?: typeof fetch;
}

export interface AdminClient {
  readonly endpoint: string;
  request<T>(document: string, variables?: Record<string, unknown>): Promise<T>;
}

export class AdminApiError extends Error {
  override name = "AdminApiError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly codes: string[],
  ) {
    super(message);
  }
}

export function adminEndpoint({ shop, apiVersion, origin }: Pick<AdminClientOptions, "shop" | "apiVersion" | "origin">): string {
  const base = (origin ?? `https://${shop}`).replace(/\/+$/, "");
  return `${base}/admin/api/${apiVersion}/graphql.json`;
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const endpoint = adminEndpoint(options);
  const client = new GraphQLClient(endpoint, {
    headers: { "X-Shopify-Access-Token": options.accessToken, "Content-Type": "application/json" },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    endpoint,
    async request<T>(document: string, variables?: Record<string, unknown>): Promise<T> {
      try {
        return await client.request<T>(document, variables);
      } catch (error) {
        if (error instanceof ClientError) {
          const errors = error.response.errors ?? [];
          const codes = errors.map((e) => String(e.extensions?.["code"] ?? "")).filter(Boolean);
          const detail = errors.map((e) => e.message).join("; ") || `HTTP ${error.response.status}`;
          throw new AdminApiError(`Admin API ${options.shop}: ${detail}`, error.response.status, codes);
        }
        throw error;
      }
    },
  };
}

/** Shopify returns mutation failures as userErrors with a 200; this turns them into one error. */
export function assertNoUserErrors(operation: string, userErrors: readonly { field?: readonly string[] | null; message: string }[]): void {
  if (userErrors.length === 0) return;
  const detail = userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message)).join("; ");
  throw new AdminApiError(`${operation} failed: ${detail}`, 200, ["USER_ERRORS"]);
}
