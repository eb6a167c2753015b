import { HumanMessage } from "@langchain/core/messages";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { type DiagLogger, DiagLogLevel, diag } from "@opentelemetry/api";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { afterEach, describe, expect, it } from "vitest";
import {
  CAPTURE_CONTENT_ENV,
  captureMode,
  SEMCONV_STABILITY_OPT_IN_ENV,
} from "../../src/genai/content/policy.js";
import { checkEnv } from "../../src/setup/env-check.js";
import type { ContentCaptureMode } from "../../src/genai/types.js";
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS,
} from "../../src/semconv.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";
import { useGenAILoggingTo, useGlobalLogs } from "./content-support.js";

const SECRET = "sk-live0123456789abcdefXYZ";
const PROMPT = `What is on the menu? my key is ${SECRET}`;

const saved = { capture: process.env[CAPTURE_CONTENT_ENV], optIn: process.env[SEMCONV_STABILITY_OPT_IN_ENV] };
function setEnv(capture: string | undefined, optIn: string | undefined): void {
  if (capture === undefined) delete process.env[CAPTURE_CONTENT_ENV];
  else process.env[CAPTURE_CONTENT_ENV] = capture;
  if (optIn === undefined) delete process.env[SEMCONV_STABILITY_OPT_IN_ENV];
  else process.env[SEMCONV_STABILITY_OPT_IN_ENV] = optIn;
}
afterEach(() => setEnv(saved.capture, saved.optIn));

const { logExporter, loggerProvider } = useGlobalLogs();

describe("capture modes on a real graph", () => {
  const { genai, otel } = useGenAILoggingTo(loggerProvider);

  async function run(mode: ContentCaptureMode | undefined) {
    genai.setConfig({ enabled: true, captureMessageContent: mode });
    logExporter.reset();
    await otel.reset();
    const model = new ScriptedChatModel({
      provider: "openai",
      model: "gpt-4o-mini",
      script: [{ content: "Soup: ANSWER-MARKER", usage: { input: 12, output: 4 } }],
    });
    const State = Annotation.Root({ n: Annotation<number> });
    await new StateGraph(State)
      .addNode("ask", async () => {
        await model.invoke([new HumanMessage(PROMPT)]);
        return { n: 1 };
      })
      .addEdge(START, "ask")
      .addEdge("ask", END)
      .compile({ name: "menu" })
      .invoke({ n: 0 });
    const chat = otel.span("chat gpt-4o-mini");
    const events = logExporter
      .getFinishedLogRecords()
      .filter((r) => r.eventName === EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS);
    return { chat, events };
  }

  it("NO_CONTENT: neither span attributes nor events", async () => {
    const { chat, events } = await run("NO_CONTENT");
    expect(ATTR_GEN_AI_INPUT_MESSAGES in chat.attributes).toBe(false);
    expect(events).toEqual([]);
  });

  it("SPAN_ONLY: messages on the chat span (redacted), no events", async () => {
    const { chat, events } = await run("SPAN_ONLY");
    const input = String(chat.attributes[ATTR_GEN_AI_INPUT_MESSAGES]);
    expect(input).toContain("What is on the menu?");
    expect(input).not.toContain(SECRET);
    expect(String(chat.attributes[ATTR_GEN_AI_OUTPUT_MESSAGES])).toContain("ANSWER-MARKER");
    expect(events).toEqual([]);
  });

  it("EVENT_ONLY: one details event in the chat span's context, structured and redacted; nothing on the span", async () => {
    const { chat, events } = await run("EVENT_ONLY");
    expect(ATTR_GEN_AI_INPUT_MESSAGES in chat.attributes).toBe(false);
    expect(ATTR_GEN_AI_OUTPUT_MESSAGES in chat.attributes).toBe(false);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.severityNumber).toBe(SeverityNumber.DEBUG);
    expect(event?.spanContext?.spanId).toBe(chat.spanContext().spanId);
    expect(event?.spanContext?.traceId).toBe(chat.spanContext().traceId);
    const attributes = event?.attributes ?? {};
    expect(attributes[ATTR_GEN_AI_OPERATION_NAME]).toBe("chat");
    expect(attributes[ATTR_GEN_AI_REQUEST_MODEL]).toBe("gpt-4o-mini");
    expect(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(12);
    // Structured, as the conventions ask of events: an array of messages, not JSON text.
    expect(attributes[ATTR_GEN_AI_INPUT_MESSAGES]).toEqual([
      { role: "user", parts: [{ type: "text", content: "What is on the menu? my key is [REDACTED]" }] },
    ]);
    expect(attributes[ATTR_GEN_AI_OUTPUT_MESSAGES]).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "Soup: ANSWER-MARKER" }], finish_reason: "stop" },
    ]);
  });

  it("SPAN_AND_EVENT: both", async () => {
    const { chat, events } = await run("SPAN_AND_EVENT");
    expect(String(chat.attributes[ATTR_GEN_AI_INPUT_MESSAGES])).toContain("What is on the menu?");
    expect(events).toHaveLength(1);
  });

  it("an invalid environment value is a diag warning and no content, never a crash", async () => {
    const warnings: string[] = [];
    const logger: DiagLogger = {
      error: () => {},
      // A component logger passes its namespace first.
      warn: (...args: unknown[]) => warnings.push(args.map(String).join(" ")),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    };
    diag.setLogger(logger, DiagLogLevel.WARN);
    try {
      setEnv("SPANS_PLEASE", "gen_ai_latest_experimental");
      const { chat, events } = await run(undefined);
      expect(chat.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(12);
      expect(ATTR_GEN_AI_INPUT_MESSAGES in chat.attributes).toBe(false);
      expect(events).toEqual([]);
      const named = warnings.filter((w) => w.includes(CAPTURE_CONTENT_ENV));
      expect(named).toHaveLength(1);
      expect(named[0]).toContain("expected NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT");
      // Never the value: it could be anything pasted into the environment.
      expect(named[0]).not.toContain("SPANS_PLEASE");
      // Once per process, not once per model call.
      await run(undefined);
      expect(warnings.filter((w) => w.includes(CAPTURE_CONTENT_ENV))).toHaveLength(1);
    } finally {
      diag.disable();
    }
  });
});

