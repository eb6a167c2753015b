/** The rules speak the contract: names from src/semconv.ts, labels, annotations, runbooks. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { contractSeries, promqlNames, SCRAPE_LABELS } from "../dashboards/promql.js";
import { dict, repoPath, str } from "../stack/support.js";
import { ALERT_NAMES, loadRules } from "./rules.js";

const rules = loadRules();
const series = contractSeries();
const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));

describe("prometheus/rules", () => {
  it("defines exactly the alerts of the catalog", () => {
    expect(rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])).sort()).toEqual(
      [...ALERT_NAMES].sort(),
    );
  });

  it.each(rules.map((rule) => [rule.record ?? rule.alert ?? "?", rule] as const))(
    "%s reads only contract series and recording rules",
    (_name, rule) => {
      const names = promqlNames(rule.expr);
      for (const metric of names.metrics) {
        expect(series.has(metric) || recorded.has(metric), `unknown series ${metric}`).toBe(true);
      }
      for (const selector of names.selectors) {
        const labels = selector.metric === undefined ? undefined : series.get(selector.metric);
        for (const label of selector.labels) {
          expect(labels?.has(label) === true || SCRAPE_LABELS.includes(label), label).toBe(true);
        }
      }
      const allLabels = new Set([...series.values()].flatMap((labels) => [...labels]));
      for (const label of names.groupingLabels) {
        expect(allLabels.has(label) || SCRAPE_LABELS.includes(label), label).toBe(true);
      }
    },
  );

  it("recording rule names follow level:metric:operations", () => {
    for (const name of recorded) expect(name).toMatch(/^langgraph:[a-z0-9_]+(:[a-z0-9_]+)*$/);
  });

  // That each alert carries the workflow label is pinned by the promtool tests' exp_labels.
  it("every alert has severity, summary, description and a runbook", () => {
    const runbooks = readFileSync(repoPath("docs/runbooks.md"), "utf8");
    for (const rule of rules.filter((r) => r.alert !== undefined)) {
      const labels = dict(rule.raw, "labels");
      expect(["critical", "warning"]).toContain(labels.severity);
      const annotations = dict(rule.raw, "annotations");
      for (const key of ["summary", "description", "runbook_url"]) {
        expect(str(annotations, key), `${rule.alert} ${key}`).toBeTruthy();
      }
      const anchor = /#([a-z0-9-]+)$/.exec(str(annotations, "runbook_url") ?? "")?.[1];
      expect(anchor).toBe(rule.alert?.toLowerCase());
      expect(runbooks, `docs/runbooks.md has no "## ${rule.alert}"`).toContain(`## ${rule.alert}\n`);
    }
  });

  it("the LLM cost budget is one recording rule to edit", () => {
    const budget = rules.find((rule) => rule.record === "langgraph:llm_cost_budget_usd_per_hour");
    expect(budget?.expr).toMatch(/^vector\(\d+(\.\d+)?\)$/);
    const alert = rules.find((rule) => rule.alert === "LangGraphLLMCostBudget");
    expect(alert?.expr).toContain("langgraph:llm_cost_budget_usd_per_hour");
  });
});
