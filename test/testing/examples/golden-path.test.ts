// docs/testing.md, "A golden-path regression test": the path through the graph, as a span
// tree of names and outcomes (no ids, no timings). A change of path fails the test with
// both trees printed.
import { afterAll, beforeAll, expect, it } from "vitest";
import { assertRunShape, runAnsweringInterrupts, useTelemetryHarness } from "../../../src/testing/index.js";
import { buildRefundAgent } from "./refund-agent.js";

const telemetry = useTelemetryHarness({ beforeAll, afterAll });

const APPROVED_REFUND = `
  invoke_workflow refund_agent [interrupted]
    invoke_node agent [ok]
      chat gpt-4o-mini [ok]
    invoke_node tools [ok]
      execute_tool lookup_order [ok]
    invoke_node agent [ok]
      chat gpt-4o-mini [ok]
    invoke_node approve [interrupted]
  invoke_workflow refund_agent [ok]
    invoke_node approve [ok]
    invoke_node tools [ok]
      execute_tool issue_refund [ok]
    invoke_node agent [ok]
      chat gpt-4o-mini [ok]
`;

it("an approved refund takes the golden path", async () => {
  const run = await telemetry.record(() =>
    runAnsweringInterrupts(
      buildRefundAgent(),
      { messages: [{ role: "user", content: "Refund order A100" }] },
      { configurable: { thread_id: "golden-1" } },
      { answer: () => ({ approved: true }) },
    ),
  );
  assertRunShape(run, APPROVED_REFUND);
  // Or keep the golden in a file, reviewed like code: vitest writes it on the first run.
  await expect(run.shape()).toMatchFileSnapshot("./__golden__/approved-refund.txt");
});

it("only the nodes, when model and tool calls may vary", async () => {
  const run = await telemetry.record(() =>
    buildRefundAgent().invoke({ messages: [{ role: "user", content: "hi" }] }, { configurable: { thread_id: "golden-2" } }),
  );
  assertRunShape(run, "invoke_workflow refund_agent [ok]\n  invoke_node agent [ok]", { kinds: ["workflow", "node"] });
});
