/**
 * A realistic, deterministic customer-support agent (no network, no API key), used by
 * `langgraph-otel demo` and by the tests. It routes the request, retrieves knowledge-base
 * articles, lets a tool-calling chat model call tools, asks a human to approve refunds
 * (interrupt / Command({ resume })), and answers. Faults and latencies come from a seeded
 * Dice, so the same options give the same telemetry.
 *
 * The defences of a production agent are in its path, each reporting itself: the search
 * goes through a circuit breaker, withRetry and a fallback to a static FAQ; the model has
 * a node retryPolicy for rate limits and a ResponseCache for repeated prompts; the human's
 * decision is recorded with recordHumanDecision.
 *
 * The graph:
 *
 *   classify -> retrieve -> agent -+-> tools ---------> agent
 *                                  +-> human_approval -> tools | agent
 *                                  +-> respond -> END
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import {
  Annotation,
  type BaseCheckpointSaver,
  Command,
  END,
  INTERRUPT,
  interrupt,
  isInterrupted,
  MemorySaver,
  MessagesAnnotation,
  START,
  StateGraph,
} from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { ResponseCache } from "../cache/index.js";
import { recordHumanDecision } from "../genai/index.js";
import type { PriceTable } from "../genai/index.js";
import { CircuitBreaker, withFallback, withRetry, withTimeout } from "../resilience/index.js";
import { Dice, sleep } from "./determinism.js";
import { ScriptedChatModel, type ScriptedCallInfo, type ScriptedReply, textOf } from "../testing/scripted-chat-model.js";
import {
  classifyIntent,
  findOrderId,
  type Intent,
  KNOWLEDGE_BASE,
  ORDERS,
  SUPPORT_REQUESTS,
} from "./support-data.js";

export { SUPPORT_REQUESTS, SHOWCASE_REQUEST_INDEX } from "./support-data.js";

export const SUPPORT_AGENT_NAME = "support_agent";
/** The agent's nodes, in the order a full run visits them. */
export const SUPPORT_AGENT_NODES = [
  "classify",
  "retrieve",
  "agent",
  "human_approval",
  "tools",
  "respond",
] as const;
export const ROUTER_MODEL = "scripted-mini";
export const AGENT_MODEL = "scripted-large";
/** USD per million tokens for the scripted models: the GenAI instrumentation's `prices`. */
export const SCRIPTED_MODEL_PRICES: PriceTable = {
  [ROUTER_MODEL]: { input: 0.15, output: 0.6 },
  [AGENT_MODEL]: { input: 2.5, output: 10 },
};
/**
 * Default seed: with it, the default demo (20 conversations, fail-rate 10%) shows every
 * kind of outcome, and its first refund conversation runs clean end to end.
 */
export const DEFAULT_SEED = 5;
export const SEARCH_BREAKER_NAME = "knowledge_base";
export const RESPONSE_CACHE_NAME = "llm_responses";

/**
 * What the simulated dependencies do. The agent reads it on every call, so a caller may
 * change it while conversations run (the demo's `--scenario` phases do).
 */
export interface SupportAgentFaults {
  /** Base latency (ms) of each simulated dependency call. */
  latencyMs: number;
  /** Probability (0..1) that a dependency call fails: model, search, tools, sending the answer. */
  failRate: number;
  /**
   * Failure probability of model calls when the model provider is in trouble; set, it
   * applies to the router model as well (which never fails otherwise). Default failRate.
   */
  modelFailRate?: number;
  /** Model faults hang (the provider never answers) instead of failing fast with a 429. */
  modelHangs?: boolean;
  /** Base latency (ms) of one model call. Default 2 x latencyMs. */
  modelLatencyMs?: number;
  /** Budget of one model call (withTimeout). Default max(5 s, 10 x the model latency). */
  modelTimeoutMs?: number;
  /** Failure probability of the knowledge-base search. Default failRate. */
  searchFailRate?: number;
  /**
   * Every prompt names its conversation, as real prompts carry their customer's context:
   * the response cache cannot answer, so every call reaches the model, its faults and its
   * bill. Off, the sample requests repeat and the cache answers most model calls.
   */
  freshPrompts?: boolean;
  /** The policies appear this many times in the agent's prompt (a runaway context). Default 1. */
  contextRepeat?: number;
  /** The search breaker's recovery timeout (ms), read once when the agent is made. Default 3000. */
  breakerRecoveryMs?: number;
}

