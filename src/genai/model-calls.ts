import { type Attributes, type Context, context, type Span, SpanKind, trace } from "@opentelemetry/api";
import { type LogAttributes, SeverityNumber } from "@opentelemetry/api-logs";
import { whenNodeAttemptEnds } from "../instrumentation/node-registry.js";
import { errorType, outcomeOfError, recordSpanError, secondsSince, spanName } from "../instrumentation/utils.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_LLM_CACHED,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_GEN_AI_USAGE_COST,
  ATTR_LANGGRAPH_COST_SOURCE,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_LLM_ATTEMPT,
  EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS,
  EVENT_LANGGRAPH_FIRST_CHUNK,
  EVENT_LANGGRAPH_LLM_RETRY,
  GEN_AI_TOKEN_TYPE_INPUT,
  GEN_AI_TOKEN_TYPE_OUTPUT,
  OUTCOME_CANCELLED,
  OUTCOME_ERROR,
  OUTCOME_OK,
  type Outcome,
} from "../semconv.js";
import { applyResponseHook, applyStartSpanHook } from "../instrumentation/span-hooks.js";
import { type GenAIMessage, inputMessages, outputMessages } from "./content/messages.js";
import { asDict, type GenAIHost, nonEmptyString, providerName, requestModelOf } from "./host.js";
import { resolveCost } from "./cost.js";
import { type ModelResponseInfo, readModelResponse, type TokenUsage } from "./usage.js";
import { setCacheLookupAttributes, takeCacheLookup } from "../cache/index.js";
import { metricErrorType } from "../series-budget.js";
import { MAX_OPEN_CALLS } from "./open-calls.js";

/** A model call in flight. */
interface ModelCall {
  span: Span;
  operation: string;
  startedAt: number;
  firstChunkAt?: number;
  /** Attributes shared by the duration, token and cost metrics. */
  model: string | undefined;
  provider: string | undefined;
  /** LangChain's own provider id (`ls_provider`): the price source's key. */
  lsProvider: string | undefined;
  workflowName: string | undefined;
  nodeName: string | undefined;
  /** The LangGraph task the call ran in: where a ResponseCache lookup is published. */
  checkpointNs: string | undefined;
  /** The prompt, kept for the details event (only when content goes into events). */
  inputs: GenAIMessage[] | undefined;
}

export interface ModelStart {
  operation: string;
  spanPrefix: string;
  serialized: unknown;
  /** Chat messages (BaseMessage[][]) or prompts (string[]). */
  input: unknown;
  runId: string;
  parentRunId: string | undefined;
  extraParams: Record<string, unknown> | undefined;
  metadata: Record<string, unknown> | undefined;
}

/** Opens, annotates and ends `chat {model}` spans; records the model metrics. */
export class ModelCalls {
  private readonly calls = new Map<string, ModelCall>();
  /** Open calls by span: a retry inside the provider knows only the active span. */
  private readonly bySpan = new WeakMap<Span, ModelCall>();

  constructor(private readonly host: GenAIHost) {}

  inFlight(): number {
    return this.calls.size;
  }

  start(call: ModelStart): void {
    const host = this.host;
    const { metadata, extraParams } = call;
    const checkpointNs = nonEmptyString(metadata?.langgraph_checkpoint_ns);
    const placement = host.runs.place(
      call.parentRunId,
      checkpointNs,
      nonEmptyString(metadata?.langgraph_node),
    );
    if (placement === undefined) return;
    const model = requestModelOf(metadata, extraParams, call.serialized);
    const provider = providerName(metadata?.ls_provider);

    const attributes: Attributes = { ...placement.runAttributes, [ATTR_GEN_AI_OPERATION_NAME]: call.operation };
    if (provider !== undefined) attributes[ATTR_GEN_AI_PROVIDER_NAME] = provider;
    if (model !== undefined) attributes[ATTR_GEN_AI_REQUEST_MODEL] = model;
    const temperature = metadata?.ls_temperature;
    if (typeof temperature === "number") attributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = temperature;
    const maxTokens = metadata?.ls_max_tokens;
    if (typeof maxTokens === "number") attributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = maxTokens;
    if (placement.workflowName !== undefined) attributes[ATTR_GEN_AI_WORKFLOW_NAME] = placement.workflowName;
    if (placement.nodeName !== undefined) attributes[ATTR_LANGGRAPH_NODE_NAME] = placement.nodeName;

    const name = model === undefined ? call.spanPrefix : spanName(call.spanPrefix, model);
    if (host.hooks.startSpanHook !== undefined) {
      applyStartSpanHook(host.hooks, host.diag, { kind: "model", name, attributes, config: metadata }, attributes);
    }
    const span = host.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, placement.context);
    const { content } = host;
    // Messages are built only when some content is captured (they cost a walk of the prompt).
    const inputs =
      content.enabled || content.events
        ? inputMessages(call.input, { maxInlineLength: content.maxInlineLength })
        : undefined;
    const input = content.render(inputs);
    if (input !== undefined) span.setAttribute(ATTR_GEN_AI_INPUT_MESSAGES, input);

