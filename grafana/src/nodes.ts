/** Nodes: which node is slow, failing or retrying, and a way into its traces. */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as HeatmapPanel } from "@grafana/grafana-foundation-sdk/heatmap";
import { PromQueryFormat } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as TablePanel } from "@grafana/grafana-foundation-sdk/table";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import {
  METRIC_LANGGRAPH_NODE_DURATION,
  METRIC_LANGGRAPH_NODE_RETRIES,
  OUTCOME_ERROR,
} from "../../src/semconv.js";
import {
  dashboard,
  eq,
  MATCH,
  nodeTracesLink,
  prom,
  promOrZero,
  promTable,
  quantile,
  RANGE,
  RATE,
  ratio,
  sel,
  sumRate,
  UID,
} from "./common.js";
import { bucket, count, LABEL, promMetric, SERVICE_LABEL } from "./names.js";

const scope = [MATCH.service, MATCH.workflow, MATCH.node];
const attempts = sel(count(METRIC_LANGGRAPH_NODE_DURATION), ...scope);
const failedAttempts = sel(
  count(METRIC_LANGGRAPH_NODE_DURATION),
  ...scope,
  eq(LABEL.outcome, OUTCOME_ERROR),
);
const buckets = sel(bucket(METRIC_LANGGRAPH_NODE_DURATION), ...scope);
const retries = sel(promMetric(METRIC_LANGGRAPH_NODE_RETRIES), ...scope);

/** Per-node series keep the service label so the trace link knows the Jaeger service. */
const perNode = [SERVICE_LABEL, LABEL.node];
const legend = `{{${LABEL.node}}}`;
const tracesFromSeries = nodeTracesLink(
  `__field.labels.${SERVICE_LABEL}`,
  `__field.labels.${LABEL.node}`,
);

export function nodesDashboard(): Dashboard {
  return dashboard(
    UID.nodes,
    "LangGraph / Nodes",
    "Per-node latency, executions, errors and retries; links to each node's traces in Jaeger.",
  )
    .withRow(new RowBuilder("Latency"))
    .withPanel(
      new TimeseriesPanel()
        .title("Node latency p50 / p95 / p99")
        .description("Per node attempt. Click a series for that node's traces in Jaeger.")
        .unit("s")
        .withTarget(prom(quantile(0.5, buckets, perNode), `${legend} p50`))
        .withTarget(prom(quantile(0.95, buckets, perNode), `${legend} p95`))
        .withTarget(prom(quantile(0.99, buckets, perNode), `${legend} p99`))
        .dataLinks([tracesFromSeries])
        .span(12),
    )
    .withPanel(
      new HeatmapPanel()
        .title("Node latency heatmap")
        .description("Attempts per latency bucket (all selected nodes).")
        .calculate(false)
        .withTarget(
          prom(`sum by (le) (increase(${buckets}[${RATE}]))`, "{{le}}").format(
            PromQueryFormat.Heatmap,
          ),
        )
        .span(12),
    )
    .withRow(new RowBuilder("Executions and errors"))
    .withPanel(
      new TimeseriesPanel()
        .title("Executions by node")
        .description("Node attempts per second, retries included.")
        .unit("ops")
        .withTarget(prom(sumRate(attempts, perNode), legend))
        .dataLinks([tracesFromSeries])
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Error ratio by node and error.type")
        .unit("percentunit")
        .min(0)
        .withTarget(
          prom(
            `${sumRate(failedAttempts, [LABEL.node, LABEL.errorType])} / on (${LABEL.node}) group_left () ${sumRate(attempts, [LABEL.node])}`,
            `{{${LABEL.node}}} {{${LABEL.errorType}}}`,
          ),
        )
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Node error ratio")
        .unit("percentunit")
        .min(0)
        .withTarget(
          prom(
            ratio(sumRate(failedAttempts, [LABEL.node]), sumRate(attempts, [LABEL.node]), [
              LABEL.node,
            ]),
            legend,
          ),
        )
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title("Retries by node")
        .description("Attempts after the first, from LangGraph's retryPolicy.")
        .unit("ops")
        .withTarget(promOrZero(sumRate(retries, [LABEL.node]), legend))
        .span(12),
    )
    .withRow(new RowBuilder("Slowest nodes"))
    .withPanel(
      new TablePanel()
        .title("Slowest nodes (p95 over the time range)")
        .description("Click a node for its traces in Jaeger.")
        .unit("s")
        .withTarget(
          promTable(
            `topk(10, histogram_quantile(0.95, ${sumRate(buckets, [SERVICE_LABEL, LABEL.workflow, LABEL.node, "le"], RANGE)}))`,
          ),
        )
        .dataLinks([
          nodeTracesLink(
            `__data.fields.${SERVICE_LABEL}`,
            `__data.fields.${LABEL.node}`,
          ),
        ])
        .span(24),
    )
    .build();
}
