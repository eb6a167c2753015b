/**
 * Tool arguments JSON cannot hold (BigInt, cycles, functions, symbol keys) and arguments
 * that are costly to stringify (a 1 MB Buffer). LangChain stringifies a tool's input for
 * every handler that defines `handleToolStart`, inside its own try/catch: a throw there
 * used to cost the tool its span and print "Error in handler GenAICallbackHandler" once
 * per call, and a Buffer cost a full `JSON.stringify` per call with capture off.
 */
import { AIMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import { ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, ATTR_GEN_AI_TOOL_CALL_ID, ATTR_LANGGRAPH_OUTCOME } from "../../src/semconv.js";
import { coreAtLeast } from "../helpers/langgraph-version.js";
import { nodeSpanName, useOtel } from "../helpers/otel.js";

/**
 * From @langchain/core 1.2.17 LangChain hands tracer-like handlers the raw input along with
 * the tool call id (see GenAICallbackHandler._createRunForToolStart). Before 1.2.12 the tool
 * itself stringifies its input once any handler is present (a BigInt fails the call there,
 * whichever handler it is); 1.2.12–1.2.14 stringify per handler without telling the id.
 */
const RAW_TOOL_INPUT = coreAtLeast(1, 2, 17);

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

const inspect = tool(async (input: Record<string, unknown>) => `keys: ${Object.keys(input).length}`, {
  name: "inspect",
  description: "Looks at anything.",
  schema: z.object({}).passthrough(),
});

/** Arguments `JSON.stringify` throws on, or cannot represent. */
function unserializable(): Record<string, unknown>[] {
  const circular: Record<string, unknown> = { name: "loop" };
  circular.self = circular;
  return [
    { big: 2n ** 70n },
    circular,
    { fn: () => 1, [Symbol("hidden")]: 1, nested: { big: 1n } },
  ];
}

function graphCallingDirectly(args: Record<string, unknown>[]) {
  return new StateGraph(Annotation.Root({ ...MessagesAnnotation.spec }))
    .addNode("direct", async (_state, config) => {
      for (const a of args) await inspect.invoke(a, config);
      return { messages: [] };
    })
    .addEdge(START, "direct")
    .addEdge("direct", END)
    .compile({ name: "odd-args" });
}

describe.skipIf(!RAW_TOOL_INPUT)("tool arguments JSON cannot hold", () => {
  let printed: string[];
  beforeEach(() => {
    printed = [];
    for (const method of ["log", "warn", "error", "info", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        printed.push(args.map(String).join(" "));
      });
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  for (const capture of [false, true]) {
    it(`still get a tool span each, and nothing is printed (capture ${capture ? "on" : "off"})`, async () => {
      genai.setConfig({ captureMessageContent: capture });
      await graphCallingDirectly(unserializable()).invoke({ messages: [] });
      const spans = otel.spansNamed("execute_tool inspect");
      expect(spans).toHaveLength(3);
      for (const span of spans) {
        expect(otel.parentOf(span)?.name).toBe(nodeSpanName("direct"));
        expect(span.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe("ok");
        const args = span.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS];
        if (capture) expect(typeof args).toBe("string");
        else expect(args).toBeUndefined();
      }
      if (capture) {
        const all = spans.map((s) => String(s.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS])).join("\n");
        expect(all).toContain(`${2n ** 70n}n`);
        expect(all).toContain("[Circular]");
        expect(all).toContain("[Function fn]");
      }
      expect(printed).toEqual([]);
    });
  }

  it("through ToolNode: the span carries the model's tool call id", async () => {
    genai.setConfig({ captureMessageContent: true });
    const graph = new StateGraph(Annotation.Root({ ...MessagesAnnotation.spec }))
      .addNode("tools", new ToolNode([inspect]))
      .addEdge(START, "tools")
      .addEdge("tools", END)
      .compile({ name: "odd-tool-node" });
    const call = { name: "inspect", args: { big: 12n, list: [1n] }, id: "call_big" };
    await graph.invoke({ messages: [new AIMessage({ content: "", tool_calls: [call] })] });
    const span = otel.span("execute_tool inspect");
    expect(span.attributes[ATTR_GEN_AI_TOOL_CALL_ID]).toBe("call_big");
    expect(String(span.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS])).toContain("12n");
    expect(printed).toEqual([]);
  });
});

describe.skipIf(!RAW_TOOL_INPUT)("tool arguments costly to stringify", () => {
  it("are never stringified with capture off (as without the instrumentation)", async () => {
    genai.setConfig({ captureMessageContent: false });
    let stringified = 0;
    const blob = Buffer.alloc(1024 * 1024);
    Object.defineProperty(blob, "toJSON", {
      value: () => {
        stringified++;
        return "[blob]";
      },
    });
    await graphCallingDirectly([{ blob }, { blob }]).invoke({ messages: [] });
    expect(otel.spansNamed("execute_tool inspect")).toHaveLength(2);
    expect(stringified).toBe(0);
  });
});
