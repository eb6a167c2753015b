export {
  findNodeAttempt,
  LangGraphInstrumentation,
  type LangGraphInstrumentationConfig,
  type NodeAttemptEntry,
  type NodeAttemptInfo,
} from "./instrumentation/index.js";
export * from "./semconv.js";
export { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";
