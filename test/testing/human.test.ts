/**
 * runAnsweringInterrupts: answers every interrupt until the graph finishes, one at a time
 * or several at once (parallel branches, resumed by interrupt id), and gives up on a graph
 * that keeps asking.
 */
import { Annotation, END, interrupt, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runAnsweringInterrupts, useTelemetryHarness } from "../../src/testing/index.js";

const telemetry = useTelemetryHarness({ beforeAll, afterAll });

const State = Annotation.Root({
  answers: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }),
});

function ask(question: string) {
  return async () => ({ answers: [`${question}=${String(interrupt(question))}`] });
}

it("answers parallel interrupts together, each by its id, with async answers", async () => {
  const graph = new StateGraph(State)
    .addNode("left", ask("left?"))
    .addNode("right", ask("right?"))
    .addEdge(START, "left")
    .addEdge(START, "right")
    .addEdge("left", END)
    .addEdge("right", END)
    .compile({ name: "two_questions", checkpointer: new MemorySaver() });
  const run = await telemetry.record(() =>
    runAnsweringInterrupts(graph, {}, { configurable: { thread_id: "both" } }, {
      answer: async (question) => String(question).replace("?", "!"),
    }),
  );
  expect(run.result?.answers.sort()).toEqual(["left?=left!", "right?=right!"]);
  expect(run.interrupts().map((i) => i.node).sort()).toEqual(["left", "right"]);
  expect(run.workflowRuns().map((r) => r.outcome)).toEqual(["interrupted", "ok"]);
});

it("gives up after maxResumes answers", async () => {
  const graph = new StateGraph(State)
    .addNode("nag", async (state) => ({ answers: [String(interrupt(`again ${state.answers.length}`))] }))
    .addEdge(START, "nag")
    .addConditionalEdges("nag", () => "nag")
    .compile({ name: "nagging", checkpointer: new MemorySaver() });
  const answer = () => "no";
  await expect(
    runAnsweringInterrupts(graph, {}, { configurable: { thread_id: "nag" } }, { answer, maxResumes: 3 }),
  ).rejects.toThrow(/still interrupted after 3 answers/);
});
