import { type AttributeValue, SpanStatusCode } from "@opentelemetry/api";
import type { tracing } from "@opentelemetry/sdk-node";
import {
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_LANGGRAPH_CACHE_HIT,
  ATTR_LANGGRAPH_LLM_CACHED,
  ATTR_LANGGRAPH_NODE_ATTEMPT,
  ATTR_LANGGRAPH_OUTCOME,
  OUTCOME_ERROR,
  OUTCOME_OK,
  SPAN_CHAT,
} from "../semconv.js";
import { formatInt, formatMs, table } from "./format.js";
import { durationMs } from "./span-summary.js";

type ReadableSpan = tracing.ReadableSpan;

interface TreeNode {
  span: ReadableSpan;
  children: TreeNode[];
  /** Tokens of this span and everything under it. */
  tokens: number;
}

/** Arranges one trace's spans by parent; spans whose parent is missing become roots. */
export function buildTree(spans: readonly ReadableSpan[]): TreeNode[] {
  const byId = new Map<string, TreeNode>();
  for (const span of spans) byId.set(span.spanContext().spanId, { span, children: [], tokens: 0 });
  const roots: TreeNode[] = [];
  for (const node of byId.values()) {
    const parentId = node.span.parentSpanContext?.spanId;
    const parent = parentId === undefined ? undefined : byId.get(parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const order = (nodes: TreeNode[]) => {
    nodes.sort((a, b) => compareTime(a.span.startTime, b.span.startTime));
    for (const n of nodes) order(n.children);
  };
  order(roots);
  for (const root of roots) sumTokens(root);
  return roots;
}

function compareTime(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

function numberAttr(span: ReadableSpan, key: string): number {
  const value = span.attributes[key];
  return typeof value === "number" ? value : 0;
}

function sumTokens(node: TreeNode): number {
  node.tokens =
    numberAttr(node.span, ATTR_GEN_AI_USAGE_INPUT_TOKENS) +
    numberAttr(node.span, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS) +
    node.children.reduce((n, child) => n + sumTokens(child), 0);
  return node.tokens;
}

function outcomeOf(span: ReadableSpan): string {
  const outcome = span.attributes[ATTR_LANGGRAPH_OUTCOME];
  if (typeof outcome === "string") return outcome;
  return span.status.code === SpanStatusCode.ERROR ? OUTCOME_ERROR : OUTCOME_OK;
}

function label(span: ReadableSpan): string {
  const attempt = span.attributes[ATTR_LANGGRAPH_NODE_ATTEMPT];
  let text = span.name;
  if (typeof attempt === "number" && attempt > 1) text += ` (attempt ${attempt})`;
  const cached =
    span.attributes[ATTR_LANGGRAPH_CACHE_HIT] === true ||
    span.attributes[ATTR_LANGGRAPH_LLM_CACHED] === true;
  if (cached) text += " [cache hit]";
  return text;
}

function tokensCell(node: TreeNode): string {
  const { span } = node;
  if (span.name.startsWith(`${SPAN_CHAT} `)) {
    const input = numberAttr(span, ATTR_GEN_AI_USAGE_INPUT_TOKENS);
    const output = numberAttr(span, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
    return input + output > 0 ? `${formatInt(input)} in / ${formatInt(output)} out` : "";
  }
  return node.tokens > 0 ? formatInt(node.tokens) : "";
}

function shortKey(key: string): string {
  return key.replace(/^langgraph\./, "").replace(/^exception\./, "");
}

function formatValue(value: AttributeValue | undefined): string {
  const one = (v: unknown) =>
    typeof v === "number" && !Number.isInteger(v) ? String(Number(v.toPrecision(3))) : String(v);
  const text = Array.isArray(value) ? value.map(one).join(",") : one(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function eventLine(event: tracing.TimedEvent): string {
  const attributes = Object.entries(event.attributes ?? {})
    .filter(([key]) => key !== "exception.stacktrace")
    .slice(0, 4)
    .map(([key, value]) => `${shortKey(key)}=${formatValue(value)}`);
  return [`* ${event.name}`, ...attributes].join(" ");
}

/**
 * The trace as an indented tree, a row per span (duration, outcome, tokens) and a line
 * per span event (interrupts, retries, fallbacks, breaker transitions, exceptions).
 */
export function renderTraceTree(spans: readonly ReadableSpan[]): string[] {
  const rows: string[][] = [];
  const visit = (node: TreeNode, prefix: string, childPrefix: string) => {
    rows.push([
      prefix + label(node.span),
      formatMs(durationMs(node.span)),
      outcomeOf(node.span),
      tokensCell(node),
    ]);
    const events = node.span.events;
    const hasChildren = node.children.length > 0;
    for (const event of events) {
      rows.push([`${childPrefix}${hasChildren ? "│ " : "  "} ${eventLine(event)}`]);
    }
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      visit(child, `${childPrefix}${last ? "└─ " : "├─ "}`, `${childPrefix}${last ? "   " : "│  "}`);
    });
  };
  for (const root of buildTree(spans)) visit(root, "", "");
  return table(["span", "duration", "outcome", "tokens"], rows, ["left", "right", "left", "right"]);
}
