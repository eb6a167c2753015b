/**
 * Our Collector (collector/otel-collector.yaml, ports substituted) in front of a real
 * Jaeger v2 (jaeger/config.yaml), fed a known mix of traces over OTLP/HTTP:
 * - tail sampling keeps every error, every slow and every interrupted trace, and samples
 *   the ok traces at TAIL_SAMPLING_PERCENT (counted in Jaeger's query API);
 * - the content-scrubbing processor removes every content attribute, other attributes stay;
 * - health_check and the Collector's own metrics answer;
 * - a second instance with a tiny memory limit (OTELCOL_MEMORY_LIMIT_MIB) refuses load
 *   with an error the client sees, keeps running, and counts what it refused.
 * The sample agent's own traces through the whole stack are in test/alerting/e2e.test.ts.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, freePort, sleep } from "../helpers/waiting.js";
import {
  CONTENT_ATTRIBUTES,
  type Collector,
  type Jaeger,
  jaegerTraces,
  startCollector,
  startJaeger,
  tag,
} from "./processes.js";

const SERVICE = "tail-sampling-mix";
const PERCENT = 25;
const SLOW_MS = 1_000;
const MIX = { error: 20, slow: 20, interrupted: 10, ok: 400 } as const;
const CONTENT = CONTENT_ATTRIBUTES;

const scratch = mkdtempSync(join(tmpdir(), "lgotel-collector-e2e-"));
let jaeger: Jaeger | undefined;
let collector: Collector | undefined;
let limited: Collector | undefined;

type Kind = keyof typeof MIX;

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One trace of `kind`: a workflow span and a chat span below it, with content on both. */
function otlpTrace(kind: Kind, index: number): { traceId: string; spans: unknown[] } {
  const traceId = hex(16);
  const rootId = hex(8);
  const end = BigInt(Date.now()) * 1_000_000n;
  const duration = BigInt(kind === "slow" ? SLOW_MS * 2 : 20) * 1_000_000n;
  const start = end - duration;
  const content = CONTENT.map((key) => str(key, `secret ${kind} ${index}`));
  const root = {
    traceId,
    spanId: rootId,
    name: "invoke_workflow mix",
    kind: 1,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(end),
    attributes: [
      str("gen_ai.operation.name", "invoke_workflow"),
      str("gen_ai.workflow.name", "mix"),
      str("mix.kind", kind),
      str("langgraph.outcome", kind === "interrupted" ? "interrupted" : kind === "error" ? "error" : "ok"),
      ...content,
    ],
    status: { code: kind === "error" ? 2 : 0 },
  };
  const chat = {
    traceId,
    spanId: hex(8),
    parentSpanId: rootId,
    name: "chat scripted-model",
    kind: 3,
    startTimeUnixNano: String(start + 1_000_000n),
    endTimeUnixNano: String(end - 1_000_000n),
    attributes: [str("gen_ai.operation.name", "chat"), ...content],
    status: { code: kind === "error" ? 2 : 0 },
  };
  return { traceId, spans: [root, chat] };
}

