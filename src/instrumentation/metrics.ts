import type { Attributes, Counter, Histogram, Meter, ObservableResult } from "@opentelemetry/api";
import {
  DURATION_BUCKETS_SECONDS,
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_LANGGRAPH_INTERRUPT_WAIT,
  METRIC_LANGGRAPH_INTERRUPTS,
  METRIC_LANGGRAPH_NODE_DURATION,
  METRIC_LANGGRAPH_NODE_RETRIES,
  METRIC_LANGGRAPH_WORKFLOW_ACTIVE,
  METRICS,
  WAIT_BUCKETS_SECONDS,
} from "../semconv.js";
import { MAX_CACHED_SERIES } from "./series.js";

/**
 * Runs in progress per workflow, read by an observable up-down counter at each collection.
 * Two synchronous `add` calls per run would have the metrics SDK hash the attributes twice
 * a run; a count kept here costs a Map update keyed by the workflow's name.
 */
export class ActiveWorkflows {
  private readonly counts = new Map<string, { attributes: Attributes; value: number }>();

  add(delta: 1 | -1, workflowName: string, attributes: Attributes): void {
    const entry = this.counts.get(workflowName);
    if (entry === undefined) {
      this.counts.set(workflowName, { attributes, value: delta });
      return;
    }
    entry.value += delta;
    // Past the series bound, idle workflows are forgotten (generated graph names).
    if (entry.value === 0 && this.counts.size > MAX_CACHED_SERIES) this.counts.delete(workflowName);
  }

  observe(result: ObservableResult): void {
    for (const { attributes, value } of this.counts.values()) result.observe(value, attributes);
  }
}

/** The graph and node instruments of the telemetry contract, made on one meter. */
export interface GraphInstruments {
  workflowDuration: Histogram;
  workflowActive: ActiveWorkflows;
  nodeDuration: Histogram;
  nodeRetries: Counter;
  interrupts: Counter;
  /** Made here, not by the GenAI instrumentation: the run's span start records it. */
  interruptWait: Histogram;
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

/** `active` outlives the instruments: a new meter provider must see runs already under way. */
export function createGraphInstruments(meter: Meter, active = new ActiveWorkflows()): GraphInstruments {
  meter
    .createObservableUpDownCounter(METRIC_LANGGRAPH_WORKFLOW_ACTIVE, metricOptions(METRIC_LANGGRAPH_WORKFLOW_ACTIVE))
    .addCallback((result) => active.observe(result));
  return {
    workflowDuration: meter.createHistogram(
      METRIC_GEN_AI_WORKFLOW_DURATION,
      durationHistogramOptions(METRIC_GEN_AI_WORKFLOW_DURATION),
    ),
    workflowActive: active,
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
    interruptWait: meter.createHistogram(METRIC_LANGGRAPH_INTERRUPT_WAIT, {
      ...metricOptions(METRIC_LANGGRAPH_INTERRUPT_WAIT),
      advice: { explicitBucketBoundaries: WAIT_BUCKETS_SECONDS },
    }),
  };
}
