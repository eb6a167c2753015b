/**
 * How other parts of the SDK learn the outcome of a cache lookup.
 *
 * LangChain looks the cache up inside `BaseChatModel.generate`, after
 * `handleChatModelStart` and in the caller's async context: the active OTel span there is
 * whatever the caller made active (the node span inside a LangGraph node), not the `chat`
 * span, which callback handlers create without activating. So a lookup is published three
 * ways:
 *  1. attributes on the active span (`langgraph.cache.hit`, `.result`, `.name`);
 *  2. `onCacheLookup(listener)`: a synchronous notification in the lookup's own context;
 *  3. `takeCacheLookup(checkpointNs)`: the latest unread lookup made inside the LangGraph
 *     task with that `langgraph_checkpoint_ns` (read from LangChain's async-local config),
 *     the key the GenAI handler already uses to parent its `chat` spans. It can call it
 *     in `handleLLMEnd` and mark the chat span with `setCacheLookupAttributes`.
 * (LangChain also passes `{ cached: true }` as `handleLLMEnd`'s extra params on a hit.)
 */
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { diag, type Span, trace } from "@opentelemetry/api";
import {
  ATTR_LANGGRAPH_CACHE_HIT,
  ATTR_LANGGRAPH_CACHE_NAME,
  ATTR_LANGGRAPH_CACHE_RESULT,
  ATTR_LANGGRAPH_CACHE_SIMILARITY,
  ATTR_LANGGRAPH_CACHE_TIER,
  CACHE_RESULT_HIT,
  CACHE_RESULT_MISS,
} from "../semconv.js";

export interface CacheLookup {
  /** `langgraph.cache.name` of the cache that was asked. */
  cache: string;
  /** `langgraph.cache.tier` of the tier that was asked, when the cache has tiers. */
  tier?: string;
  hit: boolean;
  result: typeof CACHE_RESULT_HIT | typeof CACHE_RESULT_MISS;
  /** Cosine similarity of a semantic hit (exact hits have none). */
  similarity?: number;
  /** `langgraph_checkpoint_ns` of the LangGraph task that looked up, if any. */
  checkpointNs?: string;
  /** The span that was active during the lookup, if any. */
  span?: Span;
}

export type CacheLookupListener = (lookup: CacheLookup) => void;

const listeners = new Set<CacheLookupListener>();

/** Task namespaces remembered for `takeCacheLookup`; the oldest is dropped beyond this. */
const MAX_NAMESPACES = 1024;
const MAX_PER_NAMESPACE = 16;
const unread = new Map<string, CacheLookup[]>();

/** Calls `listener` synchronously after each lookup; returns the unsubscribe function. */
export function onCacheLookup(listener: CacheLookupListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Removes and returns the latest lookup made inside the task `checkpointNs`. */
export function takeCacheLookup(checkpointNs: string): CacheLookup | undefined {
  const queue = unread.get(checkpointNs);
  const lookup = queue?.pop();
  if (queue !== undefined && queue.length === 0) unread.delete(checkpointNs);
  return lookup;
}

/** Marks a span (for example a `chat` span) with a lookup's outcome. */
export function setCacheLookupAttributes(span: Span, lookup: CacheLookup): void {
  span.setAttributes({
    [ATTR_LANGGRAPH_CACHE_HIT]: lookup.hit,
    [ATTR_LANGGRAPH_CACHE_RESULT]: lookup.result,
    [ATTR_LANGGRAPH_CACHE_NAME]: lookup.cache,
  });
  if (lookup.tier !== undefined) span.setAttribute(ATTR_LANGGRAPH_CACHE_TIER, lookup.tier);
  if (lookup.similarity !== undefined) {
    span.setAttribute(ATTR_LANGGRAPH_CACHE_SIMILARITY, lookup.similarity);
  }
}

function currentCheckpointNs(): string | undefined {
  const config: unknown = AsyncLocalStorageProviderSingleton.getRunnableConfig();
  if (typeof config !== "object" || config === null) return undefined;
  const metadata = (config as { metadata?: unknown }).metadata;
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const ns = (metadata as { langgraph_checkpoint_ns?: unknown }).langgraph_checkpoint_ns;
  return typeof ns === "string" ? ns : undefined;
}

function remember(lookup: CacheLookup): void {
  if (lookup.checkpointNs === undefined) return;
  let queue = unread.get(lookup.checkpointNs);
  if (queue === undefined) {
    if (unread.size >= MAX_NAMESPACES) {
      const oldest = unread.keys().next();
      if (oldest.done !== true) unread.delete(oldest.value);
    }
    queue = [];
    unread.set(lookup.checkpointNs, queue);
  }
  queue.push(lookup);
  if (queue.length > MAX_PER_NAMESPACE) queue.shift();
}

/** Publishes a lookup (called by the cache); never throws. */
export function publishCacheLookup(
  lookup: Omit<CacheLookup, "checkpointNs" | "span" | "result">,
): void {
  try {
    const span = trace.getActiveSpan();
    const full: CacheLookup = {
      ...lookup,
      result: lookup.hit ? CACHE_RESULT_HIT : CACHE_RESULT_MISS,
      checkpointNs: currentCheckpointNs(),
      span,
    };
    if (span !== undefined) setCacheLookupAttributes(span, full);
    remember(full);
    for (const listener of listeners) {
      try {
        listener(full);
      } catch (err) {
        diag.warn("langgraph-otel: a cache lookup listener threw", err);
      }
    }
  } catch (err) {
    diag.warn("langgraph-otel: publishing a cache lookup failed", err);
  }
}
