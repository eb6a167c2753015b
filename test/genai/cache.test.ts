/**
 * A ResponseCache hit is marked on the `chat` span of the call it answered, although the
 * lookup runs in the caller's context (where the node span, not the chat span, is active).
 */
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import { ResponseCache } from "../../src/index.js";
import {
  ATTR_LANGGRAPH_CACHE_HIT,
  ATTR_LANGGRAPH_CACHE_NAME,
  ATTR_LANGGRAPH_CACHE_RESULT,
  CACHE_RESULT_HIT,
  CACHE_RESULT_MISS,
  SPAN_CHAT,
} from "../../src/semconv.js";
import { useOtel } from "../helpers/otel.js";

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

const State = Annotation.Root({ question: Annotation<string>, answer: Annotation<string> });

describe("ResponseCache with GenAI spans", () => {
  it("marks the chat span that the cache answered, and the miss before it", async () => {
    const cache = new ResponseCache({ name: "answers" });
    const model = new FakeListChatModel({ responses: ["Paris", "Lyon"], cache });
    const graph = new StateGraph(State)
      .addNode("ask", async (state: typeof State.State) => {
        const message = await model.invoke(state.question);
        return { answer: String(message.content) };
      })
      .addEdge(START, "ask")
      .addEdge("ask", END)
      .compile({ name: "qa" });

    await graph.invoke({ question: "capital of France?" });
    await graph.invoke({ question: "capital of France?" });

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
