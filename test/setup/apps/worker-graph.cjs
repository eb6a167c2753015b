// A CommonJS app that runs one graph on its main thread and one in a worker thread; the
// worker inherits the main thread's -r flags (execArgv), the register entry among them.
const { isMainThread, parentPort, Worker } = require("node:worker_threads");
const { Annotation, END, START, StateGraph } = require("@langchain/langgraph");

const State = Annotation.Root({ where: Annotation() });
const graphNamed = (name) =>
  new StateGraph(State)
    .addNode("step", async () => ({ where: name }))
    .addEdge(START, "step")
    .addEdge("step", END)
    .compile({ name });

if (isMainThread) {
  (async () => {
    const main = await graphNamed("in_main").invoke({});
    const worker = await new Promise((resolve, reject) => {
      const thread = new Worker(__filename);
      thread.once("message", resolve);
      thread.once("error", reject);
    });
    console.log(JSON.stringify({ main: main.where, worker }));
  })();
} else {
  graphNamed("in_worker")
    .invoke({})
    .then((result) => parentPort.postMessage(result.where));
}
