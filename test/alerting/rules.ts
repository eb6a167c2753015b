/** The committed rule files, parsed: groups, recording rules and alerts. */
import { readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { isDict, list, repoPath, str, type Dict } from "../stack/support.js";

/** The alert names of the catalog in docs/alerting.md (issue 7, and the span queue of issue 9). */
export const ALERT_NAMES = [
  "LangGraphHighErrorRate",
  "LangGraphSlowWorkflows",
  "LangGraphCircuitBreakerOpen",
  "LangGraphLLMCostBudget",
  "LangGraphRetryStorm",
  "LangGraphTrafficAnomaly",
  "LangGraphTrafficDrop",
  "LangGraphErrorRateAnomaly",
  "LangGraphSystemDegraded",
  "LangGraphTelemetryDropped",
] as const;

export function ruleFiles(): string[] {
  return readdirSync(repoPath("prometheus/rules"))
    .filter((file) => file.endsWith(".yml"))
    .sort()
    .map((file) => repoPath("prometheus/rules", file));
}

export interface Rule {
  file: string;
  group: string;
  record?: string;
  alert?: string;
  expr: string;
  raw: Dict;
}

export function loadRules(): Rule[] {
  const rules: Rule[] = [];
  for (const file of ruleFiles()) {
    const doc: unknown = parse(readFileSync(file, "utf8"));
    for (const group of list(doc, "groups")) {
      for (const rule of list(group, "rules")) {
        if (!isDict(rule)) continue;
        rules.push({
          file,
          group: str(group, "name") ?? "",
          record: str(rule, "record"),
          alert: str(rule, "alert"),
          expr: str(rule, "expr") ?? String(rule.expr),
          raw: rule,
        });
      }
    }
  }
  return rules;
}
