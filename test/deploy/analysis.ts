/**
 * Turns the canary AnalysisTemplate into promtool fixtures: each metric's query becomes
 * an alert that fires when its successCondition does not hold, evaluated over series of
 * a stable and a canary version (target_info carrying service_version, as /metrics does).
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { requireTool } from "../stack/support.js";
import { K8S, REPO } from "./generate.js";

export const TEMPLATE_PATH = join(K8S, "overlays/canary/analysis-template.yaml");
export const SERVICE = "langgraph-otel-demo";
export const STABLE = "1.0.0";
export const CANARY = "2.0.0";

export interface AnalysisMetric {
  name: string;
  query: string;
  successCondition: string;
}

export function analysisMetrics(text = readFileSync(TEMPLATE_PATH, "utf8")): AnalysisMetric[] {
  const template = parse(text) as {
    spec: { metrics: { name: string; successCondition: string; provider: { prometheus: { query: string } } }[] };
  };
  return template.spec.metrics.map((m) => ({
    name: m.name,
    query: m.provider.prometheus.query,
    successCondition: m.successCondition,
  }));
}

const NEGATED: Record<string, string> = { "<=": ">", "<": ">=", ">=": "<", ">": "<=" };

/** `result[0] <= 0.02` -> the PromQL comparison that holds when the condition fails. */
export function failingComparison(condition: string): string {
  const match = /^result\[0\]\s*(<=|<|>=|>)\s*([0-9.]+)$/.exec(condition.trim());
  if (!match) throw new Error(`successCondition "${condition}" is not of the form result[0] <op> <number>`);
  return `${NEGATED[match[1] as string]} ${match[2]}`;
}

export function substituteArgs(query: string, args: Record<string, string>): string {
  return query.replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (_, name: string) => {
    const value = args[name];
    if (value === undefined) throw new Error(`no value for {{args.${name}}}`);
    return value;
  });
}

/** Per-minute increments of one pod's series. */
export interface PodProfile {
  instance: string;
  version: string;
  ok: number;
  errors: number;
  /** Cumulative bucket increments by upper bound (the +Inf bucket is ok + errors). */
  buckets: Record<string, number>;
  costUsd: number;
}

const MINUTES = 30;

function series(name: string, labels: Record<string, string>, perMinute: number) {
  const text = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ");
  return { series: `${name}{${text}}`, values: `0+${perMinute}x${MINUTES}` };
}

export function podSeries(pod: PodProfile) {
  const target = { job: SERVICE, instance: pod.instance };
  const workflow = { ...target, gen_ai_workflow_name: "support_agent" };
  return [
    { series: `target_info{job="${SERVICE}", instance="${pod.instance}", service_name="${SERVICE}", service_version="${pod.version}"}`, values: `1x${MINUTES}` },
    series("gen_ai_workflow_duration_count", { ...workflow, langgraph_outcome: "ok" }, pod.ok),
    series("gen_ai_workflow_duration_count", { ...workflow, langgraph_outcome: "error" }, pod.errors),
    ...Object.entries({ ...pod.buckets, "+Inf": pod.ok + pod.errors }).map(([le, n]) =>
      series("gen_ai_workflow_duration_bucket", { ...workflow, le }, n),
    ),
    series("langgraph_llm_cost_total", { ...workflow, gen_ai_request_model: "scripted-large" }, pod.costUsd),
  ];
}

/** The rule file: one alert per analysis metric, named after it. */
export function analysisRules(metrics: AnalysisMetric[]) {
  return {
    groups: [
      {
        name: "canary-analysis",
        rules: metrics.map((m) => {
          const query = substituteArgs(m.query, { service: SERVICE, "canary-version": CANARY, "prometheus-address": "" });
          // Argo compares in Go: NaN (a canary with no runs: 0/0) fails every condition.
          return {
            alert: alertName(m.name),
            expr: `(${query.trim()}) ${failingComparison(m.successCondition)} or (${query.trim()}) != (${query.trim()})`,
          };
        }),
      },
    ],
  };
}

export function alertName(metric: string): string {
  return `CanaryFails_${metric.replace(/-/g, "_")}`;
}

/**
 * The stack's pinned promtool where stack/versions.env pins one (built by
 * scripts/stack-binaries.sh into its cache), else the one on PATH (Debian's).
 */
export function promtool(): string {
  const versions = join(REPO, "stack/versions.env");
  if (!existsSync(versions)) return requireTool("promtool", "prometheus");
  const version = /^PROMETHEUS_VERSION=(\S+)/m.exec(readFileSync(versions, "utf8"))?.[1];
  const cache = process.env.LANGGRAPH_OTEL_STACK_CACHE ?? join(homedir(), ".cache", "langgraph-otel", "stack");
  const path = join(cache, `prometheus-${version}`, "bin", "promtool");
  if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/stack-binaries.sh prometheus`);
  return path;
}
