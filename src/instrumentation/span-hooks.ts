import type { Attributes, DiagLogger, Span } from "@opentelemetry/api";
import { safeExecuteInTheMiddle } from "@opentelemetry/instrumentation";
import type { SpanHooksConfig, SpanResponseInfo, SpanStartInfo } from "./types.js";

/**
 * Runs `startSpanHook` (if any) and adds what it returns to `attributes`, which the caller
 * then starts its span with: samplers see the additions. A throwing hook adds nothing.
 */
export function applyStartSpanHook(
  hooks: SpanHooksConfig,
  diag: DiagLogger,
  info: SpanStartInfo,
  attributes: Attributes,
): void {
  const hook = hooks.startSpanHook;
  if (hook === undefined) return;
  safeExecuteInTheMiddle(
    () => hook(info),
    (err, extra) => {
      if (err) diag.error(`startSpanHook failed (${info.kind} span)`, err);
      else if (typeof extra === "object" && extra !== null) Object.assign(attributes, extra);
    },
    true,
  );
}

/** Runs `responseHook` (if any) on a span whose work is done, before it ends. */
export function applyResponseHook(hooks: SpanHooksConfig, diag: DiagLogger, span: Span, info: SpanResponseInfo): void {
  const hook = hooks.responseHook;
  if (hook === undefined) return;
  safeExecuteInTheMiddle(
    () => hook(span, info),
    (err) => {
      if (err) diag.error(`responseHook failed (${info.kind} span)`, err);
    },
    true,
  );
}