export interface SupportAgentOptions {
  /** Base latency (ms) of each simulated dependency call: model, search, order API. Default 20. */
  latencyMs?: number;
  /** Probability (0..1) that a simulated dependency call fails. Default 0. */
  failRate?: number;
  /** Seed of the fault and latency dice. Default DEFAULT_SEED. */
  seed?: number;
  /** Where threads are checkpointed (needed for interrupt/resume). Default: a MemorySaver. */
  checkpointer?: BaseCheckpointSaver;
  /** Clock of the circuit breaker (ms); tests freeze it. Default Date.now. */
  clock?: () => number;
  /** More fault knobs (latencyMs and failRate above win); the agent keeps this object. */
  faults?: Partial<SupportAgentFaults>;
}

/** A transient dependency failure, shaped like an HTTP client error. */
export class DependencyError extends Error {
  constructor(
    name: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = name;
  }
}

const SupportState = Annotation.Root({
  ...MessagesAnnotation.spec,
  intent: Annotation<Intent>({ reducer: (_old, next) => next, default: () => "general" }),
  documents: Annotation<string[]>({ reducer: (_old, next) => next, default: () => [] }),
  answer: Annotation<string>({ reducer: (_old, next) => next, default: () => "" }),
});
type SupportStateType = typeof SupportState.State;

/** What the approver sees in the interrupt. */
export interface RefundApprovalRequest {
  action: "issue_refund";
  orderId: string;
  amountUsd: number;
}
export type ApprovalDecision = "approved" | "rejected";

function threadOf(config: RunnableConfig | undefined): string {
  const id: unknown = config?.configurable?.thread_id;
  return typeof id === "string" ? id : "no-thread";
}

