export { type CheckResult, type HealthCheck, runCheck, runChecks } from "./checks.js";
export { type EventLoopLag, EventLoopProbe, type EventLoopProbeOptions } from "./event-loop.js";
export {
  createHealthHandler,
  type HealthHandler,
  type HealthOptions,
  type LivenessReport,
  type ReadinessReport,
} from "./handler.js";
export {
  type BreakerLike,
  type CheckpointerLike,
  checkpointerCheck,
  circuitBreakersCheck,
  collectorReachableCheck,
  type ObservabilityLike,
  observabilityCheck,
} from "./ready-checks.js";
export { type HealthServer, serveHealth } from "./serve.js";
