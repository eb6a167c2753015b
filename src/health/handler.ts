import type { IncomingMessage, ServerResponse } from "node:http";
import { type CheckResult, type HealthCheck, runChecks } from "./checks.js";
import { type EventLoopLag, EventLoopProbe } from "./event-loop.js";

export interface HealthOptions {
  /** Readiness checks (checkpointer reachable, breakers closed...): any failure -> 503. */
  checks?: readonly HealthCheck[];
  /**
   * Telemetry pipeline checks (collector reachable...): reported in the body, never a
   * reason to be unready. A dead collector must not take the agent out of service.
   */
  telemetry?: readonly HealthCheck[];
  /** Liveness fails when the event loop lagged more than this in the window. Default 2000 ms. */
  maxEventLoopLagMs?: number;
  /** How long a lag counts against liveness. Default 10 s. */
  eventLoopWindowMs?: number;
  /** Deadline of a check that sets none. Default 2000 ms. */
  checkTimeoutMs?: number;
  /** Paths answered. Defaults: /health (liveness) and /ready (readiness). */
  livenessPath?: string;
  readinessPath?: string;
}

export interface LivenessReport {
  status: "ok" | "fail";
  eventLoop: EventLoopLag & { thresholdMs: number };
}

export interface ReadinessReport {
  status: "ok" | "fail";
  /** Why not ready, in one line per failed check (empty when ready). */
  reasons: string[];
  checks: CheckResult[];
  /** Reported only: never changes `status`. */
  telemetry: CheckResult[];
  shuttingDown: boolean;
}

export interface HealthHandler {
  /** Mount in a Node server: `createServer(health)`, or `(req, res, next)` in a router. */
  (request: IncomingMessage, response: ServerResponse, next?: () => void): void;
  liveness(): LivenessReport;
  readiness(): Promise<ReadinessReport>;
  /** Readiness answers 503 from now on, so a load balancer drains the pod before it stops. */
  markShuttingDown(): void;
  /** Stops the event-loop probe timer (it is unref'd, so forgetting this is harmless). */
  close(): void;
}

/**
 * Liveness and readiness for an agent service, as one Node request handler. Liveness
 * says only whether the process can still do work (its event loop answers in time), so a
 * restart could help; readiness says whether it should get traffic now.
 */
export function createHealthHandler(options: HealthOptions = {}): HealthHandler {
  const thresholdMs = options.maxEventLoopLagMs ?? 2000;
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  const livePath = options.livenessPath ?? "/health";
  const readyPath = options.readinessPath ?? "/ready";
  const probe = new EventLoopProbe({ windowMs: options.eventLoopWindowMs ?? 10_000 });
  probe.start();
  let shuttingDown = false;
  // Probes from many kubelets or balancers share one evaluation instead of piling up.
  let inFlight: Promise<ReadinessReport> | undefined;

  const liveness = (): LivenessReport => {
    const lag = probe.lag();
    return { status: lag.maxLagMs > thresholdMs ? "fail" : "ok", eventLoop: { ...lag, thresholdMs } };
  };

  const evaluate = async (): Promise<ReadinessReport> => {
    const [checks, telemetry] = await Promise.all([
      runChecks(options.checks ?? [], timeoutMs),
      runChecks(options.telemetry ?? [], timeoutMs),
    ]);
    const reasons = checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.reason ?? "failed"}`);
    if (shuttingDown) reasons.unshift("shutting down");
    return { status: reasons.length === 0 ? "ok" : "fail", reasons, checks, telemetry, shuttingDown };
  };

  const readiness = (): Promise<ReadinessReport> => {
    inFlight ??= evaluate().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const handler = ((request: IncomingMessage, response: ServerResponse, next?: () => void) => {
    const path = (request.url ?? "/").split("?")[0];
    const method = request.method ?? "GET";
    if ((path !== livePath && path !== readyPath) || (method !== "GET" && method !== "HEAD")) {
      if (next) return next();
      response.statusCode = 404;
      response.end();
      return;
    }
    if (path === livePath) return send(response, method, liveness());
    readiness().then(
      (report) => send(response, method, report),
      (error: unknown) => send(response, method, { status: "fail", reasons: [String(error)] }),
    );
  }) as HealthHandler;
  handler.liveness = liveness;
  handler.readiness = readiness;
  handler.markShuttingDown = () => {
    shuttingDown = true;
  };
  handler.close = () => probe.stop();
  return handler;
}

function send(response: ServerResponse, method: string, report: { status: "ok" | "fail"; reasons?: string[] }): void {
  const body = JSON.stringify(report);
  response.statusCode = report.status === "ok" ? 200 : 503;
  response.setHeader("content-type", "application/json");
  response.setHeader("cache-control", "no-store");
  response.end(method === "HEAD" ? undefined : body);
}