export function createSupportAgent(options: SupportAgentOptions = {}) {
  const faults: SupportAgentFaults = Object.assign(options.faults ?? {}, {
    latencyMs: options.latencyMs ?? options.faults?.latencyMs ?? 20,
    failRate: options.failRate ?? options.faults?.failRate ?? 0,
  });
  const dice = new Dice(options.seed ?? DEFAULT_SEED);
  const checkpointer = options.checkpointer ?? new MemorySaver();
  const cache = new ResponseCache({ name: RESPONSE_CACHE_NAME, maxEntries: 500, ttlMs: 600_000 });
  const breaker = new CircuitBreaker({
    name: SEARCH_BREAKER_NAME,
    failureRatio: 0.5,
    minimumCalls: 10,
    windowMs: 10_000,
    recoveryTimeoutMs: faults.breakerRecoveryMs ?? 3_000,
    ...(options.clock ? { clock: options.clock } : {}),
  });

  /** A simulated remote call: latency, then maybe a transient failure. */
  async function dependency(
    key: string,
    signal: AbortSignal | undefined,
    failure: () => DependencyError,
    failRate = faults.failRate,
  ): Promise<void> {
    await sleep(dice.latency(key, faults.latencyMs), signal);
    if (dice.fails(key, failRate)) throw failure();
  }

  // --- tools -----------------------------------------------------------------------------
  const lookupOrder = tool(
    async (input: { order_id: string }, config?: RunnableConfig) => {
      await dependency(`orders:${threadOf(config)}`, config?.signal, () =>
        new DependencyError("OrderServiceTimeout", "order service timed out", 504),
      );
      const order = ORDERS[input.order_id];
      return order
        ? `Order ${order.id}: ${order.status}, total $${order.amountUsd.toFixed(2)}.`
        : `No order ${input.order_id} found.`;
    },
    {
      name: "lookup_order",
      description: "Look up an order's status and amount by its id.",
      schema: {
        type: "object",
        properties: { order_id: { type: "string" } },
        required: ["order_id"],
      },
    },
  );
  const issueRefund = tool(
    async (input: { order_id: string; amount_usd: number }, config?: RunnableConfig) => {
      await dependency(`payments:${threadOf(config)}`, config?.signal, () =>
        new DependencyError("PaymentGatewayError", "payment gateway unavailable", 503),
      );
      return `Refund of $${input.amount_usd.toFixed(2)} for order ${input.order_id} issued.`;
    },
    {
      name: "issue_refund",
      description: "Refund an order (needs a human's approval).",
      schema: {
        type: "object",
        properties: { order_id: { type: "string" }, amount_usd: { type: "number" } },
        required: ["order_id", "amount_usd"],
      },
    },
  );
  const createTicket = tool(
    async (input: { summary: string }, config?: RunnableConfig) => {
      await dependency(`tickets:${threadOf(config)}`, config?.signal, () =>
        new DependencyError("TicketingUnavailable", "ticketing system unavailable", 503),
      );
      return `Ticket T-${(input.summary.length * 37) % 9000 + 1000} created for the mobile team.`;
    },
    {
      name: "create_ticket",
      description: "Open a ticket for the engineering team.",
      schema: {
        type: "object",
        properties: { summary: { type: "string" } },
        required: ["summary"],
      },
    },
  );
  const tools = [lookupOrder, issueRefund, createTicket];

  // --- models ----------------------------------------------------------------------------
  const modelLatencyMs = () => faults.modelLatencyMs ?? faults.latencyMs * 2;
  // A hung call answers after an hour: only its timeout (or the caller's signal) ends it.
  const HUNG_MS = 3_600_000;
  const modelFault = (key: string, rate: number) => {
    if (!dice.fails(key, rate) || faults.modelHangs) return undefined;
    return new DependencyError("RateLimitError", "429 Too Many Requests", 429);
  };
  const modelLatency = (key: string, baseMs: number, rate: number) => {
    // Drawn before the fault (as the model asks for its latency first): a hang is decided here.
    const latency = dice.latency(key, baseMs);
    return faults.modelHangs && dice.fails(`hang:${key}`, rate) ? HUNG_MS : latency;
  };

  const router = new ScriptedChatModel({
    model: ROUTER_MODEL,
    cache,
    latencyMs: (info) =>
      modelLatency(`router:${info.threadId ?? "no-thread"}`, faults.latencyMs, faults.modelFailRate ?? 0),
    fault: (info) => modelFault(`router:${info.threadId ?? "no-thread"}`, faults.modelFailRate ?? 0),
    script: ({ messages }) => ({ content: classifyIntent(textOf(messages[messages.length - 1]!)) }),
  });
  const agentModel = new ScriptedChatModel({
    model: AGENT_MODEL,
    cache,
    latencyMs: (info) =>
      modelLatency(`model:${info.threadId ?? "no-thread"}`, modelLatencyMs(), faults.modelFailRate ?? faults.failRate),
    fault: (info) => modelFault(`model:${info.threadId ?? "no-thread"}`, faults.modelFailRate ?? faults.failRate),
    script: agentScript,
  }).bindTools(tools);

  /**
   * A model call with its budget (withTimeout): a provider that hangs costs this long, not
   * forever. Wrapped per call, as the budget may change while the agent runs.
   */
  const callModel = <T>(
    name: string,
    invoke: (config: RunnableConfig | undefined) => Promise<T>,
    config: RunnableConfig | undefined,
  ): Promise<T> => {
    // Generous by default: on a busy machine event-loop lag alone must not time a call out.
    const budget = faults.modelTimeoutMs ?? Math.max(5_000, 10 * modelLatencyMs());
    return withTimeout((_input: undefined, c?: RunnableConfig) => invoke(c), budget, { name })(undefined, config);
  };
  /** Fresh prompts name their conversation, so the response cache cannot answer them. */
  const context = (config: RunnableConfig | undefined) =>
    faults.freshPrompts ? `\nConversation: ${threadOf(config)}.` : "";

  // --- nodes -----------------------------------------------------------------------------
  async function classify(state: SupportStateType, config?: RunnableConfig) {
    const request = lastHumanText(state);
    const reply = await callModel(
      ROUTER_MODEL,
      (c) =>
        router.invoke(
          [
            new SystemMessage(
              `Classify the request as billing, shipping, account, technical or general.${context(config)}`,
            ),
            new HumanMessage(request),
          ],
          c,
        ),
      config,
    );
    return { intent: classifyIntent(textOf(reply)) };
  }

  // Search: breaker (fail fast while the service is down) inside withRetry (transient
  // errors), with a static FAQ as the degraded answer when both give up.
  const searchService = async (intent: Intent, config?: RunnableConfig) => {
    await dependency(
      `search:${threadOf(config)}`,
      config?.signal,
      () => new DependencyError("SearchUnavailable", "knowledge base search unavailable", 503),
      faults.searchFailRate ?? faults.failRate,
    );
    return [...KNOWLEDGE_BASE[intent]];
  };
  const search = withFallback(
    withRetry(breaker.wrap(searchService), {
      name: "knowledge_base.search",
      maxAttempts: 3,
      initialInterval: Math.max(1, faults.latencyMs / 4),
    }),
    async (_intent: Intent, _config?: RunnableConfig) => [...KNOWLEDGE_BASE.general],
    { name: "knowledge_base.search" },
  );

  async function retrieve(state: SupportStateType, config?: RunnableConfig) {
    return { documents: await search(state.intent, config) };
  }

  async function agent(state: SupportStateType, config?: RunnableConfig) {
    const policies = Array.from({ length: faults.contextRepeat ?? 1 }, () => state.documents).flat();
    const system = new SystemMessage(
      `You are a support agent. Intent: ${state.intent}.${context(config)}\nPolicies:\n- ${policies.join("\n- ")}`,
    );
    const reply = await callModel(AGENT_MODEL, (c) => agentModel.invoke([system, ...state.messages], c), config);
    return { messages: [reply] };
  }

  function humanApproval(state: SupportStateType) {
    const call = pendingToolCalls(state).find((c) => c.name === "issue_refund");
    const orderId = String(call?.args.order_id ?? "unknown");
    const decision = interrupt<RefundApprovalRequest, ApprovalDecision>({
      action: "issue_refund",
      orderId,
      amountUsd: Number(call?.args.amount_usd ?? 0),
    });
    // Runs when the node is resumed: the decision lands on this attempt's span and metric.
    recordHumanDecision(decision, { workflowName: SUPPORT_AGENT_NAME });
    if (decision === "approved") return {};
    // A rejection answers every pending tool call, so the model sees why.
    return {
      messages: pendingToolCalls(state).map(
        (c) =>
          new ToolMessage({
            tool_call_id: c.id ?? "",
            name: c.name,
            content: "Refund rejected by a support lead.",
            status: "error",
          }),
      ),
    };
  }

  // Sending the answer to the customer's channel: a dependency that fails (fast, or by
  // hanging until its budget runs out: withTimeout) outside any cache, so injected faults
  // keep failing runs however warm the response cache is. The node retries once.
  async function sendAnswer(_text: string, config?: RunnableConfig): Promise<void> {
    const key = `send:${threadOf(config)}`;
    await sleep(dice.latency(key, faults.latencyMs / 2), config?.signal);
    if (!dice.fails(key, faults.failRate)) return;
    if (dice.next(`hang:${key}`) < 0.5) await sleep(HUNG_MS, config?.signal);
    throw new DependencyError("MessagingUnavailable", "messaging service unavailable", 503);
  }

  async function respond(state: SupportStateType, config?: RunnableConfig) {
    const last = state.messages[state.messages.length - 1];
    const answer = last ? textOf(last) : "";
    // A second at least: a hung send waits this long, a slow one (event-loop lag) must not.
    const budget = Math.max(1_000, faults.latencyMs * 20);
    await withTimeout(sendAnswer, budget, { name: "send_answer" })(answer, config);
    return { answer };
  }

  // Model nodes retry rate limits and timeouts (up to 4 attempts, as provider SDKs do);
  // sending the answer is retried once.
  const modelRetry = { maxAttempts: 4, initialInterval: 5, jitter: false, logWarning: false };
  const graph = new StateGraph(SupportState)
    .addNode("classify", classify, { retryPolicy: modelRetry })
    .addNode("retrieve", retrieve)
    .addNode("agent", agent, { retryPolicy: modelRetry })
    .addNode("human_approval", humanApproval)
    .addNode("tools", new ToolNode(tools))
    .addNode("respond", respond, { retryPolicy: { ...modelRetry, maxAttempts: 2 } })
    .addEdge(START, "classify")
    .addEdge("classify", "retrieve")
    .addEdge("retrieve", "agent")
    .addConditionalEdges("agent", afterAgent, ["tools", "human_approval", "respond"])
    .addConditionalEdges("human_approval", afterApproval, ["tools", "agent"])
    .addEdge("tools", "agent")
    .addEdge("respond", END)
    .compile({ checkpointer, name: SUPPORT_AGENT_NAME });

  return { graph, checkpointer, tools, cache, breaker, dice, faults };
}

