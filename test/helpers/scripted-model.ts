/**
 * A deterministic chat model for tests: a real `BaseChatModel` subclass that answers with
 * scripted `AIMessage`s carrying `tool_calls`, `usage_metadata` and a response model name,
 * reports `ls_provider` / `ls_model_name` through `getLsParams()` (what LangChain callbacks
 * see as the model's provider and name), and supports `bindTools()` the way real chat
 * models do (a `RunnableBinding` whose config lists the tools), so `createReactAgent`
 * accepts it. The fakes in `@langchain/core/utils/testing` return neither tool calls nor
 * usage on the plain generate path, hence this helper.
 *
 * ```ts
 * const model = new ScriptedChatModel({
 *   script: [
 *     { toolCalls: [{ name: "add", args: { a: 1, b: 2 } }], usage: { input: 10, output: 5 } },
 *     { content: "3", usage: { input: 20, output: 1 } },
 *   ],
 * });
 * ```
 *
 * A turn may be a function of the incoming messages (for concurrent runs that share one
 * model), and a turn with `error` makes that call throw that very value.
 */
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
  type LangSmithParams,
} from "@langchain/core/language_models/chat_models";
import { AIMessage, type AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";

/** A tool call the model "decides" to make. The id defaults to `call_<n>`. */
export interface ScriptedToolCall {
  name: string;
  args: Record<string, unknown>;
  id?: string;
}

/** One scripted answer. */
export interface ScriptedTurn {
  content?: string;
  toolCalls?: ScriptedToolCall[];
  /** Token usage reported in `usage_metadata` (and `llmOutput.tokenUsage`). */
  usage?: { input: number; output: number };
  /** `response_metadata.model_name`; defaults to the model's `model`. */
  responseModel?: string;
  /** `response_metadata.finish_reason`; defaults to `tool_calls` or `stop`. */
  finishReason?: string;
  /** Throw this value instead of answering. */
  error?: unknown;
}

/** What a function turn is told about the call. */
export interface ScriptedCall {
  messages: BaseMessage[];
  /** 0-based index of this call on this model (shared across bound copies). */
  index: number;
}

export type ScriptStep = ScriptedTurn | ((call: ScriptedCall) => ScriptedTurn);

export interface ScriptedChatModelParams extends BaseChatModelParams {
  script: ScriptStep[];
  /** `ls_provider` (becomes `gen_ai.provider.name`). Default `scripted`. */
  provider?: string;
  /** `ls_model_name` (becomes `gen_ai.request.model`). Default `scripted-model-1`. */
  model?: string;
  /** After the last step, start over instead of throwing. Default false. */
  loop?: boolean;
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

export class ScriptedChatModel extends BaseChatModel<ScriptedChatModelCallOptions> {
  readonly script: ScriptStep[];
  readonly provider: string;
  readonly model: string;
  readonly loop: boolean;
  private readonly state: ScriptState;

  static override lc_name(): string {
    return "ScriptedChatModel";
  }

  constructor(params: ScriptedChatModelParams) {
    super(params);
    this.script = params.script;
    this.provider = params.provider ?? "scripted";
    this.model = params.model ?? "scripted-model-1";
    this.loop = params.loop ?? false;
    this.state = { next: 0, calls: [], boundToolNames: [] };
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
    return {
      ls_provider: this.provider,
      ls_model_name: this.model,
      ls_model_type: "chat",
      ls_stop: options.stop,
    };
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
    const index = this.state.calls.length;
    this.state.calls.push(messages);
    this.state.boundToolNames.push((options.tools ?? []).map((tool) => tool.function.name));
    const turn = this.nextTurn({ messages, index });
    if ("error" in turn) throw turn.error;
    const toolCalls = (turn.toolCalls ?? []).map((call, i) => ({
      name: call.name,
      args: call.args,
      id: call.id ?? `call_${index}_${i}`,
      type: "tool_call" as const,
    }));
    const usage = turn.usage;
    const message = new AIMessage({
      content: turn.content ?? "",
      tool_calls: toolCalls,
      usage_metadata:
        usage === undefined
          ? undefined
          : {
              input_tokens: usage.input,
              output_tokens: usage.output,
              total_tokens: usage.input + usage.output,
            },
      response_metadata: {
        model_name: turn.responseModel ?? this.model,
        finish_reason: turn.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
      },
    });
    return {
      generations: [{ message, text: typeof message.content === "string" ? message.content : "" }],
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

  private nextTurn(call: ScriptedCall): ScriptedTurn {
    let position = this.state.next;
    if (position >= this.script.length) {
      if (!this.loop || this.script.length === 0) {
        throw new Error(`ScriptedChatModel: script exhausted after ${this.script.length} calls`);
      }
      position = 0;
    }
    this.state.next = position + 1;
    const step = this.script[position]!;
    return typeof step === "function" ? step(call) : step;
  }
}
