import type { GenAIInstrumentationConfig } from "../types.js";
import { createRedactor, type Redactor } from "./redact.js";
import { safeSerialize } from "./serialize.js";

/** The standard opt-in switch of the OTel GenAI instrumentations. */
export const CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

const DEFAULT_MAX_CONTENT_LENGTH = 16384;
const DEFAULT_MAX_STRING_LENGTH = 4096;

/** Whether content is captured: the config wins, then the environment; off by default. */
export function captureEnabled(config: GenAIInstrumentationConfig): boolean {
  if (typeof config.captureMessageContent === "boolean") return config.captureMessageContent;
  return process.env[CAPTURE_CONTENT_ENV]?.trim().toLowerCase() === "true";
}

/**
 * The one gate for prompts, completions, tool arguments and results: nothing leaves
 * through `render` unless capture is on, and what leaves is redacted and bounded.
 */
export class ContentPolicy {
  readonly enabled: boolean;
  private readonly redactor: Redactor;
  private readonly maxLength: number;
  private readonly maxStringLength: number;

  constructor(config: GenAIInstrumentationConfig, onHookError: (err: unknown) => void) {
    this.enabled = captureEnabled(config);
    this.redactor = createRedactor(config.redaction, onHookError);
    this.maxLength = positive(config.maxContentLength, DEFAULT_MAX_CONTENT_LENGTH);
    this.maxStringLength = Math.min(
      positive(config.maxStringLength, DEFAULT_MAX_STRING_LENGTH),
      this.maxLength,
    );
  }

  /** JSON text of a value for an attribute, or undefined when capture is off. */
  render(value: unknown): string | undefined {
    if (!this.enabled) return undefined;
    return safeSerialize(value, { maxLength: this.maxLength, maxStringLength: this.maxStringLength }, this.redactor);
  }

  /** Like `render` for text that may hold JSON (tool input): keys inside are redacted too. */
  renderText(value: string): string | undefined {
    if (!this.enabled) return undefined;
    return this.render(parseJsonObject(value) ?? value);
  }
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

function parseJsonObject(text: string): unknown {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
