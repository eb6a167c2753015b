/**
 * End to end over the real stack at the pinned versions (test/stack/binaries.ts), each
 * process on its committed config with only ports and peer URLs substituted (shorter rule
 * windows and intervals as overrides): the sample support agent (injected failures and
 * latency, human approvals) and a slow, failing checkout graph run instrumented in this
 * process; their traces go over OTLP to our Collector, which derives span metrics and sends
 * the (tail-sampled) traces to Jaeger; Prometheus scrapes the app's /metrics, the span
 * metrics and the stack itself and evaluates the committed rules; Alertmanager (committed
 * routing) delivers to webhooks this test runs. It shows:
 * - Jaeger returns the run -> node -> chat/tool trees, and the resumed run's link;
 * - no captured content reaches Jaeger although the app captured it;
 * - span metrics (with exemplars) reach Prometheus and Jaeger's Monitor API answers;
 * - every query of every dashboard panel and variable, and the Jaeger datasource's
 *   trace-to-metrics queries, return data;
 * - alerts fire, reach the receiver of their severity, and resolve when the load stops.
 * The tail-sampling rate, content scrubbing on a known mix and memory_limiter are in
 * test/stack/collector-e2e.test.ts.
 */
import { setMaxListeners } from "node:events";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Annotation, StateGraph, START } from "@langchain/langgraph";
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type BufferConfig,
  type ReadableSpan,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep as agentSleep } from "../../src/examples/determinism.js";
import {
  createSupportAgent,
  runConversation,
  SCRIPTED_MODEL_PRICES,
  SUPPORT_AGENT_NAME,
  SUPPORT_AGENT_NODES,
} from "../../src/examples/support-agent.js";
import {
  CircuitBreaker,
  GenAIInstrumentation,
  LangGraphInstrumentation,
  withTimeout,
} from "../../src/index.js";
import { loadDashboards, panelQueries, substitute, variableQueries } from "../dashboards/queries.js";
import { requireStackBinary } from "../stack/binaries.js";
import {
  type Collector,
  type Jaeger,
  type JaegerSpan,
  type JaegerTrace,
  CONTENT_ATTRIBUTES,
  jaegerTraces,
  startCollector,
  startJaeger,
  substituted,
  tag,
} from "../stack/processes.js";
import { readText, repoPath } from "../stack/support.js";
import { eventually, freePort, sleep } from "../helpers/waiting.js";
import {
  overrideRules,
  promQuery,
  type RunningProcess,
  startProcess,
  startWebhookReceiver,
  testAlertmanagerConfig,
  type WebhookReceiver,
} from "./support.js";

/** The demo's job in prometheus/prometheus.yml, and so the app's service.name. */
const JOB = "langgraph-otel-demo";
const CHECKOUT = "checkout";
/** A checkout run's latency: above the 10 s of LangGraphSystemDegraded. */
const SLOW_MS = 10_500;
/** What dashboards' $__rate_interval / $__range become: longer than the whole test. */
const WINDOW = "5m";

const scratch = mkdtempSync(join(tmpdir(), "lgotel-e2e-"));

// --- the instrumented application ------------------------------------------------------

