/**
 * Work a wrapper stopped waiting for while it still runs. JavaScript cannot stop work that
 * ignores its AbortSignal: when `withTimeout` (or a cancelled caller) gives up on it, it goes
 * on. The wrappers around it must know, or they multiply it: `withRetry` would start attempt
 * n + 1 beside attempt n, and a bulkhead would free a slot the work still uses.
 *
 * So a wrapper that cares runs its inner call in a scope (AsyncLocalStorage: it follows the
 * call through awaits and timers, across any wrappers in between), and work abandoned inside
 * is added to that scope and to every enclosing one, until it settles.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { abortReason } from "./abort.js";

export class AbandonedScope {
  readonly parent: AbandonedScope | undefined;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly waiters = new Set<() => void>();

  constructor(parent: AbandonedScope | undefined) {
    this.parent = parent;
  }

  /** Abandoned executions of this scope still running. */
  get size(): number {
    return this.pending.size;
  }

  add(work: Promise<unknown>): void {
    if (this.pending.has(work)) return;
    this.pending.add(work);
    const done = () => {
      this.pending.delete(work);
      if (this.pending.size > 0) return;
      for (const wake of this.waiters) wake();
      this.waiters.clear();
    };
    work.then(done, done);
  }

  /**
   * Resolves `true` once nothing abandoned here is running, `false` after `ms` if something
   * still is; rejects with the abort reason when `signal` aborts. Leaves no timer or listener.
   * `unref`: the timer alone does not keep the process alive (nobody awaits the wait).
   */
  idle(ms: number, signal?: AbortSignal, unref = false): Promise<boolean> {
    if (this.pending.size === 0) return Promise.resolve(true);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<boolean>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal?.removeEventListener("abort", onAbort);
      };
      const wake = () => {
        cleanup();
        resolve(true);
      };
      const onAbort = () => {
        cleanup();
        reject(abortReason(signal as AbortSignal));
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(false);
      }, ms);
      if (unref) timer.unref?.();
      this.waiters.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

// One storage per process, shared by every copy of this package (ESM and CJS builds, or
// two installed versions): a withRetry from one copy must see a withTimeout of the other.
const STORAGE_KEY = Symbol.for("langgraph-otel.abandoned-scopes");
const shared = globalThis as { [STORAGE_KEY]?: AsyncLocalStorage<AbandonedScope> };
shared[STORAGE_KEY] ??= new AsyncLocalStorage();
const scopes: AsyncLocalStorage<AbandonedScope> = shared[STORAGE_KEY];

/** The innermost scope of the current call, if a wrapper opened one. */
export function currentScope(): AbandonedScope | undefined {
  return scopes.getStore();
}

/** A new scope, a child of the current one. */
export function openScope(): AbandonedScope {
  return new AbandonedScope(scopes.getStore());
}

/** Runs `fn` in `scope`: work abandoned during the call (and after, from it) lands there. */
export function runInScope<T>(scope: AbandonedScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** Adds still-running `work` to `scope` and every scope that encloses it. */
export function abandon(work: Promise<unknown>, scope: AbandonedScope | undefined): void {
  for (let s = scope; s !== undefined; s = s.parent) s.add(work);
}
