// docs/testing.md, "A property-based test": arbitrary requests and decisions (fast-check);
// whatever comes in, the agent never fails, never refunds without approval, and stays
// in budget.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  assertNoErrors,
  assertWithinBudget,
  runAnsweringInterrupts,
  useTelemetryHarness,
} from "../../../src/testing/index.js";
import { buildRefundAgent } from "./refund-agent.js";

const telemetry = useTelemetryHarness({ beforeAll, afterAll });

const request = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.tuple(fc.string({ maxLength: 60 }), fc.constantFrom("A100", "A200", "A300", "A999")).map(([text, id]) => `${text} ${id}`),
);

it("any request, any decision: no error, no refund without approval, in budget", async () => {
  const agent = buildRefundAgent();
  let thread = 0;
  await fc.assert(
    fc.asyncProperty(request, fc.boolean(), async (text, approve) => {
      const run = await telemetry.record(() =>
        runAnsweringInterrupts(
          agent,
          { messages: [{ role: "user", content: text }] },
          { configurable: { thread_id: `prop-${thread++}` } },
          { answer: () => ({ approved: approve }) },
        ),
      );
      assertNoErrors(run);
      assertWithinBudget(run, { maxModelCalls: 3, maxTokens: 3_000 });
      const refunds = run.toolCalls("issue_refund").length;
      const decisions = run.humanDecisions().map((d) => d.decision);
      expect(refunds).toBe(decisions.includes("approved") ? 1 : 0);
      expect(decisions.length).toBe(run.interrupts().length);
    }),
    { numRuns: 40 },
  );
});
