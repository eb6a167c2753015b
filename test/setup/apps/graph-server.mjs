// An HTTP service that runs a LangGraph graph per request. It knows nothing of
// OpenTelemetry unless APP_SDK=own: then it starts its own NodeSDK (HTTP instrumentation,
// traces over OTLP) first and calls langgraph-otel's startObservability() after it,
// the way an app with an existing OTel setup adds us.
// Prints {"listening":port}; GET /run?q=.. runs the graph, GET /quit closes the server.
if (process.env.APP_SDK === "own") {
  // What OTel's docs have an ESM app do before starting its SDK (node:http is imported).
  const { register } = await import("node:module");
  register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);
  const { NodeSDK } = await import("@opentelemetry/sdk-node");
  const { HttpInstrumentation } = await import("@opentelemetry/instrumentation-http");
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
  const { BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const sdk = new NodeSDK({
    serviceName: "own-sdk-esm",
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
    instrumentations: [new HttpInstrumentation()],
  });
  sdk.start();
  const { startObservability } = await import(process.env.LANGGRAPH_OTEL_ENTRY);
  const otel = startObservability();
  console.log(JSON.stringify({ joined: otel.joined }));
  await otel.ready;
  process.once("beforeExit", async () => {
    await otel.shutdown();
    // After our shutdown the app's SDK must still record: a span started now is real.
    const { trace } = await import("@opentelemetry/api");
    const span = trace.getTracer("probe").startSpan("after-our-shutdown");
    console.log(JSON.stringify({ ourShutdown: "done", tracerStillRegistered: span.isRecording() }));
    span.end();
    await sdk.shutdown();
  });
}

const { createServer } = await import("node:http");
const { Annotation, END, START, StateGraph } = await import("@langchain/langgraph");

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
