import { createHash } from "node:crypto";

/**
 * Client-side pacing for Shopify's calculated-cost leaky bucket (one per app and shop). Every
 * Admin GraphQL answer carries `extensions.cost.throttleStatus {maximumAvailable,
 * currentlyAvailable, restoreRate}`; a CostBucket keeps the last reading, lets it restore at
 * restoreRate per second, deducts what requests still in flight may cost, and makes a caller wait
 * until its query's cost fits. Callers for one shop queue FIFO on the same bucket, so together they
 * never send more than the estimate allows. The bucket size is not published: it is only ever
 * read from responses. https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
 */

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Time as the client sees it; tests pass a virtual clock so waits cost no real time. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** A query that can never run: it costs more than the whole bucket. */
export class BucketTooSmallError extends Error {
  override name = "BucketTooSmallError";
  constructor(
    readonly cost: number,
    readonly maximumAvailable: number,
  ) {
    super(`the query costs ${cost} points, more than the shop's whole bucket of ${maximumAvailable}`);
  }
}

/** A reservation for one request in flight. */
export interface Ticket {
  readonly seq: number;
  readonly cost: number;
}

export interface CostBucketOptions {
  clock?: Clock;
  /** points kept in reserve below the estimate (default 0); rounding in Shopify's favour already leaves some */
  reserve?: number;
}

export class CostBucket {
  private readonly clock: Clock;
  private readonly reserve: number;
  private status: ThrottleStatus | null = null;
  private observedAt = 0;
  /** the request whose answer the current reading came from */
  private observedSeq = 0;
  private seq = 0;
  private readonly inFlight = new Map<number, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private wakers: (() => void)[] = [];

  constructor(options: CostBucketOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.reserve = options.reserve ?? 0;
  }

  /** The last reading, or null before the first answer. */
  get throttleStatus(): Readonly<ThrottleStatus> | null {
    return this.status;
  }

  /** Points reserved by requests still in flight. */
  get reserved(): number {
    let sum = 0;
    for (const cost of this.inFlight.values()) sum += cost;
    return sum;
  }

  /** The bucket as last read, restored for the time since (requests in flight not deducted). */
  private projected(now: number): number {
    const s = this.status;
    if (!s) return 0;
    const restored = (Math.max(0, now - this.observedAt) / 1000) * s.restoreRate;
    return Math.min(s.maximumAvailable, s.currentlyAvailable + restored);
  }

  /** Points a new request may use now by the estimate; null before the first answer. */
  available(now = this.clock.now()): number | null {
    if (!this.status) return null;
    return this.projected(now) - this.reserved - this.reserve;
  }

  /**
   * Waits until `cost` fits the estimate, behind callers that asked earlier, and reserves it.
   * Before the first answer only one request goes out at a time. Throws BucketTooSmallError for
   * a cost above the bucket size, unless `clamp` (an estimate, not a known cost) caps it there.
   */
  acquire(cost: number, options: { clamp?: boolean } = {}): Promise<Ticket> {
    const turn = this.queue.then(() => this.waitFor(cost, options.clamp ?? false));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitFor(requested: number, clamp: boolean): Promise<Ticket> {
    let cost = Math.max(0, requested);
    for (;;) {
      const status = this.status;
      if (!status) {
        if (this.inFlight.size === 0) break;
        await this.changed();
        continue;
      }
      if (cost > status.maximumAvailable) {
        if (!clamp) throw new BucketTooSmallError(cost, status.maximumAvailable);
        cost = status.maximumAvailable;
      }
      const available = this.available() ?? 0;
      if (available >= cost) break;
      // what time alone restores; an answer arriving sooner wakes us to re-read
      const ms = status.restoreRate > 0 ? Math.ceil(((cost - available) / status.restoreRate) * 1000) : 1000;
      await Promise.race([this.clock.sleep(Math.max(1, ms)), this.changed()]);
    }
    const ticket = { seq: ++this.seq, cost };
    this.inFlight.set(ticket.seq, cost);
    return ticket;
  }

  /**
   * The request finished. `observed` is its answer's throttleStatus: the new reading if the
   * request was sent after the one the current reading came from, otherwise (an older answer
   * arriving late) kept only if lower. Without a reading (HTTP error, network failure) the
   * request is assumed to have been charged its cost when `charged`.
   */
  settle(ticket: Ticket, observed: ThrottleStatus | null, charged = true): void {
    if (!this.inFlight.delete(ticket.seq)) return;
    const now = this.clock.now();
    if (observed) {
      if (!this.status || ticket.seq > this.observedSeq) {
        this.status = { ...observed };
        this.observedAt = now;
        this.observedSeq = ticket.seq;
      } else if (observed.currentlyAvailable < this.projected(now)) {
        this.status = { ...observed };
        this.observedAt = now;
      }
    } else if (this.status && charged) {
      this.status = { ...this.status, currentlyAvailable: this.projected(now) - ticket.cost };
      this.observedAt = now;
    }
    this.wake();
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.wakers.push(resolve));
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const resolve of wakers) resolve();
  }
}

/**
 * Buckets by shop: one per Admin origin and access token (Shopify's limit is per app and store;
 * the token stands for both). Clients made separately for the same shop share one bucket.
 */
export class BucketRegistry {
  private readonly buckets = new Map<string, CostBucket>();
  constructor(private readonly options: CostBucketOptions = {}) {}

  for(origin: string, accessToken: string): CostBucket {
    // the key holds a digest, not the token itself
    const key = `${origin} ${createHash("sha256").update(accessToken).digest("base64url")}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new CostBucket(this.options);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

/** The process-wide registry createAdminClient uses unless given another. */
export const sharedBuckets = new BucketRegistry();

const registriesByClock = new WeakMap<Clock, BucketRegistry>();

/** The shared registry for a clock: clients on the same clock (the system's, or a test's) share buckets. */
export function bucketsFor(clock: Clock): BucketRegistry {
  if (clock === systemClock) return sharedBuckets;
  let registry = registriesByClock.get(clock);
  if (!registry) {
    registry = new BucketRegistry({ clock });
    registriesByClock.set(clock, registry);
  }
  return registry;
}
