/**
 * Deterministic "randomness" for the sample agent: every fault and latency is a pure
 * function of (seed, key, n-th call for that key), so a run gives the same result at any
 * concurrency and in any order.
 */

/** FNV-1a, 32 bits. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A number in [0, 1) derived from the text. */
export function unitFromString(text: string): number {
  // One extra mixing round (murmur3 finalizer) spreads nearby keys.
  let h = hashString(text);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/** Fault and latency decisions for the sample agent's simulated dependencies. */
export class Dice {
  private readonly counters = new Map<string, number>();

  constructor(private readonly seed: number) {}

  /** The next draw in [0, 1) for this key. */
  next(key: string): number {
    const n = this.counters.get(key) ?? 0;
    this.counters.set(key, n + 1);
    return unitFromString(`${this.seed}|${key}|${n}`);
  }

  /**
   * Drops the counters of keys ending in `:${scope}` (a finished conversation's thread),
   * so a load run of any length keeps only the conversations in flight.
   */
  forget(scope: string): void {
    const suffix = `:${scope}`;
    for (const key of this.counters.keys()) if (key.endsWith(suffix)) this.counters.delete(key);
  }

  /** Counters held (tests check that finished conversations leave none). */
  get size(): number {
    return this.counters.size;
  }

  /** True with probability `rate` (0..1). */
  fails(key: string, rate: number): boolean {
    return rate > 0 && this.next(`fault:${key}`) < rate;
  }

  /** A latency around `baseMs` (from 0.5x to 1.5x). */
  latency(key: string, baseMs: number): number {
    return baseMs <= 0 ? 0 : Math.round(baseMs * (0.5 + this.next(`latency:${key}`)));
  }
}

/** setTimeout as a promise that an AbortSignal cancels. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return signal?.aborted ? Promise.reject(abortReason(signal)) : Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error("Aborted");
  error.name = "AbortError";
  return error;
}
