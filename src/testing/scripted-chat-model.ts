/**
 * A deterministic tool-calling chat model: no network, no key. It answers from a script,
 * returns `tool_calls` and `usage_metadata` like a real provider, streams when asked, fails
 * and waits when the script says so, and reports `ls_provider` / `ls_model_name`, so the
 * GenAI instrumentation sees exactly what it would see with a hosted model. The fakes in
 * `@langchain/core/utils/testing` return neither tool calls nor usage, hence this model.
 *
 * ```ts
 * const model = new ScriptedChatModel({
 *   model: "gpt-4o-mini",
 *   script: [
 *     { toolCalls: [{ name: "add", args: { a: 1, b: 2 } }], usage: { input: 10, output: 5 } },
 *     { content: "3" },                                  // usage estimated from the text
 *     { error: new Error("429 Too Many Requests") },      // this call throws
 *   ],
 * });
 * ```
 *
 * A step may be a function of the call (for concurrent runs sharing one model), or the
 * whole script one function. Used by the demo agent and by langgraph-otel's own tests.
 */
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
  type LangSmithParams,
} from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { hashString, sleep } from "../examples/determinism.js";

/** A tool call the model "decides" to make. The id defaults to one derived from the prompt. */
export interface ScriptedToolCall {
  name: string;
  args: Record<string, unknown>;
  id?: string;
}

/** Token usage as a provider reports it (`usage_metadata`). */
export interface ScriptedUsage {
  input: number;
  output: number;
  /** Input tokens read from the provider's prompt cache (part of `input`). */
  cacheRead?: number;
  /** Output tokens spent on reasoning (part of `output`). */
  reasoning?: number;
}

/** What the script decides for one model call. */
export interface ScriptedReply {
  content?: string;
  toolCalls?: readonly ScriptedToolCall[];
  /** Reported usage; default: estimated at four characters per token (see `estimateUsage`). */
  usage?: ScriptedUsage;
  /** `response_metadata.model_name`; defaults to the model's `model`. */
  responseModel?: string;
  /** `response_metadata.finish_reason`; defaults to `tool_calls` or `stop`. */
  finishReason?: string;
  /**
   * More `response_metadata`, as a provider would return it (e.g. the raw `usage` with
   * the `cost` OpenRouter reports).
   */
  responseMetadata?: Record<string, unknown>;
  /** Throw this value instead of answering (after the latency). */
  error?: unknown;
  /** Latency of this call in ms, instead of the model's `latencyMs`. */
  latencyMs?: number;
}

/** What a script function (and the fault and latency hooks) learn about one call. */
export interface ScriptedCallInfo {
  messages: BaseMessage[];
  /** 0-based index of this call on this model (shared with its `bindTools` copies). */
  index: number;
  /** Names of the tools bound with `bindTools` (empty when none). */
  toolNames: readonly string[];
  /** LangGraph's thread id, when the call runs in a graph with a `thread_id`. */
  threadId: string | undefined;
}

export type ScriptStep = ScriptedReply | ((call: ScriptedCallInfo) => ScriptedReply);

export interface ScriptedChatModelFields extends BaseChatModelParams {
  /** Steps answered in order, or one function that answers every call. */
  script: readonly ScriptStep[] | ((call: ScriptedCallInfo) => ScriptedReply);
  /** `ls_model_name` (becomes `gen_ai.request.model`). Default `scripted-model-1`. */
  model?: string;
  /** `ls_provider` (becomes `gen_ai.provider.name`). Default `scripted`. */
  provider?: string;
  /** After the last step, start over instead of throwing. Default false. */
  loop?: boolean;
  /** Simulated latency of a call, in ms (default 0). An AbortSignal cuts it short. */
  latencyMs?: number | ((call: ScriptedCallInfo) => number);
  /** Injected faults: return an error to make this call fail like a provider would. */
  fault?: (call: ScriptedCallInfo) => unknown;
  /**
   * Report estimated usage for replies without `usage` (four characters per token, plus
   * 40 per bound tool). Default true: real providers always report usage.
   */
  estimateUsage?: boolean;
  /**
   * Stream replies in chunks of about this many words through `.stream()`, stream mode
   * `messages` and `streamEvents` (usage comes in the last chunk, as OpenAI's
   * `include_usage` does). Default: no streaming (a stream yields the whole reply at once).
   */
  streamChunkWords?: number;
}

