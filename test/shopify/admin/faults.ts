import { seededRandom } from "../../support/random";

/** A misbehaviour the stand-in can be told to show, as a real Shopify sometimes does. */
export type Fault =
  | { kind: "status"; status: 429 | 500 | 502 | 503; retryAfterSeconds?: number }
  | { kind: "delay"; ms: number };

/** A bulk operation that fails partway, as Shopify's sometimes do: FAILED, an errorCode, partial data. */
export interface BulkFailure {
  /** objects written before it fails; 0 fails before any */
  afterObjects: number;
  errorCode?: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";
}

/** Faults to start with: queued ones first, then a seeded fraction of the rest. */
export interface FaultPlan {
  next?: { count: number; fault: Fault }[];
  fraction?: { probability: number; fault: Fault; seed?: number };
  /** the next bulk queries fail, one entry each */
  bulk?: BulkFailure[];
}

/**
 * Runtime-changeable fault injection for the GraphQL endpoint: the next N requests, or a seeded
 * fraction of all requests, get a fault. Queued faults are used before the fraction applies.
 */
export class Faults {
  private readonly queue: { fault: Fault; remaining: number }[] = [];
  private random: { probability: number; fault: Fault; next: () => number } | null = null;
  private readonly bulkFailures: BulkFailure[] = [];
  /** How many faults were served so far (for assertions). */
  served = 0;

  constructor(plan: FaultPlan = {}) {
    for (const { count, fault } of plan.next ?? []) this.next(count, fault);
    if (plan.fraction) this.fraction(plan.fraction.probability, plan.fraction.fault, plan.fraction.seed);
    for (const failure of plan.bulk ?? []) this.failNextBulkOperation(failure);
  }

  /** The next bulk query started fails once it has written `afterObjects` objects. */
  failNextBulkOperation(failure: BulkFailure): this {
    this.bulkFailures.push(failure);
    return this;
  }

  /** Takes the failure planned for a bulk query being started, if any. */
  takeBulkFailure(): BulkFailure | null {
    return this.bulkFailures.shift() ?? null;
  }

  /** The next `count` requests get `fault`. */
  next(count: number, fault: Fault): this {
    if (count > 0) this.queue.push({ fault, remaining: count });
    return this;
  }

  /** A seeded pseudo-random `probability` of requests get `fault`, until cleared. */
  fraction(probability: number, fault: Fault, seed = 1): this {
    this.random = { probability, fault, next: seededRandom(seed) };
    return this;
  }

  clear(): this {
    this.queue.length = 0;
    this.bulkFailures.length = 0;
    this.random = null;
    return this;
  }

  /** Takes the fault for one request, if any. */
  take(): Fault | null {
    const head = this.queue[0];
    if (head) {
      head.remaining--;
      if (head.remaining <= 0) this.queue.shift();
      this.served++;
      return head.fault;
    }
    if (this.random && this.random.next() < this.random.probability) {
      this.served++;
      return this.random.fault;
    }
    return null;
  }
}
