// A pure ES module app: one graph run right after setup, then it reports which CommonJS
// copies of @langchain packages the process loaded (a pure-ESM app should load none).
// PROBE_SETUP: path of langgraph-otel's ESM entry to call startObservability() from,
// without awaiting `ready` (unset: the register entry does the setup).
import { createRequire } from "node:module";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const setup = process.env.PROBE_SETUP ? await import(process.env.PROBE_SETUP) : undefined;
const otel = setup?.startObservability();

const State = Annotation.Root({
  log: Annotation({ reducer: (a, b) => a.concat(b), default: () => [] }),
});
const graph = new StateGraph(State)
  .addNode("first", async () => ({ log: ["first"] }))
  .addNode("second", async () => ({ log: ["second"] }))
  .addEdge(START, "first")
  .addEdge("first", "second")
  .addEdge("second", END)
  .compile({ name: "esm_probe" });

const result = await graph.invoke({});
const cjsLangChain = Object.keys(createRequire(import.meta.url).cache).filter((path) =>
  path.includes(`${"/node_modules/@langchain/"}`),
);
console.log(JSON.stringify({ log: result.log, cjsLangChainModules: cjsLangChain.length }));
await otel?.shutdown();
