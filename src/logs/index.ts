export { emitLifecycleRecord, type LifecycleEvent, type LifecycleRecord } from "./lifecycle.js";
export { LifecycleLogSpanProcessor } from "./lifecycle-span-processor.js";
export { createLogger, type LogFields, type Logger, type LoggerOptions, type LogLevel } from "./logger.js";
