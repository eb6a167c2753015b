/**
 * The README's telemetry reference, generated from src/semconv.ts: every span, attribute,
 * event and metric name comes from there; this file only adds the prose. The test next
 * to it fails when the README's block differs from what this produces, or when semconv
 * has a name this file does not describe. Regenerate with:
 *
 *   UPDATE_README=1 npx vitest run test/readme
 */
import * as semconv from "../../src/semconv.js";
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_ERROR_TYPE,
  ATTR_OTEL_COMPONENT_NAME,
  ATTR_OTEL_COMPONENT_TYPE,
  ATTR_PROCESS_COMMAND_ARGS,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_LANGGRAPH_METADATA_PREFIX,
  ATTR_LANGGRAPH_TAGS,
  ATTR_USER_ID,
  ATTR_LANGGRAPH_LLM_ATTEMPT,
  EVENT_LANGGRAPH_LLM_RETRY,
  ATTR_GEN_AI_DATA_SOURCE_ID,
  ATTR_GEN_AI_AGENT_DESCRIPTION,
  ATTR_GEN_AI_AGENT_ID,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
  ATTR_LANGGRAPH_EMBEDDINGS_INPUT_COUNT,
  ATTR_LANGGRAPH_TASK_NAME,
  ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT,
  ATTR_GEN_AI_RETRIEVAL_DOCUMENTS,
  ATTR_LANGGRAPH_RETRIEVAL_DOCUMENT_COUNT,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_BULKHEAD_NAME,
  ATTR_LANGGRAPH_BULKHEAD_WAIT_MS,
  ATTR_LANGGRAPH_CACHE_HIT,
  ATTR_LANGGRAPH_CACHE_NAME,
  ATTR_LANGGRAPH_CACHE_RESULT,
  ATTR_LANGGRAPH_CACHE_SIMILARITY,
  ATTR_LANGGRAPH_CACHE_TIER,
  ATTR_LANGGRAPH_CHECKPOINT_NS,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_FROM,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_STATE,
  ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO,
  ATTR_LANGGRAPH_FALLBACK_LEVEL,
  ATTR_LANGGRAPH_HUMAN_DECISION,
  ATTR_LANGGRAPH_INTERRUPT_COUNT,
  ATTR_LANGGRAPH_INTERRUPT_ID,
  ATTR_LANGGRAPH_INTERRUPT_WAIT,
  ATTR_LANGGRAPH_LINK_TYPE,
  ATTR_LANGGRAPH_LLM_CACHED,
  ATTR_GEN_AI_USAGE_COST,
  ATTR_LANGGRAPH_NODE_ATTEMPT,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_NODE_TRIGGERS,
  ATTR_LANGGRAPH_OPERATION,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_LANGGRAPH_RETRY_ATTEMPT,
  ATTR_LANGGRAPH_RETRY_DELAY_MS,
  ATTR_LANGGRAPH_STEP,
  ATTR_LANGGRAPH_TASK_ID,
  ATTR_LANGGRAPH_TIMEOUT_MS,
  EVENT_LANGGRAPH_FIRST_CHUNK,
  EVENT_LANGGRAPH_BULKHEAD_REJECTION,
  EVENT_LANGGRAPH_BULKHEAD_WAIT,
  EVENT_LANGGRAPH_CIRCUIT_BREAKER_TRANSITION,
  EVENT_LANGGRAPH_FALLBACK,
  EVENT_LANGGRAPH_HUMAN_DECISION,
  EVENT_LANGGRAPH_INTERRUPT,
  EVENT_LANGGRAPH_RETRY,
  EVENT_LANGGRAPH_TIMEOUT,
  METRICS,
  type MetricDefinition,
  OUTCOMES,
  prometheusName,
  SPAN_CHAT,
  SPAN_EMBEDDINGS,
  SPAN_EXECUTE_TOOL,
  SPAN_INVOKE_AGENT,
  SPAN_RETRIEVAL,
  SPAN_INVOKE_NODE,
  SPAN_INVOKE_WORKFLOW,
  SPAN_TEXT_COMPLETION,
} from "../../src/semconv.js";

