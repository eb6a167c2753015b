/**
 * langgraph-otel/testing: assert on what an agent did, in your own test runner.
 * Not loaded by the main entry.
 */
export * from "./assertions.js";
export {
  type HarnessHandle,
  type SuiteHooks,
  TelemetryHarness,
  type TelemetryHarnessOptions,
  useTelemetryHarness,
} from "./harness.js";
export {
  type AnswerOptions,
  type GraphConfig,
  type InterruptibleGraph,
  type PendingInterrupt,
  runAnsweringInterrupts,
} from "./human.js";
export { type AgentMatchers, agentMatchers, type MatcherResult } from "./matchers.js";
export type { MetricValue } from "./metrics.js";
export {
  type HumanDecisionRecord,
  type ModelCall,
  type NodeAttempt,
  Recording,
  type TokenTotals,
  type ToolCall,
  type WorkflowRun,
} from "./recording.js";
export {
  ScriptedChatModel,
  type ScriptedCallInfo,
  type ScriptedChatModelCallOptions,
  type ScriptedChatModelFields,
  type ScriptedReply,
  type ScriptedToolCall,
  type ScriptedUsage,
  type ScriptStep,
  textOf,
} from "./scripted-chat-model.js";
export type { RecordedSpan, SpanKindName, TreeOptions } from "./span-tree.js";
