import { FakeListChatModel } from "@langchain/core/utils/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type CacheLookup,
  onCacheLookup,
  ResponseCache,
  stableCacheKey,
} from "../../src/index.js";
import {
  ATTR_LANGGRAPH_CACHE_HIT,
  ATTR_LANGGRAPH_CACHE_NAME,
  ATTR_LANGGRAPH_CACHE_RESULT,
  ATTR_LANGGRAPH_CACHE_SIMILARITY,
  CACHE_RESULT_HIT,
  CACHE_RESULT_MISS,
  METRIC_LANGGRAPH_CACHE_ENTRIES,
  METRIC_LANGGRAPH_CACHE_EVICTIONS,
  METRIC_LANGGRAPH_CACHE_REQUESTS,
} from "../../src/semconv.js";
import { seeded, Telemetry } from "../resilience/support.js";

let telemetry: Telemetry;

beforeEach(() => {
  telemetry = new Telemetry();
});

afterEach(async () => {
  vi.useRealTimers();
  await telemetry.shutdown();
});

const LLM = "_model:base_chat_model,_type:fake,temperature:0";

/** The oracle: the same LRU + TTL + bytes policy, written the plain way. */
class ReferenceLru {
  entries: Array<{ key: string; bytes: number; expiresAt: number; value: string }> = [];
  evictions = 0;
  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
    readonly ttl: number,
  ) {}
  private total() {
    return this.entries.reduce((s, e) => s + e.bytes, 0);
  }
  get(key: string, now: number): string | null {
    const i = this.entries.findIndex((e) => e.key === key);
    if (i < 0) return null;
    const [e] = this.entries.splice(i, 1);
    if (now >= e!.expiresAt) {
      this.evictions++;
      return null;
    }
    this.entries.push(e!);
    return e!.value;
  }
  set(key: string, value: string, bytes: number, now: number): void {
    if (bytes > this.maxBytes) return;
    const i = this.entries.findIndex((e) => e.key === key);
    if (i >= 0) this.entries.splice(i, 1);
    this.entries.push({ key, bytes, value, expiresAt: now + this.ttl });
    while (this.entries.length > this.maxEntries || this.total() > this.maxBytes) {
      this.entries.shift();
      this.evictions++;
    }
  }
}