export const START_MARKER = "<!-- telemetry-reference:start -->";
export const END_MARKER = "<!-- telemetry-reference:end -->";

interface SpanRow {
  name: string;
  kind: "INTERNAL" | "CLIENT";
  what: string;
  attributes: readonly string[];
}

const MODEL_ATTRIBUTES = [
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COST,
  semconv.ATTR_LANGGRAPH_COST_SOURCE,
  ATTR_LANGGRAPH_LLM_CACHED,
  ATTR_LANGGRAPH_CACHE_HIT,
  ATTR_LANGGRAPH_CACHE_RESULT,
  ATTR_LANGGRAPH_CACHE_NAME,
  ATTR_LANGGRAPH_CACHE_TIER,
  ATTR_LANGGRAPH_CACHE_SIMILARITY,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_ERROR_TYPE,
];

export const SPANS: readonly SpanRow[] = [
  {
    name: `${SPAN_INVOKE_WORKFLOW} {graph}`,
    kind: "INTERNAL",
    what: "a graph run: `invoke`, `stream`, `streamEvents`, a subgraph call",
    attributes: [
      ATTR_GEN_AI_OPERATION_NAME,
      ATTR_GEN_AI_WORKFLOW_NAME,
      ATTR_GEN_AI_CONVERSATION_ID,
      ATTR_LANGGRAPH_OUTCOME,
      ATTR_ERROR_TYPE,
      ATTR_LANGGRAPH_INTERRUPT_WAIT,
    ],
  },
  {
    name: `${SPAN_INVOKE_AGENT} {agent}`,
    kind: "INTERNAL",
    what: "an agent's run (`createAgent`, `createReactAgent`): under its graph run span, above its nodes",
    attributes: [
      ATTR_GEN_AI_OPERATION_NAME,
      ATTR_GEN_AI_AGENT_NAME,
      ATTR_GEN_AI_AGENT_ID,
      ATTR_GEN_AI_AGENT_DESCRIPTION,
      ATTR_GEN_AI_WORKFLOW_NAME,
      ATTR_LANGGRAPH_OUTCOME,
      ATTR_ERROR_TYPE,
    ],
  },
  {
    name: `${SPAN_INVOKE_NODE} {node}`,
    kind: "INTERNAL",
    what: "one attempt of a node or of a Functional API `task()` call (a retry is a new span)",
    attributes: [
      ATTR_GEN_AI_WORKFLOW_NAME,
      ATTR_LANGGRAPH_NODE_NAME,
      ATTR_LANGGRAPH_TASK_NAME,
      ATTR_LANGGRAPH_STEP,
      ATTR_LANGGRAPH_NODE_ATTEMPT,
      ATTR_LANGGRAPH_TASK_ID,
      ATTR_LANGGRAPH_CHECKPOINT_NS,
      ATTR_LANGGRAPH_NODE_TRIGGERS,
      ATTR_LANGGRAPH_OUTCOME,
      ATTR_ERROR_TYPE,
      ATTR_LANGGRAPH_FALLBACK_LEVEL,
    ],
  },
  {
    name: `${SPAN_CHAT} {model}`,
    kind: "CLIENT",
    what: "a chat model call, under the node that made it",
    attributes: MODEL_ATTRIBUTES,
  },
  {
    name: `${SPAN_TEXT_COMPLETION} {model}`,
    kind: "CLIENT",
    what: "a plain (non-chat) LLM call",
    attributes: MODEL_ATTRIBUTES,
  },
  {
    name: `${SPAN_EMBEDDINGS} {model}`,
    kind: "CLIENT",
    what: "a LangChain `Embeddings` call (`embedQuery`, `embedDocuments`), under the caller's span",
    attributes: [
      ATTR_GEN_AI_OPERATION_NAME,
      ATTR_GEN_AI_PROVIDER_NAME,
      ATTR_GEN_AI_REQUEST_MODEL,
      ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
      ATTR_LANGGRAPH_EMBEDDINGS_INPUT_COUNT,
      ATTR_LANGGRAPH_OUTCOME,
      ATTR_GEN_AI_WORKFLOW_NAME,
      ATTR_ERROR_TYPE,
    ],
  },
  {
    name: `${SPAN_EXECUTE_TOOL} {tool}`,
    kind: "INTERNAL",
    what: "a tool call; an error even when `ToolNode` turns the throw into a message",
    attributes: [
      ATTR_GEN_AI_OPERATION_NAME,
      ATTR_GEN_AI_TOOL_NAME,
      ATTR_GEN_AI_TOOL_CALL_ID,
      ATTR_GEN_AI_TOOL_TYPE,
      ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
      ATTR_GEN_AI_TOOL_CALL_RESULT,
      ATTR_LANGGRAPH_OUTCOME,
      ATTR_GEN_AI_WORKFLOW_NAME,
      ATTR_LANGGRAPH_NODE_NAME,
      ATTR_ERROR_TYPE,
    ],
  },
  {
    name: `${SPAN_RETRIEVAL} {retriever}`,
    kind: "INTERNAL",
    what: "a LangChain retriever call (RAG lookup), under the node that made it",
    attributes: [
      ATTR_GEN_AI_OPERATION_NAME,
      ATTR_GEN_AI_DATA_SOURCE_ID,
      ATTR_LANGGRAPH_RETRIEVAL_DOCUMENT_COUNT,
      ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT,
      ATTR_GEN_AI_RETRIEVAL_DOCUMENTS,
      ATTR_LANGGRAPH_OUTCOME,
      ATTR_GEN_AI_WORKFLOW_NAME,
      ATTR_LANGGRAPH_NODE_NAME,
      ATTR_ERROR_TYPE,
    ],
  },
];

