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

/**
 * The SDK's default resource, then what the detectors find, then OTEL_RESOURCE_ATTRIBUTES
 * and OTEL_SERVICE_NAME (parsed by the SDK's own envDetector), then the options' attributes:
 * later wins, so configuration always beats detection and an option beats the environment.
 */
export function buildResource(
  attributes: Attributes,
  detectors: ResourceDetector[] = [processDetector, hostDetector],
): Resource {
  return defaultResource()
    .merge(detectResources({ detectors: [...detectors, envDetector] }))
    .merge(resourceFromAttributes(attributes));
}
