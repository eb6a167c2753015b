/**
 * The provider's own code runs with the `chat` span active, so an HTTP client span made
 * there (fetch/undici/http instrumentations) nests under `chat {model}`, not beside it:
 * for invoke (`_generate`) and for streaming (`_streamResponseChunks`). The model makes a
 * real request to a local server; an HTTP instrumentation parents its client span on the
 * span active there, which is what the test reads (before: the node span).
 */
import { request, createServer, type Server } from "node:http";
import { HumanMessage } from "@langchain/core/messages";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import { nodeSpanName, useOtel } from "../helpers/otel.js";
import { StreamingScriptedModel } from "./_model.js";

const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** The span active where a provider would make its HTTP call, and a real request from there. */
const seen: string[] = [];
function callProvider(): Promise<void> {
  const active = trace.getActiveSpan() as unknown as { name?: string } | undefined;
  seen.push(active?.name ?? "(none)");
  return new Promise((done, fail) => {
    request({ host: "127.0.0.1", port, path: "/v1/chat" }, (res) => {
      res.resume();
      res.on("end", () => done());
    })
      .on("error", fail)
      .end();
  });
}

class HttpModel extends StreamingScriptedModel {
  override async _generate(...args: Parameters<StreamingScriptedModel["_generate"]>) {
    await callProvider();
    return super._generate(...args);
  }
  override async *_streamResponseChunks(...args: Parameters<StreamingScriptedModel["_streamResponseChunks"]>) {
    await callProvider();
    yield* super._streamResponseChunks(...args);
  }
}

function graph(stream: boolean) {
  const model = new HttpModel({ model: "gpt-4o", answers: ["hi there"], usage: { input: 3, output: 2 } });
  const State = Annotation.Root({ n: Annotation<number> });
  return new StateGraph(State)
    .addNode("ask", async (_s, config) => {
      if (stream) for await (const _chunk of await model.stream([new HumanMessage("hi")], config)) void _chunk;
      else await model.invoke([new HumanMessage("hi")], config);
      return { n: 1 };
    })
    .addEdge(START, "ask")
    .addEdge("ask", END)
    .compile({ name: "provider" });
}

describe("the chat span is the provider's context", () => {
  for (const stream of [false, true]) {
    it(`${stream ? "stream" : "invoke"}: the provider code sees chat as its active span`, async () => {
      seen.length = 0;
      await graph(stream).invoke({ n: 0 });
      expect(seen).toEqual(["chat gpt-4o"]);
      const chat = otel.span("chat gpt-4o");
      expect(otel.parentOf(chat)?.name).toBe(nodeSpanName("ask"));
    });
  }

  it("disable() unwraps every class it wrapped", async () => {
    genai.disable();
    try {
      expect(Object.hasOwn(HttpModel.prototype, "_generate")).toBe(true);
      const isWrapped = (fn: unknown) => typeof fn === "function" && "__wrapped" in fn;
      expect(isWrapped(HttpModel.prototype._generate)).toBe(false);
      expect(isWrapped(HttpModel.prototype._streamResponseChunks)).toBe(false);
    } finally {
      genai.enable();
    }
  });
});
