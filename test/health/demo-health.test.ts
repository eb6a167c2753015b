import { describe, expect, it } from "vitest";
import { startDemoHealth } from "../../src/cli/health.js";
import { createSupportAgent } from "../../src/examples/support-agent.js";
import { probe } from "./support.js";

describe("the demo agent's health server", () => {
  it("is off unless LANGGRAPH_OTEL_HEALTH_PORT is set", async () => {
    expect(await startDemoHealth(createSupportAgent(), "http://127.0.0.1:1/v1/traces", {})).toBeUndefined();
  });

  it("serves /health and /ready: ready with its checkpointer, collector only reported", async () => {
    const health = await startDemoHealth(createSupportAgent(), "http://127.0.0.1:1/v1/traces", {
      LANGGRAPH_OTEL_HEALTH_PORT: "0",
      LANGGRAPH_OTEL_HEALTH_HOST: "127.0.0.1",
    });
    if (!health) throw new Error("not served");
    try {
      expect((await probe(`${health.url}/health`)).status).toBe(200);
      const ready = await probe(`${health.url}/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toMatchObject([
        { name: "checkpointer", ok: true },
        { name: "circuit_breakers", ok: true },
      ]);
      expect(ready.body.telemetry).toMatchObject([{ name: "otlp_collector", ok: false }]);
    } finally {
      await health.close();
    }
  });

  it("refuses a port that is not a number", async () => {
    await expect(
      startDemoHealth(createSupportAgent(), "http://127.0.0.1:1/v1/traces", { LANGGRAPH_OTEL_HEALTH_PORT: "http" }),
    ).rejects.toThrow(/not a port number/);
  });
});
