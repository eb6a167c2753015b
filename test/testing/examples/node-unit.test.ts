// docs/testing.md, "A node unit test": one node function, called directly with a scripted
// model; the harness still sees its model call, tokens and cost.
import { HumanMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, expect, it } from "vitest";
import { assertWithinBudget, ScriptedChatModel, useTelemetryHarness } from "../../../src/testing/index.js";

const telemetry = useTelemetryHarness({ beforeAll, afterAll });

/** The node under test: asks a small model for the intent of the last message. */
async function classify(state: { messages: HumanMessage[] }, model: ScriptedChatModel) {
  const reply = await model.invoke([...state.messages]);
  return { intent: String(reply.content).trim().toLowerCase() };
}

it("classify returns the model's intent, in one small call", async () => {
  const model = new ScriptedChatModel({
    model: "gpt-4o-mini",
    provider: "openai",
    script: [{ content: " Billing ", usage: { input: 120, output: 2 } }],
  });
  const run = await telemetry.record(() => classify({ messages: [new HumanMessage("I was charged twice")] }, model));

  expect(run.result).toEqual({ intent: "billing" });
  expect(model.calls[0]?.map((m) => m.content)).toEqual(["I was charged twice"]);
  expect(run.modelCalls()).toMatchObject([{ model: "gpt-4o-mini", provider: "openai", inputTokens: 120, outputTokens: 2 }]);
  assertWithinBudget(run, { maxModelCalls: 1, maxTokens: 200 });
});

it("classify surfaces a provider failure instead of guessing", async () => {
  const model = new ScriptedChatModel({ script: [{ error: new Error("503 overloaded"), latencyMs: 5 }] });
  const run = await telemetry.record(() => classify({ messages: [new HumanMessage("hi")] }, model));
  expect(run.failed).toBe(true);
  expect(run.modelCalls().map((c) => c.outcome)).toEqual(["error"]);
});
