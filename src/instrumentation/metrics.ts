import type { Counter, Histogram, Meter, UpDownCounter } from "@opentelemetry/api";
import {
  DURATION_BUCKETS_SECONDS,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_INTERRUPTS,
  METRIC_LANGGRAPH_NODE_DURATION,
  METRIC_LANGGRAPH_NODE_RETRIES,
  METRIC_LANGGRAPH_WORKFLOW_ACTIVE,
  METRICS,
} from "../semconv.js";

/** The graph and node instruments of the telemetry contract, made on one meter. */
export interface GraphInstruments {
  workflowDuration: Histogram;
  workflowActive: UpDownCounter;
  nodeDuration: Histogram;
  nodeRetries: Counter;
  interrupts: Counter;
}

/** Description and unit of a contract metric, from the semconv table. */
export function metricOptions(name: string): { description: string; unit: string } {
  const def = METRICS.find((metric) => metric.name === name);
  if (def === undefined) throw new Error(`metric ${name} is not in the semconv METRICS table`);
  return { description: def.description, unit: def.unit };
}

/** Duration histogram options with bucket advice that fits agents. */
export function durationHistogramOptions(name: string) {
  return {
    ...metricOptions(name),
    advice: { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS },
  };
}

export function createGraphInstruments(meter: Meter): GraphInstruments {
  return {
    workflowDuration: meter.createHistogram(
      METRIC_GEN_AI_WORKFLOW_DURATION,
      durationHistogramOptions(METRIC_GEN_AI_WORKFLOW_DURATION),
    ),
    workflowActive: meter.createUpDownCounter(
      METRIC_LANGGRAPH_WORKFLOW_ACTIVE,
      metricOptions(METRIC_LANGGRAPH_WORKFLOW_ACTIVE),
    ),
    nodeDuration: meter.createHistogram(
      METRIC_LANGGRAPH_NODE_DURATION,
      durationHistogramOptions(METRIC_LANGGRAPH_NODE_DURATION),
    ),
    nodeRetries: meter.createCounter(
      METRIC_LANGGRAPH_NODE_RETRIES,
      metricOptions(METRIC_LANGGRAPH_NODE_RETRIES),
    ),
    interrupts: meter.createCounter(
      METRIC_LANGGRAPH_INTERRUPTS,
      metricOptions(METRIC_LANGGRAPH_INTERRUPTS),
    ),
  };
}
