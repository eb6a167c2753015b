import { type Attributes, diag } from "@opentelemetry/api";
import { metrics } from "@opentelemetry/sdk-node";
import {
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_LANGGRAPH_CACHE_RESULT,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO,
  ATTR_LANGGRAPH_HUMAN_DECISION,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OPERATION,
  ATTR_LANGGRAPH_OUTCOME,
  CACHE_RESULT_HIT,
  GEN_AI_TOKEN_TYPE_INPUT,
  GEN_AI_TOKEN_TYPE_OUTPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_LANGGRAPH_CACHE_REQUESTS,
  METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS,
  METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS,
  METRIC_LANGGRAPH_HUMAN_DECISIONS,
  METRIC_LANGGRAPH_LLM_COST,
  METRIC_LANGGRAPH_NODE_RETRIES,
  METRIC_LANGGRAPH_RETRY_ATTEMPTS,
  METRIC_LANGGRAPH_TIMEOUTS,
} from "../semconv.js";

/** A pull reader next to the Prometheus one: the summary reads the same instruments. */
export class SummaryMetricReader extends metrics.MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface ModelUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Undefined when no price is known for the model (never a false zero). */
  costUsd: number | undefined;
}

export interface MetricSummary {
  models: Map<string, ModelUsage>;
  nodeRetries: Map<string, number>;
  /** withRetry attempts by outcome. */
  retryAttempts: Map<string, number>;
  cache: { hits: number; misses: number };
  /** Breaker name -> transitions into each state. */
  breakerTransitions: Map<string, Map<string, number>>;
  fallbacks: number;
  /** withTimeout expiries by operation. */
  timeouts: Map<string, number>;
  humanDecisions: Map<string, number>;
}

interface Point {
  attributes: Attributes;
  /** Counter value, or histogram sum. */
  value: number;
  /** Histogram count (1 for a counter point). */
  count: number;
}

/** Collects the reader and folds the instruments the summary shows. */
export async function readMetricSummary(reader: metrics.MetricReader): Promise<MetricSummary> {
  const points = new Map<string, Point[]>();
  try {
    const { resourceMetrics, errors } = await reader.collect();
    for (const error of errors) diag.warn("langgraph-otel demo: metric collection", error);
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        const list = points.get(metric.descriptor.name) ?? [];
        for (const point of metric.dataPoints as ReadonlyArray<{ attributes: Attributes; value: unknown }>) {
          list.push(toPoint(point.attributes, point.value));
        }
        points.set(metric.descriptor.name, list);
      }
    }
  } catch (error) {
    diag.warn("langgraph-otel demo: cannot read metrics", error);
  }
  const of = (name: string) => points.get(name) ?? [];

  const models = new Map<string, ModelUsage>();
  const model = (attributes: Attributes) => {
    const name = String(attributes[ATTR_GEN_AI_REQUEST_MODEL] ?? "unknown");
    let usage = models.get(name);
    if (!usage) {
      usage = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: undefined };
      models.set(name, usage);
    }
    return usage;
  };
  for (const p of of(METRIC_GEN_AI_CLIENT_OPERATION_DURATION)) model(p.attributes).calls += p.count;
  for (const p of of(METRIC_GEN_AI_CLIENT_TOKEN_USAGE)) {
    const type = p.attributes[ATTR_GEN_AI_TOKEN_TYPE];
    if (type === GEN_AI_TOKEN_TYPE_INPUT) model(p.attributes).inputTokens += p.value;
    if (type === GEN_AI_TOKEN_TYPE_OUTPUT) model(p.attributes).outputTokens += p.value;
  }
  for (const p of of(METRIC_LANGGRAPH_LLM_COST)) {
    const usage = model(p.attributes);
    usage.costUsd = (usage.costUsd ?? 0) + p.value;
  }

  const cache = { hits: 0, misses: 0 };
  for (const p of of(METRIC_LANGGRAPH_CACHE_REQUESTS)) {
    if (p.attributes[ATTR_LANGGRAPH_CACHE_RESULT] === CACHE_RESULT_HIT) cache.hits += p.value;
    else cache.misses += p.value;
  }
  const breakerTransitions = new Map<string, Map<string, number>>();
  for (const p of of(METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS)) {
    const name = String(p.attributes[ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME] ?? "breaker");
    const byState = breakerTransitions.get(name) ?? new Map<string, number>();
    add(byState, String(p.attributes[ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO] ?? "?"), p.value);
    breakerTransitions.set(name, byState);
  }
  return {
    models,
    nodeRetries: sumBy(of(METRIC_LANGGRAPH_NODE_RETRIES), ATTR_LANGGRAPH_NODE_NAME),
    retryAttempts: sumBy(of(METRIC_LANGGRAPH_RETRY_ATTEMPTS), ATTR_LANGGRAPH_OUTCOME),
    cache,
    breakerTransitions,
    fallbacks: of(METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS).reduce((n, p) => n + p.value, 0),
    timeouts: sumBy(of(METRIC_LANGGRAPH_TIMEOUTS), ATTR_LANGGRAPH_OPERATION),
    humanDecisions: sumBy(of(METRIC_LANGGRAPH_HUMAN_DECISIONS), ATTR_LANGGRAPH_HUMAN_DECISION),
  };
}

function toPoint(attributes: Attributes, value: unknown): Point {
  if (typeof value === "number") return { attributes, value, count: 1 };
  if (typeof value === "object" && value !== null && "sum" in value && "count" in value) {
    const { sum, count } = value;
    return { attributes, value: typeof sum === "number" ? sum : 0, count: Number(count) };
  }
  return { attributes, value: 0, count: 0 };
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function sumBy(points: readonly Point[], attribute: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const p of points) add(sums, String(p.attributes[attribute] ?? "unknown"), p.value);
  return sums;
}
