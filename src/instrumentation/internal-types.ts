/**
 * The slices of LangGraph.js internals the instrumentation touches, typed structurally:
 * the ESM and CJS copies are different classes, so nothing here names a LangGraph type.
 */

/** What LangGraph passes to a node runnable's `invoke` (a RunnableConfig plus extras). */
export interface TaskConfig {
  metadata?: Record<string, unknown>;
  configurable?: Record<string, unknown>;
  executionInfo?: {
    taskId?: string;
    nodeAttempt?: number;
    threadId?: string;
    checkpointNs?: string;
  };
  signal?: AbortSignal;
  [key: string]: unknown;
}

export interface NodeRunnable {
  invoke(input: unknown, config?: TaskConfig): Promise<unknown>;
}

/** A `Pregel` instance (every compiled graph is one). */
export interface PregelInstance {
  name?: string;
  getName?: () => string;
  config?: { configurable?: Record<string, unknown> };
  nodes?: Record<string, object>;
}

export type StreamIterator = (
  this: PregelInstance,
  input: unknown,
  options?: TaskConfig,
) => AsyncGenerator<unknown, unknown, unknown>;

export type GetNode = (this: object) => NodeRunnable | undefined;

/** A prototype that owns `_streamIterator` (Pregel.prototype of one copy). */
export interface PregelPrototype {
  _streamIterator: StreamIterator;
}

/** A prototype that owns `getNode` (PregelNode.prototype of one copy). */
export interface PregelNodePrototype {
  getNode: GetNode;
}

/** Fields of LangGraph's control-flow errors that the outcome classifier reads. */
export interface LangGraphErrorLike {
  name?: unknown;
  message?: unknown;
  interrupts?: ReadonlyArray<{ id?: unknown }>;
  is_bubble_up?: unknown;
}

/** What the patches read from the instrumentation on each call (kept current by it). */
export interface InstrumentationHost {
  readonly tracer: import("@opentelemetry/api").Tracer;
  /** Undefined when metrics are switched off. */
  readonly instruments: import("./metrics.js").GraphInstruments | undefined;
  readonly config: import("./types.js").LangGraphInstrumentationConfig;
  readonly diag: import("@opentelemetry/api").DiagLogger;
  /** Whether a node gets a span (ignore list, `__start__`), cached per name. */
  isNodeTraced(nodeName: string): boolean;
  /** Span names and metric attributes per workflow and node, made once. */
  readonly series: import("./series.js").SeriesCache;
  /** Called per run: patches the node prototype of a copy found only through its graphs. */
  noteGraph(graph: PregelInstance): void;
  /** Called per task with the runnable `getNode()` returned: its attempts get node spans. */
  traceTaskRunnable(runnable: NodeRunnable): void;
}
