/**
 * The maintained price source: `@pydantic/genai-prices` (MIT), whose bundled data covers
 * hundreds of models with context-length bands and cache prices. Loaded once per process
 * in the background (it is ~0.5 MB of code): calls priced before it has loaded fall
 * through to the built-in table. It never fetches prices over the network here.
 */
import type { TokenUsage } from "./usage.js";

type GenAIPrices = typeof import("@pydantic/genai-prices");

let library: GenAIPrices | undefined;
let loading: Promise<void> | undefined;

/** Starts loading the price data (once per process). Never rejects. */
export function loadMaintainedPrices(onError: (err: unknown) => void): Promise<void> {
  loading ??= import("@pydantic/genai-prices").then(
    (mod) => {
      library = mod;
    },
    (err: unknown) => onError(err),
  );
  return loading;
}

/** Provider ids the source knows, by LangChain `ls_provider` (looked up once each). */
const providerIds = new Map<string, string | undefined>();

function providerIdOf(lib: GenAIPrices, lsProvider: string): string | undefined {
  if (!providerIds.has(lsProvider)) {
    providerIds.set(lsProvider, lib.findProvider({ providerId: lsProvider })?.id);
  }
  return providerIds.get(lsProvider);
}

/**
 * USD for one call from the maintained source, or undefined when it is not loaded or
 * does not know the model. A provider the source does not know (a local model server)
 * gets no price: matching its model name against other providers' prices would invent
 * a cost. Throws nothing.
 */
export function maintainedCost(
  usage: TokenUsage,
  model: string,
  lsProvider: string | undefined,
): number | undefined {
  const lib = library;
  if (lib === undefined) return undefined;
  try {
    const providerId = lsProvider === undefined ? undefined : providerIdOf(lib, lsProvider.toLowerCase());
    if (lsProvider !== undefined && providerId === undefined) return undefined;
    // `input_tokens` is the whole input, cache reads and writes included (as LangChain's).
    const input = usage.inputTokens ?? 0;
    const cacheRead = Math.min(usage.cacheReadTokens ?? 0, input);
    const cacheWrite = Math.min(usage.cacheCreationTokens ?? 0, input - cacheRead);
    const priced = {
      input_tokens: input,
      output_tokens: usage.outputTokens ?? 0,
      cache_read_tokens: cacheRead,
      cache_write_tokens: cacheWrite,
    };
    const options = providerId === undefined ? undefined : { providerId };
    // `models/gemini-2.5-pro`, `openai/gpt-4o`: the name as given, then without its path.
    const bare = model.slice(model.lastIndexOf("/") + 1);
    for (const name of bare === model ? [model] : [model, bare]) {
      const result = lib.calcPrice(priced, name, options);
      if (result !== null && Number.isFinite(result.total_price) && result.total_price >= 0) {
        return result.total_price;
      }
    }
    return undefined;
  } catch {
    return undefined;
  }
}
