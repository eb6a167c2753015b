/**
 * `CircuitBreaker`: closed → open after too many failures (consecutive count, or failure
 * ratio over a sliding time window), open → half-open after the recovery timeout (checked
 * lazily on the next call or state read, so no timer runs), half-open admits at most
 * `halfOpenMaxProbes` concurrent probes: `successThreshold` successes close it, any
 * failure reopens it, and so does a probe still running after `probeTimeoutMs` (a lease,
 * checked lazily too). While open it fails fast with `CircuitOpenError`.
 *
 * Telemetry: the `langgraph.circuit_breaker.state` gauge (observed at each collection),
 * the `langgraph.circuit_breaker.transitions` counter, and a transition event on the
 * active span (the node span of the call that caused it).
 */
import { diag, type MeterProvider } from "@opentelemetry/api";
import {
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_FROM,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO,
  CIRCUIT_STATE_CLOSED,
  CIRCUIT_STATE_HALF_OPEN,
  CIRCUIT_STATE_NAME_CLOSED,
  CIRCUIT_STATE_NAME_HALF_OPEN,
  CIRCUIT_STATE_NAME_OPEN,
  CIRCUIT_STATE_OPEN,
  EVENT_LANGGRAPH_CIRCUIT_BREAKER_TRANSITION,
} from "../semconv.js";
import { abortReason } from "./abort.js";
import { CircuitOpenError, isAbortError, isBulkheadRejectedError, isControlFlowError } from "./errors.js";
import { checkOption, type Guard, guardOf, wrapIn } from "./guard.js";
import { type Operation, signalOf, type WrappedOperation } from "./operation.js";
import {
  activeSpanEvent,
  count,
  guard,
  instrumentsFor,
  type ObservedSource,
  registerObserved,
  type TelemetryOptions,
} from "./telemetry.js";

export type CircuitState =
  | typeof CIRCUIT_STATE_NAME_CLOSED
  | typeof CIRCUIT_STATE_NAME_HALF_OPEN
  | typeof CIRCUIT_STATE_NAME_OPEN;

const GAUGE_VALUE: Record<CircuitState, number> = {
  [CIRCUIT_STATE_NAME_CLOSED]: CIRCUIT_STATE_CLOSED,
  [CIRCUIT_STATE_NAME_HALF_OPEN]: CIRCUIT_STATE_HALF_OPEN,
  [CIRCUIT_STATE_NAME_OPEN]: CIRCUIT_STATE_OPEN,
};

export interface CircuitBreakerOptions extends TelemetryOptions {
  /** `langgraph.circuit_breaker.name`. Default "default". */
  name?: string;
  /** Count mode: consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /**
   * Ratio mode (when set, in (0, 1]): the breaker opens when failures / calls over the
   * last `windowMs` reach this ratio and at least `minimumCalls` calls were made.
   */
  failureRatio?: number;
  /** Ratio-mode window, ms. Default 60 000. */
  windowMs?: number;
  /** Ratio mode: calls in the window before the ratio may open the breaker. Default 10. */
  minimumCalls?: number;
  /** How long the breaker stays open before it lets probes through, ms. Default 30 000. */
  recoveryTimeoutMs?: number;
  /** Concurrent probes admitted while half-open. Default 1. */
  halfOpenMaxProbes?: number;
  /** Successful probes that close the breaker. Default 1. */
  successThreshold?: number;
  /**
   * How long a half-open probe may run before it counts as a failure (the breaker opens
   * again), ms. Default 30 000. Without it, a probe that never settles would keep the
   * breaker half-open, rejecting every call, forever.
   */
  probeTimeoutMs?: number;
  /**
   * Which errors count as failures. Default: all but aborts, LangGraph control flow
   * (interrupts, `Command.PARENT`) and bulkhead rejections, which say nothing about the
   * service's health.
   */
  isFailure?: (error: unknown) => boolean;
  /** Called after every transition; a throwing listener is logged and ignored. */
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
  /** Clock, ms. Default `Date.now` (mocked by fake timers). */
  clock?: () => number;
}

const BUCKETS = 10;

/** Calls and failures over a sliding time window, in `BUCKETS` slices. */
class SlidingWindow {
  private readonly sliceMs: number;
  private readonly slices = Array.from({ length: BUCKETS }, () => ({ id: -1, calls: 0, failures: 0 }));

  constructor(windowMs: number) {
    this.sliceMs = windowMs / BUCKETS;
  }

  record(now: number, failed: boolean): void {
    const id = Math.floor(now / this.sliceMs);
    const slice = this.slices[id % BUCKETS]!;
    if (slice.id !== id) {
      slice.id = id;
      slice.calls = 0;
      slice.failures = 0;
    }
    slice.calls++;
    if (failed) slice.failures++;
  }