async function sendTraces(base: string, traces: Array<{ spans: unknown[] }>): Promise<Response> {
  return fetch(`${base}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [str("service.name", SERVICE)] },
          scopeSpans: [{ scope: { name: "collector-e2e" }, spans: traces.flatMap((t) => t.spans) }],
        },
      ],
    }),
  });
}

/** Prometheus text: the sum of every sample of `metric` (any labels, with or without _total). */
async function metricSum(url: string, metric: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const sample = new RegExp(`^${metric}(?:_total)?(?:\\{[^}]*\\})? (\\S+)$`);
  let sum = 0;
  for (const line of text.split("\n")) sum += Number(sample.exec(line)?.[1] ?? 0);
  return sum;
}

const sent = new Map<string, Kind>();

describe("e2e: our Collector and Jaeger on a known mix of traces", () => {
  beforeAll(async () => {
    // Jaeger's Monitor backend is not used here: nothing listens on that port.
    jaeger = await startJaeger(scratch, `http://127.0.0.1:${await freePort()}`);
    collector = await startCollector({
      dir: scratch,
      jaegerOtlp: jaeger.otlpGrpc,
      env: {
        TAIL_SAMPLING_PERCENT: String(PERCENT),
        TAIL_SAMPLING_SLOW_MS: String(SLOW_MS),
        TAIL_SAMPLING_DECISION_WAIT: "1s",
      },
    });
    const traces: Array<{ traceId: string; spans: unknown[] }> = [];
    for (const kind of Object.keys(MIX) as Kind[]) {
      for (let i = 0; i < MIX[kind]; i++) {
        const trace = otlpTrace(kind, i);
        sent.set(trace.traceId, kind);
        traces.push(trace);
      }
    }
    for (let i = 0; i < traces.length; i += 50) {
      const response = await sendTraces(collector.otlpHttp, traces.slice(i, i + 50));
      expect(response.status, await response.text()).toBe(200);
    }
  }, 120_000);

  afterAll(async () => {
    await limited?.process.stop();
    await collector?.process.stop();
    await jaeger?.process.stop();
    rmSync(scratch, { recursive: true, force: true });
  }, 30_000);

  /** Kept traces by kind, once every trace that must be kept has arrived and a bit more. */
  async function kept(): Promise<Record<Kind, number> & { traces: Awaited<ReturnType<typeof jaegerTraces>> }> {
    const query = jaeger?.query ?? "";
    const mustKeep = MIX.error + MIX.slow + MIX.interrupted;
    const count = async () => {
      const traces = (await jaegerTraces(query, SERVICE)).filter((t) => sent.has(t.traceID));
      const byKind: Record<Kind, number> = { error: 0, slow: 0, interrupted: 0, ok: 0 };
      for (const t of traces) byKind[sent.get(t.traceID) as Kind] += 1;
      return { ...byKind, traces };
    };
    await eventually(
      "the error, slow and interrupted traces in Jaeger",
      async () => {
        const c = await count();
        return c.error + c.slow + c.interrupted >= mustKeep ? true : undefined;
      },
      60_000,
      500,
    ).catch(async (err: unknown) => {
      throw new Error(`${String(err)}: ${JSON.stringify({ ...(await count()), traces: undefined })}`);
    });
    // The ok traces were decided in the same second: give the export a moment more.
    await sleep(3_000);
    return count();
  }

  it("keeps every error, slow and interrupted trace and samples ok traces at TAIL_SAMPLING_PERCENT", async () => {
    const result = await kept();
    expect({ error: result.error, slow: result.slow, interrupted: result.interrupted }).toEqual({
      error: MIX.error,
      slow: MIX.slow,
      interrupted: MIX.interrupted,
    });
    // Binomial(400, 0.25): mean 100, sd 8.7; ±4 sd fails about once in 15,000 runs.
    const expected = (MIX.ok * PERCENT) / 100;
    const sd = Math.sqrt(MIX.ok * (PERCENT / 100) * (1 - PERCENT / 100));
    expect(result.ok).toBeGreaterThanOrEqual(Math.floor(expected - 4 * sd));
    expect(result.ok).toBeLessThanOrEqual(Math.ceil(expected + 4 * sd));
    // Whole traces: both spans of every kept trace.
    for (const trace of result.traces) expect(trace.spans.length, trace.traceID).toBe(2);
  }, 90_000);

  it("removes every content attribute and keeps the others", async () => {
    const traces = (await jaegerTraces(jaeger?.query ?? "", SERVICE)).filter((t) => sent.has(t.traceID));
    expect(traces.length).toBeGreaterThan(0);
    for (const span of traces.flatMap((t) => t.spans)) {
      const keys = span.tags.map((t) => t.key);
      for (const key of CONTENT) expect(keys, span.operationName).not.toContain(key);
      expect(tag(span, "gen_ai.operation.name"), span.operationName).toBeDefined();
      expect(JSON.stringify(span.tags)).not.toContain("secret");
    }
  });

  it("answers health_check and serves its own metrics (what it received and sent)", async () => {
    expect((await fetch(collector?.health ?? "")).status).toBe(200);
    const url = collector?.ownMetrics ?? "";
    const spans = 2 * Object.values(MIX).reduce((a, b) => a + b, 0);
    expect(await metricSum(url, "otelcol_receiver_accepted_spans")).toBe(spans);
    expect(await metricSum(url, "otelcol_exporter_sent_spans")).toBeGreaterThan(0);
  });

  it("with a tiny memory limit refuses load, says so to the client, and keeps running", async () => {
    limited = await startCollector({
      dir: scratch,
      name: "otelcol-limited",
      jaegerOtlp: jaeger?.otlpGrpc ?? "",
      env: { OTELCOL_MEMORY_LIMIT_MIB: "1" },
    });
    const base = limited.otlpHttp;
    // The limiter checks memory every second: load from then on is refused.
    const statuses = await eventually(
      "a refusal",
      async () => {
        const responses = await Promise.all(
          Array.from({ length: 20 }, (_, i) => sendTraces(base, [otlpTrace("ok", i)])),
        );
        const codes = responses.map((r) => r.status);
        return codes.some((code) => code >= 400) ? codes : undefined;
      },
      15_000,
      500,
    );
    expect(statuses.every((code) => code === 200 || code === 429 || code === 503), String(statuses)).toBe(true);
    // More load past the limit: still refused, still alive, still healthy.
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => sendTraces(base, [otlpTrace("ok", i)])));
    }
    expect(limited.process.alive(), limited.process.logs().slice(-2000)).toBe(true);
    expect((await fetch(limited.health)).status).toBe(200);
    expect(await metricSum(limited.ownMetrics, "otelcol_receiver_refused_spans")).toBeGreaterThan(0);
    expect(limited.process.logs()).toMatch(/memory/i);
  }, 60_000);
});
