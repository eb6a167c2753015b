/** Agent overview: is the agent healthy right now? */
import { BigValueGraphMode, StackingMode } from "@grafana/grafana-foundation-sdk/common";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as StatPanel } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TablePanel } from "@grafana/grafana-foundation-sdk/table";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import { StackingConfigBuilder } from "@grafana/grafana-foundation-sdk/common";
import {
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_WORKFLOW_ACTIVE,
  METRIC_OTEL_SDK_SPAN_PROCESSED,
  METRIC_OTEL_SDK_SPAN_QUEUE_CAPACITY,
  METRIC_OTEL_SDK_SPAN_QUEUE_SIZE,
  OUTCOME_ERROR,
} from "../../src/semconv.js";
import {
  dashboard,
  eq,
  MATCH,
  ne,
  prom,
  promOrZero,
  promTable,
  quantile,
  ratio,
  sel,
  sumRate,
  UID,
  VAR,
} from "./common.js";
import { bucket, count, LABEL, promMetric } from "./names.js";

const runs = sel(count(METRIC_GEN_AI_WORKFLOW_DURATION), MATCH.service, MATCH.workflow);
const failedRuns = sel(
  count(METRIC_GEN_AI_WORKFLOW_DURATION),
  MATCH.service,
  MATCH.workflow,
  eq(LABEL.outcome, OUTCOME_ERROR),
);
const runBuckets = sel(bucket(METRIC_GEN_AI_WORKFLOW_DURATION), MATCH.service, MATCH.workflow);
const active = sel(promMetric(METRIC_LANGGRAPH_WORKFLOW_ACTIVE), MATCH.service, MATCH.workflow);

// The app's span queue (OTel SDK self-metrics): spans lost, by reason (queue_full, or why
// an export failed), and how full the queue runs.
const lostSpans = sel(promMetric(METRIC_OTEL_SDK_SPAN_PROCESSED), MATCH.service, ne(LABEL.errorType, ""));
const queueSize = sel(promMetric(METRIC_OTEL_SDK_SPAN_QUEUE_SIZE), MATCH.service);
const queueCapacity = sel(promMetric(METRIC_OTEL_SDK_SPAN_QUEUE_CAPACITY), MATCH.service);

/**
 * Prometheus' own ALERTS series: alerts of the selected workflow, plus those that carry
 * no workflow label (e.g. a circuit breaker), hence the empty alternative.
 */
const firingAlerts = `sum by (alertname, severity, ${LABEL.workflow}) (ALERTS{alertstate="firing", ${LABEL.workflow}=~"$${VAR.workflow}|"})`;

export function overviewDashboard(): Dashboard {
  return dashboard(
    UID.overview,
    "LangGraph / Agent overview",
    "Run rate, errors, latency, in-flight runs and outcomes of instrumented LangGraph workflows.",
  )
    .withRow(new RowBuilder("Now"))
    .withPanel(
      new StatPanel()
        .title("Run rate")
        .description("Graph runs per second (invoke, stream, subgraphs).")
        .unit("reqps")
        .graphMode(BigValueGraphMode.Area)
        .withTarget(prom(sumRate(runs)))
        .span(6)
        .height(5),
    )
    .withPanel(
      new StatPanel()
        .title("Error ratio")
        .description("Share of runs whose outcome is error (interrupts and cancels are not errors).")
        .unit("percentunit")
        .graphMode(BigValueGraphMode.Area)
        .withTarget(prom(ratio(sumRate(failedRuns), sumRate(runs))))
        .span(6)
        .height(5),
    )
    .withPanel(
      new StatPanel()
        .title("p95 run latency")
        .unit("s")
        .graphMode(BigValueGraphMode.Area)
        .withTarget(prom(quantile(0.95, runBuckets)))
        .span(6)
        .height(5),
    )
    .withPanel(
      new StatPanel()
        .title("In-flight runs")
        .description("Graph runs started and not yet finished.")
        .unit("short")
        .graphMode(BigValueGraphMode.Area)
        .withTarget(prom(`sum(${active})`))
        .span(6)
        .height(5),
    )
    .withRow(new RowBuilder("Runs"))
    .withPanel(
      new TimeseriesPanel()
        .title("Run rate by workflow")
        .unit("reqps")
        .withTarget(prom(sumRate(runs, [LABEL.workflow]), `{{${LABEL.workflow}}}`))
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Error ratio by workflow")
        .unit("percentunit")
        .min(0)
        .withTarget(
          prom(
            ratio(sumRate(failedRuns, [LABEL.workflow]), sumRate(runs, [LABEL.workflow]), [
              LABEL.workflow,
            ]),
            `{{${LABEL.workflow}}}`,
          ),
        )
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Run latency p50 / p95 / p99")
        .unit("s")
        .withTarget(prom(quantile(0.5, runBuckets), "p50"))
        .withTarget(prom(quantile(0.95, runBuckets), "p95"))
        .withTarget(prom(quantile(0.99, runBuckets), "p99"))
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Outcomes")
        .description("ok, error, interrupted (human in the loop), cancelled, parent_command.")
        .unit("reqps")
        .stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
        .fillOpacity(30)
        .withTarget(prom(sumRate(runs, [LABEL.outcome]), `{{${LABEL.outcome}}}`))
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("In-flight runs by workflow")
        .unit("short")
        .withTarget(prom(`sum by (${LABEL.workflow}) (${active})`, `{{${LABEL.workflow}}}`))
        .span(12),
    )
    .withRow(new RowBuilder("Telemetry pipeline"))
    .withPanel(
      new TimeseriesPanel()
        .title("Spans lost")
        .description(
          "Spans the app never delivered, by reason: queue_full (the bounded span queue was full), or why an export failed (ECONNREFUSED, ECONNRESET, timeout, retries_exhausted, an HTTP status). The collector is down, slow or refusing (alert LangGraphTelemetryDropped). The agent is unaffected; traces have gaps.",
        )
        .unit("short")
        .min(0)
        .withTarget(promOrZero(sumRate(lostSpans, ["instance", LABEL.errorType]), `{{instance}} {{${LABEL.errorType}}}`))
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Span queue fill")
        .description("Spans waiting in the app's batch span queue, as a share of its capacity.")
        .unit("percentunit")
        .min(0)
        .max(1)
        .withTarget(
          prom(
            `max by (instance, ${LABEL.component}) (${queueSize} / ${queueCapacity})`,
            `{{instance}}`,
          ),
        )
        .span(12),
    )
    .withPanel(
      new TablePanel()
        .title("Firing alerts")
        .description("Alerts Prometheus is firing now (see docs/alerting.md for the catalog).")
        .withTarget(promTable(firingAlerts))
        .span(12),
    )
    .build();
}