interface EventRow {
  name: string;
  on: string;
  what: string;
  attributes: readonly string[];
}

export const EVENTS: readonly EventRow[] = [
  {
    name: EVENT_LANGGRAPH_INTERRUPT,
    on: "node span",
    what: "the node called `interrupt()` (outcome `interrupted`, not an error)",
    attributes: [ATTR_LANGGRAPH_INTERRUPT_COUNT, ATTR_LANGGRAPH_INTERRUPT_ID],
  },
  {
    name: EVENT_LANGGRAPH_HUMAN_DECISION,
    on: "active (node) span",
    what: "`recordHumanDecision()` was called",
    attributes: [ATTR_LANGGRAPH_HUMAN_DECISION],
  },
  {
    name: EVENT_LANGGRAPH_RETRY,
    on: "active span",
    what: "a `withRetry` attempt failed",
    attributes: [
      ATTR_LANGGRAPH_OPERATION,
      ATTR_LANGGRAPH_RETRY_ATTEMPT,
      ATTR_LANGGRAPH_RETRY_DELAY_MS,
      ATTR_ERROR_TYPE,
    ],
  },
  {
    name: EVENT_LANGGRAPH_CIRCUIT_BREAKER_TRANSITION,
    on: "active span",
    what: "a circuit breaker changed state",
    attributes: [
      ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME,
      ATTR_LANGGRAPH_CIRCUIT_BREAKER_FROM,
      ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO,
    ],
  },
  {
    name: EVENT_LANGGRAPH_FALLBACK,
    on: "active span",
    what: "`withFallback` moved to the next level",
    attributes: [ATTR_LANGGRAPH_OPERATION, ATTR_LANGGRAPH_FALLBACK_LEVEL, ATTR_ERROR_TYPE],
  },
  {
    name: EVENT_LANGGRAPH_TIMEOUT,
    on: "active span",
    what: "`withTimeout` aborted the work",
    attributes: [ATTR_LANGGRAPH_OPERATION, ATTR_LANGGRAPH_TIMEOUT_MS],
  },
  {
    name: EVENT_LANGGRAPH_BULKHEAD_WAIT,
    on: "active span",
    what: "a call waited in a `Bulkhead` queue and got its slot",
    attributes: [ATTR_LANGGRAPH_BULKHEAD_NAME, ATTR_LANGGRAPH_BULKHEAD_WAIT_MS],
  },
  {
    name: EVENT_LANGGRAPH_BULKHEAD_REJECTION,
    on: "active span",
    what: "a `Bulkhead` rejected a call (slots and queue full)",
    attributes: [ATTR_LANGGRAPH_BULKHEAD_NAME],
  },
  {
    name: EVENT_LANGGRAPH_FIRST_CHUNK,
    on: "model span",
    what: "the first chunk of a streamed model call arrived",
    attributes: [ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK],
  },
  {
    name: EVENT_LANGGRAPH_LLM_RETRY,
    on: "model span",
    what: "LangChain retried the call inside the provider (the model's own `maxRetries`)",
    attributes: [ATTR_LANGGRAPH_LLM_ATTEMPT, ATTR_ERROR_TYPE],
  },
  {
    name: semconv.EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS,
    on: "log record",
    what: "content capture `EVENT_ONLY` / `SPAN_AND_EVENT`: a model call's messages (structured, redacted), DEBUG, in the chat span's context",
    attributes: [
      ATTR_GEN_AI_OPERATION_NAME,
      ATTR_GEN_AI_PROVIDER_NAME,
      ATTR_GEN_AI_REQUEST_MODEL,
      ATTR_GEN_AI_RESPONSE_MODEL,
      ATTR_GEN_AI_RESPONSE_ID,
      ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
      ATTR_GEN_AI_USAGE_INPUT_TOKENS,
      ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
      ATTR_GEN_AI_INPUT_MESSAGES,
      ATTR_GEN_AI_OUTPUT_MESSAGES,
    ],
  },
  {
    name: semconv.EVENT_LANGGRAPH_WORKFLOW_STARTED,
    on: "log record",
    what: "lifecycle log (opt-in): a run started",
    attributes: [ATTR_GEN_AI_WORKFLOW_NAME],
  },
  {
    name: semconv.EVENT_LANGGRAPH_WORKFLOW_COMPLETED,
    on: "log record",
    what: "lifecycle log (opt-in): a run ended",
    attributes: [ATTR_GEN_AI_WORKFLOW_NAME, ATTR_LANGGRAPH_OUTCOME],
  },
  {
    name: semconv.EVENT_LANGGRAPH_WORKFLOW_FAILED,
    on: "log record",
    what: "lifecycle log (opt-in): a run failed",
    attributes: [ATTR_GEN_AI_WORKFLOW_NAME, ATTR_ERROR_TYPE, ATTR_EXCEPTION_MESSAGE],
  },
  {
    name: semconv.EVENT_LANGGRAPH_NODE_FAILED,
    on: "log record",
    what: "lifecycle log (opt-in): a node attempt failed",
    attributes: [ATTR_LANGGRAPH_NODE_NAME, ATTR_ERROR_TYPE, ATTR_EXCEPTION_MESSAGE],
  },
];

