import type { ConversationResult } from "../examples/support-agent.js";
import { ATTR_LANGGRAPH_LINK_TYPE, LINK_TYPE_INTERRUPT_RESUME } from "../semconv.js";
import { DEFAULT_OTLP_HTTP_PORT } from "../stack-defaults.js";
import type { DemoOptions } from "./args.js";
import type { DemoTally } from "./demo.js";
import { formatInt, formatMs, formatPercent, formatUsd, table } from "./format.js";
import type { MetricSummary } from "./metric-summary.js";
import type { SummarySpanProcessor } from "./span-summary.js";
import type { DemoTelemetry } from "./telemetry.js";
import { renderTraceTree } from "./trace-tree.js";

export interface SummaryInput {
  options: DemoOptions;
  tally: DemoTally;
  elapsedMs: number;
  stoppedBy: string | undefined;
  /** Request text by thread id, for the sample's title. */
  requestOf: (threadId: string) => string;
  spans: SummarySpanProcessor;
  metrics: MetricSummary;
  telemetry: Pick<DemoTelemetry, "enabled" | "traces" | "metricsUrl" | "metricsProblem">;
  firstFailure: ConversationResult | undefined;
}

/** Section titles; tests look for them. */
export const SECTION_TRACE = "Trace of one conversation";
export const SECTION_NODES = "Per node";
export const SECTION_MODELS = "Tokens and cost by model";
export const SECTION_TELEMETRY = "Where the telemetry went";

/** The console summary: every number below comes from exported spans and metrics. */
export function renderSummary(input: SummaryInput): string[] {
  return [
    ...traceSection(input),
    "",
    ...nodeSection(input),
    "",
    ...toolSection(input),
    ...modelSection(input),
    "",
    ...runSection(input),
    "",
    ...telemetrySection(input),
  ];
}

function traceSection({ spans, requestOf }: SummaryInput): string[] {
  const sample = spans.sample();
  if (sample === undefined) return [SECTION_TRACE, "  (no spans were recorded: is telemetry disabled?)"];
  const lines = [
    `${SECTION_TRACE} (thread ${sample.conversationId}): "${requestOf(sample.conversationId)}"`,
  ];
  const traceIds = new Map<string, number>();
  sample.traces.forEach((trace, i) => {
    const root = trace.find((s) => s.parentSpanContext === undefined) ?? trace[0];
    const traceId = root?.spanContext().traceId ?? "";
    traceIds.set(traceId, i + 1);
    const resumeLink = root?.links.find(
      (l) => l.attributes?.[ATTR_LANGGRAPH_LINK_TYPE] === LINK_TYPE_INTERRUPT_RESUME,
    );
    const linked = resumeLink ? traceIds.get(resumeLink.context.traceId) : undefined;
    const note =
      resumeLink === undefined
        ? ""
        : `, resumes run ${linked ?? "?"} (span link ${LINK_TYPE_INTERRUPT_RESUME})`;
    lines.push(`  run ${i + 1}: trace ${traceId}${note}`);
    lines.push(...renderTraceTree(trace).map((l) => `  ${l}`));
  });
  return lines;
}

function nodeSection({ spans, metrics, tally }: SummaryInput): string[] {
  let attempts = 0;
  // Graph order: by the earliest step a node ran in (stable sort keeps first-seen order).
  const nodes = [...spans.nodes].sort(([, a], [, b]) => a.firstStep - b.firstStep || 0);
  const rows = nodes.map(([name, s]) => {
    attempts += s.attempts;
    // Retries: the core's counter when present (it is what dashboards show), else spans.
    const retries = metrics.nodeRetries.get(name) ?? s.retries;
    return [
      name,
      formatInt(s.attempts),
      formatMs(s.durations.quantile(0.5)),
      formatMs(s.durations.quantile(0.95)),
      formatInt(s.errors),
      formatInt(retries),
      formatInt(s.interrupts),
    ];
  });
  const title = `${SECTION_NODES} (${formatInt(tally.done)} conversations, ${formatInt(attempts)} node attempts)`;
  if (rows.length === 0) return [title, "  (no node spans recorded)"];
  return [
    title,
    ...table(
      ["node", "attempts", "p50", "p95", "errors", "retries", "interrupts"],
      rows,
      ["left", "right", "right", "right", "right", "right", "right"],
    ),
  ];
}

function toolSection({ spans }: SummaryInput): string[] {
  if (spans.tools.size === 0) return [];
  const rows = [...spans.tools].map(([name, s]) => [name, formatInt(s.calls), formatInt(s.errors)]);
  return [
    "Tools (a failed tool still lets its node succeed: ToolNode answers with an error message)",
    ...table(["tool", "calls", "errors"], rows, ["left", "right", "right"]),
    "",
  ];
}

