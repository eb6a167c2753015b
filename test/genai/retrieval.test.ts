/**
 * A LangChain retriever called in a node gets a `retrieval {retriever}` span under the node
 * (operation `retrieval`, `gen_ai.data_source.id`, the number of documents) and a
 * `gen_ai.retrieval.duration` point; a failing retriever is an error span and an error
 * point. The query and the documents are content: absent with capture off (here).
 */
import { Document } from "@langchain/core/documents";
import { BaseRetriever } from "@langchain/core/retrievers";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import {
  ATTR_GEN_AI_DATA_SOURCE_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_RETRIEVAL_DOCUMENTS,
  ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_LANGGRAPH_RETRIEVAL_DOCUMENT_COUNT,
  METRIC_LANGGRAPH_RETRIEVAL_DURATION,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel } from "../helpers/otel.js";

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

class PolicyRetriever extends BaseRetriever {
  override lc_namespace = ["test", "retrievers"];
  constructor(private readonly failing = false) {
    super();
  }
  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    if (this.failing) throw new RangeError("index offline");
    return [
      new Document({ id: "doc-1", pageContent: `refund policy for ${query}`, metadata: { source: "kb" } }),
      new Document({ id: "doc-2", pageContent: "shipping policy", metadata: { source: "kb" } }),
    ];
  }
}

function ragGraph(retriever: BaseRetriever) {
  const State = Annotation.Root({ question: Annotation<string>, context: Annotation<string[]> });
  return new StateGraph(State)
    .addNode("retrieve", async (state, config) => {
      const documents = await retriever.invoke(state.question, config);
      return { context: documents.map((d) => d.pageContent) };
    })
    .addEdge(START, "retrieve")
    .addEdge("retrieve", END)
    .compile({ name: "rag" });
}

describe("retriever spans", () => {
  it("a retrieval span under the node, with the data source and document count; its duration metric", async () => {
    await ragGraph(new PolicyRetriever()).invoke({ question: "order 42", context: [] });
    const span = otel.span("retrieval PolicyRetriever");
    expect(otel.parentOf(span)?.name).toBe(nodeSpanName("retrieve"));
    expect(span.attributes[ATTR_GEN_AI_OPERATION_NAME]).toBe("retrieval");
    expect(span.attributes[ATTR_GEN_AI_DATA_SOURCE_ID]).toBe("PolicyRetriever");
    expect(span.attributes[ATTR_LANGGRAPH_RETRIEVAL_DOCUMENT_COUNT]).toBe(2);
    expect(span.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe("ok");
    // Content stays out with capture off.
    expect(span.attributes[ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT]).toBeUndefined();
    expect(span.attributes[ATTR_GEN_AI_RETRIEVAL_DOCUMENTS]).toBeUndefined();
    expect(
      await otel.histogramCount(METRIC_LANGGRAPH_RETRIEVAL_DURATION, {
        [ATTR_GEN_AI_DATA_SOURCE_ID]: "PolicyRetriever",
        [ATTR_LANGGRAPH_OUTCOME]: "ok",
      }),
    ).toBe(1);
    expect(genai.handler.retrievers.inFlight()).toBe(0);
  });

  it("a failing retriever: error span with the exception, error point, the same error to the caller", async () => {
    const failure = await ragGraph(new PolicyRetriever(true))
      .invoke({ question: "q", context: [] })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RangeError);
    const span = otel.span("retrieval PolicyRetriever");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events.map((e) => e.name)).toContain("exception");
    expect(
      await otel.histogramCount(METRIC_LANGGRAPH_RETRIEVAL_DURATION, {
        [ATTR_LANGGRAPH_OUTCOME]: "error",
        "error.type": "RangeError",
      }),
    ).toBe(1);
  });
});
