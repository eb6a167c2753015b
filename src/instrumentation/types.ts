import type { Attributes, Span } from "@opentelemetry/api";
import type { InstrumentationConfig } from "@opentelemetry/instrumentation";
import type { Outcome } from "../semconv.js";

/** The spans span hooks are called for. */
export type HookedSpanKind = "workflow" | "node" | "model" | "tool";

/** What `startSpanHook` learns before a span starts. */
export interface SpanStartInfo {
  kind: HookedSpanKind;
  /** The span's name, e.g. `invoke_node agent` or `chat gpt-4o`. */
  name: string;
  /** The attributes the span starts with (return what to add, do not change these). */
  attributes: Readonly<Attributes>;
  /**
   * workflow: the run's options; node: the task's RunnableConfig; model and tool: the
   * LangChain run metadata.
   */
  config: Readonly<Record<string, unknown>> | undefined;
}

/** What `responseHook` learns once the span's work is done (the span is still open). */
export interface SpanResponseInfo {
  kind: HookedSpanKind;
  outcome: Outcome;
  /** node: its output; model: LangChain's LLMResult; tool: its output; workflow: none. */
  result?: unknown;
  /** The error, when the outcome is not ok. */
  error?: unknown;
}

/**
 * Hooks in the contrib style. A hook that throws is logged through diag and ignored:
 * the span and the run go on as if it were not there.
 */
export interface SpanHooksConfig {
  /**
   * Called before each span starts, with its attributes; what it returns is added to them,
   * so samplers see it (a tenant id to sample by, for example).
   */
  startSpanHook?: (info: SpanStartInfo) => Attributes | undefined;
  /** Called when the span's work ended, before the span ends: set attributes from the result. */
  responseHook?: (span: Span, info: SpanResponseInfo) => void;
}

/** What a hook learns about the node attempt whose span it decorates. */
export interface NodeAttemptInfo {
  /** The graph's name (`gen_ai.workflow.name`). */
  workflowName: string;
  /** The node's name as added to the graph. */
  nodeName: string;
  /** 1-based attempt under the node's `retryPolicy`. */
  attempt: number;
  /** The task's RunnableConfig, as LangGraph passes it to the node. */
  config: Readonly<Record<string, unknown>>;
}

/** `startSpanHook` / `responseHook` here cover workflow and node spans. */
export interface LangGraphInstrumentationConfig extends InstrumentationConfig, SpanHooksConfig {
  /**
   * Nodes that get no span and no metrics: names, patterns, or a predicate.
   * Their work still runs, and spans opened inside them parent to the run.
   */
  ignoreNodes?: ReadonlyArray<string | RegExp> | ((nodeName: string) => boolean);
  /** Emit a span for LangGraph's internal `__start__` node. Default false. */
  emitStartNode?: boolean;
  /**
   * Extra attributes for a node span, computed from the node's config (for example a
   * tenant id from `configurable`). Runs inside a guard: a throwing hook is logged and
   * ignored.
   */
  nodeAttributesHook?: (info: NodeAttemptInfo) => Attributes | undefined;
  /** Record the metrics of the contract. Default true; spans are unaffected. */
  enableMetrics?: boolean;
  /**
   * What every span of a run carries (workflow, node, model and tool spans), read from
   * the run's config: to filter traces by user, session or tenant. Never metric labels.
   */
  runAttributes?: RunAttributesConfig;
  /**
   * Link a run that resumes a thread to the run whose interrupt it answers, and record
   * `langgraph.interrupt.wait`, in any process: the interrupted run leaves its span
   * context on the thread's checkpoint (a pending write of its own), read through the
   * graph's checkpointer when the next top-level run of the thread starts. Costs one
   * checkpoint read per top-level run with a `thread_id` and a checkpointer, and two
   * writes per interrupt. Default true.
   */
  interruptLinks?: boolean;
}

export interface RunAttributesConfig {
  /**
   * Key of `config.metadata` (or else `config.configurable`) holding the end user's id,
   * recorded as `user.id`. Default "user_id"; false records none.
   */
  userIdKey?: string | false;
  /** `config.metadata` keys recorded as `langgraph.metadata.<key>` (strings, numbers, booleans). */
  metadataKeys?: readonly string[];
  /** Record `config.tags` as `langgraph.tags`. Default false. */
  tags?: boolean;
}
