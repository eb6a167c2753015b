/**
 * LangChain `Embeddings` calls get `embeddings {model}` spans (CLIENT, operation
 * `embeddings`, model, provider, vector dimensions) and a `gen_ai.client.operation.duration`
 * point with operation `embeddings`, as the GenAI conventions advise. Embeddings a vector
 * store searches with are found by themselves; others through `instrumentEmbeddings`.
 * `disable()` unwraps every class.
 */
import { Document } from "@langchain/core/documents";
import { Embeddings } from "@langchain/core/embeddings";
import { FakeVectorStore } from "@langchain/core/utils/testing";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { isWrapped } from "@opentelemetry/instrumentation";
import { describe, expect, it } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_EMBEDDINGS_INPUT_COUNT,
  ATTR_LANGGRAPH_OUTCOME,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel } from "../helpers/otel.js";

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

/** Three-dimensional vectors from the text; `embedQuery` goes through `embedDocuments`. */
class AcmeEmbeddings extends Embeddings {
  model = "acme-embed-1";
  failing = false;
  constructor() {
    super({});
  }
  override async embedDocuments(texts: string[]): Promise<number[][]> {
    if (this.failing) throw new RangeError("quota exceeded");
    return texts.map((t) => [t.length, t.charCodeAt(0) || 0, 1]);
  }
  override async embedQuery(text: string): Promise<number[]> {
    const [vector] = await this.embedDocuments([text]);
    return vector ?? [];
  }
}

/** Never passed to instrumentEmbeddings: found through the vector store. */
class OtherEmbeddings extends Embeddings {
  modelName = "other-embed";
  constructor() {
    super({});
  }
  override async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => [t.length, 0]);
  }
  override async embedQuery(text: string): Promise<number[]> {
    return [text.length, 0];
  }
}

function graphCalling(work: (question: string) => Promise<unknown>) {
  const State = Annotation.Root({ question: Annotation<string> });
  return new StateGraph(State)
    .addNode("embed", async (state) => {
      await work(state.question);
      return {};
    })
    .addEdge(START, "embed")
    .addEdge("embed", END)
    .compile({ name: "indexer" });
}

describe("embeddings spans", () => {
  it("an embeddings call in a node: one span under the node (not one per inner call) and a duration point", async () => {
    genai.instrumentEmbeddings(AcmeEmbeddings);
    const embeddings = new AcmeEmbeddings();
    await graphCalling(async (q) => {
      await embeddings.embedQuery(q);
      await embeddings.embedDocuments([q, `${q}!`]);
    }).invoke({ question: "refunds" });

    const spans = otel.spansNamed("embeddings acme-embed-1");
    expect(spans).toHaveLength(2);
    const [query, documents] = spans;
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(otel.parentOf(span)?.name).toBe(nodeSpanName("embed"));
      expect(span.attributes[ATTR_GEN_AI_OPERATION_NAME]).toBe("embeddings");
      expect(span.attributes[ATTR_GEN_AI_REQUEST_MODEL]).toBe("acme-embed-1");
      expect(span.attributes[ATTR_GEN_AI_PROVIDER_NAME]).toBe("acme");
      expect(span.attributes[ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]).toBe(3);
      expect(span.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe("indexer");
      expect(span.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe("ok");
    }
    expect(query!.attributes[ATTR_LANGGRAPH_EMBEDDINGS_INPUT_COUNT]).toBe(1);
    expect(documents!.attributes[ATTR_LANGGRAPH_EMBEDDINGS_INPUT_COUNT]).toBe(2);
    expect(
      await otel.histogramCount(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
        [ATTR_GEN_AI_OPERATION_NAME]: "embeddings",
        [ATTR_GEN_AI_REQUEST_MODEL]: "acme-embed-1",
        [ATTR_GEN_AI_PROVIDER_NAME]: "acme",
      }),
    ).toBe(2);
  });

  it("a failing call: error span, error point with error.type, the same error to the caller", async () => {
    genai.instrumentEmbeddings(AcmeEmbeddings);
    const embeddings = new AcmeEmbeddings();
    embeddings.failing = true;
    const failure = await embeddings.embedQuery("q").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RangeError);
    const span = otel.span("embeddings acme-embed-1");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR_ERROR_TYPE]).toBe("RangeError");
    expect(
      await otel.histogramCount(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
        [ATTR_GEN_AI_OPERATION_NAME]: "embeddings",
        [ATTR_ERROR_TYPE]: "RangeError",
      }),
    ).toBe(1);
  });

  it("embeddings a vector store searches with are traced with no registration", async () => {
    const store = new FakeVectorStore(new OtherEmbeddings());
    await store.addDocuments([new Document({ pageContent: "refund policy" }), new Document({ pageContent: "shipping" })]);
    const retriever = store.asRetriever(1);
    await graphCalling((q) => retriever.invoke(q)).invoke({ question: "refunds" });
    const span = otel.span("embeddings other-embed");
    expect(span.attributes[ATTR_GEN_AI_REQUEST_MODEL]).toBe("other-embed");
    expect(span.attributes[ATTR_GEN_AI_PROVIDER_NAME]).toBe("other");
    expect(span.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe("indexer");
    // Once seen, the class is traced wherever it is called.
    await store.addDocuments([new Document({ pageContent: "returns" })]);
    expect(otel.spansNamed("embeddings other-embed")).toHaveLength(2);
  });

  it("disable() unwraps the embeddings classes; enable() wraps the registered ones again", async () => {
    genai.instrumentEmbeddings(AcmeEmbeddings);
    expect(isWrapped(AcmeEmbeddings.prototype.embedQuery)).toBe(true);
    genai.disable();
    try {
      expect(isWrapped(AcmeEmbeddings.prototype.embedQuery)).toBe(false);
      expect(isWrapped(AcmeEmbeddings.prototype.embedDocuments)).toBe(false);
      expect(isWrapped(OtherEmbeddings.prototype.embedQuery)).toBe(false);
      await new AcmeEmbeddings().embedQuery("untraced");
      expect(otel.spansNamed(/^embeddings/)).toHaveLength(0);
    } finally {
      genai.enable();
      await genai.ready;
    }
    expect(isWrapped(AcmeEmbeddings.prototype.embedQuery)).toBe(true);
  });
});
