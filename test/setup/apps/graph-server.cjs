// CommonJS twin of graph-server.mjs (see there): an HTTP service running a LangGraph
// graph per request; APP_SDK=own starts its own NodeSDK, then langgraph-otel.
async function main() {
  if (process.env.APP_SDK === "own") {
    const { NodeSDK } = require("@opentelemetry/sdk-node");
    const { HttpInstrumentation } = require("@opentelemetry/instrumentation-http");
    const { OTLPTraceExporter } = require("@opentelemetry/exporter-trace-otlp-http");
    const { BatchSpanProcessor } = require("@opentelemetry/sdk-trace-base");
    const sdk = new NodeSDK({
      serviceName: "own-sdk-cjs",
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
      instrumentations: [new HttpInstrumentation()],
    });
    sdk.start();
    const { startObservability } = require(process.env.LANGGRAPH_OTEL_ENTRY);
    const otel = startObservability();
    console.log(JSON.stringify({ joined: otel.joined }));
    await otel.ready;
    process.once("beforeExit", async () => {
      await otel.shutdown();
      const { trace } = require("@opentelemetry/api");
      const span = trace.getTracer("probe").startSpan("after-our-shutdown");
      console.log(JSON.stringify({ ourShutdown: "done", tracerStillRegistered: span.isRecording() }));
      span.end();
      await sdk.shutdown();
    });
  }

  const { createServer } = require("node:http");
  const { Annotation, END, START, StateGraph } = require("@langchain/langgraph");
  const State = Annotation.Root({ question: Annotation(), plan: Annotation(), answer: Annotation() });
  const graph = new StateGraph(State)
    .addNode("planner", async (state) => ({ plan: `look up: ${state.question}` }))
    .addNode("responder", async (state) => ({ answer: `answered (${state.plan})` }))
    .addEdge(START, "planner")
    .addEdge("planner", "responder")
    .addEdge("responder", END)
    .compile({ name: "http_agent" });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/quit") {
      res.end("bye");
      server.close();
      return;
    }
    const result = await graph.invoke({ question: url.searchParams.get("q") ?? "?" });
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ answer: result.answer }));
  });
  server.listen(0, "127.0.0.1", () => {
    console.log(JSON.stringify({ listening: server.address().port }));
  });
}
main();
