import type { Attributes } from "@opentelemetry/api";
import {
  defaultResource,
  detectResources,
  hostDetector,
  processDetector,
  type Resource,
  type ResourceDetector,
  resourceFromAttributes,
} from "@opentelemetry/resources";

/**
 * The SDK's default resource, then what the detectors find, then the configured
 * attributes (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, options): later wins, so
 * configuration always beats detection.
 */
export function buildResource(
  attributes: Attributes,
  detectors: ResourceDetector[] = [processDetector, hostDetector],
): Resource {
  return defaultResource()
    .merge(detectResources({ detectors }))
    .merge(resourceFromAttributes(attributes));
}
