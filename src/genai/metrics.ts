import type { Counter, Histogram, Meter } from "@opentelemetry/api";
import { durationHistogramOptions, metricOptions } from "../instrumentation/metrics.js";
import {
  GENAI_DURATION_BUCKETS_SECONDS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_LANGGRAPH_RETRIEVAL_DURATION,
  METRIC_LANGGRAPH_HUMAN_DECISIONS,
  METRIC_LANGGRAPH_LLM_COST,
  METRIC_LANGGRAPH_LLM_COST_UNPRICED,
  METRIC_LANGGRAPH_LLM_RETRIES,
  TOKEN_BUCKETS,
} from "../semconv.js";

/** The model, tool, cost and human-decision instruments of the contract. */
export interface GenAIInstruments {
  tokenUsage: Histogram;
  operationDuration: Histogram;
  timeToFirstChunk: Histogram;
  toolDuration: Histogram;
  retrievalDuration: Histogram;
  cost: Counter;
  costUnpriced: Counter;
  llmRetries: Counter;
  humanDecisions: Counter;
}

export function createGenAIInstruments(meter: Meter): GenAIInstruments {
  return {
    tokenUsage: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      ...metricOptions(METRIC_GEN_AI_CLIENT_TOKEN_USAGE),
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    operationDuration: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      ...metricOptions(METRIC_GEN_AI_CLIENT_OPERATION_DURATION),
      advice: { explicitBucketBoundaries: GENAI_DURATION_BUCKETS_SECONDS },
    }),
    timeToFirstChunk: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, {
      ...metricOptions(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK),
      advice: { explicitBucketBoundaries: GENAI_DURATION_BUCKETS_SECONDS },
    }),
    toolDuration: meter.createHistogram(
      METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
      durationHistogramOptions(METRIC_GEN_AI_EXECUTE_TOOL_DURATION),
    ),
    retrievalDuration: meter.createHistogram(
      METRIC_LANGGRAPH_RETRIEVAL_DURATION,
      durationHistogramOptions(METRIC_LANGGRAPH_RETRIEVAL_DURATION),
    ),
    cost: meter.createCounter(METRIC_LANGGRAPH_LLM_COST, metricOptions(METRIC_LANGGRAPH_LLM_COST)),
    costUnpriced: meter.createCounter(
      METRIC_LANGGRAPH_LLM_COST_UNPRICED,
      metricOptions(METRIC_LANGGRAPH_LLM_COST_UNPRICED),
    ),
    llmRetries: meter.createCounter(METRIC_LANGGRAPH_LLM_RETRIES, metricOptions(METRIC_LANGGRAPH_LLM_RETRIES)),
    humanDecisions: meter.createCounter(
      METRIC_LANGGRAPH_HUMAN_DECISIONS,
      metricOptions(METRIC_LANGGRAPH_HUMAN_DECISIONS),
    ),
  };
}
