import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import {
  GEN_AI_OPERATION_CHAT,
  GEN_AI_OPERATION_TEXT_COMPLETION,
  SPAN_CHAT,
  SPAN_TEXT_COMPLETION,
} from "../semconv.js";
import { type GenAIHost, nonEmptyString } from "./host.js";
import { ModelCalls } from "./model-calls.js";
import { RetrieverCalls } from "./retriever-calls.js";
import { ToolCalls } from "./tool-calls.js";

/** The handler's name: LangChain de-duplicates handlers by it. */
export const GENAI_HANDLER_NAME = "langgraph_otel_genai";

type Metadata = Record<string, unknown> | undefined;

/**
 * The LangChain callback handler behind model and tool spans. Every method is guarded:
 * a telemetry failure is logged through diag and never reaches LangChain or the app.
 *
 * `awaitHandlers` is true: LangChain then runs these callbacks inline instead of on its
 * background queue, so span timestamps (start, first chunk, end) are the call's own and
 * every model/tool span ends before the node span that contains it.
 */
export class GenAICallbackHandler extends BaseCallbackHandler {
  name = GENAI_HANDLER_NAME;
  override awaitHandlers = true;
  private readonly host: GenAIHost;
  readonly models: ModelCalls;
  readonly tools: ToolCalls;
  readonly retrievers: RetrieverCalls;
  private toolStartTaken = false;

