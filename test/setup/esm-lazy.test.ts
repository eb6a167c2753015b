/**
 * A pure ES module app loads no CommonJS copy of LangGraph because of us, and its first
 * run is traced fully (register entry) or not at all (startObservability without
 * `await ready`): never a node span without its run span.
 */
import { dirname, join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { SPAN_INVOKE_NODE, SPAN_INVOKE_WORKFLOW } from "../../src/semconv.js";
import { freePort } from "../helpers/waiting.js";
import { expectOneWholeRun, REPO, startChild, useBuiltRegister, useOtlpReceiver } from "./support.js";

vi.setConfig({ testTimeout: 90_000 });

const APP = join(REPO, "test/setup/apps/esm-probe.mjs");
const RUN = `${SPAN_INVOKE_WORKFLOW} esm_probe`;
const built = useBuiltRegister();
const receivers = useOtlpReceiver();

async function runProbe(nodeArgs: string[], extra: Record<string, string> = {}) {
  const receiver = await receivers.start();
  const result = await startChild([...nodeArgs, APP], {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
    ...extra,
  }).exited;
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as {
    log: string[];
    cjsLangChainModules: number;
  };
  expect(report.log).toEqual(["first", "second"]);
  return { report, spans: receiver.spans };
}

describe("pure ES module app", () => {
  it("under --import register: loads no CommonJS @langchain module, first run fully traced", async () => {
    const { report, spans } = await runProbe(["--import", built().esm]);
    expect(report.cjsLangChainModules).toBe(0);
    expectOneWholeRun(spans, "esm_probe", ["first", "second"]);
  });

  it("with startObservability() and no await: the first run is whole or absent, never orphaned nodes", async () => {
    const { report, spans } = await runProbe([], { PROBE_SETUP: join(dirname(built().esm), "index.js") });
    expect(report.cjsLangChainModules).toBe(0);
    const runs = spans.filter((s) => s.name === RUN);
    const nodes = spans.filter((s) => s.name.startsWith(SPAN_INVOKE_NODE));
    expect(runs.length).toBeLessThanOrEqual(1);
    expect(nodes).toHaveLength(runs.length * 2);
    for (const node of nodes) expect(node.parentSpanId).toBe(runs[0]?.spanId);
  });
});
