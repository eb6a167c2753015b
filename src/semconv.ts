/**
 * Every span name prefix, attribute key, event name, metric name and enum value that
 * langgraph-otel emits. Dashboards, alert rules, the README's telemetry reference and the
 * tests read names from here; nothing else spells them.
 *
 * Names follow the OpenTelemetry GenAI semantic conventions (status: development) where
 * they exist and the `langgraph.*` namespace where they do not.
 */

// ---------------------------------------------------------------------------------------
// Span name prefixes (the span name is `${prefix} ${subject}`)
// ---------------------------------------------------------------------------------------
export const SPAN_INVOKE_WORKFLOW = "invoke_workflow";
export const SPAN_INVOKE_NODE = "invoke_node";
export const SPAN_CHAT = "chat";
export const SPAN_EXECUTE_TOOL = "execute_tool";
/** A LangChain retriever call: `retrieval {retriever}` (GenAI conventions: `gen_ai.retrieval`). */
export const SPAN_RETRIEVAL = "retrieval";
export const SPAN_TEXT_COMPLETION = "text_completion";
/** An agent run (createAgent, createReactAgent): `invoke_agent {gen_ai.agent.name}`. */
export const SPAN_INVOKE_AGENT = "invoke_agent";
/** An embeddings call (LangChain `Embeddings`): `embeddings {gen_ai.request.model}`. */
export const SPAN_EMBEDDINGS = "embeddings";

// ---------------------------------------------------------------------------------------
// Attributes: OTel GenAI and general conventions
// ---------------------------------------------------------------------------------------
export const ATTR_GEN_AI_OPERATION_NAME = "gen_ai.operation.name";
export const ATTR_GEN_AI_WORKFLOW_NAME = "gen_ai.workflow.name";
export const ATTR_GEN_AI_CONVERSATION_ID = "gen_ai.conversation.id";
/** The agent's name (createAgent / createReactAgent `name`, else the graph's name). */
export const ATTR_GEN_AI_AGENT_NAME = "gen_ai.agent.name";
/** The agent's id, when the agent says (metadata `lc_agent_id`). */
export const ATTR_GEN_AI_AGENT_ID = "gen_ai.agent.id";
/** The agent's description, when given to createAgent / createReactAgent. */
export const ATTR_GEN_AI_AGENT_DESCRIPTION = "gen_ai.agent.description";
/** Dimensions of the vectors an embeddings call returned. */
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = "gen_ai.embeddings.dimension.count";
/** Number of texts an embeddings call embedded. */
export const ATTR_LANGGRAPH_EMBEDDINGS_INPUT_COUNT = "langgraph.embeddings.input_count";
export const ATTR_GEN_AI_PROVIDER_NAME = "gen_ai.provider.name";
export const ATTR_GEN_AI_REQUEST_MODEL = "gen_ai.request.model";
export const ATTR_GEN_AI_REQUEST_STREAM = "gen_ai.request.stream";
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = "gen_ai.request.temperature";
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
export const ATTR_GEN_AI_RESPONSE_MODEL = "gen_ai.response.model";
export const ATTR_GEN_AI_RESPONSE_ID = "gen_ai.response.id";
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk";
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens";
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS =
  "gen_ai.usage.cache_creation.input_tokens";
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = "gen_ai.usage.reasoning.output_tokens";
export const ATTR_GEN_AI_TOKEN_TYPE = "gen_ai.token.type";
export const ATTR_GEN_AI_TOOL_NAME = "gen_ai.tool.name";
export const ATTR_GEN_AI_TOOL_CALL_ID = "gen_ai.tool.call.id";
export const ATTR_GEN_AI_TOOL_TYPE = "gen_ai.tool.type";
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = "gen_ai.tool.call.arguments";
export const ATTR_GEN_AI_TOOL_CALL_RESULT = "gen_ai.tool.call.result";
/** The retriever (its name, else its class): what the retrieval read from. */
export const ATTR_GEN_AI_DATA_SOURCE_ID = "gen_ai.data_source.id";
/** The retrieval's query (content: only with capture on, redacted). */
export const ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT = "gen_ai.retrieval.query.text";
/** The documents retrieved, as JSON (content: only with capture on, redacted). */
export const ATTR_GEN_AI_RETRIEVAL_DOCUMENTS = "gen_ai.retrieval.documents";
/** How many documents a retrieval returned (always; a count, not content). */
export const ATTR_LANGGRAPH_RETRIEVAL_DOCUMENT_COUNT = "langgraph.retrieval.document_count";
export const ATTR_GEN_AI_INPUT_MESSAGES = "gen_ai.input.messages";
export const ATTR_GEN_AI_OUTPUT_MESSAGES = "gen_ai.output.messages";
export const ATTR_ERROR_TYPE = "error.type";
// OTel SDK self-observability: which SDK component (a batch span processor) reports.
export const ATTR_OTEL_COMPONENT_TYPE = "otel.component.type";
export const ATTR_OTEL_COMPONENT_NAME = "otel.component.name";
/** Left out of the resource by default (docs/configuration.md): command lines carry secrets. */
export const ATTR_PROCESS_COMMAND_ARGS = "process.command_args";
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = "deployment.environment.name";
export const ATTR_EXCEPTION_MESSAGE = "exception.message";

