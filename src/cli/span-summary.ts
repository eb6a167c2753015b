import { type Context, diag, SpanStatusCode } from "@opentelemetry/api";
import type { tracing } from "@opentelemetry/sdk-node";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_LANGGRAPH_NODE_ATTEMPT,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_LANGGRAPH_STEP,
  OUTCOME_ERROR,
  OUTCOME_INTERRUPTED,
  OUTCOME_OK,
  SPAN_EXECUTE_TOOL,
  SPAN_INVOKE_NODE,
  SPAN_INVOKE_WORKFLOW,
} from "../semconv.js";
import { LogHistogram } from "./log-histogram.js";

type ReadableSpan = tracing.ReadableSpan;

export interface NodeStats {
  attempts: number;
  errors: number;
  interrupts: number;
  /** Attempts after the first (langgraph.node.attempt > 1). */
  retries: number;
  durations: LogHistogram;
  /** Earliest superstep the node ran in: orders the table like the graph. */
  firstStep: number;
}

export interface ToolStats {
  calls: number;
  errors: number;
}

/** Spans still open in a trace are few; this bounds what a lost root could leak. */
const MAX_TRACES_IN_FLIGHT = 2000;

/**
 * A span processor that keeps what the demo's summary shows, computed from the very
 * spans the SDK exports: per-node and per-tool statistics, run outcomes, and every
 * trace of one chosen conversation (the sample shown as a tree). Memory stays bounded in
 * load mode: statistics are counters and log histograms, and only the sample's spans
 * are kept.
 */
export class SummarySpanProcessor implements tracing.SpanProcessor {
  readonly nodes = new Map<string, NodeStats>();
  readonly tools = new Map<string, ToolStats>();
  readonly runOutcomes = new Map<string, number>();
  readonly runDurations = new LogHistogram();
  private readonly inFlight = new Map<string, ReadableSpan[]>();
  /** Candidate conversations -> their traces, in the order their root spans ended. */
  private readonly candidates = new Map<string, ReadableSpan[][]>();

  /** Keep the traces whose root span carries one of these `gen_ai.conversation.id`s. */
  keepConversations(conversationIds: readonly string[]): void {
    for (const id of conversationIds) if (!this.candidates.has(id)) this.candidates.set(id, []);
  }

  /**
   * The conversation to show: the first candidate whose runs all ended without error
   * and that was resumed after an interrupt, else the first without error, else the
   * first with any trace.
   */
  sample(): { conversationId: string; traces: ReadableSpan[][] } | undefined {
    const recorded = [...this.candidates].filter(([, traces]) => traces.length > 0);
    const clean = recorded.filter(([, traces]) => traces.every((t) => rootOutcome(t) !== OUTCOME_ERROR));
    const best = clean.find(([, traces]) => traces.length > 1) ?? clean[0] ?? recorded[0];
    return best && { conversationId: best[0], traces: best[1] };
  }

  onStart(_span: tracing.Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    try {
      this.record(span);
    } catch (error) {
      // The summary is a bystander: it must never break span export.
      diag.warn("langgraph-otel demo: cannot summarise a span", error);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.inFlight.clear();
    return Promise.resolve();
  }

  private record(span: ReadableSpan): void {
    const [prefix] = span.name.split(" ", 1);
    if (prefix === SPAN_INVOKE_NODE) this.recordNode(span);
    else if (prefix === SPAN_EXECUTE_TOOL) this.recordTool(span);

    const traceId = span.spanContext().traceId;
    let spans = this.inFlight.get(traceId);
    if (!spans) {
      if (this.inFlight.size >= MAX_TRACES_IN_FLIGHT) {
        const oldest = this.inFlight.keys().next().value;
        if (oldest !== undefined) this.inFlight.delete(oldest);
      }
      spans = [];
      this.inFlight.set(traceId, spans);
    }
    spans.push(span);
    if (span.parentSpanContext !== undefined) return;

    // The root ended: the trace is complete.
    this.inFlight.delete(traceId);
    if (prefix === SPAN_INVOKE_WORKFLOW) {
      const outcome = String(span.attributes[ATTR_LANGGRAPH_OUTCOME] ?? OUTCOME_OK);
      this.runOutcomes.set(outcome, (this.runOutcomes.get(outcome) ?? 0) + 1);
      this.runDurations.record(durationMs(span));
    }
    const conversation = span.attributes[ATTR_GEN_AI_CONVERSATION_ID];
    if (typeof conversation === "string") this.candidates.get(conversation)?.push(spans);
  }

  private recordNode(span: ReadableSpan): void {
    const name = String(span.attributes[ATTR_LANGGRAPH_NODE_NAME] ?? span.name);
    let stats = this.nodes.get(name);
    if (!stats) {
      stats = {
        attempts: 0,
        errors: 0,
        interrupts: 0,
        retries: 0,
        durations: new LogHistogram(),
        firstStep: Number.POSITIVE_INFINITY,
      };
      this.nodes.set(name, stats);
    }
    stats.attempts++;
    const step = span.attributes[ATTR_LANGGRAPH_STEP];
    if (typeof step === "number" && step < stats.firstStep) stats.firstStep = step;
    const outcome = span.attributes[ATTR_LANGGRAPH_OUTCOME];
    if (outcome === OUTCOME_ERROR || span.status.code === SpanStatusCode.ERROR) stats.errors++;
    if (outcome === OUTCOME_INTERRUPTED) stats.interrupts++;
    const attempt = span.attributes[ATTR_LANGGRAPH_NODE_ATTEMPT];
    if (typeof attempt === "number" && attempt > 1) stats.retries++;
    stats.durations.record(durationMs(span));
  }

  private recordTool(span: ReadableSpan): void {
    const name = String(span.attributes[ATTR_GEN_AI_TOOL_NAME] ?? span.name);
    const stats = this.tools.get(name) ?? { calls: 0, errors: 0 };
    stats.calls++;
    if (span.status.code === SpanStatusCode.ERROR) stats.errors++;
    this.tools.set(name, stats);
  }
}

function rootOutcome(trace: readonly ReadableSpan[]): unknown {
  return trace.find((s) => s.parentSpanContext === undefined)?.attributes[ATTR_LANGGRAPH_OUTCOME];
}

export function durationMs(span: ReadableSpan): number {
  return span.duration[0] * 1e3 + span.duration[1] / 1e6;
}
