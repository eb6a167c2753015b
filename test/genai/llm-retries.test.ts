/**
 * LangChain retries a failing model call by itself (the chat model's `maxRetries`, 6 by
 * default), inside the provider, where node retry policies and our withRetry never see
 * it. Each hidden retry becomes a `langgraph.llm.retry` event on the chat span (attempt
 * number, the previous attempt's error type) and a `langgraph.llm.retries` count.
 */
import { HumanMessage } from "@langchain/core/messages";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import { EVENT_LANGGRAPH_LLM_RETRY, METRIC_LANGGRAPH_LLM_RETRIES } from "../../src/semconv.js";
import { useOtel } from "../helpers/otel.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

/** A transient provider failure (no status LangChain refuses to retry). */
class UpstreamError extends Error {
  override name = "UpstreamError";
}

/** Fails the first `failures` attempts of each call through LangChain's own retrying caller. */
class FlakyProviderModel extends ScriptedChatModel {
  private attempts = 0;
  failures = 2;
  override async _generate(...args: Parameters<ScriptedChatModel["_generate"]>) {
    return this.caller.call(async () => {
      this.attempts++;
      if (this.attempts <= this.failures) throw new UpstreamError("upstream reset");
      return super._generate(...args);
    });
  }
}

describe("LangChain's hidden model retries", () => {
  it("a call that fails twice inside LangChain: two retry events on its chat span, two counted", async () => {
    const model = new FlakyProviderModel({ provider: "openai", model: "gpt-4o", loop: true, script: [{ content: "ok" }] });
    const State = Annotation.Root({ n: Annotation<number> });
    const graph = new StateGraph(State)
      .addNode("ask", async (_s, config) => {
        await model.invoke([new HumanMessage("hi")], config);
        return { n: 1 };
      })
      .addEdge(START, "ask")
      .addEdge("ask", END)
      .compile({ name: "flaky" });
    await graph.invoke({ n: 0 });

    const chat = otel.span("chat gpt-4o");
    const retries = chat.events.filter((e) => e.name === EVENT_LANGGRAPH_LLM_RETRY);
    expect(retries.map((e) => e.attributes?.["langgraph.llm.attempt"])).toEqual([2, 3]);
    expect(retries.map((e) => e.attributes?.["error.type"])).toEqual(["UpstreamError", "UpstreamError"]);
    expect(
      await otel.counterValue(METRIC_LANGGRAPH_LLM_RETRIES, {
        "gen_ai.request.model": "gpt-4o",
        "error.type": "UpstreamError",
      }),
    ).toBe(2);
  }, 30_000);
});
