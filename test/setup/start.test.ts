/** startObservability in-process: precedence, start errors, disabled, shutdown. */
import { diag } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { Pregel } from "@langchain/langgraph/pregel";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ObservabilityConfigError, startObservability } from "../../src/index.js";
import { resolveConfig } from "../../src/setup/config.js";
import { settleWithin } from "../../src/setup/deadline.js";
import { FailureReporter, guardExporter } from "../../src/setup/failure-reporter.js";
import {
  DEFAULT_OTLP_HTTP_PORT,
  DEFAULT_PROMETHEUS_HOST,
  DEFAULT_PROMETHEUS_PORT,
} from "../../src/stack-defaults.js";

function errorOf(fn: () => unknown): ObservabilityConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ObservabilityConfigError) return error;
    throw error;
  }
  throw new Error("expected an ObservabilityConfigError");
}

describe("resolveConfig: options > env > defaults", () => {
  it("defaults", () => {
    const config = resolveConfig({}, {});
    expect(config.traces.url).toBe(`http://localhost:${DEFAULT_OTLP_HTTP_PORT}/v1/traces`);
    expect(config.logs.url).toBe(`http://localhost:${DEFAULT_OTLP_HTTP_PORT}/v1/logs`);
    expect(config.tracesExporters).toEqual(["otlp"]);
    expect(config.metricsExporters).toEqual(["prometheus"]);
    expect(config.logsExporters).toEqual(["otlp"]);
    expect(config.prometheus.host).toBe(DEFAULT_PROMETHEUS_HOST);
    expect(config.prometheus.port.value).toBe(DEFAULT_PROMETHEUS_PORT);
    expect(config.prometheus.endpoint).toBe("/metrics");
    expect(config.sampler).toMatchObject({ name: "parentbased_always_on", arg: 1 });
    expect(config.spanQueue.maxQueueSize).toBe(2048);
    expect(config.lifecycleLogs).toBe(false);
    expect(config.shutdownTimeoutMillis).toBe(5000);
  });

  it("env over defaults: endpoints, headers, resource, exporters, sampler, port", () => {
    const config = resolveConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/base/",
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://logs:9999/custom",
        OTEL_EXPORTER_OTLP_HEADERS: "a=1,b=x%20y",
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: "b=2",
        OTEL_SERVICE_NAME: "svc",
        OTEL_RESOURCE_ATTRIBUTES: "service.name=ignored,deployment.environment.name=prod",
        OTEL_TRACES_EXPORTER: "console, otlp",
        OTEL_METRICS_EXPORTER: "none",
        OTEL_TRACES_SAMPLER: "traceidratio",
        OTEL_TRACES_SAMPLER_ARG: "0.25",
        OTEL_EXPORTER_PROMETHEUS_PORT: "9999",
        OTEL_BSP_MAX_QUEUE_SIZE: "100",
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "10",
      },
    );
    expect(config.traces.url).toBe("http://collector:4318/base/v1/traces");
    expect(config.logs.url).toBe("http://logs:9999/custom");
    expect(config.traces.headers).toEqual({ a: "1", b: "2" });
    expect(config.logs.headers).toEqual({ a: "1", b: "x y" });
    expect(config.resourceAttributes).toMatchObject({
      "service.name": "svc",
      "deployment.environment.name": "prod",
    });
    expect(config.tracesExporters).toEqual(["console", "otlp"]);
    expect(config.metricsExporters).toEqual([]);
    expect(config.sampler).toMatchObject({ name: "traceidratio", arg: 0.25 });
    expect(config.prometheus.port).toEqual({ value: 9999, setting: "OTEL_EXPORTER_PROMETHEUS_PORT" });
    expect(config.spanQueue).toMatchObject({ maxQueueSize: 100, maxExportBatchSize: 10 });
  });

  it("options over env", () => {
    const config = resolveConfig(
      {
        otlpEndpoint: "https://otlp.example:443",
        serviceName: "from-option",
        tracesExporter: "none",
        prometheusPort: 0,
        otlpHeaders: { k: "v" },
        lifecycleLogs: true,
        shutdownTimeoutMillis: 100,
      },
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://env:4318/v1/traces",
        OTEL_SERVICE_NAME: "from-env",
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_EXPORTER_PROMETHEUS_PORT: "9999",
        OTEL_EXPORTER_OTLP_HEADERS: "a=1",
        LANGGRAPH_OTEL_LIFECYCLE_LOGS: "false",
        LANGGRAPH_OTEL_SHUTDOWN_TIMEOUT: "9000",
      },
    );
    expect(config.traces.url).toBe("https://otlp.example/v1/traces");
    expect(config.resourceAttributes["service.name"]).toBe("from-option");
    expect(config.tracesExporters).toEqual([]);
    expect(config.prometheus.port).toEqual({ value: 0, setting: "prometheusPort" });
    expect(config.traces.headers).toEqual({ k: "v" });
    expect(config.lifecycleLogs).toBe(true);
    expect(config.shutdownTimeoutMillis).toBe(100);
  });
});

