import type { Attributes } from "@opentelemetry/api";
import type { InstrumentationConfig } from "@opentelemetry/instrumentation";

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

export interface LangGraphInstrumentationConfig extends InstrumentationConfig {
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
