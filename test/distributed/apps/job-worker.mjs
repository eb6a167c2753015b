// One worker of a pool, under langgraph-otel's register entry: pulls jobs from a Redis
// list and runs a LangGraph graph per job inside the job's trace context, the one line
// `runWithJobContext(job.trace, ...)`. Exits on a stop job. Prints {"done":[ids]}.
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import Redis from "ioredis";

const { runWithJobContext } = await import(process.env.LANGGRAPH_OTEL_ENTRY);
const redis = new Redis(process.env.REDIS_URL);

const State = Annotation.Root({ ticket: Annotation(), resolution: Annotation() });
const graph = new StateGraph(State)
  .addNode("triage", async (state) => ({ resolution: `triaged ${state.ticket}` }))
  .addEdge(START, "triage")
  .addEdge("triage", END)
  .compile({ name: "job_agent" });

const done = [];
for (;;) {
  const [, raw] = await redis.brpop("jobs", 0);
  const job = JSON.parse(raw);
  if (job.stop) break;
  const result = await runWithJobContext(job.trace, () =>
    graph.invoke(job.input, { configurable: { thread_id: `job-${job.id}` } }),
  );
  await redis.lpush("results", JSON.stringify({ id: job.id, pid: process.pid, resolution: result.resolution }));
  done.push(job.id);
}
await redis.quit();
console.log(JSON.stringify({ done }));
