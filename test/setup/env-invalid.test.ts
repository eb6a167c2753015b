/**
 * A bad value in any documented variable never stops the app. The unmodified example
 * agent runs as users run it (`node --import <dist>/esm/register.js agent.mjs`) with one
 * bad variable at a time: it exits 0 and prints its result; stderr holds exactly one line
 * naming the variable, and no stack trace; the value (for headers and endpoints: a secret)
 * appears nowhere in the output. Where the default is observable at the receiver, the
 * test checks it was used.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { SPAN_INVOKE_NODE } from "../../src/semconv.js";
import { freePort } from "../helpers/waiting.js";
import { AGENT_MJS, startChild, useBuiltRegister } from "./support.js";
import { type OtlpReceiver, startOtlpReceiver } from "./otlp-receiver.js";

vi.setConfig({ testTimeout: 90_000 });

const SECRET = "S3cr3tT0ken";

interface Case {
  variable: string;
  value: string;
  /** More variables the case needs (e.g. the sampler that reads the ratio). */
  with?: Record<string, string>;
  /** What the receiver must show: the default (or the good rest) was used. */
  check?: (receiver: OtlpReceiver) => void;
}

const spansArrived = (r: OtlpReceiver) =>
  expect(r.spans.map((s) => s.name)).toContain(`${SPAN_INVOKE_NODE} planner`);

const perSignal = (make: (signal: string) => Case): Case[] =>
  ["TRACES", "METRICS", "LOGS"].map(make);

const CASES: Case[] = [
  { variable: "OTEL_SDK_DISABLED", value: "yes please", check: spansArrived },
  { variable: "OTEL_LOG_LEVEL", value: "loud" },
  { variable: "LANGGRAPH_OTEL_SHUTDOWN_TIMEOUT", value: "5 seconds" },
  { variable: "LANGGRAPH_OTEL_LIFECYCLE_LOGS", value: "enabled" },
  {
    variable: "OTEL_RESOURCE_ATTRIBUTES",
    value: "team",
    with: { OTEL_SERVICE_NAME: "kept-service" },
    check: (r) => {
      spansArrived(r);
      expect(r.spans[0]?.serviceName).toBe("kept-service");
    },
  },
  { variable: "OTEL_TRACES_EXPORTER", value: "zipkin", check: spansArrived },
  { variable: "OTEL_METRICS_EXPORTER", value: "statsd" },
  { variable: "OTEL_LOGS_EXPORTER", value: "syslog" },
  {
    variable: "OTEL_EXPORTER_OTLP_PROTOCOL",
    value: "http/xml",
    check: (r) => {
      spansArrived(r);
      expect(r.requests.every((q) => q.contentType === "application/x-protobuf")).toBe(true);
    },
  },
  ...perSignal((signal) => ({ variable: `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`, value: "thrift" })),
  {
    // Falls back to the default (localhost:4318): exports may fail, the app does not.
    variable: "OTEL_EXPORTER_OTLP_ENDPOINT",
    value: `https://agent:${SECRET}@[collector`,
  },
  ...perSignal((signal) => ({
    variable: `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`,
    value: `ftp://agent:${SECRET}@collector`,
    // Falls back to OTEL_EXPORTER_OTLP_ENDPOINT: the receiver.
    check: signal === "TRACES" ? spansArrived : undefined,
  })),
  {
    variable: "OTEL_EXPORTER_OTLP_HEADERS",
    value: `authorization Bearer%20${SECRET}`,
    check: spansArrived,
  },
  ...perSignal((signal) => ({
    // One malformed entry next to a good one: the good one is still sent.
    variable: `OTEL_EXPORTER_OTLP_${signal}_HEADERS`,
    value: `x-team=agents,x-api-key ${SECRET}`,
    with: { LANGGRAPH_OTEL_LIFECYCLE_LOGS: "true", OTEL_METRICS_EXPORTER: "otlp" },
    check: (r: OtlpReceiver) => {
      const requests = r.requests.filter((q) => q.signal === signal.toLowerCase());
      expect(requests.length).toBeGreaterThan(0);
      for (const request of requests) expect(request.headers["x-team"]).toBe("agents");
    },
  })),
  { variable: "OTEL_EXPORTER_OTLP_TIMEOUT", value: "10s", check: spansArrived },
  ...perSignal((signal) => ({ variable: `OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`, value: "-5" })),
  {
    variable: "OTEL_EXPORTER_OTLP_COMPRESSION",
    value: "brotli",
    check: (r) => {
      spansArrived(r);
      expect(r.requests.every((q) => q.contentEncoding === "")).toBe(true);
    },
  },
  ...perSignal((signal) => ({ variable: `OTEL_EXPORTER_OTLP_${signal}_COMPRESSION`, value: "lz4" })),
  ...["OTEL_BSP", "OTEL_BLRP"].flatMap((prefix): Case[] => [
    { variable: `${prefix}_MAX_QUEUE_SIZE`, value: "lots" },
    { variable: `${prefix}_MAX_EXPORT_BATCH_SIZE`, value: "5000" },
    { variable: `${prefix}_SCHEDULE_DELAY`, value: "-1" },
    { variable: `${prefix}_EXPORT_TIMEOUT`, value: "1.5" },
  ]),
  { variable: "OTEL_TRACES_SAMPLER", value: "jaeger_remote", check: spansArrived },
  {
    variable: "OTEL_TRACES_SAMPLER_ARG",
    value: "0,5",
    with: { OTEL_TRACES_SAMPLER: "traceidratio" },
    // The default ratio is 1: every run is sampled.
    check: spansArrived,
  },
  { variable: "OTEL_PROPAGATORS", value: "w3c" },
  { variable: "OTEL_EXPORTER_PROMETHEUS_HOST", value: "http://0.0.0.0/" },
  { variable: "OTEL_EXPORTER_PROMETHEUS_PORT", value: "70000" },
  { variable: "OTEL_METRIC_EXPORT_INTERVAL", value: "1m", with: { OTEL_METRICS_EXPORTER: "otlp" } },
  ...[
    "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_SPAN_EVENT_COUNT_LIMIT",
    "OTEL_SPAN_LINK_COUNT_LIMIT",
    "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT",
  ].map((variable) => ({ variable, value: "unlimited" })),
  { variable: "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", value: "always" },
  // Under the GenAI opt-in the switch takes the conventions' modes only: true is no mode.
  {
    variable: "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
    value: "true",
    with: { OTEL_SEMCONV_STABILITY_OPT_IN: "gen_ai_latest_experimental" },
  },
];

