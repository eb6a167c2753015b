import { type Attributes, SpanKind } from "@opentelemetry/api";
import { secondsSince, spanName } from "../instrumentation/utils.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_DATA_SOURCE_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_RETRIEVAL_DOCUMENTS,
  ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_LANGGRAPH_RETRIEVAL_DOCUMENT_COUNT,
  GEN_AI_OPERATION_RETRIEVAL,
  OUTCOME_OK,
  type Outcome,
  SPAN_RETRIEVAL,
} from "../semconv.js";
import { metricErrorType } from "../series-budget.js";
import { nonEmptyString } from "./host.js";
import { type OpenCall, OpenCalls } from "./open-calls.js";

interface RetrieverCall extends OpenCall {
  dataSource: string | undefined;
}

export interface RetrieverStart {
  serialized: unknown;
  query: unknown;
  runId: string;
  parentRunId: string | undefined;
  metadata: Record<string, unknown> | undefined;
  runName: string | undefined;
}

/** The retriever's name, else the last part of its serialized class id. */
function dataSourceOf(call: RetrieverStart): string | undefined {
  const named = nonEmptyString(call.runName);
  if (named !== undefined && named !== nonEmptyString(call.metadata?.langgraph_node)) return named;
  const id = (call.serialized as { id?: unknown } | undefined)?.id;
  return Array.isArray(id) ? nonEmptyString(id[id.length - 1]) : undefined;
}

/** What a document says about itself, for the documents attribute (content). */
function documentView(document: unknown): unknown {
  if (typeof document !== "object" || document === null) return document;
  const { id, pageContent, metadata } = document as { id?: unknown; pageContent?: unknown; metadata?: unknown };
  return { id, content: pageContent, metadata };
}

/** Opens and ends `retrieval {retriever}` spans (RAG lookups); records their duration. */
export class RetrieverCalls extends OpenCalls<RetrieverCall> {
  start(call: RetrieverStart): void {
    const host = this.host;
    const checkpointNs = nonEmptyString(call.metadata?.langgraph_checkpoint_ns);
    const placement = host.runs.place(call.parentRunId, checkpointNs, nonEmptyString(call.metadata?.langgraph_node));
    if (placement === undefined) return;
    const dataSource = dataSourceOf(call);
    const attributes: Attributes = {
      ...placement.runAttributes,
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_RETRIEVAL,
    };
    if (dataSource !== undefined) attributes[ATTR_GEN_AI_DATA_SOURCE_ID] = dataSource;
    if (placement.workflowName !== undefined) attributes[ATTR_GEN_AI_WORKFLOW_NAME] = placement.workflowName;
    if (placement.nodeName !== undefined) attributes[ATTR_LANGGRAPH_NODE_NAME] = placement.nodeName;
    const name = dataSource === undefined ? SPAN_RETRIEVAL : spanName(SPAN_RETRIEVAL, dataSource);
    const span = host.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, placement.context);
    const query = typeof call.query === "string" ? host.content.renderText(call.query) : host.content.render(call.query);
    if (query !== undefined) span.setAttribute(ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT, query);
    host.runs.note(call.runId, call.parentRunId, checkpointNs);
    host.runs.attachSpan(call.runId, span, placement);
    this.open(call.runId, { span, dataSource, startedAt: performance.now() });
  }

  end(runId: string, documents: unknown): void {
    const call = this.take(runId);
    if (call === undefined) return;
    if (Array.isArray(documents)) {
      call.span.setAttribute(ATTR_LANGGRAPH_RETRIEVAL_DOCUMENT_COUNT, documents.length);
      const rendered = this.host.content.render(documents.map(documentView));
      if (rendered !== undefined) call.span.setAttribute(ATTR_GEN_AI_RETRIEVAL_DOCUMENTS, rendered);
    }
    this.finish(call, OUTCOME_OK);
  }

  protected finish(call: RetrieverCall, outcome: Outcome, errorTypeName?: string): void {
    call.span.setAttribute(ATTR_LANGGRAPH_OUTCOME, outcome);
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_RETRIEVAL,
      [ATTR_LANGGRAPH_OUTCOME]: outcome,
    };
    if (call.dataSource !== undefined) attributes[ATTR_GEN_AI_DATA_SOURCE_ID] = call.dataSource;
    if (errorTypeName !== undefined) attributes[ATTR_ERROR_TYPE] = metricErrorType(errorTypeName);
    this.host.instruments?.retrievalDuration.record(secondsSince(call.startedAt), attributes);
    call.span.end();
  }
}
