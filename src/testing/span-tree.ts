/**
 * Finished spans as a tree of typed nodes, and its text forms: `render` (for failure
 * messages: outcomes, error types, attempts) and `shape` (a golden path: names and
 * outcomes only, no ids or timings, siblings in a stable order).
 */
import { type Attributes, type AttributeValue, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_LANGGRAPH_NODE_ATTEMPT,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_LANGGRAPH_STEP,
  GEN_AI_OPERATION_CHAT,
  GEN_AI_OPERATION_EXECUTE_TOOL,
  GEN_AI_OPERATION_INVOKE_WORKFLOW,
  GEN_AI_OPERATION_TEXT_COMPLETION,
  OUTCOMES,
  type Outcome,
  SPAN_INVOKE_NODE,
} from "../semconv.js";

export type SpanKindName = "workflow" | "node" | "model" | "tool" | "other";

/** One finished span, typed. */
export interface RecordedSpan {
  kind: SpanKindName;
  /** The span name, e.g. `invoke_node agent`. */
  name: string;
  /** What the span is about: the graph, node, model or tool name (the name for others). */
  subject: string;
  /** `langgraph.outcome`, else `error` or `ok` from the span status. */
  outcome: Outcome;
  errorType: string | undefined;
  /** The status message or the exception event's message. */
  errorMessage: string | undefined;
  attributes: Attributes;
  events: ReadonlyArray<{ name: string; attributes: Attributes }>;
  durationMs: number;
  parent: RecordedSpan | undefined;
  children: RecordedSpan[];
  span: ReadableSpan;
}

export interface TreeOptions {
  /** Span kinds to show (a hidden span's children move up to its parent). Default: all. */
  kinds?: readonly SpanKindName[];
}

function kindOf(span: ReadableSpan): SpanKindName {
  const operation = span.attributes[ATTR_GEN_AI_OPERATION_NAME];
  if (operation === GEN_AI_OPERATION_INVOKE_WORKFLOW) return "workflow";
  if (operation === GEN_AI_OPERATION_CHAT || operation === GEN_AI_OPERATION_TEXT_COMPLETION) return "model";
  if (operation === GEN_AI_OPERATION_EXECUTE_TOOL) return "tool";
  return span.name.startsWith(`${SPAN_INVOKE_NODE} `) ? "node" : "other";
}

function outcomeOf(span: ReadableSpan): Outcome {
  const value = span.attributes[ATTR_LANGGRAPH_OUTCOME];
  if ((OUTCOMES as readonly unknown[]).includes(value)) return value as Outcome;
  return span.status.code === SpanStatusCode.ERROR ? "error" : "ok";
}

function str(value: AttributeValue | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function startNanos(span: ReadableSpan): number {
  return span.startTime[0] * 1e9 + span.startTime[1];
}

function toRecorded(span: ReadableSpan): RecordedSpan {
  const kind = kindOf(span);
  const space = span.name.indexOf(" ");
  const exception = span.events.find((e) => e.name === "exception");
  const [s, ns] = span.duration;
  return {
    kind,
    name: span.name,
    subject: kind === "other" || space < 0 ? span.name : span.name.slice(space + 1),
    outcome: outcomeOf(span),
    errorType: str(span.attributes[ATTR_ERROR_TYPE]),
    errorMessage: span.status.message || str(exception?.attributes?.[ATTR_EXCEPTION_MESSAGE]),
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes ?? {} })),
    durationMs: s * 1e3 + ns / 1e6,
    parent: undefined,
    children: [],
    span,
  };
}

/** Builds the trees of these spans: roots are spans whose parent is not among them. */
export function buildTree(spans: readonly ReadableSpan[]): RecordedSpan[] {
  const sorted = [...spans].sort((a, b) => startNanos(a) - startNanos(b));
  const byId = new Map<string, RecordedSpan>();
  for (const span of sorted) byId.set(span.spanContext().spanId, toRecorded(span));
  const roots: RecordedSpan[] = [];
  for (const node of byId.values()) {
    const parentId = node.span.parentSpanContext?.spanId;
    const parent = parentId === undefined ? undefined : byId.get(parentId);
    node.parent = parent;
    (parent?.children ?? roots).push(node);
  }
  return roots;
}

