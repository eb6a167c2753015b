/**
 * A CommonJS app under `-r register` loads no ES module copy of LangChain or LangGraph
 * because of us (that second copy cost ~540 modules and +100 MB peak RSS on Node 24):
 * while preloads run, `require.main` is not set yet, so the entry script's format is
 * decided from its extension, its package's `type`, or its syntax.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { freePort } from "../helpers/waiting.js";
import { expectOneWholeRun, REPO, startChild, useBuiltRegister, useOtlpReceiver } from "./support.js";

vi.setConfig({ testTimeout: 90_000 });

const APPS = join(REPO, "test/setup/apps");
const built = useBuiltRegister();
const receivers = useOtlpReceiver();
const logs = mkdtempSync(join(tmpdir(), "lgo-esm-log-"));
afterAll(() => rmSync(logs, { recursive: true, force: true }));

async function runUnderRegister(app: string, extra: Record<string, string> = {}) {
  const receiver = await receivers.start();
  const log = join(logs, `${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, "");
  const result = await startChild(["-r", join(APPS, "esm-load-log.cjs"), "-r", built().cjs, app], {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
    ESM_LOAD_LOG: log,
    ...extra,
  }).exited;
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}")).toEqual({ log: ["first", "second"] });
  const esmLangChain = readFileSync(log, "utf8")
    .split("\n")
    .filter((url) => url.includes("/node_modules/@langchain/"));
  return { esmLangChain, spans: receiver.spans };
}

describe("CommonJS app under -r register", () => {
  it.each([
    ["a .cjs entry", join(APPS, "cjs-probe.cjs")],
    ["a .js entry in a package without type", join(APPS, "typeless/app.js")],
  ])("%s: loads no ES module copy of @langchain, its run fully traced", async (_, app) => {
    const { esmLangChain, spans } = await runUnderRegister(app);
    expect(esmLangChain).toEqual([]);
    expectOneWholeRun(spans, "cjs_probe", ["first", "second"]);
  });

  it("control: the load log sees the ES module copy when the app imports it itself", async () => {
    const { esmLangChain } = await runUnderRegister(join(APPS, "cjs-probe.cjs"), { PROBE_IMPORT_ESM: "1" });
    expect(esmLangChain.some((url) => url.includes("/@langchain/langgraph/"))).toBe(true);
  });
});
