// docs/testing.md, "A graph integration test": the whole graph with the scripted model,
// asserted on what it did (vitest matchers from the kit).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentMatchers, agentMatchers, useTelemetryHarness } from "../../../src/testing/index.js";
import { answerOf, buildRefundAgent, rateLimited } from "./refund-agent.js";

expect.extend(agentMatchers);
declare module "vitest" {
  // biome-ignore lint/suspicious/noExplicitAny: an augmentation repeats vitest's own type parameters.
  interface Matchers<T = any> extends AgentMatchers<T> {}
}

const telemetry = useTelemetryHarness({ beforeAll, afterAll });

describe("refund agent", () => {
  it("asks which order when none is named, without calling a tool", async () => {
    const agent = buildRefundAgent();
    const run = await telemetry.record(() =>
      agent.invoke({ messages: [{ role: "user", content: "I want my money back" }] }, { configurable: { thread_id: "t1" } }),
    );
    expect(answerOf(run.result!)).toBe("Which order is it about?");
    expect(run).toHaveRunNode("agent", 1);
    expect(run).toHaveCalledTool("lookup_order", 0);
    expect(run).toHaveNoErrors();
    expect(run).toHaveRunOutcome("ok");
  });

  it("looks the order up and stops for approval before refunding", async () => {
    const agent = buildRefundAgent();
    const run = await telemetry.record(() =>
      agent.invoke({ messages: [{ role: "user", content: "Refund order A100 please" }] }, { configurable: { thread_id: "t2" } }),
    );
    expect(run).toHaveRunNode("agent", 2);
    expect(run).toHaveCalledTool("lookup_order", 1);
    expect(run).toHaveCalledTool("issue_refund", 0);
    expect(run).toHaveRunOutcome("interrupted");
    expect(run.interrupts().map((i) => i.node)).toEqual(["approve"]);
    expect(run.modelCalls().map((c) => c.finishReasons)).toEqual([["tool_calls"], ["tool_calls"]]);
  });

  it("retries the model after a rate limit, and reports the retry", async () => {
    let calls = 0;
    const agent = buildRefundAgent({ fault: () => (calls++ === 0 ? rateLimited() : undefined) });
    const run = await telemetry.record(() =>
      agent.invoke({ messages: [{ role: "user", content: "hello" }] }, { configurable: { thread_id: "t3" } }),
    );
    expect(run).toHaveRunNode("agent", 1);
    expect(run).toHaveRetriedNode("agent", 1);
    expect(run).toHaveNoErrors({ allow: ["RateLimitError"] });
    expect(run).not.toHaveNoErrors();
  });
});
