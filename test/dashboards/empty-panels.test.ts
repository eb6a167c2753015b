/**
 * A panel of events a healthy system may not have (spans lost, tool failures, retries,
 * breaker transitions, fallbacks, timeouts, interrupts) shows 0 when there are none, not
 * "no data" (which reads like a broken pipeline). Each such query, variables substituted,
 * runs through the pinned promtool against a Prometheus with no series at all: it must
 * give exactly one sample, 0.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requireStackBinary } from "../stack/binaries.js";
import { loadDashboards, panelQueries, substitute } from "./queries.js";

const EVENT_PANELS = [
  "Spans lost",
  "Tool failures",
  "Interrupts by node",
  "Retries by node",
  "Breaker transitions",
  "Node retries (retryPolicy)",
  "Fallback activations by level",
  "Timeouts by operation",
  "Unpriced model calls",
];

describe("event panels with nothing to show", () => {
  const queries = panelQueries(loadDashboards()).filter((q) => EVENT_PANELS.includes(q.panel));

  it("every event panel is found and asks for 0 when empty", () => {
    expect(new Set(queries.map((q) => q.panel))).toEqual(new Set(EVENT_PANELS));
    for (const query of queries) expect(query.expr, query.panel).toMatch(/or on\(\) vector\(0\)$/);
  });

  it("each returns a single 0 from a Prometheus with no data (pinned promtool)", () => {
    const promtool = requireStackBinary("promtool");
    const dir = mkdtempSync(join(tmpdir(), "empty-panels-"));
    try {
      const values = { service: "svc", workflow: "wf", node: "n", window: "5m" };
      const tests = queries.map(
        (q) =>
          `      - expr: ${JSON.stringify(substitute(q.expr, values))}\n        eval_time: 10m\n        exp_samples:\n          - labels: "{}"\n            value: 0`,
      );
      const file = join(dir, "empty.test.yml");
      writeFileSync(
        file,
        `rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series: []\n    promql_expr_test:\n${tests.join("\n")}\n`,
      );
      const out = execFileSync(promtool, ["test", "rules", file], { encoding: "utf8" });
      expect(out).toContain("SUCCESS");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
