/**
 * Small LangGraph state shapes and assertions shared by the instrumentation suites.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { expect } from "vitest";
import { ATTR_LANGGRAPH_OUTCOME } from "../../src/semconv.js";

/** `log` collects the names of the nodes that ran; `value` is a counter. */
export const LogState = Annotation.Root({
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  value: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
});
export type LogStateType = typeof LogState.State;

/** A node that appends its name to `log`. */
export function logNode(name: string) {
  return async (_state: LogStateType): Promise<Partial<LogStateType>> => ({ log: [name] });
}

/** `ok` then `bad`, whose node function throws `failure`. */
export function okThenFailing(name: string, failure: Error) {
  return new StateGraph(LogState)
    .addNode("ok", logNode("ok"))
    .addNode("bad", async (): Promise<Partial<LogStateType>> => {
      throw failure;
    })
    .addEdge(START, "ok")
    .addEdge("ok", "bad")
    .addEdge("bad", END)
    .compile({ name });
}

/** Asserts a span's outcome and that its status is not ERROR. */
export function expectOk(span: ReadableSpan, outcome = "ok"): void {
  expect(span.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(outcome);
  expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
}

/** Resolves once `count` callers are waiting: proves that many tasks run concurrently. */
export function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => {};
  const open = new Promise<void>((resolve) => {
    release = resolve;
  });
  return async () => {
    arrived += 1;
    if (arrived === count) release();
    await open;
  };
}