describe("captureMode", () => {
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);

  it("reads the spec's modes with the gen_ai_latest_experimental opt-in", () => {
    for (const mode of ["NO_CONTENT", "SPAN_ONLY", "EVENT_ONLY", "SPAN_AND_EVENT"] as const) {
      setEnv(mode.toLowerCase(), "http, gen_ai_latest_experimental");
      expect(captureMode({}, warn)).toBe(mode);
    }
    expect(warnings).toEqual([]);
  });

  it("takes true/false without the opt-in, and the config over the environment", () => {
    setEnv("true", undefined);
    expect(captureMode({}, warn)).toBe("SPAN_ONLY");
    setEnv("FALSE", undefined);
    expect(captureMode({}, warn)).toBe("NO_CONTENT");
    setEnv("SPAN_AND_EVENT", "gen_ai_latest_experimental");
    expect(captureMode({ captureMessageContent: false }, warn)).toBe("NO_CONTENT");
    expect(captureMode({ captureMessageContent: true }, warn)).toBe("SPAN_ONLY");
    expect(captureMode({ captureMessageContent: "EVENT_ONLY" }, warn)).toBe("EVENT_ONLY");
    expect(warnings).toEqual([]);
  });

  it("turns an invalid value into no content; the variable is warned about once per process", () => {
    // The graph test above already warned about the variable in this process.
    setEnv("true", "gen_ai_latest_experimental");
    expect(captureMode({}, warn)).toBe("NO_CONTENT");
    setEnv("yes please", undefined);
    expect(captureMode({}, warn)).toBe("NO_CONTENT");
    expect(warnings).toEqual([]);
    // A bad option is code: warned about each time.
    expect(captureMode({ captureMessageContent: "SPANS" as ContentCaptureMode }, warn)).toBe("NO_CONTENT");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("captureMessageContent");
    expect(warnings[0]).not.toContain("SPANS\"");
  });

  it("is what startObservability's environment check accepts", () => {
    const optIn = { [SEMCONV_STABILITY_OPT_IN_ENV]: "gen_ai_latest_experimental" };
    const problems = (env: Record<string, string>) => checkEnv(env).map((p) => p.variable);
    expect(problems({ [CAPTURE_CONTENT_ENV]: "SPAN_AND_EVENT", ...optIn })).toEqual([]);
    expect(problems({ [CAPTURE_CONTENT_ENV]: "event_only" })).toEqual([]);
    expect(problems({ [CAPTURE_CONTENT_ENV]: "true" })).toEqual([]);
    expect(problems({ [CAPTURE_CONTENT_ENV]: "true", ...optIn })).toEqual([CAPTURE_CONTENT_ENV]);
    expect(problems({ [CAPTURE_CONTENT_ENV]: "always" })).toEqual([CAPTURE_CONTENT_ENV]);
  });
});