// ---------------------------------------------------------------------------------------
// Attributes: langgraph.* (no OTel convention exists)
// ---------------------------------------------------------------------------------------
export const ATTR_LANGGRAPH_OUTCOME = "langgraph.outcome";
export const ATTR_LANGGRAPH_NODE_NAME = "langgraph.node.name";
export const ATTR_LANGGRAPH_STEP = "langgraph.step";
export const ATTR_LANGGRAPH_NODE_ATTEMPT = "langgraph.node.attempt";
export const ATTR_LANGGRAPH_TASK_ID = "langgraph.task.id";
export const ATTR_LANGGRAPH_CHECKPOINT_NS = "langgraph.checkpoint.ns";
export const ATTR_LANGGRAPH_NODE_TRIGGERS = "langgraph.node.triggers";
/** On the span of a Functional API `task()` call: the task's name (its span is an attempt). */
export const ATTR_LANGGRAPH_TASK_NAME = "langgraph.task.name";
/** The end user a run serves (general semantic conventions), from the run's metadata. */
export const ATTR_USER_ID = "user.id";
/** Prefix of the run metadata keys a user allow-lists onto every span of a run. */
export const ATTR_LANGGRAPH_METADATA_PREFIX = "langgraph.metadata.";
/** The run's `config.tags`, on every span of the run when asked for. */
export const ATTR_LANGGRAPH_TAGS = "langgraph.tags";
export const ATTR_LANGGRAPH_RUN_ID = "langgraph.run.id";
export const ATTR_LANGGRAPH_INTERRUPT_COUNT = "langgraph.interrupt.count";
export const ATTR_LANGGRAPH_INTERRUPT_ID = "langgraph.interrupt.id";
export const ATTR_LANGGRAPH_HUMAN_DECISION = "langgraph.human.decision";
export const ATTR_LANGGRAPH_STATE_INPUT = "langgraph.state.input";
export const ATTR_LANGGRAPH_STATE_OUTPUT = "langgraph.state.output";
/**
 * USD of a model call: the de facto name cost-aware backends read (Langfuse, PostHog,
 * Opik, LiteLLM). Was `langgraph.llm.cost` on spans before 0.2; the cost metric keeps
 * `langgraph.llm.cost` (the conventions have no cost metric).
 */
export const ATTR_GEN_AI_USAGE_COST = "gen_ai.usage.cost";
/** Where `gen_ai.usage.cost` came from (see the `COST_SOURCE_*` values). */
export const ATTR_LANGGRAPH_COST_SOURCE = "langgraph.cost.source";
export const ATTR_LANGGRAPH_CACHE_HIT = "langgraph.cache.hit";
export const ATTR_LANGGRAPH_CACHE_NAME = "langgraph.cache.name";
export const ATTR_LANGGRAPH_CACHE_RESULT = "langgraph.cache.result";
/**
 * Which tier of a tiered cache answered or was asked: `local` (in-process), `shared`
 * (Redis, for every replica), or what the app names its own tiers.
 */
