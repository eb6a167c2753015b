/**
 * Default ports and addresses shared by the SDK setup, the bundled stack and its tests.
 * One source of truth so that docker-compose, the collector config and the SDK agree.
 */

/** OTLP over HTTP (the Collector's default HTTP receiver port). */
export const DEFAULT_OTLP_HTTP_PORT = 4318;
/** OTLP over gRPC (the Collector's default gRPC receiver port). */
export const DEFAULT_OTLP_GRPC_PORT = 4317;
/** Host the in-process Prometheus exporter binds to (loopback: not exposed by default). */
export const DEFAULT_PROMETHEUS_HOST = "127.0.0.1";
/** Port of the in-process Prometheus exporter (exporter-prometheus default). */
export const DEFAULT_PROMETHEUS_PORT = 9464;
/** Path the Prometheus exporter serves metrics on. */
export const DEFAULT_PROMETHEUS_ENDPOINT = "/metrics";
