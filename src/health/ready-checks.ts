import { Socket } from "node:net";
import { CIRCUIT_STATE_NAME_OPEN } from "../semconv.js";
import type { HealthCheck } from "./checks.js";

/** What the breakers check reads: a CircuitBreaker fits. */
export interface BreakerLike {
  readonly name: string;
  readonly state: string;
}

/**
 * Unready while any of these breakers is open: the dependency it guards is failing, so
 * traffic is better sent to a replica whose breaker is closed. Half-open stays ready, or
 * no probe call could ever close it again.
 */
export function circuitBreakersCheck(breakers: readonly BreakerLike[], name = "circuit_breakers"): HealthCheck {
  return {
    name,
    async check() {
      const open = breakers.filter((b) => b.state === CIRCUIT_STATE_NAME_OPEN).map((b) => b.name);
      if (open.length > 0) throw new Error(`open: ${open.join(", ")}`);
      return `${breakers.length} closed or half-open`;
    },
  };
}

/** What the checkpointer check calls: any LangGraph BaseCheckpointSaver fits. */
export interface CheckpointerLike {
  getTuple(config: { configurable: { thread_id: string } }): Promise<unknown>;
}

/**
 * Reads one (usually missing) thread: a round trip to the checkpointer's store. A missing
 * thread is healthy; a connection error or the deadline is not.
 */
export function checkpointerCheck(
  checkpointer: CheckpointerLike,
  options: { name?: string; threadId?: string; timeoutMs?: number } = {},
): HealthCheck {
  return {
    name: options.name ?? "checkpointer",
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    async check() {
      await checkpointer.getTuple({ configurable: { thread_id: options.threadId ?? "__health__" } });
    },
  };
}

/**
 * Whether the OTLP receiver (a Collector) accepts a TCP connection at the endpoint's host
 * and port. Meant for the `telemetry` list: reported, never a reason to be unready.
 */
export function collectorReachableCheck(endpoint: string, name = "otlp_collector"): HealthCheck {
  const url = new URL(endpoint);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return {
    name,
    check: (signal) =>
      new Promise<string>((resolve, reject) => {
        const socket = new Socket();
        const fail = (error: unknown) => {
          socket.destroy();
          reject(error);
        };
        signal.addEventListener("abort", () => fail(signal.reason), { once: true });
        socket.once("error", fail);
        socket.connect(port, host, () => {
          socket.destroy();
          resolve(`${host}:${port} accepts connections`);
        });
      }),
  };
}

/** What the SDK check reads: the handle startObservability returned fits. */
export interface ObservabilityLike {
  readonly enabled: boolean;
  readonly joined: boolean;
  metricsAddress(): { host: string; port: number } | undefined;
}

/**
 * The SDK's own state, for the `telemetry` list: disabled or /metrics not served is
 * reported as not ok, which never makes the app unready.
 */
export function observabilityCheck(handle: ObservabilityLike, name = "observability_sdk"): HealthCheck {
  return {
    name,
    async check() {
      if (!handle.enabled) throw new Error("disabled (OTEL_SDK_DISABLED)");
      const metrics = handle.metricsAddress();
      const parts = [handle.joined ? "joined the SDK already registered" : "started"];
      parts.push(metrics ? `/metrics on ${metrics.host}:${metrics.port}` : "/metrics not served");
      return parts.join(", ");
    },
  };
}
