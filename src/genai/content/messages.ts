/**
 * LangChain messages in the shape of the GenAI conventions' `gen_ai.input.messages` /
 * `gen_ai.output.messages` (role + parts, the conventions' message JSON schema), read
 * structurally (two copies of core). Content comes from `BaseMessage.contentBlocks`
 * (@langchain/core 1.x standard blocks, whatever the provider's own format), so images,
 * audio, video and files become `blob`, `uri` and `file` parts; inline binary data longer
 * than the content's string limit is left out, never cut (cut base64 is garbage).
 */

type Dict = Record<string, unknown>;

export interface GenAIPart {
  type: string;
  [key: string]: unknown;
}

export interface GenAIMessage {
  role: string;
  parts: GenAIPart[];
  finish_reason?: string;
}

export interface MessageOptions {
  /** Longest base64 text inlined in a `blob` part; longer data is left out. */
  maxInlineLength: number;
}

const ROLES: Record<string, string> = {
  human: "user",
  user: "user",
  ai: "assistant",
  assistant: "assistant",
  system: "system",
  developer: "system",
  tool: "tool",
  function: "tool",
  generic: "user",
};

const MEDIA_TYPES = new Set(["image", "audio", "video", "file", "text-plain"]);

function asDict(value: unknown): Dict | undefined {
  return typeof value === "object" && value !== null ? (value as Dict) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function messageType(message: Dict): string | undefined {
  for (const method of ["getType", "_getType"] as const) {
    const fn = message[method];
    if (typeof fn === "function") {
      try {
        const type = (fn as () => unknown).call(message);
        if (typeof type === "string") return type;
      } catch {
        // fall through to the field
      }
    }
  }
  return typeof message.type === "string" ? message.type : undefined;
}

/** The standard content blocks of a BaseMessage (core 1.x), or undefined for plain objects. */
function standardBlocks(message: Dict): unknown[] | undefined {
  try {
    const blocks = message.contentBlocks;
    return Array.isArray(blocks) ? blocks : undefined;
  } catch {
    // A translator that cannot read this provider's content: fall back to `content`.
    return undefined;
  }
}

function modalityOf(type: string, mimeType: string | undefined): string {
  if (type === "image" || type === "audio" || type === "video") return type;
  const major = mimeType?.split("/")[0];
  return major === "image" || major === "audio" || major === "video" ? major : "document";
}

function blobPart(
  modality: string,
  mimeType: string | undefined,
  length: number,
  base64: () => string,
  options: MessageOptions,
): GenAIPart {
  const part: GenAIPart = { type: "blob", modality };
  if (mimeType !== undefined) part.mime_type = mimeType;
  if (length <= options.maxInlineLength) part.content = base64();
  else {
    part.content = "";
    // base64 length → bytes, so the reader knows what was there.
    part.omitted_bytes = Math.floor((length * 3) / 4);
  }
  return part;
}

/** An image, audio, video or file block (standard or the older `image_url`) as a part. */
function mediaPart(block: Dict, type: string, options: MessageOptions): GenAIPart {
  if (type === "text-plain" && typeof block.text === "string") return { type: "text", content: block.text };
  const url = str(block.url);
  const dataUrl = url?.startsWith("data:") === true ? url : undefined;
  const mimeType =
    str(block.mimeType) ?? str(block.mime_type) ?? (dataUrl === undefined ? undefined : dataUrl.slice(5).split(/[;,]/)[0]);
  const modality = modalityOf(type, mimeType);
  const fileId = str(block.fileId) ?? str(block.file_id);
  if (fileId !== undefined) {
    return { type: "file", modality, ...(mimeType === undefined ? {} : { mime_type: mimeType }), file_id: fileId };
  }
  if (dataUrl !== undefined) {
    const comma = dataUrl.indexOf(",");
    return blobPart(modality, mimeType, dataUrl.length - comma - 1, () => dataUrl.slice(comma + 1), options);
  }
  if (url !== undefined) {
    return { type: "uri", modality, ...(mimeType === undefined ? {} : { mime_type: mimeType }), uri: url };
  }
  const data = block.data;
  if (typeof data === "string") return blobPart(modality, mimeType, data.length, () => data, options);
  if (data instanceof Uint8Array) {
    const base64 = () => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
    return blobPart(modality, mimeType, Math.ceil(data.byteLength / 3) * 4, base64, options);
  }
  return { type: modality };
}

/** One content block (standard, provider-specific or a string) as a GenAI part. */
function partOf(block: unknown, options: MessageOptions): GenAIPart | undefined {
  if (typeof block === "string") return block === "" ? undefined : { type: "text", content: block };
  const b = asDict(block);
  if (b === undefined) return undefined;
  const type = typeof b.type === "string" ? b.type : "unknown";
  switch (type) {
    case "text":
      return typeof b.text === "string" ? { type: "text", content: b.text } : { type: "text", content: b.content };
    case "reasoning":
      return { type: "reasoning", content: b.reasoning ?? b.content };
    case "refusal":
      return { type: "refusal", content: b.refusal };
    case "tool_call":
    case "tool_call_chunk":
    case "invalid_tool_call":
      return { type: "tool_call", id: b.id ?? null, name: b.name, arguments: b.args ?? null };
    case "server_tool_call":
      return { type: "server_tool_call", id: b.id ?? null, name: b.name, server_tool_call: { type: b.name, arguments: b.args } };
    case "server_tool_call_result":
      return {
        type: "server_tool_call_response",
        id: b.toolCallId ?? null,
        server_tool_call_response: { type: b.status, output: b.output },
      };
    case "image_url": {
      // Chat Completions input on a plain object (BaseMessages come translated).
      const image = asDict(b.image_url);
      return mediaPart({ url: typeof b.image_url === "string" ? b.image_url : image?.url }, "image", options);
    }
    default:
      return MEDIA_TYPES.has(type) ? mediaPart(b, type, options) : { ...b, type };
  }
}

function contentParts(content: unknown, options: MessageOptions): GenAIPart[] {
  if (content === undefined || content === null) return [];
  const blocks = Array.isArray(content) ? content : [content];
  const parts: GenAIPart[] = [];
  for (const block of blocks) {
    const part = partOf(typeof block === "object" || typeof block === "string" ? block : String(block), options);
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

/** One LangChain message (instance or plain object) as a GenAI message. */
export function toGenAIMessage(value: unknown, options: MessageOptions): GenAIMessage {
  if (typeof value === "string") return { role: "user", parts: [{ type: "text", content: value }] };
  const message = asDict(value);
  if (message === undefined) return { role: "user", parts: [] };
  const type = messageType(message) ?? "generic";
  const role = ROLES[type] ?? (typeof message.role === "string" ? message.role : "user");
  if (role === "tool") {
    const response = typeof message.content === "string" ? message.content : contentParts(message.content, options);
    return { role, parts: [{ type: "tool_call_response", id: message.tool_call_id ?? null, response }] };
  }
  const parts = contentParts(standardBlocks(message) ?? message.content, options);
  // Tool calls that the blocks do not carry already (plain objects, older cores).
  if (Array.isArray(message.tool_calls)) {
    const seen = new Set(parts.filter((p) => p.type === "tool_call").map((p) => p.id));
    for (const call of message.tool_calls) {
      const c = asDict(call);
      if (c === undefined || (c.id !== undefined && seen.has(c.id))) continue;
      parts.push({ type: "tool_call", id: c.id ?? null, name: c.name, arguments: c.args ?? null });
    }
  }
  return { role, parts };
}

/** `handleChatModelStart` messages (`BaseMessage[][]`) flattened to GenAI messages. */
export function inputMessages(batches: unknown, options: MessageOptions): GenAIMessage[] {
  const out: GenAIMessage[] = [];
  if (!Array.isArray(batches)) return out;
  for (const batch of batches) {
    if (Array.isArray(batch)) for (const message of batch) out.push(toGenAIMessage(message, options));
    else out.push(toGenAIMessage(batch, options));
  }
  return out;
}

/** Generated messages with their finish reasons. */
export function outputMessages(messages: unknown[], finishReasons: string[], options: MessageOptions): GenAIMessage[] {
  return messages.map((message, i) => {
    const out = toGenAIMessage(message, options);
    out.role = "assistant";
    const reason = finishReasons[i];
    if (reason !== undefined) out.finish_reason = reason;
    return out;
  });
}
