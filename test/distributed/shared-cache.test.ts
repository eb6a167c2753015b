/**
 * Caches for replicas, with real processes: two app processes, each with an in-process
 * ResponseCache in front of a SharedResponseCache on one real Redis (TieredCache), run
 * under the built register entry. A prompt answered in A is a `shared` hit in B, counted
 * per tier on each replica's own /metrics and marked on B's chat span; with Redis gone a
 * replica answers from its model, its shared lookups are misses with `error.type`, and
 * nothing fails or hangs.
 */
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import {
  ATTR_LANGGRAPH_CACHE_HIT,
  ATTR_LANGGRAPH_CACHE_TIER,
  CACHE_TIER_LOCAL,
  CACHE_TIER_SHARED,
  SPAN_CHAT,
} from "../../src/semconv.js";
import { startRedis } from "../helpers/redis.js";
import { exitedOk, lastJsonLine, startApp, useReceiverAndRedis } from "../helpers/app-process.js";
import { eventually } from "../helpers/waiting.js";
import { type OtlpReceiver, REPO, useBuiltRegister } from "../setup/support.js";

vi.setConfig({ testTimeout: 120_000 });

const APP = join(REPO, "test/distributed/apps/cache-app.mjs");
const QUESTION = "What is the refund window?";
const built = useBuiltRegister();

interface Requests {
  tier: string;
  result: string;
  errorType: string | undefined;
  value: number;
}

async function replica(
  name: string,
  receiver: OtlpReceiver,
  redisUrl: string,
  questions: string[],
): Promise<{ answers: string[]; requests: Requests[]; stderr: string }> {
  const child = await startApp(built(), {
    script: APP,
    receiver,
    service: name,
    env: { APP_NAME: name, QUESTIONS: questions.join("|"), REDIS_URL: redisUrl },
  });
  const result = await exitedOk(child);
  return { ...lastJsonLine<{ answers: string[]; requests: Requests[] }>(result.stdout), stderr: result.stderr };
}

function counted(requests: Requests[], tier: string, result: string): number {
  return requests.filter((r) => r.tier === tier && r.result === result).reduce((sum, r) => sum + r.value, 0);
}

describe("two replicas sharing a Redis cache behind in-process caches", () => {
  const backends = useReceiverAndRedis();

  it("answers in B from what A stored: a shared hit, then a local one, counted per tier", async () => {
    const { receiver, redis } = backends();
    const a = await replica("replica-a", receiver, redis.url, [QUESTION]);
    expect(a.answers).toEqual([`replica-a says: about "${QUESTION}"`]);
    expect(counted(a.requests, CACHE_TIER_LOCAL, "miss")).toBe(1);
    expect(counted(a.requests, CACHE_TIER_SHARED, "miss")).toBe(1);
    expect(counted(a.requests, CACHE_TIER_SHARED, "hit")).toBe(0);

    // B's own model would name B: both answers are A's, the first from Redis, the
    // second from B's local tier (filled by the shared hit).
    const b = await replica("replica-b", receiver, redis.url, [QUESTION, QUESTION]);
    expect(b.answers).toEqual([a.answers[0], a.answers[0]]);
    expect(counted(b.requests, CACHE_TIER_LOCAL, "miss")).toBe(1);
    expect(counted(b.requests, CACHE_TIER_SHARED, "hit")).toBe(1);
    expect(counted(b.requests, CACHE_TIER_LOCAL, "hit")).toBe(1);
    expect(counted(b.requests, CACHE_TIER_SHARED, "miss")).toBe(0);
    expect(b.requests.every((r) => r.errorType === undefined)).toBe(true);

    // B's chat spans say which tier answered.
    const chats = await eventually(
      "replica-b's chat spans",
      () => {
        const found = receiver.spans.filter((s) => s.serviceName === "replica-b" && s.name.startsWith(SPAN_CHAT));
        return found.length === 2 ? found : undefined;
      },
      30_000,
    );
    expect(chats.map((s) => [s.attributes[ATTR_LANGGRAPH_CACHE_HIT], s.attributes[ATTR_LANGGRAPH_CACHE_TIER]]).sort()).toEqual(
      [
        [true, CACHE_TIER_LOCAL],
        [true, CACHE_TIER_SHARED],
      ].sort(),
    );
  });

  it("with Redis down: answers from the model, shared lookups are misses with error.type, no error", async () => {
    const gone = await startRedis();
    const url = gone.url;
    await gone.stop();
    const c = await replica("replica-c", backends().receiver, url, [QUESTION, "Do you ship abroad?"]);
    expect(c.answers).toEqual([`replica-c says: about "${QUESTION}"`, 'replica-c says: about "Do you ship abroad?"']);
    expect(counted(c.requests, CACHE_TIER_SHARED, "miss")).toBe(2);
    expect(counted(c.requests, CACHE_TIER_SHARED, "hit")).toBe(0);
    const failed = c.requests.filter((r) => r.tier === CACHE_TIER_SHARED && r.errorType !== undefined);
    expect(failed.reduce((sum, r) => sum + r.value, 0)).toBe(2);
    expect(c.stderr).not.toMatch(/Unhandled|TypeError|ReferenceError/);
  });
});
