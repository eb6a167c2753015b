import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  checkpointerCheck,
  circuitBreakersCheck,
  collectorReachableCheck,
  createHealthHandler,
  type HealthServer,
  observabilityCheck,
  serveHealth,
  startObservability,
} from "../../src/index.js";
import { CircuitBreaker } from "../../src/resilience/index.js";
import { freePort, probe, transpileHealth } from "./support.js";

const servers: HealthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: Parameters<typeof createHealthHandler>[0]): Promise<string> {
  const server = await serveHealth(createHealthHandler(options), 0, "127.0.0.1");
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

describe("readiness", () => {
  it("stays ready with a dead collector, and says the collector is down", async () => {
    const port = await freePort();
    const base = await serve({
      checks: [checkpointerCheck({ getTuple: async () => undefined })],
      telemetry: [collectorReachableCheck(`http://127.0.0.1:${port}`)],
    });
    const ready = await probe(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe("ok");
    const [collector] = ready.body.telemetry as { name: string; ok: boolean; reason: string }[];
    expect(collector).toMatchObject({ name: "otlp_collector", ok: false });
    expect(collector?.reason).toMatch(/ECONNREFUSED/);
    expect((await probe(`${base}/health`)).status).toBe(200);
  });

  it("reports the SDK's state (a real startObservability with a dead OTLP endpoint), still ready", async () => {
    const port = await freePort();
    const handle = startObservability({
      serviceName: "health-test",
      tracesExporter: "otlp",
      otlpTracesEndpoint: `http://127.0.0.1:${port}/v1/traces`,
      metricsExporter: "prometheus",
      prometheusPort: 0,
      env: {},
    });
    try {
      await handle.ready;
      const base = await serve({ telemetry: [observabilityCheck(handle), collectorReachableCheck(`http://127.0.0.1:${port}`)] });
      const ready = await probe(`${base}/ready`);
      expect(ready.status).toBe(200);
      const [sdk, collector] = ready.body.telemetry as { name: string; ok: boolean; reason: string }[];
      expect(sdk).toMatchObject({ name: "observability_sdk", ok: true });
      expect(sdk?.reason).toMatch(/^started, \/metrics on 127\.0\.0\.1:\d+$/);
      expect(collector).toMatchObject({ name: "otlp_collector", ok: false });
    } finally {
      await handle.shutdown();
    }
  });

  it("answers 503 with the failing check's reason in the body", async () => {
    const base = await serve({
      checks: [
        checkpointerCheck({
          getTuple: async () => {
            throw new Error("connect ECONNREFUSED 10.0.0.5:5432");
          },
        }),
        { name: "fine", check: async () => true },
      ],
    });
    const ready = await probe(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe("fail");
    expect(ready.body.reasons).toEqual(["checkpointer: Error: connect ECONNREFUSED 10.0.0.5:5432"]);
    // Liveness is a different question: a restart would not bring the database back.
    expect((await probe(`${base}/health`)).status).toBe(200);
  });

  it("fails a check that misses its deadline, and aborts its signal", async () => {
    let aborted = false;
    const base = await serve({
      checks: [
        {
          name: "slow_store",
          timeoutMs: 100,
          check: (signal) =>
            new Promise((resolve) => {
              signal.addEventListener("abort", () => {
                aborted = true;
                resolve(undefined);
              });
            }),
        },
      ],
    });
    const ready = await probe(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.reasons).toEqual(["slow_store: CheckTimeout: no answer within 100 ms"]);
    expect(aborted).toBe(true);
  });

  it("is unready while a breaker is open, ready again once it half-opens", async () => {
    let now = 0;
    const breaker = new CircuitBreaker({
      name: "llm",
      failureThreshold: 1,
      minimumCalls: 1,
      recoveryTimeoutMs: 1000,
      clock: () => now,
    });
    const base = await serve({ checks: [circuitBreakersCheck([breaker])] });
    expect((await probe(`${base}/ready`)).status).toBe(200);
    await breaker.execute(async () => Promise.reject(new Error("boom"))).catch(() => undefined);
    expect(breaker.state).toBe("open");
    const ready = await probe(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.reasons).toEqual(["circuit_breakers: Error: open: llm"]);
    now = 2000;
    expect((await probe(`${base}/ready`)).status).toBe(200);
  });

  it("drains: ready answers 503 once shutting down, liveness stays 200", async () => {
    const handler = createHealthHandler();
    const server = await serveHealth(handler, 0, "127.0.0.1");
    servers.push(server);
    handler.markShuttingDown();
    const ready = await probe(`http://127.0.0.1:${server.port}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.reasons).toEqual(["shutting down"]);
    expect((await probe(`http://127.0.0.1:${server.port}/health`)).status).toBe(200);
    expect((await probe(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
  });
});

describe("liveness", () => {
  const transpiled = transpileHealth();
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill("SIGKILL");
    transpiled.remove();
  });

  it("fails while and after the event loop is blocked, recovers once the window passes", async () => {
    child = spawn(process.execPath, [join(__dirname, "fixtures/blocking-app.mjs"), transpiled.entry, "3000"], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const port = await new Promise<number>((resolve, reject) => {
      child?.stdout?.once("data", (chunk) => resolve(Number(String(chunk).trim())));
      child?.once("exit", (code) => reject(new Error(`the app exited (${code})`)));
    });
    const url = `http://127.0.0.1:${port}/health`;
    const before = await probe(url);
    expect(before.status).toBe(200);

    const blocking = new Promise<void>((resolve) => child?.stdout?.once("data", () => resolve()));
    child.stdin?.write("block\n");
    await blocking;
    // Poll as a kubelet would (short timeout): during the block nothing answers (0),
    // right after it the handler itself reports the lag (503).
    const seen: Answer[] = [];
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      const answer = await probe(url, 500);
      seen.push(answer);
      if (answer.status === 503) break;
    }
    const failed = seen.find((a) => a.status === 503);
    expect(failed, JSON.stringify(seen)).toBeDefined();
    const lag = (failed?.body.eventLoop as { maxLagMs: number; thresholdMs: number }) ?? { maxLagMs: 0, thresholdMs: 0 };
    expect(lag.thresholdMs).toBe(1000);
    expect(lag.maxLagMs).toBeGreaterThan(2000);
    expect(seen.every((a) => a.status !== 200)).toBe(true);

    // The 5 s window forgets the block: live again without a restart.
    await new Promise((done) => setTimeout(done, 5500));
    expect((await probe(url)).status).toBe(200);
    child.stdin?.write("exit\n");
  }, 30_000);
});

type Answer = Awaited<ReturnType<typeof probe>>;
