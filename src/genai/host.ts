import type { DiagLogger, Tracer } from "@opentelemetry/api";
import type { ContentPolicy } from "./content/policy.js";
import type { GenAIInstruments } from "./metrics.js";
import type { RunTracker } from "./runs.js";
import type { Logger } from "@opentelemetry/api-logs";
import type { Pricing } from "./cost.js";
import type { SpanHooksConfig } from "../instrumentation/types.js";

/** What the callback handler reads from the instrumentation on each call. */
export interface GenAIHost {
  /** False once the instrumentation is disabled: no new spans (open ones still end). */
  readonly active: boolean;
  readonly tracer: Tracer;
  /** Undefined when metrics are switched off. */
  readonly instruments: GenAIInstruments | undefined;
  readonly content: ContentPolicy;
  readonly pricing: Pricing;
  /** Where `gen_ai.client.inference.operation.details` events go (content capture). */
  readonly logger: Logger;
  readonly diag: DiagLogger;
  readonly runs: RunTracker;
  /** The span hooks of the config (model and tool spans). */
  readonly hooks: SpanHooksConfig;
}

/** LangChain `ls_provider` values → `gen_ai.provider.name` well-known values. */
export const PROVIDERS: Readonly<Record<string, string>> = {
  openai: "openai",
  azure: "azure.ai.openai",
  azure_openai: "azure.ai.openai",
  azureopenai: "azure.ai.openai",
  anthropic: "anthropic",
  bedrock: "aws.bedrock",
  amazon_bedrock: "aws.bedrock",
  google_genai: "gcp.gen_ai",
  google_vertexai: "gcp.vertex_ai",
  vertexai: "gcp.vertex_ai",
  mistral: "mistral_ai",
  mistralai: "mistral_ai",
  groq: "groq",
  cohere: "cohere",
  deepseek: "deepseek",
  xai: "x_ai",
  perplexity: "perplexity",
  ibm: "ibm.watsonx.ai",
};

export function providerName(lsProvider: unknown): string | undefined {
  if (typeof lsProvider !== "string" || lsProvider === "") return undefined;
  const key = lsProvider.toLowerCase();
  return PROVIDERS[key] ?? key;
}

type Dict = Record<string, unknown>;

export function asDict(value: unknown): Dict | undefined {
  return typeof value === "object" && value !== null ? (value as Dict) : undefined;
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The model a call asked for: LangSmith params first, then the invocation params. */
export function requestModelOf(
  metadata: Dict | undefined,
  extraParams: Dict | undefined,
  serialized: unknown,
): string | undefined {
  const params = asDict(extraParams?.invocation_params);
  const kwargs = asDict(asDict(serialized)?.kwargs);
  return (
    nonEmptyString(metadata?.ls_model_name) ??
    nonEmptyString(params?.model) ??
    nonEmptyString(params?.model_name) ??
    nonEmptyString(params?.modelName) ??
    nonEmptyString(kwargs?.model) ??
    nonEmptyString(kwargs?.model_name)
  );
}
