/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): the n-th retry waits a uniform random time in [0, min(maxInterval,
 * initialInterval * backoffFactor^(n-1))]. Full jitter spreads a herd of clients that
 * failed together better than "interval + small random", at the same mean load.
 */

export interface BackoffPolicy {
  /** Ceiling of the first retry's delay, ms. */
  initialInterval: number;
  /** Growth of the ceiling per retry. */
  backoffFactor: number;
  /** Cap on any delay, ms. */
  maxInterval: number;
  /** Full jitter (default) or the bare exponential ceiling. */
  jitter: boolean;
}

/** The upper bound of the delay before retry number `retry` (1-based). */
export function backoffCeiling(retry: number, policy: BackoffPolicy): number {
  const exponential = policy.initialInterval * policy.backoffFactor ** Math.max(0, retry - 1);
  // Infinity and NaN (huge exponents) fall back to the cap.
  return Number.isFinite(exponential) ? Math.min(policy.maxInterval, exponential) : policy.maxInterval;
}

/** The delay before retry number `retry`; `random` returns values in [0, 1). */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = backoffCeiling(retry, policy);
  if (!policy.jitter) return ceiling;
  const r = random();
  // A bad random source must not push the delay outside its bounds.
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return unit * ceiling;
}
