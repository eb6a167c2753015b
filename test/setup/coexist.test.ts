/**
 * Coexistence with an OpenTelemetry SDK that is already registered: the
 * auto-instrumentations' register entry before ours, or the app's own NodeSDK started
 * before startObservability(). Real child processes serve HTTP on loopback and run a
 * graph per request; a real OTLP/HTTP receiver collects the spans.
 */
import { dirname, join } from "node:path";
import { context, diag, propagation, SpanKind, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Annotation, Command, END, interrupt, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it, vi } from "vitest";
import { startObservability } from "../../src/index.js";
import { flushOnExit } from "../../src/setup/process-hooks.js";
import { SPAN_INVOKE_NODE, SPAN_INVOKE_WORKFLOW } from "../../src/semconv.js";
import { otlpAppEnv } from "../helpers/app-process.js";
import { eventually } from "../helpers/waiting.js";
import {
  REPO,
  type ReceivedSpan,
  type RunningChild,
  startChild,
  useBuiltRegister,
  useOtlpReceiver,
} from "./support.js";

vi.setConfig({ testTimeout: 90_000 });

const APP_MJS = join(REPO, "test/setup/apps/graph-server.mjs");
const APP_CJS = join(REPO, "test/setup/apps/graph-server.cjs");
const AUTO_REGISTER = "@opentelemetry/auto-instrumentations-node/register";
const WORKFLOW = `${SPAN_INVOKE_WORKFLOW} http_agent`;
const REQUESTS = 4;
const OTLP_SERVER_KIND = 2;

const built = useBuiltRegister();
const receivers = useOtlpReceiver();

// OTEL_EXPORTER_PROMETHEUS_PORT is where our own SDK would serve /metrics: nobody may
// listen there when we join.
async function childEnvFor(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return otlpAppEnv(await receivers.start(), {
    // The test receiver decodes JSON; the other SDK defaults to protobuf.
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    // No cloud metadata probes: loopback only.
    OTEL_NODE_RESOURCE_DETECTORS: "env,host,process",
    OTEL_LOG_LEVEL: "info",
    ...extra,
  });
}

/**
 * Sends REQUESTS graph requests, one after another, then /quit; returns the answers.
 * While the app still runs, checks that nobody serves /metrics on the port we would use.
 */
async function driveRequests(child: RunningChild, env: Record<string, string>): Promise<string[]> {
  await child.waitForOutput('"listening"');
  const line = child
    .stdout()
    .split("\n")
    .find((l) => l.includes('"listening"'));
  const port = (JSON.parse(line ?? "{}") as { listening?: number }).listening;
  const answers: string[] = [];
  for (let i = 1; i <= REQUESTS; i++) {
    const response = await fetch(`http://127.0.0.1:${port}/run?q=r${i}`);
    answers.push(((await response.json()) as { answer: string }).answer);
  }
  await expect(fetch(`http://127.0.0.1:${env.OTEL_EXPORTER_PROMETHEUS_PORT}/metrics`)).rejects.toThrow();
  await fetch(`http://127.0.0.1:${port}/quit`).then((r) => r.text());
  return answers;
}

/** The received spans once every request's graph run is among them (exporters flush on exit). */
function allRunsExported(): Promise<ReceivedSpan[]> {
  return eventually(
    "all graph runs exported",
    () => {
      const all = receivers.current()?.spans ?? [];
      return all.filter((s) => s.name === WORKFLOW).length >= REQUESTS ? all : undefined;
    },
    10_000,
  );
}

/** Every graph run sits under the HTTP server span of the request that ran it. */
function expectRunsUnderServerSpans(spans: ReceivedSpan[]): void {
  const runs = spans.filter((s) => s.name === WORKFLOW);
  expect(runs).toHaveLength(REQUESTS);
  const queries = new Set<string>();
  for (const run of runs) {
    const server = spans.find((s) => s.spanId === run.parentSpanId && s.traceId === run.traceId);
    expect(server, `parent of ${run.spanId}`).toBeDefined();
    expect(server?.kind).toBe(OTLP_SERVER_KIND);
    expect(server?.scope).toBe("@opentelemetry/instrumentation-http");
    const target = Object.values(server?.attributes ?? {}).find(
      (value): value is string => typeof value === "string" && /q=r\d+/.test(value),
    );
    expect(target, "the server span names its request").toBeDefined();
    queries.add(/q=(r\d+)/.exec(target ?? "")?.[1] ?? "");
    const nodes = spans
      .filter((s) => s.parentSpanId === run.spanId && s.traceId === run.traceId)
      .map((s) => s.name)
      .sort();
    expect(nodes).toEqual([`${SPAN_INVOKE_NODE} planner`, `${SPAN_INVOKE_NODE} responder`]);
  }
  // One run per request: each request's server span holds exactly one run.
  expect([...queries].sort()).toEqual(Array.from({ length: REQUESTS }, (_, i) => `r${i + 1}`));
}

