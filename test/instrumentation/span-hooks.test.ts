/**
 * Span hooks in the contrib style, on workflow, node, model and tool spans:
 * `startSpanHook` runs before the span starts (the sampler sees what it adds) and
 * `responseHook` after the work, with the span still open and the result in hand. A hook
 * that throws is reported through diag and changes nothing: same spans, same result.
 */
import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { type Attributes, type DiagLogger, DiagLogLevel, diag } from "@opentelemetry/api";
import { type Sampler, SamplingDecision } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import type { SpanHooksConfig } from "../../src/instrumentation/types.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";
import { useOtel } from "../helpers/otel.js";

/** What the sampler saw at each span start, by span name. */
const sampled = new Map<string, Attributes[]>();
const sampler: Sampler = {
  shouldSample(_context, _traceId, spanName, _kind, attributes) {
    sampled.set(spanName, [...(sampled.get(spanName) ?? []), { ...attributes }]);
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  },
  toString: () => "recording sampler",
};

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai], sampler });

const weather = tool(async ({ city }: { city: string }) => `${city}: 21C`, {
  name: "weather",
  description: "Weather of a city.",
  schema: z.object({ city: z.string() }),
});

async function runAgent(): Promise<unknown> {
  const model = new ScriptedChatModel({
    provider: "openai",
    model: "gpt-4o-mini",
    script: [
      { toolCalls: [{ name: "weather", args: { city: "Oslo" }, id: "call_1" }], usage: { input: 10, output: 5 } },
      { content: "Oslo is 21C", usage: { input: 20, output: 4 } },
    ],
  });
  const agent = createReactAgent({ llm: model, tools: [weather], name: "forecaster" });
  const result = (await agent.invoke({ messages: [new HumanMessage("weather in Oslo?")] })) as {
    messages: Array<{ content: unknown }>;
  };
  return result.messages.map((m) => m.content);
}

function setHooks(hooks: SpanHooksConfig): void {
  otel.instrumentation.setConfig(hooks);
  genai.setConfig(hooks);
}

/** Span names with their attributes, sorted: what a backend would see of a run. */
function shape(): string[] {
  return otel
    .spans()
    .map((s) => `${s.name} ${JSON.stringify(Object.keys(s.attributes).sort())} ${s.status.code}`)
    .sort();
}

afterEach(() => {
  setHooks({});
  sampled.clear();
  diag.disable();
});

const KIND_OF_SPAN: Record<string, string> = {
  "invoke_workflow forecaster": "workflow",
  "invoke_node agent": "node",
  "invoke_node tools": "node",
  "chat gpt-4o-mini": "model",
  "execute_tool weather": "tool",
};

describe("span hooks", () => {
  it("startSpanHook attributes reach the sampler; responseHook runs after, with the result", async () => {
    const responses: Array<{ kind: string; outcome: string; result: unknown }> = [];
    setHooks({
      startSpanHook: (info) => ({ "app.tenant": "acme", "app.hooked_kind": info.kind }),
      responseHook: (span, info) => {
        responses.push({ kind: info.kind, outcome: info.outcome, result: info.result });
        span.setAttribute("app.response_seen", info.outcome);
      },
    });
    await runAgent();

    for (const [name, kind] of Object.entries(KIND_OF_SPAN)) {
      const seen = sampled.get(name);
      expect(seen, name).toBeDefined();
      for (const attributes of seen ?? []) {
        expect(attributes["app.tenant"], name).toBe("acme");
        expect(attributes["app.hooked_kind"], name).toBe(kind);
      }
      for (const span of otel.spansNamed(name)) {
        expect(span.attributes["app.tenant"], name).toBe("acme");
        expect(span.attributes["app.response_seen"], name).toBe("ok");
      }
    }
    expect(responses.filter((r) => r.kind === "workflow")).toHaveLength(1);
    expect(responses.filter((r) => r.kind === "node")).toHaveLength(3);
    expect(responses.filter((r) => r.kind === "model")).toHaveLength(2);
    // The tool's result and a node's output are handed to the hook.
    const toolResult = responses.find((r) => r.kind === "tool")?.result as { content?: unknown } | undefined;
    expect(toolResult?.content).toBe("Oslo: 21C");
    const nodeOutput = responses.find((r) => r.kind === "node")?.result as { messages?: unknown[] } | undefined;
    expect(Array.isArray(nodeOutput?.messages)).toBe(true);
  });

  it("throwing hooks are reported through diag and change neither the spans nor the result", async () => {
    const baselineResult = await runAgent();
    const baseline = shape();
    await otel.reset();

    const errors: string[] = [];
    const logger: DiagLogger = {
      // A component logger passes its namespace first, then the message.
      error: (...args: unknown[]) => errors.push(args.filter((a) => typeof a === "string").join(" ")),
      warn: () => {},
      info: () => {},
      debug: () => {},
      verbose: () => {},
    };
    diag.setLogger(logger, DiagLogLevel.ERROR);
    setHooks({
      startSpanHook: () => {
        throw new Error("start hook broke");
      },
      responseHook: () => {
        throw new Error("response hook broke");
      },
    });
    expect(await runAgent()).toEqual(baselineResult);
    expect(shape()).toEqual(baseline);
    for (const kind of ["workflow", "node", "model", "tool"]) {
      for (const hook of ["startSpanHook", "responseHook"]) {
        expect(errors.some((e) => e.includes(`${hook} failed (${kind} span)`)), `${hook} ${kind}`).toBe(true);
      }
    }
  });
});
