/**
 * The canary AnalysisTemplate's queries under promtool: over a stable version on two
 * pods and a canary on one, a healthy canary passes every metric's successCondition and
 * each degraded canary (errors, latency, cost) fails exactly its own metric.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runTool } from "../stack/support.js";
import {
  alertName,
  analysisMetrics,
  analysisRules,
  CANARY,
  failingComparison,
  type PodProfile,
  podSeries,
  promtool,
  STABLE,
} from "./analysis.js";

const FAST = { "1": 90, "2.5": 100, "5": 100 };
const stablePod = (instance: string): PodProfile => ({
  instance,
  version: STABLE,
  ok: 99,
  errors: 1,
  buckets: FAST,
  costUsd: 0.1,
});
// 2% errors (stable 1%), p95 1.875 s (stable 1.75 s), $0.0011 a run (stable $0.001).
const healthy: PodProfile = {
  instance: "10.0.0.3:9464",
  version: CANARY,
  ok: 98,
  errors: 2,
  buckets: { "1": 88, "2.5": 100, "5": 100 },
  costUsd: 0.11,
};
const degraded: Record<string, PodProfile> = {
  "error-ratio-vs-stable": { ...healthy, ok: 90, errors: 10 },
  "p95-duration-vs-stable": { ...healthy, buckets: { "1": 10, "2.5": 50, "5": 100 } },
  "cost-per-run-vs-stable": { ...healthy, costUsd: 0.3 },
};

const metrics = analysisMetrics();
const dir = mkdtempSync(join(tmpdir(), "langgraph-otel-analysis-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function testCase(name: string, canary: PodProfile, failing: string[]) {
  return {
    name,
    interval: "1m",
    input_series: [stablePod("10.0.0.1:9464"), stablePod("10.0.0.2:9464"), canary].flatMap(podSeries),
    alert_rule_test: metrics.map((m) => ({
      eval_time: "15m",
      alertname: alertName(m.name),
      exp_alerts: failing.includes(m.name) ? [{ exp_labels: {} }] : [],
    })),
  };
}

describe("canary AnalysisTemplate (overlays/canary/analysis-template.yaml)", () => {
  it("measures error ratio, p95 run duration and cost per run", () => {
    expect(metrics.map((m) => m.name).sort()).toEqual(Object.keys(degraded).sort());
  });

  it("reads conditions of the form result[0] <op> <number> only", () => {
    expect(failingComparison("result[0] <= 0.02")).toBe("> 0.02");
    expect(() => failingComparison("result[0] <= 0.02 && result[0] >= 0")).toThrow(/not of the form/);
  });

  it("promtool: the healthy canary passes, each degraded canary fails its own metric", () => {
    const bin = promtool();
    writeFileSync(join(dir, "analysis-rules.yml"), stringify(analysisRules(metrics)));
    const tests = {
      rule_files: ["analysis-rules.yml"],
      evaluation_interval: "1m",
      tests: [
        testCase("healthy canary", healthy, []),
        ...Object.entries(degraded).map(([metric, pod]) => testCase(`canary degraded on ${metric}`, pod, [metric])),
      ],
    };
    writeFileSync(join(dir, "analysis.test.yml"), stringify(tests, { lineWidth: 0 }));
    const result = runTool(bin, ["test", "rules", join(dir, "analysis.test.yml")], dir);
    expect(result.output).toContain("SUCCESS");
    expect(result.status, result.output).toBe(0);
  });

  it("promtool: a canary pod that served no runs fails every metric (0/0 is NaN, never a pass)", () => {
    const bin = promtool();
    writeFileSync(join(dir, "analysis-rules.yml"), stringify(analysisRules(metrics)));
    const idle: PodProfile = { ...healthy, ok: 0, errors: 0, buckets: { "1": 0, "2.5": 0, "5": 0 }, costUsd: 0 };
    const tests = {
      rule_files: ["analysis-rules.yml"],
      evaluation_interval: "1m",
      tests: [testCase("idle canary", idle, Object.keys(degraded))],
    };
    writeFileSync(join(dir, "idle.test.yml"), stringify(tests, { lineWidth: 0 }));
    const result = runTool(bin, ["test", "rules", join(dir, "idle.test.yml")], dir);
    expect(result.output).toContain("SUCCESS");
    expect(result.status, result.output).toBe(0);
  });
});
