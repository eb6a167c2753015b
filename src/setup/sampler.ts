import { tracing } from "@opentelemetry/sdk-node";
import { ObservabilityConfigError } from "./errors.js";

const SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
];

/** The OTEL_TRACES_SAMPLER names of the spec that need no remote service. */
export function createSampler(name: string, arg: number, setting: string): tracing.Sampler {
  switch (name) {
    case "always_on":
      return new tracing.AlwaysOnSampler();
    case "always_off":
      return new tracing.AlwaysOffSampler();
    case "traceidratio":
      return new tracing.TraceIdRatioBasedSampler(arg);
    case "parentbased_always_on":
      return new tracing.ParentBasedSampler({ root: new tracing.AlwaysOnSampler() });
    case "parentbased_always_off":
      return new tracing.ParentBasedSampler({ root: new tracing.AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new tracing.ParentBasedSampler({ root: new tracing.TraceIdRatioBasedSampler(arg) });
    default:
      throw new ObservabilityConfigError(
        setting,
        `unknown sampler "${name}" (expected ${SAMPLERS.join(", ")})`,
      );
  }
}
