export { LangGraphInstrumentation } from "./instrumentation.js";
export { findNodeAttempt, type NodeAttemptEntry } from "./node-registry.js";
export type { LangGraphInstrumentationConfig, NodeAttemptInfo } from "./types.js";
