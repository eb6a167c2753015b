import { HumanMessage } from "@langchain/core/messages";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import {
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_USAGE_COST,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_COST_SOURCE,
  COST_SOURCE_BUILTIN,
  COST_SOURCE_GENAI_PRICES,
  COST_SOURCE_PROVIDER,
  COST_SOURCE_USER,
  METRIC_LANGGRAPH_LLM_COST,
  METRIC_LANGGRAPH_LLM_COST_UNPRICED,
} from "../../src/semconv.js";
import { ScriptedChatModel, type ScriptedReply } from "../../src/testing/scripted-chat-model.js";
import { useOtel } from "../helpers/otel.js";

// A negotiated price for a model the maintained source also lists: the user's wins.
const genai = new GenAIInstrumentation({
  enabled: false,
  prices: { "gpt-4.1-nano": { input: 0.01, output: 0.02 }, "acme-large": { input: 4, output: 16 } },
});
const otel = useOtel({ instrumentations: [genai] });

async function callOnce(provider: string, model: string, reply: ScriptedReply, workflow: string, estimateUsage = true) {
  const chat = new ScriptedChatModel({ provider, model, script: [reply], estimateUsage });
  const State = Annotation.Root({ n: Annotation<number> });
  await new StateGraph(State)
    .addNode("llm", async () => {
      await chat.invoke([new HumanMessage("hi")]);
      return { n: 1 };
    })
    .addEdge(START, "llm")
    .addEdge("llm", END)
    .compile({ name: workflow })
    .invoke({ n: 0 });
  return otel.span(`chat ${model}`);
}

