/**
 * `ResponseCache`: a LangChain `BaseCache` (pass it as `cache:` to any chat model), LRU
 * with a time to live, bounded by entries and by bytes, keyed stably over the prompt and
 * the model's parameters; optionally semantic, matching a new prompt to a cached one of
 * the same model whose embedding is similar enough.
 *
 * Telemetry: `langgraph.cache.requests` (hit / miss, tier `local`), `langgraph.cache.entries`
 * (observed), `langgraph.cache.evictions`; every lookup is published (lookup-events.ts).
 * A failing embeddings call or size estimate degrades to a miss / a skipped store: a cache
 * must never fail the model call.
 */
import { BaseCache } from "@langchain/core/caches";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Generation } from "@langchain/core/outputs";
import { diag, type MeterProvider } from "@opentelemetry/api";
import { count, type ObservedSource, registerObserved } from "../resilience/telemetry.js";
import { ATTR_LANGGRAPH_CACHE_NAME, CACHE_TIER_LOCAL } from "../semconv.js";
import { canonicalLlmString, stableCacheKey } from "./key.js";
import { REPORTS_ITSELF, recordLookup } from "./record.js";
import { BoundedLru, type EvictionReason } from "./lru.js";
import { cosineSimilarity } from "./similarity.js";

export interface SemanticLookupOptions {
  /** Anything with LangChain's `embedQuery` (an `Embeddings` instance). */
  embeddings: Pick<EmbeddingsInterface, "embedQuery">;
  /** Cosine similarity at or above which a cached prompt counts as the same. Default 0.95. */
  threshold?: number;
}

export interface ResponseCacheOptions<T> {
  /** `langgraph.cache.name`. Default "default". */
  name?: string;
  /** `langgraph.cache.tier` on its lookups. Default "local". */
  tier?: string;
  /** Most entries held. Default 1000. */
  maxEntries?: number;
  /** Most bytes held (keys, values, embeddings). Default 50 MiB. */
  maxBytes?: number;
  /** Time to live, ms. Default: none. */
  ttlMs?: number;
  /** Bytes a value weighs. Default: its JSON in UTF-8. */
  sizeOf?: (value: T) => number;
  semantic?: SemanticLookupOptions;
  meterProvider?: MeterProvider;
  /** Clock, ms. Default `Date.now` (mocked by fake timers). */
  clock?: () => number;
}

interface CachedValue<T> {
  value: T;
  /** Canonical llm string: a semantic match must be for the same model configuration. */
  llm: string;
  vector?: number[];
}

/** Unread embeddings of missed prompts, kept for the `update` that usually follows. */
const PENDING_VECTORS = 64;
const BYTES_PER_DIMENSION = 8;

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
}

export class ResponseCache<T = Generation[]> extends BaseCache<T> implements ObservedSource {
  readonly name: string;
  readonly tier: string;
  readonly meterProvider: MeterProvider | undefined;
  readonly [REPORTS_ITSELF] = true;
  private readonly store: BoundedLru<CachedValue<T>>;
  private readonly sizeOf: (value: T) => number;
  private readonly semantic: Required<SemanticLookupOptions> | undefined;
  private readonly pendingVectors = new Map<string, number[]>();