export type SupportAgent = ReturnType<typeof createSupportAgent>;

function lastHumanText(state: SupportStateType): string {
  const human = [...state.messages].reverse().find((m) => HumanMessage.isInstance(m));
  return human ? textOf(human) : "";
}

function pendingToolCalls(state: SupportStateType) {
  const last = state.messages[state.messages.length - 1];
  return last && AIMessage.isInstance(last) ? (last.tool_calls ?? []) : [];
}

function afterAgent(state: SupportStateType): "tools" | "human_approval" | "respond" {
  const calls = pendingToolCalls(state);
  if (calls.some((c) => c.name === "issue_refund")) return "human_approval";
  return calls.length > 0 ? "tools" : "respond";
}

function afterApproval(state: SupportStateType): "tools" | "agent" {
  const last = state.messages[state.messages.length - 1];
  return last && ToolMessage.isInstance(last) ? "agent" : "tools";
}

/**
 * The agent model's script: a per-intent plan of tool calls, one step per model call,
 * then an answer built from the tool results and the policies in the system prompt.
 */
function agentScript({ messages }: ScriptedCallInfo): ScriptedReply {
  const request = messages.filter((m) => HumanMessage.isInstance(m)).map(textOf).join(" ");
  const orderId = findOrderId(request);
  const plan: Array<{ name: string; args: Record<string, unknown> }> = [];
  if (orderId) plan.push({ name: "lookup_order", args: { order_id: orderId } });
  if (/refund/i.test(request) && orderId) {
    plan.push({
      name: "issue_refund",
      args: { order_id: orderId, amount_usd: ORDERS[orderId]?.amountUsd ?? 0 },
    });
  }
  if (/crash|error|bug/i.test(request)) {
    plan.push({ name: "create_ticket", args: { summary: request.slice(0, 80) } });
  }
  const step = messages.filter((m) => AIMessage.isInstance(m) && (m.tool_calls?.length ?? 0) > 0)
    .length;
  const next = plan[step];
  if (next) return { content: "", toolCalls: [next] };

  const results = messages
    .filter((m) => ToolMessage.isInstance(m))
    .map((m) =>
      m.status === "error" && !/rejected/i.test(textOf(m))
        ? `I could not complete ${m.name ?? "a step"} right now; a colleague will follow up.`
        : textOf(m),
    );
  const policy = messages
    .filter((m) => SystemMessage.isInstance(m))
    .map(textOf)
    .join("\n")
    .split("\n- ")[1];
  return {
    content: ["Thanks for contacting us.", ...results, policy ?? ""].filter(Boolean).join(" "),
  };
}