export const ATTR_LANGGRAPH_CACHE_TIER = "langgraph.cache.tier";
export const ATTR_LANGGRAPH_OPERATION = "langgraph.operation";
export const ATTR_LANGGRAPH_RETRY_ATTEMPT = "langgraph.retry.attempt";
export const ATTR_LANGGRAPH_RETRY_DELAY_MS = "langgraph.retry.delay_ms";
export const ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME = "langgraph.circuit_breaker.name";
export const ATTR_LANGGRAPH_CIRCUIT_BREAKER_STATE = "langgraph.circuit_breaker.state";
export const ATTR_LANGGRAPH_CIRCUIT_BREAKER_FROM = "langgraph.circuit_breaker.from";
export const ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO = "langgraph.circuit_breaker.to";
export const ATTR_LANGGRAPH_FALLBACK_LEVEL = "langgraph.fallback.level";
export const ATTR_LANGGRAPH_TIMEOUT_MS = "langgraph.timeout.ms";
export const ATTR_LANGGRAPH_BULKHEAD_NAME = "langgraph.bulkhead.name";
export const ATTR_LANGGRAPH_BULKHEAD_WAIT_MS = "langgraph.bulkhead.wait_ms";
/** On a resumed run's link to the run it resumed: why the two are linked. */
export const ATTR_LANGGRAPH_LINK_TYPE = "langgraph.link.type";
/** On a resumed run's span: seconds the run waited for the human (see the wait histogram). */
export const ATTR_LANGGRAPH_INTERRUPT_WAIT = "langgraph.interrupt.wait";
/** On a model span: true when the model answered from LangChain's response cache. */
export const ATTR_LANGGRAPH_LLM_CACHED = "langgraph.llm.cached";
export const ATTR_LANGGRAPH_CACHE_SIMILARITY = "langgraph.cache.similarity";

// ---------------------------------------------------------------------------------------
// Attribute values
// ---------------------------------------------------------------------------------------
export const GEN_AI_OPERATION_INVOKE_WORKFLOW = "invoke_workflow";
export const GEN_AI_OPERATION_INVOKE_AGENT = "invoke_agent";
export const GEN_AI_OPERATION_EMBEDDINGS = "embeddings";
export const GEN_AI_OPERATION_CHAT = "chat";
export const GEN_AI_OPERATION_EXECUTE_TOOL = "execute_tool";
export const GEN_AI_OPERATION_RETRIEVAL = "retrieval";
export const GEN_AI_OPERATION_TEXT_COMPLETION = "text_completion";

export const GEN_AI_TOKEN_TYPE_INPUT = "input";
export const GEN_AI_TOKEN_TYPE_OUTPUT = "output";

/** `gen_ai.tool.type` for LangChain tools (functions the application runs). */
export const GEN_AI_TOOL_TYPE_FUNCTION = "function";

/** `langgraph.link.type` on the link from a resumed run to the interrupted one. */
export const LINK_TYPE_INTERRUPT_RESUME = "interrupt_resume";

