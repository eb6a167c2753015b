/**
 * Prometheus names of the telemetry contract, as a real scrape of
 * `@opentelemetry/exporter-prometheus` shows them. Every dashboard query takes its metric
 * and label names from here, and this file takes them from `src/semconv.ts`: nothing in
 * the dashboards spells a name by hand.
 */
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_CACHE_NAME,
  ATTR_LANGGRAPH_CACHE_RESULT,
  ATTR_LANGGRAPH_CACHE_TIER,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO,
  ATTR_LANGGRAPH_FALLBACK_LEVEL,
  ATTR_LANGGRAPH_HUMAN_DECISION,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OPERATION,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_OTEL_COMPONENT_NAME,
  METRICS,
  prometheusLabel,
  prometheusName,
} from "../../src/semconv.js";

/**
 * The label that tells services apart. exporter-prometheus puts resource attributes
 * (`service.name`) in `target_info`, not on each series, so the dashboards use the
 * scrape's `job` label: scrape each service in a job named after its `service.name`.
 */
export const SERVICE_LABEL = "job";

/** Prometheus label names of the contract attributes the dashboards group and filter by. */
export const LABEL = {
  workflow: prometheusLabel(ATTR_GEN_AI_WORKFLOW_NAME),
  node: prometheusLabel(ATTR_LANGGRAPH_NODE_NAME),
  outcome: prometheusLabel(ATTR_LANGGRAPH_OUTCOME),
  errorType: prometheusLabel(ATTR_ERROR_TYPE),
  model: prometheusLabel(ATTR_GEN_AI_REQUEST_MODEL),
  provider: prometheusLabel(ATTR_GEN_AI_PROVIDER_NAME),
  tokenType: prometheusLabel(ATTR_GEN_AI_TOKEN_TYPE),
  genAiOperation: prometheusLabel(ATTR_GEN_AI_OPERATION_NAME),
  tool: prometheusLabel(ATTR_GEN_AI_TOOL_NAME),
  operation: prometheusLabel(ATTR_LANGGRAPH_OPERATION),
  breaker: prometheusLabel(ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME),
  breakerTo: prometheusLabel(ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO),
  fallbackLevel: prometheusLabel(ATTR_LANGGRAPH_FALLBACK_LEVEL),
  cache: prometheusLabel(ATTR_LANGGRAPH_CACHE_NAME),
  cacheResult: prometheusLabel(ATTR_LANGGRAPH_CACHE_RESULT),
  cacheTier: prometheusLabel(ATTR_LANGGRAPH_CACHE_TIER),
  decision: prometheusLabel(ATTR_LANGGRAPH_HUMAN_DECISION),
  component: prometheusLabel(ATTR_OTEL_COMPONENT_NAME),
} as const;

/**
 * The exported series name of a contract metric. Up-down counters export as gauges (no
 * `_total`); counters get `_total`. Unknown names throw, so a typo fails generation.
 */
export function promMetric(name: string): string {
  const def = METRICS.find((metric) => metric.name === name);
  if (def === undefined) throw new Error(`metric ${name} is not in the semconv METRICS table`);
  const kind = def.kind === "updowncounter" ? "gauge" : def.kind;
  return prometheusName(def.name, kind);
}

function histogram(name: string): string {
  const def = METRICS.find((metric) => metric.name === name);
  if (def?.kind !== "histogram") throw new Error(`metric ${name} is not a histogram`);
  return promMetric(name);
}

/** `<histogram>_bucket` */
export const bucket = (name: string): string => `${histogram(name)}_bucket`;
/** `<histogram>_count` */
export const count = (name: string): string => `${histogram(name)}_count`;
/** `<histogram>_sum` */
export const sum = (name: string): string => `${histogram(name)}_sum`;
