import type { Instrumentation } from "@opentelemetry/instrumentation";
import type { tracing } from "@opentelemetry/sdk-node";
import { GenAIInstrumentation } from "../genai/index.js";
import { LangGraphInstrumentation } from "../instrumentation/index.js";
import type { ObservabilityOptions } from "./options.js";

export interface SdkInstrumentations {
  langgraph: LangGraphInstrumentation;
  /** Absent when the options say `genai: false`. */
  genai: GenAIInstrumentation | undefined;
  /** Everything to register, the two above first. */
  all: Instrumentation[];
  /** Span processors the instrumentations need on the tracer provider. */
  spanProcessors: tracing.SpanProcessor[];
}

/**
 * The instrumentations startObservability registers. Every part of the SDK that patches a
 * library adds itself here (one line each), so the zero-code entry picks it up.
 */
export function createInstrumentations(options: ObservabilityOptions): SdkInstrumentations {
  // enabled: false: the SDK enables them once the providers are set, not at construction.
  const langgraph = new LangGraphInstrumentation({ ...options.instrumentation, enabled: false });
  // Model and tool spans, token usage, cost, human-in-the-loop links.
  const genai =
    options.genai === false ? undefined : new GenAIInstrumentation({ ...options.genai, enabled: false });
  const own = genai === undefined ? [langgraph] : [langgraph, genai];
  return {
    langgraph,
    genai,
    all: [...own, ...(options.instrumentations ?? [])],
    spanProcessors: genai === undefined ? [] : [genai.spanProcessor],
  };
}

/** Resolves once every instrumentation that patches asynchronously (ESM copies) is done. */
export function instrumentationsReady(instrumentations: readonly Instrumentation[]): Promise<void> {
  const pending = instrumentations.map((instrumentation) => {
    const ready = (instrumentation as { ready?: unknown }).ready;
    return ready instanceof Promise ? ready.catch(() => undefined) : undefined;
  });
  return Promise.all(pending).then(() => undefined);
}
