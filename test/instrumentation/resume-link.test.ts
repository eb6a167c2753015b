// The interrupt → resume link made from a record on the thread's checkpoint, in one
// process with MemorySaver: the edge cases (nested and parallel interrupts, a failed
// resume, subgraphs, checkpoints written without us, a failing checkpointer). Across
// processes with PostgreSQL and SQLite: test/hitl/processes.test.ts.
import {
  Annotation,
  Command,
  END,
  interrupt,
  MemorySaver,
  START,
  StateGraph,
} from "@langchain/langgraph";
import { trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  type Sampler,
  SamplingDecision,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it, vi } from "vitest";
import { INTERRUPT_CHANNEL } from "../../src/instrumentation/resume-link.js";
import {
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_INTERRUPT_WAIT,
  ATTR_LANGGRAPH_LINK_TYPE,
  ATTR_LANGGRAPH_OUTCOME,
  LINK_TYPE_INTERRUPT_RESUME,
  METRIC_LANGGRAPH_INTERRUPT_WAIT,
  OUTCOME_ERROR,
  OUTCOME_INTERRUPTED,
  OUTCOME_OK,
} from "../../src/semconv.js";
import { useOtel, workflowSpanName } from "../helpers/otel.js";

const otel = useOtel();

// Only Date is faked: the human's wait is exact, LangGraph's timers run as usual.
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
function at(seconds: number): void {
  vi.setSystemTime(T0 + seconds * 1000);
}
afterEach(() => {
  vi.useRealTimers();
});

