/**
 * A real Prometheus (the pinned version, test/stack/binaries.ts) scrapes the /metrics endpoint that the register
 * entry serves for the unmodified example agent, and answers a query for the run
 * histogram's count and for the span queue's own SDK metrics (traces go to a closed port).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import {
  METRIC_GEN_AI_WORKFLOW_DURATION,
  METRIC_OTEL_SDK_SPAN_QUEUE_CAPACITY,
  prometheusName,
} from "../../src/semconv.js";
import { promQuery } from "../alerting/support.js";
import { eventually, freePort } from "../helpers/waiting.js";
import { requireStackBinary } from "../stack/binaries.js";
import {
  AGENT_MJS,
  type BuiltRegister,
  buildRegister,
  startChild,
} from "./support.js";

vi.setConfig({ testTimeout: 120_000 });

let PROMETHEUS = "";
let built: BuiltRegister;
let dir: string;
let prometheus: ChildProcess | undefined;

beforeAll(async () => {
  // A missing binary fails the suite (scripts/stack-binaries.sh builds it); never skipped.
  PROMETHEUS = requireStackBinary("prometheus");
  built = await buildRegister();
  dir = mkdtempSync(join(tmpdir(), "langgraph-otel-prom-"));
}, 300_000);

afterAll(() => {
  prometheus?.kill("SIGKILL");
  built?.remove();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

it("Prometheus scraping the app's /metrics answers gen_ai_workflow_duration_count", async () => {
  const metricsPort = await freePort();
  const promPort = await freePort();
  const app = startChild(
    ["--import", built.esm, AGENT_MJS],
    {
      // Nothing listens there: spans queue up and fail to export, the app runs on.
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
      OTEL_LOGS_EXPORTER: "none",
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      AGENT_RUNS: "100000",
      AGENT_DELAY_MS: "100",
    },
    110_000,
  );
  try {
    await app.waitForOutput('"run":1');
    writeFileSync(
      join(dir, "prometheus.yml"),
      [
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "scrape_configs:",
        "  - job_name: app",
        "    static_configs:",
        `      - targets: ["127.0.0.1:${metricsPort}"]`,
        "",
      ].join("\n"),
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: "ignore" },
    );
    const query = (expr: string, pick: (metric: Record<string, string>) => boolean) =>
      eventually(
        `a sample of ${expr} in Prometheus`,
        async () => {
          const result = await promQuery(`http://127.0.0.1:${promPort}`, expr);
          const sample = result.find((r) => pick(r.metric));
          return sample !== undefined && Number(sample.value[1]) > 0 ? sample : undefined;
        },
        30_000,
      );
    const metric = `${prometheusName(METRIC_GEN_AI_WORKFLOW_DURATION, "histogram")}_count`;
    expect(metric).toBe("gen_ai_workflow_duration_count");
    const value = await query(metric, (m) => m.gen_ai_workflow_name === "unmodified_agent");
    expect(value.metric.job).toBe("app");

    const capacity = prometheusName(METRIC_OTEL_SDK_SPAN_QUEUE_CAPACITY, "gauge");
    const queue = await query(capacity, (m) => m.otel_component_type === "batching_span_processor");
    expect(Number(queue.value[1])).toBe(2048);
  } finally {
    app.child.kill("SIGTERM");
    await app.exited;
  }
});
