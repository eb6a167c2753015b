/**
 * `Bulkhead`: a concurrency limit per dependency (a model provider, an API) with a bounded
 * queue. At most `maxConcurrent` executions hold a slot; up to `maxQueue` more calls wait
 * in FIFO order; past that a call fails at once with `BulkheadRejectedError`. A queued call
 * whose `config.signal` aborts (its `withTimeout`, a cancelled run) leaves the queue.
 *
 * A slot is held while the work really runs: when a `withTimeout` inside gives up on work
 * that ignores its signal, the work keeps its slot until it ends (abandoned.ts), at most
 * `abandonedHoldMs` after the call returned, so a hung promise cannot eat the slots forever.
 *
 * Telemetry: `langgraph.bulkhead.in_flight` and `langgraph.bulkhead.queued` (observed at each
 * collection), `langgraph.bulkhead.rejections`, and `langgraph.bulkhead.wait` (a queued call
 * got its slot) and `langgraph.bulkhead.rejection` events on the active span.
 */
import type { MeterProvider } from "@opentelemetry/api";
import {
  ATTR_LANGGRAPH_BULKHEAD_NAME,
  ATTR_LANGGRAPH_BULKHEAD_WAIT_MS,
  EVENT_LANGGRAPH_BULKHEAD_REJECTION,
  EVENT_LANGGRAPH_BULKHEAD_WAIT,
} from "../semconv.js";
import { abandon, openScope, runInScope } from "./abandoned.js";
import { abortReason, raceAbort } from "./abort.js";
import { BulkheadRejectedError } from "./errors.js";
import { checkOption, type Guard, guardOf, wrapIn } from "./guard.js";
import { type Operation, signalOf, type WrappedOperation } from "./operation.js";
import {
  activeSpanEvent,
  count,
  guard,
  instrumentsFor,
  type ObservedKind,
  type ObservedSource,
  registerObserved,
  type TelemetryOptions,
} from "./telemetry.js";

export interface BulkheadOptions extends TelemetryOptions {
  /** `langgraph.bulkhead.name`. Default "default". */
  name?: string;
  /** Executions at once. Default 10. */
  maxConcurrent?: number;
  /** Calls that may wait for a slot; 0 rejects at once when all slots are taken. Default 100. */
  maxQueue?: number;
  /**
   * How long abandoned work that still runs keeps its slot after its call returned, ms.
   * Default 30 000. Past it the slot is freed (the work is still counted in
   * `langgraph.timeout.abandoned`): a promise that never settles must not shrink the
   * bulkhead forever.
   */
  abandonedHoldMs?: number;
  /** Clock for `langgraph.bulkhead.wait_ms`, ms. Default `Date.now` (mocked by fake timers). */
  clock?: () => number;
}

/** A call waiting for a slot: `grant` hands it one. */
interface Waiter {
  grant(): void;
}

export class Bulkhead implements ObservedSource, Guard {
  readonly name: string;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly meterProvider: MeterProvider | undefined;
  private readonly options: BulkheadOptions;
  private readonly abandonedHoldMs: number;
  private readonly clock: () => number;
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(options: BulkheadOptions = {}) {
    this.options = options;
    this.name = options.name ?? "default";
    this.meterProvider = options.meterProvider;
    this.clock = options.clock ?? Date.now;
    const max = options.maxConcurrent ?? 10;
    this.maxConcurrent = checkOption("Bulkhead", "maxConcurrent", max, Number.isInteger(max) && max >= 1);
    const queue = options.maxQueue ?? 100;
    this.maxQueue = checkOption("Bulkhead", "maxQueue", queue, (Number.isInteger(queue) && queue >= 0) || queue === Infinity);
    const hold = options.abandonedHoldMs ?? 30_000;
    this.abandonedHoldMs = checkOption("Bulkhead", "abandonedHoldMs", hold, Number.isFinite(hold) && hold >= 0);
    registerObserved("bulkheadInFlight", this);
    registerObserved("bulkheadQueued", this);
  }

  /** Values of `langgraph.bulkhead.in_flight` and `langgraph.bulkhead.queued`. */
  observe(kind: ObservedKind) {
    return {
      value: kind === "bulkheadQueued" ? this.queue.length : this.active,
      attributes: { [ATTR_LANGGRAPH_BULKHEAD_NAME]: this.name },
    };
  }

  /** Executions holding a slot now (abandoned ones that still run included). */
  get inFlight(): number {
    return this.active;
  }

  /** Calls waiting for a slot now. */
  get queued(): number {
    return this.queue.length;
  }

  /** Runs `fn(...args)` once a slot is free. */
  async execute<A extends unknown[], R>(fn: Operation<A, R>, ...args: A): Promise<R> {
    const signal = signalOf(args);
    if (signal?.aborted) throw abortReason(signal);
    // The gauges must exist on the provider in use now (the global one may change).
    guard("creating instruments", () => instrumentsFor(this.meterProvider));
    if (this.active < this.maxConcurrent) this.active++;
    else {
      const queuedAt = this.clock();
      await this.enqueue(signal);
      // Here, not in grant(): that runs in the releasing call's context, on its span.
      activeSpanEvent(EVENT_LANGGRAPH_BULKHEAD_WAIT, {
        [ATTR_LANGGRAPH_BULKHEAD_NAME]: this.name,
        [ATTR_LANGGRAPH_BULKHEAD_WAIT_MS]: Math.max(0, this.clock() - queuedAt),
      });
    }
    // The slot is ours. Work abandoned inside (a timed-out call that ignores its signal), or
    // here when the caller cancels, lands in this scope and keeps the slot until it ends.
    const scope = openScope();
    try {
      // Cancelled while its slot was being handed over: don't start the work at all.
      if (signal?.aborted) throw abortReason(signal);
      const work = runInScope(scope, () => fn(...args));
      return await raceAbort(work, signal, (abandoned) => abandon(abandoned, scope));
    } finally {
      if (scope.size === 0) this.release();
      else void scope.idle(this.abandonedHoldMs, undefined, true).then(() => this.release());
    }
  }

  /** `fn` behind this bulkhead, with the same parameters (usable as a LangGraph node). */
  wrap<A extends unknown[], R>(fn: Operation<A, R>): WrappedOperation<A, R> {
    return wrapIn(this, this.options, { [ATTR_LANGGRAPH_BULKHEAD_NAME]: this.name }, fn);
  }

  /** Waits in the queue for a slot; rejects when the queue is full or `signal` aborts. */
  private enqueue(signal: AbortSignal | undefined): Promise<void> {
    const attributes = { [ATTR_LANGGRAPH_BULKHEAD_NAME]: this.name };
    if (this.queue.length >= this.maxQueue) {
      count(this.meterProvider, (i) => i.bulkheadRejections, attributes);
      activeSpanEvent(EVENT_LANGGRAPH_BULKHEAD_REJECTION, attributes);
      return Promise.reject(new BulkheadRejectedError(this.name, this.maxConcurrent, this.maxQueue));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Frees a slot, or hands it straight to the oldest waiter (no newcomer can take it). */
  private release(): void {
    const next = this.queue.shift();
    if (next !== undefined) next.grant();
    else this.active--;
  }
}

/** `fn` behind a bulkhead: an existing one (shared per dependency) or a new one. */
export function withBulkhead<A extends unknown[], R>(
  fn: Operation<A, R>,
  bulkhead: Bulkhead | BulkheadOptions = {},
): WrappedOperation<A, R> {
  return guardOf(bulkhead, (options: BulkheadOptions) => new Bulkhead(options)).wrap(fn);
}
