/**
 * SharedResponseCache and TieredCache in one process, against a real Redis and a
 * "Redis" that accepts connections and never answers: values round-trip between two
 * clients, every lookup is counted with its tier, a silent server costs one deadline
 * (then a cool-down), and no Redis failure reaches the caller.
 */
import { createServer, type Server, type Socket } from "node:net";
import { InMemoryCache } from "@langchain/core/caches";
import { AIMessage } from "@langchain/core/messages";
import type { ChatGeneration, Generation } from "@langchain/core/outputs";
import Redis, { type RedisOptions } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ResponseCache, SharedResponseCache, TieredCache } from "../../src/index.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_LANGGRAPH_CACHE_NAME,
  ATTR_LANGGRAPH_CACHE_RESULT,
  ATTR_LANGGRAPH_CACHE_TIER,
  CACHE_TIER_LOCAL,
  CACHE_TIER_SHARED,
  METRIC_LANGGRAPH_CACHE_REQUESTS,
} from "../../src/semconv.js";
import { type RedisServer, startRedis } from "../helpers/redis.js";
import { Telemetry } from "../resilience/support.js";

const LLM = "_model:base_chat_model,_type:fake,temperature:0";
const answer = (text: string): ChatGeneration[] => [{ text, message: new AIMessage(text) }];

let redis: RedisServer;
let telemetry: Telemetry;
const clients: Redis[] = [];

function client(url = redis.url, options: RedisOptions = {}): Redis {
  const c = new Redis(url, { lazyConnect: false, ...options });
  c.on("error", () => {});
  clients.push(c);
  return c;
}

beforeAll(async () => {
  redis = await startRedis();
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});
beforeEach(() => {
  telemetry = new Telemetry();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await telemetry.shutdown();
});

function requests(tier: string, result: string, extra: Record<string, string> = {}): Promise<number> {
  return telemetry.sum(METRIC_LANGGRAPH_CACHE_REQUESTS, {
    [ATTR_LANGGRAPH_CACHE_TIER]: tier,
    [ATTR_LANGGRAPH_CACHE_RESULT]: result,
    ...extra,
  });
}

describe("SharedResponseCache on a real Redis", () => {
  it("stores in one client and answers another (a new replica), with the TTL and prefix asked for", async () => {
    const { meterProvider } = telemetry;
    const writer = new SharedResponseCache({ client: client(), name: "answers", ttlMs: 60_000, meterProvider });
    const reader = new SharedResponseCache({ client: client(), name: "answers", meterProvider });
    expect(await reader.lookup("refund window?", LLM)).toBeNull();
    await writer.update("refund window?", LLM, answer("30 days"));

    const found = (await reader.lookup("refund window?", LLM)) as ChatGeneration[];
    expect(found.map((g) => [g.text, g.message.content, g.message.getType()])).toEqual([["30 days", "30 days", "ai"]]);
    expect(await requests(CACHE_TIER_SHARED, "miss", { [ATTR_LANGGRAPH_CACHE_NAME]: "answers" })).toBe(1);
    expect(await requests(CACHE_TIER_SHARED, "hit", { [ATTR_LANGGRAPH_CACHE_NAME]: "answers" })).toBe(1);

    const keys = await client().keys("langgraph-otel:cache:*");
    expect(keys).toHaveLength(1);
    const ttl = await client().pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  describe("against a server that accepts and never answers", () => {
    let silent: Server;
    const sockets: Socket[] = [];
    let received = 0;
    beforeAll(async () => {
      silent = createServer((socket) => {
        sockets.push(socket);
        socket.on("data", () => {
          received++;
        });
      });
      await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((done) => silent.close(done));
    });

    it("gives a miss after the deadline, then skips Redis while cooling down; updates never throw", async () => {
      const port = (silent.address() as { port: number }).port;
      // ioredis's defaults: the offline queue on, 20 retries per command: only our
      // deadline bounds the wait.
      const cache = new SharedResponseCache({
        client: client(`redis://127.0.0.1:${port}`),
        timeoutMs: 100,
        cooldownMs: 60_000,
        meterProvider: telemetry.meterProvider,
      });
      expect(await cache.lookup("anything", LLM)).toBeNull();
      const before = received;
      expect(await cache.lookup("anything else", LLM)).toBeNull();
      await expect(cache.update("anything", LLM, answer("x"))).resolves.toBeUndefined();
      // Nothing more was sent while cooling down.
      expect(received).toBe(before);
      expect(await requests(CACHE_TIER_SHARED, "miss", { [ATTR_ERROR_TYPE]: "timeout" })).toBe(2);
      expect(await requests(CACHE_TIER_SHARED, "hit")).toBe(0);
    });
  });

  it("refuses a client that is not one", () => {
    expect(() => new SharedResponseCache({ client: {} as never })).toThrow(TypeError);
    expect(() => new SharedResponseCache({ client: client(), timeoutMs: 0 })).toThrow(RangeError);
  });
});

describe("TieredCache", () => {
  it("counts each tier: a shared hit fills the local tier, the next lookup stays in process", async () => {
    const { meterProvider } = telemetry;
    const replicaA = new TieredCache<Generation[]>([
      new ResponseCache({ name: "answers", meterProvider }),
      new SharedResponseCache({ client: client(), name: "answers", keyPrefix: "tiered:", meterProvider }),
    ]);
    const replicaB = new TieredCache<Generation[]>([
      new ResponseCache({ name: "answers", meterProvider }),
      new SharedResponseCache({ client: client(), name: "answers", keyPrefix: "tiered:", meterProvider }),
    ]);
    expect(await replicaA.lookup("q", LLM)).toBeNull();
    await replicaA.update("q", LLM, answer("from A"));
    expect((await replicaB.lookup("q", LLM))?.[0]?.text).toBe("from A");
    expect((await replicaB.lookup("q", LLM))?.[0]?.text).toBe("from A");

    expect(await requests(CACHE_TIER_LOCAL, "miss")).toBe(2); // A's first, B's first
    expect(await requests(CACHE_TIER_SHARED, "miss")).toBe(1); // A's first
    expect(await requests(CACHE_TIER_SHARED, "hit")).toBe(1); // B's first
    expect(await requests(CACHE_TIER_LOCAL, "hit")).toBe(1); // B's second
  });

  it("counts tiers that do not report themselves, and treats a throwing tier as a miss", async () => {
    const broken = new InMemoryCache<ChatGeneration[]>();
    broken.lookup = async () => {
      throw new Error("tier down");
    };
    const foreign = new InMemoryCache<ChatGeneration[]>();
    const cache = new TieredCache<ChatGeneration[]>([broken, foreign], { name: "mixed", meterProvider: telemetry.meterProvider });
    await cache.update("q", LLM, answer("kept"));
    expect(((await cache.lookup("q", LLM)) as ChatGeneration[])[0]!.text).toBe("kept");
    const named = { [ATTR_LANGGRAPH_CACHE_NAME]: "mixed" };
    expect(await requests("tier1", "miss", { ...named, [ATTR_ERROR_TYPE]: "Error" })).toBe(1);
    expect(await requests("tier2", "hit", named)).toBe(1);
  });
});
