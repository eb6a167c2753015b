// A LangGraph app that logs with pino and winston, as apps do, and knows nothing of
// OpenTelemetry: `node -r langgraph-otel/register log-graph.cjs`. Each node logs one
// line per logger to stdout (JSON), naming the node.
const pino = require("pino");
const winston = require("winston");
const { Annotation, END, START, StateGraph } = require("@langchain/langgraph");

const pinoLogger = pino();
const winstonLogger = winston.createLogger({
  format: winston.format.json(),
  transports: [new winston.transports.Console()],
});

const State = Annotation.Root({ question: Annotation(), answer: Annotation() });
const graph = new StateGraph(State)
  .addNode("planner", async (state) => {
    pinoLogger.info({ node: "planner", logger: "pino" }, "planning");
    winstonLogger.info("planning", { node: "planner", logger: "winston" });
    return { question: state.question };
  })
  .addNode("responder", async (state) => {
    pinoLogger.warn({ node: "responder", logger: "pino" }, "responding");
    winstonLogger.warn("responding", { node: "responder", logger: "winston" });
    return { answer: `answered ${state.question}` };
  })
  .addEdge(START, "planner")
  .addEdge("planner", "responder")
  .addEdge("responder", END)
  .compile({ name: "logging_agent" });

graph.invoke({ question: "q1" }).then((result) => {
  console.log(JSON.stringify({ done: result.answer }));
});
