// The three workloads of the overhead benchmark. Nodes do (almost) nothing so that what
// is measured is LangGraph plus whatever instrumentation is on, per node attempt.
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { metrics, trace } from "@opentelemetry/api";
import { Annotation, END, Send, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { z } from "zod";
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_CHECKPOINT_NS,
  ATTR_LANGGRAPH_NODE_ATTEMPT,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_NODE_TRIGGERS,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_LANGGRAPH_STEP,
  ATTR_LANGGRAPH_TASK_ID,
  GEN_AI_OPERATION_INVOKE_WORKFLOW,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_NODE_DURATION,
  OUTCOME_OK,
} from "../dist/esm/semconv.js";

// The reference for "the least a span per node costs" (issue 16): what a user would write
// by hand with the OTel API alone. An active span around each node function and one around
// the whole invoke; no metrics, no attributes, no LangGraph internals touched.
const NAIVE_SCOPE = "naive-span-wrapper";

function naiveNode(name, fn) {
  const spanName = `invoke_node ${name}`;
  return (state, config) =>
    trace.getTracer(NAIVE_SCOPE).startActiveSpan(spanName, (span) => {
      try {
        const out = fn(state, config);
        if (typeof out?.then !== "function") {
          span.end();
          return out;
        }
        return out.finally(() => span.end());
      } catch (err) {
        span.end();
        throw err;
      }
    });
}

function naiveRun(graph, name) {
  const spanName = `invoke_workflow ${name}`;
  return (input) =>
    trace.getTracer(NAIVE_SCOPE).startActiveSpan(spanName, (span) => graph.invoke(input).finally(() => span.end()));
}

/**
 * The same hand-written wrapper, made to produce what the telemetry contract asks of
 * langgraph-otel: each node span with the contract's eight attributes (read from the
 * config LangGraph hands the node) and its outcome, the run span with its three, and one
 * duration histogram record per node attempt and per run, with the contract's metric
 * attributes. What it costs beyond the naive wrapper is the OTel SDK's price for that
 * data; what langgraph-otel costs beyond it is the price of our code.
 */
