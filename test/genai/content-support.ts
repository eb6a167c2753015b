// What the content-capture tests share: a global LoggerProvider whose records a test
// reads (content events), and a GenAI instrumentation that logs to it.
import { logs } from "@opentelemetry/api-logs";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { afterAll, beforeAll } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import { useOtel } from "../helpers/otel.js";

/** For a test file: the global LoggerProvider, set before its tests and shut down after them. */
export function useGlobalLogs(): { logExporter: InMemoryLogRecordExporter; loggerProvider: LoggerProvider } {
  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
  beforeAll(() => {
    logs.setGlobalLoggerProvider(loggerProvider);
  });
  afterAll(async () => {
    await loggerProvider.shutdown();
    logs.disable();
  });
  return { logExporter, loggerProvider };
}

/**
 * For a describe block: a GenAI instrumentation logging to `loggerProvider`, off until the
 * test's `setConfig` (each test picks its content options), and the spans it records.
 */
export function useGenAILoggingTo(loggerProvider: LoggerProvider) {
  const genai = new GenAIInstrumentation({ enabled: false });
  genai.setLoggerProvider(loggerProvider);
  return { genai, otel: useOtel({ instrumentations: [genai] }) };
}
