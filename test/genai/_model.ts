/**
 * A streaming variant of the shared ScriptedChatModel: `_streamResponseChunks` yields the
 * scripted answer as text chunks (reporting each through `handleLLMNewToken`, as real
 * integrations do) and a last chunk with `usage_metadata` (cache-read and reasoning
 * details included), the way OpenAI's `stream_options.include_usage` does.
 */
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk } from "@langchain/core/outputs";
import { ScriptedChatModel, type ScriptedChatModelParams } from "../helpers/scripted-model.js";

export interface StreamedUsage {
  input: number;
  output: number;
  cacheRead?: number;
  reasoning?: number;
}

export interface StreamingModelParams extends Omit<ScriptedChatModelParams, "script"> {
  /** Text answered by each call, in order (looping). */
  answers: string[];
  usage: StreamedUsage;
}

export class StreamingScriptedModel extends ScriptedChatModel {
  private readonly answers: string[];
  private readonly streamedUsage: StreamedUsage;
  private streamed = 0;

  constructor(params: StreamingModelParams) {
    super({ ...params, script: params.answers.map((content) => ({ content })), loop: true });
    this.answers = params.answers;
    this.streamedUsage = params.usage;
  }

  override async *_streamResponseChunks(
    _messages: BaseMessage[],
    _options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const text = this.answers[this.streamed++ % this.answers.length] ?? "";
    for (const piece of text.split(/(?<= )/)) {
      const chunk = new ChatGenerationChunk({ text: piece, message: new AIMessageChunk({ content: piece }) });
      yield chunk;
      await runManager?.handleLLMNewToken(piece, undefined, undefined, undefined, undefined, { chunk });
    }
    const u = this.streamedUsage;
    yield new ChatGenerationChunk({
      text: "",
      message: new AIMessageChunk({
        content: "",
        usage_metadata: {
          input_tokens: u.input,
          output_tokens: u.output,
          total_tokens: u.input + u.output,
          ...(u.cacheRead === undefined ? {} : { input_token_details: { cache_read: u.cacheRead } }),
          ...(u.reasoning === undefined ? {} : { output_token_details: { reasoning: u.reasoning } }),
        },
        response_metadata: { model_name: this.model, finish_reason: "stop" },
      }),
      generationInfo: { finish_reason: "stop" },
    });
  }
}
