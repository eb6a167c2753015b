/**
 * Assertions on a Recording that read like the questions a test asks. Plain functions:
 * they throw an `AgentAssertionError` whose message ends with the run tree, so they work
 * in vitest, node:test, jest or a script alike.
 */
import type { HumanDecision } from "../semconv.js";
import type { Recording } from "./recording.js";
import { normalizeShape, type TreeOptions } from "./span-tree.js";

export class AgentAssertionError extends Error {
  override readonly name = "AgentAssertionError";
}

function fail(recording: Recording<unknown>, message: string, options?: TreeOptions): never {
  throw new AgentAssertionError(`${message}\n\nrun tree:\n${indent(recording.tree(options))}`);
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}

function times(n: number): string {
  return n === 1 ? "1 time" : `${n} times`;
}

/** The node ran exactly `expected` times (first attempts; retries are not runs). */
export function assertNodeRan(recording: Recording<unknown>, node: string, expected: number): void {
  const actual = recording.timesRan(node);
  if (actual !== expected) fail(recording, `expected node "${node}" to run ${times(expected)}, it ran ${times(actual)}`);
}

/** The node was retried exactly `expected` times (attempts after the first). */
export function assertNodeRetried(recording: Recording<unknown>, node: string, expected: number): void {
  const actual = recording.retries(node);
  if (actual !== expected) {
    fail(recording, `expected node "${node}" to be retried ${times(expected)}, it was retried ${times(actual)}`);
  }
}

/** The tool was called exactly `expected` times. */
export function assertToolCalled(recording: Recording<unknown>, tool: string, expected: number): void {
  const actual = recording.toolCalls(tool).length;
  if (actual !== expected) fail(recording, `expected tool "${tool}" to be called ${times(expected)}, it was called ${times(actual)}`);
}

export interface NoErrorsOptions {
  /** Error types (`error.type`) that are expected and fine, e.g. a retried `RateLimitError`. */
  allow?: ReadonlyArray<string | RegExp>;
}

/**
 * Nothing failed outside the allowed set: no span ended in error with another error type,
 * and the recorded function did not throw (unless its error's name is allowed).
 */
export function assertNoErrors(recording: Recording<unknown>, options: NoErrorsOptions = {}): void {
  const allowed = (type: string | undefined) =>
    type !== undefined && (options.allow ?? []).some((a) => (typeof a === "string" ? a === type : a.test(type)));
  const problems = recording
    .errors()
    .filter((span) => !allowed(span.errorType))
    .map((span) => `${span.name}: ${span.errorType ?? "error"}${span.errorMessage ? ` (${span.errorMessage})` : ""}`);
  if (recording.failed) {
    const error = recording.error;
    const name = error instanceof Error ? error.name : typeof error;
    if (!allowed(name)) problems.unshift(`the recorded function threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  if (problems.length > 0) {
    const allowedText = options.allow?.length ? ` outside the allowed ${options.allow.map(String).join(", ")}` : "";
    fail(recording, `expected no errors${allowedText}, found ${problems.length}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export interface Budget {
  /** USD over every priced model call. */
  maxCostUsd?: number;
  maxTokens?: number;
  maxInputTokens?: number;
  maxOutputTokens?: number;
  maxModelCalls?: number;
}

/** Cost, tokens and model calls stay at or under the budget. */
export function assertWithinBudget(recording: Recording<unknown>, budget: Budget): void {
  const tokens = recording.tokens();
  const checks: Array<[string, number, number | undefined]> = [
    ["cost (USD)", recording.cost(), budget.maxCostUsd],
    ["tokens", tokens.total, budget.maxTokens],
    ["input tokens", tokens.input, budget.maxInputTokens],
    ["output tokens", tokens.output, budget.maxOutputTokens],
    ["model calls", recording.modelCalls().length, budget.maxModelCalls],
  ];
  const over = checks.filter(([, actual, max]) => max !== undefined && actual > max);
  if (over.length > 0) {
    fail(recording, `over budget: ${over.map(([what, actual, max]) => `${what} ${round(actual)} > ${max}`).join("; ")}`);
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** A human decision was recorded (`recordHumanDecision`), of the given kind if one is given. */
export function assertHumanDecision(recording: Recording<unknown>, decision?: HumanDecision): void {
  const decisions = recording.humanDecisions().map((d) => d.decision);
  const found = decision === undefined ? decisions.length > 0 : decisions.includes(decision);
  if (!found) {
    const seen = decisions.length > 0 ? decisions.join(", ") : "none";
    fail(recording, `expected a human decision${decision === undefined ? "" : ` "${decision}"`} to be recorded; recorded: ${seen}`);
  }
}

/** The last top-level graph run ended with this outcome. */
export function assertRunOutcome(recording: Recording<unknown>, outcome: string): void {
  const runs = recording.workflowRuns().filter((r) => !r.nested);
  const last = runs[runs.length - 1];
  if (last?.outcome !== outcome) {
    fail(recording, `expected the last run to end "${outcome}", ${last === undefined ? "no run was recorded" : `it ended "${last.outcome}"`}`);
  }
}

/**
 * The run matches a golden shape: one line per span, `name [outcome]`, children indented
 * by two spaces; ids, timings and attributes are ignored. `kinds` narrows the spans
 * compared (e.g. `["workflow", "node"]` for the path through the graph).
 */
export function assertRunShape(recording: Recording<unknown>, golden: string, options: TreeOptions = {}): void {
  const expected = normalizeShape(golden);
  const actual = recording.shape(options);
  if (actual === expected) return;
  const a = actual.split("\n");
  const e = expected.split("\n");
  const line = e.findIndex((row, i) => row !== a[i]);
  const at = line < 0 ? e.length : line;
  throw new AgentAssertionError(
    `the run does not match the golden shape (first difference at line ${at + 1}: expected ${JSON.stringify(e[at] ?? "(end)")}, got ${JSON.stringify(a[at] ?? "(end)")})\n\nexpected:\n${indent(expected)}\n\nactual:\n${indent(actual)}\n\nrun tree:\n${indent(recording.tree(options))}`,
  );
}
