/**
 * `SharedResponseCache`: a LangChain `BaseCache` over a Redis client (ioredis, or anything
 * with its `get`/`set`), shared by every replica of the app: a prompt answered by one
 * replica is a hit in the others. Keys are `stableCacheKey` (the same as ResponseCache),
 * under a prefix; values are LangChain's stored generations as JSON.
 *
 * Redis never fails or stalls a model call: every command has a deadline (`timeoutMs`);
 * an error or a timeout is a miss (lookup) or a skipped store (update), counted with
 * `error.type`, and Redis is then left alone for `cooldownMs` (lookups in that time are
 * misses at once, not one deadline each).
 */
import { BaseCache, deserializeStoredGeneration, serializeGeneration } from "@langchain/core/caches";
import type { Generation } from "@langchain/core/outputs";
import { diag, type MeterProvider } from "@opentelemetry/api";
import { CACHE_TIER_SHARED } from "../semconv.js";
import { stableCacheKey } from "./key.js";
import { REPORTS_ITSELF, recordLookup } from "./record.js";

/** The part of an ioredis (or node-redis v4 legacy) client the cache uses. */
export interface SharedCacheClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  set(key: string, value: string, unit: "PX", milliseconds: number): Promise<unknown>;
}

export interface SharedResponseCacheOptions<T> {
  client: SharedCacheClient;
  /** `langgraph.cache.name`. Default "shared". */
  name?: string;
  /** `langgraph.cache.tier`. Default "shared". */
  tier?: string;
  /** Prefix of every key. Default "langgraph-otel:cache:". */
  keyPrefix?: string;
  /** Time to live of a stored answer, ms. Default: none (Redis's eviction policy). */
  ttlMs?: number;
  /** Longest wait for one Redis command, ms. Default 250. */
  timeoutMs?: number;
  /** After a failed command, how long to answer without asking Redis, ms. Default 5000. */
  cooldownMs?: number;
  /** Value to text and back. Default: LangChain's stored generations as JSON. */
  serialize?: (value: T) => string;
  deserialize?: (text: string) => T;
  meterProvider?: MeterProvider;
  /** Clock, ms. Default `Date.now`. */
  clock?: () => number;
}

type StoredGeneration = Parameters<typeof deserializeStoredGeneration>[0];

class DeadlineExceeded extends Error {
  override name = "timeout";
}

function generationsToText(value: unknown): string {
  return JSON.stringify((value as Generation[]).map(serializeGeneration));
}

function textToGenerations(text: string): unknown {
  return (JSON.parse(text) as StoredGeneration[]).map(deserializeStoredGeneration);
}

/** Settles like `promise`, or rejects with DeadlineExceeded after `ms`; never leaks a rejection. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`no answer within ${ms} ms`)), ms);
    timer.unref?.();
  });
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function errorTypeOf(err: unknown): string {
  const { code, name } = (err ?? {}) as { code?: unknown; name?: unknown };
  if (typeof code === "string" && code !== "") return code;
  return typeof name === "string" && name !== "" ? name : "Error";
}

export class SharedResponseCache<T = Generation[]> extends BaseCache<T> {
  readonly name: string;
  readonly tier: string;
  readonly meterProvider: MeterProvider | undefined;
  readonly [REPORTS_ITSELF] = true;
  private readonly client: SharedCacheClient;
  private readonly keyPrefix: string;
  private readonly ttlMs: number | undefined;
  private readonly timeoutMs: number;
  private readonly cooldownMs: number;
  private readonly serialize: (value: T) => string;
  private readonly deserialize: (text: string) => T;
  private readonly clock: () => number;
  /** While Redis is cooling down: until when, and the failure that started it. */
  private unavailable: { until: number; errorType: string } | undefined;

  constructor(options: SharedResponseCacheOptions<T>) {
    super();
    if (typeof options?.client?.get !== "function" || typeof options.client.set !== "function") {
      throw new TypeError("SharedResponseCache: `client` must be a Redis client (get/set), e.g. new Redis(url)");
    }
    const timeoutMs = options.timeoutMs ?? 250;
    const cooldownMs = options.cooldownMs ?? 5000;
    if (!(timeoutMs > 0)) throw new RangeError(`SharedResponseCache: timeoutMs must be > 0, got ${timeoutMs}`);
    if (!(cooldownMs >= 0)) throw new RangeError(`SharedResponseCache: cooldownMs must be >= 0, got ${cooldownMs}`);
    if (options.ttlMs !== undefined && !(Number.isInteger(options.ttlMs) && options.ttlMs > 0)) {
      throw new RangeError(`SharedResponseCache: ttlMs must be an integer > 0, got ${options.ttlMs}`);
    }
    this.client = options.client;
    this.name = options.name ?? "shared";
    this.tier = options.tier ?? CACHE_TIER_SHARED;
    this.meterProvider = options.meterProvider;
    this.keyPrefix = options.keyPrefix ?? "langgraph-otel:cache:";
    this.ttlMs = options.ttlMs;
    this.timeoutMs = timeoutMs;
    this.cooldownMs = cooldownMs;
    this.serialize = options.serialize ?? (generationsToText as (value: T) => string);
    this.deserialize = options.deserialize ?? (textToGenerations as (text: string) => T);
    this.clock = options.clock ?? Date.now;
    this.keyEncoder = stableCacheKey;
  }

  override async lookup(prompt: string, llmKey: string): Promise<T | null> {
    let found: T | null = null;
    let errorType: string | undefined;
    try {
      const text = await this.command(() => this.client.get(this.key(prompt, llmKey)));
      if (text !== null && text !== undefined) found = this.deserialize(text);
    } catch (err) {
      errorType = this.failed("lookup", err);
    }
    recordLookup(this.meterProvider, {
      cache: this.name,
      tier: this.tier,
      hit: found !== null,
      ...(errorType !== undefined ? { errorType } : {}),
    });
    return found;
  }

  override async update(prompt: string, llmKey: string, value: T): Promise<void> {
    try {
      const key = this.key(prompt, llmKey);
      const text = this.serialize(value);
      const ttl = this.ttlMs;
      await this.command(() =>
        ttl === undefined ? this.client.set(key, text) : this.client.set(key, text, "PX", ttl),
      );
    } catch (err) {
      this.failed("update", err);
    }
  }

  private key(prompt: string, llmKey: string): string {
    return `${this.keyPrefix}${this.keyEncoder(prompt, llmKey)}`;
  }

  /** One Redis command under the deadline; refused at once while cooling down. */
  private async command<R>(run: () => Promise<R>): Promise<R> {
    const unavailable = this.unavailable;
    if (unavailable !== undefined) {
      if (this.clock() < unavailable.until) throw Object.assign(new Error("cooling down"), { code: unavailable.errorType, quiet: true });
      this.unavailable = undefined;
    }
    return withDeadline(Promise.resolve().then(run), this.timeoutMs);
  }

  /** Logs a failure (once per outage), starts the cool-down; returns its `error.type`. */
  private failed(operation: string, err: unknown): string {
    const type = errorTypeOf(err);
    if ((err as { quiet?: unknown })?.quiet === true) return type;
    diag.warn(
      `langgraph-otel: SharedResponseCache ${this.name}: ${operation} failed (${type}); counted as a miss, Redis skipped for ${this.cooldownMs} ms`,
      err,
    );
    if (this.cooldownMs > 0) this.unavailable = { until: this.clock() + this.cooldownMs, errorType: type };
    return type;
  }
}
