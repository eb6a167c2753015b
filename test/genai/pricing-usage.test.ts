import { AIMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { costOf, DEFAULT_MODEL_PRICES, findPrice, userPriceTable } from "../../src/genai/pricing.js";
import { readModelResponse } from "../../src/genai/usage.js";

describe("price table", () => {
  it("matches exact names, dated snapshots and provider paths; the longest key wins", () => {
    const table = DEFAULT_MODEL_PRICES;
    expect(findPrice(table, "gpt-4o")).toBe(DEFAULT_MODEL_PRICES["gpt-4o"]);
    expect(findPrice(table, "gpt-4o-2024-08-06")).toBe(DEFAULT_MODEL_PRICES["gpt-4o"]);
    expect(findPrice(table, "gpt-4o-mini-2024-07-18")).toBe(DEFAULT_MODEL_PRICES["gpt-4o-mini"]);
    expect(findPrice(table, "openai/GPT-4o-mini")).toBe(DEFAULT_MODEL_PRICES["gpt-4o-mini"]);
    expect(findPrice(table, "claude-sonnet-4-5-20250929")).toBe(DEFAULT_MODEL_PRICES["claude-sonnet-4-5"]);
    expect(findPrice(table, "models/gemini-2.5-flash")).toBe(DEFAULT_MODEL_PRICES["gemini-2.5-flash"]);
    // A prefix that is not at a snapshot boundary is another model.
    expect(findPrice(table, "gpt-4oz")).toBeUndefined();
    expect(findPrice(table, "o3x")).toBeUndefined();
    expect(findPrice(table, "unknown-model")).toBeUndefined();
    expect(findPrice(table, undefined)).toBeUndefined();
  });

  it("takes the user's prices by lower-cased name and ignores invalid ones", () => {
    const table = userPriceTable({
      "gpt-4o": { input: 1, output: 2 },
      "My-Model": { input: 3, output: 4 },
      bad: { input: -1, output: 1 },
    });
    expect(findPrice(table, "gpt-4o")).toEqual({ input: 1, output: 2 });
    expect(findPrice(table, "my-model")).toEqual({ input: 3, output: 4 });
    expect(findPrice(table, "bad")).toBeUndefined();
    expect(Object.keys(table)).toEqual(["gpt-4o", "my-model"]);
  });

  it("charges cache reads and writes at their rates; no usage means no cost", () => {
    const price = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 };
    const cost = costOf(price, { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 600, cacheCreationTokens: 200 });
    expect(cost).toBeCloseTo((200 * 3 + 600 * 0.3 + 200 * 3.75 + 100 * 15) / 1e6, 12);
    expect(costOf({ input: 2, output: 8 }, { inputTokens: 10, outputTokens: 0, cacheReadTokens: 10 })).toBeCloseTo(20 / 1e6, 12);
    expect(costOf(price, {})).toBeUndefined();
    expect(costOf(price, { inputTokens: 0, outputTokens: 0 })).toBe(0);
  });
});

describe("readModelResponse", () => {
  it("reads usage_metadata with details, finish reasons and the response model", () => {
    const message = new AIMessage({
      content: "hi",
      id: "resp-1",
      usage_metadata: {
        input_tokens: 10,
        output_tokens: 5,
        total_tokens: 15,
        input_token_details: { cache_read: 4, cache_creation: 2 },
        output_token_details: { reasoning: 3 },
      },
      response_metadata: { model_name: "gpt-4o-2024-08-06", finish_reason: "stop" },
    });
    const info = readModelResponse({ generations: [[{ text: "hi", message }]] });
    expect(info.usage).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      cacheReadTokens: 4,
      cacheCreationTokens: 2,
      reasoningTokens: 3,
    });
    expect(info.finishReasons).toEqual(["stop"]);
    expect(info.responseModel).toBe("gpt-4o-2024-08-06");
    expect(info.responseId).toBe("resp-1");
  });

  it("reads a cost the provider reported (usage.cost, token_usage.cost), summed; junk is no cost", () => {
    const withCost = (meta: Record<string, unknown>) =>
      new AIMessage({ content: "x", response_metadata: meta });
    const info = readModelResponse({
      generations: [
        [
          { text: "x", message: withCost({ usage: { cost: 0.25, prompt_tokens: 3 } }) },
          { text: "x", message: withCost({ token_usage: { cost: 0.5 } }) },
        ],
      ],
    });
    expect(info.providerCost).toBe(0.75);
    for (const junk of [{ usage: { cost: -1 } }, { usage: { cost: "0.1" } }, { usage: { cost: Number.NaN } }, {}]) {
      expect(readModelResponse({ generations: [[{ text: "x", message: withCost(junk) }]] }).providerCost).toBeUndefined();
    }
  });

  it("falls back to llmOutput.tokenUsage and tolerates junk", () => {
    const info = readModelResponse({
      generations: [[{ text: "x", generationInfo: { finish_reason: "length" } }]],
      llmOutput: { tokenUsage: { promptTokens: 7, completionTokens: 2 } },
    });
    expect(info.usage).toEqual({ inputTokens: 7, outputTokens: 2 });
    expect(info.finishReasons).toEqual(["length"]);
    expect(readModelResponse(undefined).usage).toEqual({});
    expect(readModelResponse({ generations: "nope" }).messages).toEqual([]);
  });
});