function joinedLines(output: string): string[] {
  return output.split("\n").filter((l) => l.includes("langgraph-otel: joined the OpenTelemetry SDK"));
}

describe.each([
  { format: "ESM", flag: "--import", app: APP_MJS, register: () => built().esm },
  { format: "CJS", flag: "-r", app: APP_CJS, register: () => built().cjs },
])("$format: auto-instrumentations register, then ours ($flag)", ({ flag, app, register }) => {
  it("runs one SDK: no duplicate registration, graph spans under each request's server span", async () => {
    const env = await childEnvFor();
    const child = startChild([flag, AUTO_REGISTER, flag, register(), app], env);
    const answers = await driveRequests(child, env);
    const result = await child.exited;
    expect(answers).toEqual(Array.from({ length: REQUESTS }, (_, i) => `answered (look up: r${i + 1})`));
    expect(result.code).toBe(0);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output).not.toMatch(/duplicate registration/i);
    expect(output).not.toMatch(/does not match previously registered API/);
    expect(result.stderr).not.toMatch(/error/i);
    // One info line, naming what we added; pino/winston are the auto-instrumentations' own.
    const joined = joinedLines(output);
    expect(joined).toHaveLength(1);
    expect(joined[0]).toContain("langgraph-otel, langgraph-otel/genai");
    expect(joined[0]).not.toContain("instrumentation-pino");
    // The auto SDK flushes on beforeExit (its own hook).
    const spans = await allRunsExported();
    expectRunsUnderServerSpans(spans);
  });
});

describe.each([
  { format: "ESM", app: APP_MJS, entry: () => join(dirname(built().esm), "index.js") },
  { format: "CJS", app: APP_CJS, entry: () => join(dirname(built().cjs), "index.js") },
])("$format: the app's own NodeSDK first, then startObservability()", ({ format, app, entry }) => {
  it("joins it, nests graph spans under the server span, and shutdown leaves the app's SDK running", async () => {
    const env = await childEnvFor({ APP_SDK: "own", LANGGRAPH_OTEL_ENTRY: entry() });
    const child = startChild([app], env);
    await driveRequests(child, env);
    const result = await child.exited;
    expect(result.code).toBe(0);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output).not.toMatch(/duplicate registration/i);
    expect(result.stdout).toContain('{"joined":true}');
    expect(joinedLines(output)).toHaveLength(1);
    // Our shutdown ran first; the app's tracer provider still records afterwards.
    expect(result.stdout).toContain('{"ourShutdown":"done","tracerStillRegistered":true}');
    const spans = await allRunsExported();
    expectRunsUnderServerSpans(spans);
    // Exported by the app's SDK, with its resource.
    const runs = spans.filter((s) => s.name === WORKFLOW);
    expect(new Set(runs.map((s) => s.serviceName))).toEqual(new Set([`own-sdk-${format.toLowerCase()}`]));
    expect(spans.some((s) => s.name === "after-our-shutdown")).toBe(true);
  });
});

/** One node that adds 1: a graph run with one `invoke_node` span. */
function incGraph(name: string) {
  const State = Annotation.Root({ n: Annotation<number>() });
  return new StateGraph(State)
    .addNode("inc", (s: { n: number }) => ({ n: s.n + 1 }))
    .addEdge(START, "inc")
    .addEdge("inc", END)
    .compile({ name });
}

describe("in process: joining a registered tracer provider", () => {
  it("adds instrumentations only, and shutdown undoes only that", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    expect(trace.setGlobalTracerProvider(provider)).toBe(true);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const warn = vi.fn();
    const spy = vi.spyOn(diag, "warn").mockImplementation(warn);
    try {
      const handle = startObservability({ env: {}, genai: false, sampler: "always_off", lifecycleLogs: true });
      expect(handle.joined).toBe(true);
      expect(handle.metricsAddress()).toBeUndefined();
      // No exit hooks when joined: the SDK's owner flushes.
      const before = process.listenerCount("beforeExit");
      flushOnExit(handle)();
      expect(process.listenerCount("beforeExit")).toBe(before);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/no effect: sampler, lifecycleLogs/));
      await handle.ready;

      const graph = incGraph("joined");
      await trace.getTracer("app").startActiveSpan("request", { kind: SpanKind.SERVER }, async (span) => {
        await graph.invoke({ n: 1 });
        span.end();
      });
      const names = exporter.getFinishedSpans().map((s) => s.name);
      expect(names).toEqual([`${SPAN_INVOKE_NODE} inc`, `${SPAN_INVOKE_WORKFLOW} joined`, "request"]);
      const [, run, request] = exporter.getFinishedSpans();
      expect(run?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);

      await handle.shutdown();
      exporter.reset();
      await graph.invoke({ n: 1 });
      // Unpatched, but the app's provider is still the registered one and still records.
      expect(exporter.getFinishedSpans()).toEqual([]);
      const probe = trace.getTracer("app").startSpan("still-mine");
      expect(probe.isRecording()).toBe(true);
      probe.end();
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(["still-mine"]);
    } finally {
      spy.mockRestore();
      trace.disable();
      context.disable();
      await provider.shutdown();
    }
  });
});

