/**
 * Zero-code setup, end to end: the unmodified example agent (it never imports
 * langgraph-otel) runs as a child process with `--import .../register.js` (ESM) or
 * `-r .../register.js` (CJS); a real OTLP/HTTP receiver decodes what it exports.
 */
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  EVENT_LANGGRAPH_WORKFLOW_COMPLETED,
  EVENT_LANGGRAPH_WORKFLOW_STARTED,
  SPAN_INVOKE_NODE,
  SPAN_INVOKE_WORKFLOW,
} from "../../src/semconv.js";
import { freePort } from "../helpers/waiting.js";
import {
  AGENT_CJS,
  AGENT_MJS,
  type BuiltRegister,
  buildRegister,
  type OtlpReceiver,
  type ReceivedSpan,
  startChild,
  startOtlpReceiver,
} from "./support.js";

// Child processes load LangGraph and the SDK: seconds each on a busy machine.
vi.setConfig({ testTimeout: 90_000 });

const WORKFLOW = "unmodified_agent";
let built: BuiltRegister;
let receiver: OtlpReceiver;

beforeAll(async () => {
  built = await buildRegister();
}, 300_000);
afterAll(() => built?.remove());

afterEach(async () => {
  await receiver?.close();
});

async function baseEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  receiver = await startOtlpReceiver();
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
    ...extra,
  };
}

/** The workflow spans with their node children, as [workflow, sorted node names]. */
function runTrees(spans: ReceivedSpan[]): Array<{ run: ReceivedSpan; nodes: string[] }> {
  return spans
    .filter((s) => s.name === `${SPAN_INVOKE_WORKFLOW} ${WORKFLOW}`)
    .map((run) => ({
      run,
      nodes: spans
        .filter((s) => s.parentSpanId === run.spanId && s.traceId === run.traceId)
        .map((s) => s.name)
        .sort(),
    }));
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      done(false);
    });
    socket.once("error", () => done(true));
  });
}

