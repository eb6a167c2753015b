import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  findNodeAttempt,
  type NodeAttemptEntry,
  nodeAttemptsInFlight,
  registerNodeAttempt,
  unregisterNodeAttempt,
  whenNodeAttemptEnds,
} from "../../src/instrumentation/node-registry.js";

function entry(nodeName: string): NodeAttemptEntry {
  const span = trace.wrapSpanContext({ traceId: "1".repeat(32), spanId: "2".repeat(16), traceFlags: 1 });
  return { span, context: trace.setSpan(ROOT_CONTEXT, span), workflowName: "wf", nodeName };
}

// The registry hashes attempts only when a lookup happens while they run: these cases pin
// down that the lazy index answers exactly as an eager map would.
describe("node attempt registry", () => {
  it("finds attempts registered before and after a lookup, and forgets ended ones", () => {
    const a = entry("a");
    const b = entry("b");
    const ra = registerNodeAttempt("a:1", a);
    expect(findNodeAttempt("a:1")).toBe(a);
    const rb = registerNodeAttempt("b:1", b);
    expect(findNodeAttempt("b:1")).toBe(b);
    expect(findNodeAttempt("a:1")).toBe(a);
    unregisterNodeAttempt(ra);
    expect(findNodeAttempt("a:1")).toBeUndefined();
    unregisterNodeAttempt(rb);
    expect(findNodeAttempt("b:1")).toBeUndefined();
    expect(nodeAttemptsInFlight()).toBe(0);
  });

  it("drops an attempt that ends before any lookup without indexing it", () => {
    const first = registerNodeAttempt("x:1", entry("x"));
    const second = registerNodeAttempt("y:1", entry("y"));
    const third = registerNodeAttempt("z:1", entry("z"));
    unregisterNodeAttempt(second);
    unregisterNodeAttempt(third);
    expect(findNodeAttempt("y:1")).toBeUndefined();
    expect(findNodeAttempt("z:1")).toBeUndefined();
    expect(findNodeAttempt("x:1")?.nodeName).toBe("x");
    unregisterNodeAttempt(first);
    expect(nodeAttemptsInFlight()).toBe(0);
  });

  it("gives a namespace to its newest attempt (a retry that registered before the failed one ended)", () => {
    const failed = entry("n");
    const retry = entry("n");
    const old = registerNodeAttempt("n:1", failed);
    const newer = registerNodeAttempt("n:1", retry);
    expect(findNodeAttempt("n:1")).toBe(retry);
    unregisterNodeAttempt(old);
    expect(findNodeAttempt("n:1")).toBe(retry);
    unregisterNodeAttempt(newer);
    expect(findNodeAttempt("n:1")).toBeUndefined();

    // The same when the older one was already indexed by an earlier lookup.
    const indexedOld = registerNodeAttempt("m:1", failed);
    expect(findNodeAttempt("m:1")).toBe(failed);
    const pendingRetry = registerNodeAttempt("m:1", retry);
    expect(findNodeAttempt("m:1")).toBe(retry);
    unregisterNodeAttempt(indexedOld);
    expect(findNodeAttempt("m:1")).toBe(retry);
    unregisterNodeAttempt(pendingRetry);
    expect(nodeAttemptsInFlight()).toBe(0);
  });

  it("runs an attempt's closers once when it ends, and a throwing closer stops nothing", () => {
    const e = entry("c");
    const registration = registerNodeAttempt("c:1", e);
    const ran: string[] = [];
    whenNodeAttemptEnds(e, () => {
      throw new Error("closer failed");
    });
    whenNodeAttemptEnds(e, () => ran.push("second"));
    unregisterNodeAttempt(registration);
    expect(ran).toEqual(["second"]);
    expect(e.closers).toBeUndefined();
  });
});
