/**
 * App child processes that export OTLP to an in-test receiver (test/setup/support.ts):
 * their environment, starting one under the built register entry, reading its result,
 * and the receiver and Redis a describe block's apps share.
 */
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import {
  type BuiltRegister,
  type ChildResult,
  type OtlpReceiver,
  type RunningChild,
  startChild,
  startOtlpReceiver,
} from "../setup/support.js";
import { type RedisServer, startRedis } from "./redis.js";
import { freePort } from "./waiting.js";

/** Environment of an app exporting to `receiver`; /metrics on a free port, so apps side by side never collide. */
export async function otlpAppEnv(
  receiver: OtlpReceiver,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
    ...extra,
  };
}

export interface AppOptions {
  script: string;
  receiver: OtlpReceiver;
  service: string;
  env?: Record<string, string>;
}

/** A running app and the environment it was given (its /metrics port, for one). */
export interface RunningApp extends RunningChild {
  env: Record<string, string>;
}

/**
 * Starts `node --import <register> <script>` as `service`, exporting to `receiver` with a
 * short batch delay (the test waits for the spans) and `LANGGRAPH_OTEL_ENTRY` the built
 * package; killed after 90 s.
 */
export async function startApp(built: BuiltRegister, options: AppOptions): Promise<RunningApp> {
  const env = await otlpAppEnv(options.receiver, {
    OTEL_SERVICE_NAME: options.service,
    OTEL_BSP_SCHEDULE_DELAY: "200",
    LANGGRAPH_OTEL_ENTRY: join(dirname(built.esm), "index.js"),
    ...options.env,
  });
  return { ...startChild(["--import", built.esm, options.script], env, 90_000), env };
}

/** The child's result once it exited with 0; fails the test with its output otherwise. */
export async function exitedOk(child: RunningChild): Promise<ChildResult> {
  const result = await child.exited;
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

/** The last line of an app's stdout, where it prints its JSON result. */
export function lastJsonLine<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as T;
}

export interface AppBackends {
  receiver: OtlpReceiver;
  redis: RedisServer;
}

/** For a describe block: a receiver and a real Redis, started before its tests and stopped after them. */
export function useReceiverAndRedis(): () => AppBackends {
  const started: Partial<AppBackends> = {};
  beforeAll(async () => {
    started.receiver = await startOtlpReceiver();
    started.redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await started.receiver?.close();
    await started.redis?.stop();
  });
  return () => {
    const { receiver, redis } = started;
    if (receiver === undefined || redis === undefined) throw new Error("the receiver and Redis are not started yet");
    return { receiver, redis };
  };
}
