export { type BackoffPolicy, backoffCeiling, backoffDelay } from "./backoff.js";
export { Bulkhead, type BulkheadOptions, withBulkhead } from "./bulkhead.js";
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  withCircuitBreaker,
} from "./circuit-breaker.js";
export { classifyError, type ErrorClass, parseRetryAfter, retryAfterHint } from "./classify.js";
export {
  BulkheadRejectedError,
  CircuitOpenError,
  isAbortError,
  isBulkheadRejectedError,
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
