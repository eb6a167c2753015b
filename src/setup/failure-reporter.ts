import { diag } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode, setGlobalErrorHandler } from "@opentelemetry/core";

/**
 * Telemetry failures after start (a collector that refuses, a scrape that breaks) are
 * logged once per kind through diag and never thrown: a flapping collector must not
 * flood the app's stderr, and it must never fail the app.
 */
export class FailureReporter {
  private readonly seen = new Map<string, number>();
  private readonly reported = new WeakSet<object>();

  report(kind: string, error: unknown): void {
    if (typeof error === "object" && error !== null) {
      if (this.reported.has(error)) return;
      this.reported.add(error);
    }
    const count = (this.seen.get(kind) ?? 0) + 1;
    this.seen.set(kind, count);
    if (count > 1) return;
    const message = error instanceof Error ? error.message : String(error);
    diag.warn(
      `langgraph-otel: ${kind} failed: ${message} (further ${kind} failures are counted, not logged)`,
    );
  }

  /** How often each kind failed, first occurrence included. */
  counts(): ReadonlyMap<string, number> {
    return this.seen;
  }

  /** Routes the SDK's global error handler (batch processors, metric readers) here. */
  installGlobalHandler(): void {
    setGlobalErrorHandler((error) => this.report("telemetry pipeline", error));
  }
}

/** The export shape shared by span, log record and push metric exporters. */
export interface BatchExporter<B> {
  export(batch: B, resultCallback: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

/**
 * Why an export failed, in a few stable words: the batch processor counts lost spans by
 * the error's name (`otel.sdk.processor.span.processed{error.type}`), and the exporters'
 * own names ("Error", "OTLPExporterError") say nothing. The HTTP status ("429", "503"),
 * the socket error code ("ECONNREFUSED", "ECONNRESET"), "timeout", "retries_exhausted"
 * (a retryable status until the export timeout), "concurrency_limit" (too many exports
 * in flight), else the error's name.
 */
export function exportFailureReason(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "number" && Number.isInteger(code) && code >= 100 && code < 600) return String(code);
  if (typeof code === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  if (error.name === "TimeoutError" || /timed? ?out/i.test(error.message)) return "timeout";
  if (/concurrent export limit/i.test(error.message)) return "concurrency_limit";
  // 429/502/503/504 retried until the export's timeout: the exporter keeps no status.
  if (/retryable status/i.test(error.message)) return "retries_exhausted";
  return error.name === "" ? "export_failed" : error.name;
}

/** The same failure, named by its reason (message kept, original as `cause`). */
function withReason(error: Error): Error {
  const reason = exportFailureReason(error);
  if (error.name === reason) return error;
  const named = new Error(error.message, { cause: error });
  named.name = reason;
  return named;
}

/**
 * Wraps an exporter so that a failed or throwing export is reported once per kind; the
 * result still says FAILED, but its error is marked as reported so the processor's call
 * to the global error handler does not log it again.
 */
export function guardExporter<B>(
  inner: {
    export(batch: B, resultCallback: (result: ExportResult) => void): void;
    shutdown(): Promise<void>;
    forceFlush?(): Promise<void>;
  },
  kind: string,
  reporter: FailureReporter,
): BatchExporter<B> {
  return {
    export(batch, resultCallback) {
      const done = (result: ExportResult) => {
        if (result.code !== ExportResultCode.SUCCESS) {
          const error = withReason(result.error ?? new Error("export failed"));
          reporter.report(kind, error);
          resultCallback({ code: result.code, error });
          return;
        }
        resultCallback(result);
      };
      try {
        inner.export(batch, done);
      } catch (error) {
        const failure = withReason(error instanceof Error ? error : new Error(String(error)));
        reporter.report(kind, failure);
        resultCallback({ code: ExportResultCode.FAILED, error: failure });
      }
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}
