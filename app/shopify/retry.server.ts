/**
 * When the Admin client retries, and how long it waits: exponential backoff with full jitter
 * (a uniform wait between 0 and base × 2^(attempt−1), capped), at least what `Retry-After` asks.
 */

export interface RetryPolicy {
  /** attempts in all, the first included (default 6) */
  maxAttempts: number;
  /** the backoff ceiling of the first retry, in ms (default 1000: Shopify suggests waiting about a second after THROTTLED) */
  baseDelayMs: number;
  /** the backoff ceiling never grows past this (default 30 s) */
  maxDelayMs: number;
  /** a Retry-After longer than this is cut to it (default 5 min) */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 300_000 };

/** Full jitter: random() × min(maxDelay, base × 2^(attempt−1)), for the wait after failed attempt `attempt` (1-based). */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(Math.min(1, Math.max(0, random())) * ceiling);
}

/** `Retry-After` as delay-seconds ("2", "2.0") or an HTTP date, in ms from `nowMs`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** Socket-level failures worth another try (Node's and undici's codes). */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** The network failure behind an error (fetch's "fetch failed" wraps it in `cause`), e.g. "ECONNRESET"; null if it is not one. */
export function networkFailure(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const e = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name === "TimeoutError") return "timeout";
    current = e.cause;
  }
  // undici's own wrapper when the cause carries no code
  if (error instanceof TypeError && error.message === "fetch failed") return "fetch failed";
  return null;
}