    host.runs.note(call.runId, call.parentRunId, checkpointNs);
    host.runs.attachSpan(call.runId, span, placement);
    // LangChain never ends a stream the node stopped reading (`break` out of
    // `model.stream()`): its span ends, `cancelled`, with the node attempt.
    if (placement.node !== undefined) whenNodeAttemptEnds(placement.node, () => this.abandon(call.runId));
    if (this.calls.size >= MAX_OPEN_CALLS) this.abandon(this.calls.keys().next().value ?? "");
    const open: ModelCall = {
      span,
      operation: call.operation,
      startedAt: performance.now(),
      model,
      provider,
      lsProvider: nonEmptyString(metadata?.ls_provider),
      workflowName: placement.workflowName,
      nodeName: placement.nodeName,
      checkpointNs,
      inputs: content.events ? inputs : undefined,
    };
    this.calls.set(call.runId, open);
    this.bySpan.set(span, open);
  }

  /** The active context with this call's span in it, while the call is open. */
  spanContextOf(runId: string): Context | undefined {
    const call = this.calls.get(runId);
    return call === undefined ? undefined : trace.setSpan(context.active(), call.span);
  }

  /**
   * LangChain retried the call inside the provider (its AsyncCaller): an event on the
   * call's span and a count, so hidden retries are seen. `span` is the active span where
   * the attempt starts; only open model calls of ours count.
   */
  retried(span: Span, attempt: number, previousError: unknown): void {
    const call = this.bySpan.get(span);
    if (call === undefined) return;
    const type = previousError === undefined ? undefined : errorType(previousError);
    span.addEvent(EVENT_LANGGRAPH_LLM_RETRY, {
      [ATTR_LANGGRAPH_LLM_ATTEMPT]: attempt,
      ...(type === undefined ? {} : { [ATTR_ERROR_TYPE]: type }),
    });
    const instruments = this.host.instruments;
    if (instruments === undefined) return;
    const attributes = this.modelAttributes(call);
    attributes[ATTR_GEN_AI_OPERATION_NAME] = call.operation;
    if (type !== undefined) attributes[ATTR_ERROR_TYPE] = metricErrorType(type);
    instruments.llmRetries.add(1, attributes);
  }

  /** First streamed token or stream event: time to first chunk. */
  chunk(runId: string): void {
    const call = this.calls.get(runId);
    if (call === undefined || call.firstChunkAt !== undefined) return;
    call.firstChunkAt = performance.now();
    const seconds = (call.firstChunkAt - call.startedAt) / 1000;
    call.span.setAttribute(ATTR_GEN_AI_REQUEST_STREAM, true);
    call.span.setAttribute(ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, seconds);
    call.span.addEvent(EVENT_LANGGRAPH_FIRST_CHUNK, { [ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]: seconds });
    const instruments = this.host.instruments;
    if (instruments !== undefined) {
      const attributes = this.modelAttributes(call);
      attributes[ATTR_GEN_AI_OPERATION_NAME] = call.operation;
      instruments.timeToFirstChunk.record(seconds, attributes);
    }
  }

  end(runId: string, output: unknown, extraParams: unknown): void {
    const call = this.take(runId);
    if (call === undefined) return;
    const { span } = call;
    const response = readModelResponse(output);
    this.host.runs.noteToolCalls(response.messages);
    if (call.firstChunkAt === undefined) span.setAttribute(ATTR_GEN_AI_REQUEST_STREAM, false);
    if (response.responseModel !== undefined) span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, response.responseModel);
    if (response.responseId !== undefined) span.setAttribute(ATTR_GEN_AI_RESPONSE_ID, response.responseId);
    if (response.finishReasons.length > 0) {
      span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, response.finishReasons);
    }
    if (asDict(extraParams)?.cached === true) span.setAttribute(ATTR_LANGGRAPH_LLM_CACHED, true);
    // A ResponseCache looked up in the caller's context, where this span is not active.
    const lookup = call.checkpointNs === undefined ? undefined : takeCacheLookup(call.checkpointNs);
    if (lookup !== undefined) setCacheLookupAttributes(span, lookup);
    setUsageAttributes(span, response.usage);
    const { content } = this.host;
    const outputs =
      content.enabled || content.events
        ? outputMessages(response.messages, response.finishReasons, { maxInlineLength: content.maxInlineLength })
        : undefined;
    const rendered = content.render(outputs);
    if (rendered !== undefined) span.setAttribute(ATTR_GEN_AI_OUTPUT_MESSAGES, rendered);
    if (content.events) this.emitDetails(call, response, outputs);

    this.recordTokens(call, response.usage);
    this.recordCost(call, response.usage, response.providerCost);
    this.recordDuration(call, undefined);
    this.respond(call, OUTCOME_OK, output, undefined);
    span.end();
  }

  /**
   * The GenAI conventions' `gen_ai.client.inference.operation.details` event (an OTel log
   * record, DEBUG, in the chat span's context): the call's attributes with its messages
   * in structured form, for content kept apart from traces (EVENT_ONLY, SPAN_AND_EVENT).
   */
  private emitDetails(call: ModelCall, response: ModelResponseInfo, outputs: GenAIMessage[] | undefined): void {
    const { content } = this.host;
    const attributes: LogAttributes = { [ATTR_GEN_AI_OPERATION_NAME]: call.operation };
    if (call.provider !== undefined) attributes[ATTR_GEN_AI_PROVIDER_NAME] = call.provider;
    if (call.model !== undefined) attributes[ATTR_GEN_AI_REQUEST_MODEL] = call.model;
    if (response.responseModel !== undefined) attributes[ATTR_GEN_AI_RESPONSE_MODEL] = response.responseModel;
    if (response.responseId !== undefined) attributes[ATTR_GEN_AI_RESPONSE_ID] = response.responseId;
    if (response.finishReasons.length > 0) attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = response.finishReasons;
    if (response.usage.inputTokens !== undefined) attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = response.usage.inputTokens;
    if (response.usage.outputTokens !== undefined) {
      attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = response.usage.outputTokens;
    }
    const input = content.structured(call.inputs);
    if (input !== undefined) attributes[ATTR_GEN_AI_INPUT_MESSAGES] = input;
    const output = content.structured(outputs);
    if (output !== undefined) attributes[ATTR_GEN_AI_OUTPUT_MESSAGES] = output;
    try {
      this.host.logger.emit({
        eventName: EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS,
        severityNumber: SeverityNumber.DEBUG,
        severityText: "DEBUG",
        attributes,
        context: trace.setSpan(context.active(), call.span),
      });
    } catch (err) {
      this.host.diag.debug("inference details event not emitted", err);
    }
  }

  error(runId: string, err: unknown): void {
    const call = this.take(runId);
    if (call === undefined) return;
    // Aborts and interrupts are not model failures.
    const failed = outcomeOfError(err) === OUTCOME_ERROR;
    const type = failed ? errorType(err) : undefined;
    if (type !== undefined) recordSpanError(call.span, err, type);
    this.recordDuration(call, type);
    this.respond(call, outcomeOfError(err), undefined, err);
    call.span.end();
  }

  /** A call still open when its node attempt ended: the node stopped reading it. */
  private abandon(runId: string): void {
    const call = this.take(runId);
    if (call === undefined) return;
    call.span.setAttribute(ATTR_LANGGRAPH_OUTCOME, OUTCOME_CANCELLED);
    this.recordDuration(call, undefined);
    this.respond(call, OUTCOME_CANCELLED, undefined, undefined);
    call.span.end();
  }

  /** Ends every span still open (instrumentation shut down, runs abandoned). */
  endAll(): void {
    for (const runId of [...this.calls.keys()]) this.error(runId, { name: "AbortError" });
  }

  private respond(call: ModelCall, outcome: Outcome, result: unknown, error: unknown): void {
    const hooks = this.host.hooks;
    if (hooks.responseHook === undefined) return;
    applyResponseHook(hooks, this.host.diag, call.span, { kind: "model", outcome, result, error });
  }

  private take(runId: string): ModelCall | undefined {
    const call = this.calls.get(runId);
    if (call === undefined) return undefined;
    this.calls.delete(runId);
    this.bySpan.delete(call.span);
    this.host.runs.forget(runId);
    return call;
  }

  private recordDuration(call: ModelCall, type: string | undefined): void {
    const instruments = this.host.instruments;
    if (instruments === undefined) return;
    const attributes = this.modelAttributes(call);
    attributes[ATTR_GEN_AI_OPERATION_NAME] = call.operation;
    if (type !== undefined) attributes[ATTR_ERROR_TYPE] = metricErrorType(type);
    instruments.operationDuration.record(secondsSince(call.startedAt), attributes);
  }

  private recordTokens(call: ModelCall, usage: TokenUsage): void {
    const instruments = this.host.instruments;
    if (instruments === undefined) return;
    const base = this.modelAttributes(call);
    // Required by the GenAI conventions on gen_ai.client.token.usage.
    base[ATTR_GEN_AI_OPERATION_NAME] = call.operation;
    if (call.workflowName !== undefined) base[ATTR_GEN_AI_WORKFLOW_NAME] = call.workflowName;
    if (call.nodeName !== undefined) base[ATTR_LANGGRAPH_NODE_NAME] = call.nodeName;
    if (usage.inputTokens !== undefined) {
      instruments.tokenUsage.record(usage.inputTokens, { ...base, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_INPUT });
    }
    if (usage.outputTokens !== undefined) {
      instruments.tokenUsage.record(usage.outputTokens, { ...base, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_OUTPUT });
    }
  }

  private recordCost(call: ModelCall, usage: TokenUsage, providerCost: number | undefined): void {
    const cost = resolveCost(this.host.pricing, {
      usage,
      providerCost,
      model: call.model,
      lsProvider: call.lsProvider,
    });
    if (cost !== undefined) {
      call.span.setAttribute(ATTR_GEN_AI_USAGE_COST, cost.usd);
      call.span.setAttribute(ATTR_LANGGRAPH_COST_SOURCE, cost.source);
    }
    const instruments = this.host.instruments;
    if (instruments === undefined) return;
    const attributes: Attributes = {};
    if (call.model !== undefined) attributes[ATTR_GEN_AI_REQUEST_MODEL] = call.model;
    if (call.workflowName !== undefined) attributes[ATTR_GEN_AI_WORKFLOW_NAME] = call.workflowName;
    if (cost !== undefined) {
      if (call.model === undefined) return;
      attributes[ATTR_LANGGRAPH_COST_SOURCE] = cost.source;
      instruments.cost.add(cost.usd, attributes);
    } else if (usage.inputTokens !== undefined || usage.outputTokens !== undefined) {
      // Tokens were spent but nobody could price them: the cost panels undercount.
      if (call.provider !== undefined) attributes[ATTR_GEN_AI_PROVIDER_NAME] = call.provider;
      instruments.costUnpriced.add(1, attributes);
    }
  }

  private modelAttributes(call: ModelCall): Attributes {
    const attributes: Attributes = {};
    if (call.model !== undefined) attributes[ATTR_GEN_AI_REQUEST_MODEL] = call.model;
    if (call.provider !== undefined) attributes[ATTR_GEN_AI_PROVIDER_NAME] = call.provider;
    return attributes;
  }
}

function setUsageAttributes(span: Span, usage: TokenUsage): void {
  const pairs: Array<[string, number | undefined]> = [
    [ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens],
    [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens],
    [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadTokens],
    [ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, usage.cacheCreationTokens],
    [ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningTokens],
  ];
  for (const [key, value] of pairs) if (value !== undefined) span.setAttribute(key, value);
}