const built = useBuiltRegister();
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** Lines that name `variable` as a whole word (OTEL_ATTRIBUTE_COUNT_LIMIT ≠ OTEL_SPAN_…). */
function linesNaming(text: string, variable: string): string[] {
  const word = new RegExp(`(^|[^A-Z_])${variable}([^A-Z_]|$)`);
  return text.split("\n").filter((line) => word.test(line));
}

async function runAgent(env: Record<string, string>) {
  const r = await startOtlpReceiver();
  receiver = r;
  const result = await startChild(
    ["--import", built().esm, AGENT_MJS],
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: r.url,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      LANGGRAPH_OTEL_SHUTDOWN_TIMEOUT: "3000",
      AGENT_NODE_MS: "1",
      ...env,
    },
    60_000,
  ).exited;
  return { result, receiver: r };
}

describe("a bad value in a documented variable: the app runs, one line names it, the value is not shown", () => {
  it.each(CASES.map((c) => [c.variable, c] as const))("%s", async (variable, c) => {
    const { result, receiver: r } = await runAgent({ ...c.with, [variable]: c.value });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"run":1,"answer":"answered');
    const named = linesNaming(result.stderr, variable);
    expect(named, result.stderr).toHaveLength(1);
    expect(named[0]).toMatch(/^\[otel warn\] langgraph-otel: ignoring /);
    // No stack trace, nothing but diagnostic lines.
    for (const line of result.stderr.split("\n").filter((l) => l !== "")) {
      expect(line, result.stderr).toMatch(/^\[otel (warn|error)\] /);
    }
    expect(result.stderr + result.stdout).not.toContain(SECRET);
    expect(named[0]).not.toContain(c.value);
    c.check?.(r);
  });

  it("OTEL_SERVICE_NAME has no bad value: any text is the service name, verbatim, without a warning", async () => {
    const name = "billing agent, eu=1 ✓";
    const { result, receiver: r } = await runAgent({ OTEL_SERVICE_NAME: name });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    spansArrived(r);
    expect(r.spans[0]?.serviceName).toBe(name);
  });

  it("several bad values at once: one line each, in a stable order, and the app still runs", async () => {
    const { result } = await runAgent({
      OTEL_TRACES_SAMPLER_ARG: "0,5",
      OTEL_RESOURCE_ATTRIBUTES: "team",
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${SECRET}\u0007`,
    });
    expect(result.code).toBe(0);
    const lines = result.stderr.split("\n").filter((l) => l.includes("langgraph-otel: ignoring"));
    expect(lines.map((l) => /ignoring (\w+)/.exec(l)?.[1])).toEqual([
      "OTEL_RESOURCE_ATTRIBUTES",
      "OTEL_EXPORTER_OTLP_HEADERS",
      "OTEL_TRACES_SAMPLER_ARG",
    ]);
    expect(result.stderr + result.stdout).not.toContain(SECRET);
  });
});