describe.each([
  { format: "ESM", flag: "--import", agent: AGENT_MJS, register: () => built.esm },
  { format: "CJS", flag: "-r", agent: AGENT_CJS, register: () => built.cjs },
])("$format app with $flag register", ({ format, flag, agent, register }) => {
  it("exports the run/node span tree and correlated lifecycle log records", async () => {
    const env = await baseEnv({
      OTEL_SERVICE_NAME: `unmodified-${format}`,
      LANGGRAPH_OTEL_LIFECYCLE_LOGS: "true",
      AGENT_RUNS: "2",
    });
    const result = await startChild([flag, register(), agent], env).exited;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"run":2');

    const trees = runTrees(receiver.spans);
    expect(trees).toHaveLength(2);
    for (const { run, nodes } of trees) {
      expect(run.parentSpanId).toBe("");
      expect(run.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe(WORKFLOW);
      expect(run.serviceName).toBe(`unmodified-${format}`);
      expect(nodes).toEqual([`${SPAN_INVOKE_NODE} planner`, `${SPAN_INVOKE_NODE} responder`]);
    }
    const planner = receiver.spans.find((s) => s.name === `${SPAN_INVOKE_NODE} planner`);
    expect(planner?.attributes[ATTR_LANGGRAPH_NODE_NAME]).toBe("planner");

    // Lifecycle records: one started and one completed per run, each in the run's span.
    for (const { run } of trees) {
      const records = receiver.logs.filter((l) => l.traceId === run.traceId);
      expect(records.map((r) => r.eventName).sort()).toEqual([
        EVENT_LANGGRAPH_WORKFLOW_COMPLETED,
        EVENT_LANGGRAPH_WORKFLOW_STARTED,
      ]);
      for (const record of records) {
        expect(record.spanId).toBe(run.spanId);
        expect(record.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe(WORKFLOW);
      }
    }
  });

  it("keeps the app's exit code and does not hang when the collector refuses connections", async () => {
    const closedPort = await freePort();
    const env = await baseEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}`,
      LANGGRAPH_OTEL_LIFECYCLE_LOGS: "true",
      LANGGRAPH_OTEL_SHUTDOWN_TIMEOUT: "2000",
      AGENT_EXIT_CODE: "3",
    });
    // Killed (SIGKILL) only if it hangs past the normal run plus the shutdown deadline.
    const result = await startChild([flag, register(), agent], env, 60_000).exited;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('"run":1');
    // Logged once per kind, never thrown.
    const traceFailures = result.stderr.split("\n").filter((l) => l.includes("trace export failed"));
    expect(traceFailures.length).toBeLessThanOrEqual(1);
    expect(result.stderr).not.toMatch(/Unhandled|uncaught/i);
  });
});

describe("signals", () => {
  it.each([
    ["ESM", "--import", AGENT_MJS, () => built.esm],
    ["CJS", "-r", AGENT_CJS, () => built.cjs],
  ] as const)("%s: SIGTERM during a run flushes finished spans and still ends the process by the signal", async (_format, flag, agent, register) => {
    const env = await baseEnv({ AGENT_RUNS: "1000", AGENT_NODE_MS: "200" });
    const child = startChild([flag, register(), agent], env);
    await child.waitForOutput('"run":1');
    // Run 2 is in flight now; run 1 sits in the batch queue (5 s schedule), unexported.
    child.child.kill("SIGTERM");
    const result = await child.exited;
    expect(result.signal).toBe("SIGTERM");
    const trees = runTrees(receiver.spans);
    expect(trees.length).toBeGreaterThanOrEqual(1);
    expect(trees[0]?.nodes).toEqual([
      `${SPAN_INVOKE_NODE} planner`,
      `${SPAN_INVOKE_NODE} responder`,
    ]);
  });

  it("leaves a signal to the app when the app listens for it", async () => {
    const env = await baseEnv({});
    const script = [
      "process.on('SIGTERM', () => { console.log('app handled'); process.exitCode = 7; clearInterval(t); });",
      "const t = setInterval(() => {}, 1000);",
      "console.log('ready');",
    ].join("\n");
    const child = startChild(["-r", built.cjs, "-e", script], env);
    await child.waitForOutput("ready");
    child.child.kill("SIGTERM");
    const result = await child.exited;
    expect(result.stdout).toContain("app handled");
    expect(result.signal).toBeNull();
    expect(result.code).toBe(7);
  });
});

describe("configuration at start", () => {
  it("OTEL_SDK_DISABLED=true: nothing exported, nothing served", async () => {
    const env = await baseEnv({ OTEL_SDK_DISABLED: "true", AGENT_RUNS: "50", AGENT_DELAY_MS: "50" });
    const child = startChild(["--import", built.esm, AGENT_MJS], env);
    await child.waitForOutput('"run":1');
    expect(await portRefuses(Number(env.OTEL_EXPORTER_PROMETHEUS_PORT))).toBe(true);
    child.child.kill("SIGTERM");
    await child.exited;
    expect(receiver.requests).toHaveLength(0);
  });

  // Every documented variable is covered in env-invalid.test.ts (ESM); these two, CJS too.
  it.each([
    ["ESM", "--import", AGENT_MJS, () => built.esm],
    ["CJS", "-r", AGENT_CJS, () => built.cjs],
  ] as const)("%s: an unknown exporter name is a warning naming the variable; the default (otlp) is used", async (_format, flag, agent, register) => {
    const env = await baseEnv({ OTEL_TRACES_EXPORTER: "jaeger" });
    const result = await startChild([flag, register(), agent], env).exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"run":1');
    expect(result.stderr.trim().split("\n")).toEqual([
      "[otel warn] langgraph-otel: ignoring OTEL_TRACES_EXPORTER: 1 unknown name(s); expected a comma-separated list of otlp, console, none (value not shown); using otlp",
    ]);
    expect(runTrees(receiver.spans)).toHaveLength(1);
  });

  it("CJS: an unparsable endpoint is a warning naming OTEL_EXPORTER_OTLP_ENDPOINT; the app runs", async () => {
    const env = await baseEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: "localhost 4318",
      OTEL_TRACES_EXPORTER: "none",
      OTEL_LOGS_EXPORTER: "none",
    });
    const result = await startChild(["-r", built.cjs, AGENT_CJS], env).exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"run":1');
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("ignoring OTEL_EXPORTER_OTLP_ENDPOINT");
  });

  it("a metrics port in use is reported naming OTEL_EXPORTER_PROMETHEUS_PORT; the app still runs", async () => {
    const env = await baseEnv({});
    const { createServer } = await import("node:net");
    const blocker = createServer();
    const port = Number(env.OTEL_EXPORTER_PROMETHEUS_PORT);
    await new Promise<void>((done) => blocker.listen(port, "127.0.0.1", done));
    try {
      const result = await startChild(["--import", built.esm, AGENT_MJS], env).exited;
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('"run":1');
      expect(result.stderr).toContain("OTEL_EXPORTER_PROMETHEUS_PORT");
      expect(result.stderr).toContain("already in use");
      expect(runTrees(receiver.spans)).toHaveLength(1);
    } finally {
      await new Promise((done) => blocker.close(done));
    }
  });
});
