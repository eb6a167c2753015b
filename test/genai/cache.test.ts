/**
 * A ResponseCache hit is marked on the `chat` span of the call it answered, although the
 * lookup runs in the caller's context (where the node span, not the chat span, is active).
 */
import { type BaseCache, InMemoryCache } from "@langchain/core/caches";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import { ResponseCache } from "../../src/index.js";
import {
  ATTR_LANGGRAPH_CACHE_HIT,
  ATTR_LANGGRAPH_CACHE_NAME,
  ATTR_LANGGRAPH_CACHE_RESULT,
  ATTR_LANGGRAPH_LLM_CACHED,
  CACHE_RESULT_HIT,
  CACHE_RESULT_MISS,
  METRIC_LANGGRAPH_CACHE_REQUESTS,
  SPAN_CHAT,
} from "../../src/semconv.js";
import { useOtel } from "../helpers/otel.js";

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

const State = Annotation.Root({ question: Annotation<string>, answer: Annotation<string> });

/** Asks the same question twice through a graph whose node calls a model with `cache`; the answers. */
async function askTwice(cache: BaseCache, responses: string[]): Promise<string[]> {
  const model = new FakeListChatModel({ responses, cache });
  const graph = new StateGraph(State)
    .addNode("ask", async (state: typeof State.State) => {
      const message = await model.invoke(state.question);
      return { answer: String(message.content) };
    })
    .addEdge(START, "ask")
    .addEdge("ask", END)
    .compile({ name: "qa" });
  const answers: string[] = [];
  for (let i = 0; i < 2; i++) answers.push((await graph.invoke({ question: "capital of France?" })).answer);
  return answers;
}

describe("any LangChain BaseCache", () => {
  it("counts hits and misses under the cache's class name; the hit's chat span says cached", async () => {
    expect(await askTwice(new InMemoryCache(), ["Paris", "Lyon"])).toEqual(["Paris", "Paris"]);

    const named = { [ATTR_LANGGRAPH_CACHE_NAME]: "InMemoryCache" };
    expect(
      await otel.counterValue(METRIC_LANGGRAPH_CACHE_REQUESTS, { ...named, [ATTR_LANGGRAPH_CACHE_RESULT]: CACHE_RESULT_MISS }),
    ).toBe(1);
    expect(
      await otel.counterValue(METRIC_LANGGRAPH_CACHE_REQUESTS, { ...named, [ATTR_LANGGRAPH_CACHE_RESULT]: CACHE_RESULT_HIT }),
    ).toBe(1);
    const chats = otel.spans().filter((span) => span.name.startsWith(SPAN_CHAT));
    expect(chats.map((s) => s.attributes[ATTR_LANGGRAPH_LLM_CACHED])).toEqual([undefined, true]);
    // LangChain ends a hit's chat span before the lookups are known; the miss's span, which
    // ends after, carries the lookup.
    expect(chats[0]!.attributes[ATTR_LANGGRAPH_CACHE_RESULT]).toBe(CACHE_RESULT_MISS);
  });

  it("leaves our own caches to count themselves (no double count)", async () => {
    await askTwice(new ResponseCache({ name: "ours" }), ["Paris"]);
    expect(await otel.counterValue(METRIC_LANGGRAPH_CACHE_REQUESTS)).toBe(2);
  });
});

describe("ResponseCache with GenAI spans", () => {
  it("marks the chat span that the cache answered, and the miss before it", async () => {
    await askTwice(new ResponseCache({ name: "answers" }), ["Paris", "Lyon"]);

    const chats = otel.spans().filter((span) => span.name.startsWith(SPAN_CHAT));
    expect(chats).toHaveLength(2);
    expect(chats.map((s) => s.attributes[ATTR_LANGGRAPH_CACHE_RESULT])).toEqual([
      CACHE_RESULT_MISS,
      CACHE_RESULT_HIT,
    ]);
    expect(chats[1]!.attributes[ATTR_LANGGRAPH_CACHE_HIT]).toBe(true);
    expect(chats[1]!.attributes[ATTR_LANGGRAPH_CACHE_NAME]).toBe("answers");
  });
});
