export { LangGraphInstrumentation } from "./instrumentation.js";
export { findNodeAttempt, type NodeAttemptEntry } from "./node-registry.js";
export type {
  HookedSpanKind,
  LangGraphInstrumentationConfig,
  NodeAttemptInfo,
  SpanHooksConfig,
  SpanResponseInfo,
  SpanStartInfo,
} from "./types.js";
