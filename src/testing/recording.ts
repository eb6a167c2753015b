/**
 * What one `TelemetryHarness.record()` saw, as answers rather than spans: the run tree,
 * node attempts, outcomes, retries, interrupts, human decisions, model and tool calls,
 * tokens, cost and metric values.
 */
import type { Attributes, AttributeValue } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_HUMAN_DECISION,
  ATTR_GEN_AI_USAGE_COST,
  ATTR_LANGGRAPH_STEP,
  EVENT_LANGGRAPH_HUMAN_DECISION,
  type Outcome,
} from "../semconv.js";
import { type MetricSnapshot, type MetricValue, metricValueOf } from "./metrics.js";
import {
  attemptOf,
  buildTree,
  flatten,
  type RecordedSpan,
  renderTree,
  shapeOf,
  type TreeOptions,
} from "./span-tree.js";

export interface WorkflowRun {
  graph: string;
  outcome: Outcome;
  errorType: string | undefined;
  threadId: string | undefined;
  /** A subgraph run (its parent is a node of another graph). */
  nested: boolean;
  span: RecordedSpan;
}

export interface NodeAttempt {
  node: string;
  graph: string | undefined;
  /** 1-based (`langgraph.node.attempt`). */
  attempt: number;
  step: number | undefined;
  outcome: Outcome;
  errorType: string | undefined;
  span: RecordedSpan;
}

export interface ModelCall {
  model: string;
  provider: string | undefined;
  responseModel: string | undefined;
  inputTokens: number;
  outputTokens: number;
  /** USD from the price table; undefined when the model has no price. */
  cost: number | undefined;
  finishReasons: readonly string[];
  outcome: Outcome;
  errorType: string | undefined;
  /** The node the call ran in. */
  node: string | undefined;
  span: RecordedSpan;
}

export interface ToolCall {
  tool: string;
  callId: string | undefined;
  outcome: Outcome;
  errorType: string | undefined;
  node: string | undefined;
  span: RecordedSpan;
}

export interface HumanDecisionRecord {
  decision: string;
  node: string | undefined;
}

export interface TokenTotals {
  input: number;
  output: number;
  total: number;
}

export interface RecordingInit<T> {
  result: T | undefined;
  error: unknown;
  failed: boolean;
  spans: readonly ReadableSpan[];
  /** What the recording added to each metric; undefined when recordings overlapped. */
  metrics: MetricSnapshot | undefined;
}

