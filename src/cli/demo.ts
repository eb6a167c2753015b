import { setMaxListeners } from "node:events";
import {
  type ConversationResult,
  createSupportAgent,
  type SupportAgentFaults,
  requestFor,
  runConversation,
  SCRIPTED_MODEL_PRICES,
  SHOWCASE_REQUEST_INDEX,
  SUPPORT_AGENT_NAME,
  SUPPORT_REQUESTS,
  threadIdFor,
} from "../examples/support-agent.js";
import type { DemoOptions } from "./args.js";
import { sleep } from "../examples/determinism.js";
import { startDemoHealth } from "./health.js";
import { readMetricSummary } from "./metric-summary.js";
import { ProgressBar } from "./progress.js";
import { type Scenario, SCENARIOS, STALL_SPAN_QUEUE } from "./scenarios.js";
import { type StalledCollector, startStalledCollector } from "./stalled-collector.js";
import { renderSummary } from "./summary.js";
import { startDemoTelemetry } from "./telemetry.js";

const SAMPLE_CANDIDATES = 4;

export interface DemoIO {
  out: { write(text: string): unknown };
  /** Progress goes here (stderr), so stdout holds only the summary. */
  err: { write(text: string): unknown; isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  /** Where SIGINT/SIGTERM come from (process, or a test's emitter). */
  signals?: {
    on(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
    off(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
  };
  /** Ends the process at once (a second SIGINT). Default: ignore. */
  exit?: (code: number) => void;
}

/** Conversation counts by how they ended. */
export interface DemoTally {
  done: number;
  failed: number;
  cancelled: number;
}

/**
 * Runs the instrumented sample agent and prints what the SDK saw. Resolves with the exit
 * code: 0 when it ran (simulated failures are the point), 1 when it could not run.
 */
export async function runDemo(options: DemoOptions, io: DemoIO): Promise<number> {
  const started = Date.now();
  const loadMode = options.durationMs !== undefined;
  io.out.write(
    `langgraph-otel demo: ${SUPPORT_AGENT_NAME}, ${
      loadMode ? `load mode for ${formatDuration(options.durationMs ?? 0)}` : `${options.runs} conversations`
    }, ${options.concurrency} at a time${options.rate === undefined ? "" : ` (at most ${options.rate}/s)`}, fail-rate ${Math.round(options.failRate * 1000) / 10}%, latency ${options.latencyMs} ms${
      options.scenario === undefined ? "" : `, scenario ${options.scenario}`
    }\n\n`,
  );

  const scenario = options.scenario === undefined ? undefined : SCENARIOS[options.scenario];
  // The collector-stall scenario exports to a receiver of its own, behind a small queue.
  const stall: StalledCollector | undefined = scenario?.stallCollector ? await startStalledCollector() : undefined;
  const telemetry = await startDemoTelemetry({
    endpoint: stall?.url ?? options.endpoint,
    metricsPort: options.metricsPort,
    prices: SCRIPTED_MODEL_PRICES,
    ...(stall ? { spanQueue: STALL_SPAN_QUEUE } : {}),
    ...(io.env ? { env: io.env } : {}),
  });
  if (telemetry.metricsUrl) io.err.write(`serving ${telemetry.metricsUrl} while the demo runs\n`);
  else io.err.write(`/metrics is not served: ${telemetry.metricsProblem ?? "unknown reason"}\n`);

  // Candidates for the trace shown: the first few conversations of the request that
  // exercises every part (tools, approval, resume); the summary shows a clean one.
  const candidates = Array.from(
    { length: SAMPLE_CANDIDATES },
    (_, k) => SHOWCASE_REQUEST_INDEX + k * SUPPORT_REQUESTS.length,
  ).filter((i) => loadMode || i < options.runs);
  telemetry.spans.keepConversations((candidates.length > 0 ? candidates : [0]).map(threadIdFor));

  const agent = createSupportAgent({
    latencyMs: options.latencyMs,
    failRate: options.failRate,
    seed: options.seed,
    faults: { ...scenario?.base },
  });
  const health = await startDemoHealth(agent, telemetry.traces.url, io.env ?? process.env);
  if (health) io.err.write(`serving ${health.url}/health and /ready while the demo runs\n`);
  const stop = new AbortController();
  // Every worker (and its --rate wait) listens to it: not a leak, however many workers.
  setMaxListeners(0, stop.signal);
  let interrupted: string | undefined;
  const onSignal = (name: "SIGINT" | "SIGTERM") => () => {
    if (interrupted !== undefined) {
      // A second signal: the user does not want to wait for the summary.
      io.err.write(`\n${name} again: exiting without the summary\n`);
      io.exit?.(name === "SIGINT" ? 130 : 143);
      return;
    }
    interrupted = name;
    // Out of the load balancer first, while the summary is written.
    health?.handler.markShuttingDown();
    io.err.write(`\n${name}: stopping; the summary follows (${name} again to quit now)\n`);
    stop.abort();
  };
  const onInt = onSignal("SIGINT");
  const onTerm = onSignal("SIGTERM");
  io.signals?.on("SIGINT", onInt);
  io.signals?.on("SIGTERM", onTerm);

  const tally: DemoTally = { done: 0, failed: 0, cancelled: 0 };
  const progress = new ProgressBar(io.err, loadMode ? undefined : options.runs, options.durationMs);
  const state = () => ({ done: tally.done, failed: tally.failed, elapsedMs: Date.now() - started });
  const deadline = options.durationMs === undefined ? undefined : started + options.durationMs;
  const timer =
    deadline === undefined ? undefined : setTimeout(() => stop.abort(), deadline - Date.now());
  const ticker = setInterval(() => progress.update(state()), 250);
  const phases = scenario ? startPhases(scenario, options, agent.faults, stall, io.err, telemetry.metricsUrl) : undefined;
  let next = 0;
  let firstFailure: ConversationResult | undefined;
  // --rate: conversations start on a schedule shared by the workers.
  const interval = options.rate === undefined ? 0 : 1000 / options.rate;
  let nextStart = started;

  const worker = async () => {
    while (!stop.signal.aborted && (loadMode || next < options.runs)) {
      if (interval > 0) {
        const now = Date.now();
        const at = Math.max(nextStart, now);
        nextStart = at + interval;
        if (at > now) await sleep(at - now, stop.signal).catch(() => undefined);
        if (stop.signal.aborted) break;
      }
      const index = next++;
      // One signal per conversation, linked to the stop signal: LangGraph hangs listeners
      // on the signal it is given, and a shared one would collect them for the whole run.
      const conversation = new AbortController();
      const cancel = () => conversation.abort(stop.signal.reason);
      stop.signal.addEventListener("abort", cancel, { once: true });
      const result = await runConversation(agent, index, {
        signal: conversation.signal,
        humanDelayMs: options.latencyMs * 2,
      }).finally(() => stop.signal.removeEventListener("abort", cancel));
      if (result.outcome === "cancelled") tally.cancelled++;
      else {
        tally.done++;
        if (result.outcome === "failed") {
          tally.failed++;
          firstFailure ??= result;
        }
      }
      progress.update(state());
    }
  };

  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    clearInterval(ticker);
    if (timer) clearTimeout(timer);
    phases?.stop();
    io.signals?.off("SIGINT", onInt);
    io.signals?.off("SIGTERM", onTerm);
  }
  progress.finish(
    state(),
    [
      tally.cancelled > 0 ? `${tally.cancelled} cancelled` : "",
      interrupted ? `stopped by ${interrupted}` : "",
    ]
      .filter(Boolean)
      .join(", "),
  );

  // A stalled receiver would hold the final flush.
  await stall?.close();
  await telemetry.forceFlush();
  const metricSummary = await readMetricSummary(telemetry.metrics);
  const lines = renderSummary({
    options,
    tally,
    elapsedMs: Date.now() - started,
    stoppedBy: interrupted,
    requestOf: (threadId) => requestFor(Number(threadId.replace(/\D/g, "")) - 1),
    spans: telemetry.spans,
    metrics: metricSummary,
    telemetry,
    firstFailure,
  });
  io.out.write(`\n${lines.join("\n")}\n`);
  await health?.close();
  await telemetry.shutdown();
  return 0;
}

/**
 * The scenario's timeline: the fault knobs now, the base knobs after the fault phase;
 * each step printed with the alerts to expect, so a user watching Prometheus or
 * Alertmanager knows when they should fire and resolve.
 */
function startPhases(
  scenario: Scenario,
  options: DemoOptions,
  faults: SupportAgentFaults,
  stall: StalledCollector | undefined,
  err: DemoIO["err"],
  metricsUrl: string | undefined,
): { stop(): void } {
  const faultMs = options.faultMs ?? scenario.faultMs;
  const total = options.durationMs ?? faultMs;
  const alerts = scenario.alerts.map((a) => `${a.alert} (for: ${a.for})`).join(", ");
  const say = (text: string) => err.write(`${err.isTTY ? "\r\x1b[2K" : ""}${text}\n`);
  Object.assign(faults, scenario.fault);
  stall?.setStalled(true);
  say(
    [
      `scenario ${scenario.name}: ${scenario.summary}`,
      `  0s-${formatDuration(faultMs)}  fault phase: expect ${alerts} pending within a minute or two, then firing`,
      ...(scenario.also.length > 0
        ? [`  (also true, firing only if the fault is held past their for: ${scenario.also.join(", ")})`]
        : []),
      total > faultMs
        ? `  ${formatDuration(faultMs)}-${formatDuration(total)}  recovery: faults off; the alerts resolve once the fault has left their rate windows`
        : "  (no recovery phase: --duration ends the demo within the fault phase)",
      `  Timings are for the bundled rules (5m rate windows, 15m for cost); Prometheus must scrape ${metricsUrl ?? "/metrics"}.`,
    ].join("\n"),
  );
  const timer = setTimeout(() => {
    for (const key of Object.keys(scenario.fault)) Reflect.deleteProperty(faults, key);
    Object.assign(faults, scenario.base);
    stall?.setStalled(false);
    say(`[${formatDuration(faultMs)}] scenario ${scenario.name}: recovery phase, faults off: expect ${scenario.alerts.map((a) => a.alert).join(", ")} to resolve`);
  }, faultMs);
  return { stop: () => clearTimeout(timer) };
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
