// A CommonJS app: one graph run, printed as JSON. PROBE_IMPORT_ESM=1 then imports
// LangGraph's ES module build itself (the control of test/setup/cjs-lazy.test.ts).
const { Annotation, END, START, StateGraph } = require("@langchain/langgraph");

const State = Annotation.Root({
  log: Annotation({ reducer: (a, b) => a.concat(b), default: () => [] }),
});
const graph = new StateGraph(State)
  .addNode("first", async () => ({ log: ["first"] }))
  .addNode("second", async () => ({ log: ["second"] }))
  .addEdge(START, "first")
  .addEdge("first", "second")
  .addEdge("second", END)
  .compile({ name: "cjs_probe" });

graph.invoke({}).then(async (result) => {
  if (process.env.PROBE_IMPORT_ESM === "1") await import("@langchain/langgraph");
  console.log(JSON.stringify({ log: result.log }));
});