  totals(now: number): { calls: number; failures: number } {
    const current = Math.floor(now / this.sliceMs);
    let calls = 0;
    let failures = 0;
    for (const slice of this.slices) {
      if (slice.id > current - BUCKETS && slice.id <= current) {
        calls += slice.calls;
        failures += slice.failures;
      }
    }
    return { calls, failures };
  }

  reset(): void {
    for (const slice of this.slices) slice.id = -1;
  }
}

function defaultIsFailure(err: unknown): boolean {
  // A bulkhead's rejection is our own load shedding, not the service failing.
  return !isAbortError(err) && !isControlFlowError(err) && !isBulkheadRejectedError(err);
}

/** A call admitted through the breaker: which state generation, and whether it probes. */
interface Ticket {
  generation: number;
  probe: boolean;
  /** When it was admitted (probes: the start of their lease). */
  admittedAt: number;
}

export class CircuitBreaker implements ObservedSource, Guard {
  readonly name: string;
  readonly meterProvider: MeterProvider | undefined;
  private readonly options: CircuitBreakerOptions;
  private readonly failureThreshold: number;
  private readonly recoveryTimeoutMs: number;
  private readonly halfOpenMaxProbes: number;
  private readonly successThreshold: number;
  private readonly probeTimeoutMs: number;
  private readonly minimumCalls: number;
  private readonly window: SlidingWindow | undefined;
  private readonly clock: () => number;

