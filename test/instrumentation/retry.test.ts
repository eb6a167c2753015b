import { END, START, StateGraph } from "@langchain/langgraph";
import { SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_ATTEMPT,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  ATTR_LANGGRAPH_TASK_ID,
  METRIC_LANGGRAPH_NODE_DURATION,
  METRIC_LANGGRAPH_NODE_RETRIES,
  OUTCOME_ERROR,
  OUTCOME_OK,
} from "../../src/semconv.js";
import { nodeSpanName, useOtel, workflowSpanName } from "../helpers/otel.js";
import { expectOk, LogState, type LogStateType, logNode } from "./graph-fixtures.js";

const otel = useOtel();

class FlakyError extends Error {
  override name = "FlakyError";
}

const retryPolicy = { maxAttempts: 2, initialInterval: 1, jitter: false, logWarning: false };

function flakyGraph(name: string, failures: number) {
  let calls = 0;
  return new StateGraph(LogState)
    .addNode(
      "flaky",
      async (): Promise<Partial<LogStateType>> => {
        calls += 1;
        if (calls <= failures) throw new FlakyError(`attempt ${calls} failed`);
        return { log: ["flaky"] };
      },
      { retryPolicy },
    )
    .addNode("next", logNode("next"))
    .addEdge(START, "flaky")
    .addEdge("flaky", "next")
    .addEdge("next", END)
    .compile({ name });
}

describe("node retryPolicy", () => {
  it("gives each attempt its own span and counts the retry", async () => {
    const result = await flakyGraph("retry-once", 1).invoke({});
    expect(result.log).toEqual(["flaky", "next"]);

    const run = otel.span(workflowSpanName("retry-once"));
    expectOk(run);
    const attempts = otel.nodeSpans("flaky");
    expect(attempts.map((s) => s.attributes[ATTR_LANGGRAPH_NODE_ATTEMPT])).toEqual([1, 2]);
    for (const attempt of attempts) {
      expect(attempt.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    }
    const [first, second] = attempts;
    expect(first!.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_ERROR);
    expect(first!.status.code).toBe(SpanStatusCode.ERROR);
    expect(first!.attributes[ATTR_ERROR_TYPE]).toBe("FlakyError");
    expect(first!.events.map((e) => e.name)).toContain("exception");
    expectOk(second!);
    // Both attempts belong to the same task.
    expect(first!.attributes[ATTR_LANGGRAPH_TASK_ID]).toBe(
      second!.attributes[ATTR_LANGGRAPH_TASK_ID],
    );
    expect(otel.childrenOf(run).map((s) => s.name)).toEqual([
      nodeSpanName("flaky"),
      nodeSpanName("flaky"),
      nodeSpanName("next"),
    ]);

    const labels = { [ATTR_GEN_AI_WORKFLOW_NAME]: "retry-once", [ATTR_LANGGRAPH_NODE_NAME]: "flaky" };
    expect(await otel.counterValue(METRIC_LANGGRAPH_NODE_RETRIES, labels)).toBe(1);
    expect(
      await otel.histogramCount(METRIC_LANGGRAPH_NODE_DURATION, {
        ...labels,
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_ERROR,
        [ATTR_ERROR_TYPE]: "FlakyError",
      }),
    ).toBe(1);
    expect(
      await otel.histogramCount(METRIC_LANGGRAPH_NODE_DURATION, {
        ...labels,
        [ATTR_LANGGRAPH_OUTCOME]: OUTCOME_OK,
      }),
    ).toBe(1);
    // A node that never retried adds nothing to the retry counter.
    expect(
      await otel.counterValue(METRIC_LANGGRAPH_NODE_RETRIES, { [ATTR_LANGGRAPH_NODE_NAME]: "next" }),
    ).toBe(0);
  });

  it("fails the run with the last attempt's error when retries run out", async () => {
    const graph = flakyGraph("retry-exhausted", 5);
    const caught = await graph.invoke({}).catch((err: unknown) => err);
    expect(caught).toBeInstanceOf(FlakyError);
    expect((caught as Error).message).toBe("attempt 2 failed");

    const attempts = otel.nodeSpans("flaky");
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_ERROR);
      expect(attempt.status.code).toBe(SpanStatusCode.ERROR);
    }
    expect(otel.nodeSpans("next")).toHaveLength(0);
    const run = otel.span(workflowSpanName("retry-exhausted"));
    expect(run.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_ERROR);
    expect(run.status.code).toBe(SpanStatusCode.ERROR);
    expect(
      await otel.counterValue(METRIC_LANGGRAPH_NODE_RETRIES, {
        [ATTR_LANGGRAPH_NODE_NAME]: "flaky",
      }),
    ).toBe(1);
  });
});
