import { ClientError, GraphQLClient } from "graphql-request";
import type { z } from "zod";
import { estimateQueryCost, operationName, type AdminOperation } from "./graphql";
import { backoffDelay, DEFAULT_RETRY_POLICY, networkFailure, parseRetryAfter, type RetryPolicy } from "./retry.server";
import { BucketTooSmallError, bucketsFor, systemClock, type BucketRegistry, type Clock, type CostBucket, type ThrottleStatus } from "./throttle.server";

/**
 * The Admin GraphQL client for one shop: graphql-request with the shop's offline token at the
 * app's one pinned API version. The origin is configuration: unset it is the shop's own https
 * origin; tests and the demo point it at the local stand-in.
 *
 * Every call is paced by the shop's cost bucket (throttle.server.ts): it waits until the query's
 * cost fits the bucket as last read from `extensions.cost.throttleStatus`, shared by every client
 * of the shop in the process. THROTTLED, HTTP 429 (after its Retry-After), 5xx and network
 * failures are retried with exponential backoff and full jitter up to `maxAttempts`; then — and
 * at once for any other GraphQL error or 4xx — the call fails with an AdminApiError saying why.
 */
export interface AdminClientOptions {
  shop: string;
  accessToken: string;
  apiVersion: string;
  /** e.g. "http://127.0.0.1:4100"; defaults to https://<shop> */
  origin?: string;
  fetch?: typeof fetch;
  /** retry limits; see DEFAULT_RETRY_POLICY (6 attempts, backoff from 1 s up to 30 s) */
  retry?: Partial<RetryPolicy>;
  /** time and waiting (tests pass a virtual clock); default the system's */
  clock?: Clock;
  /** jitter source in [0, 1); default Math.random */
  random?: () => number;
  /** where the shop's bucket lives; default one registry per clock, so clients of a shop share it */
  buckets?: BucketRegistry;
  /** per attempt, in ms (default 60 s); a timeout counts as a network failure */
  timeoutMs?: number;
  /** retries and answers, for logs and metrics */
  onEvent?: (event: AdminClientEvent) => void;
}

/** Shopify's extensions.cost on every Admin GraphQL answer. */
export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export type AdminClientEvent =
  | { type: "response"; shop: string; operation: string | null; attempt: number; cost: QueryCost | null }
  | { type: "retry"; shop: string; operation: string | null; attempt: number; delayMs: number; reason: string };

export interface AdminRequestOptions {
  /** the query's requested cost, when the caller knows better than the document's estimate */
  cost?: number;
  signal?: AbortSignal;
}

export interface AdminClient {
  readonly shop: string;
  readonly endpoint: string;
  /** the shop's cost bucket this client paces itself by */
  readonly bucket: CostBucket;
  request<T>(document: string, variables?: Record<string, unknown>, options?: AdminRequestOptions): Promise<T>;
}

export interface AdminApiErrorDetails {
  operation?: string | null;
  /** attempts made before giving up (1 when not retried) */
  attempts?: number;
  /** whether the failure was of a retryable kind (so a later job may succeed) */
  retryable?: boolean;
  /** for an answer that failed validation: where in `data` */
  path?: readonly PropertyKey[];
  cause?: unknown;
}

export class AdminApiError extends Error {
  override name = "AdminApiError";
  readonly operation: string | null;
  readonly attempts: number;
  readonly retryable: boolean;
  readonly path: readonly PropertyKey[] | undefined;
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly codes: string[],
    details: AdminApiErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.operation = details.operation ?? null;
    this.attempts = details.attempts ?? 1;
    this.retryable = details.retryable ?? false;
    this.path = details.path;
  }
}

export function adminEndpoint({ shop, apiVersion, origin }: Pick<AdminClientOptions, "shop" | "apiVersion" | "origin">): string {
  const base = (origin ?? `https://${shop}`).replace(/\/+$/, "");
  return `${base}/admin/api/${apiVersion}/graphql.json`;
}

/** Cost of a document whose cost is unknown and cannot be estimated (it does not parse). */
const UNKNOWN_COST = 50;

/** Shopify's requestedQueryCost per document and numeric variables (first/last), as last answered. */
const learnedCosts = new Map<string, number>();

function costKey(document: string, variables: Record<string, unknown> | undefined): string {
  const numeric = Object.entries(variables ?? {})
    .filter(([, v]) => typeof v === "number")
    .sort(([a], [b]) => a.localeCompare(b));
  return `${document}\u0000${JSON.stringify(numeric)}`;
}

