/**
 * LangChain messages in the shape of the GenAI conventions' `gen_ai.input.messages` /
 * `gen_ai.output.messages` (role + parts), read structurally (two copies of core).
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

function contentParts(content: unknown): GenAIPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", content }];
  if (!Array.isArray(content)) return content === undefined ? [] : [{ type: "text", content }];
  const parts: GenAIPart[] = [];
  for (const block of content) {
    if (typeof block === "string") parts.push({ type: "text", content: block });
    else if (typeof block === "object" && block !== null) {
      const b = block as Dict;
      if (b.type === "text" && typeof b.text === "string") parts.push({ type: "text", content: b.text });
      else parts.push({ type: typeof b.type === "string" ? b.type : "unknown", content: b });
    }
  }
  return parts;
}

/** One LangChain message (instance or plain object) as a GenAI message. */
export function toGenAIMessage(value: unknown): GenAIMessage {
  if (typeof value === "string") return { role: "user", parts: [{ type: "text", content: value }] };
  if (typeof value !== "object" || value === null) return { role: "user", parts: [] };
  const message = value as Dict;
  const type = messageType(message) ?? "generic";
  const role = ROLES[type] ?? (typeof message.role === "string" ? message.role : "user");
  const parts = contentParts(message.content);
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (typeof call !== "object" || call === null) continue;
      const c = call as Dict;
      parts.push({ type: "tool_call", id: c.id, name: c.name, arguments: c.args });
    }
  }
  if (role === "tool") {
    return {
      role,
      parts: [{ type: "tool_call_response", id: message.tool_call_id, response: message.content }],
    };
  }
  return { role, parts };
}

/** `handleChatModelStart` messages (`BaseMessage[][]`) flattened to GenAI messages. */
export function inputMessages(batches: unknown): GenAIMessage[] {
  const out: GenAIMessage[] = [];
  if (!Array.isArray(batches)) return out;
  for (const batch of batches) {
    if (Array.isArray(batch)) for (const message of batch) out.push(toGenAIMessage(message));
    else out.push(toGenAIMessage(batch));
  }
  return out;
}

/** Generated messages with their finish reasons. */
export function outputMessages(messages: unknown[], finishReasons: string[]): GenAIMessage[] {
  return messages.map((message, i) => {
    const out = toGenAIMessage(message);
    out.role = "assistant";
    const reason = finishReasons[i];
    if (reason !== undefined) out.finish_reason = reason;
    return out;
  });
}
