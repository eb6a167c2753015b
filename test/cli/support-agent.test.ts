import { describe, expect, it } from "vitest";
import {
  createSupportAgent,
  runConversation,
  SUPPORT_REQUESTS,
} from "../../src/examples/support-agent.js";

describe("sample support agent", () => {
  it("answers every request, asking a human before refunds", async () => {
    const agent = createSupportAgent({ latencyMs: 0 });
    const results = await Promise.all(SUPPORT_REQUESTS.map((_, i) => runConversation(agent, i)));
    for (const r of results) expect(r.outcome, String(r.error)).toBe("answered");
    expect(results[1]?.decision).toBe("approved");
    expect(results[1]?.answer).toContain("Refund of $42.00 for order A1002 issued.");
    expect(results[4]?.decision).toBe("rejected");
    expect(results[4]?.answer).toContain("Refund rejected");
    expect(results[0]?.answer).toContain("in transit");
    expect(results[3]?.answer).toMatch(/Ticket T-\d+ created/);
    expect(results.filter((r) => r.decision).length).toBe(2);
    // Finished conversations leave no fault counters behind (load mode runs for days).
    expect(agent.dice.size).toBe(0);
  });

  it("answers a repeated request from the response cache", async () => {
    const agent = createSupportAgent({ latencyMs: 0 });
    const lookup = agent.cache.lookup.bind(agent.cache);
    const results: string[] = [];
    agent.cache.lookup = async (prompt, llm) => {
      const hit = await lookup(prompt, llm);
      results.push(hit ? "hit" : "miss");
      return hit;
    };
    const first = await runConversation(agent, 2);
    expect(results.every((r) => r === "miss")).toBe(true);
    results.length = 0;
    const again = await runConversation(agent, 2 + SUPPORT_REQUESTS.length);
    expect(again.request).toBe(first.request);
    expect(again.answer).toBe(first.answer);
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r === "hit")).toBe(true);
  });

  it("gives the same conversations for the same seed, faults included", async () => {
    const conversations = async () => {
      // A frozen breaker clock: the breaker's window and recovery don't depend on speed.
      const agent = createSupportAgent({ latencyMs: 0, failRate: 0.4, seed: 7, clock: () => 0 });
      const results: string[] = [];
      for (let i = 0; i < 24; i++) {
        const r = await runConversation(agent, i);
        results.push(`${r.threadId}:${r.outcome}:${r.decision ?? ""}:${r.answer ?? ""}`);
      }
      return results;
    };
    const first = await conversations();
    expect(await conversations()).toEqual(first);
    expect(first.some((s) => s.includes(":failed:"))).toBe(true);
    expect(first.some((s) => s.includes(":answered:"))).toBe(true);
  });

  it("without faults, answers do not depend on concurrency", async () => {
    const agent = createSupportAgent({ latencyMs: 1 });
    const ids = Array.from({ length: 16 }, (_, i) => i);
    const parallel = await Promise.all(ids.map((i) => runConversation(agent, i)));
    const serial: string[] = [];
    for (const i of ids) serial.push((await runConversation(agent, i)).answer ?? "");
    expect(parallel.map((r) => r.answer ?? "")).toEqual(serial);
  });
});