/** Every node of the trees, depth first. */
export function flatten(roots: readonly RecordedSpan[]): RecordedSpan[] {
  return roots.flatMap((root) => [root, ...flatten(root.children)]);
}

/** The 1-based attempt of a node span (1 when the span carries none). */
export function attemptOf(span: RecordedSpan): number {
  const attempt = span.attributes[ATTR_LANGGRAPH_NODE_ATTEMPT];
  return typeof attempt === "number" ? attempt : 1;
}

/**
 * Siblings in an order that does not depend on timing: node attempts by step, then name
 * and attempt (parallel branches start in any order); other spans keep their start order.
 */
function stableOrder(nodes: readonly RecordedSpan[]): RecordedSpan[] {
  const step = (n: RecordedSpan) => n.attributes[ATTR_LANGGRAPH_STEP];
  return nodes
    .map((node, index) => ({ node, index }))
    .sort((a, b) => {
      const sa = step(a.node);
      const sb = step(b.node);
      if (typeof sa !== "number" || typeof sb !== "number") return a.index - b.index;
      if (sa !== sb) return sa - sb;
      if (a.node.name !== b.node.name) return a.node.name < b.node.name ? -1 : 1;
      return attemptOf(a.node) - attemptOf(b.node) || a.index - b.index;
    })
    .map(({ node }) => node);
}

/** The visible children of a node: hidden kinds are replaced by their own visible children. */
function visible(nodes: readonly RecordedSpan[], kinds: readonly SpanKindName[] | undefined): RecordedSpan[] {
  if (kinds === undefined) return [...nodes];
  return nodes.flatMap((n) => (kinds.includes(n.kind) ? [n] : visible(n.children, kinds)));
}

function lines(
  roots: readonly RecordedSpan[],
  options: TreeOptions,
  label: (node: RecordedSpan) => string,
): string[] {
  const out: string[] = [];
  const walk = (nodes: readonly RecordedSpan[], depth: number) => {
    for (const node of stableOrder(visible(nodes, options.kinds))) {
      out.push(`${"  ".repeat(depth)}${label(node)}`);
      walk(node.children, depth + 1);
    }
  };
  walk(roots, 0);
  return out;
}

/** The golden shape: one line per span, `name [outcome]`, indented two spaces per level. */
export function shapeOf(roots: readonly RecordedSpan[], options: TreeOptions = {}): string {
  return lines(roots, options, (n) => `${n.name} [${n.outcome}]`).join("\n");
}

/** The tree for humans: the shape plus attempts, error types and token counts. */
export function renderTree(roots: readonly RecordedSpan[], options: TreeOptions = {}): string {
  if (roots.length === 0) return "(no spans recorded)";
  return lines(roots, options, (n) => {
    const details: string[] = [];
    if (n.kind === "node" && attemptOf(n) > 1) details.push(`attempt ${attemptOf(n)}`);
    if (n.errorType !== undefined) details.push(n.errorType);
    const input = n.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS];
    const output = n.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS];
    if (typeof input === "number" || typeof output === "number") details.push(`${input ?? 0}+${output ?? 0} tokens`);
    return `${n.name} [${n.outcome}]${details.length > 0 ? ` (${details.join(", ")})` : ""}`;
  }).join("\n");
}

/** A golden shape written by hand: blank lines dropped, common indentation removed. */
export function normalizeShape(text: string): string {
  const rows = text.split("\n").filter((line) => line.trim() !== "");
  const indent = Math.min(...rows.map((line) => line.length - line.trimStart().length));
  return rows.map((line) => line.slice(Number.isFinite(indent) ? indent : 0).trimEnd()).join("\n");
}
