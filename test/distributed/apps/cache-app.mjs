// One replica of an app with a two-tier response cache, under langgraph-otel's register
// entry: an in-process ResponseCache (tier `local`) in front of a SharedResponseCache on
// Redis (tier `shared`) that every replica reads. Its model answers "<APP_NAME> says ...",
// so an answer that names another replica came from the shared tier.
// Asks each QUESTIONS entry (|-separated) in turn, then prints
// {"answers":[...],"requests":[{tier,result,errorType,value}]}, the cache counters read
// from its own /metrics.
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import Redis from "ioredis";

const { ResponseCache, SharedResponseCache, TieredCache } = await import(process.env.LANGGRAPH_OTEL_ENTRY);

// Fail fast while Redis is away instead of queueing commands; the cache's deadline and
// cool-down bound the rest.
const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
redis.on("error", () => {});
// Without the offline queue, commands sent before the connection is up fail: start
// serving once it is up (or known to be down).
await new Promise((done) => {
  redis.once("ready", done);
  redis.once("error", done);
});
const cache = new TieredCache([
  new ResponseCache({ name: "answers" }),
  new SharedResponseCache({ client: redis, name: "answers", ttlMs: 60_000 }),
]);
const questions = process.env.QUESTIONS.split("|");
// The same model configuration in every replica (the cache key covers it), whatever it answers.
class ReplicaModel extends FakeListChatModel {
  _identifyingParams() {
    return { model: "support-model" };
  }
}
const model = new ReplicaModel({
  responses: questions.map((q) => `${process.env.APP_NAME} says: about "${q}"`),
  cache,
});

const State = Annotation.Root({ question: Annotation(), answer: Annotation() });
const graph = new StateGraph(State)
  .addNode("respond", async (state) => ({ answer: String((await model.invoke(state.question)).content) }))
  .addEdge(START, "respond")
  .addEdge("respond", END)
  .compile({ name: "cached_agent" });

const answers = [];
for (const question of questions) answers.push((await graph.invoke({ question })).answer);

const scrape = await (await fetch(`http://127.0.0.1:${process.env.OTEL_EXPORTER_PROMETHEUS_PORT}/metrics`)).text();
const requests = scrape
  .split("\n")
  .filter((line) => line.startsWith("langgraph_cache_requests_total{"))
  .map((line) => {
    const label = (name) => new RegExp(`${name}="([^"]*)"`).exec(line)?.[1];
    return {
      tier: label("langgraph_cache_tier"),
      result: label("langgraph_cache_result"),
      errorType: label("error_type"),
      value: Number(line.slice(line.lastIndexOf(" ") + 1)),
    };
  });
redis.disconnect();
console.log(JSON.stringify({ answers, requests }));
