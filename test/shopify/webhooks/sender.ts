import { createHmac, randomUUID } from "node:crypto";

/**
 * Delivers webhooks the way Shopify does: a JSON POST signed with the app secret
 * (X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw body), Shopify's headers, at-least-once
 * with retries; and, on demand, the misbehaviour apps must survive — duplicates, delays,
 * reordering, bad signatures.
 */
export interface WebhookSenderOptions {
  appSecret: string;
  apiVersion: string;
  shopDomain: string;
  fetch?: typeof fetch;
  now?: () => Date;
  /** seeded randomness for shuffles; defaults to Math.random */
  random?: () => number;
  /** waits before each retry, in ms (longer lists are cut to 8); default: Shopify's 8 retries over about four hours */
  retrySchedule?: number[];
  /** per-attempt limit before it counts as a timeout; default 5000 (Shopify's total timeout) */
  timeoutMs?: number;
}

export interface WebhookDelivery {
  topic: string;
  /** the subscription's address */
  address: string;
  payload: unknown;
  triggeredAt?: Date;
  webhookId?: string;
  eventId?: string;
}

export interface DeliveryOptions {
  /** send the same delivery this many extra times (same id, same body) */
  duplicate?: number;
  delayMs?: number;
  /** sign with the wrong secret */
  misSign?: boolean;
  /** leave the signature header out */
  dropHmac?: boolean;
}

export interface DeliveryAttempt {
  topic: string;
  webhookId: string;
  address: string;
  attempt: number;
  status: number | "timeout" | "error";
  ms: number;
}

const SHOPIFY_RETRIES_MS = [60_000, 120_000, 300_000, 600_000, 1_200_000, 2_400_000, 3_600_000, 5_400_000];

/** Shopify gives up after 8 retries (changelog 2024-09-10). */
export const MAX_RETRIES = 8;

interface Prepared {
  delivery: WebhookDelivery & { webhookId: string; eventId: string; triggeredAt: Date };
  options: DeliveryOptions;
}

/** A v4-shaped UUID from an injected random source, so seeded runs get the same ids. */
function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "4";
  hex[16] = ((Math.floor(random() * 4) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Shopify's webhook delivery for one shop: signs each JSON body with the app secret, sets Shopify's
 * headers, retries failures (at most 8 times) and logs every attempt. Deterministic (ids, shuffles,
 * timestamps) when `random` and `now` are injected.
 */
export class WebhookSender {
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly newId: () => string;
  private readonly retrySchedule: number[];
  private readonly timeoutMs: number;
  private readonly log: DeliveryAttempt[] = [];
  private held: Prepared[] | null = null;

  constructor(private readonly options: WebhookSenderOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    const random = options.random;
    this.newId = random ? () => uuidFrom(random) : () => randomUUID();
    this.retrySchedule = (options.retrySchedule ?? SHOPIFY_RETRIES_MS).slice(0, MAX_RETRIES);
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /**
   * Sends one delivery (and its duplicates), retrying non-2xx answers and timeouts per the
   * schedule; resolves when all attempts are over (it never rejects: outcomes are in `deliveries()`).
   * While held, it resolves once queued and `release()` does the sending.
   */
  async send(delivery: WebhookDelivery, options: DeliveryOptions = {}): Promise<void> {
    const prepared: Prepared = {
      delivery: {
        ...delivery,
        webhookId: delivery.webhookId ?? this.newId(),
        eventId: delivery.eventId ?? this.newId(),
        triggeredAt: delivery.triggeredAt ?? this.now(),
      },
      options,
    };
    // resolving at queue time keeps the stand-in's settled() from waiting on a release that follows it
    if (this.held) {
      this.held.push(prepared);
      return;
    }
    await this.deliver(prepared);
  }

  /** From now on, queue deliveries instead of sending them. */
  hold(): void {
    this.held ??= [];
  }

  /** Stops holding and sends what was held in the order asked for (shuffle uses `random`), one after another; resolves when all are done. */
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

  /** How many deliveries are waiting for `release`. */
  heldCount(): number {
    return this.held?.length ?? 0;
  }

  /** Every attempt so far, in the order made (retries and duplicates included). */
  deliveries(): readonly DeliveryAttempt[] {
    return this.log;
  }

  /** The signature Shopify puts in X-Shopify-Hmac-Sha256. */
  static sign(body: string, secret: string): string {
    return createHmac("sha256", secret).update(body, "utf8").digest("base64");
  }

  private async deliver({ delivery, options }: Prepared): Promise<void> {
    if (options.delayMs) await sleep(options.delayMs);
    const body = JSON.stringify(delivery.payload);
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": "Shopify-Captain-Hook",
      "X-Shopify-Topic": delivery.topic,
      "X-Shopify-Shop-Domain": this.options.shopDomain,
      "X-Shopify-API-Version": this.options.apiVersion,
      "X-Shopify-Webhook-Id": delivery.webhookId,
      "X-Shopify-Triggered-At": delivery.triggeredAt.toISOString(),
      "X-Shopify-Event-Id": delivery.eventId,
    };
    if (!options.dropHmac) headers["X-Shopify-Hmac-Sha256"] = WebhookSender.sign(body, options.misSign ? `${this.options.appSecret}-wrong` : this.options.appSecret);
    for (let copy = 0; copy <= (options.duplicate ?? 0); copy++) await this.attemptWithRetries(delivery, body, headers);
  }

  private async attemptWithRetries(delivery: Prepared["delivery"], body: string, headers: Record<string, string>): Promise<void> {
    for (let attempt = 1; attempt <= this.retrySchedule.length + 1; attempt++) {
      const started = this.now().getTime();
      let status: DeliveryAttempt["status"];
      try {
        const response = await this.fetchImpl(delivery.address, { method: "POST", body, headers, signal: AbortSignal.timeout(this.timeoutMs) });
        await response.arrayBuffer();
        status = response.status;
      } catch (error) {
        status = error instanceof Error && error.name === "TimeoutError" ? "timeout" : "error";
      }
      this.log.push({ topic: delivery.topic, webhookId: delivery.webhookId, address: delivery.address, attempt, status, ms: this.now().getTime() - started });
      if (typeof status === "number" && status >= 200 && status < 300) return;
      const wait = this.retrySchedule[attempt - 1];
      if (wait === undefined) return;
      await sleep(wait);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
