import type { Attributes, Context, Span } from "@opentelemetry/api";
import { IntrusiveList, type ListLinks } from "./linked-list.js";

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

/** One registered attempt; the caller keeps it to unregister. */
export interface NodeRegistration extends ListLinks<NodeRegistration> {
  readonly checkpointNs: string;
  readonly entry: NodeAttemptEntry;
  /** In `indexed` (hashed) rather than on the unindexed list. */
  indexed: boolean;
}

/**
 * Node attempts in flight, keyed by the task's checkpoint namespace
 * (`metadata.langgraph_checkpoint_ns`), which is unique per task and travels in the
 * metadata of every model and tool call made inside it. LangChain runs callback handlers
 * in the background, where the ambient context is not the node's, so the GenAI handler
 * parents its spans through this registry. Entries live only while the attempt runs.
 *
 * Indexed lazily: a namespace is a string LangGraph concatenates afresh per task, and
 * hashing it costs an attempt about as much as its span does. An attempt goes on a linked
 * list (four pointer writes) and is hashed only when a lookup happens while it runs, so
 * nodes that call no model never pay for the map.
 */
const indexed = new Map<string, NodeRegistration>();
const unindexed = new IntrusiveList<NodeRegistration>();
let registeredCount = 0;
let registryUsers = 0;

/**
 * Counts the instrumentations that look attempts up (the GenAI one: enable +1, disable −1).
 * Attempts are registered only while one is enabled.
 */
export function useNodeRegistry(delta: 1 | -1): void {
  registryUsers = Math.max(0, registryUsers + delta);
}

export function nodeRegistryInUse(): boolean {
  return registryUsers > 0;
}

export function registerNodeAttempt(checkpointNs: string, entry: NodeAttemptEntry): NodeRegistration {
  const registration: NodeRegistration = { checkpointNs, entry, indexed: false, prev: undefined, next: undefined };
  unindexed.add(registration);
  registeredCount += 1;
  return registration;
}

export function unregisterNodeAttempt(registration: NodeRegistration): void {
  if (registration.indexed) {
    // A retry may already have registered its own attempt under the same namespace.
    if (indexed.get(registration.checkpointNs) === registration) indexed.delete(registration.checkpointNs);
  } else {
    unindexed.remove(registration);
  }
  registeredCount -= 1;
  const entry = registration.entry;
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

/** Hashes every unindexed attempt, oldest first, so that a retry's newer entry wins. */
function indexPending(): void {
  if (unindexed.size > 0) unindexed.drainOldestFirst(hashRegistration);
}

function hashRegistration(registration: NodeRegistration): void {
  registration.indexed = true;
  indexed.set(registration.checkpointNs, registration);
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
  indexPending();
  return indexed.get(checkpointNs)?.entry;
}

/** Number of attempts in flight (tests check that nothing leaks). */
export function nodeAttemptsInFlight(): number {
  return registeredCount;
}
