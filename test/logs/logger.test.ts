/** createLogger and lifecycle records, on a real LoggerProvider and TracerProvider. */
import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from "@opentelemetry/sdk-logs";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger, emitLifecycleRecord } from "../../src/index.js";
import { LifecycleLogSpanProcessor } from "../../src/logs/index.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_NODE_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  EVENT_LANGGRAPH_NODE_FAILED,
  EVENT_LANGGRAPH_WORKFLOW_FAILED,
  EVENT_LANGGRAPH_WORKFLOW_STARTED,
  GEN_AI_OPERATION_INVOKE_WORKFLOW,
  OUTCOME_ERROR,
  SPAN_INVOKE_NODE,
  SPAN_INVOKE_WORKFLOW,
} from "../../src/semconv.js";

const exporter = new InMemoryLogRecordExporter();
const contextManager = new AsyncLocalStorageContextManager();
let tracerProvider: BasicTracerProvider;

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  logs.setGlobalLoggerProvider(
    new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] }),
  );
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new LifecycleLogSpanProcessor()] });
  trace.setGlobalTracerProvider(tracerProvider);
});
afterAll(() => {
  logs.disable();
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

function capture() {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

describe("createLogger", () => {
  it("writes JSON lines with level, message, attributes and the active span's ids", () => {
    const out = capture();
    const logger = createLogger({ name: "app", write: out.write });
    const span = trace.getTracer("t").startSpan("work");
    context.with(trace.setSpan(context.active(), span), () => {
      logger.info("order looked up", { order: "A-1", items: 3 });
    });
    span.end();
    logger.warn("outside any span");

    expect(out.lines).toHaveLength(2);
    expect(out.lines.every((l) => l.endsWith("\n"))).toBe(true);
    const inside = JSON.parse(out.lines[0] ?? "");
    expect(inside).toMatchObject({
      level: "info",
      logger: "app",
      message: "order looked up",
      attributes: { order: "A-1", items: 3 },
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
    });
    expect(typeof inside.timestamp).toBe("string");
    const outside = JSON.parse(out.lines[1] ?? "");
    expect(outside.level).toBe("warn");
    expect(outside.trace_id).toBeUndefined();
  });

  it("bridges each record to the OTel Logs API, correlated to the active span", () => {
    const logger = createLogger({ name: "app", write: false });
    const span = trace.getTracer("t").startSpan("work");
    context.with(trace.setSpan(context.active(), span), () => {
      logger.error("payment failed", { error: new TypeError("card declined"), attempt: 2 });
    });
    span.end();
    const [record] = exporter.getFinishedLogRecords();
    expect(record?.body).toBe("payment failed");
    expect(record?.severityText).toBe("ERROR");
    expect(record?.instrumentationScope.name).toBe("app");
    expect(record?.spanContext?.traceId).toBe(span.spanContext().traceId);
    expect(record?.spanContext?.spanId).toBe(span.spanContext().spanId);
    expect(record?.attributes).toMatchObject({
      attempt: 2,
      [ATTR_ERROR_TYPE]: "TypeError",
      error: "TypeError: card declined",
    });
  });

  it("filters by level, binds child attributes, survives unserialisable values", () => {
    const out = capture();
    const logger = createLogger({ write: out.write, level: "warn" }).child({ tenant: "t1" });
    logger.info("dropped");
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    logger.warn("kept", { circular });
    expect(out.lines).toHaveLength(1);
    expect(JSON.parse(out.lines[0] ?? "").attributes).toBe("[unserializable]");
    expect(exporter.getFinishedLogRecords()[0]?.attributes.tenant).toBe("t1");
  });

  it("never throws when the sink does", () => {
    const logger = createLogger({
      write: () => {
        throw new Error("EPIPE");
      },
    });
    expect(() => logger.info("x")).not.toThrow();
  });
});

describe("lifecycle records", () => {
  it("emitLifecycleRecord emits an event record in the given context", () => {
    const span = trace.getTracer("t").startSpan("run");
    emitLifecycleRecord(
      { event: EVENT_LANGGRAPH_WORKFLOW_STARTED, workflowName: "g" },
      trace.setSpan(context.active(), span),
    );
    span.end();
    const records = exporter
      .getFinishedLogRecords()
      .filter((r) => r.eventName === EVENT_LANGGRAPH_WORKFLOW_STARTED);
    expect(records).toHaveLength(1);
    expect(records[0]?.spanContext?.spanId).toBe(span.spanContext().spanId);
    expect(records[0]?.body).toBe('workflow "g" started');
  });

  it("the span processor derives started/failed and node-failed records from contract spans", () => {
    const tracer = trace.getTracer("t");
    const run = tracer.startSpan(`${SPAN_INVOKE_WORKFLOW} g`, {
      attributes: {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_INVOKE_WORKFLOW,
        [ATTR_GEN_AI_WORKFLOW_NAME]: "g",
      },
    });
    const node = tracer.startSpan(
      `${SPAN_INVOKE_NODE} n`,
      { attributes: { [ATTR_GEN_AI_WORKFLOW_NAME]: "g", [ATTR_LANGGRAPH_NODE_NAME]: "n" } },
      trace.setSpan(context.active(), run),
    );
    for (const span of [node, run]) {
      span.setAttribute(ATTR_LANGGRAPH_OUTCOME, OUTCOME_ERROR);
      span.setAttribute(ATTR_ERROR_TYPE, "Error");
      span.setStatus({ code: SpanStatusCode.ERROR, message: "boom" });
      span.end();
    }
    const records = exporter.getFinishedLogRecords();
    expect(records.map((r) => r.eventName)).toEqual([
      EVENT_LANGGRAPH_WORKFLOW_STARTED,
      EVENT_LANGGRAPH_NODE_FAILED,
      EVENT_LANGGRAPH_WORKFLOW_FAILED,
    ]);
    const nodeFailed = records[1];
    expect(nodeFailed?.spanContext?.spanId).toBe(node.spanContext().spanId);
    expect(nodeFailed?.attributes[ATTR_LANGGRAPH_NODE_NAME]).toBe("n");
    expect(nodeFailed?.severityText).toBe("ERROR");
    expect(nodeFailed?.body).toBe('node "n" of workflow "g" failed: boom');
    expect(records[2]?.spanContext?.spanId).toBe(run.spanContext().spanId);
  });
});