// --- driving a conversation ----------------------------------------------------------------

export interface ConversationResult {
  threadId: string;
  request: string;
  /** `answered`; `failed` when a run threw; `cancelled` when the caller's signal aborted it. */
  outcome: "answered" | "failed" | "cancelled";
  /** The human's decision, when the run asked for one. */
  decision?: ApprovalDecision;
  answer?: string;
  error?: unknown;
}

export interface ConversationOptions {
  signal?: AbortSignal;
  /** How the (simulated) human decides. Default: approve refunds up to $100. */
  approve?: (request: RefundApprovalRequest) => ApprovalDecision;
  /** How long the human takes, in ms. Default 0. */
  humanDelayMs?: number;
  /** Called with the decision once the human answered (e.g. to record it as telemetry). */
  onDecision?: (decision: ApprovalDecision, request: RefundApprovalRequest) => void;
}

export function threadIdFor(index: number): string {
  return `support-${String(index + 1).padStart(4, "0")}`;
}

export function requestFor(index: number): string {
  return SUPPORT_REQUESTS[index % SUPPORT_REQUESTS.length]!;
}

export const approveSmallRefunds = (request: RefundApprovalRequest): ApprovalDecision =>
  request.amountUsd <= 100 ? "approved" : "rejected";

/**
 * One customer conversation: run the graph; when it stops for approval, let the
 * simulated human answer and resume it (a second run on the same thread).
 */
export async function runConversation(
  agent: SupportAgent,
  index: number,
  options: ConversationOptions = {},
): Promise<ConversationResult> {
  const threadId = threadIdFor(index);
  const request = requestFor(index);
  const config = { configurable: { thread_id: threadId }, signal: options.signal };
  const result: ConversationResult = { threadId, request, outcome: "answered" };
  try {
    let state: unknown = await agent.graph.invoke({ messages: [new HumanMessage(request)] }, config);
    while (isInterrupted<RefundApprovalRequest>(state)) {
      const question = state[INTERRUPT][0]?.value;
      if (!question) break;
      await sleep(options.humanDelayMs ?? 0, options.signal);
      const decision = (options.approve ?? approveSmallRefunds)(question);
      result.decision = decision;
      options.onDecision?.(decision, question);
      state = await agent.graph.invoke(new Command({ resume: decision }), config);
    }
    const answer = (state as { answer?: unknown }).answer;
    if (typeof answer === "string") result.answer = answer;
  } catch (error) {
    result.outcome = options.signal?.aborted ? "cancelled" : "failed";
    result.error = error;
  } finally {
    // Nothing of a finished conversation stays behind: a load run keeps a flat footprint.
    await agent.checkpointer.deleteThread(threadId);
    agent.dice.forget(threadId);
  }
  return result;
}