/** `langgraph.outcome`: how a run, node attempt or tool call ended. */
export const OUTCOME_OK = "ok";
export const OUTCOME_ERROR = "error";
export const OUTCOME_INTERRUPTED = "interrupted";
export const OUTCOME_CANCELLED = "cancelled";
export const OUTCOME_PARENT_COMMAND = "parent_command";
export const OUTCOMES = [
  OUTCOME_OK,
  OUTCOME_ERROR,
  OUTCOME_INTERRUPTED,
  OUTCOME_CANCELLED,
  OUTCOME_PARENT_COMMAND,
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** `langgraph.cost.source`: who priced a model call, in order of precedence. */
export const COST_SOURCE_PROVIDER = "provider";
export const COST_SOURCE_USER = "user";
export const COST_SOURCE_GENAI_PRICES = "genai-prices";
export const COST_SOURCE_BUILTIN = "builtin";
export const COST_SOURCES = [
  COST_SOURCE_PROVIDER,
  COST_SOURCE_USER,
  COST_SOURCE_GENAI_PRICES,
  COST_SOURCE_BUILTIN,
] as const;
export type CostSource = (typeof COST_SOURCES)[number];

/** `langgraph.human.decision` */
export const HUMAN_DECISIONS = ["approved", "rejected", "edited"] as const;
export type HumanDecision = (typeof HUMAN_DECISIONS)[number];

/** `langgraph.cache.result` */
export const CACHE_RESULT_HIT = "hit";
export const CACHE_RESULT_MISS = "miss";
/** `langgraph.cache.tier` of ResponseCache (in-process) and SharedResponseCache (Redis). */
export const CACHE_TIER_LOCAL = "local";
export const CACHE_TIER_SHARED = "shared";

/** `langgraph.circuit_breaker.state` gauge values and labels. */
export const CIRCUIT_STATE_CLOSED = 0;
export const CIRCUIT_STATE_HALF_OPEN = 1;
export const CIRCUIT_STATE_OPEN = 2;
/** `langgraph.circuit_breaker.from` / `.to` values (the transitions counter, events). */
export const CIRCUIT_STATE_NAME_CLOSED = "closed";
export const CIRCUIT_STATE_NAME_HALF_OPEN = "half_open";
export const CIRCUIT_STATE_NAME_OPEN = "open";

// ---------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------
export const EVENT_LANGGRAPH_INTERRUPT = "langgraph.interrupt";
export const EVENT_LANGGRAPH_RETRY = "langgraph.retry";
export const EVENT_LANGGRAPH_CIRCUIT_BREAKER_TRANSITION = "langgraph.circuit_breaker.transition";
export const EVENT_LANGGRAPH_FALLBACK = "langgraph.fallback";
export const EVENT_LANGGRAPH_TIMEOUT = "langgraph.timeout";
export const EVENT_LANGGRAPH_BULKHEAD_WAIT = "langgraph.bulkhead.wait";
export const EVENT_LANGGRAPH_BULKHEAD_REJECTION = "langgraph.bulkhead.rejection";
/**
 * The first chunk of a streamed model call (with `gen_ai.response.time_to_first_chunk`).
 * Was `gen_ai.first_chunk` before 0.2: a name of ours inside the conventions' reserved
 * `gen_ai.*` namespace.
 */
export const EVENT_LANGGRAPH_FIRST_CHUNK = "langgraph.first_chunk";
/**
 * A model call retried inside LangChain (the chat model's own `maxRetries`, 6 by default):
 * invisible to node retry policies and to our withRetry, multiplied by both.
 */
export const EVENT_LANGGRAPH_LLM_RETRY = "langgraph.llm.retry";
/** The attempt a `langgraph.llm.retry` event starts (2 for the first retry). */
export const ATTR_LANGGRAPH_LLM_ATTEMPT = "langgraph.llm.attempt";
/**
 * GenAI conventions' event (an OTel log record) with a model call's input and output
 * messages, emitted when content capture includes events (EVENT_ONLY, SPAN_AND_EVENT).
 */
export const EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS = "gen_ai.client.inference.operation.details";
/** Lifecycle log records (event names of OTel log records; off by default). */
export const EVENT_LANGGRAPH_WORKFLOW_STARTED = "langgraph.workflow.started";
export const EVENT_LANGGRAPH_WORKFLOW_COMPLETED = "langgraph.workflow.completed";
export const EVENT_LANGGRAPH_WORKFLOW_FAILED = "langgraph.workflow.failed";
export const EVENT_LANGGRAPH_NODE_FAILED = "langgraph.node.failed";
export const EVENT_LANGGRAPH_HUMAN_DECISION = "langgraph.human.decision";

// ---------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------
export const METRIC_GEN_AI_WORKFLOW_DURATION = "gen_ai.workflow.duration";
export const METRIC_LANGGRAPH_WORKFLOW_ACTIVE = "langgraph.workflow.active";
export const METRIC_LANGGRAPH_NODE_DURATION = "langgraph.node.duration";
export const METRIC_LANGGRAPH_NODE_RETRIES = "langgraph.node.retries";
export const METRIC_LANGGRAPH_INTERRUPTS = "langgraph.interrupts";
export const METRIC_LANGGRAPH_INTERRUPT_WAIT = "langgraph.interrupt.wait";
export const METRIC_LANGGRAPH_HUMAN_DECISIONS = "langgraph.human.decisions";
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = "gen_ai.client.token.usage";
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = "gen_ai.client.operation.duration";
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
export const METRIC_GEN_AI_EXECUTE_TOOL_DURATION = "gen_ai.execute_tool.duration";
/** Was `gen_ai.retrieval.duration` before 0.2: the conventions define no such metric. */
export const METRIC_LANGGRAPH_RETRIEVAL_DURATION = "langgraph.retrieval.duration";
export const METRIC_LANGGRAPH_LLM_COST = "langgraph.llm.cost";
/** Model calls that reported tokens but that no price source could price. */
export const METRIC_LANGGRAPH_LLM_COST_UNPRICED = "langgraph.llm.cost.unpriced";
export const METRIC_LANGGRAPH_LLM_RETRIES = "langgraph.llm.retries";
export const METRIC_LANGGRAPH_RETRY_ATTEMPTS = "langgraph.retry.attempts";
export const METRIC_LANGGRAPH_CIRCUIT_BREAKER_STATE = "langgraph.circuit_breaker.state";
export const METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS = "langgraph.circuit_breaker.transitions";
export const METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS = "langgraph.fallback.activations";
export const METRIC_LANGGRAPH_TIMEOUTS = "langgraph.timeouts";
export const METRIC_LANGGRAPH_TIMEOUT_ABANDONED = "langgraph.timeout.abandoned";
export const METRIC_LANGGRAPH_BULKHEAD_IN_FLIGHT = "langgraph.bulkhead.in_flight";
export const METRIC_LANGGRAPH_BULKHEAD_QUEUED = "langgraph.bulkhead.queued";
export const METRIC_LANGGRAPH_BULKHEAD_REJECTIONS = "langgraph.bulkhead.rejections";
export const METRIC_LANGGRAPH_CACHE_REQUESTS = "langgraph.cache.requests";
export const METRIC_LANGGRAPH_CACHE_ENTRIES = "langgraph.cache.entries";
export const METRIC_LANGGRAPH_CACHE_EVICTIONS = "langgraph.cache.evictions";
// The OTel SDK's own span queue metrics (semconv "OTel SDK metrics"), which the setup
// turns on: they show telemetry that was dropped before it reached the collector.
export const METRIC_OTEL_SDK_SPAN_PROCESSED = "otel.sdk.processor.span.processed";
export const METRIC_OTEL_SDK_SPAN_QUEUE_SIZE = "otel.sdk.processor.span.queue.size";
export const METRIC_OTEL_SDK_SPAN_QUEUE_CAPACITY = "otel.sdk.processor.span.queue.capacity";
/** `error.type` of spans the batch processor dropped because its queue was full. */
export const ERROR_TYPE_QUEUE_FULL = "queue_full";

/**
 * Bucket boundaries (seconds) for every duration histogram: agents run from
 * milliseconds (a routing node) to minutes (a long tool or a human), and alerting asks
 * "p95 above 5 s" and "above 10 s", so both are boundaries.
 */
export const DURATION_BUCKETS_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600,
];

