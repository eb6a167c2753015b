import type { InstrumentationConfig } from "@opentelemetry/instrumentation";
import type { SpanHooksConfig } from "../instrumentation/types.js";

/** Price of a model in USD per million tokens. */
export interface ModelPrice {
  /** Uncached input (prompt) tokens. */
  input: number;
  /** Output (completion) tokens, reasoning included. */
  output: number;
  /** Input tokens read from the provider's prompt cache; defaults to `input`. */
  cachedInput?: number;
  /** Input tokens written to the provider's prompt cache; defaults to `input`. */
  cacheWrite?: number;
}

/** Model name (or name prefix, see docs/genai.md) → price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** Where a redaction hook is called: the object key that holds the value, if any. */
export interface RedactionContext {
  key: string | undefined;
}

export interface ContentRedactionConfig {
  /**
   * Extra key patterns: a value under a matching key is replaced whole. Strings match
   * the key case-insensitively, ignoring `-` and `_`, as a suffix (`"pin"` matches
   * `user_pin`). Added to the defaults (api_key, token, password, secret, authorization…).
   */
  keys?: ReadonlyArray<string | RegExp>;
  /** Extra value patterns (global regexps are fine): matches inside strings are replaced. */
  values?: readonly RegExp[];
  /** Drop the built-in key and value patterns (only yours apply). Default false. */
  replaceDefaults?: boolean;
  /**
   * Called for every string that survives the patterns; returns what to record. A hook
   * that throws makes the value `[REDACTED]`: failing closed never leaks.
   */
  hook?: (value: string, context: RedactionContext) => string;
  /** Replacement text. Default `[REDACTED]`. */
  replacement?: string;
}

/**
 * Where captured content goes (the GenAI conventions' modes): nowhere, span attributes,
 * `gen_ai.client.inference.operation.details` events (OTel log records), or both.
 */
export type ContentCaptureMode = "NO_CONTENT" | "SPAN_ONLY" | "EVENT_ONLY" | "SPAN_AND_EVENT";

/** `startSpanHook` / `responseHook` here cover model (chat, text_completion) and tool spans. */
export interface GenAIInstrumentationConfig extends InstrumentationConfig, SpanHooksConfig {
  /**
   * Record prompts, completions, tool arguments and results: `true` (= `SPAN_ONLY`),
   * `false` (= `NO_CONTENT`) or a mode. Default: the environment variable
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` (`true`/`false` or a mode; only a
   * mode when `OTEL_SEMCONV_STABILITY_OPT_IN` contains `gen_ai_latest_experimental`),
   * otherwise off. An explicit value here wins over the environment; an invalid one is a
   * diag warning and off.
   */
  captureMessageContent?: boolean | ContentCaptureMode;
  /** How captured content is redacted (only used when capture is on). */
  redaction?: ContentRedactionConfig;
  /** Longest recorded content attribute, in characters. Default 16384. */
  maxContentLength?: number;
  /** Longest single string inside captured content, in characters. Default 4096. */
  maxStringLength?: number;
  /** Prices added to (and overriding) the built-in table. */
  prices?: PriceTable;
  /** Use only `prices`, not the built-in table. Default false. */
  replaceDefaultPrices?: boolean;
  /** Record the GenAI metrics. Default true; spans are unaffected. */
  enableMetrics?: boolean;
}