/** A collector that takes a second to answer each batch. */
class SlowCollectorExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: ExportResultCode }) => void): void {
    setTimeout(() => done({ code: ExportResultCode.SUCCESS }), 1_000).unref();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A span queue of 4 in front of the slow collector, reporting itself as startObservability
 * sets it up: it fills and drops spans, for the dashboards' telemetry-pipeline row.
 */
function slowSpanQueue(meterProvider: MeterProvider): BatchSpanProcessor {
  const config: BufferConfig & { selfObsMeterProvider: MeterProvider } = {
    maxQueueSize: 4,
    maxExportBatchSize: 2,
    scheduledDelayMillis: 50,
    exportTimeoutMillis: 5_000,
    selfObsMeterProvider: meterProvider,
  };
  return new BatchSpanProcessor(new SlowCollectorExporter(), config);
}

interface App {
  metricsPort: number;
  /** Spans the SDK ended carrying captured content (gen_ai.input.messages). */
  spansWithContent: () => number;
  stop(): Promise<void>;
}

/** Counts ended spans that carry captured content: proof the app did capture it. */
class ContentCounter {
  count = 0;
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    if (span.attributes["gen_ai.input.messages"] !== undefined) this.count += 1;
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

async function startApp(otlpHttp: string): Promise<App> {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  metrics.setGlobalMeterProvider(meterProvider); // withRetry, CircuitBreaker, cache: global
  // Content capture on: the Collector must scrub it before Jaeger.
  const genai = new GenAIInstrumentation({
    prices: SCRIPTED_MODEL_PRICES,
    enabled: false,
    captureMessageContent: true,
  });
  const content = new ContentCounter();
  const tracerProvider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": JOB }),
    spanProcessors: [
      content,
      slowSpanQueue(meterProvider),
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpHttp}/v1/traces` }), {
        maxQueueSize: 20_000,
        scheduledDelayMillis: 200,
      }),
    ],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  const instrumentations: Instrumentation[] = [new LangGraphInstrumentation({ enabled: false }), genai];
  for (const instrumentation of instrumentations) {
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.setMeterProvider(meterProvider);
    instrumentation.enable();
    const ready = (instrumentation as { ready?: unknown }).ready;
    if (ready instanceof Promise) await ready;
  }
  const server: Server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    metricsPort: typeof address === "object" && address !== null ? address.port : 0,
    spansWithContent: () => content.count,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const instrumentation of instrumentations) instrumentation.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      contextManager.disable();
      context.disable();
      trace.disable();
      metrics.disable();
    },
  };
}

/** A declined payment: the checkout graph's injected failure. */
class PaymentDeclinedError extends Error {
  override name = "PaymentDeclinedError";
}

/**
 * A checkout workflow that is slow (SLOW_MS per run) and fails half of its runs: its
 * payment gateway declines two orders out of four, behind a circuit breaker that opens
 * after two failures in a row (so the breaker moves through all its states). Its fraud
 * check has a 20 ms budget it never meets: withTimeout aborts it and the node carries on.
 */
function createCheckoutGraph() {
  const fraudCheck = withTimeout(
    async (_order: number, config?: { signal?: AbortSignal }) => agentSleep(1_000, config?.signal),
    20,
    { name: "fraud_check" },
  );
  const gateway = new CircuitBreaker({
    name: "payment_gateway",
    failureThreshold: 2,
    recoveryTimeoutMs: 4_000,
  }).wrap(async (order: number) => {
    if (order % 4 < 2) throw new PaymentDeclinedError(`order ${order} declined`);
  });
  const State = Annotation.Root({ order: Annotation<number>() });
  return new StateGraph(State)
    .addNode("pay", async (state: { order: number }, config?: { signal?: AbortSignal }) => {
      await fraudCheck(state.order, config).catch(() => undefined);
      await agentSleep(SLOW_MS, config?.signal);
      await gateway(state.order);
      return {};
    })
    .addEdge(START, "pay")
    .compile({ name: CHECKOUT });
}

/**
 * The support agent's ResponseCache answers a repeated prompt without calling the model,
 * and a hit never meets the injected model faults (the only faults that fail a run: tool
 * and search faults are handled inside it). SUPPORT_REQUESTS cycle through some 70 prompts,
 * so once they are cached the agent stops failing: its error ratio would be a start-up
 * burst that Prometheus may or may not catch. Dropping the cache every this many
 * conversations (as if its entries expired) keeps a steady mix of hits and of misses that
 * fail at the injected rate (some 10-15% of the conversations).
 */
const CACHE_CLEAR_EVERY = 20;

/** Runs load until stopped: support conversations back to back, a checkout every 700 ms. */
function startLoad() {
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // every run in flight listens to it
  const agent = createSupportAgent({ latencyMs: 5, failRate: 0.35, seed: 11 });
  const checkout = createCheckoutGraph();
  let conversation = 0;
  let failed = 0;
  const supportWorker = async () => {
    while (!abort.signal.aborted) {
      const index = conversation++;
      if (index % CACHE_CLEAR_EVERY === 0) agent.cache.clear();
      const result = await runConversation(agent, index, { humanDelayMs: 20, signal: abort.signal });
      if (result.outcome === "failed") failed++;
    }
  };
  const inFlight = new Set<Promise<unknown>>();
  let order = 0;
  const checkoutLoop = async () => {
    while (!abort.signal.aborted) {
      const run = checkout.invoke({ order: order++ }, { signal: abort.signal }).catch(() => undefined);
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
      await agentSleep(700, abort.signal).catch(() => undefined);
    }
  };
  const workers = [supportWorker(), supportWorker(), supportWorker(), checkoutLoop()];
  return {
    conversations: () => conversation,
    failedConversations: () => failed,
    async stop() {
      abort.abort();
      await Promise.allSettled([...workers, ...inFlight]);
    },
  };
}

// --- the stack: Prometheus and Alertmanager with test configs --------------------------------

function writeRules(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(repoPath("prometheus/rules")).filter((f) => f.endsWith(".yml"))) {
    const text = readFileSync(repoPath("prometheus/rules", file), "utf8");
    writeFileSync(
      join(dir, file),
      overrideRules(text, { rateWindow: "20s", forDuration: "2s", groupInterval: "1s" }),
    );
  }
}

interface Targets {
  rulesDir: string;
  alertmanager: number;
  prometheus: number;
  app: number;
  /** Where the host agent of job langgraph-app would be: nothing listens there. */
  absent: number;
  collector: Collector;
  jaeger: Jaeger;
}

/** prometheus/prometheus.yml with local targets, 1 s intervals and the overridden rules. */
function prometheusConfig(t: Targets): string {
  const file = "prometheus/prometheus.yml";
  return substituted(file, readText(file), [
    [/scrape_interval: 15s/, "scrape_interval: 1s"],
    [/evaluation_interval: 15s/, "evaluation_interval: 1s"],
    ["rules/*.yml", `${t.rulesDir}/*.yml`],
    ["alertmanager:9093", `127.0.0.1:${t.alertmanager}`],
    ["host.docker.internal:9464", `127.0.0.1:${t.absent}`],
    ["demo:9464", `127.0.0.1:${t.app}`],
    ["otel-collector:8889", t.collector.spanMetricsTarget],
    ["otel-collector:8888", t.collector.ownMetricsTarget],
    ["jaeger:8888", t.jaeger.ownMetricsTarget],
    ["localhost:9090", `127.0.0.1:${t.prometheus}`],
  ]);
}

let app: App | undefined;
let collector: Collector | undefined;
let jaeger: Jaeger | undefined;
let load: ReturnType<typeof startLoad> | undefined;
let receiver: WebhookReceiver | undefined;
let alertmanager: RunningProcess | undefined;
let prometheus: RunningProcess | undefined;
let prom = "";

function delivered(name: string): Array<{ alertname: string; workflow: string; severity: string; status: string }> {
  return (receiver?.received.get(name) ?? []).flatMap((payload) =>
    payload.alerts.map((alert) => ({
      alertname: alert.labels.alertname ?? "",
      workflow: alert.labels.gen_ai_workflow_name ?? "",
      severity: alert.labels.severity ?? "",
      status: alert.status,
    })),
  );
}

function arrived(name: string, alertname: string, workflow: string): boolean {
  return delivered(name).some(
    (a) => a.alertname === alertname && a.workflow === workflow && a.status === "firing",
  );
}

/** What the alerts look at, per workflow, and the alerts Prometheus holds (for failures). */
async function promState(): Promise<string> {
  const show = async (expr: string) =>
    (await promQuery(prom, expr).catch(() => []))
      .map((s) => `${Object.values(s.metric).join("/")}=${s.value[1]}`)
      .join(" ");
  const [ratio, p95, alerts] = await Promise.all([
    show("langgraph:workflow_error_ratio:rate5m"),
    show("langgraph:workflow_duration_seconds:p95_5m"),
    show('ALERTS{alertname=~"LangGraphHighErrorRate|LangGraphSystemDegraded"}'),
  ]);
  return `${ratio} / ${p95}; alerts: ${alerts}`;
}

/** Jaeger's parent reference of a span (CHILD_OF), if any. */
function parentOf(span: JaegerSpan): string | undefined {
  return span.references.find((ref) => ref.refType === "CHILD_OF" && ref.traceID === span.traceID)?.spanID;
}

/** A trace's root, its chat and tool spans, and its spans by id. */
function treeOf(t: JaegerTrace) {
  const byId = new Map(t.spans.map((span) => [span.spanID, span]));
  return {
    byId,
    root: t.spans.find((span) => parentOf(span) === undefined),
    chat: t.spans.filter((span) => span.operationName.startsWith("chat ")),
    tools: t.spans.filter((span) => span.operationName.startsWith("execute_tool ")),
  };
}

describe("e2e: the stack (Collector, Jaeger, Prometheus, Alertmanager) on an instrumented run", () => {
  beforeAll(async () => {
    const prometheusBinary = requireStackBinary("prometheus");
    const alertmanagerBinary = requireStackBinary("alertmanager");

    receiver = await startWebhookReceiver();
    const promPort = await freePort();
    prom = `http://127.0.0.1:${promPort}`;
    jaeger = await startJaeger(scratch, prom);
    // Every trace kept (the sampling rate is counted in test/stack/collector-e2e.test.ts):
    // the trace checks below look for particular runs.
    collector = await startCollector({
      dir: scratch,
      jaegerOtlp: jaeger.otlpGrpc,
      env: { TAIL_SAMPLING_PERCENT: "100", TAIL_SAMPLING_DECISION_WAIT: "1s" },
    });
    app = await startApp(collector.otlpHttp);

    const amPort = await freePort();
    const amConfig = join(scratch, "alertmanager.yml");
    writeFileSync(
      amConfig,
      testAlertmanagerConfig(receiver.url, join(scratch, "secrets"), {
        groupWait: "1s",
        groupInterval: "1s",
        repeatInterval: "1h",
      }),
    );
    alertmanager = await startProcess(
      alertmanagerBinary,
      [
        `--config.file=${amConfig}`,
        `--storage.path=${join(scratch, "am")}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        "--cluster.listen-address=",
      ],
      `http://127.0.0.1:${amPort}/-/ready`,
    );

    const rulesDir = join(scratch, "rules");
    writeRules(rulesDir);
    const promConfig = join(scratch, "prometheus.yml");
    writeFileSync(
      promConfig,
      prometheusConfig({
        rulesDir,
        alertmanager: amPort,
        prometheus: promPort,
        app: app.metricsPort,
        absent: await freePort(),
        collector,
        jaeger,
      }),
    );
    prometheus = await startProcess(
      prometheusBinary,
      [
        `--config.file=${promConfig}`,
        `--storage.tsdb.path=${join(scratch, "tsdb")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        // As in docker-compose.yml: exemplars of the span metrics link latency to traces.
        "--enable-feature=exemplar-storage",
      ],
      `${prom}/-/ready`,
    );

    load = startLoad();
    // Both pages arrive once the checkout runs (10.5 s each) have been scraped for a while.
    await eventually(
      "LangGraphHighErrorRate and LangGraphSystemDegraded at the pager webhook",
      async () =>
        arrived("pager", "LangGraphHighErrorRate", SUPPORT_AGENT_NAME) &&
        arrived("pager", "LangGraphSystemDegraded", CHECKOUT)
          ? true
          : undefined,
      // Generous: on a loaded machine scrapes, rule evaluations and notifications lag.
      150_000,
      1_000,
    ).catch(async (err: unknown) => {
      throw new Error(
        `${String(err)}\nconversations: ${load?.conversations()}, failed: ${load?.failedConversations()}\n` +
          `error ratio / p95: ${await promState()}\n` +
          `delivered: ${JSON.stringify({ pager: delivered("pager"), chat: delivered("chat") })}\n` +
          `prometheus:\n${prometheus?.logs().slice(-3000)}\nalertmanager:\n${alertmanager?.logs().slice(-3000)}`,
      );
    });
  }, 240_000);

  afterAll(async () => {
    await load?.stop();
    await prometheus?.stop();
    await alertmanager?.stop();
    await receiver?.close();
    await app?.stop();
    await collector?.process.stop();
    await jaeger?.process.stop();
    rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it("LangGraphHighErrorRate (support agent) and LangGraphSystemDegraded (checkout) page", () => {
    expect(arrived("pager", "LangGraphHighErrorRate", SUPPORT_AGENT_NAME)).toBe(true);
    expect(arrived("pager", "LangGraphSystemDegraded", CHECKOUT)).toBe(true);
    expect(load?.conversations()).toBeGreaterThan(10);
    expect(load?.failedConversations()).toBeGreaterThan(0);
  });

  it("each receiver got only its severity", () => {
    for (const alert of delivered("pager")) expect(alert.severity, alert.alertname).toBe("critical");
    for (const alert of delivered("chat")) expect(alert.severity, alert.alertname).toBe("warning");
  });

  it("LangGraphCircuitBreakerOpen (a warning) reaches the chat receiver", async () => {
    await eventually(
      "LangGraphCircuitBreakerOpen at the chat webhook",
      async () => (delivered("chat").some((a) => a.alertname === "LangGraphCircuitBreakerOpen") ? true : undefined),
      30_000,
    );
  }, 40_000);

  it("Prometheus shows both alerts firing", async () => {
    const firing = await promQuery(prom, 'ALERTS{alertstate="firing"}');
    const names = firing.map((s) => `${s.metric.alertname}/${s.metric.gen_ai_workflow_name ?? ""}`);
    expect(names).toContain(`LangGraphHighErrorRate/${SUPPORT_AGENT_NAME}`);
    expect(names).toContain(`LangGraphSystemDegraded/${CHECKOUT}`);
  });

  it("the template variables find the service, the workflows and the nodes", async () => {
    const dashboards = loadDashboards();
    const found = new Map<string, Set<string>>();
    const variables = variableQueries(dashboards);
    const results = await Promise.all(
      variables.map((variable) =>
        promQuery(
          prom,
          substitute(`group by (${variable.label}) (${variable.selector})`, {
            service: JOB,
            workflow: ".*",
            node: ".*",
            window: WINDOW,
          }),
        ),
      ),
    );
    for (const [index, variable] of variables.entries()) {
      const values = (results[index] ?? []).map((s) => s.metric[variable.label] ?? "");
      found.set(variable.name, new Set([...(found.get(variable.name) ?? []), ...values]));
    }
    expect([...(found.get("service") ?? [])]).toEqual([JOB]);
    expect(found.get("workflow")).toEqual(new Set([SUPPORT_AGENT_NAME, CHECKOUT]));
    expect(found.get("node")).toEqual(new Set([...SUPPORT_AGENT_NODES, "pay"]));
  });

  it("every query of every dashboard panel returns data", async () => {
    const dashboards = loadDashboards();
    const queries = panelQueries(dashboards);
    expect(queries.length).toBeGreaterThan(30);
    const empty: string[] = [];
    // Let the rarer series (breaker transitions, human waits) gather a few more points.
    await sleep(3_000);
    // In parallel: the load keeps this process busy, and each answer waits for it.
    await Promise.all(
      queries.map(async (query) => {
        const expr = substitute(query.expr, {
          service: JOB,
          workflow: SUPPORT_AGENT_NAME,
          node: ".*",
          window: WINDOW,
        });
        const result = await promQuery(prom, expr);
        if (!result.some((sample) => !Number.isNaN(Number(sample.value[1])))) {
          empty.push(`${query.dashboard} / ${query.panel} / ${query.refId}: ${expr}`);
        }
      }),
    );
    expect(empty).toEqual([]);
  }, 60_000);

  it("Jaeger returns run -> node -> chat/tool trees, whole", async () => {
    const traces = await eventually(
      "support agent traces with chat and tool spans in Jaeger",
      async () => {
        const found = await jaegerTraces(jaeger?.query ?? "", JOB);
        const trees = found.filter((t) => treeOf(t).chat.length > 0 && treeOf(t).tools.length > 0);
        return trees.length > 0 ? found : undefined;
      },
      30_000,
      1_000,
    );
    let checked = 0;
    for (const t of traces) {
      const tree = treeOf(t);
      if (tree.root?.operationName !== `invoke_workflow ${SUPPORT_AGENT_NAME}`) continue;
      checked += 1;
      // Whole: every parent reference resolves inside the trace; one root.
      const ids = new Set(t.spans.map((span) => span.spanID));
      for (const span of t.spans) {
        const parent = parentOf(span);
        if (parent !== undefined) expect(ids.has(parent), `${span.operationName} lost its parent`).toBe(true);
      }
      expect(t.spans.filter((span) => parentOf(span) === undefined)).toHaveLength(1);
      // chat and execute_tool spans hang below invoke_node spans below the run.
      for (const span of [...tree.chat, ...tree.tools]) {
        const node = tree.byId.get(parentOf(span) ?? "");
        expect(node?.operationName, span.operationName).toMatch(/^invoke_node /);
        expect(parentOf(node as JaegerSpan)).toBe(tree.root?.spanID);
      }
    }
    expect(checked).toBeGreaterThan(5);
  }, 40_000);

  it("the resumed run links to the interrupted run it answers", async () => {
    const traces = await jaegerTraces(jaeger?.query ?? "", JOB);
    const roots = new Map(traces.map((t) => [t.traceID, treeOf(t).root]));
    const links = traces.flatMap((t) => {
      const root = treeOf(t).root;
      return (root?.references ?? []).filter((ref) => ref.traceID !== t.traceID).map((ref) => ({ root, ref }));
    });
    expect(links.length).toBeGreaterThan(0);
    let resolved = 0;
    for (const { root, ref } of links) {
      expect(root?.operationName).toBe(`invoke_workflow ${SUPPORT_AGENT_NAME}`);
      const target = roots.get(ref.traceID);
      if (target === undefined) continue; // evicted or still in flight
      resolved += 1;
      expect(target.spanID).toBe(ref.spanID);
      expect(tag(target, "langgraph.outcome")).toBe("interrupted");
      expect(tag(target, "gen_ai.conversation.id")).toBe(tag(root as JaegerSpan, "gen_ai.conversation.id"));
    }
    expect(resolved).toBeGreaterThan(0);
  });

  it("no captured content reaches Jaeger, though the app captured it", async () => {
    expect(app?.spansWithContent()).toBeGreaterThan(0);
    const spans = (await jaegerTraces(jaeger?.query ?? "", JOB)).flatMap((t) => t.spans);
    expect(spans.filter((span) => span.operationName.startsWith("chat ")).length).toBeGreaterThan(0);
    const leaked = spans.flatMap((span) =>
      span.tags.filter((t) => CONTENT_ATTRIBUTES.includes(t.key)).map((t) => `${span.operationName}: ${t.key}`),
    );
    expect(leaked).toEqual([]);
  });

  it("the stack's own targets are up: Collector (own and span metrics), Jaeger, Alertmanager, Prometheus", async () => {
    const up = await promQuery(prom, "up");
    const byJob = Object.fromEntries(up.map((s) => [s.metric.job, s.value[1]]));
    expect(byJob).toMatchObject({
      spanmetrics: "1",
      "otel-collector": "1",
      jaeger: "1",
      alertmanager: "1",
      prometheus: "1",
      [JOB]: "1",
      // The host agent's job: nothing runs there in this test.
      "langgraph-app": "0",
    });
    // The Collector's own counters carry no _total suffix in this release.
    expect(await promQuery(prom, 'otelcol_receiver_accepted_spans{job="otel-collector"} > 0')).not.toEqual([]);
    expect((await fetch(collector?.health ?? "")).status).toBe(200);
  });

  it("span metrics reach Prometheus with exemplars that name stored traces", async () => {
    const calls = await promQuery(
      prom,
      `sum by (span_kind) (traces_span_metrics_calls_total{job="spanmetrics", service_name="${JOB}"})`,
    );
    expect(calls.map((s) => s.metric.span_kind).sort()).toEqual(["SPAN_KIND_CLIENT", "SPAN_KIND_INTERNAL"]);
    const now = Date.now() / 1000;
    const exemplars = await eventually(
      "exemplars on the span-metric histogram",
      async () => {
        const url = `${prom}/api/v1/query_exemplars?query=${encodeURIComponent(
          `traces_span_metrics_duration_milliseconds_bucket{service_name="${JOB}"}`,
        )}&start=${now - 600}&end=${now + 60}`;
        const body = (await (await fetch(url)).json()) as {
          data: Array<{ exemplars: Array<{ labels: Record<string, string> }> }>;
        };
        const found = body.data.flatMap((series) => series.exemplars);
        return found.length > 0 ? found : undefined;
      },
      20_000,
      1_000,
    );
    const traceIds = new Set((await jaegerTraces(jaeger?.query ?? "", JOB)).map((t) => t.traceID));
    const linked = exemplars.filter((e) => traceIds.has(e.labels.trace_id ?? ""));
    expect(linked.length).toBeGreaterThan(0);
  }, 30_000);

  it("Jaeger's Monitor (SPM) API answers for internal and client spans, not server ones", async () => {
    const series = async (path: string, spanKind: string) => {
      const params = new URLSearchParams({
        service: JOB,
        spanKind,
        endTs: String(Date.now()),
        lookback: "300000",
        step: "5000",
        ratePer: "60000",
        quantile: "0.95",
      });
      const response = await fetch(`${jaeger?.query}/api/metrics/${path}?${params}`);
      expect(response.status, `${path} ${spanKind}: ${await response.clone().text()}`).toBe(200);
      const body = (await response.json()) as { metrics: Array<{ metricPoints: unknown[] }> };
      return body.metrics.filter((m) => m.metricPoints.length > 0).length;
    };
    for (const path of ["calls", "errors", "latencies"]) {
      expect(await series(path, "internal"), `${path} internal`).toBeGreaterThan(0);
    }
    expect(await series("calls", "client"), "calls client").toBeGreaterThan(0);
    // Why docs/stack.md tells users to switch the Monitor tab's span kind from Server.
    expect(await series("calls", "server")).toBe(0);
  });

  it("the Jaeger datasource's trace-to-metrics queries return data", async () => {
    const provisioning = readText("grafana/provisioning/datasources/datasources.yaml");
    const queries = [...provisioning.matchAll(/^\s+query: (.+)$/gm)].map((m) => m[1] ?? "");
    expect(queries.length).toBe(3);
    // Grafana's $__tags: the span's service, workflow and node as label matchers.
    const tags = `service_name="${JOB}", gen_ai_workflow_name="${SUPPORT_AGENT_NAME}"`;
    for (const query of queries) {
      const expr = query.replaceAll("$$__tags", tags).replaceAll("$$", "$");
      // The span metrics move every metrics_flush_interval (15 s): a rate needs two flushes.
      await eventually(
        expr,
        async () => {
          const result = await promQuery(prom, expr);
          return result.some((sample) => !Number.isNaN(Number(sample.value[1]))) ? true : undefined;
        },
        45_000,
        1_000,
      );
    }
  }, 150_000);

  it("alerts resolve once the load stops, and the receivers hear it", async () => {
    await load?.stop();
    await eventually(
      "resolved notifications for both pages",
      async () => {
        const resolved = delivered("pager").filter((a) => a.status === "resolved");
        const names = new Set(resolved.map((a) => `${a.alertname}/${a.workflow}`));
        return names.has(`LangGraphHighErrorRate/${SUPPORT_AGENT_NAME}`) &&
          names.has(`LangGraphSystemDegraded/${CHECKOUT}`)
          ? true
          : undefined;
      },
      120_000,
      1_000,
    ).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\n${await promState()}\n${JSON.stringify(delivered("pager"))}`);
    });
    for (const alert of delivered("pager")) expect(alert.severity).toBe("critical");
  }, 150_000);
});
