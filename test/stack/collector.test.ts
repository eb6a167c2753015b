/**
 * collector/otel-collector.yaml and jaeger/config.yaml, read as data: every component a
 * pipeline names is defined and every defined one is used; span metrics see every span
 * before tail sampling; GenAI content attributes are deleted; the span-metric buckets are
 * the SDK's; Jaeger's Monitor tab reads the names the collector produces.
 */
import { describe, expect, it } from "vitest";
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_LANGGRAPH_STATE_INPUT,
  ATTR_LANGGRAPH_STATE_OUTPUT,
  DURATION_BUCKETS_SECONDS,
  OUTCOME_INTERRUPTED,
} from "../../src/semconv.js";
import { type Dict, dict, list, readYaml, str } from "./support.js";

const KINDS = ["receivers", "processors", "exporters", "connectors", "extensions"] as const;

/** The component type of an id: `otlp_grpc/jaeger` -> `otlp_grpc`. */
function typeOf(id: string): string {
  return id.split("/")[0] ?? id;
}

function names(values: unknown[]): string[] {
  return values.map((v) => String(v));
}

/**
 * Checks one collector-style config: pipelines only name defined components (connectors
 * count as exporters of one pipeline and receivers of another), every defined component
 * is used, and every connector is both exported to and received from.
 */
function crossCheck(config: Dict): void {
  const service = dict(config, "service");
  const pipelines = dict(service, "pipelines");
  expect(Object.keys(pipelines).length).toBeGreaterThan(0);
  const defined = {} as Record<(typeof KINDS)[number], string[]>;
  for (const kind of KINDS) defined[kind] = Object.keys(dict(config, kind));
  const connectors = new Set(defined.connectors);
  const used: Record<(typeof KINDS)[number], Set<string>> = {
    receivers: new Set(),
    processors: new Set(),
    exporters: new Set(),
    connectors: new Set(),
    extensions: new Set(names(list(service, "extensions"))),
  };
  const connectorIn = new Set<string>();
  const connectorOut = new Set<string>();

  for (const [pipeline, body] of Object.entries(pipelines)) {
    const receivers = names(list(body, "receivers"));
    const exporters = names(list(body, "exporters"));
    expect(receivers.length, `${pipeline} has receivers`).toBeGreaterThan(0);
    expect(exporters.length, `${pipeline} has exporters`).toBeGreaterThan(0);
    for (const id of receivers) {
      if (connectors.has(id)) {
        used.connectors.add(id);
        connectorOut.add(id);
      } else {
        expect(defined.receivers, `${pipeline} receives from ${id}`).toContain(id);
        used.receivers.add(id);
      }
    }
    for (const id of names(list(body, "processors"))) {
      expect(defined.processors, `${pipeline} processes with ${id}`).toContain(id);
      used.processors.add(id);
    }
    for (const id of exporters) {
      if (connectors.has(id)) {
        used.connectors.add(id);
        connectorIn.add(id);
      } else {
        expect(defined.exporters, `${pipeline} exports to ${id}`).toContain(id);
        used.exporters.add(id);
      }
    }
  }
  for (const id of used.extensions) expect(defined.extensions, `extension ${id}`).toContain(id);
  for (const kind of KINDS) {
    expect([...used[kind]].sort(), `every defined ${kind} is used`).toEqual(
      [...defined[kind]].sort(),
    );
  }
  for (const id of connectors) {
    expect(connectorIn.has(id) && connectorOut.has(id), `connector ${id} links two pipelines`).toBe(
      true,
    );
  }
}

/** Go duration (`5ms`, `2500ms`, `1s`, `2m`) to seconds. */
function seconds(duration: string): number {
  const match = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  const scale: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  return Number(match[1]) * (scale[match[2] ?? "s"] ?? Number.NaN);
}

const collector = readYaml("collector/otel-collector.yaml");
const jaeger = readYaml("jaeger/config.yaml");

