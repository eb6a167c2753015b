import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import {
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  BaseChatModel,
  type BindToolsInput,
  type LangSmithParams,
} from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { hashString, sleep } from "./determinism.js";

/** What the script decides for one model call. */
export interface ScriptedReply {
  content: string;
  toolCalls?: ReadonlyArray<{ name: string; args: Record<string, unknown> }>;
}

/** What the script and the fault hook learn about one call. */
export interface ScriptedCallInfo {
  messages: readonly BaseMessage[];
  /** Names of the tools bound with `bindTools` (empty when none). */
  toolNames: readonly string[];
  /** LangGraph's thread id, when the call runs inside a graph with a checkpointer. */
  threadId: string | undefined;
}

export interface ScriptedChatModelFields extends BaseChatModelParams {
  /** Reported as `ls_model_name` and `response_metadata.model_name`. */
  model: string;
  /** Reported as `ls_provider`. Default `scripted` (this model never leaves the process). */
  provider?: string;
  /** Simulated latency of one call, in ms (default 0). */
  latencyMs?: number | ((info: ScriptedCallInfo) => number);
  script: (info: ScriptedCallInfo) => ScriptedReply;
  /** Injected faults: return an error to make this call fail like a provider would. */
  fault?: (info: ScriptedCallInfo) => Error | undefined;
}

export interface ScriptedChatModelCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

/**
 * A deterministic tool-calling chat model: no network, no key. It answers from a script,
 * returns `tool_calls` and `usage_metadata` like a real provider (token counts estimated
 * at four characters per token), and reports `ls_provider` / `ls_model_name`, so the
 * GenAI instrumentation sees exactly what it would see with a hosted model.
 */
export class ScriptedChatModel extends BaseChatModel<ScriptedChatModelCallOptions> {
  readonly model: string;
  readonly provider: string;
  private readonly fields: ScriptedChatModelFields;

  static override lc_name(): string {
    return "ScriptedChatModel";
  }

  constructor(fields: ScriptedChatModelFields) {
    super(fields);
    this.fields = fields;
    this.model = fields.model;
    this.provider = fields.provider ?? "scripted";
  }

  _llmType(): string {
    return "scripted";
  }

  override getLsParams(options: this["ParsedCallOptions"]): LangSmithParams {
    return { ...super.getLsParams(options), ls_provider: this.provider, ls_model_name: this.model };
  }

  // The cache key must not depend on anything but the prompt and these parameters.
  override _identifyingParams(): Record<string, unknown> {
    return { model: this.model, provider: this.provider };
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<ScriptedChatModelCallOptions>,
  ): ReturnType<BaseChatModel<ScriptedChatModelCallOptions>["withConfig"]> {
    return this.withConfig({ ...kwargs, tools });
  }

  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    _runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    const threadId = currentThreadId();
    const info: ScriptedCallInfo = {
      messages,
      toolNames: (options.tools ?? []).map(toolName).filter((n): n is string => n !== undefined),
      threadId: typeof threadId === "string" ? threadId : undefined,
    };
    const latency = this.fields.latencyMs;
    await sleep(typeof latency === "function" ? latency(info) : (latency ?? 0), options.signal);
    const error = this.fields.fault?.(info);
    if (error) throw error;

    const reply = this.fields.script(info);
    const seed = hashString(messages.map((m) => `${m.type}:${textOf(m)}`).join("\n"));
    const toolCalls = (reply.toolCalls ?? []).map((call, i) => ({
      id: `call_${(seed + i).toString(36)}`,
      name: call.name,
      args: call.args,
      type: "tool_call" as const,
    }));
    const inputTokens =
      messages.reduce((n, m) => n + 4 + Math.ceil(textOf(m).length / 4), 0) +
      info.toolNames.length * 40;
    const outputTokens =
      Math.ceil(reply.content.length / 4) +
      toolCalls.reduce((n, c) => n + 8 + Math.ceil(JSON.stringify(c.args).length / 4), 0);
    const finishReason = toolCalls.length > 0 ? "tool_calls" : "stop";
    const message = new AIMessage({
      content: reply.content,
      tool_calls: toolCalls,
      usage_metadata: {
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
      },
      response_metadata: { model_name: this.model, finish_reason: finishReason },
    });
    return {
      generations: [{ text: reply.content, message, generationInfo: { finish_reason: finishReason } }],
      llmOutput: {
        tokenUsage: {
          promptTokens: inputTokens,
          completionTokens: outputTokens,
          totalTokens: inputTokens + outputTokens,
        },
      },
    };
  }
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

function toolName(tool: BindToolsInput): string | undefined {
  if (typeof tool !== "object" || tool === null) return undefined;
  if ("name" in tool && typeof tool.name === "string") return tool.name;
  const fn: unknown = "function" in tool ? tool.function : undefined;
  if (typeof fn === "object" && fn !== null && "name" in fn && typeof fn.name === "string") {
    return fn.name;
  }
  return undefined;
}
