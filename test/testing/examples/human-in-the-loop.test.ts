// docs/testing.md, "Human in the loop, answered automatically": both paths of the approval,
// with runAnsweringInterrupts playing the human.
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  assertHumanDecision,
  assertNoErrors,
  assertRunOutcome,
  assertToolCalled,
  runAnsweringInterrupts,
  useTelemetryHarness,
} from "../../../src/testing/index.js";
import { answerOf, buildRefundAgent } from "./refund-agent.js";

const telemetry = useTelemetryHarness({ beforeAll, afterAll });

const request = { messages: [{ role: "user", content: "Refund order A200 please" }] };

it("approved: the refund is issued and the decision recorded", async () => {
  const agent = buildRefundAgent();
  const asked: unknown[] = [];
  const run = await telemetry.record(() =>
    runAnsweringInterrupts(agent, request, { configurable: { thread_id: "approve-1" } }, {
      answer: (question) => {
        asked.push(question);
        return { approved: true };
      },
    }),
  );
  expect(asked).toEqual([{ action: "issue_refund", args: { orderId: "A200", amount: 125 } }]);
  expect(answerOf(run.result!)).toBe("Your refund is on its way.");
  assertHumanDecision(run, "approved");
  assertToolCalled(run, "issue_refund", 1);
  assertRunOutcome(run, "ok");
  assertNoErrors(run);
  // Two runs on one thread: the interrupted one and the resumed one.
  expect(run.workflowRuns().map((r) => r.outcome)).toEqual(["interrupted", "ok"]);
});

it("rejected: nothing is refunded and the decision recorded", async () => {
  const agent = buildRefundAgent();
  const run = await telemetry.record(() =>
    runAnsweringInterrupts(agent, request, { configurable: { thread_id: "reject-1" } }, {
      answer: () => ({ approved: false }),
    }),
  );
  expect(answerOf(run.result!)).toBe("The refund was not approved.");
  assertHumanDecision(run, "rejected");
  assertToolCalled(run, "issue_refund", 0);
  expect(() => assertHumanDecision(run, "approved")).toThrow(/recorded: rejected/);
});
