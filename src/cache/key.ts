/**
 * Stable cache keys. LangChain hands a cache the prompt text and the model's "llm string"
 * (its identifying parameters, serialized). The key is a SHA-256 over both, framed as a
 * JSON array so no separator can make two different pairs collide (LangChain's default
 * encoder joins with "_"), and with any JSON llm string re-serialized with sorted keys, so
 * equal parameters in a different order give the same key.
 */
import { createHash } from "node:crypto";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      sorted[key] = canonical((value as Record<string, unknown>)[key]);
    }
    return sorted;
  }
  return value;
}

/** The llm string with JSON objects in key order; other strings as they are. */
export function canonicalLlmString(llmString: string): string {
  const text = llmString.trim();
  if (!text.startsWith("{") && !text.startsWith("[")) return llmString;
  try {
    return JSON.stringify(canonical(JSON.parse(text)));
  } catch {
    return llmString;
  }
}

/** The cache key of a prompt for a model configuration (hex SHA-256). */
export function stableCacheKey(prompt: string, llmString: string): string {
  return createHash("sha256")
    .update(JSON.stringify([prompt, canonicalLlmString(llmString)]))
    .digest("hex");
}
