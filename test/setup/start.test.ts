/** startObservability in-process: precedence, start errors, disabled, shutdown. */
import { diag } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { Pregel } from "@langchain/langgraph/pregel";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ObservabilityConfigError, startObservability } from "../../src/index.js";
import { resolveConfig } from "../../src/setup/config.js";
import { describeProblem, type EnvProblem } from "../../src/setup/env-check.js";
import type { TraceExporterName } from "../../src/setup/options.js";
import { settleWithin } from "../../src/setup/deadline.js";
import { FailureReporter, guardExporter } from "../../src/setup/failure-reporter.js";
import {
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
    expect(config.protocols).toEqual({
      TRACES: "http/protobuf",
      METRICS: "http/protobuf",
      LOGS: "http/protobuf",
    });
    expect(config.tracesExporters).toEqual(["otlp"]);
    expect(config.metricsExporters).toEqual(["prometheus"]);
    expect(config.logsExporters).toEqual(["otlp"]);
    expect(config.prometheus.host).toBe(DEFAULT_PROMETHEUS_HOST);
    expect(config.prometheus.port.value).toBe(DEFAULT_PROMETHEUS_PORT);
    expect(config.prometheus.endpoint).toBe("/metrics");
    expect(config.spanQueue).toEqual({
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 5000,
      exportTimeoutMillis: 30_000,
    });
    expect(config.logQueue.scheduledDelayMillis).toBe(1000);
    expect(config.logLevel).toBe("warn");
    expect(config.lifecycleLogs).toBe(false);
    expect(config.shutdownTimeoutMillis).toBe(5000);
    expect(config.problems).toEqual([]);
    expect(config.sdkEnv).toEqual({});
  });

  it("env over defaults; what the SDK parses itself is handed over unchanged", () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/base/",
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "grpc",
      OTEL_EXPORTER_OTLP_HEADERS: "a=1,b=x%20y",
      OTEL_SERVICE_NAME: "svc",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=prod",
      OTEL_TRACES_EXPORTER: "console, otlp",
      OTEL_METRICS_EXPORTER: "none",
      OTEL_TRACES_SAMPLER: "traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
      OTEL_EXPORTER_PROMETHEUS_PORT: "9999",
      OTEL_BSP_MAX_QUEUE_SIZE: "100",
      OTEL_BLRP_MAX_QUEUE_SIZE: "300",
      OTEL_LOG_LEVEL: "error",
      PATH_LIKE_UNRELATED: "x",
    };
    const config = resolveConfig({}, env);
    expect(config.problems).toEqual([]);
    const { OTEL_LOG_LEVEL: _level, PATH_LIKE_UNRELATED: _other, ...forwarded } = env;
    expect(config.sdkEnv).toEqual(forwarded);
    expect(config.protocols).toEqual({ TRACES: "http/protobuf", METRICS: "http/protobuf", LOGS: "grpc" });
    expect(config.tracesExporters).toEqual(["console", "otlp"]);
    expect(config.metricsExporters).toEqual([]);
    expect(config.prometheus.port).toEqual({ value: 9999, setting: "OTEL_EXPORTER_PROMETHEUS_PORT" });
    // A queue smaller than the SDK's default batch: the batch follows it.
    expect(config.spanQueue).toMatchObject({ maxQueueSize: 100, maxExportBatchSize: 100 });
    expect(config.logQueue).toMatchObject({ maxQueueSize: 300, maxExportBatchSize: 300 });
    expect(config.logLevel).toBe("error");
  });

  it("options over env, written into the environment the SDK reads", () => {
    const config = resolveConfig(
      {
        otlpEndpoint: "https://otlp.example:443",
        otlpProtocol: "http/json",
        otlpCompression: "gzip",
        otlpTimeoutMillis: 1234,
        serviceName: "from-option",
        tracesExporter: "none",
        prometheusPort: 0,
        otlpHeaders: { k: "v w", b: "opt" },
        sampler: "always_off",
        spanQueue: { maxQueueSize: 10 },
        lifecycleLogs: true,
        shutdownTimeoutMillis: 100,
      },
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://env:4318/v1/traces",
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "grpc",
        OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: "99",
        OTEL_SERVICE_NAME: "from-env",
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_TRACES_SAMPLER: "always_on",
        OTEL_EXPORTER_PROMETHEUS_PORT: "9999",
        OTEL_EXPORTER_OTLP_HEADERS: "a=1",
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: "b=env,c=3",
        LANGGRAPH_OTEL_LIFECYCLE_LOGS: "false",
        LANGGRAPH_OTEL_SHUTDOWN_TIMEOUT: "9000",
      },
    );
    expect(config.sdkEnv).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://otlp.example:443",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: undefined,
      OTEL_EXPORTER_OTLP_TIMEOUT: "1234",
      OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: undefined,
      OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
      OTEL_EXPORTER_OTLP_HEADERS: "a=1",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "b=opt,c=3,k=v%20w",
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: "k=v%20w,b=opt",
      OTEL_TRACES_SAMPLER: "always_off",
      OTEL_BSP_MAX_QUEUE_SIZE: "10",
    });
    expect(config.protocols.METRICS).toBe("http/json");
    expect(config.resourceAttributes["service.name"]).toBe("from-option");
    expect(config.tracesExporters).toEqual([]);
    expect(config.prometheus.port).toEqual({ value: 0, setting: "prometheusPort" });
    expect(config.spanQueue).toMatchObject({ maxQueueSize: 10, maxExportBatchSize: 10 });
    expect(config.lifecycleLogs).toBe(true);
    expect(config.shutdownTimeoutMillis).toBe(100);
  });
});

