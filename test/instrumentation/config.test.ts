import { END, START, StateGraph } from "@langchain/langgraph";
import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  ATTR_LANGGRAPH_NODE_NAME,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_NODE_DURATION,
  METRIC_LANGGRAPH_WORKFLOW_ACTIVE,
  METRICS,
} from "../../src/semconv.js";
import type { NodeAttemptInfo } from "../../src/instrumentation/types.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";
import { expectOk, LogState, type LogStateType } from "./graph-fixtures.js";

function pipeline(name: string, nodes: string[], inside?: (node: string) => Promise<void>) {
  let builder = new StateGraph(LogState);
  for (const node of nodes) {
    builder = builder.addNode(node, async (): Promise<Partial<LogStateType>> => {
      await inside?.(node);
      return { log: [node] };
    }) as typeof builder;
  }
  let previous = START as string;
  for (const node of nodes) {
    builder = builder.addEdge(previous as typeof START, node as typeof START) as typeof builder;
    previous = node;
  }
  return builder.addEdge(previous as typeof START, END).compile({ name });
}

describe("ignoreNodes", () => {
  const otel = useOtel({
    config: { ignoreNodes: ["skip-me", /^internal_/] },
  });

  it("gives ignored nodes (by name or pattern) no span and no metrics; their spans parent to the run", async () => {
    const graph = pipeline("ignoring", ["keep", "skip-me", "internal_cache", "also-keep"], async (node) => {
      if (node === "skip-me") trace.getTracer("user").startSpan("inside skipped").end();
    });
    const result = await graph.invoke({});
    expect(result.log).toEqual(["keep", "skip-me", "internal_cache", "also-keep"]);

    const run = otel.span(workflowSpanName("ignoring"));
    expect(otel.childrenOf(run).map((s) => s.name)).toEqual([
      nodeSpanName("keep"),
      "inside skipped",
      nodeSpanName("also-keep"),
    ]);
    const nodeSeries = (await otel.metricPoints(METRIC_LANGGRAPH_NODE_DURATION)).map(
      (p) => p.attributes[ATTR_LANGGRAPH_NODE_NAME],
    );
    expect(nodeSeries.sort()).toEqual(["also-keep", "keep"]);
  });
});

describe("ignoreNodes as a predicate", () => {
  const otel = useOtel({ config: { ignoreNodes: (name: string) => name.startsWith("x") } });

  it("asks the predicate", async () => {
    await pipeline("predicate", ["xa", "b"]).invoke({});
    expect(otel.nodeSpans().map((s) => s.name)).toEqual([nodeSpanName("b")]);
  });
});

describe("a throwing ignoreNodes predicate", () => {
  const otel = useOtel({
    config: {
      ignoreNodes: () => {
        throw new Error("predicate bug");
      },
    },
  });

  it("does not break the run (nodes stay traced)", async () => {
    const result = await pipeline("bad-predicate", ["a", "b"]).invoke({});
    expect(result.log).toEqual(["a", "b"]);
    expect(otel.nodeSpans()).toHaveLength(2);
  });
});

describe("emitStartNode", () => {
  describe("default", () => {
    const otel = useOtel();
    it("omits the __start__ node", async () => {
      await pipeline("no-start", ["a"]).invoke({});
      expect(otel.nodeSpans().map((s) => s.name)).toEqual([nodeSpanName("a")]);
    });
  });
  describe("true", () => {
    const otel = useOtel({ config: { emitStartNode: true } });
    it("emits a span for __start__ first", async () => {
      await pipeline("with-start", ["a"]).invoke({});
      expect(otel.nodeSpans().map((s) => s.name)).toEqual([
        nodeSpanName("__start__"),
        nodeSpanName("a"),
      ]);
      expectOk(otel.span(nodeSpanName("__start__")));
    });
  });
});

describe("nodeAttributesHook", () => {
  const seen: NodeAttemptInfo[] = [];
  const otel = useOtel({
    config: {
      nodeAttributesHook: (info) => {
        seen.push(info);
        const configurable = info.config.configurable as Record<string, unknown> | undefined;
        if (info.nodeName === "explode") throw new Error("hook bug");
        return { "app.tenant": String(configurable?.tenant), "app.node": info.nodeName };
      },
    },
  });

  it("adds the hook's attributes to node spans, and a throwing hook breaks nothing", async () => {
    seen.length = 0;
    const result = await pipeline("hooked", ["a", "explode", "b"]).invoke(
      {},
      { configurable: { tenant: "acme" } },
    );
    expect(result.log).toEqual(["a", "explode", "b"]);

    expect(otel.span(nodeSpanName("a")).attributes).toMatchObject({
      "app.tenant": "acme",
      "app.node": "a",
    });
    expect(otel.span(nodeSpanName("b")).attributes["app.tenant"]).toBe("acme");
    const exploded = otel.span(nodeSpanName("explode"));
    expectOk(exploded);
    expect(exploded.attributes["app.tenant"]).toBeUndefined();
    expect(seen.map((i) => [i.workflowName, i.nodeName, i.attempt])).toEqual([
      ["hooked", "a", 1],
      ["hooked", "explode", 1],
      ["hooked", "b", 1],
    ]);
  });
});

describe("enableMetrics: false", () => {
  const otel = useOtel({ config: { enableMetrics: false } });

  it("records no metrics but keeps the spans", async () => {
    await pipeline("quiet", ["a", "b"]).invoke({});
    expect(otel.nodeSpans()).toHaveLength(2);
    for (const metric of METRICS) expect(await otel.metricPoints(metric.name)).toEqual([]);
    expect(await otel.metric(METRIC_GEN_AI_WORKFLOW_DURATION).then((m) => m?.dataPoints ?? [])).toEqual([]);
    expect(await otel.counterValue(METRIC_LANGGRAPH_WORKFLOW_ACTIVE)).toBe(0);
  });
});
