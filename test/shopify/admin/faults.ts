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
  /** a list of faults is a mix: each faulty request gets one of them, picked by the same seeded generator */
  fraction?: { probability: number; fault: Fault | readonly Fault[]; seed?: number };
  /** the next bulk queries fail, one entry each */
  bulk?: BulkFailure[];
}

/**
 * Runtime-changeable fault injection for the GraphQL endpoint: the next N requests, or a seeded
 * fraction of all requests, get a fault. Queued faults are used before the fraction applies.
 */
export class Faults {
  private readonly queue: { fault: Fault; remaining: number }[] = [];
  private random: { probability: number; faults: readonly Fault[]; next: () => number } | null = null;
  private readonly bulkFailures: BulkFailure[] = [];
  /** How many faults were served so far (for assertions). */
  served = 0;
  /** Faults served so far by kind: "429", "503", "delay"… (for assertions). */
  readonly servedByKind: Record<string, number> = {};

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

  /**
   * A seeded pseudo-random `probability` of requests get `fault`, until cleared. Given several
   * faults, each faulty request gets one of them, picked by the same generator.
   */
  fraction(probability: number, fault: Fault | readonly Fault[], seed = 1): this {
    const faults: readonly Fault[] = Array.isArray(fault) ? fault : [fault as Fault];
    if (faults.length === 0) throw new Error("fraction needs at least one fault");
    this.random = { probability, faults, next: seededRandom(seed) };
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
      return this.count(head.fault);
    }
    if (this.random && this.random.next() < this.random.probability) {
      const { faults, next } = this.random;
      // a single fault draws nothing more, so seeded sequences stay as they were
      const fault = faults.length === 1 ? faults[0] : faults[Math.min(faults.length - 1, Math.floor(next() * faults.length))];
      if (fault) return this.count(fault);
    }
    return null;
  }

  private count(fault: Fault): Fault {
    this.served++;
    const kind = fault.kind === "status" ? String(fault.status) : fault.kind;
    this.servedByKind[kind] = (this.servedByKind[kind] ?? 0) + 1;
    return fault;
  }
}
