import { describe, expect, it } from "vitest";
import { MAX_CACHED_SERIES, SeriesCache } from "../../src/instrumentation/series.js";
import { MAX_SPAN_NAME_SUBJECT } from "../../src/instrumentation/utils.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
} from "../../src/semconv.js";

describe("SeriesCache", () => {
  it("makes a node's span name and metric attributes once and hands out the same objects", () => {
    const cache = new SeriesCache();
    const first = cache.node("support_agent", "classify");
    expect(first.spanName).toBe("invoke_node classify");
    expect(first.attributes.base).toEqual({
      [ATTR_GEN_AI_WORKFLOW_NAME]: "support_agent",
      [ATTR_LANGGRAPH_NODE_NAME]: "classify",
    });
    expect(cache.node("support_agent", "classify")).toBe(first);
    // The same node name in another workflow is another series.
    expect(cache.node("other", "classify")).not.toBe(first);

    const ok = first.attributes.withOutcome("ok");
    expect(ok).toEqual({ ...first.attributes.base, [ATTR_LANGGRAPH_OUTCOME]: "ok" });
    expect(first.attributes.withOutcome("ok")).toBe(ok);
    expect(first.attributes.withOutcome("interrupted")).not.toBe(ok);
    // The base object is never changed by adding an outcome.
    expect(first.attributes.base).not.toHaveProperty(ATTR_LANGGRAPH_OUTCOME);
  });

  it("builds error attributes afresh, with error.type", () => {
    const series = new SeriesCache().workflow("support_agent");
    expect(series.spanName).toBe("invoke_workflow support_agent");
    const a = series.attributes.withOutcome("error", "TypeError");
    const b = series.attributes.withOutcome("error", "RangeError");
    expect(a).toEqual({
      [ATTR_GEN_AI_WORKFLOW_NAME]: "support_agent",
      [ATTR_LANGGRAPH_OUTCOME]: "error",
      [ATTR_ERROR_TYPE]: "TypeError",
    });
    expect(b[ATTR_ERROR_TYPE]).toBe("RangeError");
  });

  it("cuts long names in span names only, and keeps at most MAX_CACHED_SERIES", () => {
    const cache = new SeriesCache();
    const long = "n".repeat(10_000);
    const series = cache.node("wf", long);
    expect(series.spanName.length).toBe("invoke_node ".length + MAX_SPAN_NAME_SUBJECT);
    expect(series.attributes.base[ATTR_LANGGRAPH_NODE_NAME]).toBe(long);

    for (let i = 0; i < MAX_CACHED_SERIES + 10; i++) cache.node("generated", `node-${i}`);
    // Early names stay cached; names beyond the bound are correct but made on each use.
    expect(cache.node("generated", "node-0")).toBe(cache.node("generated", "node-0"));
    const late = `node-${MAX_CACHED_SERIES + 5}`;
    const again = cache.node("generated", late);
    expect(again).not.toBe(cache.node("generated", late));
    expect(again.attributes.base[ATTR_LANGGRAPH_NODE_NAME]).toBe(late);
  });
});
