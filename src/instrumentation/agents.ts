import type { PregelInstance } from "./internal-types.js";

/** What an agent graph says about itself: the `gen_ai.agent.*` attributes of its span. */
export interface AgentInfo {
  name: string | undefined;
  id: string | undefined;
  description: string | undefined;
}

/** createAgent (package `langchain`) bakes this into the compiled graph's metadata. */
const CREATE_AGENT_INTEGRATION = "langchain_create_agent";

/** Decided once per compiled graph (agents are built once and run many times). */
const agents = new WeakMap<object, AgentInfo | null>();

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The nodes `createReactAgent` can compile; the start node is LangGraph's own. */
const PREBUILT_REACT_NODES = new Set([
  "__start__",
  "agent",
  "tools",
  "pre_model_hook",
  "post_model_hook",
  "generate_structured_response",
]);

/**
 * `createReactAgent` (@langchain/langgraph/prebuilt) compiles a graph with an `agent` node
 * and a `tools` node that is a ToolNode; it marks the graph no other way. A graph with any
 * node of its own beside those is the app's design, not the prebuilt agent: it gets no
 * agent span unless the app marks it (`lc_agent_name`).
 */
function isPrebuiltReactAgent(nodes: Record<string, object> | undefined): boolean {
  if (nodes === undefined || !("agent" in nodes)) return false;
  for (const name of Object.keys(nodes)) if (!PREBUILT_REACT_NODES.has(name)) return false;
  const tools = (nodes.tools as { bound?: { tools?: unknown; handleToolErrors?: unknown } } | undefined)?.bound;
  return Array.isArray(tools?.tools) && tools !== undefined && "handleToolErrors" in tools;
}

/**
 * The agent a compiled graph is, if it is one: built by `createAgent` (its default config
 * carries `metadata.ls_integration` and, when named, `metadata.lc_agent_name`), by
 * `createReactAgent`, or marked by the app with `graph.withConfig({ metadata:
 * { lc_agent_name } })`. Only the graph's own config counts: run metadata is inherited by
 * every nested run, so a subgraph of an agent would pass for the agent.
 */
export function agentOf(graph: PregelInstance): AgentInfo | undefined {
  let info = agents.get(graph);
  if (info === undefined) {
    info = detectAgent(graph);
    agents.set(graph, info);
  }
  return info ?? undefined;
}

function detectAgent(graph: PregelInstance): AgentInfo | null {
  const metadata = (graph.config as { metadata?: Record<string, unknown> } | undefined)?.metadata;
  const markedName = text(metadata?.lc_agent_name);
  const isAgent =
    markedName !== undefined ||
    metadata?.ls_integration === CREATE_AGENT_INTEGRATION ||
    isPrebuiltReactAgent(graph.nodes);
  if (!isAgent) return null;
  return {
    name: markedName ?? text(graph.name),
    id: text(metadata?.lc_agent_id),
    description: text((graph as { description?: unknown }).description),
  };
}
