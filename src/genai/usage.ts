/**
 * Reads what a model call reported from LangChain's `LLMResult`, structurally: the ESM
 * and CJS copies of @langchain/core have different classes, and providers differ in
 * where they put usage and finish reasons.
 */

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  reasoningTokens?: number;
}

export interface ModelResponseInfo {
  usage: TokenUsage;
  finishReasons: string[];
  responseModel?: string;
  responseId?: string;
  /** USD the provider charged, when it says so itself (summed over the generations). */
  providerCost?: number;
  /** The generated messages (for content capture). */
  messages: unknown[];
}

type Dict = Record<string, unknown>;

function asDict(value: unknown): Dict | undefined {
  return typeof value === "object" && value !== null ? (value as Dict) : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function add(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : a + b;
}

/** `usage_metadata` of one message (LangChain's provider-neutral usage). */
function usageOfMessage(message: Dict | undefined): TokenUsage | undefined {
  const meta = asDict(message?.usage_metadata);
  if (meta === undefined) return undefined;
  const inputDetails = asDict(meta.input_token_details);
  const outputDetails = asDict(meta.output_token_details);
  return {
    inputTokens: count(meta.input_tokens),
    outputTokens: count(meta.output_tokens),
    cacheReadTokens: count(inputDetails?.cache_read),
    cacheCreationTokens: count(inputDetails?.cache_creation),
    reasoningTokens: count(outputDetails?.reasoning),
  };
}

/** `llmOutput.tokenUsage` / `estimatedTokenUsage` (older integrations, plain LLMs). */
function usageOfLlmOutput(llmOutput: Dict | undefined): TokenUsage | undefined {
  const usage = asDict(llmOutput?.tokenUsage) ?? asDict(llmOutput?.estimatedTokenUsage);
  if (usage === undefined) return undefined;
  const input = count(usage.promptTokens);
  const output = count(usage.completionTokens);
  if (input === undefined && output === undefined) return undefined;
  return { inputTokens: input, outputTokens: output };
}

function sumUsage(parts: TokenUsage[]): TokenUsage {
  const total: TokenUsage = {};
  for (const part of parts) {
    total.inputTokens = add(total.inputTokens, part.inputTokens);
    total.outputTokens = add(total.outputTokens, part.outputTokens);
    total.cacheReadTokens = add(total.cacheReadTokens, part.cacheReadTokens);
    total.cacheCreationTokens = add(total.cacheCreationTokens, part.cacheCreationTokens);
    total.reasoningTokens = add(total.reasoningTokens, part.reasoningTokens);
  }
  return total;
}

/**
 * A cost the provider reported in the response: the raw `usage.cost` of OpenAI-compatible
 * APIs that bill per call (OpenRouter, LiteLLM proxies), which @langchain/openai and
 * @langchain/openrouter keep in `response_metadata.usage`; `token_usage` is the same
 * object under the Python integrations' key.
 */
function providerCostOf(message: Dict | undefined): number | undefined {
  const meta = asDict(message?.response_metadata);
  return count(asDict(meta?.usage)?.cost) ?? count(asDict(meta?.token_usage)?.cost);
}

function finishReasonOf(generation: Dict, message: Dict | undefined): string | undefined {
  const info = asDict(generation.generationInfo);
  const meta = asDict(message?.response_metadata);
  return (
    text(info?.finish_reason) ??
    text(meta?.finish_reason) ??
    text(meta?.stop_reason) ??
    text(meta?.finishReason) ??
    text(info?.stop_reason)
  );
}

/** Everything the span and metrics need from `handleLLMEnd`'s output. */
export function readModelResponse(output: unknown): ModelResponseInfo {
  const result = asDict(output);
  const llmOutput = asDict(result?.llmOutput);
  const finishReasons: string[] = [];
  const messages: unknown[] = [];
  const usages: TokenUsage[] = [];
  let responseModel = text(llmOutput?.model_name) ?? text(llmOutput?.model);
  let responseId = text(llmOutput?.id);
  let providerCost: number | undefined;

  const batches = Array.isArray(result?.generations) ? (result.generations as unknown[]) : [];
  for (const batch of batches) {
    if (!Array.isArray(batch)) continue;
    for (const item of batch) {
      const generation = asDict(item);
      if (generation === undefined) continue;
      const message = asDict(generation.message);
      if (message !== undefined) messages.push(message);
      else if (typeof generation.text === "string") messages.push(generation.text);
      const usage = usageOfMessage(message);
      if (usage !== undefined) usages.push(usage);
      providerCost = add(providerCost, providerCostOf(message));
      const reason = finishReasonOf(generation, message);
      if (reason !== undefined) finishReasons.push(reason);
      const meta = asDict(message?.response_metadata);
      responseModel ??= text(meta?.model_name) ?? text(meta?.model) ?? text(meta?.modelId);
      responseId ??= text(meta?.id) ?? text(message?.id);
    }
  }
  const usage = usages.length > 0 ? sumUsage(usages) : (usageOfLlmOutput(llmOutput) ?? {});
  return { usage, finishReasons, responseModel, responseId, providerCost, messages };
}