const State = Annotation.Root({
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

function runs(graph: string): ReadableSpan[] {
  return otel
    .workflowSpans(graph)
    .filter((span) => span.name === workflowSpanName(graph))
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
}

/** The span ids each run links to (by type interrupt_resume). */
function linkedIds(spans: ReadableSpan[]): (string | undefined)[] {
  return spans.map((span) => {
    const links = span.links.filter((l) => l.attributes?.[ATTR_LANGGRAPH_LINK_TYPE] === LINK_TYPE_INTERRUPT_RESUME);
    expect(links.length).toBeLessThanOrEqual(1);
    return links[0]?.context.spanId;
  });
}

/** The interrupts a run returned (`__interrupt__`, not part of the state's type). */
function interruptsOf(result: unknown): { id?: string; value?: unknown }[] {
  return (result as { __interrupt__?: { id?: string; value?: unknown }[] }).__interrupt__ ?? [];
}

async function waitPoints(graph: string): Promise<{ count: number; sum: number } | undefined> {
  const points = await otel.metricPoints(METRIC_LANGGRAPH_INTERRUPT_WAIT, { [ATTR_GEN_AI_WORKFLOW_NAME]: graph });
  expect(points.length).toBeLessThanOrEqual(1);
  return points[0]?.value as { count: number; sum: number } | undefined;
}

function approvalGraph(name: string, saver = new MemorySaver(), failures = 0) {
  let failuresLeft = failures;
  return new StateGraph(State)
    .addNode("draft", async () => ({ log: ["draft"] }))
    .addNode("review", async () => {
      const answer = interrupt<string, string>("approve?");
      if (failuresLeft-- > 0) throw new Error("ledger unavailable");
      return { log: [`answer:${answer}`] };
    })
    .addEdge(START, "draft")
    .addEdge("draft", "review")
    .addEdge("review", END)
    .compile({ name, checkpointer: saver });
}

describe("a resumed run links to the interrupted run", () => {
  it("links, records the wait once, and leaves state, history and stream output as LangGraph makes them", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const graph = approvalGraph("approvals");
    const config = { configurable: { thread_id: "ticket-1" } };
    at(0);
    const paused = await graph.invoke({}, config);
    expect(interruptsOf(paused)).toHaveLength(1);
    at(90);
    const chunks: unknown[] = [];
    const stream = await graph.stream(new Command({ resume: "yes" }), {
      ...config,
      streamMode: ["values", "updates", "debug", "checkpoints", "tasks"],
    });
    for await (const chunk of stream) chunks.push(chunk);

    const [interrupted, resumed] = runs("approvals");
    expect(interrupted!.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_INTERRUPTED);
    expect(resumed!.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_OK);
    expect(interrupted!.links).toEqual([]);
    expect(resumed!.links).toHaveLength(1);
    expect(resumed!.links[0]!.context).toMatchObject({
      traceId: interrupted!.spanContext().traceId,
      spanId: interrupted!.spanContext().spanId,
      traceFlags: interrupted!.spanContext().traceFlags,
    });
    expect(resumed!.spanContext().traceId).not.toBe(interrupted!.spanContext().traceId);
    expect(resumed!.attributes[ATTR_LANGGRAPH_INTERRUPT_WAIT]).toBe(90);
    expect(await waitPoints("approvals")).toMatchObject({ count: 1, sum: 90 });

    // Nothing of ours where the application looks.
    const state = await graph.getState(config, { subgraphs: true });
    expect(state.values).toEqual({ log: ["draft", "answer:yes"] });
    const history = [];
    for await (const snapshot of graph.getStateHistory(config)) history.push(snapshot);
    const seen = JSON.stringify({ chunks, state, history });
    expect(seen).not.toContain(INTERRUPT_CHANNEL);
    expect(seen).not.toContain("langgraph_otel");
    // The interrupted checkpoint's own view: only LangGraph's task, with its interrupt.
    const atInterrupt = history.find((snapshot) => snapshot.next.includes("review"));
    expect(atInterrupt?.tasks.map((t) => t.name)).toEqual(["review"]);
  });

  it("the link is in the span's start options: a sampler sees it", async () => {
    const seen: { name: string; links: string[] }[] = [];
    const sampler: Sampler = {
      shouldSample: (_ctx, _traceId, name, _kind, _attributes, links) => {
        seen.push({ name, links: links.map((l) => l.context.spanId) });
        return { decision: SamplingDecision.RECORD_AND_SAMPLED };
      },
      toString: () => "LinkRecordingSampler",
    };
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    otel.instrumentation.setTracerProvider(provider);
    try {
      const graph = approvalGraph("sampled");
      const config = { configurable: { thread_id: "sampled-1" } };
      await graph.invoke({}, config);
      await graph.invoke(new Command({ resume: "yes" }), config);
    } finally {
      otel.instrumentation.setTracerProvider(otel.tracerProvider);
    }
    const runsSeen = seen.filter((s) => s.name === workflowSpanName("sampled"));
    const [interrupted] = exporter.getFinishedSpans().filter((s) => s.name === workflowSpanName("sampled"));
    expect(runsSeen).toEqual([
      { name: workflowSpanName("sampled"), links: [] },
      { name: workflowSpanName("sampled"), links: [interrupted!.spanContext().spanId] },
    ]);
    await provider.shutdown();
  });

  it("links only runs of the same thread; a run on a finished thread is not a resume", async () => {
    const graph = approvalGraph("approvals");
    const a = { configurable: { thread_id: "a" } };
    const b = { configurable: { thread_id: "b" } };
    await graph.invoke({}, a);
    await graph.invoke({}, b);
    await graph.invoke(new Command({ resume: "no" }), a);
    await graph.invoke(new Command({ resume: "yes" }), b);
    await graph.invoke({}, a); // a new request on a finished thread: interrupts again, unlinked

    const spans = runs("approvals");
    const ids = spans.map((s) => s.spanContext().spanId);
    expect(linkedIds(spans)).toEqual([undefined, undefined, ids[0], ids[1], undefined]);
    expect((await waitPoints("approvals"))?.count).toBe(2);
  });

  it("nested interrupts: each resume links to the run that last left the thread waiting", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const graph = new StateGraph(State)
      .addNode("review", async () => {
        const amount = interrupt<string, string>("amount?");
        const approver = interrupt<string, string>("approver?");
        return { log: [`${amount} by ${approver}`] };
      })
      .addEdge(START, "review")
      .addEdge("review", END)
      .compile({ name: "nested", checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "nested-1" } };
    at(0);
    await graph.invoke({}, config);
    at(60);
    const second = await graph.invoke(new Command({ resume: "40 EUR" }), config);
    expect(interruptsOf(second)[0]?.value).toBe("approver?");
    at(60 + 300);
    const done = await graph.invoke(new Command({ resume: "alice" }), config);
    expect(done.log).toEqual(["40 EUR by alice"]);

    const spans = runs("nested");
    const ids = spans.map((s) => s.spanContext().spanId);
    expect(spans.map((s) => s.attributes[ATTR_LANGGRAPH_OUTCOME])).toEqual([
      OUTCOME_INTERRUPTED,
      OUTCOME_INTERRUPTED,
      OUTCOME_OK,
    ]);
    expect(linkedIds(spans)).toEqual([undefined, ids[0], ids[1]]);
    expect(spans.map((s) => s.attributes[ATTR_LANGGRAPH_INTERRUPT_WAIT])).toEqual([undefined, 60, 300]);
    expect(await waitPoints("nested")).toMatchObject({ count: 2, sum: 360 });
  });

  it("several pending interrupts (parallel branches): answered one at a time, then both at once", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const build = () =>
      new StateGraph(State)
        .addNode("legal", async () => ({ log: [`legal:${interrupt<string, string>("legal ok?")}`] }))
        .addNode("finance", async () => ({ log: [`finance:${interrupt<string, string>("finance ok?")}`] }))
        .addEdge(START, "legal")
        .addEdge(START, "finance")
        .addEdge("legal", END)
        .addEdge("finance", END)
        .compile({ name: "parallel", checkpointer: new MemorySaver() });
    const graph = build();
    const config = { configurable: { thread_id: "parallel-1" } };
    at(0);
    const paused = await graph.invoke({}, config);
    const pending = interruptsOf(paused);
    expect(pending).toHaveLength(2);
    const idOf = (question: string) => pending.find((i) => i.value === question)!.id!;
    at(10);
    const one = await graph.invoke(new Command({ resume: { [idOf("legal ok?")]: "yes" } }), config);
    expect(interruptsOf(one).map((i) => i.value)).toEqual(["finance ok?"]);
    at(30);
    const done = await graph.invoke(new Command({ resume: { [idOf("finance ok?")]: "no" } }), config);
    expect([...done.log].sort()).toEqual(["finance:no", "legal:yes"]);

    // Both answered by one resume: one link, one wait.
    const other = { configurable: { thread_id: "parallel-2" } };
    at(100);
    const again = interruptsOf(await graph.invoke({}, other));
    at(145);
    await graph.invoke(new Command({ resume: Object.fromEntries(again.map((i) => [i.id!, "yes"])) }), other);

    const spans = runs("parallel");
    const ids = spans.map((s) => s.spanContext().spanId);
    expect(linkedIds(spans)).toEqual([undefined, ids[0], ids[1], undefined, ids[3]]);
    expect(spans.map((s) => s.attributes[ATTR_LANGGRAPH_INTERRUPT_WAIT])).toEqual([undefined, 10, 20, undefined, 45]);
  });

  it("a resume that fails links and records the wait; its retry links again without a second wait", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const graph = approvalGraph("flaky-approvals", new MemorySaver(), 1);
    const config = { configurable: { thread_id: "retry-1" } };
    at(0);
    await graph.invoke({}, config);
    at(120);
    await expect(graph.invoke(new Command({ resume: "yes" }), config)).rejects.toThrow("ledger unavailable");
    at(125);
    const done = await graph.invoke(new Command({ resume: "yes" }), config);
    expect(done.log).toEqual(["draft", "answer:yes"]);

    const spans = runs("flaky-approvals");
    const ids = spans.map((s) => s.spanContext().spanId);
    expect(spans.map((s) => s.attributes[ATTR_LANGGRAPH_OUTCOME])).toEqual([
      OUTCOME_INTERRUPTED,
      OUTCOME_ERROR,
      OUTCOME_OK,
    ]);
    expect(linkedIds(spans)).toEqual([undefined, ids[0], ids[0]]);
    expect(spans.map((s) => s.attributes[ATTR_LANGGRAPH_INTERRUPT_WAIT])).toEqual([undefined, 120, undefined]);
    expect(await waitPoints("flaky-approvals")).toMatchObject({ count: 1, sum: 120 });
  });

  it("a subgraph's interrupt: the resumed parent run links to the interrupted parent run, the subgraph run does not", async () => {
    const inner = new StateGraph(State)
      .addNode("ask", async () => ({ log: [`inner:${interrupt<string, string>("inner ok?")}`] }))
      .addEdge(START, "ask")
      .addEdge("ask", END)
      .compile({ name: "inner" });
    const outer = new StateGraph(State)
      .addNode("delegate", inner)
      .addEdge(START, "delegate")
      .addEdge("delegate", END)
      .compile({ name: "outer", checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "sub-1" } };
    await outer.invoke({}, config);
    const done = await outer.invoke(new Command({ resume: "fine" }), config);
    expect(done.log).toEqual(["inner:fine"]);

    const parents = runs("outer");
    expect(parents.map((s) => s.attributes[ATTR_LANGGRAPH_OUTCOME])).toEqual([OUTCOME_INTERRUPTED, OUTCOME_OK]);
    expect(linkedIds(parents)).toEqual([undefined, parents[0]!.spanContext().spanId]);
    const children = runs("inner");
    expect(children).toHaveLength(2);
    expect(children.every((s) => s.links.length === 0)).toBe(true);
    expect((await waitPoints("outer"))?.count).toBe(1);
    expect(await waitPoints("inner")).toBeUndefined();
  });
});

