import { type Context, diag, type Span, trace } from "@opentelemetry/api";
import {
  ATTR_LANGGRAPH_HUMAN_DECISION,
  EVENT_LANGGRAPH_HUMAN_DECISION,
  HUMAN_DECISIONS,
  type HumanDecision,
} from "../semconv.js";

/**
 * Was the span processor that linked resumed runs to interrupted ones within one process.
 * The LangGraph instrumentation now makes that link itself, at the resumed run's span
 * start, from a record on the thread's checkpoint (any process, see
 * instrumentation/resume-link.ts). Kept so that code registering it still compiles.
 * @deprecated Remove it from `spanProcessors`; it does nothing.
 */
export class InterruptLinkSpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(_span: unknown): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface HumanDecisionOptions {
  /** `gen_ai.workflow.name` of the graph the decision belongs to. */
  workflowName?: string;
  /** Span to annotate; default: the active span (the node span inside a node). */
  span?: Span;
}

/** Records decisions on the counter of the instrumentation that is enabled. */
export type DecisionRecorder = (decision: HumanDecision, options: HumanDecisionOptions) => void;

let currentRecorder: DecisionRecorder | undefined;

export function setDecisionRecorder(recorder: DecisionRecorder | undefined): void {
  currentRecorder = recorder;
}

export function isHumanDecision(value: unknown): value is HumanDecision {
  return typeof value === "string" && (HUMAN_DECISIONS as readonly string[]).includes(value);
}

/**
 * Records what the human decided at an interrupt (`approved`, `rejected`, `edited`):
 * a `langgraph.human.decisions` point and an event on the active (node) span, so the
 * approval rate is a metric. Unknown decisions are ignored (metric cardinality). Never
 * throws.
 */
export function recordHumanDecision(decision: HumanDecision, options: HumanDecisionOptions = {}): void {
  try {
    if (!isHumanDecision(decision)) {
      diag.warn(`langgraph-otel: ignored human decision ${String(decision)}; use one of ${HUMAN_DECISIONS.join(", ")}`);
      return;
    }
    const span = options.span ?? trace.getActiveSpan();
    span?.addEvent(EVENT_LANGGRAPH_HUMAN_DECISION, { [ATTR_LANGGRAPH_HUMAN_DECISION]: decision });
    currentRecorder?.(decision, options);
  } catch (err) {
    diag.error("langgraph-otel: recordHumanDecision failed", err);
  }
}