/** What each attribute means. Every ATTR_* value of semconv must have an entry. */
export const ATTRIBUTE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [ATTR_GEN_AI_OPERATION_NAME]:
    "`invoke_workflow`, `invoke_agent`, `chat`, `text_completion`, `embeddings`, `execute_tool` or `retrieval`",
  [ATTR_GEN_AI_AGENT_NAME]: "the agent's `name` (createAgent, createReactAgent, or metadata `lc_agent_name` on the graph)",
  [ATTR_GEN_AI_AGENT_ID]: "the agent's id, when the graph's metadata has `lc_agent_id`",
  [ATTR_GEN_AI_AGENT_DESCRIPTION]: "the agent's `description`, when given",
  [ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: "length of the vectors an embeddings call returned",
  [ATTR_LANGGRAPH_EMBEDDINGS_INPUT_COUNT]: "how many texts an embeddings call embedded",
  [ATTR_LANGGRAPH_TASK_NAME]: "on a Functional API `task()` call's span: the task's name",
  [ATTR_GEN_AI_WORKFLOW_NAME]: "the graph's name (`compile({ name })`, else `LangGraph`)",
  [ATTR_GEN_AI_CONVERSATION_ID]: "the run's `configurable.thread_id`, when set: on every span of the run (spans only)",
  [ATTR_GEN_AI_DATA_SOURCE_ID]: "the retriever: its name, else its class",
  [ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT]: "the retrieval's query (content: capture on, redacted)",
  [ATTR_GEN_AI_RETRIEVAL_DOCUMENTS]: "the documents retrieved, id, content and metadata, as JSON (content: capture on, redacted)",
  [ATTR_LANGGRAPH_RETRIEVAL_DOCUMENT_COUNT]: "how many documents the retrieval returned",
  [ATTR_LANGGRAPH_LLM_ATTEMPT]: "on `langgraph.llm.retry`: the attempt that starts (2 for the first retry)",
  [ATTR_USER_ID]:
    "the end user, from the run's `metadata.user_id` (or `configurable.user_id`; key set by `instrumentation.runAttributes.userIdKey`): on every span of the run, never on metrics",
  [ATTR_LANGGRAPH_METADATA_PREFIX]:
    "prefix: `langgraph.metadata.<key>` for each `config.metadata` key listed in `instrumentation.runAttributes.metadataKeys`, on every span of the run",
  [ATTR_LANGGRAPH_TAGS]: "the run's own `config.tags` when `instrumentation.runAttributes.tags` is true, on every span of the run",
  [ATTR_GEN_AI_PROVIDER_NAME]: "model provider, from `ls_provider` (GenAI well-known values)",
  [ATTR_GEN_AI_REQUEST_MODEL]: "requested model, from `ls_model_name`",
  [ATTR_GEN_AI_REQUEST_STREAM]: "true for a streamed model call",
  [ATTR_GEN_AI_REQUEST_TEMPERATURE]: "requested temperature",
  [ATTR_GEN_AI_REQUEST_MAX_TOKENS]: "requested output token limit",
  [ATTR_GEN_AI_RESPONSE_MODEL]: "model that answered",
  [ATTR_GEN_AI_RESPONSE_ID]: "provider's response id",
  [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: "why generation stopped (`stop`, `tool_calls`, ...)",
  [ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]: "seconds to the first streamed chunk",
  [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: "input tokens (from `usage_metadata`)",
  [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: "output tokens",
  [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: "input tokens read from the provider's prompt cache",
  [ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: "input tokens written to the provider's prompt cache",
  [ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: "output tokens spent on reasoning",
  [ATTR_GEN_AI_TOKEN_TYPE]: "`input` or `output`",
  [ATTR_GEN_AI_TOOL_NAME]: "tool name",
  [ATTR_GEN_AI_TOOL_CALL_ID]: "the model's tool call id",
  [ATTR_GEN_AI_TOOL_TYPE]: "`function` for LangChain tools",
  [ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]: "tool arguments (only with content capture on, redacted)",
  [ATTR_GEN_AI_TOOL_CALL_RESULT]: "tool result (only with content capture on, redacted)",
  [ATTR_GEN_AI_INPUT_MESSAGES]: "prompt messages (only with content capture on, redacted)",
  [ATTR_GEN_AI_OUTPUT_MESSAGES]: "completion messages (only with content capture on, redacted)",
  [ATTR_ERROR_TYPE]:
    "error class name, only when the outcome is `error`; on the SDK's span queue metric, why a span was lost (`queue_full`, `ECONNREFUSED`, `timeout`, `retries_exhausted`, an HTTP status)",
  [ATTR_OTEL_COMPONENT_TYPE]: "SDK component reporting its own metrics (`batching_span_processor`)",
  [ATTR_OTEL_COMPONENT_NAME]: "instance of that component (`batching_span_processor/0`)",
  [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: "resource attribute: the deployment environment",
  [ATTR_PROCESS_COMMAND_ARGS]:
    "resource attribute the process detector finds, **not exported** by default (command lines carry secrets); set it through `OTEL_RESOURCE_ATTRIBUTES` to have it",
  [ATTR_EXCEPTION_MESSAGE]: "error message on lifecycle log records",
  [ATTR_LANGGRAPH_OUTCOME]: `how it ended: ${OUTCOMES.map((o) => `\`${o}\``).join(", ")}`,
  [ATTR_LANGGRAPH_NODE_NAME]: "the node's name in the graph",
  [ATTR_LANGGRAPH_STEP]: "the superstep the node ran in",
  [ATTR_LANGGRAPH_NODE_ATTEMPT]: "1-based attempt under the node's `retryPolicy`",
  [ATTR_LANGGRAPH_TASK_ID]: "LangGraph's task id",
  [ATTR_LANGGRAPH_CHECKPOINT_NS]: "the task's checkpoint namespace",
  [ATTR_LANGGRAPH_NODE_TRIGGERS]: "channels that triggered the node",
  [semconv.ATTR_LANGGRAPH_RUN_ID]: "reserved: a run's id (not emitted in this version)",
  [ATTR_LANGGRAPH_INTERRUPT_COUNT]: "interrupts raised by the node",
  [ATTR_LANGGRAPH_INTERRUPT_ID]: "ids of those interrupts",
  [ATTR_LANGGRAPH_HUMAN_DECISION]: "`approved`, `rejected` or `edited`",
  [semconv.ATTR_LANGGRAPH_STATE_INPUT]: "reserved: a node's input state (not emitted in this version)",
  [semconv.ATTR_LANGGRAPH_STATE_OUTPUT]: "reserved: a node's output state (not emitted in this version)",
  [ATTR_GEN_AI_USAGE_COST]:
    "USD of the call: the provider's own figure, else the `prices` option, else @pydantic/genai-prices, else the built-in table (absent when unpriced)",
  [semconv.ATTR_LANGGRAPH_COST_SOURCE]:
    "who priced the call: `provider`, `user`, `genai-prices` or `builtin` (with `gen_ai.usage.cost`; a label of the cost metric)",
  [ATTR_LANGGRAPH_LLM_CACHED]: "true when LangChain's response cache answered",
  [ATTR_LANGGRAPH_CACHE_HIT]: "a cache lookup hit (`ResponseCache`, `SharedResponseCache`, `TieredCache`, any LangChain cache)",
  [ATTR_LANGGRAPH_CACHE_NAME]: "the cache's name (a LangChain cache's class name)",
  [ATTR_LANGGRAPH_CACHE_TIER]: "the tier asked: `local` (in process), `shared` (Redis), `tier<N>` (a `TieredCache` tier that does not report itself)",
  [ATTR_LANGGRAPH_CACHE_RESULT]: "`hit` or `miss`",
  [ATTR_LANGGRAPH_CACHE_SIMILARITY]: "similarity of a semantic cache hit",
  [ATTR_LANGGRAPH_OPERATION]: "the wrapped operation (`name` option, else node or function name)",
  [ATTR_LANGGRAPH_RETRY_ATTEMPT]: "1-based `withRetry` attempt",
  [ATTR_LANGGRAPH_RETRY_DELAY_MS]: "backoff before the next attempt, ms",
  [ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME]: "the breaker's name",
  [ATTR_LANGGRAPH_CIRCUIT_BREAKER_STATE]: "reserved: breaker state as a span attribute (the gauge carries it)",
  [ATTR_LANGGRAPH_CIRCUIT_BREAKER_FROM]: "state before a transition (`closed`, `half_open`, `open`)",
  [ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO]: "state after a transition",
  [ATTR_LANGGRAPH_FALLBACK_LEVEL]: "which level answered (0 = primary)",
  [ATTR_LANGGRAPH_TIMEOUT_MS]: "the timeout that fired, ms",
  [ATTR_LANGGRAPH_BULKHEAD_NAME]: "the bulkhead's name (one per dependency, e.g. a model provider)",
  [ATTR_LANGGRAPH_BULKHEAD_WAIT_MS]: "time a call waited in the bulkhead's queue for a slot, ms",
  [ATTR_LANGGRAPH_LINK_TYPE]: "on a span link: `interrupt_resume` (a resumed run to the interrupted one)",
  [ATTR_LANGGRAPH_INTERRUPT_WAIT]: "seconds the resumed run waited for its human",
};

/** Every value of an exported constant whose name starts with `prefix`. */
export function semconvValues(prefix: string): string[] {
  return Object.entries(semconv)
    .filter(([key, value]) => key.startsWith(prefix) && typeof value === "string")
    .map(([, value]) => value as string);
}

function code(names: readonly string[]): string {
  return names.map((n) => `\`${n}\``).join(", ");
}

function prometheusKind(kind: MetricDefinition["kind"]): "counter" | "gauge" | "histogram" {
  if (kind === "counter") return "counter";
  return kind === "histogram" ? "histogram" : "gauge";
}

function where(attribute: string): string {
  const places: string[] = [];
  for (const span of SPANS) {
    if (span.attributes.includes(attribute)) places.push(span.name.split(" ")[0]!);
  }
  if (EVENTS.some((e) => e.attributes.includes(attribute))) places.push("events");
  if (METRICS.some((m) => m.attributes.includes(attribute))) places.push("metrics");
  return places.join(", ") || "resource / links";
}

/** The generated README block, markers included. */
export function telemetryReference(): string {
  const lines: string[] = [
    START_MARKER,
    "<!-- Generated from src/semconv.ts by test/readme/telemetry-reference.ts; do not edit by hand. -->",
    "<!-- Regenerate: UPDATE_README=1 npx vitest run test/readme -->",
    "",
    "#### Spans",
    "",
    "| span | kind | what | attributes |",
    "|---|---|---|---|",
    ...SPANS.map((s) => `| \`${s.name}\` | ${s.kind} | ${s.what} | ${code(s.attributes)} |`),
    "",
    "Only outcome `error` sets span status ERROR (with `error.type` and an exception event).",
    "",
    "#### Span events and log records",
    "",
    "| event | on | when | attributes |",
    "|---|---|---|---|",
    ...EVENTS.map((e) => `| \`${e.name}\` | ${e.on} | ${e.what} | ${code(e.attributes)} |`),
    "",
    "#### Attributes",
    "",
    "| attribute | on | meaning |",
    "|---|---|---|",
    ...semconvValues("ATTR_")
      .sort()
      .map((a) => `| \`${a}\` | ${where(a)} | ${ATTRIBUTE_DESCRIPTIONS[a] ?? "**undocumented**"} |`),
    "",
    "#### Metrics",
    "",
    "Prometheus names are what `@opentelemetry/exporter-prometheus` serves on `/metrics`",
    "(histograms as `_bucket`, `_sum`, `_count`). Ids of threads, runs and users are never",
    "metric attributes.",
    "",
    "| metric | Prometheus | type | unit | attributes | description |",
    "|---|---|---|---|---|---|",
    ...METRICS.map(
      (m) =>
        `| \`${m.name}\` | \`${prometheusName(m.name, prometheusKind(m.kind))}\` | ${m.kind} | \`${m.unit}\` | ${code(m.attributes)} | ${m.description} |`,
    ),
    END_MARKER,
  ];
  return lines.join("\n");
}
