// ES module twin of log-graph.cjs: `node --import langgraph-otel/register log-graph.mjs`.
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import pino from "pino";
import winston from "winston";

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

const result = await graph.invoke({ question: "q1" });
console.log(JSON.stringify({ done: result.answer }));
