import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

/** Everything a backend could show of spans: names, attributes, events, links, status. */
export function everything(spans: ReadableSpan[]): string {
  return JSON.stringify(
    spans.map((s) => ({
      name: s.name,
      attributes: s.attributes,
      events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
      links: s.links.map((l) => l.attributes),
      status: s.status,
    })),
  );
}
