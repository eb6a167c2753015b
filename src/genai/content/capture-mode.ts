/**
 * The content capture switch of the OTel GenAI instrumentations, read the same way by the
 * instrumentation and by the setup's environment check.
 */
import type { ContentCaptureMode } from "../types.js";

export const CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
/** With `gen_ai_latest_experimental` in it, the switch above takes a mode, not a boolean. */
export const SEMCONV_STABILITY_OPT_IN_ENV = "OTEL_SEMCONV_STABILITY_OPT_IN";
export const GEN_AI_LATEST_EXPERIMENTAL = "gen_ai_latest_experimental";

export const CAPTURE_MODES: readonly ContentCaptureMode[] = ["NO_CONTENT", "SPAN_ONLY", "EVENT_ONLY", "SPAN_AND_EVENT"];

export function isCaptureMode(value: unknown): value is ContentCaptureMode {
  return CAPTURE_MODES.includes(value as ContentCaptureMode);
}

/** Whether `OTEL_SEMCONV_STABILITY_OPT_IN` (a comma-separated list) asks for the latest GenAI conventions. */
export function optedIntoLatestGenAI(optIn: string | undefined): boolean {
  return (optIn ?? "").split(",").some((entry) => entry.trim().toLowerCase() === GEN_AI_LATEST_EXPERIMENTAL);
}

/**
 * The mode a value of the switch names, or undefined when it names none: before the
 * opt-in the switch is a boolean (a mode name is accepted too), with it only the modes are.
 */
export function captureModeOf(raw: string, optIn: boolean): ContentCaptureMode | undefined {
  const upper = raw.trim().toUpperCase();
  if (isCaptureMode(upper)) return upper;
  if (optIn) return undefined;
  if (upper === "TRUE") return "SPAN_ONLY";
  if (upper === "FALSE") return "NO_CONTENT";
  return undefined;
}

/** Why a value is unusable, without the value (it could be anything the user pasted). */
export function captureProblem(optIn: boolean): string {
  return optIn
    ? `expected ${CAPTURE_MODES.join(", ")} (${GEN_AI_LATEST_EXPERIMENTAL} is on)`
    : `expected true, false or ${CAPTURE_MODES.join(", ")}`;
}
