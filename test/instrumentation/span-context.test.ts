import { createContextKey, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { withSpanAndValue } from "../../src/instrumentation/span-context.js";

const span = trace.wrapSpanContext({ traceId: "a".repeat(32), spanId: "b".repeat(16), traceFlags: 1 });
const OWN = createContextKey("span-context test: own");
const INHERITED = createContextKey("span-context test: inherited");
const LATER = createContextKey("span-context test: later");

// The one-object context must answer exactly as trace.setSpan(parent, span).setValue(key, v).
describe("withSpanAndValue", () => {
  const parent = ROOT_CONTEXT.setValue(INHERITED, "from parent");
  const ctx = withSpanAndValue(parent, span, OWN, "mine");

  it("holds the span, its value and the parent's values", () => {
    expect(trace.getSpan(ctx)).toBe(span);
    expect(ctx.getValue(OWN)).toBe("mine");
    expect(ctx.getValue(INHERITED)).toBe("from parent");
    expect(ctx.getValue(LATER)).toBeUndefined();
  });

  it("derives contexts that keep all of it, and leaves itself unchanged", () => {
    const child = ctx.setValue(LATER, 1);
    expect(child.getValue(LATER)).toBe(1);
    expect(trace.getSpan(child)).toBe(span);
    expect(child.getValue(OWN)).toBe("mine");
    expect(child.getValue(INHERITED)).toBe("from parent");
    expect(ctx.getValue(LATER)).toBeUndefined();

    const withoutOwn = ctx.deleteValue(OWN);
    expect(withoutOwn.getValue(OWN)).toBeUndefined();
    expect(trace.getSpan(withoutOwn)).toBe(span);
    expect(ctx.getValue(OWN)).toBe("mine");

    const otherSpan = trace.wrapSpanContext({ traceId: "c".repeat(32), spanId: "d".repeat(16), traceFlags: 1 });
    expect(trace.getSpan(trace.setSpan(ctx, otherSpan))).toBe(otherSpan);
    expect(trace.getSpan(trace.deleteSpan(ctx))).toBeUndefined();
  });
});
