import { type Attributes, type Context, context as otelContext, type Span, trace } from "@opentelemetry/api";
import { findNodeAttempt, type NodeAttemptEntry } from "../instrumentation/node-registry.js";
import { graphTracingEnabled, runStateOf } from "../instrumentation/run-context.js";

/** Where a model or tool span belongs: its parent context and the node that made it. */
export interface Placement {
  context: Context;
  workflowName: string | undefined;
  nodeName: string | undefined;
  /** The node attempt the call runs in, when it was found (ends calls it abandons). */
  node?: NodeAttemptEntry;
  /** What every span of the enclosing graph run carries (thread, user, metadata, tags). */
  runAttributes?: Attributes;
}

/** One LangChain run the handler has seen (chains too: they link runs to ancestors). */
interface RunRecord {
  parentRunId: string | undefined;
  checkpointNs: string | undefined;
  /** Set for runs that have a span of ours (model and tool calls). */
  placement?: Placement;
  spanContext?: Context;
}

/** Runs kept at most; the oldest are dropped first (a run whose end never came). */
const MAX_RUNS = 20_000;
/** Ancestors walked at most when looking for an enclosing tool span. */
const MAX_HOPS = 64;
/** Tool call ids (from model responses) whose tool name is remembered, at most. */
const MAX_TOOL_CALLS = 2_000;

/**
 * LangChain run ids → their parent run and checkpoint namespace. LangChain callbacks do
 * not carry the OTel context of the caller reliably (handlers may run in the
 * background), so spans are placed by these ids and by the core's node registry.
 */
export class RunTracker {
  private readonly runs = new Map<string, RunRecord>();
  /** Tool call id → tool name, from the `tool_calls` of the model responses seen. */
  private readonly toolCalls = new Map<string, string>();

  note(runId: string, parentRunId: string | undefined, checkpointNs: string | undefined): void {
    if (this.runs.size >= MAX_RUNS) {
      const oldest = this.runs.keys().next().value;
      if (oldest !== undefined) this.runs.delete(oldest);
    }
    this.runs.set(runId, { parentRunId, checkpointNs });
  }

  /** Records the span of a model/tool run so that calls nested in it parent to it. */
  attachSpan(runId: string, span: Span, placement: Placement): void {
    const record = this.runs.get(runId);
    if (record === undefined) return;
    record.placement = placement;
    record.spanContext = trace.setSpan(placement.context, span);
  }

  forget(runId: string): void {
    this.runs.delete(runId);
  }

  size(): number {
    return this.runs.size;
  }

  /**
   * Remembers the tool name of each `tool_calls` entry of model response messages, so
   * that the tool run that executes the call (ToolNode passes its id) can be named.
   */
  noteToolCalls(messages: readonly unknown[]): void {
    for (const message of messages) {
      if (typeof message !== "object" || message === null) continue;
      const calls = (message as { tool_calls?: unknown }).tool_calls;
      if (!Array.isArray(calls)) continue;
      for (const call of calls) {
        if (typeof call !== "object" || call === null) continue;
        const { id, name } = call as { id?: unknown; name?: unknown };
        if (typeof id !== "string" || id === "" || typeof name !== "string" || name === "") continue;
        if (this.toolCalls.size >= MAX_TOOL_CALLS) {
          const oldest = this.toolCalls.keys().next().value;
          if (oldest !== undefined) this.toolCalls.delete(oldest);
        }
        this.toolCalls.delete(id);
        this.toolCalls.set(id, name);
      }
    }
  }

  /** The tool name a model asked for under this tool call id, if seen. */
  toolCallName(toolCallId: string | undefined): string | undefined {
    return toolCallId === undefined ? undefined : this.toolCalls.get(toolCallId);
  }

  /**
   * Parent of a new model/tool span: an enclosing model/tool span of ours in the same
   * node task (a model called by a tool), else the node attempt that owns the
   * checkpoint namespace, else the ambient context. Undefined for a call inside a graph
   * task whose run is not traced while graph runs are (its copy was patched mid-run):
   * such a run stays untraced as a whole rather than gaining root model spans.
   */
  place(
    parentRunId: string | undefined,
    checkpointNs: string | undefined,
    nodeName: string | undefined,
  ): Placement | undefined {
    let id = parentRunId;
    for (let hop = 0; id !== undefined && hop < MAX_HOPS; hop++) {
      const record = this.runs.get(id);
      if (record === undefined || record.checkpointNs !== checkpointNs) break;
      if (record.spanContext !== undefined && record.placement !== undefined) {
        return { ...record.placement, context: record.spanContext };
      }
      id = record.parentRunId;
    }
    if (checkpointNs !== undefined) {
      const node = findNodeAttempt(checkpointNs);
      if (node !== undefined) {
        return {
          context: node.context,
          workflowName: node.workflowName,
          nodeName: node.nodeName,
          node,
          runAttributes: node.runAttributes,
        };
      }
    }
    const ambient = otelContext.active();
    if (checkpointNs !== undefined && graphTracingEnabled() && runStateOf(ambient) === undefined) return undefined;
    return { context: ambient, workflowName: undefined, nodeName, runAttributes: runStateOf(ambient)?.spanAttributes };
  }
}