/** Model call duration and time-to-first-chunk buckets (GenAI semconv advice). */
export const GENAI_DURATION_BUCKETS_SECONDS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** Token-count buckets for `gen_ai.client.token.usage` (GenAI semconv advice). */
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** Human wait buckets (seconds): seconds to a day. */
export const WAIT_BUCKETS_SECONDS = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 14400, 86400];

/**
 * The Prometheus form of a metric name as `@opentelemetry/exporter-prometheus` writes it:
 * dots become underscores, counters get `_total`; no unit suffix is appended.
 */
export function prometheusName(metric: string, kind: "counter" | "gauge" | "histogram"): string {
  const base = metric.replace(/[^a-zA-Z0-9_:]/g, "_");
  return kind === "counter" ? `${base}_total` : base;
}

/** The Prometheus form of an attribute key. */
export function prometheusLabel(attribute: string): string {
  return attribute.replace(/[^a-zA-Z0-9_]/g, "_");
}

/**
 * One row per metric: its name, instrument kind, unit and the attributes it carries.
 * The README's telemetry reference, the dashboards and the alert rules are checked
 * against this table by tests.
 */
export interface MetricDefinition {
  name: string;
  kind: "counter" | "updowncounter" | "gauge" | "histogram";
  unit: string;
  description: string;
  attributes: readonly string[];
}

