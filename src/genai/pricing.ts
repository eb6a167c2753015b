import type { ModelPrice, PriceTable } from "./types.js";
import type { TokenUsage } from "./usage.js";

/**
 * List prices (USD per million tokens, standard tier, shortest context band) of common
 * models as their providers published them when this table was written: the last
 * resort, after the maintained price source (see cost.ts). Prices change: override them
 * with the `prices` option. Keys match a model name
 * exactly or as a prefix followed by `-`, `@` or `:` (dated snapshots such as
 * `gpt-4o-2024-08-06`); the longest key wins.
 */
export const DEFAULT_MODEL_PRICES: PriceTable = {
  // OpenAI
  "gpt-5": { input: 1.25, output: 10, cachedInput: 0.125 },
  "gpt-5-mini": { input: 0.25, output: 2, cachedInput: 0.025 },
  "gpt-5-nano": { input: 0.05, output: 0.4, cachedInput: 0.005 },
  "gpt-4.1": { input: 2, output: 8, cachedInput: 0.5 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6, cachedInput: 0.1 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4, cachedInput: 0.025 },
  "gpt-4o": { input: 2.5, output: 10, cachedInput: 1.25 },
  "gpt-4o-mini": { input: 0.15, output: 0.6, cachedInput: 0.075 },
  o3: { input: 2, output: 8, cachedInput: 0.5 },
  "o3-mini": { input: 1.1, output: 4.4, cachedInput: 0.55 },
  "o4-mini": { input: 1.1, output: 4.4, cachedInput: 0.275 },
  // Anthropic (cache writes at the 5-minute rate)
  "claude-opus-4": { input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75 },
  "claude-opus-4-1": { input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75 },
  "claude-sonnet-4": { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
  "claude-sonnet-4-5": { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
  "claude-haiku-4-5": { input: 1, output: 5, cachedInput: 0.1, cacheWrite: 1.25 },
  "claude-3-7-sonnet": { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
  "claude-3-5-haiku": { input: 0.8, output: 4, cachedInput: 0.08, cacheWrite: 1 },
  // Google
  "gemini-2.5-pro": { input: 1.25, output: 10, cachedInput: 0.31 },
  "gemini-2.5-flash": { input: 0.3, output: 2.5, cachedInput: 0.075 },
  "gemini-2.5-flash-lite": { input: 0.1, output: 0.4, cachedInput: 0.025 },
  "gemini-2.0-flash": { input: 0.1, output: 0.4, cachedInput: 0.025 },
  // Mistral, DeepSeek
  "mistral-large-latest": { input: 2, output: 6 },
  "deepseek-chat": { input: 0.28, output: 0.42, cachedInput: 0.028 },
  "deepseek-reasoner": { input: 0.28, output: 0.42, cachedInput: 0.028 },
};

const SNAPSHOT_SEPARATORS = new Set(["-", "@", ":"]);

/** The user's prices with invalid entries dropped and names lower-cased. */
export function userPriceTable(user: PriceTable | undefined): PriceTable {
  const table: Record<string, ModelPrice> = {};
  for (const [model, price] of Object.entries(user ?? {})) {
    if (isValidPrice(price)) table[model.toLowerCase()] = price;
  }
  return table;
}

function isValidPrice(price: unknown): price is ModelPrice {
  if (typeof price !== "object" || price === null) return false;
  const { input, output, cachedInput, cacheWrite } = price as Record<string, unknown>;
  const ok = (value: unknown) => typeof value === "number" && Number.isFinite(value) && value >= 0;
  return (
    ok(input) &&
    ok(output) &&
    (cachedInput === undefined || ok(cachedInput)) &&
    (cacheWrite === undefined || ok(cacheWrite))
  );
}

/**
 * The price of a model: exact name first, then the longest key that prefixes it at a
 * snapshot boundary. A provider path (`openai/gpt-4o`, `models/gemini-2.5-pro`) is
 * ignored. Undefined for an unknown model: it gets no cost, never a false zero.
 */
export function findPrice(table: PriceTable, model: string | undefined): ModelPrice | undefined {
  if (model === undefined || model === "") return undefined;
  const name = model.toLowerCase().slice(model.lastIndexOf("/") + 1);
  const exact = table[name];
  if (exact !== undefined) return exact;
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (key.length >= name.length || !name.startsWith(key)) continue;
    if (!SNAPSHOT_SEPARATORS.has(name.charAt(key.length))) continue;
    if (best === undefined || key.length > best.length) best = key;
  }
  return best === undefined ? undefined : table[best];
}

/**
 * USD for one call. Cache reads and writes are part of `input` (LangChain's
 * `usage_metadata` convention) and are charged at their own rates.
 */
export function costOf(price: ModelPrice, usage: TokenUsage): number | undefined {
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) return undefined;
  const input = usage.inputTokens ?? 0;
  const cacheRead = Math.min(usage.cacheReadTokens ?? 0, input);
  const cacheWrite = Math.min(usage.cacheCreationTokens ?? 0, input - cacheRead);
  const plainInput = input - cacheRead - cacheWrite;
  const micros =
    plainInput * price.input +
    cacheRead * (price.cachedInput ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    (usage.outputTokens ?? 0) * price.output;
  return micros / 1_000_000;
}