function learnCost(key: string, requested: number): void {
  if (learnedCosts.size >= 1000) learnedCosts.clear();
  learnedCosts.set(key, requested);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** extensions.cost, if the answer carries a well-formed one. */
export function readQueryCost(extensions: unknown): QueryCost | null {
  const cost = isRecord(extensions) ? extensions["cost"] : undefined;
  if (!isRecord(cost)) return null;
  const status = cost["throttleStatus"];
  if (!isRecord(status)) return null;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : null);
  const maximumAvailable = num(status["maximumAvailable"]);
  const currentlyAvailable = num(status["currentlyAvailable"]);
  const restoreRate = num(status["restoreRate"]);
  const requested = num(cost["requestedQueryCost"]);
  if (maximumAvailable === null || currentlyAvailable === null || restoreRate === null || requested === null) return null;
  return { requestedQueryCost: requested, actualQueryCost: num(cost["actualQueryCost"]), throttleStatus: { maximumAvailable, currentlyAvailable, restoreRate } };
}

/** One failed attempt, classified. */
interface Failure {
  retryable: boolean;
  status: number | undefined;
  codes: string[];
  detail: string;
  retryAfterMs: number | null;
  cost: QueryCost | null;
}

/** What a non-GraphQL error body says: `{"errors": "…"}` as Shopify sends for 4xx/5xx, else the text. */
function bodyMessage(body: string | undefined): string {
  if (!body) return "";
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) {
      const errors = parsed["errors"];
      if (typeof errors === "string") return errors;
      if (Array.isArray(errors)) return errors.map((e) => (isRecord(e) && typeof e["message"] === "string" ? e["message"] : JSON.stringify(e))).join("; ");
      if (errors !== undefined) return JSON.stringify(errors);
    }
  } catch {
    // not JSON: a proxy's HTML page, say
  }
  const text = body.replace(/\s+/g, " ").trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function classify(error: unknown, nowMs: number): Failure | null {
  if (error instanceof ClientError) {
    const { response } = error;
    const status = response.status;
    const cost = readQueryCost(response.extensions);
    const errors = Array.isArray(response.errors) ? response.errors : [];
    const codes = errors.map((e) => String(e.extensions?.["code"] ?? "")).filter(Boolean);
    if (status >= 200 && status < 300) {
      // GraphQL errors in a 200: only THROTTLED is worth another try (older answers carry just the message)
      const throttled = codes.includes("THROTTLED") || errors.some((e) => e.message === "Throttled");
      const messages = errors.map((e) => e.message).join("; ") || "GraphQL error";
      if (!throttled) return { retryable: false, status, codes, detail: messages, retryAfterMs: null, cost };
      const level = cost ? ` (query cost ${cost.requestedQueryCost}, ${cost.throttleStatus.currentlyAvailable} of ${cost.throttleStatus.maximumAvailable} available)` : "";
      return { retryable: true, status, codes: codes.includes("THROTTLED") ? codes : [...codes, "THROTTLED"], detail: `${messages}${level}`, retryAfterMs: null, cost };
    }
    const message = bodyMessage(typeof response.body === "string" ? response.body : undefined);
    const detail = `HTTP ${status}${message ? `: ${message}` : ""}`;
    const retryable = status === 429 || status >= 500;
    const retryAfterMs = retryable ? parseRetryAfter(response.headers?.get("retry-after"), nowMs) : null;
    return { retryable, status, codes, detail, retryAfterMs, cost };
  }
  const network = networkFailure(error);
  if (network) return { retryable: true, status: undefined, codes: [], detail: `network error (${network})`, retryAfterMs: null, cost: null };
  return null;
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const endpoint = adminEndpoint(options);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const bucket = (options.buckets ?? bucketsFor(clock)).for(new URL(endpoint).origin, options.accessToken);
  const client = new GraphQLClient(endpoint, {
    headers: { "X-Shopify-Access-Token": options.accessToken, "Content-Type": "application/json" },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const emit = (event: AdminClientEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // an observer's failure is not the call's
    }
  };

  async function request<T>(document: string, variables?: Record<string, unknown>, requestOptions: AdminRequestOptions = {}): Promise<T> {
    const operation = operationName(document);
    const label = `Admin API ${options.shop}${operation ? ` ${operation}` : ""}`;
    const key = costKey(document, variables);
    let answeredCost: number | null = null;
    for (let attempt = 1; ; attempt++) {
      // what this attempt may cost: the caller's figure, Shopify's answer to the last attempt or an
      // earlier call, else the document's estimate (capped at the bucket size: only an estimate)
      const known = requestOptions.cost ?? answeredCost ?? learnedCosts.get(key);
      let ticket;
      try {
        ticket = await bucket.acquire(known ?? estimateQueryCost(document, variables ?? {}) ?? UNKNOWN_COST, { clamp: known === undefined });
      } catch (error) {
        if (error instanceof BucketTooSmallError) {
          throw new AdminApiError(`${label}: ${error.message}; it can never run`, undefined, ["BUCKET_TOO_SMALL"], { operation, attempts: attempt, cause: error });
        }
        throw error;
      }
      let failure: Failure | null;
      try {
        const signal = requestOptions.signal ? AbortSignal.any([requestOptions.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
        const response = await client.rawRequest<T, Record<string, unknown>>({ query: document, variables: variables ?? {}, signal });
        const cost = readQueryCost(response.extensions);
        bucket.settle(ticket, cost?.throttleStatus ?? null);
        if (cost) learnCost(key, cost.requestedQueryCost);
        emit({ type: "response", shop: options.shop, operation, attempt, cost });
        return response.data;
      } catch (error) {
        failure = classify(error, clock.now());
        // no reading: it may have been charged (a 5xx after execution), so assume it was
        bucket.settle(ticket, failure?.cost?.throttleStatus ?? null, true);
        if (requestOptions.signal?.aborted) throw error;
        if (!failure) {
          if (error instanceof Error) throw new AdminApiError(`${label}: ${error.message}`, undefined, [], { operation, attempts: attempt, cause: error });
          throw error;
        }
        if (failure.cost) {
          learnCost(key, failure.cost.requestedQueryCost);
          answeredCost = failure.cost.requestedQueryCost;
        }
        emit({ type: "response", shop: options.shop, operation, attempt, cost: failure.cost });
        if (!failure.retryable) {
          throw new AdminApiError(`${label}: ${failure.detail}`, failure.status, failure.codes, { operation, attempts: attempt, retryable: false, cause: error });
        }
        if (attempt >= maxAttempts) {
          throw new AdminApiError(`${label}: gave up after ${attempt} attempts: ${failure.detail}`, failure.status, failure.codes, { operation, attempts: attempt, retryable: true, cause: error });
        }
      }
      const backoff = backoffDelay(attempt, policy, random);
      const delayMs = Math.max(backoff, Math.min(failure.retryAfterMs ?? 0, policy.maxRetryAfterMs));
      emit({ type: "retry", shop: options.shop, operation, attempt, delayMs, reason: failure.detail });
      await clock.sleep(delayMs);
    }
  }

  return { shop: options.shop, endpoint, bucket, request };
}

/** Shopify returns mutation failures as userErrors with a 200; this turns them into one error. */
export function assertNoUserErrors(operation: string, userErrors: readonly { field?: readonly string[] | null; message: string; code?: string | null }[]): void {
  if (userErrors.length === 0) return;
  const detail = userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message)).join("; ");
  const codes = userErrors.map((e) => e.code).filter((c): c is string => typeof c === "string" && c !== "");
  throw new AdminApiError(`${operation} failed: ${detail}`, 200, ["USER_ERRORS", ...codes], { operation });
}

/**
 * Checks an answer's `data` against its zod schema; a mismatch is an AdminApiError naming the
 * path that failed ("data.shop.currencyCode"), so a changed or unexpected answer fails the job
 * with a reason instead of corrupting what the app stores.
 */
export function parseAdminResponse<S extends z.ZodType>(shop: string, document: string, schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const operation = operationName(document);
  const [first, ...rest] = result.error.issues;
  const path = first?.path ?? [];
  const where = ["data", ...path.map((p) => String(p))].join(".");
  const more = rest.length ? ` (and ${rest.length} more)` : "";
  throw new AdminApiError(`Admin API ${shop}${operation ? ` ${operation}` : ""}: unexpected response at ${where}: ${first?.message ?? "invalid"}${more}`, 200, ["INVALID_RESPONSE"], {
    operation,
    path,
    cause: result.error,
  });
}

/** Sends a document and validates its `data` with a zod schema (see parseAdminResponse). */
export async function adminQuery<S extends z.ZodType>(
  client: AdminClient,
  document: string,
  variables: Record<string, unknown> | undefined,
  schema: S,
  options?: AdminRequestOptions,
): Promise<z.output<S>> {
  const data = await client.request<unknown>(document, variables, options);
  return parseAdminResponse(client.shop, document, schema, data);
}

/** Runs a typed operation from app/shopify/operations: its document, cost and schema. */
export function runOperation<Data, Variables extends Record<string, unknown>>(
  client: AdminClient,
  operation: AdminOperation<Data, Variables>,
  ...[variables, options]: keyof Variables extends never ? [variables?: Variables, options?: AdminRequestOptions] : [variables: Variables, options?: AdminRequestOptions]
): Promise<Data> {
  const requestOptions = { ...(operation.cost === undefined ? {} : { cost: operation.cost }), ...options };
  return adminQuery(client, operation.document, variables, operation.schema, requestOptions) as Promise<Data>;
}
