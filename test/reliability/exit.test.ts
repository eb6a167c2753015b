/**
 * The process ends on time whatever the collector does, and a crash still reports its run.
 * Real children (zero code: `--import` of the built register entry; one call:
 * startObservability + shutdown()), a real OTLP/HTTP exporter, loopback collectors that
 * refuse, hang, answer 429 or reset. Figures from issue 14:
 * - exit after the app's last line within the shutdown deadline + 1 s (default 5 s);
 * - SIGTERM during runs: the process dies by that signal within the same bound;
 * - an uncaught exception or unhandled rejection: the crashing run's spans (status error,
 *   exception event) reach the collector, the error is on stderr, exit code 1.
 * The bound is an upper limit with 1 s of slack past a 5 s deadline, not a speed figure;
 * the measured times are printed.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startChild, useBuiltRegister, useOtlpReceiver } from "../setup/support.js";
import { type FaultKind, type FaultyCollector, startFaultyCollector } from "./helpers/faulty-collector.js";

const APP = join(__dirname, "fixtures/exit-app.mjs");
const DEADLINE_MS = 5000;
const SLACK_MS = 1000;
const FAULTS: FaultKind[] = ["refuse", "hang", "status429", "reset"];

const built = useBuiltRegister();
const receiver = useOtlpReceiver();
const collectors: FaultyCollector[] = [];
afterEach(async () => {
  await Promise.all(collectors.splice(0).map((c) => c.close()));
});

function otlpEnv(baseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: baseUrl,
    OTEL_METRICS_EXPORTER: "none",
    OTEL_LOGS_EXPORTER: "none",
    ...extra,
  };
}

function indexOf(register: string): string {
  return join(register, "..", "index.js");
}

/** Runs the app for 7 s (past the batch delay, so exports are in flight) against `baseUrl`; resolves the ms from its last line to its exit. */
async function exitAfterLastLine(baseUrl: string, oneCall: boolean): Promise<{ ms: number; code: number | null }> {
  const register = built().esm;
  const args = oneCall ? [APP] : ["--import", register, APP];
  const env = otlpEnv(baseUrl, { EXIT_APP_MODE: "run-for", RUN_FOR_MS: "7000" });
  if (oneCall) env.ONE_CALL = indexOf(register);
  const child = startChild(args, env, 60_000);
  const result = await child.exited;
  const exitedAt = Date.now();
  const last = /LAST (\d+)/.exec(result.stdout);
  if (last === null) throw new Error(`no LAST line (code ${result.code}):\n${result.stderr}`);
  return { ms: exitedAt - Number(last[1]), code: result.code };
}

describe("exit after the app's last line, collector down", () => {
  for (const oneCall of [false, true]) {
    const path = oneCall ? "one call" : "zero code";
    it(`${path}: within the deadline + 1 s under every fault`, async () => {
      const faulty = await Promise.all(FAULTS.map((kind) => startFaultyCollector(kind)));
      collectors.push(...faulty);
      const results = await Promise.all(faulty.map((c) => exitAfterLastLine(c.baseUrl, oneCall)));
      const report = FAULTS.map((kind, i) => `${kind} ${results[i]?.ms} ms`).join(", ");
      console.log(`${path}: exit after the last line: ${report} (deadline ${DEADLINE_MS} ms)`);
      for (const result of results) {
        expect(result.code).toBe(0);
        expect(result.ms).toBeLessThanOrEqual(DEADLINE_MS + SLACK_MS);
      }
    }, 90_000);
  }

  it("zero code, healthy collector: every span arrives and the exit is prompt", async () => {
    const otlp = await receiver.start();
    const { ms, code } = await exitAfterLastLine(otlp.url, false);
    console.log(`zero code, healthy collector: exit ${ms} ms after the last line`);
    expect(code).toBe(0);
    expect(ms).toBeLessThanOrEqual(DEADLINE_MS + SLACK_MS);
    const runs = otlp.spans.filter((s) => s.name === "invoke_workflow exit_app");
    const nodes = otlp.spans.filter((s) => s.name === "invoke_node work");
    expect(runs.length).toBeGreaterThan(0);
    expect(nodes).toHaveLength(runs.length);
  }, 60_000);
});

describe("SIGTERM during runs", () => {
  it("dies by the signal within the deadline + 1 s, collector hanging", async () => {
    const faulty = await startFaultyCollector("hang");
    collectors.push(faulty);
    const child = startChild(
      ["--import", built().esm, APP],
      otlpEnv(faulty.baseUrl, { EXIT_APP_MODE: "until-signal" }),
      60_000,
    );
    await child.waitForOutput("READY");
    // Let exports pile up against the hanging collector first.
    await new Promise((done) => setTimeout(done, 3000));
    const sentAt = Date.now();
    child.child.kill("SIGTERM");
    const result = await child.exited;
    const ms = Date.now() - sentAt;
    console.log(`SIGTERM to exit: ${ms} ms (deadline ${DEADLINE_MS} ms)`);
    expect(result.signal).toBe("SIGTERM");
    expect(ms).toBeLessThanOrEqual(DEADLINE_MS + SLACK_MS);
  }, 60_000);
});

describe("a crash exports the crashing run", () => {
  for (const mode of ["crash-throw", "crash-reject"] as const) {
    it(`${mode}: the run's spans with the exception reach the collector; stderr and exit code as Node's`, async () => {
      const otlp = await receiver.start();
      const child = startChild(["--import", built().esm, APP], otlpEnv(otlp.url, { EXIT_APP_MODE: mode }), 60_000);
      const result = await child.exited;
      expect(result.code).toBe(1);
      const message = mode === "crash-throw" ? "crashed in a timer" : "crashed by a rejection";
      expect(result.stderr).toContain(`Error: ${message}`);
      const run = otlp.spans.find((s) => s.name === "invoke_workflow exit_app");
      const crasher = otlp.spans.find((s) => s.name === "invoke_node crasher");
      expect(run, `spans received: ${otlp.spans.map((s) => s.name).join(", ")}`).toBeDefined();
      expect(crasher).toBeDefined();
      for (const span of [run, crasher]) {
        expect(span?.attributes["langgraph.outcome"]).toBe("error");
        expect(span?.statusCode).toBe(2);
        expect(span?.events).toContain("exception");
      }
      expect(crasher?.parentSpanId).toBe(run?.spanId);
    }, 60_000);
  }
});
