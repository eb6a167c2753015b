/**
 * The assertions as vitest (or jest) matchers, for `expect.extend(agentMatchers)`. Nothing
 * here imports vitest: the matchers are plain functions that call the assertions.
 *
 * ```ts
 * import { expect } from "vitest";
 * import { agentMatchers, type AgentMatchers } from "langgraph-otel/testing";
 * expect.extend(agentMatchers);
 * declare module "vitest" {
 *   interface Matchers<T = any> extends AgentMatchers<T> {}
 * }
 * expect(recording).toHaveRunNode("tools", 2);
 * ```
 */
import type { HumanDecision } from "../semconv.js";
import {
  assertHumanDecision,
  assertNodeRan,
  assertNodeRetried,
  assertNoErrors,
  assertRunOutcome,
  assertRunShape,
  assertToolCalled,
  assertWithinBudget,
  type Budget,
  type NoErrorsOptions,
} from "./assertions.js";
import { Recording } from "./recording.js";
import type { TreeOptions } from "./span-tree.js";

export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** The matcher signatures as they appear on `expect(recording)`. */
export interface AgentMatchers<R = unknown> {
  toHaveRunNode(node: string, times: number): R;
  toHaveRetriedNode(node: string, retries: number): R;
  toHaveCalledTool(tool: string, times: number): R;
  toHaveNoErrors(options?: NoErrorsOptions): R;
  toStayWithinBudget(budget: Budget): R;
  toHaveHumanDecision(decision?: HumanDecision): R;
  toHaveRunOutcome(outcome: string): R;
  toMatchRunShape(golden: string, options?: TreeOptions): R;
}

type Check = (recording: Recording<unknown>) => void;

function matcher(describe: string, check: Check, received: unknown): MatcherResult {
  if (!(received instanceof Recording)) {
    return { pass: false, message: () => `expected a Recording from TelemetryHarness.record(), got ${typeof received}` };
  }
  try {
    check(received);
    return { pass: true, message: () => `expected the run not to satisfy: ${describe}\n\nrun tree:\n${received.tree()}` };
  } catch (err) {
    return { pass: false, message: () => (err instanceof Error ? err.message : String(err)) };
  }
}

export const agentMatchers = {
  toHaveRunNode: (received: unknown, node: string, times: number) =>
    matcher(`node "${node}" ran ${times} times`, (r) => assertNodeRan(r, node, times), received),
  toHaveRetriedNode: (received: unknown, node: string, retries: number) =>
    matcher(`node "${node}" retried ${retries} times`, (r) => assertNodeRetried(r, node, retries), received),
  toHaveCalledTool: (received: unknown, tool: string, times: number) =>
    matcher(`tool "${tool}" called ${times} times`, (r) => assertToolCalled(r, tool, times), received),
  toHaveNoErrors: (received: unknown, options?: NoErrorsOptions) =>
    matcher("no errors", (r) => assertNoErrors(r, options), received),
  toStayWithinBudget: (received: unknown, budget: Budget) =>
    matcher(`within budget ${JSON.stringify(budget)}`, (r) => assertWithinBudget(r, budget), received),
  toHaveHumanDecision: (received: unknown, decision?: HumanDecision) =>
    matcher(`human decision ${decision ?? "(any)"}`, (r) => assertHumanDecision(r, decision), received),
  toHaveRunOutcome: (received: unknown, outcome: string) =>
    matcher(`last run ended ${outcome}`, (r) => assertRunOutcome(r, outcome), received),
  toMatchRunShape: (received: unknown, golden: string, options?: TreeOptions) =>
    matcher("the golden shape", (r) => assertRunShape(r, golden, options), received),
} satisfies Record<keyof AgentMatchers, (received: unknown, ...args: never[]) => MatcherResult>;
