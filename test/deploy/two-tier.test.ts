/**
 * The Kubernetes Collector topology with real processes on loopback: one agent
 * (base/collector/agent-config.yaml, the loadbalancing exporter keyed by trace id, with a
 * static resolver in place of the headless Service's DNS) in front of two gateways
 * (collector/otel-collector.yaml: tail sampling), and two app processes whose spans
 * share traces. Every trace reaches one gateway whole, so it is kept or dropped whole.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { freePort } from "../health/support.js";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "../setup/otlp-receiver.js";
import { K8S, REPO } from "./generate.js";

const TRACES = 60;
const DECISION_WAIT_S = 3;

type Config = Record<string, Record<string, unknown>>;
const at = (config: Config, ...path: string[]) =>
  path.reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, config);

async function waitHealthy(url: string, process: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (process.exitCode !== null) throw new Error(`collector exited: ${log()}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`not healthy at ${url}: ${log()}`);
}

function runApp(args: string[]): string {
  return execFileSync(process.execPath, [join(__dirname, "fixtures/two-tier-app.mjs"), ...args], {
    cwd: REPO,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("agent -> loadbalancing by trace id -> two tail-sampling gateways", () => {
  const dir = mkdtempSync(join(tmpdir(), "langgraph-otel-two-tier-"));
  const processes: ChildProcess[] = [];
  let receiver: OtlpReceiver;
  let agentHttp = "";

  beforeAll(async () => {
    const otelcol = execFileSync("bash", [join(REPO, "scripts/k8s-tools.sh"), "collector"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }).trim();
    receiver = await startOtlpReceiver();
    const gateways: string[] = [];
    const start = async (name: string, config: Config, env: Record<string, string>, health: number) => {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, stringify(config));
      let output = "";
      const child = spawn(otelcol, [`--config=${file}`], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout?.on("data", (c) => (output += String(c)));
      child.stderr?.on("data", (c) => (output += String(c)));
      processes.push(child);
      await waitHealthy(`http://127.0.0.1:${health}/`, child, () => output.slice(-3000));
    };

    for (const name of ["gw-1", "gw-2"]) {
      const config = parse(readFileSync(join(REPO, "collector/otel-collector.yaml"), "utf8")) as Config;
      const [grpc, http, health, spanmetrics, telemetry] = (await Promise.all([1, 2, 3, 4, 5].map(freePort))) as [number, number, number, number, number];
      at(config, "extensions", "health_check").endpoint = `127.0.0.1:${health}`;
      at(config, "receivers", "otlp", "protocols", "grpc").endpoint = `127.0.0.1:${grpc}`;
      at(config, "receivers", "otlp", "protocols", "http").endpoint = `127.0.0.1:${http}`;
      at(config, "exporters", "otlp_grpc/jaeger").endpoint = receiver.grpcUrl.replace("http://", "");
      at(config, "exporters", "prometheus").endpoint = `127.0.0.1:${spanmetrics}`;
      const readers = at(config, "service", "telemetry", "metrics").readers as { pull: { exporter: { prometheus: Record<string, unknown> } } }[];
      Object.assign(readers[0]?.pull.exporter.prometheus ?? {}, { host: "127.0.0.1", port: telemetry });
      // Marks which gateway a span went through.
      config.processors = { ...config.processors, "attributes/gateway": { actions: [{ key: "test.gateway", value: name, action: "insert" }] } };
      (at(config, "service", "pipelines", "traces").processors as string[]).push("attributes/gateway");
      await start(name, config, { TAIL_SAMPLING_DECISION_WAIT: `${DECISION_WAIT_S}s`, TAIL_SAMPLING_PERCENT: "30", TAIL_SAMPLING_SLOW_MS: "60000" }, health);
      gateways.push(`127.0.0.1:${grpc}`);
    }

    const agent = parse(readFileSync(join(K8S, "base/collector/agent-config.yaml"), "utf8")) as Config;
    const [grpc, http, health, telemetry] = (await Promise.all([1, 2, 3, 4].map(freePort))) as [number, number, number, number];
    at(agent, "extensions", "health_check").endpoint = `127.0.0.1:${health}`;
    at(agent, "receivers", "otlp", "protocols", "grpc").endpoint = `127.0.0.1:${grpc}`;
    at(agent, "receivers", "otlp", "protocols", "http").endpoint = `127.0.0.1:${http}`;
    // In the cluster: DNS of the headless Service. Here: the two gateways by address.
    at(agent, "exporters", "loadbalancing").resolver = { static: { hostnames: gateways } };
    const readers = at(agent, "service", "telemetry", "metrics").readers as { pull: { exporter: { prometheus: Record<string, unknown> } } }[];
    Object.assign(readers[0]?.pull.exporter.prometheus ?? {}, { host: "127.0.0.1", port: telemetry });
    await start("agent", agent, { K8S_NODE_NAME: "node-1" }, health);
    agentHttp = `http://127.0.0.1:${http}`;
  }, 900_000);

  afterAll(async () => {
    for (const child of processes) child.kill("SIGTERM");
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps or drops every trace whole, on one gateway, and keeps every failed trace", async () => {
    const parents = JSON.parse(runApp(["front", agentHttp, String(TRACES)])) as { traceId: string; index: number }[];
    runApp(["back", agentHttp, JSON.stringify(parents)]);
    const failed = new Set(parents.filter((p) => p.index % 5 === 0).map((p) => p.traceId));

    // Decisions come decision_wait after a trace's first span; wait until nothing new arrives.
    let seen = -1;
    for (let quiet = 0; quiet < 4; ) {
      await new Promise((done) => setTimeout(done, 1000));
      quiet = receiver.spans.length === seen && seen > 0 ? quiet + 1 : 0;
      seen = receiver.spans.length;
    }

    const byTrace = new Map<string, ReceivedSpan[]>();
    for (const span of receiver.spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
    const summary = [...byTrace.values()].map((spans) => ({
      spans: spans.length,
      gateways: [...new Set(spans.map((s) => String(s.attributes["test.gateway"])))],
      apps: [...new Set(spans.map((s) => String(s.serviceName)))].sort(),
    }));
    // Whole: all three spans (two from the front app, one from the back app), one gateway.
    expect(summary.filter((t) => t.spans !== 3 || t.gateways.length !== 1)).toEqual([]);
    expect(summary.every((t) => t.apps.join() === "two-tier-back,two-tier-front")).toBe(true);
    // Every failed trace kept; a sample (not all) of the rest.
    expect([...failed].filter((id) => !byTrace.has(id))).toEqual([]);
    const keptOk = [...byTrace.keys()].filter((id) => !failed.has(id)).length;
    expect(keptOk).toBeGreaterThan(0);
    expect(keptOk).toBeLessThan(TRACES - failed.size);
    // Both gateways took part: the ring spreads traces over the replicas.
    expect(new Set(summary.flatMap((t) => t.gateways))).toEqual(new Set(["gw-1", "gw-2"]));
  }, 120_000);
});