describe("in process: joined, a thread interrupted and resumed", () => {
  it("links the resumed run to the interrupted one with no span processor of ours", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      const handle = startObservability({ env: {}, genai: false, logLevel: "none" });
      expect(handle.joined).toBe(true);
      await handle.ready;
      const State = Annotation.Root({ answer: Annotation<string>() });
      const graph = new StateGraph(State)
        .addNode("ask", () => ({ answer: interrupt<string, string>("approve?") }))
        .addEdge(START, "ask")
        .addEdge("ask", END)
        .compile({ name: "joined_hitl", checkpointer: new MemorySaver() });
      const config = { configurable: { thread_id: "joined-1" } };
      await graph.invoke({}, config);
      expect(await graph.invoke(new Command({ resume: "yes" }), config)).toEqual({ answer: "yes" });
      const [interrupted, resumed] = exporter
        .getFinishedSpans()
        .filter((s) => s.name === `${SPAN_INVOKE_WORKFLOW} joined_hitl`);
      expect(resumed?.links.map((l) => l.context.spanId)).toEqual([interrupted?.spanContext().spanId]);
      await handle.shutdown();
    } finally {
      trace.disable();
      context.disable();
      await provider.shutdown();
    }
  });
});

describe("in process: joining, with /metrics asked for in the options", () => {
  it("serves our metrics from a MeterProvider of its own, and closes it on shutdown", async () => {
    const provider = new BasicTracerProvider();
    trace.setGlobalTracerProvider(provider);
    try {
      const handle = startObservability({ env: {}, genai: false, metricsExporter: "prometheus", prometheusPort: 0 });
      expect(handle.joined).toBe(true);
      await handle.ready;
      const address = handle.metricsAddress();
      expect(address?.port).toBeGreaterThan(0);
      await incGraph("joined_metrics").invoke({ n: 1 });
      const text = await (await fetch(`http://127.0.0.1:${address?.port}/metrics`)).text();
      expect(text).toMatch(/gen_ai_workflow_duration_count\{[^}]*gen_ai_workflow_name="joined_metrics"/);
      await handle.shutdown();
      await expect(fetch(`http://127.0.0.1:${address?.port}/metrics`)).rejects.toThrow();
      // The app's tracer provider is untouched.
      expect(trace.getTracerProvider().getTracer("x").startSpan("s").isRecording()).toBe(true);
    } finally {
      trace.disable();
      await provider.shutdown();
    }
  });
});


describe("in process: only a context manager and a propagator registered before us", () => {
  it("starts our SDK without registering them again, and leaves them registered on shutdown", async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    expect(context.setGlobalContextManager(manager)).toBe(true);
    expect(propagation.setGlobalPropagator(new W3CTraceContextPropagator())).toBe(true);
    const errors = vi.spyOn(diag, "error");
    const memory = new InMemorySpanExporter();
    try {
      const handle = startObservability({
        env: {},
        tracesExporter: "none",
        logsExporter: "none",
        metricsExporter: "none",
        spanProcessors: [new SimpleSpanProcessor(memory)],
        logLevel: "none",
      });
      expect(handle.joined).toBe(false);
      await handle.ready;
      await incGraph("own_sdk").invoke({ n: 1 });
      expect(memory.getFinishedSpans().map((s) => s.name)).toEqual([
        `${SPAN_INVOKE_NODE} inc`,
        `${SPAN_INVOKE_WORKFLOW} own_sdk`,
      ]);
      await handle.shutdown();
      expect(errors.mock.calls.flat().join(" ")).not.toMatch(/duplicate registration/i);
      // Still theirs, still registered.
      const api = (globalThis as Record<symbol, { context?: unknown } | undefined>)[
        Symbol.for("opentelemetry.js.api.1")
      ];
      expect(api?.context).toBe(manager);
      expect(propagation.fields()).toEqual(["traceparent", "tracestate"]);
    } finally {
      errors.mockRestore();
      context.disable();
      propagation.disable();
    }
  });
});
