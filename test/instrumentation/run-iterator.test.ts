/**
 * The run's iterator (src/instrumentation/graph-run.ts) stands in for LangGraph's async
 * generator: what generators guarantee, it must too, where telemetry work is asynchronous
 * (a checkpointed thread's bookkeeping) or fails (a user's sampler).
 */
import { END, interrupt, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { type Sampler, SamplingDecision, type SamplingResult } from "@opentelemetry/sdk-trace-base";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inFlightCount } from "../../src/instrumentation/in-flight.js";
import { useOtel, workflowSpanName } from "../helpers/otel.js";
import { LogState, type LogStateType, logNode, okThenFailing } from "./graph-fixtures.js";

const SAMPLER_FAILURE = new RangeError("sampler failed");

/** Always on, except that it throws for the runs of graphs named `sampler-throws`. */
class ThrowingForOneGraph implements Sampler {
  shouldSample(_ctx: unknown, _traceId: string, name: string): SamplingResult {
    if (name === workflowSpanName("sampler-throws")) throw SAMPLER_FAILURE;
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  }
  toString(): string {
    return "ThrowingForOneGraph";
  }
}

const otel = useOtel({ sampler: new ThrowingForOneGraph() });

type RunIterator = AsyncGenerator<unknown, unknown, unknown>;
function iteratorOf(graph: object, options: object): RunIterator {
  return (graph as { _streamIterator(input: unknown, options: object): RunIterator })._streamIterator({}, options);
}

function chain(name: string, checkpointer?: MemorySaver) {
  return new StateGraph(LogState)
    .addNode("a", logNode("a"))
    .addNode("b", logNode("b"))
    .addEdge(START, "a")
    .addEdge("a", "b")
    .addEdge("b", END)
    .compile({ name, ...(checkpointer === undefined ? {} : { checkpointer }) });
}

/** Calls next() `count` times without waiting and notes the order in which they settle. */
async function settleOrder(iterator: RunIterator, count: number): Promise<string[]> {
  const order: string[] = [];
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      iterator.next().then(
        (step) => order.push(`${i}:${step.done === true ? "done" : "value"}`),
        () => order.push(`${i}:threw`),
      ),
    ),
  );
  return order;
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
});

describe("the run's iterator", () => {
  it("a sampler that throws: invoke() rejects with its error, nothing is left open or unhandled", async () => {
    const before = inFlightCount();
    const thrown = await chain("sampler-throws")
      .invoke({})
      .catch((err: unknown) => err);
    expect(thrown).toBe(SAMPLER_FAILURE);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
    expect(inFlightCount()).toBe(before);
    expect(otel.workflowSpans("sampler-throws")).toHaveLength(0);
    // The graph itself is fine: other runs go on being traced.
    await chain("sampler-fine").invoke({});
    expect(otel.workflowSpans("sampler-fine")).toHaveLength(1);
  });

  it("next() calls made without waiting settle in LangGraph's order when a node fails", async () => {
    const failing = okThenFailing("fails-midway", new TypeError("bad failed"));
    const order = await settleOrder(iteratorOf(failing, { streamMode: "updates" }), 4);
    expect(order).toEqual(["0:value", "1:threw", "2:done", "3:done"]);
    expect(inFlightCount()).toBe(0);
  });

  it("on a checkpointed thread, later calls wait for the bookkeeping the last result waits for", async () => {
    const saver = new MemorySaver();
    const paused = new StateGraph(LogState)
      .addNode("a", logNode("a"))
      .addNode("ask", async (): Promise<Partial<LogStateType>> => {
        interrupt("approve?");
        return { log: ["asked"] };
      })
      .addEdge(START, "a")
      .addEdge("a", "ask")
      .addEdge("ask", END)
      .compile({ name: "paused-pipelined", checkpointer: saver });
    const options = { streamMode: "updates", configurable: { thread_id: "pipelined-1" } };
    const order = await settleOrder(iteratorOf(paused, options), 6);
    expect(order.map((entry) => Number(entry.split(":")[0]))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(order.at(-1)).toBe("5:done");
    expect(inFlightCount()).toBe(0);
  });
});