function num(value: AttributeValue | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function str(value: AttributeValue | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The closest enclosing node attempt. */
function enclosingNode(span: RecordedSpan): string | undefined {
  for (let p = span.parent; p !== undefined; p = p.parent) if (p.kind === "node") return p.subject;
  return undefined;
}

export class Recording<T = unknown> {
  /** What the recorded function returned (undefined when it threw). */
  readonly result: T | undefined;
  /** What the recorded function threw (undefined when it returned). */
  readonly error: unknown;
  readonly failed: boolean;
  /** Root spans of the recording (top-level runs, and spans opened outside any run). */
  readonly roots: readonly RecordedSpan[];
  /** Every span, depth first. */
  readonly spans: readonly RecordedSpan[];
  private readonly metricDelta: MetricSnapshot | undefined;

  constructor(init: RecordingInit<T>) {
    this.result = init.result;
    this.error = init.error;
    this.failed = init.failed;
    this.roots = buildTree(init.spans);
    this.spans = flatten(this.roots);
    this.metricDelta = init.metrics;
  }

  /** Graph runs (top-level and subgraph), in start order; optionally of one graph. */
  workflowRuns(graph?: string): WorkflowRun[] {
    return this.spans
      .filter((s) => s.kind === "workflow" && (graph === undefined || s.subject === graph))
      .map((span) => ({
        graph: span.subject,
        outcome: span.outcome,
        errorType: span.errorType,
        threadId: str(span.attributes[ATTR_GEN_AI_CONVERSATION_ID]),
        nested: enclosingNode(span) !== undefined,
        span,
      }));
  }

  /** Node attempts (every attempt, retries included), optionally of one node. */
  nodeAttempts(node?: string): NodeAttempt[] {
    return this.spans
      .filter((s) => s.kind === "node" && (node === undefined || s.subject === node))
      .map((span) => ({
        node: span.subject,
        graph: str(span.attributes[ATTR_GEN_AI_WORKFLOW_NAME]),
        attempt: attemptOf(span),
        step: num(span.attributes[ATTR_LANGGRAPH_STEP]),
        outcome: span.outcome,
        errorType: span.errorType,
        span,
      }));
  }

  /** How many times the graph ran a node (first attempts; retries not counted). */
  timesRan(node: string): number {
    return this.nodeAttempts(node).filter((a) => a.attempt === 1).length;
  }

  /** Attempts after the first (LangGraph retryPolicy), of one node or of all. */
  retries(node?: string): number {
    return this.nodeAttempts(node).filter((a) => a.attempt > 1).length;
  }

  /** Node attempts that ended in `interrupt()` (human in the loop). */
  interrupts(node?: string): NodeAttempt[] {
    return this.nodeAttempts(node).filter((a) => a.outcome === "interrupted");
  }

  /** Decisions recorded with `recordHumanDecision`, in order. */
  humanDecisions(): HumanDecisionRecord[] {
    return this.spans.flatMap((span) =>
      span.events
        .filter((e) => e.name === EVENT_LANGGRAPH_HUMAN_DECISION)
        .map((e) => ({
          decision: String(e.attributes[ATTR_LANGGRAPH_HUMAN_DECISION]),
          node: span.kind === "node" ? span.subject : enclosingNode(span),
        })),
    );
  }

  /** Model calls (`chat {model}` spans), optionally of one requested model. */
  modelCalls(model?: string): ModelCall[] {
    return this.spans
      .filter((s) => s.kind === "model")
      .map((span) => {
        const finish = span.attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS];
        return {
          model: str(span.attributes[ATTR_GEN_AI_REQUEST_MODEL]) ?? span.subject,
          provider: str(span.attributes[ATTR_GEN_AI_PROVIDER_NAME]),
          responseModel: str(span.attributes[ATTR_GEN_AI_RESPONSE_MODEL]),
          inputTokens: num(span.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]) ?? 0,
          outputTokens: num(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]) ?? 0,
          cost: num(span.attributes[ATTR_GEN_AI_USAGE_COST]),
          finishReasons: Array.isArray(finish) ? finish.map(String) : [],
          outcome: span.outcome,
          errorType: span.errorType,
          node: enclosingNode(span),
          span,
        };
      })
      .filter((call) => model === undefined || call.model === model);
  }

  /** Tool calls (`execute_tool {tool}` spans), optionally of one tool. */
  toolCalls(tool?: string): ToolCall[] {
    return this.spans
      .filter((s) => s.kind === "tool" && (tool === undefined || s.subject === tool))
      .map((span) => ({
        tool: span.subject,
        callId: str(span.attributes[ATTR_GEN_AI_TOOL_CALL_ID]),
        outcome: span.outcome,
        errorType: span.errorType,
        node: enclosingNode(span),
        span,
      }));
  }

  /** Spans that ended in error (a failed tool inside a succeeding ToolNode included). */
  errors(): RecordedSpan[] {
    return this.spans.filter((s) => s.outcome === "error");
  }

  /** Tokens reported by every model call. */
  tokens(): TokenTotals {
    const calls = this.modelCalls();
    const input = calls.reduce((n, c) => n + c.inputTokens, 0);
    const output = calls.reduce((n, c) => n + c.outputTokens, 0);
    return { input, output, total: input + output };
  }

  /** USD of every priced model call (unpriced calls add nothing; see `modelCalls()`). */
  cost(): number {
    return this.modelCalls().reduce((n, c) => n + (c.cost ?? 0), 0);
  }

  /**
   * What this recording added to a metric, over the series whose attributes include
   * `attributes` (histograms: `value` is the sum, `count` the observations). Throws when
   * another recording ran at the same time: metrics are not per recording, spans are.
   */
  metric(name: string, attributes: Attributes = {}): MetricValue {
    if (this.metricDelta === undefined) {
      throw new Error(
        `langgraph-otel/testing: metric ${name} is shared with a recording that ran at the same time; ask the spans (tokens(), cost(), retries()…) in concurrent tests`,
      );
    }
    return metricValueOf(this.metricDelta, name, attributes);
  }

  /** The run tree for humans (outcomes, attempts, error types, tokens). */
  tree(options?: TreeOptions): string {
    return renderTree(this.roots, options);
  }

  /** The golden shape: `name [outcome]` per span, indented, no ids or timings. */
  shape(options?: TreeOptions): string {
    return shapeOf(this.roots, options);
  }
}
