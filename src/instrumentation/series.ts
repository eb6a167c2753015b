import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  type Outcome,
  SPAN_INVOKE_NODE,
  SPAN_INVOKE_WORKFLOW,
} from "../semconv.js";
import { metricErrorType } from "../series-budget.js";
import { spanName } from "./utils.js";

/**
 * The metric attributes of one series (a workflow, or a node of a workflow), alone and
 * with each outcome. Made once and reused on every run: the metrics SDK hashes the
 * attribute object on each record, which costs about three times as much for a fresh
 * object as for one it has hashed before. The objects are shared, so never mutate them.
 */
export class SeriesAttributes {
  private readonly withOutcomes = new Map<Outcome, Attributes>();

  constructor(readonly base: Attributes) {}

  /** `base` plus the outcome and, for errors, `error.type` (not cached: unbounded). */
  withOutcome(outcome: Outcome, errorType?: string): Attributes {
    if (errorType !== undefined) {
      return { ...this.base, [ATTR_LANGGRAPH_OUTCOME]: outcome, [ATTR_ERROR_TYPE]: metricErrorType(errorType) };
    }
    let attributes = this.withOutcomes.get(outcome);
    if (attributes === undefined) {
      attributes = { ...this.base, [ATTR_LANGGRAPH_OUTCOME]: outcome };
      this.withOutcomes.set(outcome, attributes);
    }
    return attributes;
  }
}

/** What every run of one workflow, or every attempt of one node, shares. */
export interface Series {
  readonly spanName: string;
  readonly attributes: SeriesAttributes;
}

/**
 * Series beyond this many are made afresh on each use instead of kept: graphs built with
 * generated names must not grow memory without bound.
 */
export const MAX_CACHED_SERIES = 10_000;

/** The series of the workflows and nodes seen so far, up to `MAX_CACHED_SERIES`. */
export class SeriesCache {
  private readonly workflows = new Map<string, Series>();
  private readonly nodes = new Map<string, Map<string, Series>>();
  private size = 0;

  workflow(workflowName: string): Series {
    const cached = this.workflows.get(workflowName);
    if (cached !== undefined) return cached;
    const series: Series = {
      spanName: spanName(SPAN_INVOKE_WORKFLOW, workflowName),
      attributes: new SeriesAttributes({ [ATTR_GEN_AI_WORKFLOW_NAME]: workflowName }),
    };
    if (this.admit()) this.workflows.set(workflowName, series);
    return series;
  }

  node(workflowName: string, nodeName: string): Series {
    let ofWorkflow = this.nodes.get(workflowName);
    const cached = ofWorkflow?.get(nodeName);
    if (cached !== undefined) return cached;
    const series: Series = {
      spanName: spanName(SPAN_INVOKE_NODE, nodeName),
      attributes: new SeriesAttributes({
        [ATTR_GEN_AI_WORKFLOW_NAME]: workflowName,
        [ATTR_LANGGRAPH_NODE_NAME]: nodeName,
      }),
    };
    if (this.admit()) {
      if (ofWorkflow === undefined) {
        ofWorkflow = new Map();
        this.nodes.set(workflowName, ofWorkflow);
      }
      ofWorkflow.set(nodeName, series);
    }
    return series;
  }

  private admit(): boolean {
    if (this.size >= MAX_CACHED_SERIES) return false;
    this.size += 1;
    return true;
  }
}