describe("collector/otel-collector.yaml", () => {
  it("defines every component its pipelines name and uses every one it defines", () => {
    crossCheck(collector);
  });

  it("uses the component type names of the pinned contrib release", () => {
    const typesOf = (kind: (typeof KINDS)[number]) => Object.keys(dict(collector, kind)).map(typeOf);
    // 0.157 renamed these to lower_snake_case; the old names are deprecated aliases.
    expect(typesOf("exporters")).not.toContain("otlp");
    expect(typesOf("exporters")).not.toContain("otlphttp");
    expect(typesOf("connectors")).not.toContain("spanmetrics");
    expect(typesOf("receivers")).toEqual(["otlp"]); // one receiver serves gRPC and HTTP
    expect(typesOf("processors").sort()).toEqual(
      ["attributes", "memory_limiter", "resource", "tail_sampling"].sort(),
    );
    expect(typesOf("connectors").sort()).toEqual(["forward", "span_metrics"]);
    expect(typesOf("exporters").sort()).toEqual(["debug", "otlp_grpc", "prometheus"]);
    expect(typesOf("extensions")).toEqual(["health_check"]);
  });

  it("puts memory_limiter first in every pipeline that has processors", () => {
    for (const [name, pipeline] of Object.entries(dict(dict(collector, "service"), "pipelines"))) {
      const processors = names(list(pipeline, "processors"));
      if (processors.length > 0 && !processors.includes("tail_sampling")) {
        expect(processors[0], name).toBe("memory_limiter");
      }
    }
  });

  it("derives span metrics from every span, and tail-samples only afterwards", () => {
    const pipelines = dict(dict(collector, "service"), "pipelines");
    const ingest = Object.entries(pipelines).filter(([, p]) =>
      names(list(p, "receivers")).includes("otlp"),
    );
    const tracesIn = ingest.filter(([name]) => typeOf(name) === "traces");
    expect(tracesIn).toHaveLength(1);
    const [, traces] = tracesIn[0] ?? ["", {}];
    expect(names(list(traces, "processors"))).not.toContain("tail_sampling");
    const exporters = names(list(traces, "exporters"));
    expect(exporters).toContain("span_metrics");
    const forward = exporters.find((id) => typeOf(id) === "forward");
    expect(forward, "the ingest pipeline forwards to the sampling pipeline").toBeDefined();

    const sampled = Object.values(pipelines).filter((p) =>
      names(list(p, "processors")).includes("tail_sampling"),
    );
    expect(sampled).toHaveLength(1);
    expect(names(list(sampled[0], "receivers"))).toEqual([forward]);
    expect(names(list(sampled[0], "exporters"))).toEqual(["otlp_grpc/jaeger"]);

    const metrics = Object.values(pipelines).find((p) =>
      names(list(p, "receivers")).includes("span_metrics"),
    );
    expect(names(list(metrics, "exporters"))).toEqual(["prometheus"]);
  });

  it("keeps every error, slow and interrupted trace and samples the rest", () => {
    const policies = list(dict(dict(collector, "processors"), "tail_sampling"), "policies");
    const byType = new Map(policies.map((p) => [str(p, "type"), p]));
    expect(list(dict(byType.get("status_code"), "status_code"), "status_codes")).toEqual([
      "ERROR",
    ]);
    expect(dict(byType.get("latency"), "latency").threshold_ms).toBeDefined();
    const interrupts = dict(byType.get("string_attribute"), "string_attribute");
    expect(interrupts.key).toBe(ATTR_LANGGRAPH_OUTCOME);
    expect(interrupts.values).toEqual([OUTCOME_INTERRUPTED]);
    expect(dict(byType.get("probabilistic"), "probabilistic").sampling_percentage).toBeDefined();
  });

  it("deletes GenAI message and state content before anything is stored", () => {
    const processors = dict(collector, "processors");
    const actions = list(dict(processors, "attributes/genai_content"), "actions");
    const deleted = actions.filter((a) => str(a, "action") === "delete").map((a) => str(a, "key"));
    for (const key of [
      ATTR_GEN_AI_INPUT_MESSAGES,
      ATTR_GEN_AI_OUTPUT_MESSAGES,
      ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
      ATTR_GEN_AI_TOOL_CALL_RESULT,
      ATTR_LANGGRAPH_STATE_INPUT,
      ATTR_LANGGRAPH_STATE_OUTPUT,
    ]) {
      expect(deleted, key).toContain(key);
    }
    const pipelines = dict(dict(collector, "service"), "pipelines");
    for (const [name, pipeline] of Object.entries(pipelines)) {
      if (!names(list(pipeline, "receivers")).includes("otlp")) continue;
      expect(names(list(pipeline, "processors")), name).toContain("attributes/genai_content");
    }
  });

  it("buckets span durations like the SDK (milliseconds to minutes) and keeps exemplars", () => {
    const spanMetrics = dict(dict(collector, "connectors"), "span_metrics");
    const histogram = dict(spanMetrics, "histogram");
    expect(histogram.unit).toBe("ms");
    const buckets = names(list(dict(histogram, "explicit"), "buckets")).map(seconds);
    expect(buckets).toEqual(DURATION_BUCKETS_SECONDS);
    expect(dict(spanMetrics, "exemplars").enabled).toBe(true);
    expect(spanMetrics.namespace).toBe("traces.span.metrics");
    // OpenMetrics is what carries exemplars to Prometheus.
    expect(dict(dict(collector, "exporters"), "prometheus").enable_open_metrics).toBe(true);
  });
});

describe("jaeger/config.yaml", () => {
  it("defines every component its pipelines name and uses every one it defines", () => {
    crossCheck(jaeger);
  });

  it("reads the collector's span metrics from Prometheus for the Monitor tab", () => {
    const extensions = dict(jaeger, "extensions");
    const storage = dict(dict(extensions, "jaeger_query"), "storage");
    const metricBackends = dict(dict(extensions, "jaeger_storage"), "metric_backends");
    const backend = dict(dict(metricBackends, String(storage.metrics)), "prometheus");
    expect(backend.endpoint).toBe("http://prometheus:9090");
    // namespace traces.span.metrics -> traces_span_metrics; unit ms -> _milliseconds.
    const spanMetrics = dict(dict(collector, "connectors"), "span_metrics");
    expect(backend.metric_namespace).toBe(String(spanMetrics.namespace).replaceAll(".", "_"));
    expect(backend.latency_unit).toBe(dict(spanMetrics, "histogram").unit);
    expect(backend.normalize_calls).toBe(true);
    expect(backend.normalize_duration).toBe(true);
    const traces = dict(dict(dict(extensions, "jaeger_storage"), "backends"), String(storage.traces));
    expect(Object.keys(traces)).toEqual(["memory"]);
  });

  it("receives OTLP on the port the collector exports to", () => {
    const exporter = dict(dict(collector, "exporters"), "otlp_grpc/jaeger");
    const receiver = dict(dict(dict(jaeger, "receivers"), "otlp"), "protocols");
    const port = String(str(dict(receiver, "grpc"), "endpoint")).split(":").at(-1);
    expect(exporter.endpoint).toBe(`jaeger:${port}`);
  });
});