export interface ScriptedChatModelCallOptions extends BaseChatModelCallOptions {
  /** Tools bound by `bindTools`, in OpenAI function format. */
  tools?: ReturnType<typeof convertToOpenAITool>[];
}

/** Shared by a model and every copy `bindTools` returns, so the script advances once. */
interface ScriptState {
  next: number;
  /** Messages of every call, in order (assert on what the model was sent). */
  calls: BaseMessage[][];
  /** Tool names the calls were made with. */
  boundToolNames: string[][];
}

/** A reply ready to be returned or streamed. */
interface Answer {
  content: string;
  message: AIMessage;
  finishReason: string;
  usage: ScriptedUsage | undefined;
}

export class ScriptedChatModel extends BaseChatModel<ScriptedChatModelCallOptions> {
  readonly model: string;
  readonly provider: string;
  private readonly fields: ScriptedChatModelFields;
  private readonly state: ScriptState = { next: 0, calls: [], boundToolNames: [] };

  static override lc_name(): string {
    return "ScriptedChatModel";
  }

  constructor(fields: ScriptedChatModelFields) {
    super(fields);
    this.fields = fields;
    this.model = fields.model ?? "scripted-model-1";
    this.provider = fields.provider ?? "scripted";
    // Without chunking, LangChain must not take the streaming path (it would find one chunk).
    this.disableStreaming = fields.streamChunkWords === undefined;
  }

  /** Messages received by each call so far. */
  get calls(): readonly BaseMessage[][] {
    return this.state.calls;
  }

  /** Names of the tools bound on each call so far. */
  get boundToolNames(): readonly string[][] {
    return this.state.boundToolNames;
  }

  override _llmType(): string {
    return "scripted";
  }

  override getLsParams(options: this["ParsedCallOptions"]): LangSmithParams {
    return { ...super.getLsParams(options), ls_provider: this.provider, ls_model_name: this.model };
  }

