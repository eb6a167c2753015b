export { type BackoffPolicy, backoffCeiling, backoffDelay } from "./backoff.js";
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  withCircuitBreaker,
} from "./circuit-breaker.js";
export { classifyError, type ErrorClass, parseRetryAfter, retryAfterHint } from "./classify.js";
export {
  CircuitOpenError,
  isAbortError,
  isCircuitOpenError,
  isControlFlowError,
  isTimeoutError,
  TimeoutError,
} from "./errors.js";
export { type FallbackOptions, withFallback } from "./fallback.js";
export type { Operation, WrappedOperation } from "./operation.js";
export { type RetryPolicy, withRetry } from "./retry.js";
export type { TelemetryOptions } from "./telemetry.js";
export { type TimeoutOptions, withTimeout } from "./timeout.js";
