/**
 * Hit/miss telemetry for any LangChain `BaseCache` a chat model is given (`cache:`),
 * RedisCache and the rest of @langchain/community included.
 *
 * LangChain looks prompts up in `BaseChatModel#_generateCached({ messages, cache, ... })`,
 * which resolves to `{ generations, missingPromptIndices }`: every prompt not missing was
 * a hit (a hit also reaches handlers as `handleLLMEnd(..., { cached: true })`, which marks
 * the chat span; a miss reaches them as nothing at all, hence this wrapper). Our own
 * caches (ResponseCache, SharedResponseCache, TieredCache) count themselves and are left
 * alone here. The cache's class name is its `langgraph.cache.name`.
 */
import { recordLookup, reportsItself } from "../cache/record.js";

export const CACHED_GENERATE_METHOD = "_generateCached";

type Method = (this: unknown, ...args: unknown[]) => unknown;

function cacheName(cache: object): string {
  const name = (cache.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === "string" && name !== "" ? name : "BaseCache";
}

function record(request: { messages?: unknown; cache: object }, output: unknown): void {
  const prompts = Array.isArray(request.messages) ? request.messages.length : 0;
  const missing = (output as { missingPromptIndices?: unknown } | null)?.missingPromptIndices;
  if (!Array.isArray(missing)) return;
  const cache = cacheName(request.cache);
  for (let i = 0; i < prompts; i++) recordLookup(undefined, { cache, hit: !missing.includes(i) });
}

/** Wraps `_generateCached`: counts its lookups once they are known; the result is untouched. */
export function countCacheLookups(original: Method, enabled: () => boolean, onError: (err: unknown) => void): Method {
  return function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    try {
      const request = args[0] as { messages?: unknown; cache?: unknown } | undefined;
      const cache = request?.cache;
      if (!enabled() || typeof cache !== "object" || cache === null || reportsItself(cache)) return result;
      if (!(result instanceof Promise)) return result;
      return result.then((output: unknown) => {
        try {
          record({ messages: request?.messages, cache }, output);
        } catch (err) {
          onError(err);
        }
        return output;
      });
    } catch (err) {
      onError(err);
      return result;
    }
  };
}
