import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { toGenAIMessage } from "../../src/genai/content/messages.js";
import { GenAIInstrumentation } from "../../src/genai/index.js";
import { ATTR_GEN_AI_INPUT_MESSAGES } from "../../src/semconv.js";
import { ScriptedChatModel } from "../../src/testing/scripted-chat-model.js";
import { useOtel } from "../helpers/otel.js";

const OPTIONS = { maxInlineLength: 64 };
const SMALL = Buffer.from("tiny-png").toString("base64");
const LARGE = Buffer.alloc(3000, 7).toString("base64");

describe("message parts from BaseMessage.contentBlocks", () => {
  it("turns images, audio and files into the schema's blob, uri and file parts", () => {
    const message = new HumanMessage({
      content: [
        { type: "text", text: "look" },
        // OpenAI Chat Completions input: contentBlocks translates it to standard blocks.
        { type: "image_url", image_url: { url: `data:image/png;base64,${SMALL}` } },
        { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
        // Anthropic input.
        { type: "image", source: { type: "base64", media_type: "image/webp", data: SMALL } },
        // Standard blocks.
        { type: "image", url: "gs://bucket/dog.jpg", mimeType: "image/jpeg" },
        { type: "file", fileId: "file-123", mimeType: "application/pdf" },
        { type: "audio", data: new Uint8Array([1, 2, 3]), mimeType: "audio/wav" },
      ],
    });
    expect(toGenAIMessage(message, OPTIONS)).toEqual({
      role: "user",
      parts: [
        { type: "text", content: "look" },
        { type: "blob", modality: "image", mime_type: "image/png", content: SMALL },
        { type: "uri", modality: "image", uri: "https://example.com/cat.png" },
        { type: "blob", modality: "image", mime_type: "image/webp", content: SMALL },
        { type: "uri", modality: "image", mime_type: "image/jpeg", uri: "gs://bucket/dog.jpg" },
        { type: "file", modality: "document", mime_type: "application/pdf", file_id: "file-123" },
        { type: "blob", modality: "audio", mime_type: "audio/wav", content: "AQID" },
      ],
    });
    expect(JSON.stringify(toGenAIMessage(message, OPTIONS))).not.toContain("image_url");
  });

  it("leaves out inline data beyond the limit instead of cutting it", () => {
    const message = new HumanMessage({
      content: [
        { type: "image", data: LARGE, mimeType: "image/png" },
        { type: "image_url", image_url: { url: `data:image/png;base64,${LARGE}` } },
        { type: "video", data: new Uint8Array(3000), mimeType: "video/mp4" },
      ],
    });
    const parts = toGenAIMessage(message, OPTIONS).parts;
    expect(parts).toEqual([
      { type: "blob", modality: "image", mime_type: "image/png", content: "", omitted_bytes: 3000 },
      { type: "blob", modality: "image", mime_type: "image/png", content: "", omitted_bytes: 3000 },
      { type: "blob", modality: "video", mime_type: "video/mp4", content: "", omitted_bytes: 3000 },
    ]);
  });

  it("keeps reasoning, tool calls (once) and tool results", () => {
    const ai = new AIMessage({
      content: [
        { type: "reasoning", reasoning: "think" },
        { type: "text", text: "calling" },
      ],
      tool_calls: [{ id: "c1", name: "lookup", args: { q: "x" } }],
    });
    expect(toGenAIMessage(ai, OPTIONS)).toEqual({
      role: "assistant",
      parts: [
        { type: "reasoning", content: "think" },
        { type: "text", content: "calling" },
        { type: "tool_call", id: "c1", name: "lookup", arguments: { q: "x" } },
      ],
    });
    const result = new ToolMessage({ content: "42", tool_call_id: "c1" });
    expect(toGenAIMessage(result, OPTIONS)).toEqual({
      role: "tool",
      parts: [{ type: "tool_call_response", id: "c1", response: "42" }],
    });
  });

  it("reads plain objects (no contentBlocks) the same way", () => {
    const plain = {
      role: "user",
      content: [{ type: "image_url", image_url: "https://example.com/a.png" }, "and text"],
    };
    expect(toGenAIMessage(plain, OPTIONS).parts).toEqual([
      { type: "uri", modality: "image", uri: "https://example.com/a.png" },
      { type: "text", content: "and text" },
    ]);
  });
});

describe("a multimodal prompt on the chat span", () => {
  const genai = new GenAIInstrumentation({ enabled: false, captureMessageContent: true, maxStringLength: 256 });
  const otel = useOtel({ instrumentations: [genai] });

  it("records uri and blob parts, with a large image left out", async () => {
    const model = new ScriptedChatModel({ provider: "openai", model: "gpt-4o", script: [{ content: "a cat" }] });
    const State = Annotation.Root({ n: Annotation<number> });
    await new StateGraph(State)
      .addNode("see", async () => {
        await model.invoke([
          new HumanMessage({
            content: [
              { type: "text", text: "what is this?" },
              { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
              { type: "image_url", image_url: { url: `data:image/png;base64,${LARGE}` } },
            ],
          }),
        ]);
        return { n: 1 };
      })
      .addEdge(START, "see")
      .addEdge("see", END)
      .compile({ name: "vision" })
      .invoke({ n: 0 });
    const input = String(otel.span("chat gpt-4o").attributes[ATTR_GEN_AI_INPUT_MESSAGES]);
    expect(JSON.parse(input)).toEqual([
      {
        role: "user",
        parts: [
          { type: "text", content: "what is this?" },
          { type: "uri", modality: "image", uri: "https://example.com/cat.png" },
          { type: "blob", modality: "image", mime_type: "image/png", content: "", omitted_bytes: 3000 },
        ],
      },
    ]);
    expect(input).not.toContain(LARGE.slice(0, 40));
  });
});
