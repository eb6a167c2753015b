import type { Attributes, AttributeValue } from "@opentelemetry/api";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_LANGGRAPH_METADATA_PREFIX,
  ATTR_LANGGRAPH_TAGS,
  ATTR_USER_ID,
} from "../semconv.js";
import type { TaskConfig } from "./internal-types.js";
import type { RunAttributesConfig } from "./types.js";
import { safeString } from "./utils.js";

const DEFAULT_USER_ID_KEY = "user_id";
/** Identifiers, not content: longer values are cut. */
const MAX_VALUE_LENGTH = 256;
const MAX_TAGS = 32;
/** Tags LangChain and LangGraph add themselves to nested runs: not the user's. */
const INTERNAL_TAG = /^(?:(?:seq|graph):step:\d+|langsmith:.*)$/;

function scalar(value: unknown): AttributeValue | undefined {
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return String(value);
  if (typeof value !== "string" || value === "") return undefined;
  return value.length > MAX_VALUE_LENGTH ? value.slice(0, MAX_VALUE_LENGTH) : value;
}

/**
 * The attributes every span of a run carries: the thread as `gen_ai.conversation.id`, the
 * end user as `user.id`, allow-listed metadata and, when asked, the tags. A subgraph run
 * starts from its parent run's and adds what its own config says.
 */
export function runAttributes(
  config: RunAttributesConfig | undefined,
  options: TaskConfig | undefined,
  threadId: string | undefined,
  inherited: Attributes | undefined,
): Attributes {
  const attributes: Attributes = { ...inherited };
  if (threadId !== undefined) attributes[ATTR_GEN_AI_CONVERSATION_ID] = threadId;
  const metadata = options?.metadata;
  const userIdKey = config?.userIdKey ?? DEFAULT_USER_ID_KEY;
  if (userIdKey !== false) {
    const userId = scalar(metadata?.[userIdKey] ?? options?.configurable?.[userIdKey]);
    if (userId !== undefined) attributes[ATTR_USER_ID] = String(userId);
  }
  for (const key of config?.metadataKeys ?? []) {
    const value = scalar(metadata?.[key]);
    if (value !== undefined) attributes[`${ATTR_LANGGRAPH_METADATA_PREFIX}${key}`] = value;
  }
  if (config?.tags === true && Array.isArray(options?.tags)) {
    const userTags = (options.tags as unknown[])
      .map((tag) => safeString(tag).slice(0, MAX_VALUE_LENGTH))
      .filter((tag) => !INTERNAL_TAG.test(tag));
    if (userTags.length > 0) attributes[ATTR_LANGGRAPH_TAGS] = userTags.slice(0, MAX_TAGS);
  }
  return attributes;
}