export const METRICS: readonly MetricDefinition[] = [
  {
    name: METRIC_GEN_AI_WORKFLOW_DURATION,
    kind: "histogram",
    unit: "s",
    description: "Duration of a graph run (invoke, stream, streamEvents, subgraph).",
    attributes: [ATTR_GEN_AI_WORKFLOW_NAME, ATTR_LANGGRAPH_OUTCOME, ATTR_ERROR_TYPE],
  },
  {
    name: METRIC_LANGGRAPH_WORKFLOW_ACTIVE,
    kind: "updowncounter",
    unit: "{run}",
    description: "Graph runs in flight.",
    attributes: [ATTR_GEN_AI_WORKFLOW_NAME],
  },
  {
    name: METRIC_LANGGRAPH_NODE_DURATION,
    kind: "histogram",
    unit: "s",
    description: "Duration of one node attempt.",
    attributes: [
      ATTR_GEN_AI_WORKFLOW_NAME,
      ATTR_LANGGRAPH_NODE_NAME,
      ATTR_LANGGRAPH_OUTCOME,
      ATTR_ERROR_TYPE,
    ],
  },
  {
    name: METRIC_LANGGRAPH_NODE_RETRIES,
    kind: "counter",
    unit: "{retry}",
    description: "Node attempts after the first (LangGraph retryPolicy).",
    attributes: [ATTR_GEN_AI_WORKFLOW_NAME, ATTR_LANGGRAPH_NODE_NAME],
  },
  {
    name: METRIC_LANGGRAPH_INTERRUPTS,
    kind: "counter",
    unit: "{interrupt}",
    description: "Node attempts that ended in interrupt() (human in the loop).",
    attributes: [ATTR_GEN_AI_WORKFLOW_NAME, ATTR_LANGGRAPH_NODE_NAME],
  },
  {
    name: METRIC_LANGGRAPH_INTERRUPT_WAIT,
    kind: "histogram",
    unit: "s",
    description: "Time from an interrupt to the run that resumed it on the same thread.",
    attributes: [ATTR_GEN_AI_WORKFLOW_NAME],
  },
  {
    name: METRIC_LANGGRAPH_HUMAN_DECISIONS,
    kind: "counter",
    unit: "{decision}",
    description: "Human decisions recorded with recordHumanDecision().",
    attributes: [ATTR_GEN_AI_WORKFLOW_NAME, ATTR_LANGGRAPH_HUMAN_DECISION],
  },
  {
    name: METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
    kind: "histogram",
    unit: "{token}",
    description: "Tokens per model call, by type (input, output).",
    attributes: [
      ATTR_GEN_AI_OPERATION_NAME,
      ATTR_GEN_AI_TOKEN_TYPE,
      ATTR_GEN_AI_REQUEST_MODEL,
      ATTR_GEN_AI_PROVIDER_NAME,
      ATTR_GEN_AI_WORKFLOW_NAME,
      ATTR_LANGGRAPH_NODE_NAME,
    ],
  },
  {
    name: METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
    kind: "histogram",
    unit: "s",
    description: "Duration of a model call (chat, text_completion) or an embeddings call.",
    attributes: [
      ATTR_GEN_AI_OPERATION_NAME,
      ATTR_GEN_AI_REQUEST_MODEL,
      ATTR_GEN_AI_PROVIDER_NAME,
      ATTR_ERROR_TYPE,
    ],
  },
  {
    name: METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
    kind: "histogram",
    unit: "s",
    description: "Time from a streamed model call's request to its first chunk (streamed calls only).",
    attributes: [ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_PROVIDER_NAME],
  },
  {
    name: METRIC_LANGGRAPH_RETRIEVAL_DURATION,
    kind: "histogram",
    unit: "s",
    description: "Duration of a retriever call.",
    attributes: [ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_DATA_SOURCE_ID, ATTR_LANGGRAPH_OUTCOME, ATTR_ERROR_TYPE],
  },
  {
    name: METRIC_LANGGRAPH_LLM_RETRIES,
    kind: "counter",
    unit: "{retry}",
    description: "Model call attempts LangChain retried by itself (the chat model's maxRetries), after a failed attempt.",
    attributes: [ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_PROVIDER_NAME, ATTR_ERROR_TYPE],
  },
  {
    name: METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
    kind: "histogram",
    unit: "s",
    description: "Duration of a tool call.",
    attributes: [
      ATTR_GEN_AI_OPERATION_NAME,
      ATTR_GEN_AI_TOOL_NAME,
      ATTR_GEN_AI_TOOL_TYPE,
      ATTR_LANGGRAPH_OUTCOME,
      ATTR_ERROR_TYPE,
    ],
  },
  {
    name: METRIC_LANGGRAPH_LLM_COST,
    kind: "counter",
    unit: "USD",
    description:
      "Cost of model calls: the provider's own figure, else the user's prices, else @pydantic/genai-prices, else the built-in table.",
    attributes: [ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_WORKFLOW_NAME, ATTR_LANGGRAPH_COST_SOURCE],
  },
  {
    name: METRIC_LANGGRAPH_LLM_COST_UNPRICED,
    kind: "counter",
    unit: "{call}",
    description: "Model calls that reported tokens but no price source knew the model (they have no cost).",
    attributes: [ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_WORKFLOW_NAME],
  },
  {
    name: METRIC_LANGGRAPH_RETRY_ATTEMPTS,
    kind: "counter",
    unit: "{attempt}",
    description: "Attempts made by withRetry, by operation and outcome.",
    attributes: [ATTR_LANGGRAPH_OPERATION, ATTR_LANGGRAPH_OUTCOME],
  },
  {
    name: METRIC_LANGGRAPH_CIRCUIT_BREAKER_STATE,
    kind: "gauge",
    unit: "1",
    description: "Circuit breaker state: 0 closed, 1 half-open, 2 open.",
    attributes: [ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME],
  },
  {
    name: METRIC_LANGGRAPH_CIRCUIT_BREAKER_TRANSITIONS,
    kind: "counter",
    unit: "{transition}",
    description: "Circuit breaker state changes.",
    attributes: [
      ATTR_LANGGRAPH_CIRCUIT_BREAKER_NAME,
      ATTR_LANGGRAPH_CIRCUIT_BREAKER_FROM,
      ATTR_LANGGRAPH_CIRCUIT_BREAKER_TO,
    ],
  },
  {
    name: METRIC_LANGGRAPH_FALLBACK_ACTIVATIONS,
    kind: "counter",
    unit: "{activation}",
    description: "Calls answered by a fallback level (level >= 1).",
    attributes: [ATTR_LANGGRAPH_OPERATION, ATTR_LANGGRAPH_FALLBACK_LEVEL],
  },
  {
    name: METRIC_LANGGRAPH_TIMEOUTS,
    kind: "counter",
    unit: "{timeout}",
    description: "Operations aborted by withTimeout.",
    attributes: [ATTR_LANGGRAPH_OPERATION],
  },
  {
    name: METRIC_LANGGRAPH_TIMEOUT_ABANDONED,
    kind: "updowncounter",
    unit: "{execution}",
    description:
      "Executions withTimeout stopped waiting for (time up or cancelled) that still run because they ignore their abort signal.",
    attributes: [ATTR_LANGGRAPH_OPERATION],
  },
  {
    name: METRIC_LANGGRAPH_BULKHEAD_IN_FLIGHT,
    kind: "updowncounter",
    unit: "{execution}",
    description:
      "Executions holding a bulkhead slot, abandoned ones that still run included (observed at each collection).",
    attributes: [ATTR_LANGGRAPH_BULKHEAD_NAME],
  },
  {
    name: METRIC_LANGGRAPH_BULKHEAD_QUEUED,
    kind: "updowncounter",
    unit: "{call}",
    description: "Calls waiting in a bulkhead's queue for a slot (observed at each collection).",
    attributes: [ATTR_LANGGRAPH_BULKHEAD_NAME],
  },
  {
    name: METRIC_LANGGRAPH_BULKHEAD_REJECTIONS,
    kind: "counter",
    unit: "{call}",
    description: "Calls a bulkhead rejected because every slot and the whole queue were taken.",
    attributes: [ATTR_LANGGRAPH_BULKHEAD_NAME],
  },
  {
    name: METRIC_LANGGRAPH_CACHE_REQUESTS,
    kind: "counter",
    unit: "{request}",
    description:
      "Response cache lookups, by result (hit, miss) and tier (local, shared); a lookup the cache could not answer (Redis down, timed out) is a miss with `error.type`.",
    attributes: [ATTR_LANGGRAPH_CACHE_NAME, ATTR_LANGGRAPH_CACHE_RESULT, ATTR_LANGGRAPH_CACHE_TIER, ATTR_ERROR_TYPE],
  },
  {
    name: METRIC_LANGGRAPH_CACHE_ENTRIES,
    kind: "updowncounter",
    unit: "{entry}",
    description: "Entries held by a response cache.",
    attributes: [ATTR_LANGGRAPH_CACHE_NAME],
  },
  {
    name: METRIC_LANGGRAPH_CACHE_EVICTIONS,
    kind: "counter",
    unit: "{entry}",
    description: "Entries evicted from a response cache (size, bytes or TTL).",
    attributes: [ATTR_LANGGRAPH_CACHE_NAME],
  },
  {
    name: METRIC_OTEL_SDK_SPAN_PROCESSED,
    kind: "counter",
    unit: "{span}",
    description:
      "Spans the batch span processor handled (OTel SDK); `error.type` counts the lost ones by reason: `queue_full`, or why the export failed (`ECONNREFUSED`, `timeout`, `retries_exhausted`, an HTTP status).",
    attributes: [ATTR_OTEL_COMPONENT_TYPE, ATTR_OTEL_COMPONENT_NAME, ATTR_ERROR_TYPE],
  },
  {
    name: METRIC_OTEL_SDK_SPAN_QUEUE_SIZE,
    kind: "updowncounter",
    unit: "{span}",
    description: "Spans waiting in the batch span processor's queue (OTel SDK).",
    attributes: [ATTR_OTEL_COMPONENT_TYPE, ATTR_OTEL_COMPONENT_NAME],
  },
  {
    name: METRIC_OTEL_SDK_SPAN_QUEUE_CAPACITY,
    kind: "updowncounter",
    unit: "{span}",
    description: "Spans the batch span processor's queue can hold (`spanQueue.maxQueueSize`).",
    attributes: [ATTR_OTEL_COMPONENT_TYPE, ATTR_OTEL_COMPONENT_NAME],
  },
];