  // The response cache key must depend on nothing but the prompt and these parameters.
  override _identifyingParams(): Record<string, unknown> {
    return { model: this.model, provider: this.provider };
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<ScriptedChatModelCallOptions>,
  ): Runnable<BaseMessage[], AIMessageChunk, ScriptedChatModelCallOptions> {
    // Same instance (same script state) behind a binding, like real chat models.
    return this.withConfig({
      ...kwargs,
      tools: tools.map((tool) => convertToOpenAITool(tool)),
    } as Partial<ScriptedChatModelCallOptions>) as unknown as Runnable<
      BaseMessage[],
      AIMessageChunk,
      ScriptedChatModelCallOptions
    >;
  }

  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    _runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    const { message, content, finishReason, usage } = await this.answer(messages, options);
    return {
      generations: [{ text: content, message, generationInfo: { finish_reason: finishReason } }],
      llmOutput:
        usage === undefined
          ? {}
          : {
              tokenUsage: {
                promptTokens: usage.input,
                completionTokens: usage.output,
                totalTokens: usage.input + usage.output,
              },
            },
    };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const { message, content, finishReason } = await this.answer(messages, options);
    const words = content.split(/(?<= )/);
    const size = Math.max(1, this.fields.streamChunkWords ?? words.length);
    for (let i = 0; i < words.length; i += size) {
      const piece = words.slice(i, i + size).join("");
      if (piece === "") continue;
      const chunk = new ChatGenerationChunk({ text: piece, message: new AIMessageChunk({ content: piece }) });
      yield chunk;
      await runManager?.handleLLMNewToken(piece, undefined, undefined, undefined, undefined, { chunk });
    }
    // Tool calls, usage and finish reason arrive last, as providers send them.
    yield new ChatGenerationChunk({
      text: "",
      message: new AIMessageChunk({
        content: "",
        tool_call_chunks: message.tool_calls?.map((call, index) => ({
          name: call.name,
          args: JSON.stringify(call.args),
          id: call.id,
          index,
          type: "tool_call_chunk" as const,
        })),
        usage_metadata: message.usage_metadata,
        response_metadata: message.response_metadata,
      }),
      generationInfo: { finish_reason: finishReason },
    });
  }

  /** Records the call, waits the latency, applies faults and builds the reply. */
  private async answer(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<Answer> {
    const index = this.state.calls.length;
    const toolNames = (options.tools ?? []).map((tool) => tool.function.name);
    this.state.calls.push(messages);
    this.state.boundToolNames.push(toolNames);
    const info: ScriptedCallInfo = { messages, index, toolNames, threadId: currentThreadId() };
    const reply = this.nextReply(info);
    const latency = reply.latencyMs ?? this.fields.latencyMs;
    await sleep(typeof latency === "function" ? latency(info) : (latency ?? 0), options.signal);
    const fault = this.fields.fault?.(info);
    if (fault !== undefined) throw fault;
    if ("error" in reply) throw reply.error;

    const content = reply.content ?? "";
    const seed = hashString(messages.map((m) => `${m.type}:${textOf(m)}`).join("\n"));
    const toolCalls = (reply.toolCalls ?? []).map((call, i) => ({
      name: call.name,
      args: call.args,
      // Derived from the prompt, not the call index: the same at any concurrency.
      id: call.id ?? `call_${(seed + i).toString(36)}`,
      type: "tool_call" as const,
    }));
    const usage =
      reply.usage ?? (this.fields.estimateUsage === false ? undefined : estimateUsage(info, content, toolCalls));
    const finishReason = reply.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop");
    const message = new AIMessage({
      content,
      tool_calls: toolCalls,
      usage_metadata: usage === undefined ? undefined : usageMetadata(usage),
      response_metadata: {
        ...reply.responseMetadata,
        model_name: reply.responseModel ?? this.model,
        finish_reason: finishReason,
      },
    });
    return { content, message, finishReason, usage };
  }

  private nextReply(call: ScriptedCallInfo): ScriptedReply {
    const { script } = this.fields;
    if (typeof script === "function") return script(call);
    let position = this.state.next;
    if (position >= script.length) {
      if (this.fields.loop !== true || script.length === 0) {
        throw new Error(`ScriptedChatModel: script exhausted after ${script.length} calls`);
      }
      position = 0;
    }
    this.state.next = position + 1;
    const step = script[position]!;
    return typeof step === "function" ? step(call) : step;
  }
}

function estimateUsage(
  info: ScriptedCallInfo,
  content: string,
  toolCalls: ReadonlyArray<{ args: Record<string, unknown> }>,
): ScriptedUsage {
  const input =
    info.messages.reduce((n, m) => n + 4 + Math.ceil(textOf(m).length / 4), 0) + info.toolNames.length * 40;
  const output =
    Math.ceil(content.length / 4) +
    toolCalls.reduce((n, c) => n + 8 + Math.ceil(JSON.stringify(c.args).length / 4), 0);
  return { input, output };
}

function usageMetadata(usage: ScriptedUsage): NonNullable<AIMessage["usage_metadata"]> {
  return {
    input_tokens: usage.input,
    output_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    ...(usage.cacheRead === undefined ? {} : { input_token_details: { cache_read: usage.cacheRead } }),
    ...(usage.reasoning === undefined ? {} : { output_token_details: { reasoning: usage.reasoning } }),
  };
}

/** The text of a message, whatever its content shape. */
export function textOf(message: BaseMessage): string {
  const { content } = message;
  if (typeof content === "string") return content;
  return content
    .map((part) => (typeof part === "object" && part && "text" in part ? String(part.text) : ""))
    .join("");
}

/** The graph thread this call runs in, from the config LangChain keeps per async context. */
function currentThreadId(): string | undefined {
  const config: unknown = AsyncLocalStorageProviderSingleton.getRunnableConfig();
  if (typeof config !== "object" || config === null || !("configurable" in config)) return undefined;
  const configurable: unknown = config.configurable;
  if (typeof configurable !== "object" || configurable === null) return undefined;
  const id: unknown = "thread_id" in configurable ? configurable.thread_id : undefined;
  return typeof id === "string" ? id : undefined;
}
