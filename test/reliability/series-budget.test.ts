/**
 * Label values the app makes up at run time never make `/metrics` huge. Through the real
 * startObservability and its Prometheus endpoint (one scrape over HTTP): 3,000 distinct
 * error classes, 1,200 generated graph names and 3,000 generated node names. Before the
 * budgets, the first alone made 80,000 sample lines and 16 MB; now error types past the
 * first 50 are `_OTHER`, and each instrument folds series past its budget into the SDK's
 * `otel.metric.overflow="true"` series, which still counts them.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ObservabilityHandle, startObservability } from "../../src/index.js";
import { ERROR_TYPE_OTHER, MAX_METRIC_ERROR_TYPES, SERIES_BUDGET } from "../../src/series-budget.js";

const State = Annotation.Root({ n: Annotation<number> });
let handle: ObservabilityHandle;

beforeAll(async () => {
  handle = startObservability({
    serviceName: "series-budget",
    tracesExporter: "none",
    logsExporter: "none",
    metricsExporter: "prometheus",
    prometheusPort: 0,
    env: {},
  });
  await handle.ready;
});
afterAll(async () => {
  await handle.shutdown();
});

async function scrape(): Promise<string> {
  const address = handle.metricsAddress();
  if (address === undefined) throw new Error("no /metrics address");
  const response = await fetch(`http://${address.host}:${address.port}/metrics`);
  return response.text();
}

/** Distinct values of `label` among the samples of `metric`. */
function labelValues(text: string, metric: string, label: string): Set<string> {
  const values = new Set<string>();
  const pattern = new RegExp(`^${metric}[_a-z]*\\{[^}]*\\b${label}="([^"]*)"`, "gm");
  for (const match of text.matchAll(pattern)) values.add(match[1] ?? "");
  return values;
}

describe("series budgets", () => {
  it("3,000 error classes, 1,200 graph names, 3,000 node names: a bounded /metrics that still counts every run", async () => {
    // 3,000 error classes out of one graph.
    let next = 0;
    const failing = new StateGraph(State)
      .addNode("fail", () => {
        const error = new Error("upstream said no");
        error.name = `UpstreamError${next++}`;
        throw error;
      })
      .addEdge(START, "fail")
      .addEdge("fail", END)
      .compile({ name: "failing" });
    for (let i = 0; i < 3000; i++) await failing.invoke({ n: 0 }).catch(() => undefined);

    // 1,200 graphs with generated names, 3,000 generated node names (in 30 graphs).
    for (let i = 0; i < 1200; i++) {
      const graph = new StateGraph(State)
        .addNode("step", (s) => ({ n: s.n + 1 }))
        .addEdge(START, "step")
        .addEdge("step", END)
        .compile({ name: `tenant_${i}` });
      await graph.invoke({ n: 0 });
    }
    for (let g = 0; g < 30; g++) {
      let builder = new StateGraph(State) as unknown as StateGraph<typeof State.spec, unknown, unknown, string>;
      for (let n = 0; n < 100; n++) builder = builder.addNode(`node_${g}_${n}`, () => ({}));
      for (let n = 0; n < 100; n++) builder = builder.addEdge(START, `node_${g}_${n}` as never);
      await builder.compile({ name: `wide_${g}` }).invoke({ n: 0 });
    }

    const text = await scrape();
    const bytes = Buffer.byteLength(text);
    const samples = text.split("\n").filter((line) => line !== "" && !line.startsWith("#")).length;
    console.log(`/metrics after the hostile label values: ${(bytes / 1e6).toFixed(2)} MB, ${samples} sample lines`);

    const errorTypes = labelValues(text, "gen_ai_workflow_duration", "error_type");
    expect(errorTypes.size).toBeLessThanOrEqual(MAX_METRIC_ERROR_TYPES + 1);
    expect(errorTypes).toContain(ERROR_TYPE_OTHER);
    // Every failed run is still counted, named or _OTHER.
    const failed = [...text.matchAll(/^gen_ai_workflow_duration_count\{[^}]*gen_ai_workflow_name="failing"[^}]*\} (\d+)/gm)];
    expect(failed.reduce((sum, m) => sum + Number(m[1]), 0)).toBe(3000);

    const workflows = labelValues(text, "gen_ai_workflow_duration", "gen_ai_workflow_name");
    expect(workflows.size).toBeLessThanOrEqual(SERIES_BUDGET.histogram);
    expect(text).toMatch(/^gen_ai_workflow_duration_count\{[^}]*otel_metric_overflow="true"/m);
    const nodes = labelValues(text, "langgraph_node_duration", "langgraph_node_name");
    expect(nodes.size).toBeLessThanOrEqual(SERIES_BUDGET.histogram);
    // Two histograms at their budget (~0.7 MB each) and the active-runs counter at its own.
    expect(bytes).toBeLessThan(2_000_000);
  }, 300_000);
});
