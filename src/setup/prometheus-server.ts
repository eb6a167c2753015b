import { createServer, type Server } from "node:http";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import type { Sourced } from "./env-parse.js";
import { ObservabilityConfigError } from "./errors.js";
import type { FailureReporter } from "./failure-reporter.js";
import { markOwnServer } from "../health/own-servers.js";

export interface MetricsEndpoint {
  /** The reader to give the MeterProvider. */
  reader: PrometheusExporter;
  /** Resolves once listening; rejects with ObservabilityConfigError (port in use...). */
  listening: Promise<void>;
  /** The bound address (port 0 resolves to the real port once listening). */
  address(): { host: string; port: number } | undefined;
  close(): Promise<void>;
}

/**
 * Serves the Prometheus exporter on our own HTTP server rather than the exporter's:
 * a bind failure becomes an error that names the variable at fault, and the server is
 * unref'd so it never keeps a finished app alive.
 */
export function serveMetrics(
  host: string,
  port: Sourced<number>,
  endpoint: string,
  reporter: FailureReporter,
): MetricsEndpoint {
  const reader = new PrometheusExporter({ preventServerStart: true });
  const server: Server = createServer((request, response) => {
    try {
      const path = (request.url ?? "/").split("?")[0];
      if (request.method !== "GET" || path !== endpoint) {
        response.statusCode = 404;
        response.end();
        return;
      }
      reader.getMetricsRequestHandler(request, response);
    } catch (error) {
      reporter.report("metrics scrape", error);
      if (!response.headersSent) response.statusCode = 500;
      response.end();
    }
  });
  server.unref();
  markOwnServer(server);
  const listening = new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const problem =
        error.code === "EADDRINUSE"
          ? `port ${port.value} on ${host} is already in use`
          : `cannot serve /metrics on ${host}:${port.value}: ${error.message}`;
      reject(new ObservabilityConfigError(port.setting, problem, { cause: error }));
    };
    server.once("error", onError);
    server.listen({ host, port: port.value }, () => {
      server.off("error", onError);
      server.on("error", (error) => reporter.report("metrics server", error));
      resolve();
    });
  });
  return {
    reader,
    listening,
    address() {
      const bound = server.address();
      return bound !== null && typeof bound === "object"
        ? { host: bound.address, port: bound.port }
        : undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