describe("start errors name the variable at fault", () => {
  it.each([
    [{ OTEL_TRACES_EXPORTER: "zipkin" }, "OTEL_TRACES_EXPORTER", 'unknown exporter "zipkin"'],
    [{ OTEL_TRACES_EXPORTER: "prometheus" }, "OTEL_TRACES_EXPORTER", "prometheus"],
    [{ OTEL_METRICS_EXPORTER: "statsd" }, "OTEL_METRICS_EXPORTER", "statsd"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" }, "OTEL_EXPORTER_OTLP_ENDPOINT", "not a valid URL"],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "ftp://x" }, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http"],
    [{ OTEL_EXPORTER_PROMETHEUS_PORT: "70000" }, "OTEL_EXPORTER_PROMETHEUS_PORT", "70000"],
    [{ OTEL_TRACES_SAMPLER: "jaeger_remote" }, "OTEL_TRACES_SAMPLER", "jaeger_remote"],
    [{ OTEL_TRACES_SAMPLER_ARG: "2" }, "OTEL_TRACES_SAMPLER_ARG", "ratio"],
    [{ OTEL_SDK_DISABLED: "yes" }, "OTEL_SDK_DISABLED", "true or false"],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"],
    [{ OTEL_RESOURCE_ATTRIBUTES: "novalue" }, "OTEL_RESOURCE_ATTRIBUTES", "key=value"],
    [{ OTEL_LOG_LEVEL: "loud" }, "OTEL_LOG_LEVEL", "loud"],
    [{ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "5000" }, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "queue size"],
  ])("%j", (env, variable, detail) => {
    const error = errorOf(() => startObservability({ env }));
    expect(error.setting).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).toContain(detail);
  });

  it("options are named too", () => {
    const error = errorOf(() => startObservability({ otlpEndpoint: "::", env: {} }));
    expect(error.setting).toBe("otlpEndpoint");
  });
});

function tinyGraph() {
  const State = Annotation.Root({ n: Annotation<number>() });
  return new StateGraph(State)
    .addNode("inc", (s) => ({ n: s.n + 1 }))
    .addEdge(START, "inc")
    .addEdge("inc", END)
    .compile({ name: "tiny" });
}

