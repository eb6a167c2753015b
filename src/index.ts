export {
  findNodeAttempt,
  LangGraphInstrumentation,
  type LangGraphInstrumentationConfig,
  type NodeAttemptEntry,
  type NodeAttemptInfo,
  type HookedSpanKind,
  type SpanHooksConfig,
  type SpanResponseInfo,
  type SpanStartInfo,
} from "./instrumentation/index.js";
export * from "./semconv.js";
export * from "./genai/index.js";
export * from "./resilience/index.js";
export * from "./cache/index.js";
export * from "./propagation/index.js";
export { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";
export * from "./setup/index.js";
export {
  createLogger,
  emitLifecycleRecord,
  type LifecycleEvent,
  type LifecycleRecord,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from "./logs/index.js";
export * from "./stack-defaults.js";
export * from "./health/index.js";
