import type { Attributes } from "@opentelemetry/api";
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  type Resource,
  type ResourceDetector,
  resourceFromAttributes,
} from "@opentelemetry/resources";
import { ATTR_PROCESS_COMMAND_ARGS } from "../semconv.js";

/**
 * The SDK's process detector without `process.command_args`: a command line often
 * carries secrets (`--api-key sk-…`), and the resource goes out with every span and in
 * Prometheus's `target_info`. Set it through OTEL_RESOURCE_ATTRIBUTES if you want it.
 */
export const processDetectorWithoutArgs: ResourceDetector = {
  detect(config) {
    const detected = processDetector.detect(config);
    const { [ATTR_PROCESS_COMMAND_ARGS]: _commandArgs, ...attributes } = detected.attributes ?? {};
    return { ...detected, attributes };
  },
};

/**
 * The SDK's default resource, then what the detectors find, then OTEL_RESOURCE_ATTRIBUTES
 * and OTEL_SERVICE_NAME (parsed by the SDK's own envDetector), then the options' attributes:
 * later wins, so configuration always beats detection and an option beats the environment.
 */
export function buildResource(
  attributes: Attributes,
  detectors: ResourceDetector[] = [processDetectorWithoutArgs, hostDetector],
): Resource {
  return defaultResource()
    .merge(detectResources({ detectors: [...detectors, envDetector] }))
    .merge(resourceFromAttributes(attributes));
}