function naiveContractNode(workflowName, name, fn) {
  const spanName = `invoke_node ${name}`;
  const tracer = trace.getTracer(NAIVE_SCOPE);
  // Made on the first call: the metrics API has no proxy, and the workload is built before
  // the benchmark registers its MeterProvider.
  let duration;
  const okAttributes = { [ATTR_GEN_AI_WORKFLOW_NAME]: workflowName, [ATTR_LANGGRAPH_NODE_NAME]: name, [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_OK };
  return (state, config) => {
    duration ??= metrics.getMeter(NAIVE_SCOPE).createHistogram(METRIC_LANGGRAPH_NODE_DURATION, { unit: "s" });
    const metadata = config?.metadata ?? {};
    const attributes = {
      [ATTR_GEN_AI_WORKFLOW_NAME]: workflowName,
      [ATTR_LANGGRAPH_NODE_NAME]: name,
      [ATTR_LANGGRAPH_NODE_ATTEMPT]: config?.executionInfo?.nodeAttempt ?? 1,
      [ATTR_LANGGRAPH_STEP]: metadata.langgraph_step,
      [ATTR_LANGGRAPH_TASK_ID]: config?.executionInfo?.taskId ?? "",
      [ATTR_LANGGRAPH_CHECKPOINT_NS]: metadata.langgraph_checkpoint_ns,
      [ATTR_LANGGRAPH_NODE_TRIGGERS]: metadata.langgraph_triggers,
    };
    const startedAt = performance.now();
    return tracer.startActiveSpan(spanName, { attributes }, (span) => {
      const end = () => {
        span.setAttribute(ATTR_LANGGRAPH_OUTCOME, OUTCOME_OK);
        duration.record((performance.now() - startedAt) / 1000, okAttributes);
        span.end();
      };
      const out = fn(state, config);
      if (typeof out?.then !== "function") {
        end();
        return out;
      }
      return out.finally(end);
    });
  };
}

function naiveContractRun(graph, name) {
  const spanName = `invoke_workflow ${name}`;
  const tracer = trace.getTracer(NAIVE_SCOPE);
  let duration;
  const okAttributes = { [ATTR_GEN_AI_WORKFLOW_NAME]: name, [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_OK };
  const attributes = { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_INVOKE_WORKFLOW, [ATTR_GEN_AI_WORKFLOW_NAME]: name };
  return (input) => {
    duration ??= metrics.getMeter(NAIVE_SCOPE).createHistogram(METRIC_GEN_AI_WORKFLOW_DURATION, { unit: "s" });
    const startedAt = performance.now();
    return tracer.startActiveSpan(spanName, { attributes }, (span) =>
      graph.invoke(input).finally(() => {
        span.setAttribute(ATTR_LANGGRAPH_OUTCOME, OUTCOME_OK);
        duration.record((performance.now() - startedAt) / 1000, okAttributes);
        span.end();
      }),
    );
  };
}

export { NAIVE_SCOPE };

/**
 * A workload: the graph compiled as is, and (where its node functions are ours to wrap)
 * the same graph compiled with the naive wrapper around each node function and the run.
 */
function workload(build, name, input, nodesPerRun) {
  const naiveGraph = build(naiveNode);
  return {
    graph: build((_name, fn) => fn),
    naiveInvoke: naiveRun(naiveGraph, name),
    naiveContractInvoke: naiveContractRun(
      build((node, fn) => naiveContractNode(name, node, fn)),
      name,
    ),
    input,
    nodesPerRun,
  };
}

/** 10 trivial nodes in a line: start -> n0 -> n1 -> ... -> n9 -> end. */
export function buildChain(length = 10) {
  const State = Annotation.Root({ count: Annotation({ reducer: (_a, b) => b, default: () => 0 }) });
  const build = (wrap) => {
    let graph = new StateGraph(State);
    for (let i = 0; i < length; i++) graph = graph.addNode(`n${i}`, wrap(`n${i}`, (s) => ({ count: s.count + 1 })));
    graph = graph.addEdge(START, "n0");
    for (let i = 1; i < length; i++) graph = graph.addEdge(`n${i - 1}`, `n${i}`);
    graph = graph.addEdge(`n${length - 1}`, END);
    return graph.compile({ name: "bench_chain" });
  };
  return workload(build, "bench_chain", () => ({ count: 0 }), length);
}

/** A planner node sends 20 `Send`s to a worker node; a reduce node joins them. */
export function buildFanOut(width = 20) {
  const State = Annotation.Root({
    items: Annotation({ reducer: (a, b) => a.concat(b), default: () => [] }),
    total: Annotation({ reducer: (_a, b) => b, default: () => 0 }),
  });
  const build = (wrap) =>
    new StateGraph(State)
      .addNode("plan", wrap("plan", () => ({})))
      .addNode("work", wrap("work", (s) => ({ items: [s.i * 2] })))
      .addNode("reduce", wrap("reduce", (s) => ({ total: s.items.length })))
      .addEdge(START, "plan")
      .addConditionalEdges("plan", () => Array.from({ length: width }, (_, i) => new Send("work", { i })))
      .addEdge("work", "reduce")
      .addEdge("reduce", END)
      .compile({ name: "bench_fanout" });
  return workload(build, "bench_fanout", () => ({ items: [] }), width + 2);
}

/**
 * A chat model that follows a fixed script without any I/O: it asks for the `lookup`
 * tool once, then answers. It reports tokens and provider/model like a real one.
 */
export class ScriptedChatModel extends BaseChatModel {
  _llmType() {
    return "scripted";
  }

  bindTools() {
    return this;
  }

  getLsParams() {
    return { ls_provider: "scripted", ls_model_name: "scripted-1", ls_model_type: "chat" };
  }

  async _generate(messages) {
    const last = messages[messages.length - 1];
    const usage = { input_tokens: 12, output_tokens: 5, total_tokens: 17 };
    const message =
      last?._getType?.() === "tool"
        ? new AIMessage({ content: "The answer is 42.", usage_metadata: usage })
        : new AIMessage({
            content: "",
            tool_calls: [{ id: "call_1", name: "lookup", args: { q: "answer" }, type: "tool_call" }],
            usage_metadata: usage,
          });
    return { generations: [{ text: String(message.content), message }] };
  }
}

/** createReactAgent with the scripted model and one tool: agent -> tools -> agent. */
export function buildReactAgent() {
  const lookup = tool(async ({ q }) => `result for ${q}`, {
    name: "lookup",
    description: "Looks something up.",
    schema: z.object({ q: z.string() }),
  });
  const graph = createReactAgent({ llm: new ScriptedChatModel({}), tools: [lookup], name: "bench_react" });
  return {
    graph,
    input: () => ({ messages: [new HumanMessage("what is the answer?")] }),
    nodesPerRun: 3,
  };
}

export const WORKLOADS = {
  chain: { title: "10-node chain", build: () => buildChain(10) },
  fanout: { title: "20-way Send fan-out", build: () => buildFanOut(20) },
  react: { title: "ReAct agent (scripted model, 1 tool call)", build: () => buildReactAgent() },
};
