/**
 * Pieces every dashboard shares: datasources, the service/workflow/node variables, label
 * filters that use them, PromQL helpers and the Jaeger trace link.
 */
import type { DataSourceRef } from "@grafana/grafana-foundation-sdk/common";
import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder, PromQueryFormat } from "@grafana/grafana-foundation-sdk/prometheus";
import {
  ATTR_LANGGRAPH_NODE_NAME,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_NODE_DURATION,
  SPAN_INVOKE_NODE,
} from "../../src/semconv.js";
import { count, LABEL, SERVICE_LABEL } from "./names.js";

/** Datasource UIDs provisioned under grafana/provisioning. */
export const PROMETHEUS: DataSourceRef = { type: "prometheus", uid: "prometheus" };
export const JAEGER: DataSourceRef = { type: "jaeger", uid: "jaeger" };

/** Template variable names (used as `$service`, `$workflow`, `$node`). */
export const VAR = { service: "service", workflow: "workflow", node: "node" } as const;

/** Label matchers bound to the template variables. */
export const MATCH = {
  service: `${SERVICE_LABEL}=~"$${VAR.service}"`,
  workflow: `${LABEL.workflow}=~"$${VAR.workflow}"`,
  node: `${LABEL.node}=~"$${VAR.node}"`,
} as const;

/** The rate window Grafana picks from the scrape interval. */
export const RATE = "$__rate_interval";
/** The dashboard's whole time range (for totals and rankings). */
export const RANGE = "$__range";

/** `metric{m1, m2}` */
export function sel(metric: string, ...matchers: string[]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(", ")}}`;
}

/** `label="value"` */
export function eq(label: string, value: string): string {
  return `${label}="${value}"`;
}

/** `label!="value"` */
export function ne(label: string, value: string): string {
  return `${label}!="${value}"`;
}

/** `sum by (labels) (rate(selector[window]))`, or a plain sum without labels. */
export function sumRate(selector: string, by: readonly string[] = [], window = RATE): string {
  const grouping = by.length === 0 ? "" : ` by (${by.join(", ")})`;
  return `sum${grouping} (rate(${selector}[${window}]))`;
}

/** A quantile of a histogram's buckets, grouped by `by` (plus `le`). */
export function quantile(q: number, bucketSelector: string, by: readonly string[] = []): string {
  return `histogram_quantile(${q}, ${sumRate(bucketSelector, [...by, "le"])})`;
}

/**
 * `part / whole`, where a part with no series yet counts as zero (a ratio of errors must
 * show 0, not "no data", while nothing has failed). Both sides are grouped by `by`.
 */
export function ratio(part: string, whole: string, by: readonly string[] = []): string {
  if (by.length === 0) return `(${part} or vector(0)) / ${whole}`;
  return `(${part} or (${whole} * 0)) / ${whole}`;
}

/** A Prometheus query target. */
export function prom(expr: string, legend?: string): DataqueryBuilder {
  const query = new DataqueryBuilder().datasource(PROMETHEUS).expr(expr);
  return legend === undefined ? query : query.legendFormat(legend);
}

/**
 * A query for events that a healthy system may not have (drops, failures, retries): 0
 * when there are none, rather than "no data", which reads like a broken pipeline.
 */
export function promOrZero(expr: string, legend?: string): DataqueryBuilder {
  return prom(`(${expr}) or on() vector(0)`, legend);
}

/** An instant table query (rankings, firing alerts). */
export function promTable(expr: string): DataqueryBuilder {
  return prom(expr).instant().format(PromQueryFormat.Table);
}

function queryVariable(name: string, label: string, query: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current({ selected: true, text: "All", value: "$__all" });
}

/** service → workflow → node, each narrowed by the ones before it. */
export function templateVariables(): QueryVariableBuilder[] {
  const runs = count(METRIC_GEN_AI_WORKFLOW_DURATION);
  const nodes = count(METRIC_LANGGRAPH_NODE_DURATION);
  return [
    queryVariable(VAR.service, "Service", `label_values(${runs}, ${SERVICE_LABEL})`),
    queryVariable(
      VAR.workflow,
      "Workflow",
      `label_values(${sel(runs, MATCH.service)}, ${LABEL.workflow})`,
    ),
    queryVariable(
      VAR.node,
      "Node",
      `label_values(${sel(nodes, MATCH.service, MATCH.workflow)}, ${LABEL.node})`,
    ),
  ];
}

/** Dashboard UIDs, also used for the links between them. */
export const UID = {
  overview: "langgraph-overview",
  nodes: "langgraph-nodes",
  llm: "langgraph-llm-tools",
  resilience: "langgraph-resilience",
} as const;

export const TAG = "langgraph-otel";

/** A dashboard with the shared settings, variables and cross-links. */
export function dashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([TAG])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: "now-1h", to: "now" })
    .refresh("30s")
    .timezone("browser")
    .variables(templateVariables())
    .link(
      new DashboardLinkBuilder("LangGraph dashboards")
        .type(DashboardLinkType.Dashboards)
        .tags([TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}

/** A Grafana interpolation, `${name}` or `${name:format}`. */
function grafanaVar(name: string, format?: string): string {
  return `\${${format === undefined ? name : `${name}:${format}`}}`;
}

/**
 * A Grafana Explore URL that searches Jaeger for one node's spans. `service` and `node`
 * name Grafana interpolations (e.g. `__field.labels.job`); they are left unencoded in the
 * encoded pane so Grafana substitutes them (percent-encoded by `:percentencode`).
 */
export function jaegerNodeTracesUrl(service: string, node: string): string {
  const pane = {
    datasource: JAEGER.uid,
    queries: [
      {
        refId: "A",
        datasource: JAEGER,
        queryType: "search",
        service: "__SERVICE__",
        operation: `${SPAN_INVOKE_NODE} __NODE__`,
        tags: `${ATTR_LANGGRAPH_NODE_NAME}="__NODE__"`,
      },
    ],
    range: { from: "__FROM__", to: "__TO__" },
  };
  const encoded = encodeURIComponent(JSON.stringify({ a: pane }))
    .replaceAll("__SERVICE__", grafanaVar(service, "percentencode"))
    .replaceAll("__NODE__", grafanaVar(node, "percentencode"))
    .replaceAll("__FROM__", grafanaVar("__from"))
    .replaceAll("__TO__", grafanaVar("__to"));
  return `/explore?schemaVersion=1&panes=${encoded}`;
}

/** A data link (panel field link) to a node's traces in Jaeger. */
export function nodeTracesLink(service: string, node: string): DashboardLinkBuilder {
  return new DashboardLinkBuilder("Traces of this node in Jaeger")
    .type(DashboardLinkType.Link)
    .url(jaegerNodeTracesUrl(service, node))
    .targetBlank(true);
}
