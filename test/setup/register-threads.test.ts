/**
 * The register entry starts OpenTelemetry on the main thread only. Worker threads inherit
 * `-r`/`--import` (execArgv), and so does the thread of an ES module loader hook: a
 * second SDK there would bind /metrics again (an error on stderr) and load every package
 * a second time.
 */
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { SPAN_INVOKE_WORKFLOW } from "../../src/semconv.js";
import { freePort } from "../helpers/waiting.js";
import { REPO, startChild, useBuiltRegister, useOtlpReceiver } from "./support.js";

vi.setConfig({ testTimeout: 90_000 });

const built = useBuiltRegister();
const receivers = useOtlpReceiver();

describe("register entry and worker threads", () => {
  it("a worker that inherits -r register starts no second SDK; the main thread's run is traced", async () => {
    const receiver = await receivers.start();
    const result = await startChild(["-r", built().cjs, join(REPO, "test/setup/apps/worker-graph.cjs")], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
    }).exited;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toEqual({ main: "in_main", worker: "in_worker" });
    const runs = receiver.spans.filter((s) => s.name.startsWith(SPAN_INVOKE_WORKFLOW)).map((s) => s.name);
    expect(runs).toEqual([`${SPAN_INVOKE_WORKFLOW} in_main`]);
  });
});
