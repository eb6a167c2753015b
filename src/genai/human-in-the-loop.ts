import {
  type Attributes,
  type Context,
  diag,
  type HrTime,
  type Span,
  type SpanContext,
  trace,
} from "@opentelemetry/api";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_HUMAN_DECISION,
  ATTR_LANGGRAPH_INTERRUPT_WAIT,
  ATTR_LANGGRAPH_LINK_TYPE,
  ATTR_LANGGRAPH_OUTCOME,
  EVENT_LANGGRAPH_HUMAN_DECISION,
  HUMAN_DECISIONS,
  type HumanDecision,
  LINK_TYPE_INTERRUPT_RESUME,
  OUTCOME_INTERRUPTED,
  SPAN_INVOKE_WORKFLOW,
} from "../semconv.js";
import type { GenAIInstruments } from "./metrics.js";

/**
 * The parts of the SDK's ReadableSpan this module reads, typed structurally so that the
 * SDK (a dependency of the application's setup, not of this module) is not imported.
 */
export interface EndedSpan {
  readonly attributes: Attributes;
  readonly endTime: HrTime;
  spanContext(): SpanContext;
}

/** An interrupted run waiting for its human, per thread. */
interface PendingInterrupt {
  spanContext: SpanContext;
  endTime: HrTime;
  workflowName: string | undefined;
}

/** Threads remembered at most (oldest first out): a bound, not a policy. */
const MAX_PENDING_THREADS = 10_000;
const WORKFLOW_PREFIX = `${SPAN_INVOKE_WORKFLOW} `;

function hrSeconds(time: HrTime): number {
  return time[0] + time[1] / 1e9;
}

function stringAttr(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Links a resumed run to the run whose interrupt it answers and records how long the
 * human took, by watching the core's `invoke_workflow` spans: a top-level run of a
 * thread that ends `interrupted` is remembered (span context, end time); the next
 * top-level run of that thread gets a link to it and a `langgraph.interrupt.wait` point.
 */
export class InterruptTracker {
  private readonly pending = new Map<string, PendingInterrupt>();
  /** Open workflow span ids, to tell top-level runs from subgraph runs. */
  private readonly openWorkflows = new Set<string>();
  /** Open top-level workflow span id → its thread. */
  private readonly topLevel = new Map<string, string>();

  constructor(
    private readonly instruments: () => GenAIInstruments | undefined,
    private readonly active: () => boolean,
  ) {}

  pendingThreads(): number {
    return this.pending.size;
  }

  onStart(span: Span, parentContext: Context): void {
    // The SDK's span exposes its name, attributes and start time as fields.
    const readable = span as unknown as { name?: unknown; attributes?: Attributes; startTime?: HrTime };
    if (typeof readable.name !== "string" || !readable.name.startsWith(WORKFLOW_PREFIX)) return;
    const spanId = span.spanContext().spanId;
    this.openWorkflows.add(spanId);
    const parentId = trace.getSpanContext(parentContext)?.spanId;
    if (parentId !== undefined && this.openWorkflows.has(parentId)) return; // a subgraph
    const thread = stringAttr(readable.attributes ?? {}, ATTR_GEN_AI_CONVERSATION_ID);
    if (thread === undefined) return;
    this.topLevel.set(spanId, thread);
    const waiting = this.pending.get(thread);
    if (waiting === undefined || !this.active()) return;
    this.pending.delete(thread);
    const startTime = readable.startTime;
    const wait = startTime === undefined ? undefined : hrSeconds(startTime) - hrSeconds(waiting.endTime);
    span.addLink({
      context: waiting.spanContext,
      attributes: { [ATTR_LANGGRAPH_LINK_TYPE]: LINK_TYPE_INTERRUPT_RESUME },
    });
    if (wait === undefined || wait < 0) return;
    span.setAttribute(ATTR_LANGGRAPH_INTERRUPT_WAIT, wait);
    const attributes: Attributes = {};
    const workflow = waiting.workflowName ?? stringAttr(readable.attributes ?? {}, ATTR_GEN_AI_WORKFLOW_NAME);
    if (workflow !== undefined) attributes[ATTR_GEN_AI_WORKFLOW_NAME] = workflow;
    this.instruments()?.interruptWait.record(wait, attributes);
  }

  onEnd(span: EndedSpan): void {
    const spanId = span.spanContext().spanId;
    if (!this.openWorkflows.delete(spanId)) return;
    const thread = this.topLevel.get(spanId);
    if (thread === undefined) return;
    this.topLevel.delete(spanId);
    if (span.attributes[ATTR_LANGGRAPH_OUTCOME] !== OUTCOME_INTERRUPTED || !this.active()) return;
    if (this.pending.size >= MAX_PENDING_THREADS && !this.pending.has(thread)) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    this.pending.delete(thread); // re-insert: most recent last
    this.pending.set(thread, {
      spanContext: span.spanContext(),
      endTime: span.endTime,
      workflowName: stringAttr(span.attributes, ATTR_GEN_AI_WORKFLOW_NAME),
    });
  }

  clear(): void {
    this.pending.clear();
    this.openWorkflows.clear();
    this.topLevel.clear();
  }
}

/**
 * The SpanProcessor face of an InterruptTracker. Add it to the tracer provider next to
 * the exporter's processor (`spanProcessors` of NodeSDK / BasicTracerProvider).
 */
export class InterruptLinkSpanProcessor {
  constructor(private readonly tracker: InterruptTracker) {}

  onStart(span: Span, parentContext: Context): void {
    try {
      this.tracker.onStart(span, parentContext);
    } catch (err) {
      diag.error("langgraph-otel: interrupt link failed", err);
    }
  }

  onEnd(span: EndedSpan): void {
    try {
      this.tracker.onEnd(span);
    } catch (err) {
      diag.error("langgraph-otel: interrupt tracking failed", err);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.tracker.clear();
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