describe("cost sources, in order of precedence", () => {
  it("takes a cost the provider reported itself (OpenRouter's usage.cost) over every price", async () => {
    const span = await callOnce(
      "openrouter",
      "openai/gpt-4o",
      { content: "x", usage: { input: 1000, output: 100 }, responseMetadata: { usage: { cost: 0.0123 } } },
      "provider-cost",
    );
    expect(span.attributes[ATTR_GEN_AI_USAGE_COST]).toBe(0.0123);
    expect(span.attributes[ATTR_LANGGRAPH_COST_SOURCE]).toBe(COST_SOURCE_PROVIDER);
    expect(
      await otel.counterValue(METRIC_LANGGRAPH_LLM_COST, {
        [ATTR_GEN_AI_REQUEST_MODEL]: "openai/gpt-4o",
        [ATTR_GEN_AI_WORKFLOW_NAME]: "provider-cost",
        [ATTR_LANGGRAPH_COST_SOURCE]: COST_SOURCE_PROVIDER,
      }),
    ).toBe(0.0123);
  });

  it("reads the provider's cost from a streamed answer too", async () => {
    const chat = new ScriptedChatModel({
      provider: "openrouter",
      model: "anthropic/claude-sonnet-4",
      streamChunkWords: 1,
      script: [{ content: "one two three", usage: { input: 10, output: 3 }, responseMetadata: { usage: { cost: 0.5 } } }],
    });
    const State = Annotation.Root({ n: Annotation<number> });
    await new StateGraph(State)
      .addNode("llm", async () => {
        for await (const _chunk of await chat.stream([new HumanMessage("hi")])) {
          // read to the end
        }
        return { n: 1 };
      })
      .addEdge(START, "llm")
      .addEdge("llm", END)
      .compile({ name: "streamed" })
      .invoke({ n: 0 });
    const span = otel.span("chat anthropic/claude-sonnet-4");
    expect(span.attributes[ATTR_GEN_AI_REQUEST_STREAM]).toBe(true);
    expect(span.attributes[ATTR_GEN_AI_USAGE_COST]).toBe(0.5);
    expect(span.attributes[ATTR_LANGGRAPH_COST_SOURCE]).toBe(COST_SOURCE_PROVIDER);
  });

  it("takes the user's negotiated price over the maintained source", async () => {
    const span = await callOnce("openai", "gpt-4.1-nano", { content: "x", usage: { input: 1000, output: 500 } }, "user");
    expect(span.attributes[ATTR_GEN_AI_USAGE_COST]).toBeCloseTo((1000 * 0.01 + 500 * 0.02) / 1e6, 15);
    expect(span.attributes[ATTR_LANGGRAPH_COST_SOURCE]).toBe(COST_SOURCE_USER);
  });

  it("matches a user price to the model's dated snapshots", async () => {
    const span = await callOnce("acme", "acme-large-2026-01", { content: "x", usage: { input: 1000, output: 500 } }, "snap");
    expect(span.attributes[ATTR_GEN_AI_USAGE_COST]).toBeCloseTo((1000 * 4 + 500 * 16) / 1e6, 12);
    expect(span.attributes[ATTR_LANGGRAPH_COST_SOURCE]).toBe(COST_SOURCE_USER);
  });

  it("prices a listed model from @pydantic/genai-prices", async () => {
    const span = await callOnce("openai", "gpt-4o-mini", { content: "x", usage: { input: 1200, output: 300 } }, "listed");
    // gpt-4o-mini: $0.15 / $0.60 per million input / output tokens.
    expect(span.attributes[ATTR_GEN_AI_USAGE_COST]).toBeCloseTo((1200 * 0.15 + 300 * 0.6) / 1e6, 15);
    expect(span.attributes[ATTR_LANGGRAPH_COST_SOURCE]).toBe(COST_SOURCE_GENAI_PRICES);
  });

  it("applies the maintained source's context-length band and cached-input price", async () => {
    // gemini-2.5-pro above 200k prompt tokens: $2.50 input, $0.25 cached input, $15 output
    // (below: $1.25, $0.125, $10), the whole call at the band's rates.
    const long = await callOnce(
      "google_genai",
      "gemini-2.5-pro",
      { content: "x", usage: { input: 300_000, cacheRead: 100_000, output: 1000 } },
      "long-context",
    );
    expect(long.attributes[ATTR_GEN_AI_USAGE_COST]).toBeCloseTo(
      (200_000 * 2.5 + 100_000 * 0.25 + 1000 * 15) / 1e6,
      12,
    );
    expect(long.attributes[ATTR_LANGGRAPH_COST_SOURCE]).toBe(COST_SOURCE_GENAI_PRICES);
    await otel.reset();
    const short = await callOnce(
      "google_genai",
      "gemini-2.5-pro",
      { content: "x", usage: { input: 100_000, cacheRead: 50_000, output: 1000 } },
      "short-context",
    );
    expect(short.attributes[ATTR_GEN_AI_USAGE_COST]).toBeCloseTo((50_000 * 1.25 + 50_000 * 0.125 + 1000 * 10) / 1e6, 12);
  });

  it("falls back to the built-in table for a provider the maintained source does not list", async () => {
    const span = await callOnce("acme-gateway", "gpt-4.1-mini", { content: "x", usage: { input: 1000, output: 1000 } }, "gw");
    expect(span.attributes[ATTR_GEN_AI_USAGE_COST]).toBeCloseTo((1000 * 0.4 + 1000 * 1.6) / 1e6, 15);
    expect(span.attributes[ATTR_LANGGRAPH_COST_SOURCE]).toBe(COST_SOURCE_BUILTIN);
  });

  it("gives an unknown model no cost and counts the call as unpriced", async () => {
    const span = await callOnce("ollama", "my-private-llm", { content: "x", usage: { input: 100, output: 10 } }, "local");
    expect(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(100);
    expect(ATTR_GEN_AI_USAGE_COST in span.attributes).toBe(false);
    expect(ATTR_LANGGRAPH_COST_SOURCE in span.attributes).toBe(false);
    expect(await otel.metricPoints(METRIC_LANGGRAPH_LLM_COST, { [ATTR_GEN_AI_REQUEST_MODEL]: "my-private-llm" })).toEqual(
      [],
    );
    expect(
      await otel.counterValue(METRIC_LANGGRAPH_LLM_COST_UNPRICED, {
        [ATTR_GEN_AI_REQUEST_MODEL]: "my-private-llm",
        [ATTR_GEN_AI_PROVIDER_NAME]: "ollama",
        [ATTR_GEN_AI_WORKFLOW_NAME]: "local",
      }),
    ).toBe(1);
  });

  it("does not count a call without token usage as unpriced", async () => {
    await callOnce("ollama", "silent-llm", { content: "x" }, "silent", false);
    expect(await otel.metricPoints(METRIC_LANGGRAPH_LLM_COST_UNPRICED, {})).toEqual([]);
  });
});

describe("replaceDefaultPrices", () => {
  it("prices only from the user's table (and the provider's own figure)", async () => {
    const only = new GenAIInstrumentation({ enabled: false, prices: {}, replaceDefaultPrices: true });
    only.setTracerProvider(otel.tracerProvider);
    only.setMeterProvider(otel.meterProvider);
    genai.disable();
    only.enable();
    try {
      await only.ready;
      const span = await callOnce("openai", "gpt-4o-mini", { content: "x", usage: { input: 10, output: 10 } }, "only");
      expect(ATTR_GEN_AI_USAGE_COST in span.attributes).toBe(false);
    } finally {
      only.disable();
      genai.enable();
      await genai.ready;
    }
  });
});
