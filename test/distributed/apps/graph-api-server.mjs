// An HTTP service that runs a LangGraph graph per request, started under langgraph-otel's
// register entry and otherwise unaware of OpenTelemetry. Two routes:
//  - POST /runs/stream: the LangGraph API route RemoteGraph (through the SDK client) calls;
//    answers with server-sent `values` events, as the LangGraph server does.
//  - POST /run: plain JSON in, JSON out, for a fetch client.
// Prints {"listening":port}; GET /quit closes the server (the process then exits and the
// register entry flushes its spans).
import { createServer } from "node:http";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({ question: Annotation(), answer: Annotation() });
const graph = new StateGraph(State)
  .addNode("responder", async (state) => ({ answer: `remote answer to ${state.question}` }))
  .addEdge(START, "responder")
  .addEdge("responder", END)
  .compile({ name: "remote_agent" });

async function readJson(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return JSON.parse(body || "{}");
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  try {
    if (url.pathname === "/quit") {
      res.end("bye");
      server.close();
      server.closeAllConnections();
      return;
    }
    if (req.method === "POST" && url.pathname === "/runs/stream") {
      const payload = await readJson(req);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`event: metadata\ndata: ${JSON.stringify({ run_id: "run-1" })}\n\n`);
      for await (const values of await graph.stream(payload.input, { streamMode: "values" })) {
        res.write(`event: values\ndata: ${JSON.stringify(values)}\n\n`);
      }
      res.end();
      return;
    }
    if (req.method === "POST" && url.pathname === "/run") {
      const payload = await readJson(req);
      const result = await graph.invoke({ question: payload.question });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ answer: result.answer, traceparent: req.headers.traceparent ?? null }));
      return;
    }
    res.statusCode = 404;
    res.end();
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
});
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ listening: server.address().port }));
});
