// A small LangGraph agent that knows nothing about OpenTelemetry or langgraph-otel.
// It gets telemetry only from the command line:
//   node --import langgraph-otel/register examples/unmodified/agent.mjs
// Knobs (for demos and tests): AGENT_RUNS (default 1), AGENT_DELAY_MS between runs
// (default 0), AGENT_NODE_MS spent in each node (default 10), AGENT_EXIT_CODE (default 0).
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const runs = Number(process.env.AGENT_RUNS ?? 1);
const delayMs = Number(process.env.AGENT_DELAY_MS ?? 0);
const nodeMs = Number(process.env.AGENT_NODE_MS ?? 10);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const State = Annotation.Root({
  question: Annotation(),
  plan: Annotation(),
  answer: Annotation(),
});

const graph = new StateGraph(State)
  .addNode("planner", async (state) => {
    await sleep(nodeMs);
    return { plan: `look up: ${state.question}` };
  })
  .addNode("responder", async (state) => {
    await sleep(nodeMs);
    return { answer: `answered (${state.plan})` };
  })
  .addEdge(START, "planner")
  .addEdge("planner", "responder")
  .addEdge("responder", END)
  .compile({ name: "unmodified_agent" });

for (let i = 1; i <= runs; i++) {
  const result = await graph.invoke({ question: `question ${i}` });
  console.log(JSON.stringify({ run: i, answer: result.answer }));
  if (i < runs) await sleep(delayMs);
}
process.exitCode = Number(process.env.AGENT_EXIT_CODE ?? 0);
