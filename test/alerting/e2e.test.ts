/**
 * End to end, with the pinned `prometheus` and `alertmanager` (test/stack/binaries.ts): the sample
 * support agent (injected failures and latency) and a slow, failing checkout graph run
 * instrumented in this process and are scraped from /metrics; the committed rules (short
 * windows by override) fire LangGraphHighErrorRate and LangGraphSystemDegraded, which
 * Alertmanager (committed routing, test webhook URLs) delivers to the pager receiver this
 * test runs; and every query of every dashboard panel, variables substituted, returns data.
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
import { repoPath } from "../stack/support.js";
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

const JOB = "langgraph-e2e";
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
  stop(): Promise<void>;
}

async function startApp(): Promise<App> {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  metrics.setGlobalMeterProvider(meterProvider); // withRetry, CircuitBreaker, cache: global
  const genai = new GenAIInstrumentation({ prices: SCRIPTED_MODEL_PRICES, enabled: false });
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [genai.spanProcessor, slowSpanQueue(meterProvider)],
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

function prometheusConfig(rulesDir: string, alertmanagerPort: number, metricsPort: number): string {
  return `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - ${rulesDir}/*.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:${alertmanagerPort}"]
scrape_configs:
  - job_name: ${JOB}
    static_configs:
      - targets: ["127.0.0.1:${metricsPort}"]
`;
}

let app: App | undefined;
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

describe("e2e: real Prometheus and Alertmanager on an instrumented run", () => {
  beforeAll(async () => {
    const prometheusBinary = requireStackBinary("prometheus");
    const alertmanagerBinary = requireStackBinary("alertmanager");

    receiver = await startWebhookReceiver();
    app = await startApp();

    const amPort = await freePort();
    const amConfig = join(scratch, "alertmanager.yml");
    writeFileSync(
      amConfig,
      testAlertmanagerConfig(receiver.url, join(scratch, "secrets"), { groupWait: "1s", groupInterval: "1s", repeatInterval: "1h" }),
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
    const promPort = await freePort();
    const promConfig = join(scratch, "prometheus.yml");
    writeFileSync(promConfig, prometheusConfig(rulesDir, amPort, app.metricsPort));
    prom = `http://127.0.0.1:${promPort}`;
    prometheus = await startProcess(
      prometheusBinary,
      [
        `--config.file=${promConfig}`,
        `--storage.tsdb.path=${join(scratch, "tsdb")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
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
});
