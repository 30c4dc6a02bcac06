import { createHmac, randomUUID } from "node:crypto";

/**
 * Delivers webhooks the way Shopify does: a JSON POST signed with the app secret
 * (X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw body), Shopify's headers, at-least-once
 * with retries to the address the subscription had when the event happened; and, on demand, the
 * misbehaviour apps must survive: duplicates, delays, reordering, bad or missing signatures.
 */
export interface WebhookSenderOptions {
  /** the app's client secret, the HMAC key */
  appSecret: string;
  /** sent as X-Shopify-API-Version: the version of the subscription */
  apiVersion: string;
  /** sent as X-Shopify-Shop-Domain, e.g. "cdnow-demo.myshopify.com" */
  shopDomain: string;
  fetch?: typeof fetch;
  /** the clock for X-Shopify-Triggered-At and the `ms` of each attempt */
  now?: () => Date;
  /** seeded randomness for webhook/event ids and shuffles; without it ids are random UUIDs */
  random?: () => number;
  /** waits before each retry, in ms; at most 8 are used. Default {@link SHOPIFY_RETRY_SCHEDULE_MS} */
  retrySchedule?: readonly number[];
  /** an attempt that has not answered in this many ms counts as failed; default 5000 (Shopify's total timeout) */
  timeoutMs?: number;
}

/** One webhook: a topic's body for one subscription address. */
export interface WebhookDelivery {
  topic: string;
  /** the subscription's address (callback URL) */
  address: string;
  /** the JSON body; serialised once, so every attempt sends the same bytes */
  payload: unknown;
  /** when the event happened; default now(). A string is sent as is (Shopify sends nanoseconds) */
  triggeredAt?: Date | string;
  /** default: a fresh UUID per delivery */
  webhookId?: string;
  /** default: a fresh UUID per event */
  eventId?: string;
}

/** One event sent to every subscription of its topic: one delivery (and webhook id) per address, one event id. */
export interface WebhookEvent extends Omit<WebhookDelivery, "address" | "webhookId"> {
  addresses: readonly string[];
}

/** Misbehaviour on demand. */
export interface DeliveryOptions {
  /** send the same delivery this many extra times (same webhook id, headers and body) */
  duplicate?: number;
  /** wait this long before the first attempt */
  delayMs?: number;
  /** sign with a wrong secret */
  misSign?: boolean;
  /** leave X-Shopify-Hmac-Sha256 out */
  dropHmac?: boolean;
}

/** One HTTP attempt, as `deliveries()` reports it. */
export interface DeliveryAttempt {
  topic: string;
  webhookId: string;
  eventId: string;
  address: string;
  /** 0 for the delivery itself, 1… for its duplicates */
  copy: number;
  /** 1 for the first try, 2… for retries */
  attempt: number;
  /** the HTTP status, "timeout" past timeoutMs, "error" when the connection failed */
  status: number | "timeout" | "error";
  ok: boolean;
  ms: number;
}

/** Shopify gives up after 8 retries (changelog 2024-09-10: "8 times over 4 hours"). */
export const MAX_RETRIES = 8;

/** Waits of an exponential backoff: `firstMs`, then each `factor` times the one before. */
export function exponentialBackoff(firstMs: number, retries: number = MAX_RETRIES, factor = 2): number[] {
  return Array.from({ length: retries }, (_, i) => Math.round(firstMs * factor ** i));
}

/**
 * Shopify publishes only "8 retries over 4 hours with exponential backoff"; doubling from about
 * 56 s fills those 4 hours exactly (56 s, 113 s, … 2 h).
 */
export const SHOPIFY_RETRY_SCHEDULE_MS: readonly number[] = exponentialBackoff(Math.round((4 * 3_600_000) / (2 ** MAX_RETRIES - 1)));

/** A delivery with everything fixed at trigger time, so retries and duplicates repeat it exactly. */
interface Prepared {
  topic: string;
  address: string;
  webhookId: string;
  eventId: string;
  body: string;
  headers: Record<string, string>;
  options: DeliveryOptions;
}