  constructor(host: GenAIHost | GenAICallbackHandler) {
    super();
    // LangChain may `copy()` a handler (`new this.constructor(this)`): share the state.
    if (host instanceof GenAICallbackHandler) {
      this.host = host.host;
      this.models = host.models;
      this.tools = host.tools;
      this.retrievers = host.retrievers;
    } else {
      this.host = host;
      this.models = new ModelCalls(host);
      this.tools = new ToolCalls(host);
      this.retrievers = new RetrieverCalls(host);
    }
    this.awaitHandlers = true;
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.host.diag.error(`GenAI callback ${what} failed`, err);
    }
  }

  // Runtime order (the .d.ts order is wrong): chain, inputs, runId, parentRunId, tags,
  // metadata, runType, runName. Chains get no span; they link runs to their ancestors.
  override handleChainStart(
    _chain: unknown,
    _inputs: unknown,
    runId: string,
    parentRunId?: unknown,
    _tags?: unknown,
    metadata?: Metadata,
  ): void {
    if (!this.host.active) return;
    this.guard("handleChainStart", () =>
      this.host.runs.note(
        runId,
        nonEmptyString(parentRunId),
        nonEmptyString(metadata?.langgraph_checkpoint_ns),
      ),
    );
  }

  override handleChainEnd(_outputs: unknown, runId: string): void {
    this.host.runs.forget(runId);
  }

  override handleChainError(_err: unknown, runId: string): void {
    this.host.runs.forget(runId);
  }

  override handleChatModelStart(
    llm: unknown,
    messages: unknown,
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Metadata,
  ): void {
    this.startModel("handleChatModelStart", GEN_AI_OPERATION_CHAT, SPAN_CHAT, llm, messages, runId, parentRunId, extraParams, metadata);
  }

  override handleLLMStart(
    llm: unknown,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Metadata,
  ): void {
    this.startModel(
      "handleLLMStart",
      GEN_AI_OPERATION_TEXT_COMPLETION,
      SPAN_TEXT_COMPLETION,
      llm,
      prompts,
      runId,
      parentRunId,
      extraParams,
      metadata,
    );
  }

  /** Chat models and plain LLMs differ only in operation name and span prefix. */
  private startModel(
    callback: string,
    operation: string,
    spanPrefix: string,
    serialized: unknown,
    input: unknown,
    runId: string,
    parentRunId: string | undefined,
    extraParams: Record<string, unknown> | undefined,
    metadata: Metadata,
  ): void {
    if (!this.host.active) return;
    this.guard(callback, () =>
      this.models.start({
        operation,
        spanPrefix,
        serialized,
        input,
        runId,
        parentRunId: nonEmptyString(parentRunId),
        extraParams,
        metadata,
      }),
    );
  }


  override handleLLMNewToken(_token: string, _idx: unknown, runId: string): void {
    this.guard("handleLLMNewToken", () => this.models.chunk(runId));
  }

  override handleChatModelStreamEvent(_event: unknown, runId: string): void {
    this.guard("handleChatModelStreamEvent", () => this.models.chunk(runId));
  }

  override handleLLMEnd(
    output: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    extraParams?: Record<string, unknown>,
  ): void {
    this.guard("handleLLMEnd", () => this.models.end(runId, output, extraParams));
  }

  override handleLLMError(err: unknown, runId: string): void {
    this.guard("handleLLMError", () => this.models.error(runId, err));
  }

  /**
   * Tool starts arrive here first: LangChain calls this on handlers it takes for tracers
   * (see `_addRunToRunMap`), with the tool's input as given. Its later call to
   * `handleToolStart` stringifies that input per handler (a 1 MB Buffer costs a full
   * `JSON.stringify`, and a BigInt or a cycle throws inside LangChain: no span, and a
   * console line per call), so that property reads as undefined for this one call.
   * Core versions that pass no tool call id here (before 1.2.17) leave the work to
   * `handleToolStart`, the only callback that gets the id there.
   */
  _createRunForToolStart(
    tool: unknown,
    input: unknown,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    metadata?: Metadata,
    runName?: string,
    ...rest: unknown[]
  ): void {
    if (rest.length === 0) return;
    this.toolStartTaken = true;
    if (this.host.active) this.startTool(tool, input, runId, parentRunId, metadata, runName, rest[0]);
  }

  /** `handleToolStart` (see the property defined below the class). */
  toolStartCallback(
    tool: unknown,
    input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    metadata?: Metadata,
    runName?: string,
    toolCallId?: string,
  ): void {
    if (!this.host.active) return;
    this.startTool(tool, input, runId, parentRunId, metadata, runName, toolCallId);
  }

  /** Whether `_createRunForToolStart` just started the tool LangChain asks about next. */
  takeToolStart(): boolean {
    const taken = this.toolStartTaken;
    this.toolStartTaken = false;
    return taken;
  }

  private startTool(
    tool: unknown,
    input: unknown,
    runId: string,
    parentRunId: unknown,
    metadata: Metadata,
    runName: unknown,
    toolCallId: unknown,
  ): void {
    this.guard("handleToolStart", () =>
      this.tools.start({
        serialized: tool,
        input,
        runId,
        parentRunId: nonEmptyString(parentRunId),
        metadata,
        runName: nonEmptyString(runName),
        toolCallId: nonEmptyString(toolCallId),
      }),
    );
  }

  // The other tracer hooks LangChain calls once `_addRunToRunMap` exists: nothing to do.
  _addRunToRunMap(): void {}
  _createRunForLLMStart(): void {}
  _createRunForChatModelStart(): void {}
  _createRunForChainStart(): void {}
  _createRunForRetrieverStart(): void {}

  override handleToolEnd(output: unknown, runId: string): void {
    this.guard("handleToolEnd", () => this.tools.end(runId, output));
  }

  override handleToolError(err: unknown, runId: string): void {
    this.guard("handleToolError", () => this.tools.error(runId, err));
  }

  override handleRetrieverStart(
    retriever: unknown,
    query: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    metadata?: Metadata,
    name?: string,
  ): void {
    if (!this.host.active) return;
    this.guard("handleRetrieverStart", () =>
      this.retrievers.start({
        serialized: retriever,
        query,
        runId,
        parentRunId: nonEmptyString(parentRunId),
        metadata,
        runName: name,
      }),
    );
  }

  override handleRetrieverEnd(documents: unknown, runId: string): void {
    this.guard("handleRetrieverEnd", () => this.retrievers.end(runId, documents));
  }

  override handleRetrieverError(err: unknown, runId: string): void {
    this.guard("handleRetrieverError", () => this.retrievers.error(runId, err));
  }

  /** Ends every open model, tool and retriever span (used on disable and shutdown). */
  endAll(): void {
    this.guard("endAll", () => {
      this.models.endAll();
      this.tools.endAll();
      this.retrievers.endAll();
    });
  }
}

// A getter, so that LangChain skips the call (and its JSON.stringify of the input) when
// `_createRunForToolStart` has already started the span.
Object.defineProperty(GenAICallbackHandler.prototype, "handleToolStart", {
  configurable: true,
  get(this: GenAICallbackHandler) {
    return this.takeToolStart() ? undefined : this.toolStartCallback;
  },
});
