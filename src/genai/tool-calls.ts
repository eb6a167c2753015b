import { type Attributes, type Span, SpanKind } from "@opentelemetry/api";
import { outcomeOfError, recordSpanError, secondsSince, spanName, errorType } from "../instrumentation/utils.js";
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  GEN_AI_OPERATION_EXECUTE_TOOL,
  GEN_AI_TOOL_TYPE_FUNCTION,
  OUTCOME_ERROR,
  OUTCOME_OK,
  type Outcome,
  SPAN_EXECUTE_TOOL,
} from "../semconv.js";
import { asDict, type GenAIHost, nonEmptyString } from "./host.js";

/** `error.type` of a tool failure that ToolNode (or the tool) returned as a message. */
export const TOOL_ERROR_MESSAGE_TYPE = "ToolMessageError";

interface ToolCall {
  span: Span;
  name: string;
  startedAt: number;
}

export interface ToolStart {
  serialized: unknown;
  input: unknown;
  runId: string;
  parentRunId: string | undefined;
  metadata: Record<string, unknown> | undefined;
  runName: string | undefined;
  toolCallId: string | undefined;
}

function toolNameOf(serialized: unknown, runName: string | undefined): string {
  const s = asDict(serialized);
  const id = Array.isArray(s?.id) ? s.id : [];
  const last = id[id.length - 1];
  return runName ?? nonEmptyString(s?.name) ?? (typeof last === "string" ? last : "tool");
}

/** A ToolMessage whose status says the tool failed (duck-typed: two copies of core). */
function isErrorToolMessage(output: unknown): boolean {
  const message = asDict(output);
  if (message === undefined) return false;
  return message.status === "error" || asDict(message.kwargs)?.status === "error";
}

function toolResultContent(output: unknown): unknown {
  const message = asDict(output);
  if (message !== undefined && "content" in message && "tool_call_id" in message) return message.content;
  return output;
}

/** Opens and ends `execute_tool {tool}` spans; records the tool duration metric. */
export class ToolCalls {
  private readonly calls = new Map<string, ToolCall>();

  constructor(private readonly host: GenAIHost) {}

  inFlight(): number {
    return this.calls.size;
  }

  start(call: ToolStart): void {
    const host = this.host;
    const checkpointNs = nonEmptyString(call.metadata?.langgraph_checkpoint_ns);
    const placement = host.runs.place(
      call.parentRunId,
      checkpointNs,
      nonEmptyString(call.metadata?.langgraph_node),
    );
    const name = toolNameOf(call.serialized, call.runName);
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_EXECUTE_TOOL,
      [ATTR_GEN_AI_TOOL_NAME]: name,
      [ATTR_GEN_AI_TOOL_TYPE]: GEN_AI_TOOL_TYPE_FUNCTION,
    };
    if (call.toolCallId !== undefined && call.toolCallId !== "") {
      attributes[ATTR_GEN_AI_TOOL_CALL_ID] = call.toolCallId;
    }
    if (placement.workflowName !== undefined) attributes[ATTR_GEN_AI_WORKFLOW_NAME] = placement.workflowName;
    if (placement.nodeName !== undefined) attributes[ATTR_LANGGRAPH_NODE_NAME] = placement.nodeName;
    const span = host.tracer.startSpan(
      spanName(SPAN_EXECUTE_TOOL, name),
      { kind: SpanKind.INTERNAL, attributes },
      placement.context,
    );
    const args =
      typeof call.input === "string" ? host.content.renderText(call.input) : host.content.render(call.input);
    if (args !== undefined) span.setAttribute(ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, args);

    host.runs.note(call.runId, call.parentRunId, checkpointNs);
    host.runs.attachSpan(call.runId, span, placement);
    this.calls.set(call.runId, { span, name, startedAt: performance.now() });
  }

  end(runId: string, output: unknown): void {
    const call = this.take(runId);
    if (call === undefined) return;
    const result = this.host.content.render(toolResultContent(output));
    if (result !== undefined) call.span.setAttribute(ATTR_GEN_AI_TOOL_CALL_RESULT, result);
    if (isErrorToolMessage(output)) {
      // The tool reported failure as a message: the call failed even if the node goes on.
      recordSpanError(call.span, { name: TOOL_ERROR_MESSAGE_TYPE, message: "tool returned an error message" }, TOOL_ERROR_MESSAGE_TYPE);
      this.finish(call, OUTCOME_ERROR);
    } else {
      this.finish(call, OUTCOME_OK);
    }
  }

  error(runId: string, err: unknown): void {
    const call = this.take(runId);
    if (call === undefined) return;
    // An interrupt() inside a tool, or an abort, is control flow, not a tool failure.
    const outcome = outcomeOfError(err);
    if (outcome === OUTCOME_ERROR) recordSpanError(call.span, err, errorType(err));
    this.finish(call, outcome);
  }

  endAll(): void {
    for (const runId of [...this.calls.keys()]) this.error(runId, { name: "AbortError" });
  }

  private finish(call: ToolCall, outcome: Outcome): void {
    call.span.setAttribute(ATTR_LANGGRAPH_OUTCOME, outcome);
    this.host.instruments?.toolDuration.record(secondsSince(call.startedAt), {
      [ATTR_GEN_AI_TOOL_NAME]: call.name,
      [ATTR_LANGGRAPH_OUTCOME]: outcome,
    });
    call.span.end();
  }

  private take(runId: string): ToolCall | undefined {
    const call = this.calls.get(runId);
    if (call === undefined) return undefined;
    this.calls.delete(runId);
    this.host.runs.forget(runId);
    return call;
  }
}
