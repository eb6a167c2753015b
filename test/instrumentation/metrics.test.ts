import { END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  DURATION_BUCKETS_SECONDS,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_INTERRUPTS,
  METRIC_LANGGRAPH_NODE_DURATION,
  METRIC_LANGGRAPH_NODE_RETRIES,
  METRIC_LANGGRAPH_WORKFLOW_ACTIVE,
  METRICS,
  OUTCOME_OK,
} from "../../src/semconv.js";
import { useOtel } from "../helpers/otel.js";
import { LogState, type LogStateType, logNode, okThenFailing } from "./graph-fixtures.js";

const otel = useOtel();

const GRAPH_METRICS = [
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_WORKFLOW_ACTIVE,
  METRIC_LANGGRAPH_NODE_DURATION,
  METRIC_LANGGRAPH_NODE_RETRIES,
  METRIC_LANGGRAPH_INTERRUPTS,
];

function contract(name: string) {
  const def = METRICS.find((m) => m.name === name);
  if (def === undefined) throw new Error(`${name} missing from METRICS`);
  return def;
}

describe("graph metrics", () => {
  it("records run and node durations with the contract's attributes, unit and buckets", async () => {
    const graph = new StateGraph(LogState)
      .addNode("a", logNode("a"))
      .addNode("b", logNode("b"))
      .addEdge(START, "a")
      .addEdge("a", "b")
      .addEdge("b", END)
      .compile({ name: "measured" });
    await graph.invoke({}, { configurable: { thread_id: "never-a-label" } });
    await graph.invoke({}, { configurable: { thread_id: "another-thread" } });

    const workflow = await otel.metric(METRIC_GEN_AI_WORKFLOW_DURATION);
    expect(workflow?.descriptor.unit).toBe(contract(METRIC_GEN_AI_WORKFLOW_DURATION).unit);
    const runPoints = await otel.histogramPoints(METRIC_GEN_AI_WORKFLOW_DURATION);
    // Thread ids stay off metrics: both runs share one series.
    expect(runPoints).toHaveLength(1);
    expect(runPoints[0]!.attributes).toEqual({
      [ATTR_GEN_AI_WORKFLOW_NAME]: "measured",
      [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_OK,
    });
    expect(runPoints[0]!.value.count).toBe(2);
    expect(runPoints[0]!.value.buckets.boundaries).toEqual(DURATION_BUCKETS_SECONDS);

    const nodePoints = await otel.histogramPoints(METRIC_LANGGRAPH_NODE_DURATION);
    expect(nodePoints.map((p) => p.attributes).sort((x, y) =>
      String(x[ATTR_LANGGRAPH_NODE_NAME]).localeCompare(String(y[ATTR_LANGGRAPH_NODE_NAME])),
    )).toEqual(
      ["a", "b"].map((node) => ({
        [ATTR_GEN_AI_WORKFLOW_NAME]: "measured",
        [ATTR_LANGGRAPH_NODE_NAME]: node,
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_OK,
      })),
    );
    for (const point of nodePoints) {
      expect(point.value.count).toBe(2);
      expect(point.value.buckets.boundaries).toEqual(DURATION_BUCKETS_SECONDS);
      expect(point.value.sum).toBeGreaterThanOrEqual(0);
    }
    expect((await otel.metric(METRIC_LANGGRAPH_NODE_DURATION))?.descriptor.unit).toBe("s");
    expect(await otel.counterValue(METRIC_LANGGRAPH_WORKFLOW_ACTIVE)).toBe(0);
  });

  it("counts runs in flight, nested runs included, and returns to 0", async () => {
    const observed: number[] = [];
    const labels = (graph: string) => ({ [ATTR_GEN_AI_WORKFLOW_NAME]: graph });
    const sub = new StateGraph(LogState)
      .addNode("inner", async (): Promise<Partial<LogStateType>> => {
        observed.push(await otel.counterValue(METRIC_LANGGRAPH_WORKFLOW_ACTIVE, labels("inner-graph")));
        observed.push(await otel.counterValue(METRIC_LANGGRAPH_WORKFLOW_ACTIVE, labels("outer-graph")));
        return { log: ["inner"] };
      })
      .addEdge(START, "inner")
      .addEdge("inner", END)
      .compile({ name: "inner-graph" });
    const graph = new StateGraph(LogState)
      .addNode("sub", sub)
      .addEdge(START, "sub")
      .addEdge("sub", END)
      .compile({ name: "outer-graph" });

    await graph.invoke({});
    expect(observed).toEqual([1, 1]);
    expect(await otel.counterValue(METRIC_LANGGRAPH_WORKFLOW_ACTIVE, labels("inner-graph"))).toBe(0);
    expect(await otel.counterValue(METRIC_LANGGRAPH_WORKFLOW_ACTIVE, labels("outer-graph"))).toBe(0);

    await Promise.all([graph.invoke({}), graph.invoke({}), graph.invoke({})]);
    expect(await otel.counterValue(METRIC_LANGGRAPH_WORKFLOW_ACTIVE)).toBe(0);
  });

  it("puts only the contract's attributes on every graph metric (no thread or run ids)", async () => {
    const graph = okThenFailing("labelled", new TypeError("bad node"));
    await graph.invoke({}, { configurable: { thread_id: "t-1" } }).catch(() => undefined);

    for (const name of GRAPH_METRICS) {
      const allowed = new Set(contract(name).attributes);
      for (const point of await otel.metricPoints(name)) {
        for (const key of Object.keys(point.attributes)) {
          expect(allowed.has(key), `${name} carries ${key}`).toBe(true);
        }
      }
    }
    const failed = await otel.histogramPoints(METRIC_LANGGRAPH_NODE_DURATION, {
      [ATTR_LANGGRAPH_NODE_NAME]: "bad",
    });
    expect(failed.map((p) => p.attributes[ATTR_ERROR_TYPE])).toEqual(["TypeError"]);
  });
});
