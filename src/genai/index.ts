export { CAPTURE_CONTENT_ENV, SEMCONV_STABILITY_OPT_IN_ENV } from "./content/policy.js";
export { DEFAULT_REPLACEMENT } from "./content/redact.js";
export { safeSerialize } from "./content/serialize.js";
export { GENAI_HANDLER_NAME, GenAICallbackHandler } from "./handler.js";
export {
  type HumanDecisionOptions,
  InterruptLinkSpanProcessor,
  recordHumanDecision,
} from "./human-in-the-loop.js";
export { GENAI_INSTRUMENTATION_NAME, GenAIInstrumentation } from "./instrumentation.js";
export { costOf, DEFAULT_MODEL_PRICES, findPrice } from "./pricing.js";
export type {
  ContentCaptureMode,
  ContentRedactionConfig,
  GenAIInstrumentationConfig,
  ModelPrice,
  PriceTable,
  RedactionContext,
} from "./types.js";
