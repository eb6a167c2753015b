import {
  COST_SOURCE_BUILTIN,
  COST_SOURCE_GENAI_PRICES,
  COST_SOURCE_PROVIDER,
  COST_SOURCE_USER,
  type CostSource,
} from "../semconv.js";
import { maintainedCost } from "./price-source.js";
import { costOf, DEFAULT_MODEL_PRICES, findPrice, userPriceTable } from "./pricing.js";
import type { GenAIInstrumentationConfig, PriceTable } from "./types.js";
import type { TokenUsage } from "./usage.js";

/** Where prices come from, from the config. */
export interface Pricing {
  /** The user's `prices` (negotiated prices override every list price). */
  user: PriceTable;
  /** The maintained source and the built-in table; off with `replaceDefaultPrices`. */
  defaults: boolean;
}

export function pricingOf(config: GenAIInstrumentationConfig): Pricing {
  return { user: userPriceTable(config.prices), defaults: config.replaceDefaultPrices !== true };
}

export interface CallCost {
  usd: number;
  source: CostSource;
}

export interface CostQuery {
  usage: TokenUsage;
  /** USD the provider reported for the call itself (OpenRouter's `usage.cost`). */
  providerCost: number | undefined;
  model: string | undefined;
  /** LangChain's `ls_provider` (the maintained source's provider ids follow it). */
  lsProvider: string | undefined;
}

/**
 * The cost of one call: what the provider reported, else the user's price, else the
 * maintained price source, else the built-in table. Undefined when none knows the model
 * or no usage was reported: no cost, never a false zero.
 */
export function resolveCost(pricing: Pricing, query: CostQuery): CallCost | undefined {
  if (query.providerCost !== undefined) return { usd: query.providerCost, source: COST_SOURCE_PROVIDER };
  const { usage, model } = query;
  if (model === undefined || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return undefined;
  const user = findPrice(pricing.user, model);
  if (user !== undefined) return withSource(costOf(user, usage), COST_SOURCE_USER);
  if (!pricing.defaults) return undefined;
  const maintained = maintainedCost(usage, model, query.lsProvider);
  if (maintained !== undefined) return { usd: maintained, source: COST_SOURCE_GENAI_PRICES };
  const builtin = findPrice(DEFAULT_MODEL_PRICES, model);
  return builtin === undefined ? undefined : withSource(costOf(builtin, usage), COST_SOURCE_BUILTIN);
}

function withSource(usd: number | undefined, source: CostSource): CallCost | undefined {
  return usd === undefined ? undefined : { usd, source };
}