function modelSection({ metrics }: SummaryInput): string[] {
  const models = [...metrics.models].filter(([, m]) => m.calls > 0 || m.inputTokens > 0);
  if (models.length === 0) return [SECTION_MODELS, "  (no model calls recorded)"];
  let cost = 0;
  let priced = false;
  const rows = models.map(([name, m]) => {
    if (m.costUsd !== undefined) {
      cost += m.costUsd;
      priced = true;
    }
    return [
      name,
      formatInt(m.calls),
      formatInt(m.inputTokens),
      formatInt(m.outputTokens),
      formatUsd(m.costUsd),
    ];
  });
  if (models.length > 1) rows.push(["total", "", "", "", priced ? formatUsd(cost) : "no price"]);
  const cache = metrics.cache;
  const lookups = cache.hits + cache.misses;
  return [
    SECTION_MODELS,
    ...table(
      ["model", "calls", "input tokens", "output tokens", "cost"],
      rows,
      ["left", "right", "right", "right", "right"],
    ),
    ...(lookups > 0
      ? [
          `  response cache: ${formatInt(cache.hits)} hits / ${formatInt(lookups)} lookups (${formatPercent(cache.hits / lookups)}); a hit makes no model call and costs nothing`,
        ]
      : []),
  ];
}

function runSection({ spans, metrics, tally, elapsedMs, stoppedBy, firstFailure }: SummaryInput): string[] {
  const outcomes = [...spans.runOutcomes].map(([o, n]) => `${formatInt(n)} ${o}`).join(", ");
  const runs = [...spans.runOutcomes.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `Runs: ${formatInt(tally.done)} conversations (${formatInt(tally.failed)} failed${
      tally.cancelled > 0 ? `, ${formatInt(tally.cancelled)} cancelled` : ""
    }) in ${formatMs(elapsedMs)}${stoppedBy ? `, stopped by ${stoppedBy}` : ""}`,
    `  ${formatInt(runs)} graph runs: ${outcomes || "none recorded"}; p50 ${formatMs(spans.runDurations.quantile(0.5))}, p95 ${formatMs(spans.runDurations.quantile(0.95))}`,
  ];
  const resilience: string[] = [];
  const retries = [...metrics.retryAttempts].map(([o, n]) => `${formatInt(n)} ${o}`).join(", ");
  if (retries) resilience.push(`withRetry attempts: ${retries}`);
  if (metrics.fallbacks > 0) resilience.push(`fallbacks used: ${formatInt(metrics.fallbacks)}`);
  const timeouts = [...metrics.timeouts].map(([o, n]) => `${formatInt(n)} ${o}`).join(", ");
  if (timeouts) resilience.push(`timeouts: ${timeouts}`);
  for (const [name, transitions] of metrics.breakerTransitions) {
    const opened = transitions.get("open") ?? 0;
    resilience.push(`circuit breaker ${name}: opened ${formatInt(opened)}x`);
  }
  const decisions = [...metrics.humanDecisions].map(([d, n]) => `${formatInt(n)} ${d}`).join(", ");
  if (decisions) resilience.push(`human decisions: ${decisions}`);
  if (resilience.length > 0) lines.push(`  ${resilience.join("; ")}`);
  if (firstFailure) {
    const error = firstFailure.error;
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    lines.push(`  first failure: ${firstFailure.threadId}: ${what}`);
  }
  return lines;
}

function telemetrySection({ telemetry, options }: SummaryInput): string[] {
  const lines = [SECTION_TELEMETRY];
  if (telemetry.metricsUrl) {
    lines.push(
      `  metrics: ${telemetry.metricsUrl} (Prometheus text, served while the demo ran${
        options.durationMs === undefined ? "; use --duration to keep it up" : ""
      })`,
    );
  } else {
    lines.push(`  metrics: not served: ${telemetry.metricsProblem ?? "unknown reason"}`);
  }
  const { url, probe } = telemetry.traces;
  if (!telemetry.enabled) {
    lines.push("  traces: not exported (telemetry disabled)");
  } else if (probe.answered) {
    lines.push(`  traces: sent over OTLP/HTTP to ${url} (the collector answered: ${probe.detail})`);
    lines.push("          open Jaeger (http://127.0.0.1:16686) or Grafana (http://127.0.0.1:3000) to see them");
  } else {
    lines.push(`  traces: NO OTLP collector answered at ${url} (${probe.detail}); spans were only summarised here.`);
    lines.push(
      `          Start the stack (docker compose up -d) or pass --endpoint http://host:${DEFAULT_OTLP_HTTP_PORT} to export them.`,
    );
  }
  return lines;
}
