import { Annotation, Command, END, interrupt, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GenAIInstrumentation, InterruptLinkSpanProcessor, recordHumanDecision } from "../../src/genai/index.js";
import {
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_HUMAN_DECISION,
  ATTR_LANGGRAPH_INTERRUPT_WAIT,
  ATTR_LANGGRAPH_LINK_TYPE,
  ATTR_LANGGRAPH_OUTCOME,
  EVENT_LANGGRAPH_HUMAN_DECISION,
  LINK_TYPE_INTERRUPT_RESUME,
  METRIC_LANGGRAPH_HUMAN_DECISIONS,
  METRIC_LANGGRAPH_INTERRUPT_WAIT,
  OUTCOME_INTERRUPTED,
  OUTCOME_OK,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";

// The interrupt → resume link is made by the LangGraph instrumentation at span start,
// with no span processor to register (edge cases: test/instrumentation/resume-link.test.ts).
const genai = new GenAIInstrumentation({ enabled: false });
const otel = useOtel({ instrumentations: [genai] });

afterEach(() => {
  vi.useRealTimers();
});

function histogram(name: string) {
  return otel.metricPoints(name);
}

function approvalGraph() {
  const State = Annotation.Root({
    draft: Annotation<string>,
    verdict: Annotation<string>,
  });
  return new StateGraph(State)
    .addNode("write", async () => ({ draft: "refund 40 EUR" }))
    .addNode("review", async (state) => {
      const answer = interrupt({ question: `approve ${state.draft}?` }) as string;
      recordHumanDecision(answer === "yes" ? "approved" : "rejected", { workflowName: "approvals" });
      return { verdict: answer };
    })
    .addEdge(START, "write")
    .addEdge("write", "review")
    .addEdge("review", END)
    .compile({ name: "approvals", checkpointer: new MemorySaver() });
}

function workflowSpans() {
  return otel
    .spans()
    .filter((s) => s.name === workflowSpanName("approvals"))
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
}

describe("interrupt, wait, resume", () => {
  it("links the resumed run to the interrupted one and records the wait and the decision", async () => {
    // Only Date is faked: the wait between the two runs is exactly what the clock says.
    vi.useFakeTimers({ toFake: ["Date"] });
    const graph = approvalGraph();
    const config = { configurable: { thread_id: "ticket-7" } };
    vi.setSystemTime(Date.UTC(2026, 0, 5, 9, 0, 0));
    const first = await graph.invoke({ draft: "" }, config);
    expect("__interrupt__" in first).toBe(true);
    vi.setSystemTime(Date.UTC(2026, 0, 5, 9, 12, 30));
    await graph.invoke(new Command({ resume: "yes" }), config);

    const [interrupted, resumed] = workflowSpans();
    expect(interrupted!.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_INTERRUPTED);
    expect(resumed!.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_OK);
    expect(interrupted!.links).toHaveLength(0);
    expect(resumed!.links).toHaveLength(1);
    const link = resumed!.links[0]!;
    expect(link.context.spanId).toBe(interrupted!.spanContext().spanId);
    expect(link.context.traceId).toBe(interrupted!.spanContext().traceId);
    expect(link.attributes?.[ATTR_LANGGRAPH_LINK_TYPE]).toBe(LINK_TYPE_INTERRUPT_RESUME);
    expect(resumed!.spanContext().traceId).not.toBe(interrupted!.spanContext().traceId);

    // The wait is from the interrupted run's end to the resumed run's start.
    const wait = 12 * 60 + 30;
    expect(resumed!.attributes[ATTR_LANGGRAPH_INTERRUPT_WAIT]).toBe(wait);
    const points = await histogram(METRIC_LANGGRAPH_INTERRUPT_WAIT);
    expect(points).toHaveLength(1);
    expect(points[0]!.attributes).toEqual({ [ATTR_GEN_AI_WORKFLOW_NAME]: "approvals" });
    const value = points[0]!.value as { count: number; sum: number };
    expect(value.count).toBe(1);
    expect(value.sum).toBe(wait);

    const decisions = await histogram(METRIC_LANGGRAPH_HUMAN_DECISIONS);
    expect(decisions.map((p) => [p.attributes, p.value])).toEqual([
      [{ [ATTR_LANGGRAPH_HUMAN_DECISION]: "approved", [ATTR_GEN_AI_WORKFLOW_NAME]: "approvals" }, 1],
    ]);
    const reviewSpans = otel.spans().filter((s) => s.name === nodeSpanName("review"));
    const resumedReview = reviewSpans.find((s) => s.attributes[ATTR_LANGGRAPH_OUTCOME] === OUTCOME_OK);
    expect(resumedReview?.events.find((e) => e.name === EVENT_LANGGRAPH_HUMAN_DECISION)?.attributes).toEqual({
      [ATTR_LANGGRAPH_HUMAN_DECISION]: "approved",
    });
  });

  it("links only the next run of the same thread, once", async () => {
    const graph = approvalGraph();
    await graph.invoke({ draft: "" }, { configurable: { thread_id: "a" } });
    // Another thread: no link, no wait.
    await graph.invoke({ draft: "" }, { configurable: { thread_id: "b" } });
    await graph.invoke(new Command({ resume: "no" }), { configurable: { thread_id: "a" } });
    await graph.invoke(new Command({ resume: "yes" }), { configurable: { thread_id: "b" } });
    // A fresh run on a finished thread is not a resume.
    await graph.invoke({ draft: "" }, { configurable: { thread_id: "a" } });

    const spans = workflowSpans();
    expect(spans.map((s) => s.links.length)).toEqual([0, 0, 1, 1, 0]);
    expect(spans[2]!.links[0]!.context.spanId).toBe(spans[0]!.spanContext().spanId);
    expect(spans[3]!.links[0]!.context.spanId).toBe(spans[1]!.spanContext().spanId);
    const points = await histogram(METRIC_LANGGRAPH_INTERRUPT_WAIT);
    expect((points[0]!.value as { count: number }).count).toBe(2);
  });

  it("genai.spanProcessor, registered by older code, is a no-op: still one link per resume", async () => {
    const processor = genai.spanProcessor;
    expect(processor).toBeInstanceOf(InterruptLinkSpanProcessor);
    const graph = approvalGraph();
    const config = { configurable: { thread_id: "ticket-8" } };
    await graph.invoke({ draft: "" }, config);
    const [interrupted] = workflowSpans();
    processor.onEnd(interrupted!); // what the tracer provider would call: no effect now
    await graph.invoke(new Command({ resume: "yes" }), config);
    expect(workflowSpans().map((s) => s.links.length)).toEqual([0, 1]);
    await expect(processor.forceFlush()).resolves.toBeUndefined();
    await expect(processor.shutdown()).resolves.toBeUndefined();
  });

  it("ignores unknown decisions and never throws", async () => {
    expect(() => recordHumanDecision("maybe" as "approved")).not.toThrow();
    expect(await histogram(METRIC_LANGGRAPH_HUMAN_DECISIONS)).toEqual([]);
    genai.recordHumanDecision("edited", { workflowName: "approvals" });
    const decisions = await histogram(METRIC_LANGGRAPH_HUMAN_DECISIONS);
    expect(decisions.map((p) => p.attributes[ATTR_LANGGRAPH_HUMAN_DECISION])).toEqual(["edited"]);
  });
});
