import { describe, expect, it } from "vitest";
import { ATTR_GEN_AI_WORKFLOW_NAME, prometheusLabel } from "../../src/semconv.js";
import { contractSeries, promqlNames, SCRAPE_LABELS } from "./promql.js";
import { dataPanels, loadDashboards, panelQueries, variableQueries } from "./queries.js";

/** Prometheus' own series that a dashboard may read besides the contract's. */
const PROMETHEUS_SERIES = new Map([
  ["ALERTS", new Set(["alertname", "alertstate", "severity", prometheusLabel(ATTR_GEN_AI_WORKFLOW_NAME)])],
]);

const dashboards = loadDashboards();
const series = contractSeries();
const known = new Map([...series, ...PROMETHEUS_SERIES]);
const allLabels = new Set([...SCRAPE_LABELS, ...[...known.values()].flatMap((labels) => [...labels])]);

describe("dashboard queries use only names from src/semconv.ts", () => {
  const queries = panelQueries(dashboards);

  it("finds queries in every dashboard", () => {
    expect(dashboards.size).toBe(4);
    for (const file of dashboards.keys()) {
      expect(queries.filter((q) => q.dashboard === file).length, file).toBeGreaterThan(3);
    }
  });

  it("every data panel has at least one Prometheus query on datasource uid `prometheus`", () => {
    for (const { file, panel } of dataPanels(dashboards)) {
      expect(panel.targets?.length ?? 0, `${file}: ${panel.title}`).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe("prometheus");
    }
  });

  it.each(queries.map((q) => [`${q.dashboard} / ${q.panel} / ${q.refId}`, q.expr] as const))(
    "%s",
    (_name, expr) => {
      const names = promqlNames(expr);
      expect(names.metrics.length).toBeGreaterThan(0);
      for (const metric of names.metrics) {
        expect(known.has(metric), `unknown metric ${metric} in ${expr}`).toBe(true);
      }
      for (const selector of names.selectors) {
        const labels = selector.metric === undefined ? undefined : known.get(selector.metric);
        for (const label of selector.labels) {
          const ok = labels?.has(label) === true || SCRAPE_LABELS.includes(label);
          expect(ok, `label ${label} is not on ${selector.metric}`).toBe(true);
        }
      }
      for (const label of names.groupingLabels) {
        expect(allLabels.has(label), `unknown grouping label ${label}`).toBe(true);
      }
    },
  );

  it("template variables service, workflow and node read contract series", () => {
    const variables = variableQueries(dashboards);
    for (const file of dashboards.keys()) {
      expect(variables.filter((v) => v.dashboard === file).map((v) => v.name)).toEqual([
        "service",
        "workflow",
        "node",
      ]);
    }
    for (const variable of variables) {
      const names = promqlNames(variable.selector);
      for (const metric of names.metrics) expect(series.has(metric), metric).toBe(true);
      expect(allLabels.has(variable.label)).toBe(true);
    }
  });

  it("the reader itself tells metrics from functions, keywords, labels and strings", () => {
    const names = promqlNames(
      'sum by (a_b) (rate(x_total{job=~"$service", y="z"}[5m])) / on (a_b) group_left () sum(y_count offset 1w) > bool 0.5e3 and vector(1)',
    );
    expect(names.metrics.sort()).toEqual(["x_total", "y_count"]);
    expect(names.selectors).toEqual([{ metric: "x_total", labels: ["job", "y"] }]);
    expect(names.groupingLabels).toEqual(["a_b", "a_b"]);
  });
});
