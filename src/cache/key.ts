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

/**
 * Call options that LangGraph puts into every call made with a node's config
 * (`model.invoke(messages, config)`): per-task ids, signals and callbacks. LangChain's
 * `k:v,k:v` llm string includes them, so left in, no call inside a node would ever hit.
 */
const PER_CALL_OPTION_KEYS = new Set([
  "executionInfo",
  "control",
  "interrupt",
  "signal",
  "writer",
  "store",
  "context",
  "runtime",
  "timeout",
]);

/** Splits `k:v,k:v` at the commas that are outside JSON strings, objects and arrays. */
function splitOptionEntries(text: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") depth--;
    else if (char === "," && depth === 0) {
      entries.push(text.slice(start, i));
      start = i + 1;
    }
  }
  entries.push(text.slice(start));
  return entries;
}

function withoutPerCallOptions(llmString: string): string {
  return splitOptionEntries(llmString)
    .filter((entry) => !PER_CALL_OPTION_KEYS.has(entry.slice(0, entry.indexOf(":"))))
    .sort()
    .join(",");
}

/**
 * The llm string with JSON objects in key order, and LangChain's `k:v` form without the
 * per-call options that LangGraph adds; other strings as they are.
 */
export function canonicalLlmString(llmString: string): string {
  const text = llmString.trim();
  if (!text.startsWith("{") && !text.startsWith("[")) {
    return text.includes(":") ? withoutPerCallOptions(llmString) : llmString;
  }
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
