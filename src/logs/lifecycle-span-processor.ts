import { type Context, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import type { tracing } from "@opentelemetry/sdk-node";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  EVENT_LANGGRAPH_NODE_FAILED,
  EVENT_LANGGRAPH_WORKFLOW_COMPLETED,
  EVENT_LANGGRAPH_WORKFLOW_FAILED,
  EVENT_LANGGRAPH_WORKFLOW_STARTED,
  GEN_AI_OPERATION_INVOKE_WORKFLOW,
  OUTCOME_ERROR,
  SPAN_INVOKE_NODE,
} from "../semconv.js";
import { emitLifecycleRecord } from "./lifecycle.js";

type SpanView = Pick<tracing.ReadableSpan, "name" | "attributes">;

function text(span: SpanView, key: string): string | undefined {
  const value = span.attributes[key];
  return typeof value === "string" ? value : undefined;
}

const isWorkflow = (span: SpanView) =>
  text(span, ATTR_GEN_AI_OPERATION_NAME) === GEN_AI_OPERATION_INVOKE_WORKFLOW;
const isNode = (span: SpanView) =>
  span.name.startsWith(`${SPAN_INVOKE_NODE} `) && text(span, ATTR_LANGGRAPH_NODE_NAME) !== undefined;

/**
 * Derives the optional lifecycle log records from the run and node spans of the
 * telemetry contract, so the instrumentation core needs no logging code of its own.
 * Records follow trace sampling: an unsampled run has no records either.
 */
export class LifecycleLogSpanProcessor implements tracing.SpanProcessor {
  onStart(span: tracing.Span, parentContext: Context): void {
    if (!isWorkflow(span)) return;
    emitLifecycleRecord(
      {
        event: EVENT_LANGGRAPH_WORKFLOW_STARTED,
        workflowName: text(span, ATTR_GEN_AI_WORKFLOW_NAME) ?? "",
        timestamp: span.startTime,
      },
      trace.setSpan(parentContext, span),
    );
  }

  onEnd(span: tracing.ReadableSpan): void {
    const workflow = isWorkflow(span);
    const outcome = text(span, ATTR_LANGGRAPH_OUTCOME);
    const failed = outcome === OUTCOME_ERROR;
    if (!workflow && !(failed && isNode(span))) return;
    const event = !workflow
      ? EVENT_LANGGRAPH_NODE_FAILED
      : failed
        ? EVENT_LANGGRAPH_WORKFLOW_FAILED
        : EVENT_LANGGRAPH_WORKFLOW_COMPLETED;
    emitLifecycleRecord(
      {
        event,
        workflowName: text(span, ATTR_GEN_AI_WORKFLOW_NAME) ?? "",
        nodeName: workflow ? undefined : text(span, ATTR_LANGGRAPH_NODE_NAME),
        outcome,
        errorType: text(span, ATTR_ERROR_TYPE),
        errorMessage: failed ? span.status.message : undefined,
        timestamp: span.endTime,
      },
      trace.setSpanContext(ROOT_CONTEXT, span.spanContext()),
    );
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
