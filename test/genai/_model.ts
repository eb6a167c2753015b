/**
 * The shared ScriptedChatModel, streaming: each answer word by word (reported through
 * `handleLLMNewToken`, as real integrations do) and a last chunk with `usage_metadata`
 * (cache-read and reasoning details included), the way OpenAI's `include_usage` does.
 */
import {
  ScriptedChatModel,
  type ScriptedChatModelFields,
  type ScriptedUsage,
} from "../../src/testing/scripted-chat-model.js";

export interface StreamingModelParams extends Omit<ScriptedChatModelFields, "script"> {
  /** Text answered by each call, in order (looping). */
  answers: string[];
  usage: ScriptedUsage;
}

export class StreamingScriptedModel extends ScriptedChatModel {
  constructor({ answers, usage, ...params }: StreamingModelParams) {
    super({ ...params, script: answers.map((content) => ({ content, usage })), loop: true, streamChunkWords: 1 });
  }
}
