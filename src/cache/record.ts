/**
 * One lookup's telemetry, the same for every cache: `langgraph.cache.requests` (name,
 * result, tier, `error.type` when the cache could not answer) and the published lookup
 * (lookup-events.ts). Used by our caches, by TieredCache for tiers that do not report
 * themselves, and by the GenAI instrumentation for any other LangChain BaseCache.
 */
import type { Attributes, MeterProvider } from "@opentelemetry/api";
import { count } from "../resilience/telemetry.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_LANGGRAPH_CACHE_NAME,
  ATTR_LANGGRAPH_CACHE_RESULT,
  ATTR_LANGGRAPH_CACHE_TIER,
  CACHE_RESULT_HIT,
  CACHE_RESULT_MISS,
} from "../semconv.js";
import { publishCacheLookup } from "./lookup-events.js";

/**
 * Marks a cache that records its own lookups, so that nothing counts them twice.
 * `Symbol.for`: the ESM and CJS copies of this package see the same key.
 */
export const REPORTS_ITSELF: unique symbol = Symbol.for("langgraph-otel.cache.reports-itself") as never;

export function reportsItself(cache: unknown): boolean {
  return typeof cache === "object" && cache !== null && (cache as { [REPORTS_ITSELF]?: unknown })[REPORTS_ITSELF] === true;
}

export interface LookupRecord {
  cache: string;
  tier?: string;
  hit: boolean;
  similarity?: number;
  /** Why the cache could not answer (the lookup then counts as a miss). */
  errorType?: string;
}

export function recordLookup(meterProvider: MeterProvider | undefined, lookup: LookupRecord): void {
  const attributes: Attributes = {
    [ATTR_LANGGRAPH_CACHE_NAME]: lookup.cache,
    [ATTR_LANGGRAPH_CACHE_RESULT]: lookup.hit ? CACHE_RESULT_HIT : CACHE_RESULT_MISS,
  };
  if (lookup.tier !== undefined) attributes[ATTR_LANGGRAPH_CACHE_TIER] = lookup.tier;
  if (lookup.errorType !== undefined) attributes[ATTR_ERROR_TYPE] = lookup.errorType;
  count(meterProvider, (i) => i.cacheRequests, attributes);
  publishCacheLookup({
    cache: lookup.cache,
    hit: lookup.hit,
    ...(lookup.tier !== undefined ? { tier: lookup.tier } : {}),
    ...(lookup.similarity !== undefined ? { similarity: lookup.similarity } : {}),
  });
}