type ApprovalGraph = ReturnType<typeof approvalGraph>;

/** Runs the graph to its interrupt with the instrumentation off: a checkpoint without us. */
async function interruptWithoutUs(graph: ApprovalGraph, config: object): Promise<void> {
  otel.instrumentation.disable();
  try {
    await graph.invoke({}, config);
  } finally {
    otel.instrumentation.enable();
    await otel.instrumentation.ready;
  }
}

/** The resume completes as LangGraph makes it, traced, with no link and no wait. */
async function expectUnlinkedResume(graph: ApprovalGraph, name: string, config: object): Promise<void> {
  const done = await graph.invoke(new Command({ resume: "yes" }), config);
  expect(done.log).toEqual(["draft", "answer:yes"]);
  const [resumed] = runs(name);
  expect(resumed!.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_OK);
  expect(resumed!.links).toEqual([]);
  expect(await waitPoints(name)).toBeUndefined();
}

describe("checkpoints written without us, and checkpointers that fail", () => {
  it("a checkpoint interrupted while the instrumentation was off resumes cleanly, unlinked", async () => {
    const graph = approvalGraph("legacy");
    const config = { configurable: { thread_id: "legacy-1" } };
    await interruptWithoutUs(graph, config);
    await expectUnlinkedResume(graph, "legacy", config);
  });

  it("records of another version or foreign values on our channel are ignored", async () => {
    const saver = new MemorySaver();
    const graph = approvalGraph("foreign", saver);
    const config = { configurable: { thread_id: "foreign-1" } };
    await interruptWithoutUs(graph, config);
    const head = await saver.getTuple({ configurable: { thread_id: "foreign-1", checkpoint_ns: "" } });
    const valid = { v: 1, kind: "interrupt", traceId: "a".repeat(32), spanId: "b".repeat(16), traceFlags: 1, endedAt: 0 };
    const odd: unknown[] = [
      { ...valid, v: 0 },
      { ...valid, v: 2 },
      { ...valid, traceId: "0".repeat(32) },
      { ...valid, spanId: "not hex at all!!" },
      { ...valid, endedAt: "yesterday" },
      { ...valid, traceFlags: 1000 },
      "a string",
      null,
      [1, 2, 3],
    ];
    for (const [i, value] of odd.entries()) {
      await saver.putWrites(head!.config, [[INTERRUPT_CHANNEL, value]], `__langgraph_otel__:odd-${i}`);
    }
    await expectUnlinkedResume(graph, "foreign", config);
  });

  it("machines whose clocks disagree: an answered record never comes back, a future end time links without a wait", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(0);
    const saver = new MemorySaver();
    const graph = approvalGraph("skewed", saver);
    const config = { configurable: { thread_id: "skewed-1" } };
    await interruptWithoutUs(graph, config);
    const head = await saver.getTuple({ configurable: { thread_id: "skewed-1", checkpoint_ns: "" } });
    const record = (spanId: string, endedAt: number) => ({
      v: 1,
      kind: "interrupt",
      traceId: "a".repeat(32),
      spanId,
      traceFlags: 1,
      endedAt,
    });
    const put = (id: string, value: unknown) =>
      saver.putWrites(head!.config, [[INTERRUPT_CHANNEL, value]], `__langgraph_otel__:${id}`);
    // Run A (its machine's clock ahead) was answered by run B, which interrupted again.
    await put("a", record("a".repeat(16), T0 + 50_000));
    await put("a-answered", { v: 1, kind: "resumed", spanId: "a".repeat(16) });
    await put("b", record("b".repeat(16), T0 + 20_000));
    at(80);
    await graph.invoke(new Command({ resume: "yes" }), config);
    const [resumed] = runs("skewed");
    expect(linkedIds([resumed!])).toEqual(["b".repeat(16)]);
    expect(resumed!.attributes[ATTR_LANGGRAPH_INTERRUPT_WAIT]).toBe(60);

    // An end time after this machine's now: linked, the wait unknown rather than negative.
    const future = approvalGraph("skewed-future", saver);
    const other = { configurable: { thread_id: "skewed-2" } };
    await interruptWithoutUs(future, other);
    const head2 = await saver.getTuple({ configurable: { thread_id: "skewed-2", checkpoint_ns: "" } });
    await saver.putWrites(head2!.config, [[INTERRUPT_CHANNEL, record("c".repeat(16), T0 + 95_000)]], "__langgraph_otel__:c");
    await future.invoke(new Command({ resume: "yes" }), other);
    const [ahead] = runs("skewed-future");
    expect(linkedIds([ahead!])).toEqual(["c".repeat(16)]);
    expect(ahead!.attributes[ATTR_LANGGRAPH_INTERRUPT_WAIT]).toBeUndefined();
    expect(await waitPoints("skewed-future")).toBeUndefined();
  });

  it("a checkpointer that throws on our reads and writes: no link, the runs unaffected", async () => {
    /** Fails every call made outside a run's span: ours (LangGraph's own run inside it). */
    class FailingOutsideRuns extends MemorySaver {
      failures = 0;
      override getTuple(config: Parameters<MemorySaver["getTuple"]>[0]) {
        if (trace.getActiveSpan() === undefined) {
          this.failures++;
          throw new Error("connection reset");
        }
        return super.getTuple(config);
      }
      override async putWrites(...args: Parameters<MemorySaver["putWrites"]>) {
        if (args[2].startsWith("__langgraph_otel__")) {
          this.failures++;
          throw new Error("read-only replica");
        }
        return super.putWrites(...args);
      }
    }
    const saver = new FailingOutsideRuns();
    const graph = approvalGraph("failing-saver", saver);
    const config = { configurable: { thread_id: "failing-1" } };
    const paused = await graph.invoke({}, config);
    expect(interruptsOf(paused)).toHaveLength(1);
    const done = await graph.invoke(new Command({ resume: "yes" }), config);
    expect(done.log).toEqual(["draft", "answer:yes"]);
    expect(saver.failures).toBeGreaterThanOrEqual(3); // read, head read at the interrupt, read
    const spans = runs("failing-saver");
    expect(spans.map((s) => s.attributes[ATTR_LANGGRAPH_OUTCOME])).toEqual([OUTCOME_INTERRUPTED, OUTCOME_OK]);
    expect(spans.every((s) => s.links.length === 0)).toBe(true);

    // The write alone failing (reads fine): still no link, no error.
    const writesFail = new (class extends MemorySaver {
      override async putWrites(...args: Parameters<MemorySaver["putWrites"]>) {
        if (args[2].startsWith("__langgraph_otel__")) throw new Error("disk full");
        return super.putWrites(...args);
      }
    })();
    const other = approvalGraph("failing-write", writesFail);
    await other.invoke({}, config);
    expect((await other.invoke(new Command({ resume: "no" }), config)).log).toEqual(["draft", "answer:no"]);
    expect(runs("failing-write").every((s) => s.links.length === 0)).toBe(true);
  });

  it("interruptLinks: false reads and writes nothing and links nothing", async () => {
    class Counting extends MemorySaver {
      reads = 0;
      ours = 0;
      override getTuple(config: Parameters<MemorySaver["getTuple"]>[0]) {
        this.reads++;
        return super.getTuple(config);
      }
      override async putWrites(...args: Parameters<MemorySaver["putWrites"]>) {
        if (args[2].startsWith("__langgraph_otel__")) this.ours++;
        return super.putWrites(...args);
      }
    }
    const config = { configurable: { thread_id: "off-1" } };
    const on = new Counting();
    const linked = approvalGraph("links-on", on);
    await linked.invoke({}, config);
    await linked.invoke(new Command({ resume: "yes" }), config);

    otel.instrumentation.setConfig({ interruptLinks: false });
    try {
      const off = new Counting();
      const unlinked = approvalGraph("links-off", off);
      await unlinked.invoke({}, config);
      await unlinked.invoke(new Command({ resume: "yes" }), config);
      expect(off.ours).toBe(0);
      // Ours with links on: a read per run, the head read at the interrupt.
      expect(on.reads - off.reads).toBe(3);
      expect(on.ours).toBe(2); // the interrupt record, the "answered" mark
      expect(runs("links-off").every((s) => s.links.length === 0)).toBe(true);
      expect(await waitPoints("links-off")).toBeUndefined();
      expect(linkedIds(runs("links-on"))[1]).toBe(runs("links-on")[0]!.spanContext().spanId);
    } finally {
      otel.instrumentation.setConfig({});
    }
  });

  it("durability 'exit' and 'sync' keep the link (the record lands on the checkpoint the thread waits at)", async () => {
    for (const durability of ["exit", "sync"] as const) {
      const name = `durable-${durability}`;
      const graph = approvalGraph(name);
      const config = { configurable: { thread_id: name }, durability };
      await graph.invoke({}, config);
      await graph.invoke(new Command({ resume: "yes" }), config);
      const spans = runs(name);
      expect(linkedIds(spans)).toEqual([undefined, spans[0]!.spanContext().spanId]);
    }
  });
});
