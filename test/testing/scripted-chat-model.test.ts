import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { type AIMessage, type AIMessageChunk, HumanMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { tool } from "@langchain/core/tools";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";

/** Records what LangChain callbacks see of a model call (what the GenAI handler reads). */
class Recorder extends BaseCallbackHandler {
  name = "recorder";
  startMetadata: Record<string, unknown> | undefined;
  result: LLMResult | undefined;
  override handleChatModelStart(
    _llm: unknown,
    _messages: unknown,
    _runId: string,
    _parentRunId?: string,
    _extra?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    this.startMetadata = metadata;
  }
  override handleLLMEnd(output: LLMResult): void {
    this.result = output;
  }
}

describe("ScriptedChatModel", () => {
  it("answers from its script with tool calls, usage and provider/model metadata", async () => {
    const model = new ScriptedChatModel({
      provider: "acme",
      model: "acme-large",
      script: [
        { toolCalls: [{ name: "lookup", args: { q: "x" }, id: "c1" }], usage: { input: 3, output: 2 } },
        ({ index, messages }) => ({ content: `call ${index} saw ${messages.length}` }),
      ],
    });
    const recorder = new Recorder();
    const first = await model.invoke([new HumanMessage("hi")], { callbacks: [recorder] });
    expect(first.tool_calls).toEqual([{ name: "lookup", args: { q: "x" }, id: "c1", type: "tool_call" }]);
    expect(first.usage_metadata).toEqual({ input_tokens: 3, output_tokens: 2, total_tokens: 5 });
    expect(recorder.startMetadata).toMatchObject({ ls_provider: "acme", ls_model_name: "acme-large" });
    const generation = recorder.result?.generations[0]?.[0] as { message?: AIMessage } | undefined;
    expect(generation?.message?.usage_metadata?.input_tokens).toBe(3);
    expect(first.response_metadata).toMatchObject({ model_name: "acme-large", finish_reason: "tool_calls" });

    const second = await model.invoke([new HumanMessage("a"), new HumanMessage("b")]);
    expect(second.content).toBe("call 1 saw 2");
    await expect(model.invoke([new HumanMessage("c")])).rejects.toThrow(/script exhausted/);
  });

  it("binds tools like a real chat model and shares the script with the bound copy", async () => {
    const lookup = tool(async () => "ok", {
      name: "lookup",
      description: "Looks up.",
      schema: z.object({ q: z.string() }),
    });
    const model = new ScriptedChatModel({ script: [{ content: "one" }, { content: "two" }] });
    const bound = model.bindTools([lookup]);
    expect((await bound.invoke([new HumanMessage("x")])).content).toBe("one");
    expect((await model.invoke([new HumanMessage("y")])).content).toBe("two");
    expect(model.boundToolNames).toEqual([["lookup"], []]);
  });

  it("throws the scripted error value itself", async () => {
    const failure = new Error("rate limited");
    const model = new ScriptedChatModel({ script: [{ error: failure }] });
    await expect(model.invoke([new HumanMessage("x")])).rejects.toBe(failure);
  });

  it("streams a reply in word chunks, with tool calls, usage and finish reason last", async () => {
    const model = new ScriptedChatModel({
      streamChunkWords: 2,
      script: [
        {
          content: "one two three",
          toolCalls: [{ name: "lookup", args: { q: "x" }, id: "c1" }],
          usage: { input: 9, output: 4, cacheRead: 3, reasoning: 1 },
        },
      ],
    });
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await model.stream([new HumanMessage("hi")])) chunks.push(chunk);
    expect(chunks.map((c) => c.content)).toEqual(["one two ", "three", ""]);
    const whole = chunks.reduce((a, b) => a.concat(b));
    expect(whole.tool_calls).toEqual([{ name: "lookup", args: { q: "x" }, id: "c1", type: "tool_call" }]);
    expect(whole.usage_metadata).toMatchObject({
      input_tokens: 9,
      output_tokens: 4,
      input_token_details: { cache_read: 3 },
      output_token_details: { reasoning: 1 },
    });
    expect(whole.response_metadata).toMatchObject({ finish_reason: "tool_calls" });
  });

  it("answers a stream in one chunk unless asked to chunk", async () => {
    const model = new ScriptedChatModel({ script: [{ content: "one two three" }] });
    const chunks: unknown[] = [];
    for await (const chunk of await model.stream([new HumanMessage("hi")])) chunks.push(chunk);
    expect(chunks).toHaveLength(1);
  });

  it("estimates usage unless told not to, and derives tool call ids from the prompt", async () => {
    const script = { content: "12345678", toolCalls: [{ name: "t", args: {} }] };
    const estimating = new ScriptedChatModel({ script: [script, script] });
    const first = await estimating.invoke([new HumanMessage("abcd")]);
    // 4 per message + 1 per 4 characters in; 2 out for the text, 8 + 1 for the call.
    expect(first.usage_metadata).toMatchObject({ input_tokens: 5, output_tokens: 11 });
    expect((await estimating.invoke([new HumanMessage("abcd")])).tool_calls?.[0]?.id).toBe(first.tool_calls?.[0]?.id);
    const silent = new ScriptedChatModel({ estimateUsage: false, script: [{ content: "x" }] });
    expect((await silent.invoke([new HumanMessage("abcd")])).usage_metadata).toBeUndefined();
  });

  it("waits the scripted latency, cut short by an abort, and injects faults", async () => {
    const model = new ScriptedChatModel({ latencyMs: 10_000, loop: true, script: [{ content: "late" }] });
    const controller = new AbortController();
    const pending = model.invoke([new HumanMessage("x")], { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow();

    const overloaded = new Error("503");
    const faulty = new ScriptedChatModel({
      loop: true,
      fault: ({ index }) => (index === 0 ? overloaded : undefined),
      script: ({ index, threadId }) => ({ content: `call ${index} on ${threadId ?? "no thread"}` }),
    });
    await expect(faulty.invoke([new HumanMessage("x")])).rejects.toBe(overloaded);
    expect((await faulty.invoke([new HumanMessage("x")])).content).toBe("call 1 on no thread");
  });
});
