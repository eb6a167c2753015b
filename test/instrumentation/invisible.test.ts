/**
 * The instrumentation must not change what LangGraph does or returns. Each test here
 * mirrors a check of LangGraph.js's own suite that an earlier version of the patch broke.
 */
import { AIMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import { DynamicStructuredTool } from "@langchain/core/tools";
import { END, MemorySaver, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { LastValue } from "@langchain/langgraph/channels";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { Channel, Pregel } from "@langchain/langgraph/pregel";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ATTR_LANGGRAPH_OUTCOME, OUTCOME_ERROR } from "../../src/semconv.js";
import { langgraphAtLeast } from "../helpers/langgraph-version.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";
import { LogState, logNode } from "./graph-fixtures.js";

const otel = useOtel();

interface RunnableLike {
  invoke(input: unknown, config?: unknown): Promise<unknown>;
}
interface PregelNodeLike {
  bound: RunnableLike;
  writers: RunnableLike[];
  getNode(): RunnableLike | undefined;
}

function nodeOf(graph: { nodes: Record<string, unknown> }, name: string): PregelNodeLike {
  return graph.nodes[name] as PregelNodeLike;
}

describe("invisible to LangGraph", () => {
  // streamEvents `version: "v3"` (the protocol events) exists from LangGraph 1.3.0.
  it.skipIf(!langgraphAtLeast(1, 3, 0))("delivers the tool-error event of a failing tool to a streamEvents consumer", async () => {
    const failingTool = new DynamicStructuredTool({
      name: "failing_tool",
      description: "Always throws",
      schema: z.object({}),
      func: async () => {
        throw new Error("tool broke");
      },
    });
    const graph = new StateGraph(MessagesAnnotation)
      .addNode("tools", new ToolNode([failingTool], { handleToolErrors: false }))
      .addEdge(START, "tools")
      .addEdge("tools", END)
      .compile({ checkpointer: new MemorySaver(), name: "tool_errors" });

    const toolEvents: Array<{ event?: string; message?: string }> = [];
    let failure: unknown;
    try {
      const run = await graph.streamEvents(
        { messages: [new AIMessage({ tool_calls: [{ id: "call_1", name: "failing_tool", args: {} }] })] },
        { version: "v3", configurable: { thread_id: "tool-error" } },
      );
      for await (const event of run) {
        if (event.method === "tools") toolEvents.push(event.params.data as { event?: string });
      }
      await run.output;
    } catch (err) {
      failure = err;
    }

    expect((failure as Error | undefined)?.message).toBe("tool broke");
    expect(toolEvents.map((e) => e.event)).toContain("tool-started");
    expect(toolEvents.find((e) => e.event === "tool-error")).toMatchObject({ message: "tool broke" });
    const run = otel.span(workflowSpanName("tool_errors"));
    expect(run.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_ERROR);
  });

  it("leaves what getNode() returns as LangGraph made it, and still traces every attempt", async () => {
    const graph = new StateGraph(LogState)
      .addNode("a", logNode("a"))
      .addEdge(START, "a")
      .addEdge("a", END)
      .compile({ name: "get_node" });
    await graph.invoke({});
    expect(otel.span(nodeSpanName("a"))).toBeDefined();

    const sequence = nodeOf(graph, "a").getNode();
    expect(sequence).toBeDefined();
    expect(Object.keys(sequence as object)).not.toContain("invoke");
    expect(Object.getOwnPropertyNames(sequence as object)).not.toContain("invoke");
  });

  it("returns a node's only writer and its bound runnable themselves, traced all the same", async () => {
    const seen: unknown[] = [];
    const observe = RunnableLambda.from((value: number) => {
      seen.push(value);
    });
    const graph = new Pregel({
      name: "low_level",
      nodes: {
        add: Channel.subscribeTo("input")
          .pipe(RunnableLambda.from((value: number) => value + 1))
          .pipe(Channel.writeTo(["middle"])),
        forward: Channel.subscribeTo("middle").pipe(Channel.writeTo(["output"])),
        observe: Channel.subscribeTo("middle").pipe(observe),
      },
      channels: { input: new LastValue<number>(), middle: new LastValue<number>(), output: new LastValue<number>() },
      inputChannels: "input",
      outputChannels: "output",
    });

    const writer = nodeOf(graph, "forward").writers[0];
    expect(nodeOf(graph, "forward").getNode()).toBe(writer);
    expect(nodeOf(graph, "observe").getNode()).toBe(observe);

    expect(await graph.invoke(1)).toBe(2);
    expect(await graph.invoke(5)).toBe(6);
    expect(seen).toEqual([2, 6]);
    for (const name of ["add", "forward", "observe"]) {
      expect(otel.nodeSpans(name), name).toHaveLength(2);
    }
    for (const shared of [writer, observe]) {
      expect(Object.getOwnPropertyNames(shared)).not.toContain("invoke");
    }

    // The shared runnable called on its own, outside any task, is not a node attempt.
    await otel.reset();
    await observe.invoke(7);
    expect(otel.nodeSpans("observe")).toHaveLength(0);
  });
});
