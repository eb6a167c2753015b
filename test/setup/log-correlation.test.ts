import { tmpdir } from "node:os";
/**
 * pino and winston through our setup: an app that logs with them inside LangGraph nodes
 * (and knows nothing of OpenTelemetry) runs under the register entry as a child process,
 * CJS (`require`) and ESM (`import`). Each stdout line carries the trace and span id of
 * the node that logged; each record also reaches the OTLP logs endpoint with those ids.
 */
import { join } from "node:path";
import { PinoInstrumentation } from "@opentelemetry/instrumentation-pino";
import { describe, expect, it, vi } from "vitest";
import { SPAN_INVOKE_NODE } from "../../src/semconv.js";
import { createInstrumentations } from "../../src/setup/instrumentations.js";
import { eventually, freePort } from "../helpers/waiting.js";
import {
  REPO,
  type ReceivedSpan,
  startChild,
  useBuiltRegister,
  useOtlpReceiver,
} from "./support.js";

vi.setConfig({ testTimeout: 90_000 });

const NODES = [
  { node: "planner", message: "planning" },
  { node: "responder", message: "responding" },
] as const;
const LOGGERS = ["pino", "winston"] as const;

const built = useBuiltRegister();
const receivers = useOtlpReceiver();

interface LogLine {
  logger?: string;
  node?: string;
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

function logLines(stdout: string): LogLine[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => line.logger !== undefined);
}

describe.each([
  { format: "CJS", flag: "-r", app: "log-graph.cjs", register: () => built().cjs, cwd: REPO },
  { format: "ESM", flag: "--import", app: "log-graph.mjs", register: () => built().esm, cwd: REPO },
  // Started from elsewhere: the loader hook still resolves from our package.
  { format: "ESM (other cwd)", flag: "--import", app: "log-graph.mjs", register: () => built().esm, cwd: tmpdir() },
])("$format app with $flag register", ({ flag, app, register, cwd }) => {
  it("pino and winston lines carry the ids of the node that logged, and reach OTLP logs", async () => {
    const receiver = await receivers.start();
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
    };
    const result = await startChild([flag, register(), join(REPO, "test/setup/apps", app)], env, 60_000, cwd).exited;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);

    const spans = await eventually(
      "node spans exported",
      () => {
        const all = receivers.current()?.spans ?? [];
        return all.filter((s) => s.name.startsWith(`${SPAN_INVOKE_NODE} `)).length >= NODES.length
          ? all
          : undefined;
      },
      10_000,
    );
    const nodeSpan = (node: string): ReceivedSpan => {
      const span = spans.find((s) => s.name === `${SPAN_INVOKE_NODE} ${node}`);
      if (span === undefined) throw new Error(`no span for node ${node}`);
      return span;
    };

    // stdout: one line per logger and node, with that node's ids.
    const lines = logLines(result.stdout);
    expect(lines).toHaveLength(LOGGERS.length * NODES.length);
    for (const { node } of NODES) {
      const span = nodeSpan(node);
      for (const logger of LOGGERS) {
        const line = lines.find((l) => l.node === node && l.logger === logger);
        expect(line, `${logger} line of ${node}`).toMatchObject({
          trace_id: span.traceId,
          span_id: span.spanId,
          trace_flags: "01",
        });
      }
    }

    // OTLP: the same records, in the same spans.
    const records = await eventually(
      "log records exported",
      () => {
        const all = receivers.current()?.logs ?? [];
        return all.length >= LOGGERS.length * NODES.length ? all : undefined;
      },
      10_000,
    );
    for (const { node, message } of NODES) {
      const span = nodeSpan(node);
      const mine = records.filter((r) => r.body === message);
      expect(mine.map((r) => r.attributes.logger).sort()).toEqual([...LOGGERS]);
      for (const record of mine) {
        expect(record.traceId).toBe(span.traceId);
        expect(record.spanId).toBe(span.spanId);
        expect(record.attributes.node).toBe(node);
      }
    }
  });
});

describe("which library instrumentations our setup adds", () => {
  const names = (options: Parameters<typeof createInstrumentations>[0], withoutLibraries = false) =>
    createInstrumentations(options, { withoutLibraryInstrumentations: withoutLibraries }).all.map(
      (i) => i.instrumentationName,
    );

  it("http, undici, pino and winston by default", () => {
    expect(names({ env: {} })).toEqual([
      "langgraph-otel",
      "langgraph-otel/genai",
      "@opentelemetry/instrumentation-http",
      "@opentelemetry/instrumentation-undici",
      "@opentelemetry/instrumentation-pino",
      "@opentelemetry/instrumentation-winston",
    ]);
  });

  it("honours OTEL_NODE_DISABLED_INSTRUMENTATIONS and OTEL_NODE_ENABLED_INSTRUMENTATIONS", () => {
    expect(names({ env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: " pino ,fs" } })).not.toContain(
      "@opentelemetry/instrumentation-pino",
    );
    expect(names({ env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: "http,undici" } })).not.toContain(
      "@opentelemetry/instrumentation-http",
    );
    expect(names({ env: { OTEL_NODE_ENABLED_INSTRUMENTATIONS: "http,winston" } })).toEqual([
      "langgraph-otel",
      "langgraph-otel/genai",
      "@opentelemetry/instrumentation-http",
      "@opentelemetry/instrumentation-winston",
    ]);
  });

  it("leaves out the ones the app brings, and all of them next to the auto-instrumentations", () => {
    const own = new PinoInstrumentation({ enabled: false });
    const list = names({ env: {}, genai: false, instrumentations: [own] });
    expect(list.filter((n) => n === "@opentelemetry/instrumentation-pino")).toHaveLength(1);
    expect(list).toContain("@opentelemetry/instrumentation-winston");
    expect(names({ env: {} }, true)).toEqual(["langgraph-otel", "langgraph-otel/genai"]);
    // Joining an SDK the app started: its HTTP telemetry is its own.
    expect(
      createInstrumentations({ env: {} }, { withoutNetworkInstrumentations: true }).all.map((i) => i.instrumentationName),
    ).toEqual([
      "langgraph-otel",
      "langgraph-otel/genai",
      "@opentelemetry/instrumentation-pino",
      "@opentelemetry/instrumentation-winston",
    ]);
  });
});