  constructor(options: ResponseCacheOptions<T> = {}) {
    super();
    this.name = options.name ?? "default";
    this.tier = options.tier ?? CACHE_TIER_LOCAL;
    this.meterProvider = options.meterProvider;
    this.keyEncoder = stableCacheKey;
    this.sizeOf = options.sizeOf ?? jsonBytes;
    const maxEntries = options.maxEntries ?? 1000;
    const maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
    const ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`ResponseCache: maxEntries must be an integer >= 1, got ${maxEntries}`);
    }
    if (!(maxBytes > 0)) throw new RangeError(`ResponseCache: maxBytes must be > 0, got ${maxBytes}`);
    if (!(ttlMs > 0)) throw new RangeError(`ResponseCache: ttlMs must be > 0, got ${ttlMs}`);
    if (options.semantic !== undefined) {
      const threshold = options.semantic.threshold ?? 0.95;
      if (!(threshold > 0 && threshold <= 1)) {
        throw new RangeError(`ResponseCache: semantic threshold must be in (0, 1], got ${threshold}`);
      }
      this.semantic = { embeddings: options.semantic.embeddings, threshold };
    }
    this.store = new BoundedLru<CachedValue<T>>({
      maxEntries,
      maxBytes,
      ttlMs,
      clock: options.clock ?? Date.now,
      onEvict: (_key, _entry, reason) => this.evicted(reason),
    });
    registerObserved("cacheEntries", this);
  }

  /** Entries held now. */
  get size(): number {
    return this.store.size;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.store.bytes;
  }

  /** Gauge value for `langgraph.cache.entries`. */
  observe() {
    return { value: this.store.size, attributes: { [ATTR_LANGGRAPH_CACHE_NAME]: this.name } };
  }

  override async lookup(prompt: string, llmKey: string): Promise<T | null> {
    let found: T | null = null;
    let similarity: number | undefined;
    try {
      const key = this.keyEncoder(prompt, llmKey);
      const exact = this.store.get(key);
      if (exact !== undefined) {
        found = exact.value.value;
      } else if (this.semantic !== undefined) {
        const match = await this.semanticMatch(key, prompt, canonicalLlmString(llmKey));
        if (match !== undefined) {
          found = match.value;
          similarity = match.similarity;
        }
      }
    } catch (err) {
      diag.warn("langgraph-otel: ResponseCache lookup failed; treating it as a miss", err);
      found = null;
    }
    recordLookup(this.meterProvider, {
      cache: this.name,
      tier: this.tier,
      hit: found !== null,
      ...(similarity !== undefined ? { similarity } : {}),
    });
    return found;
  }

  override async update(prompt: string, llmKey: string, value: T): Promise<void> {
    try {
      const key = this.keyEncoder(prompt, llmKey);
      const llm = canonicalLlmString(llmKey);
      let vector: number[] | undefined;
      if (this.semantic !== undefined) {
        vector = this.pendingVectors.get(key) ?? (await this.embed(prompt));
        this.pendingVectors.delete(key);
      }
      const bytes =
        Buffer.byteLength(key, "utf8") +
        Buffer.byteLength(llm, "utf8") +
        this.sizeOf(value) +
        (vector?.length ?? 0) * BYTES_PER_DIMENSION;
      if (!Number.isFinite(bytes)) return;
      this.store.set(key, vector === undefined ? { value, llm } : { value, llm, vector }, bytes);
    } catch (err) {
      diag.warn("langgraph-otel: ResponseCache update failed; the value is not cached", err);
    }
  }

  /** Drops every entry (not counted as evictions). */
  clear(): void {
    this.store.clear();
    this.pendingVectors.clear();
  }

  private async embed(prompt: string): Promise<number[] | undefined> {
    try {
      return await this.semantic?.embeddings.embedQuery(prompt);
    } catch (err) {
      diag.warn("langgraph-otel: ResponseCache embeddings failed; no semantic match", err);
      return undefined;
    }
  }

  private async semanticMatch(
    key: string,
    prompt: string,
    llm: string,
  ): Promise<{ value: T; similarity: number } | undefined> {
    const vector = await this.embed(prompt);
    if (vector === undefined || this.semantic === undefined) return undefined;
    this.pendingVectors.delete(key);
    this.pendingVectors.set(key, vector);
    if (this.pendingVectors.size > PENDING_VECTORS) {
      const oldest = this.pendingVectors.keys().next();
      if (oldest.done !== true) this.pendingVectors.delete(oldest.value);
    }
    let best: { key: string; value: T; similarity: number } | undefined;
    for (const [entryKey, entry] of this.store.entries()) {
      const cached = entry.value;
      if (cached.llm !== llm || cached.vector === undefined) continue;
      const similarity = cosineSimilarity(vector, cached.vector);
      if (similarity >= this.semantic.threshold && (best === undefined || similarity > best.similarity)) {
        best = { key: entryKey, value: cached.value, similarity };
      }
    }
    if (best === undefined) return undefined;
    this.store.touch(best.key);
    return { value: best.value, similarity: best.similarity };
  }

  private evicted(_reason: EvictionReason): void {
    count(this.meterProvider, (i) => i.cacheEvictions, { [ATTR_LANGGRAPH_CACHE_NAME]: this.name });
  }
}