/** A v4-shaped UUID from an injected random source, so seeded runs get the same ids. */
function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "4";
  hex[16] = ((Math.floor(random() * 16) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Shopify's webhook delivery for one shop. Each delivery is signed with the app secret, carries
 * Shopify's headers, is retried on a non-2xx answer (redirects included: Shopify does not follow
 * them), a timeout or a connection error, at most 8 times, and every attempt is logged.
 * Deterministic (ids, shuffles, timestamps) when `random` and `now` are injected.
 */
export class WebhookSender {
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly newId: () => string;
  private readonly retrySchedule: readonly number[];
  private readonly timeoutMs: number;
  private readonly log: DeliveryAttempt[] = [];
  private held: Prepared[] | null = null;
  /** aborts waits between retries when stop() is called */
  private stopping = new AbortController();

  constructor(private readonly options: WebhookSenderOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    const random = options.random;
    this.newId = random ? () => uuidFrom(random) : () => randomUUID();
    this.retrySchedule = (options.retrySchedule ?? SHOPIFY_RETRY_SCHEDULE_MS).slice(0, MAX_RETRIES);
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** The value of X-Shopify-Hmac-Sha256 for a raw body. */
  static sign(body: string | Uint8Array, secret: string): string {
    return createHmac("sha256", secret).update(body).digest("base64");
  }

  /**
   * Sends one delivery (and its duplicates), retrying per the schedule; resolves when every attempt
   * is over and never rejects (outcomes are in `deliveries()`). While held, it resolves once queued
   * and `release()` does the sending.
   */
  async send(delivery: WebhookDelivery, options: DeliveryOptions = {}): Promise<void> {
    const prepared = this.prepare(delivery, delivery.eventId ?? this.newId(), options);
    // resolving at queue time keeps a caller's "wait until settled" from waiting on a release that follows it
    if (this.held) {
      this.held.push(prepared);
      return;
    }
    await this.deliver(prepared);
  }

  /**
   * Sends one event to several subscriptions of its topic, as Shopify does: the same event id and
   * trigger time, a webhook id of its own for each address. Deliveries run side by side.
   */
  async publish(event: WebhookEvent, options: DeliveryOptions = {}): Promise<void> {
    const eventId = event.eventId ?? this.newId();
    const triggeredAt = event.triggeredAt ?? this.now();
    await Promise.all(event.addresses.map((address) => this.send({ ...event, address, eventId, triggeredAt }, options)));
  }

  /** From now on, queue deliveries instead of sending them. */
  hold(): void {
    this.held ??= [];
  }

  /**
   * Stops holding and sends what was held, one after another, in the order asked for ("shuffle"
   * draws from `random`); resolves when all are done.
   */
  async release({ order = "fifo" }: { order?: "fifo" | "reverse" | "shuffle" } = {}): Promise<void> {
    const queue = this.held ?? [];
    this.held = null;
    if (order === "reverse") queue.reverse();
    if (order === "shuffle") {
      // Fisher-Yates with the injected random, so a seed gives the same order every run
      for (let i = queue.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        const a = queue[i];
        const b = queue[j];
        if (a === undefined || b === undefined) continue;
        queue[i] = b;
        queue[j] = a;
      }
    }
    for (const prepared of queue) await this.deliver(prepared);
  }

  /** How many deliveries wait for `release`. */
  heldCount(): number {
    return this.held?.length ?? 0;
  }

  /** Every attempt so far, in the order made (retries and duplicates included). */
  deliveries(): readonly DeliveryAttempt[] {
    return this.log;
  }

  /** Cancels pending retries (their sends resolve without further attempts); later sends work as before. */
  stop(): void {
    this.stopping.abort();
    this.stopping = new AbortController();
  }

  private prepare(delivery: WebhookDelivery, eventId: string, options: DeliveryOptions): Prepared {
    const body = JSON.stringify(delivery.payload);
    const webhookId = delivery.webhookId ?? this.newId();
    const triggeredAt = delivery.triggeredAt ?? this.now();
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": "Shopify-Captain-Hook",
      "X-Shopify-Topic": delivery.topic,
      "X-Shopify-Shop-Domain": this.options.shopDomain,
      "X-Shopify-API-Version": this.options.apiVersion,
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Triggered-At": typeof triggeredAt === "string" ? triggeredAt : triggeredAt.toISOString(),
      "X-Shopify-Event-Id": eventId,
    };
    if (!options.dropHmac) headers["X-Shopify-Hmac-Sha256"] = WebhookSender.sign(body, options.misSign ? `${this.options.appSecret}-not-the-secret` : this.options.appSecret);
    return { topic: delivery.topic, address: delivery.address, webhookId, eventId, body, headers, options };
  }

  private async deliver(prepared: Prepared): Promise<void> {
    if (prepared.options.delayMs) await sleep(prepared.options.delayMs);
    for (let copy = 0; copy <= (prepared.options.duplicate ?? 0); copy++) await this.attemptWithRetries(prepared, copy);
  }

  private async attemptWithRetries(prepared: Prepared, copy: number): Promise<void> {
    const stopped = this.stopping.signal;
    for (let attempt = 1; attempt <= this.retrySchedule.length + 1; attempt++) {
      const started = this.now().getTime();
      const status = await this.attempt(prepared);
      const ok = typeof status === "number" && status >= 200 && status < 300;
      this.log.push({ topic: prepared.topic, webhookId: prepared.webhookId, eventId: prepared.eventId, address: prepared.address, copy, attempt, status, ok, ms: this.now().getTime() - started });
      const wait = this.retrySchedule[attempt - 1];
      if (ok || wait === undefined) return;
      if (!(await sleep(wait, stopped))) return;
    }
  }

  private async attempt({ address, body, headers }: Prepared): Promise<DeliveryAttempt["status"]> {
    try {
      const response = await this.fetchImpl(address, { method: "POST", body, headers, redirect: "manual", signal: AbortSignal.timeout(this.timeoutMs) });
      // reading the body inside the timeout: Shopify's 5 s covers the whole answer
      await response.arrayBuffer();
      return response.status;
    } catch (error) {
      return error instanceof Error && error.name === "TimeoutError" ? "timeout" : "error";
    }
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
