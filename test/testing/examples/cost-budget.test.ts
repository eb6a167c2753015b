// docs/testing.md, "A cost budget test": tokens and dollars of a whole conversation stay
// under a budget, with your own price table (USD per million tokens).
import { afterAll, beforeAll, expect, it } from "vitest";
import { assertWithinBudget, runAnsweringInterrupts, useTelemetryHarness } from "../../../src/testing/index.js";
import { buildRefundAgent } from "./refund-agent.js";

const telemetry = useTelemetryHarness(
  { beforeAll, afterAll },
  { genai: { prices: { "gpt-4o-mini": { input: 0.15, output: 0.6 } } } },
);

it("an approved refund costs under a tenth of a cent", async () => {
  const run = await telemetry.record(() =>
    runAnsweringInterrupts(
      buildRefundAgent(),
      { messages: [{ role: "user", content: "Refund order A200 please" }] },
      { configurable: { thread_id: "budget-1" } },
      { answer: () => ({ approved: true }) },
    ),
  );
  assertWithinBudget(run, { maxCostUsd: 0.001, maxTokens: 2_000, maxModelCalls: 3 });
  // The same numbers as the metrics the dashboards read.
  expect(run.metric("langgraph.llm.cost").value).toBeCloseTo(run.cost(), 12);
  expect(run.metric("gen_ai.client.token.usage", { "gen_ai.token.type": "input" }).value).toBe(run.tokens().input);
});

it("a budget overrun names what went over and prints the run", async () => {
  const run = await telemetry.record(() =>
    buildRefundAgent({ script: () => ({ content: "x".repeat(40_000) }) }).invoke(
      { messages: [{ role: "user", content: "hi" }] },
      { configurable: { thread_id: "budget-2" } },
    ),
  );
  expect(() => assertWithinBudget(run, { maxCostUsd: 0.001, maxOutputTokens: 5_000 })).toThrow(
    /over budget: cost \(USD\) 0\.00601\d* > 0\.001; output tokens 10000 > 5000\n\nrun tree:\n {2}invoke_workflow refund_agent \[ok\]/,
  );
});
