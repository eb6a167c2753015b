import {
  checkpointerCheck,
  circuitBreakersCheck,
  collectorReachableCheck,
  createHealthHandler,
  type HealthHandler,
  serveHealth,
} from "../health/index.js";
import type { SupportAgent } from "../examples/support-agent.js";

/** The variable that turns the demo's health server on (Kubernetes probes use it). */
export const HEALTH_PORT_VARIABLE = "LANGGRAPH_OTEL_HEALTH_PORT";

export interface DemoHealth {
  readonly handler: HealthHandler;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves /health and /ready for the sample agent when LANGGRAPH_OTEL_HEALTH_PORT is set:
 * ready needs its checkpointer and an un-open breaker; the collector is only reported.
 */
export async function startDemoHealth(
  agent: Pick<SupportAgent, "checkpointer" | "breaker">,
  tracesUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<DemoHealth | undefined> {
  const raw = env[HEALTH_PORT_VARIABLE]?.trim();
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${HEALTH_PORT_VARIABLE}=${raw} is not a port number`);
  }
  const handler = createHealthHandler({
    checks: [checkpointerCheck(agent.checkpointer), circuitBreakersCheck([agent.breaker])],
    telemetry: [collectorReachableCheck(tracesUrl)],
  });
  const server = await serveHealth(handler, port, env.LANGGRAPH_OTEL_HEALTH_HOST?.trim() || "0.0.0.0");
  return { handler, url: `http://127.0.0.1:${server.port}`, close: () => server.close() };
}