describe("startObservability", () => {
  const started: Array<{ shutdown(): Promise<unknown> }> = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    // A failed assertion must not leave the process-wide setup running for the next test.
    for (const handle of started.splice(0)) await handle.shutdown();
  });

  it("disabled: nothing patched, nothing served, shutdown is a no-op", async () => {
    const before = Pregel.prototype._streamIterator;
    const handle = startObservability({
      env: { OTEL_SDK_DISABLED: "true", OTEL_TRACES_EXPORTER: "not-even-parsed" },
    });
    expect(handle.enabled).toBe(false);
    expect(handle.instrumentations).toEqual([]);
    expect(Pregel.prototype._streamIterator).toBe(before);
    expect(handle.metricsAddress()).toBeUndefined();
    expect(await handle.shutdown()).toEqual({ timedOut: false });
  });

  it("traces a graph, serves /metrics, and shutdown unpatches, closes and unregisters", async () => {
    const before = Pregel.prototype._streamIterator;
    const memory = new InMemorySpanExporter();
    const handle = startObservability({
      env: {},
      tracesExporter: "none",
      logsExporter: "none",
      prometheusPort: 0,
      spanProcessors: [new SimpleSpanProcessor(memory)],
      logLevel: "none",
    });
    started.push(handle);
    await handle.ready;
    expect(Pregel.prototype._streamIterator).not.toBe(before);
    // A second start returns the running setup rather than a second SDK.
    expect(startObservability({ env: {}, logLevel: "none" })).toBe(handle);

    await tinyGraph().invoke({ n: 1 });
    // Export waits for the detected resource attributes (host id) to settle.
    await handle.forceFlush();
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual([
      "invoke_node inc",
      "invoke_workflow tiny",
    ]);
    const address = handle.metricsAddress();
    expect(address?.host).toBe("127.0.0.1");
    const text = await (await fetch(`http://127.0.0.1:${address?.port}/metrics`)).text();
    expect(text).toContain('gen_ai_workflow_duration_count{gen_ai_workflow_name="tiny"');
    expect((await fetch(`http://127.0.0.1:${address?.port}/other`)).status).toBe(404);

    expect(await handle.shutdown()).toEqual({ timedOut: false });
    expect(Pregel.prototype._streamIterator).toBe(before);
    await expect(fetch(`http://127.0.0.1:${address?.port}/metrics`)).rejects.toThrow();
    // Unregistered: a new setup can start and register again.
    const again = startObservability({
      env: {},
      tracesExporter: "none",
      logsExporter: "none",
      metricsExporter: "none",
      logLevel: "none",
    });
    expect(again).not.toBe(handle);
    await again.shutdown();
  });

  it("genai: false leaves model and tool instrumentation out, graph and node spans stay", async () => {
    const memory = new InMemorySpanExporter();
    const handle = startObservability({
      env: {},
      tracesExporter: "none",
      logsExporter: "none",
      metricsExporter: "none",
      spanProcessors: [new SimpleSpanProcessor(memory)],
      logLevel: "none",
      genai: false,
    });
    started.push(handle);
    await handle.ready;
    expect(handle.instrumentations.map((i) => i.constructor.name)).toEqual(["LangGraphInstrumentation"]);
    await tinyGraph().invoke({ n: 1 });
    await handle.forceFlush();
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(["invoke_node inc", "invoke_workflow tiny"]);
  });

  it("ready waits for detected resource attributes, but not for a detector that never answers", async () => {
    let release: (value: string) => void = () => undefined;
    const slow = new Promise<string>((resolve) => {
      release = resolve;
    });
    const stuck = { detect: () => ({ attributes: { "host.id": new Promise<string>(() => undefined) } }) };
    const late = { detect: () => ({ attributes: { "cloud.region": slow } }) };
    const options = {
      env: {},
      tracesExporter: "none",
      logsExporter: "none",
      metricsExporter: "none",
      logLevel: "none",
    } as const;

    const first = startObservability({ ...options, resourceDetectors: [late] });
    started.push(first);
    let ready = false;
    void first.ready.then(() => {
      ready = true;
    });
    expect(await settleWithin(first.ready, 200)).toBe(true);
    expect(ready).toBe(false);
    release("eu-west-1");
    await first.ready;
    await first.shutdown();

    const second = startObservability({ ...options, resourceDetectors: [stuck] });
    started.push(second);
    // Bounded at 2 s in setup; the test allows slack for a busy machine.
    expect(await settleWithin(second.ready, 10_000)).toBe(false);
  });

  it("shutdown never waits past its deadline", async () => {
    const stuck = {
      onStart: () => undefined,
      onEnd: () => undefined,
      forceFlush: () => new Promise<void>(() => undefined),
      shutdown: () => new Promise<void>(() => undefined),
    };
    const handle = startObservability({
      env: {},
      tracesExporter: "none",
      logsExporter: "none",
      metricsExporter: "none",
      logLevel: "none",
      spanProcessors: [stuck],
    });
    started.push(handle);
    expect(await handle.shutdown({ timeoutMillis: 50 })).toEqual({ timedOut: true });
  });
});

describe("deadline and failure reporting", () => {
  it("settleWithin resolves true at the deadline, false when the work ends first", async () => {
    vi.useFakeTimers();
    try {
      const never = settleWithin(new Promise(() => undefined), 1000);
      const quick = settleWithin(Promise.reject(new Error("x")), 1000);
      await vi.advanceTimersByTimeAsync(999);
      expect(await quick).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await never).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("an exporter failing repeatedly is logged once per kind and never throws", () => {
    const warn = vi.spyOn(diag, "warn").mockImplementation(() => undefined);
    const reporter = new FailureReporter();
    const failing = guardExporter<string[]>(
      {
        export: (_batch, done) => done({ code: ExportResultCode.FAILED, error: new Error("ECONNREFUSED") }),
        shutdown: async () => undefined,
      },
      "trace export",
      reporter,
    );
    const throwing = guardExporter<string[]>(
      {
        export: () => {
          throw new Error("boom");
        },
        shutdown: async () => undefined,
      },
      "log export",
      reporter,
    );
    const results: number[] = [];
    for (let i = 0; i < 5; i++) {
      failing.export(["a"], (r) => results.push(r.code));
      throwing.export(["b"], (r) => results.push(r.code));
    }
    expect(results).toEqual(Array(10).fill(ExportResultCode.FAILED));
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[0]?.[0])).toContain("trace export failed: ECONNREFUSED");
    expect(reporter.counts().get("trace export")).toBe(5);
    warn.mockRestore();
  });
});
