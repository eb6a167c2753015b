// A client process, started under langgraph-otel's register entry: a local graph whose
// nodes call the graph server, one through LangGraph's RemoteGraph (the SDK client) and
// one through fetch. Nothing here touches trace context: the undici instrumentation adds
// `traceparent` to both requests. Prints {"answers":[...]} and exits.
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { RemoteGraph } from "@langchain/langgraph/remote";

const url = process.env.GRAPH_SERVER_URL;
const remote = new RemoteGraph({ graphId: "remote_agent", url, apiKey: "test" });

const State = Annotation.Root({ question: Annotation(), viaRemote: Annotation(), viaFetch: Annotation() });
const caller = new StateGraph(State)
  .addNode("ask_remote_graph", async (state) => {
    const result = await remote.invoke({ question: state.question });
    return { viaRemote: result.answer };
  })
  .addNode("ask_fetch", async (state) => {
    const response = await fetch(`${url}/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question: state.question }),
    });
    const body = await response.json();
    return { viaFetch: body.answer };
  })
  .addEdge(START, "ask_remote_graph")
  .addEdge("ask_remote_graph", "ask_fetch")
  .addEdge("ask_fetch", END)
  .compile({ name: "caller_agent" });

const result = await caller.invoke({ question: "where is my order?" });
console.log(JSON.stringify({ answers: [result.viaRemote, result.viaFetch] }));
