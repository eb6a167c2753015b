import type { AnyValue } from "@opentelemetry/api-logs";
import { describeProblem, reportOnce } from "../../setup/env-check.js";
import {
  CAPTURE_CONTENT_ENV,
  captureModeOf,
  captureProblem,
  isCaptureMode,
  optedIntoLatestGenAI,
  SEMCONV_STABILITY_OPT_IN_ENV,
} from "./capture-mode.js";
import type { ContentCaptureMode, GenAIInstrumentationConfig } from "../types.js";
import { createRedactor, type Redactor } from "./redact.js";
import { safeSerialize } from "./serialize.js";

export { CAPTURE_CONTENT_ENV, SEMCONV_STABILITY_OPT_IN_ENV } from "./capture-mode.js";

const DEFAULT_MAX_CONTENT_LENGTH = 16384;
const DEFAULT_MAX_STRING_LENGTH = 4096;

/**
 * Whether content goes on spans, into `gen_ai.client.inference.operation.details` events,
 * both or neither: the config, else the environment, else NO_CONTENT. A bad environment
 * value is warned about once per process (or not at all when startObservability already
 * did), naming the variable, never the value.
 */
export function captureMode(config: GenAIInstrumentationConfig, warn: (message: string) => void): ContentCaptureMode {
  const given = config.captureMessageContent;
  if (typeof given === "boolean") return given ? "SPAN_ONLY" : "NO_CONTENT";
  if (given !== undefined) {
    if (isCaptureMode(given)) return given;
    warn(`langgraph-otel: captureMessageContent: ${captureProblem(false)}; content is not captured`);
    return "NO_CONTENT";
  }
  const raw = process.env[CAPTURE_CONTENT_ENV]?.trim() ?? "";
  if (raw === "") return "NO_CONTENT";
  const optIn = optedIntoLatestGenAI(process.env[SEMCONV_STABILITY_OPT_IN_ENV]);
  const mode = captureModeOf(raw, optIn);
  if (mode !== undefined) return mode;
  const problem = { variable: CAPTURE_CONTENT_ENV, problem: captureProblem(optIn), fallback: "NO_CONTENT" };
  if (reportOnce(problem.variable)) warn(describeProblem(problem));
  return "NO_CONTENT";
}

/**
 * The one gate for prompts, completions, tool arguments and results: nothing leaves
 * through `render` (span attributes) or `structured` (event attributes) unless the
 * capture mode says so, and what leaves is redacted and bounded.
 */
export class ContentPolicy {
  readonly mode: ContentCaptureMode;
  /** Content goes on spans. */
  readonly enabled: boolean;
  /** Content goes into `gen_ai.client.inference.operation.details` events. */
  readonly events: boolean;
  private readonly redactor: Redactor;
  private readonly maxLength: number;
  private readonly maxStringLength: number;

  constructor(
    config: GenAIInstrumentationConfig,
    onHookError: (err: unknown) => void,
    warn: (message: string) => void = () => {},
  ) {
    this.mode = captureMode(config, warn);
    this.enabled = this.mode === "SPAN_ONLY" || this.mode === "SPAN_AND_EVENT";
    this.events = this.mode === "EVENT_ONLY" || this.mode === "SPAN_AND_EVENT";
    this.redactor = createRedactor(config.redaction, onHookError);
    this.maxLength = positive(config.maxContentLength, DEFAULT_MAX_CONTENT_LENGTH);
    this.maxStringLength = Math.min(
      positive(config.maxStringLength, DEFAULT_MAX_STRING_LENGTH),
      this.maxLength,
    );
  }

  /** Longest string kept inside captured content (inline binary data beyond it is left out). */
  get maxInlineLength(): number {
    return this.maxStringLength;
  }

  /** JSON text of a value for a span attribute, or undefined when spans get no content. */
  render(value: unknown): string | undefined {
    return this.enabled ? this.serialize(value) : undefined;
  }

  /**
   * A value for an event attribute, in structured form as the conventions ask of events
   * (redacted and bounded like `render`; JSON text if it had to be cut), or undefined
   * when events get no content.
   */
  structured(value: unknown): AnyValue | undefined {
    if (!this.events) return undefined;
    const text = this.serialize(value);
    try {
      return JSON.parse(text) as AnyValue;
    } catch {
      return text;
    }
  }

  private serialize(value: unknown): string {
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
