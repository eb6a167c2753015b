import { type Attributes, SpanKind } from "@opentelemetry/api";
import { recordSpanError, secondsSince, spanName, } from "../instrumentation/utils.js";
import {
  ATTR_ERROR_TYPE,
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
import { asDict, nonEmptyString } from "./host.js";
import { metricErrorType } from "../series-budget.js";
import { type OpenCall, OpenCalls } from "./open-calls.js";
import { applyResponseHook, applyStartSpanHook } from "../instrumentation/span-hooks.js";

/** `error.type` of a tool failure that ToolNode (or the tool) returned as a message. */
export const TOOL_ERROR_MESSAGE_TYPE = "ToolMessageError";

interface ToolCall extends OpenCall {
  name: string;
  /** The name was a guess (see toolNameOf): the tool's result message may correct it. */
  guessed: boolean;
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

/** Classes whose serialized id says nothing about which tool it is (`tool(...)`). */
const GENERIC_TOOL_CLASSES = new Set(["DynamicTool", "DynamicStructuredTool", "StructuredTool", "Tool"]);

/**
 * The tool's name. `runName` is the tool's own name for `tool(...)` tools (DynamicTool
 * sets it when the config has none), or one the caller gave. But when no chain above the
 * tool has a callback manager (this handler is only injected into model, tool and
 * retriever runs), LangChain never strips the inherited `runName` from the config, so a
 * tool called with its node's config (ToolNode, or `tool.invoke(x, config)` in a node)
 * gets the LangGraph task's `runName`, which is the node name (`metadata.langgraph_node`).
 * Such a `runName` is not trusted; the name then comes from the model's tool call with
 * this id, the serialized tool, or its class. `end()` corrects it from the ToolMessage.
 */
function toolNameOf(call: ToolStart, toolCallName: string | undefined): { name: string; guessed: boolean } {
  const runName = call.runName;
  if (runName !== undefined && runName !== nonEmptyString(call.metadata?.langgraph_node)) {
    return { name: runName, guessed: false };
  }
  if (toolCallName !== undefined) return { name: toolCallName, guessed: false };
  const s = asDict(call.serialized);
  const id = Array.isArray(s?.id) ? s.id : [];
  const last = id[id.length - 1];
  const className = typeof last === "string" && last !== "" ? last : undefined;
  const specificClass = className !== undefined && !GENERIC_TOOL_CLASSES.has(className) ? className : undefined;
  const name = nonEmptyString(s?.name) ?? specificClass ?? runName ?? className ?? "tool";
  return { name, guessed: true };
}

/** `name` of a ToolMessage (set to the tool's name when the tool ran for a tool call). */
function toolMessageName(output: unknown): string | undefined {
  const message = asDict(output);
  if (message === undefined || !("tool_call_id" in message)) return undefined;
  return nonEmptyString(message.name);
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
export class ToolCalls extends OpenCalls<ToolCall> {
  start(call: ToolStart): void {
    // Started already through the tracer hook (see GenAICallbackHandler).
    if (this.isOpen(call.runId)) return;
    const host = this.host;
    const checkpointNs = nonEmptyString(call.metadata?.langgraph_checkpoint_ns);
    const placement = host.runs.place(
      call.parentRunId,
      checkpointNs,
      nonEmptyString(call.metadata?.langgraph_node),
    );
    if (placement === undefined) return;
    const { name, guessed } = toolNameOf(call, host.runs.toolCallName(call.toolCallId));
    const attributes: Attributes = {
      ...placement.runAttributes,
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_EXECUTE_TOOL,
      [ATTR_GEN_AI_TOOL_NAME]: name,
      [ATTR_GEN_AI_TOOL_TYPE]: GEN_AI_TOOL_TYPE_FUNCTION,
    };
    if (call.toolCallId !== undefined && call.toolCallId !== "") {
      attributes[ATTR_GEN_AI_TOOL_CALL_ID] = call.toolCallId;
    }
    if (placement.workflowName !== undefined) attributes[ATTR_GEN_AI_WORKFLOW_NAME] = placement.workflowName;
    if (placement.nodeName !== undefined) attributes[ATTR_LANGGRAPH_NODE_NAME] = placement.nodeName;
    const spanTitle = spanName(SPAN_EXECUTE_TOOL, name);
    if (host.hooks.startSpanHook !== undefined) {
      const info = { kind: "tool", name: spanTitle, attributes, config: call.metadata } as const;
      applyStartSpanHook(host.hooks, host.diag, info, attributes);
    }
    const span = host.tracer.startSpan(
      spanTitle,
      { kind: SpanKind.INTERNAL, attributes },
      placement.context,
    );
    const args =
      typeof call.input === "string" ? host.content.renderText(call.input) : host.content.render(call.input);
    if (args !== undefined) span.setAttribute(ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, args);

    host.runs.note(call.runId, call.parentRunId, checkpointNs);
    host.runs.attachSpan(call.runId, span, placement);
    this.open(call.runId, { span, name, guessed, startedAt: performance.now() });
  }

  end(runId: string, output: unknown): void {
    const call = this.take(runId);
    if (call === undefined) return;
    const named = call.guessed ? toolMessageName(output) : undefined;
    if (named !== undefined && named !== call.name) {
      // The start could not tell the tool's name (see toolNameOf); its message can.
      call.name = named;
      call.span.updateName(spanName(SPAN_EXECUTE_TOOL, named));
      call.span.setAttribute(ATTR_GEN_AI_TOOL_NAME, named);
    }
    call.result = output;
    const result = this.host.content.render(toolResultContent(output));
    if (result !== undefined) call.span.setAttribute(ATTR_GEN_AI_TOOL_CALL_RESULT, result);
    if (isErrorToolMessage(output)) {
      // The tool reported failure as a message: the call failed even if the node goes on.
      recordSpanError(call.span, { name: TOOL_ERROR_MESSAGE_TYPE, message: "tool returned an error message" }, TOOL_ERROR_MESSAGE_TYPE);
      this.finish(call, OUTCOME_ERROR, TOOL_ERROR_MESSAGE_TYPE);
    } else {
      this.finish(call, OUTCOME_OK);
    }
  }

  /** Ends the span; the duration metric carries the attributes the conventions ask for. */
  protected finish(call: ToolCall, outcome: Outcome, errorTypeName?: string): void {
    call.span.setAttribute(ATTR_LANGGRAPH_OUTCOME, outcome);
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_EXECUTE_TOOL,
      [ATTR_GEN_AI_TOOL_NAME]: call.name,
      [ATTR_GEN_AI_TOOL_TYPE]: GEN_AI_TOOL_TYPE_FUNCTION,
      [ATTR_LANGGRAPH_OUTCOME]: outcome,
    };
    if (errorTypeName !== undefined) attributes[ATTR_ERROR_TYPE] = metricErrorType(errorTypeName);
    this.host.instruments?.toolDuration.record(secondsSince(call.startedAt), attributes);
    const hooks = this.host.hooks;
    if (hooks.responseHook !== undefined) {
      const info = { kind: "tool", outcome, result: call.result, error: call.failure } as const;
      applyResponseHook(hooks, this.host.diag, call.span, info);
    }
    call.span.end();
  }
}
