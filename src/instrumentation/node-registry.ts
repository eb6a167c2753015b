import type { Attributes, Context, Span } from "@opentelemetry/api";

/** A node attempt in flight, as LangChain callbacks of that node can find it. */
export interface NodeAttemptEntry {
  readonly span: Span;
  /** The context whose active span is the node span. */
  readonly context: Context;
  readonly workflowName: string;
  readonly nodeName: string;
  /** What every span of the attempt's run carries; model and tool spans copy it. */
  readonly runAttributes?: Attributes;
  /**
   * Run when the attempt ends, before its span does: model calls whose stream the node
   * abandoned never hear from LangChain again and are ended here (see whenNodeAttemptEnds).
   */
  closers?: Array<() => void>;
}

/**
 * Node attempts in flight, keyed by the task's checkpoint namespace
 * (`metadata.langgraph_checkpoint_ns`), which is unique per task and travels in the
 * metadata of every model and tool call made inside it. LangChain runs callback handlers
 * in the background, where the ambient context is not the node's, so the GenAI handler
 * parents its spans through this registry. Entries live only while the attempt runs.
 */
const attemptsInFlight = new Map<string, NodeAttemptEntry>();

let registryUsers = 0;

/**
 * Counts the instrumentations that look attempts up (the GenAI one: enable +1, disable −1).
 * Attempts are registered only while one is enabled: a namespace is a concatenated string
 * LangGraph makes afresh per task, and hashing it into the map costs a node attempt more
 * than its span does when nothing will ever look it up.
 */
export function useNodeRegistry(delta: 1 | -1): void {
  registryUsers = Math.max(0, registryUsers + delta);
}

export function nodeRegistryInUse(): boolean {
  return registryUsers > 0;
}

export function registerNodeAttempt(checkpointNs: string, entry: NodeAttemptEntry): void {
  attemptsInFlight.set(checkpointNs, entry);
}

export function unregisterNodeAttempt(checkpointNs: string, entry: NodeAttemptEntry): void {
  // A retry may already have registered its own attempt under the same namespace.
  if (attemptsInFlight.get(checkpointNs) === entry) attemptsInFlight.delete(checkpointNs);
  const closers = entry.closers;
  if (closers === undefined) return;
  entry.closers = undefined;
  for (const close of closers) {
    try {
      close();
    } catch {
      // A closer is telemetry of ours; the node's outcome must not depend on it.
    }
  }
}

/**
 * Runs `close` when the node attempt ends. For an attempt found in the registry (still
 * running); work placed under an attempt that already ended is left to end on its own.
 */
export function whenNodeAttemptEnds(entry: NodeAttemptEntry, close: () => void): void {
  if (entry.closers === undefined) entry.closers = [];
  entry.closers.push(close);
}

/**
 * The node attempt that owns a checkpoint namespace, if it is still running (registered
 * while a GenAIInstrumentation is enabled, as it is under `startObservability`).
 */
export function findNodeAttempt(checkpointNs: string): NodeAttemptEntry | undefined {
  return attemptsInFlight.get(checkpointNs);
}

/** Number of attempts in flight (tests check that nothing leaks). */
export function nodeAttemptsInFlight(): number {
  return attemptsInFlight.size;
}
