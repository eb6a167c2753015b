/**
 * The queue helpers with the SDK's default propagators (W3C trace context and baggage):
 * a job carries the submitter's span and baggage to the worker's graph run; a missing or
 * malformed carrier starts a new trace; one job's context never leaks into the next.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LangGraphInstrumentation } from "../../src/index.js";
import { extractTraceContext, injectTraceContext, runWithJobContext, traceHeaders } from "../../src/propagation/index.js";
import { useOtel, workflowSpanName } from "../helpers/otel.js";

const otel = useOtel({ instrumentations: [new LangGraphInstrumentation({ enabled: false })] });

beforeAll(() => {
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
});
afterAll(() => {
  propagation.disable();
});

const State = Annotation.Root({ ticket: Annotation<string> });
const graph = new StateGraph(State)
  .addNode("triage", async () => ({}))
  .addEdge(START, "triage")
  .addEdge("triage", END)
  .compile({ name: "job_agent" });

describe("queue job context", () => {
  it("puts the worker's run under the submitting span, with its baggage", async () => {
    const submit = otel.tracerProvider.getTracer("submitter").startSpan("submit");
    const withBaggage = propagation.setBaggage(
      trace.setSpan(ROOT_CONTEXT, submit),
      propagation.createBaggage({ tenant: { value: "acme" } }),
    );
    const job = JSON.parse(JSON.stringify({ trace: context.with(withBaggage, () => traceHeaders()) }));
    submit.end();
    expect(Object.keys(job.trace).sort()).toEqual(["baggage", "traceparent"]);

    let tenant: string | undefined;
    await runWithJobContext(job.trace, async () => {
      tenant = propagation.getActiveBaggage()?.getEntry("tenant")?.value;
      await graph.invoke({ ticket: "T-1" });
    });
    expect(tenant).toBe("acme");
    const run = otel.spans().find((s) => s.name === workflowSpanName("job_agent"));
    expect(run?.spanContext().traceId).toBe(submit.spanContext().traceId);
    expect(run?.parentSpanContext?.spanId).toBe(submit.spanContext().spanId);
  });

  it("starts a new trace for a missing or malformed carrier, and never from the caller's context", async () => {
    for (const carrier of [undefined, null, "traceparent", { traceparent: "garbage" }, { traceparent: 42 }]) {
      expect(trace.getSpan(extractTraceContext(carrier))).toBeUndefined();
    }
    // A worker loop with a span active (the previous job's, say): the next job must not nest there.
    await otel.tracerProvider.getTracer("worker-loop").startActiveSpan("previous job", async (previous) => {
      await runWithJobContext({}, () => graph.invoke({ ticket: "T-2" }));
      previous.end();
    });
    const run = otel.spans().find((s) => s.name === workflowSpanName("job_agent"));
    expect(run).toBeDefined();
    expect(run?.parentSpanContext).toBeUndefined();
  });

  it("injects into a carrier the app already has, and returns it", () => {
    const span = otel.tracerProvider.getTracer("t").startSpan("s");
    const carrier: Record<string, string> = { existing: "kept" };
    const same = injectTraceContext(carrier, trace.setSpan(ROOT_CONTEXT, span));
    span.end();
    expect(same).toBe(carrier);
    expect(carrier.existing).toBe("kept");
    expect(carrier.traceparent).toContain(span.spanContext().traceId);
  });
});