  private current: CircuitState = CIRCUIT_STATE_NAME_CLOSED;
  /** Bumped at every transition: results of calls admitted earlier are ignored. */
  private generation = 0;
  private consecutiveFailures = 0;
  private openedAt = 0;
  /** Half-open probes still running, in admission order. */
  private readonly probes = new Set<Ticket>();
  private probeSuccesses = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    this.options = options;
    this.name = options.name ?? "default";
    this.meterProvider = options.meterProvider;
    this.clock = options.clock ?? Date.now;
    const threshold = options.failureThreshold ?? 5;
    this.failureThreshold = checkOption("CircuitBreaker", "failureThreshold", threshold, Number.isInteger(threshold) && threshold >= 1);
    const recovery = options.recoveryTimeoutMs ?? 30_000;
    this.recoveryTimeoutMs = checkOption("CircuitBreaker", "recoveryTimeoutMs", recovery, Number.isFinite(recovery) && recovery >= 0);
    const probes = options.halfOpenMaxProbes ?? 1;
    this.halfOpenMaxProbes = checkOption("CircuitBreaker", "halfOpenMaxProbes", probes, Number.isInteger(probes) && probes >= 1);
    const successes = options.successThreshold ?? 1;
    this.successThreshold = checkOption("CircuitBreaker", "successThreshold", successes, Number.isInteger(successes) && successes >= 1);
    const probeTimeout = options.probeTimeoutMs ?? 30_000;
    this.probeTimeoutMs = checkOption("CircuitBreaker", "probeTimeoutMs", probeTimeout, Number.isFinite(probeTimeout) && probeTimeout > 0);
    const minimumCalls = options.minimumCalls ?? 10;
    this.minimumCalls = checkOption("CircuitBreaker", "minimumCalls", minimumCalls, Number.isInteger(minimumCalls) && minimumCalls >= 1);
    if (options.failureRatio !== undefined) {
      const ratio = options.failureRatio;
      checkOption("CircuitBreaker", "failureRatio", ratio, ratio > 0 && ratio <= 1);
      const windowMs = options.windowMs ?? 60_000;
      checkOption("CircuitBreaker", "windowMs", windowMs, Number.isFinite(windowMs) && windowMs > 0);
      this.window = new SlidingWindow(windowMs);
    }
    registerObserved("breakerState", this);
  }

  /** The current state; an open breaker whose recovery timeout passed turns half-open here. */
  get state(): CircuitState {
    this.refresh();
    return this.current;
  }

  /** Probes running now (half-open only). */
  get activeProbes(): number {
    return this.current === CIRCUIT_STATE_NAME_HALF_OPEN ? this.probes.size : 0;
  }

  /** Gauge value for `langgraph.circuit_breaker.state`. */
  observe() {
    return {
      value: GAUGE_VALUE[this.state],
      attributes: { [ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME]: this.name },
    };
  }

  /** Runs `fn(...args)` through the breaker. */
  async execute<A extends unknown[], R>(fn: Operation<A, R>, ...args: A): Promise<R> {
    const signal = signalOf(args);
    // A call cancelled before it starts says nothing about the service: don't admit it.
    if (signal?.aborted) throw abortReason(signal);
    const ticket = this.admit();
    let value: R;
    try {
      value = await fn(...args);
    } catch (err) {
      this.settle(ticket, err);
      throw err;
    }
    this.settle(ticket, undefined, true);
    return value;
  }

  /** `fn` guarded by this breaker, with the same parameters (usable as a LangGraph node). */
  wrap<A extends unknown[], R>(fn: Operation<A, R>): WrappedOperation<A, R> {
    return wrapIn(this, this.options, { [ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME]: this.name }, fn);
  }

  /** Back to closed, counters cleared (an operator's manual reset). */
  reset(): void {
    if (this.current !== CIRCUIT_STATE_NAME_CLOSED) this.transition(CIRCUIT_STATE_NAME_CLOSED);
    else this.clearCounters();
  }

  private refresh(): void {
    const now = this.clock();
    if (this.current === CIRCUIT_STATE_NAME_OPEN && now - this.openedAt >= this.recoveryTimeoutMs) {
      this.transition(CIRCUIT_STATE_NAME_HALF_OPEN);
    } else if (this.current === CIRCUIT_STATE_NAME_HALF_OPEN) {
      // The oldest probe's lease ran out: it counts as a failure (its late result is
      // ignored, being of an earlier generation).
      const oldest = this.probes.values().next().value;
      if (oldest !== undefined && now - oldest.admittedAt >= this.probeTimeoutMs) {
        this.transition(CIRCUIT_STATE_NAME_OPEN);
      }
    }
  }

  private admit(): Ticket {
    // The state gauge must exist on the provider in use now (the global one may change).
    guard("creating instruments", () => instrumentsFor(this.meterProvider));
    this.refresh();
    if (this.current === CIRCUIT_STATE_NAME_OPEN) {
      throw new CircuitOpenError(this.name, Math.max(0, this.openedAt + this.recoveryTimeoutMs - this.clock()));
    }
    const admittedAt = this.clock();
    if (this.current === CIRCUIT_STATE_NAME_HALF_OPEN) {
      if (this.probes.size >= this.halfOpenMaxProbes) throw new CircuitOpenError(this.name, 0);
      const ticket = { generation: this.generation, probe: true, admittedAt };
      this.probes.add(ticket);
      return ticket;
    }
    return { generation: this.generation, probe: false, admittedAt };
  }

  private settle(ticket: Ticket, err: unknown, succeeded = false): void {
    // A result from before the last transition belongs to a state that no longer exists.
    if (ticket.generation !== this.generation) return;
    if (ticket.probe) this.probes.delete(ticket);
    let failed = false;
    if (!succeeded) {
      try {
        failed = (this.options.isFailure ?? defaultIsFailure)(err);
      } catch (hookError) {
        diag.warn("langgraph-otel: CircuitBreaker isFailure threw; counting a failure", hookError);
        failed = true;
      }
      // Neither success nor failure (an abort, an interrupt): it leaves no trace.
      if (!failed) return;
    }
    if (this.current === CIRCUIT_STATE_NAME_HALF_OPEN) {
      if (failed) this.transition(CIRCUIT_STATE_NAME_OPEN);
      else if (++this.probeSuccesses >= this.successThreshold) this.transition(CIRCUIT_STATE_NAME_CLOSED);
      return;
    }
    if (this.window !== undefined) {
      const now = this.clock();
      this.window.record(now, failed);
      if (!failed) return;
      const { calls, failures } = this.window.totals(now);
      if (calls >= this.minimumCalls && failures / calls >= (this.options.failureRatio ?? 1)) {
        this.transition(CIRCUIT_STATE_NAME_OPEN);
      }
      return;
    }
    this.consecutiveFailures = failed ? this.consecutiveFailures + 1 : 0;
    if (this.consecutiveFailures >= this.failureThreshold) this.transition(CIRCUIT_STATE_NAME_OPEN);
  }

  private clearCounters(): void {
    this.consecutiveFailures = 0;
    this.probes.clear();
    this.probeSuccesses = 0;
    this.window?.reset();
  }

  private transition(to: CircuitState): void {
    const from = this.current;
    this.current = to;
    this.generation++;
    this.clearCounters();
    if (to === CIRCUIT_STATE_NAME_OPEN) this.openedAt = this.clock();
    const attributes = {
      [ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME]: this.name,
      [ATTR_LANGGRAPH_CIRCUIT_BREAKER_FROM]: from,
      [ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO]: to,
    };
    count(this.meterProvider, (i) => i.breakerTransitions, attributes);
    activeSpanEvent(EVENT_LANGGRAPH_CIRCUIT_BREAKER_TRANSITION, attributes);
    if (this.options.onStateChange !== undefined) {
      try {
        this.options.onStateChange(from, to);
      } catch (err) {
        diag.warn("langgraph-otel: CircuitBreaker onStateChange threw", err);
      }
    }
  }
}

/** `fn` behind a breaker: an existing one (shared between call sites) or a new one. */
export function withCircuitBreaker<A extends unknown[], R>(
  fn: Operation<A, R>,
  breaker: CircuitBreaker | CircuitBreakerOptions = {},
): WrappedOperation<A, R> {
  return guardOf(breaker, (options: CircuitBreakerOptions) => new CircuitBreaker(options)).wrap(fn);
}
