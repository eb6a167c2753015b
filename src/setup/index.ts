export { DEFAULT_SHUTDOWN_TIMEOUT_MS } from "./config.js";
export { ObservabilityConfigError } from "./errors.js";
export type {
  BatchQueueOptions,
  DiagLevelName,
  LogExporterName,
  MetricExporterName,
  ObservabilityOptions,
  SamplerName,
  TraceExporterName,
} from "./options.js";
export {
  type ObservabilityHandle,
  type ShutdownResult,
  startObservability,
} from "./start.js";
