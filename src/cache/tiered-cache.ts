/**
 * `TieredCache`: several LangChain caches asked in order, typically an in-process
 * ResponseCache in front of a SharedResponseCache (Redis) that every replica reads. A hit
 * in a later tier is copied into the earlier ones (the next lookup stays in process); an
 * answer is stored in every tier.
 *
 * Each tier's lookups count under its own `langgraph.cache.tier`, so a dashboard shows
 * hits per tier: a lookup that tier 1 misses and tier 2 answers is one `local` miss and
 * one `shared` hit. Tiers that do not report themselves (a LangChain RedisCache, say)
 * are counted here, under tier `tier<N>` (1-based). A tier that throws is a miss.
 */
import { BaseCache } from "@langchain/core/caches";
import type { Generation } from "@langchain/core/outputs";
import { diag, type MeterProvider } from "@opentelemetry/api";
import { REPORTS_ITSELF, recordLookup, reportsItself } from "./record.js";

export interface TieredCacheOptions {
  /** `langgraph.cache.name` for the tiers counted here. Default "tiered". */
  name?: string;
  meterProvider?: MeterProvider;
}

function errorTypeOf(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === "string" && name !== "" ? name : "Error";
}

export class TieredCache<T = Generation[]> extends BaseCache<T> {
  readonly [REPORTS_ITSELF] = true;
  readonly tiers: readonly BaseCache<T>[];
  private readonly name: string;
  private readonly meterProvider: MeterProvider | undefined;

  constructor(tiers: readonly BaseCache<T>[], options: TieredCacheOptions = {}) {
    super();
    if (!Array.isArray(tiers) || tiers.length === 0) {
      throw new TypeError("TieredCache: give at least one cache, fastest first");
    }
    this.tiers = [...tiers];
    this.name = options.name ?? "tiered";
    this.meterProvider = options.meterProvider;
  }

  override async lookup(prompt: string, llmKey: string): Promise<T | null> {
    for (let index = 0; index < this.tiers.length; index++) {
      const found = await this.lookupTier(index, prompt, llmKey);
      if (found === null) continue;
      await Promise.all(this.tiers.slice(0, index).map((tier) => this.updateTier(tier, prompt, llmKey, found)));
      return found;
    }
    return null;
  }

  override async update(prompt: string, llmKey: string, value: T): Promise<void> {
    await Promise.all(this.tiers.map((tier) => this.updateTier(tier, prompt, llmKey, value)));
  }

  private async lookupTier(index: number, prompt: string, llmKey: string): Promise<T | null> {
    const tier = this.tiers[index]!;
    const counted = !reportsItself(tier);
    let found: T | null = null;
    let errorType: string | undefined;
    try {
      found = (await tier.lookup(prompt, llmKey)) ?? null;
    } catch (err) {
      errorType = errorTypeOf(err);
      diag.warn(`langgraph-otel: TieredCache ${this.name}: tier ${index + 1} lookup failed; treating it as a miss`, err);
    }
    if (counted || errorType !== undefined) {
      recordLookup(this.meterProvider, {
        cache: this.name,
        tier: `tier${index + 1}`,
        hit: found !== null,
        ...(errorType !== undefined ? { errorType } : {}),
      });
    }
    return found;
  }

  private async updateTier(tier: BaseCache<T>, prompt: string, llmKey: string, value: T): Promise<void> {
    try {
      await tier.update(prompt, llmKey, value);
    } catch (err) {
      diag.warn(`langgraph-otel: TieredCache ${this.name}: a tier's update failed; the value is not cached there`, err);
    }
  }
}