describe("bad environment values: one problem per variable, no value shown, the default used", () => {
  const SECRET = "s3cr3t-t0ken";
  it.each([
    [{ OTEL_TRACES_EXPORTER: "zipkin" }, "OTEL_TRACES_EXPORTER"],
    [{ OTEL_METRICS_EXPORTER: "statsd" }, "OTEL_METRICS_EXPORTER"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: `http://u:${SECRET}@[::` }, "OTEL_EXPORTER_OTLP_ENDPOINT"],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `ftp://${SECRET}` }, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"],
    [{ OTEL_EXPORTER_PROMETHEUS_PORT: "70000" }, "OTEL_EXPORTER_PROMETHEUS_PORT"],
    [{ OTEL_TRACES_SAMPLER: "jaeger_remote" }, "OTEL_TRACES_SAMPLER"],
    [{ OTEL_TRACES_SAMPLER_ARG: "0,5" }, "OTEL_TRACES_SAMPLER_ARG"],
    [{ OTEL_SDK_DISABLED: "yes" }, "OTEL_SDK_DISABLED"],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: "thrift" }, "OTEL_EXPORTER_OTLP_PROTOCOL"],
    [{ OTEL_RESOURCE_ATTRIBUTES: "team" }, "OTEL_RESOURCE_ATTRIBUTES"],
    [{ OTEL_LOG_LEVEL: "loud" }, "OTEL_LOG_LEVEL"],
    [{ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "5000" }, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"],
    [{ OTEL_EXPORTER_OTLP_HEADERS: `authorization Bearer%20${SECRET}` }, "OTEL_EXPORTER_OTLP_HEADERS"],
  ])("%j", (env, variable) => {
    const config = resolveConfig({}, env);
    expect(config.problems.map((p) => p.variable)).toEqual([variable]);
    // Hidden from the SDK, or replaced by the default where the SDK wants a value.
    expect(config.sdkEnv[variable]).toBe(config.problems[0]?.replacement);
    expect(config.sdkEnv[variable]).not.toBe(env[variable as keyof typeof env]);
    const message = describeProblem(config.problems[0] as EnvProblem);
    expect(message).toContain(variable);
    expect(message).not.toContain(SECRET);
    for (const value of Object.values(env)) expect(message).not.toContain(value);
  });

  it.each([
    { OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4317" },
    { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "collector:4317" },
    { OTEL_EXPORTER_OTLP_ENDPOINT: "https://otlp.example/base/path/" },
    { OTEL_EXPORTER_OTLP_HEADERS: " authorization = Bearer%20a=b , x-k=v " },
    { OTEL_RESOURCE_ATTRIBUTES: "a=1,,b=x%3Dy%2Cz, c = d " },
    { OTEL_TRACES_EXPORTER: " OTLP , console" },
    { OTEL_TRACES_SAMPLER_ARG: "0.5", OTEL_LOG_LEVEL: "DEBUG", OTEL_SDK_DISABLED: "FALSE" },
    { OTEL_EXPORTER_OTLP_TIMEOUT: "2500", OTEL_EXPORTER_OTLP_COMPRESSION: "gzip", OTEL_BSP_SCHEDULE_DELAY: "0" },
    { OTEL_SERVICE_NAME: "any, text = fine", OTEL_EXPORTER_OTLP_ENDPOINT: "   " },
    { OTEL_EXPORTER_PROMETHEUS_HOST: "0.0.0.0" },
    { OTEL_EXPORTER_PROMETHEUS_HOST: "::" },
    { OTEL_EXPORTER_PROMETHEUS_HOST: "metrics.internal" },
  ])("valid, no problem: %j", (env) => {
    expect(resolveConfig({}, env).problems).toEqual([]);
  });

  it("a grpc-only host:port is not an HTTP endpoint", () => {
    const config = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4317" });
    expect(config.problems.map((p) => p.variable)).toEqual(["OTEL_EXPORTER_OTLP_ENDPOINT"]);
  });

  it("no warning for a variable an option replaces", () => {
    const env = { OTEL_TRACES_EXPORTER: "zipkin", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "ftp://x" };
    expect(resolveConfig({ tracesExporter: "otlp", otlpEndpoint: "http://c:4318" }, env).problems).toEqual([]);
  });

  it("a header list keeps its good entries", () => {
    const config = resolveConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20x,broken" });
    expect(config.problems.map((p) => p.variable)).toEqual(["OTEL_EXPORTER_OTLP_HEADERS"]);
    expect(config.sdkEnv.OTEL_EXPORTER_OTLP_HEADERS).toBe("authorization=Bearer%20x");
  });

  it("startObservability does not throw for them", async () => {
    const handle = startObservability({
      env: { OTEL_TRACES_EXPORTER: "zipkin", OTEL_TRACES_SAMPLER_ARG: "0,5", OTEL_METRICS_EXPORTER: "none", OTEL_LOGS_EXPORTER: "none" },
      tracesExporter: "none",
    });
    expect(handle.enabled).toBe(true);
    await handle.shutdown();
  });
});

describe("bad options throw, naming the option", () => {
  it.each([
    [{ otlpEndpoint: "::" }, "otlpEndpoint"],
    [{ otlpTracesEndpoint: "ftp://x" }, "otlpTracesEndpoint"],
    [{ prometheusPort: 70000 }, "prometheusPort"],
    [{ samplerArg: 2 }, "samplerArg"],
    [{ spanQueue: { maxQueueSize: 10, maxExportBatchSize: 20 } }, "spanQueue.maxExportBatchSize"],
    [{ otlpHeaders: { "bad name": "x" } }, "otlpHeaders"],
    [{ tracesExporter: "zipkin" as TraceExporterName }, "tracesExporter"],
  ])("%j", (options, option) => {
    const error = errorOf(() => startObservability({ ...options, env: {} }));
    expect(error.setting).toBe(option);
    expect(error.message).toContain(option);
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
    // The library instrumentations (http, undici, pino, winston) stay: they are not GenAI's.
    expect(handle.instrumentations.map((i) => i.constructor.name)).toEqual([
      "LangGraphInstrumentation",
      "HttpInstrumentation",
      "UndiciInstrumentation",
      "PinoInstrumentation",
      "WinstonInstrumentation",
    ]);
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
