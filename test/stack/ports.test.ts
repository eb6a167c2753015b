/**
 * One set of ports across the stack: the SDK defaults (src/stack-defaults.ts), what compose
 * publishes, what the collector and Jaeger listen on, what Prometheus scrapes and what
 * Grafana's datasources call.
 */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_OTLP_GRPC_PORT,
  DEFAULT_OTLP_HTTP_PORT,
  DEFAULT_PROMETHEUS_ENDPOINT,
  DEFAULT_PROMETHEUS_PORT,
} from "../../src/stack-defaults.js";
import { type Dict, dict, list, readText, readYaml, resolvedCompose, str } from "./support.js";

const services = dict(resolvedCompose(), "services");
const collector = readYaml("collector/otel-collector.yaml");
const jaeger = readYaml("jaeger/config.yaml");
const prometheus = readYaml("prometheus/prometheus.yml");
const datasources = list(readYaml("grafana/provisioning/datasources/datasources.yaml"), "datasources");

function portOf(endpoint: unknown): number {
  const match = /:(\d+)(?:\/.*)?$/.exec(String(endpoint));
  if (!match) throw new Error(`no port in ${String(endpoint)}`);
  return Number(match[1]);
}

/** container port -> host port, for a compose service. */
function published(service: string): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of list(dict(services, service), "ports")) {
    const match = /^127\.0\.0\.1:(\d+):(\d+)/.exec(String(entry));
    if (match) map.set(Number(match[2]), Number(match[1]));
  }
  return map;
}

function scrapeJob(name: string): Dict {
  const job = list(prometheus, "scrape_configs").find((j) => str(j, "job_name") === name);
  if (!job || typeof job !== "object") throw new Error(`no scrape job ${name}`);
  return job as Dict;
}

function targets(job: string): string[] {
  return list(scrapeJob(job), "static_configs").flatMap((c) => list(c, "targets").map(String));
}

function pullPort(config: Dict): number {
  const readers = list(dict(dict(dict(config, "service"), "telemetry"), "metrics"), "readers");
  const exporter = dict(dict(dict(readers[0], "pull"), "exporter"), "prometheus");
  return Number(exporter.port);
}

describe("stack ports agree", () => {
  it("OTLP: SDK defaults = collector receivers = ports compose publishes on the host", () => {
    const protocols = dict(dict(dict(collector, "receivers"), "otlp"), "protocols");
    expect(portOf(str(dict(protocols, "grpc"), "endpoint"))).toBe(DEFAULT_OTLP_GRPC_PORT);
    expect(portOf(str(dict(protocols, "http"), "endpoint"))).toBe(DEFAULT_OTLP_HTTP_PORT);
    const ports = published("otel-collector");
    expect(ports.get(DEFAULT_OTLP_GRPC_PORT)).toBe(DEFAULT_OTLP_GRPC_PORT);
    expect(ports.get(DEFAULT_OTLP_HTTP_PORT)).toBe(DEFAULT_OTLP_HTTP_PORT);
  });

  it("the demo container sends OTLP/HTTP to the collector and serves /metrics on the SDK port", () => {
    const env = dict(dict(services, "demo"), "environment");
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(`http://otel-collector:${DEFAULT_OTLP_HTTP_PORT}`);
    expect(Number(env.OTEL_EXPORTER_PROMETHEUS_PORT)).toBe(DEFAULT_PROMETHEUS_PORT);
    expect(readText("demo/Dockerfile")).toMatch(new RegExp(`^EXPOSE ${DEFAULT_PROMETHEUS_PORT}$`, "m"));
    const health = str(dict(dict(collector, "extensions"), "health_check"), "endpoint");
    expect(env.WAIT_FOR_COLLECTOR).toBe(`http://otel-collector:${portOf(health)}/`);
    // Not published: the host's own agent may be using the same port.
    expect(published("demo").size).toBe(0);
  });

  it("/metrics: Prometheus scrapes the host agent and the demo on the SDK port and path", () => {
    for (const [job, host] of [
      ["langgraph-app", "host.docker.internal"],
      ["langgraph-otel-demo", "demo"],
    ] as const) {
      expect(targets(job)).toEqual([`${host}:${DEFAULT_PROMETHEUS_PORT}`]);
      expect(str(scrapeJob(job), "metrics_path") ?? "/metrics").toBe(DEFAULT_PROMETHEUS_ENDPOINT);
    }
    // The dashboards use `job` as the service: the demo's job is its service name.
    expect(dict(dict(services, "demo"), "environment").OTEL_SERVICE_NAME).toBe("langgraph-otel-demo");
    const extraHosts = list(dict(services, "prometheus"), "extra_hosts").map(String);
    expect(extraHosts.some((h) => /^host\.docker\.internal[:=]host-gateway$/.test(h))).toBe(true);
  });

  it("Prometheus scrapes the collector's span metrics and its own telemetry where they listen", () => {
    const exporter = dict(dict(collector, "exporters"), "prometheus");
    expect(targets("spanmetrics")).toEqual([`otel-collector:${portOf(exporter.endpoint)}`]);
    expect(targets("otel-collector")).toEqual([`otel-collector:${pullPort(collector)}`]);
    expect(targets("jaeger")).toEqual([`jaeger:${pullPort(jaeger)}`]);
  });

  it("Prometheus alerts to Alertmanager on the port its container serves", () => {
    const alertmanagers = list(dict(prometheus, "alerting"), "alertmanagers");
    const amTargets = alertmanagers.flatMap((a) =>
      list(a, "static_configs").flatMap((c) => list(c, "targets").map(String)),
    );
    expect(amTargets).toEqual(["alertmanager:9093"]);
    expect(published("alertmanager").has(9093)).toBe(true);
  });

  it("Grafana's datasources call the services on the ports they serve", () => {
    const url = (uid: string) => str(datasources.find((d) => str(d, "uid") === uid), "url");
    const query = dict(dict(jaeger, "extensions"), "jaeger_query");
    expect(url("jaeger")).toBe(`http://jaeger:${portOf(str(dict(query, "http"), "endpoint"))}`);
    expect(url("prometheus")).toBe("http://prometheus:9090");
    expect(url("alertmanager")).toBe("http://alertmanager:9093");
    expect(published("jaeger").has(portOf(str(dict(query, "http"), "endpoint")))).toBe(true);
    expect(published("prometheus").has(9090)).toBe(true);
    expect(published("grafana").has(3000)).toBe(true);
  });

  it("health checks probe the ports the configs open", () => {
    const probe = (service: string) => list(dict(dict(services, service), "healthcheck"), "test").join(" ");
    const health = dict(dict(dict(jaeger, "extensions"), "healthcheckv2"), "http");
    expect(probe("jaeger")).toContain(
      `127.0.0.1:${portOf(health.endpoint)}${str(dict(health, "status"), "path")}`,
    );
    expect(probe("demo")).toContain(
      `127.0.0.1:${DEFAULT_PROMETHEUS_PORT}${DEFAULT_PROMETHEUS_ENDPOINT}`,
    );
  });
});