describe("ResponseCache bounds and metrics", () => {
  it("never exceeds its bounds over 10,000 mixed operations; hit ratio and evictions are right", async () => {
    let now = 0;
    const maxEntries = 50;
    const maxBytes = 12_000;
    const ttlMs = 5_000;
    const cache = new ResponseCache<string>({
      name: "mixed",
      maxEntries,
      maxBytes,
      ttlMs,
      sizeOf: (v) => v.length,
      clock: () => now,
      meterProvider: telemetry.meterProvider,
    });
    const model = new ReferenceLru(maxEntries, maxBytes, ttlMs);
    const random = seeded(20261101);
    let hits = 0;
    let misses = 0;
    for (let op = 0; op < 10_000; op++) {
      const prompt = `prompt ${Math.floor(random() * 120)}`;
      const key = stableCacheKey(prompt, LLM);
      const roll = random();
      if (roll < 0.55) {
        const got = await cache.lookup(prompt, LLM);
        const expected = model.get(key, now);
        expect(got).toBe(expected);
        if (got === null) misses++;
        else hits++;
      } else if (roll < 0.95) {
        // Values from tiny to larger than the whole cache (those are refused).
        const size = random() < 0.01 ? maxBytes + 1 : Math.floor(random() * 800);
        const value = "x".repeat(size);
        await cache.update(prompt, LLM, value);
        model.set(key, value, key.length + LLM.length + size, now);
      } else {
        now += Math.floor(random() * 400);
      }
      expect(cache.size).toBeLessThanOrEqual(maxEntries);
      expect(cache.bytes).toBeLessThanOrEqual(maxBytes);
      expect(cache.size).toBe(model.entries.length);
    }
    expect(hits).toBeGreaterThan(500);
    expect(misses).toBeGreaterThan(500);

    const name = { [ATTR_LANGGRAPH_CACHE_NAME]: "mixed" };
    const hitCount = await telemetry.sum(METRIC_LANGGRAPH_CACHE_REQUESTS, { ...name, [ATTR_LANGGRAPH_CACHE_RESULT]: CACHE_RESULT_HIT });
    const missCount = await telemetry.sum(METRIC_LANGGRAPH_CACHE_REQUESTS, { ...name, [ATTR_LANGGRAPH_CACHE_RESULT]: CACHE_RESULT_MISS });
    expect(hitCount).toBe(hits);
    expect(missCount).toBe(misses);
    expect(hitCount / (hitCount + missCount)).toBeCloseTo(hits / (hits + misses), 12);
    expect(await telemetry.sum(METRIC_LANGGRAPH_CACHE_EVICTIONS, name)).toBe(model.evictions);
    expect(await telemetry.gauge(METRIC_LANGGRAPH_CACHE_ENTRIES, name)).toBe(cache.size);
  });

  it("expires entries after the TTL (fake timers drive the default clock)", async () => {
    vi.useFakeTimers();
    const cache = new ResponseCache<string>({ ttlMs: 1000, meterProvider: telemetry.meterProvider });
    await cache.update("p", LLM, "v");
    vi.advanceTimersByTime(999);
    expect(await cache.lookup("p", LLM)).toBe("v");
    vi.advanceTimersByTime(1);
    expect(await cache.lookup("p", LLM)).toBeNull();
    expect(cache.size).toBe(0);
    expect(await telemetry.sum(METRIC_LANGGRAPH_CACHE_EVICTIONS)).toBe(1);
  });

  it("rejects bad bounds", () => {
    expect(() => new ResponseCache({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new ResponseCache({ maxBytes: 0 })).toThrow(RangeError);
    expect(() => new ResponseCache({ semantic: { embeddings: { embedQuery: async () => [1] }, threshold: 0 } })).toThrow(
      RangeError,
    );
  });
});

describe("stable keys", () => {
  it("are the same for equal parameters in any order, and cannot collide by framing", () => {
    expect(stableCacheKey("p", '{"a":1,"b":{"c":2,"d":3}}')).toBe(stableCacheKey("p", '{"b":{"d":3,"c":2},"a":1}'));
    expect(stableCacheKey("a_b", "c")).not.toBe(stableCacheKey("a", "b_c"));
    expect(stableCacheKey("p", LLM)).not.toBe(stableCacheKey("p", `${LLM},top_p:1`));
    expect(stableCacheKey("p", LLM)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ignore the per-task options LangGraph adds to calls made with a node's config", () => {
    const base = '_model:"base_chat_model",_type:"fake-list",temperature:0.2';
    const inNode = (taskId: string) =>
      `${base},control:{},executionInfo:{"taskId":"${taskId}","checkpointNs":"ask:${taskId}","nodeAttempt":1},interrupt:undefined,signal:{},writer:undefined`;
    expect(stableCacheKey("p", inNode("t1"))).toBe(stableCacheKey("p", inNode("t2")));
    expect(stableCacheKey("p", inNode("t1"))).toBe(stableCacheKey("p", base));
    // What shapes the answer still counts, commas inside JSON values included.
    expect(stableCacheKey("p", `${base},stop:["a,b:c"]`)).not.toBe(stableCacheKey("p", `${base},stop:["a"]`));
    expect(stableCacheKey("p", base)).not.toBe(stableCacheKey("p", base.replace("0.2", "0.7")));
  });
});

describe("semantic lookup", () => {
  // Hand-made unit vectors: similarity is exactly the cosine we choose.
  const vectors: Record<string, number[]> = {
    "What is the capital of France?": [1, 0, 0],
    "capital of France?": [0.96, 0.28, 0], // cos = 0.96
    "Capital city of France, please": [0.9, 0.43588989, 0], // cos = 0.90
    "How tall is Mont Blanc?": [0.5, 0.8660254, 0], // cos = 0.5
  };
  const embeddings = {
    embedQuery: vi.fn(async (text: string) => vectors[text] ?? [0, 0, 1]),
  };

  it("hits above the threshold, misses below, and never across models", async () => {
    const cache = new ResponseCache<string>({
      name: "semantic",
      semantic: { embeddings, threshold: 0.95 },
      meterProvider: telemetry.meterProvider,
    });
    await cache.update("What is the capital of France?", LLM, "Paris");

    const { value: hit, span } = await telemetry.inSpan("chat fake", () => cache.lookup("capital of France?", LLM));
    expect(hit).toBe("Paris");
    expect(span.attributes[ATTR_LANGGRAPH_CACHE_HIT]).toBe(true);
    expect(span.attributes[ATTR_LANGGRAPH_CACHE_RESULT]).toBe(CACHE_RESULT_HIT);
    expect(span.attributes[ATTR_LANGGRAPH_CACHE_NAME]).toBe("semantic");
    expect(span.attributes[ATTR_LANGGRAPH_CACHE_SIMILARITY]).toBeCloseTo(0.96, 6);

    const below = await telemetry.inSpan("chat fake", () => cache.lookup("Capital city of France, please", LLM));
    expect(below.value).toBeNull();
    expect(below.span.attributes[ATTR_LANGGRAPH_CACHE_HIT]).toBe(false);
    expect(await cache.lookup("How tall is Mont Blanc?", LLM)).toBeNull();
    expect(await cache.lookup("capital of France?", `${LLM},top_p:0.5`)).toBeNull();

    const name = { [ATTR_LANGGRAPH_CACHE_NAME]: "semantic" };
    expect(await telemetry.sum(METRIC_LANGGRAPH_CACHE_REQUESTS, { ...name, [ATTR_LANGGRAPH_CACHE_RESULT]: CACHE_RESULT_HIT })).toBe(1);
    expect(await telemetry.sum(METRIC_LANGGRAPH_CACHE_REQUESTS, { ...name, [ATTR_LANGGRAPH_CACHE_RESULT]: CACHE_RESULT_MISS })).toBe(3);
  });

  it("reuses the embedding of a missed prompt for the update that follows", async () => {
    embeddings.embedQuery.mockClear();
    const cache = new ResponseCache<string>({ semantic: { embeddings } });
    expect(await cache.lookup("How tall is Mont Blanc?", LLM)).toBeNull();
    await cache.update("How tall is Mont Blanc?", LLM, "4806 m");
    expect(embeddings.embedQuery).toHaveBeenCalledTimes(1);
    expect(await cache.lookup("How tall is Mont Blanc?", LLM)).toBe("4806 m");
  });

  it("a failing embeddings call is a miss, never an error", async () => {
    const cache = new ResponseCache<string>({
      semantic: {
        embeddings: {
          embedQuery: async () => {
            throw new Error("embeddings down");
          },
        },
      },
    });
    await cache.update("q", LLM, "a");
    expect(await cache.lookup("q", LLM)).toBe("a");
    expect(await cache.lookup("other", LLM)).toBeNull();
  });
});

describe("with a real chat model", () => {
  it("answers the repeated prompt from the cache and publishes every lookup", async () => {
    const cache = new ResponseCache({ name: "chat", meterProvider: telemetry.meterProvider });
    const model = new FakeListChatModel({ responses: ["first answer", "second answer"], cache });
    const lookups: CacheLookup[] = [];
    const unsubscribe = onCacheLookup((lookup) => lookups.push(lookup));
    try {
      const first = await telemetry.inSpan("call", () => model.invoke("hello"));
      const second = await telemetry.inSpan("call", () => model.invoke("hello"));
      expect(first.value?.content).toBe("first answer");
      expect(second.value?.content).toBe("first answer");
      expect(first.span.attributes[ATTR_LANGGRAPH_CACHE_HIT]).toBe(false);
      expect(second.span.attributes[ATTR_LANGGRAPH_CACHE_HIT]).toBe(true);
    } finally {
      unsubscribe();
    }
    expect(lookups.map((l) => [l.cache, l.result])).toEqual([
      ["chat", CACHE_RESULT_MISS],
      ["chat", CACHE_RESULT_HIT],
    ]);
    expect(cache.size).toBe(1);
  });
});
