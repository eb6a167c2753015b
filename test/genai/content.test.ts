import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
} from "../../src/semconv.js";
import { useOtel } from "../helpers/otel.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";
import { everything } from "../helpers/span-dump.js";
import { useGenAILoggingTo, useGlobalLogs } from "./content-support.js";

const PROMPT = "Book a table for Ada Lovelace, my key is sk-live0123456789abcdefXYZ";
const SECRET_ARG = "hunter2-db-password";
const CITY = "Reykjavik-Marker";

const book = tool(async ({ city }: { city: string; api_key: string }) => `booked in ${city}`, {
  name: "book",
  description: "Books a table.",
  schema: z.object({ city: z.string(), api_key: z.string() }),
});

function agent() {
  const model = new ScriptedChatModel({
    provider: "openai",
    model: "gpt-4o-mini",
    script: [
      {
        toolCalls: [{ name: "book", args: { city: CITY, api_key: SECRET_ARG }, id: "call_book" }],
        usage: { input: 40, output: 8 },
      },
      { content: "Done: COMPLETION-MARKER", usage: { input: 60, output: 4 } },
    ],
  });
  return createReactAgent({ llm: model, tools: [book], name: "booker" });
}

const { logExporter, loggerProvider } = useGlobalLogs();

describe("content policy: default (off)", () => {
  const { genai, otel } = useGenAILoggingTo(loggerProvider);

  it("records no prompt, completion, tool argument or result anywhere", async () => {
    const saved = process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    try {
      genai.setConfig({});
      await agent().invoke({ messages: [new HumanMessage(PROMPT)] });
    } finally {
      if (saved !== undefined) process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = saved;
    }
    const spans = otel.spans();
    expect(spans.some((s) => s.name === "chat gpt-4o-mini")).toBe(true);
    expect(spans.some((s) => s.name === "execute_tool book")).toBe(true);
    const dump = everything(spans) + JSON.stringify(logExporter.getFinishedLogRecords().map((r) => [r.body, r.attributes]));
    for (const marker of ["Ada Lovelace", "sk-live", CITY, SECRET_ARG, "COMPLETION-MARKER", "booked in"]) {
      expect(dump).not.toContain(marker);
    }
    for (const key of [
      ATTR_GEN_AI_INPUT_MESSAGES,
      ATTR_GEN_AI_OUTPUT_MESSAGES,
      ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
      ATTR_GEN_AI_TOOL_CALL_RESULT,
    ]) {
      expect(dump).not.toContain(key);
    }
  });
});

describe("content policy: opted in", () => {
  const genai = new GenAIInstrumentation({ enabled: false });
  const otel = useOtel({ instrumentations: [genai] });

  it("records content through the environment switch, with secrets redacted", async () => {
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = "true";
    try {
      genai.setConfig({});
      await agent().invoke({ messages: [new HumanMessage(PROMPT)] });
    } finally {
      delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    }
    const [first, second] = otel.spansNamed("chat gpt-4o-mini");
    const input = String(first!.attributes[ATTR_GEN_AI_INPUT_MESSAGES]);
    expect(input).toContain("Book a table for Ada Lovelace");
    expect(input).not.toContain("sk-live0123456789abcdefXYZ");
    expect(input).toContain("[REDACTED]");
    expect(JSON.parse(input)[0]).toMatchObject({ role: "user", parts: [{ type: "text" }] });
    // The model's tool call (with its arguments) is content of the first answer.
    const output = String(first!.attributes[ATTR_GEN_AI_OUTPUT_MESSAGES]);
    expect(output).toContain(CITY);
    expect(output).not.toContain(SECRET_ARG);
    expect(String(second!.attributes[ATTR_GEN_AI_OUTPUT_MESSAGES])).toContain("COMPLETION-MARKER");

    const toolSpan = otel.span("execute_tool book");
    const args = String(toolSpan.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]);
    expect(JSON.parse(args)).toEqual({ city: CITY, api_key: "[REDACTED]" });
    expect(String(toolSpan.attributes[ATTR_GEN_AI_TOOL_CALL_RESULT])).toContain(`booked in ${CITY}`);
    expect(everything(otel.spans())).not.toContain(SECRET_ARG);
  });

  it("applies the config switch, custom patterns, the user hook and length limits", async () => {
    genai.setConfig({
      captureMessageContent: true,
      maxContentLength: 400,
      redaction: {
        values: [/Lovelace/],
        hook: (value) => value.replaceAll("Ada", "A."),
      },
    });
    await agent().invoke({ messages: [new HumanMessage(`${PROMPT} ${"x".repeat(5000)}`)] });
    const input = String(otel.spansNamed("chat gpt-4o-mini")[0]!.attributes[ATTR_GEN_AI_INPUT_MESSAGES]);
    expect(input.length).toBeLessThanOrEqual(400);
    expect(input).toContain("truncated");
    expect(input).toContain("Book a table for A. [REDACTED]");
    expect(input).not.toContain("sk-live");
  });

  it("config false wins over the environment", async () => {
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = "true";
    try {
      genai.setConfig({ captureMessageContent: false });
      await agent().invoke({ messages: [new HumanMessage(PROMPT)] });
    } finally {
      delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    }
    expect(everything(otel.spans())).not.toContain("Ada Lovelace");
  });
});
