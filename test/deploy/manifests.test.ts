/**
 * Every overlay rendered by the pinned kustomize and validated by kubeconform -strict
 * against Kubernetes, Prometheus Operator and Argo Rollouts schemas; broken manifests
 * fail; images match docker-compose.yml; probes, HPA and canary wiring agree.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { agentCollectorImage, CONTRIB_COLLECTOR, composeImages, K8S, REPO, splitImage } from "./generate.js";
import { kubeconform, OVERLAYS, type Resource, render, resources } from "./k8s-tools.js";

const rendered = new Map<string, string>();
const renderOnce = (overlay: string) => {
  if (!rendered.has(overlay)) rendered.set(overlay, render(overlay));
  return rendered.get(overlay) as string;
};
const find = (docs: Resource[], kind: string, name: string) => {
  const found = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
type Container = { name: string; image: string; env?: { name: string; value?: string }[] } & Record<string, unknown>;
const podSpec = (r: Resource) => (r.spec as { template: { spec: { containers: Container[] } } }).template.spec;

describe("deploy/kubernetes overlays", () => {
  it("has the dev, production and canary overlays", () => {
    expect(OVERLAYS).toEqual(["canary", "dev", "production"]);
  });

  it.each(OVERLAYS)("%s renders and passes kubeconform -strict", (overlay) => {
    const manifests = renderOnce(overlay);
    const count = resources(manifests).length;
    const result = kubeconform(manifests);
    expect(result.summary, result.output).toEqual({ valid: count, invalid: 0, errors: 0, skipped: 0 });
    expect(result.status).toBe(0);
  }, 600_000);

  it.each([
    ["a misspelt container field", "dev", "        readinessProbe:", "        readinesProbe:", /additional properties 'readinesProbe' not allowed/],
    ["a misspelt PodMonitor field", "dev", "  podMetricsEndpoints:", "  podMetricEndpoints:", /podMetricEndpoints/],
    ["a Rollout with text replicas", "canary", "  replicas: 4\n", "  replicas: four\n", /"kind": "Rollout"[\s\S]*got string, want integer/],
    ["a misspelt AnalysisTemplate metric field", "canary", "    name: error-ratio-vs-stable\n", "    nam: error-ratio-vs-stable\n", /"kind": "AnalysisTemplate"[\s\S]*'nam' not allowed/],
  ])("fails on %s", (_what, overlay, from, to, message) => {
    const manifests = renderOnce(overlay);
    expect(manifests).toContain(from);
    const result = kubeconform(manifests.replace(from, to));
    expect(result.summary.invalid).toBeGreaterThan(0);
    expect(result.output).toMatch(message);
    expect(result.status).not.toBe(0);
  }, 600_000);

  it("fails on a kind it has no schema for (nothing is skipped)", () => {
    const result = kubeconform("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");
    expect(result.summary.errors).toBe(1);
    expect(result.output).toMatch(/could not find schema for Widget/);
  });
});

describe("image pins", () => {
  const compose = composeImages();
  // Which compose service pins each workload's image.
  const SOURCES: Record<string, string> = {
    "DaemonSet/otel-agent": "otel-collector",
    "Deployment/otel-gateway": "otel-collector",
    "Deployment/jaeger": "jaeger",
    "Deployment/grafana": "grafana",
    "Deployment/langgraph-agent": "demo",
    "Prometheus/langgraph-otel": "prometheus",
    "Alertmanager/langgraph-otel": "alertmanager",
  };

  it.each(OVERLAYS)("%s runs exactly the images docker-compose.yml pins", (overlay) => {
    const docs = resources(renderOnce(overlay));
    const seen: Record<string, string> = {};
    for (const doc of docs) {
      const key = `${doc.kind}/${doc.metadata.name}`;
      const spec = doc.spec as { image?: string; template?: unknown } | undefined;
      if (spec?.template && (spec.template as { spec?: unknown }).spec) {
        for (const c of podSpec(doc).containers) seen[key] = c.image;
      } else if (typeof spec?.image === "string") seen[key] = spec.image;
    }
    const expected: Record<string, string | undefined> = Object.fromEntries(
      Object.entries(SOURCES).map(([key, service]) => [key, compose[service]]),
    );
    // The agent tier: contrib at compose's Collector release (it needs loadbalancing).
    expected["DaemonSet/otel-agent"] = agentCollectorImage(compose);
    expect(seen).toEqual(expected);
    expect(Object.values(expected).every((image) => typeof image === "string" && image.includes(":"))).toBe(true);
  });
});

describe("wiring", () => {
  it("the agent's probes hit the health handler's paths on LANGGRAPH_OTEL_HEALTH_PORT", () => {
    const docs = resources(renderOnce("production"));
    const [agent] = podSpec(find(docs, "Deployment", "langgraph-agent")).containers as (Container & {
      ports: { name: string; containerPort: number }[];
      livenessProbe: { httpGet: { path: string; port: string } };
      readinessProbe: { httpGet: { path: string; port: string } };
    })[];
    if (!agent) throw new Error("no agent container");
    const healthPort = agent.ports.find((p) => p.name === agent.readinessProbe.httpGet.port)?.containerPort;
    expect(agent.env?.find((e) => e.name === "LANGGRAPH_OTEL_HEALTH_PORT")?.value).toBe(String(healthPort));
    expect(agent.livenessProbe.httpGet.path).toBe("/health");
    expect(agent.readinessProbe.httpGet.path).toBe("/ready");
    expect(find(docs, "HorizontalPodAutoscaler", "langgraph-agent").spec).toMatchObject({ minReplicas: 3, maxReplicas: 20 });
  });

  it.each(OVERLAYS)("%s names no compose-only host: every http://<host>:<port> is a Service it defines", (overlay) => {
    const manifests = renderOnce(overlay);
    const docs = resources(manifests);
    const services = new Set(docs.filter((d) => d.kind === "Service").map((d) => d.metadata.name));
    // The operator creates these for the Prometheus and Alertmanager resources.
    for (const kind of ["Prometheus", "Alertmanager"]) if (docs.some((d) => d.kind === kind)) services.add(`${kind.toLowerCase()}-operated`);
    const hosts = [...manifests.matchAll(/https?:\/\/([a-z][a-z0-9-]*)(?:\.[a-z0-9.-]+)?:\d+/g)].map((m) => m[1] as string);
    expect(hosts.length).toBeGreaterThan(0);
    expect([...new Set(hosts)].filter((h) => !services.has(h))).toEqual([]);
  });

  it("agents route to the gateways' headless Service by trace id", () => {
    const config = parse(readFileSync(join(K8S, "base/collector/agent-config.yaml"), "utf8")) as {
      exporters: { loadbalancing: { routing_key: string; resolver: { dns: { hostname: string } } } };
      service: { pipelines: Record<string, { exporters: string[] }> };
    };
    expect(config.exporters.loadbalancing.routing_key).toBe("traceID");
    expect(config.service.pipelines.traces?.exporters).toEqual(["loadbalancing"]);
    const headless = find(resources(renderOnce("production")), "Service", config.exporters.loadbalancing.resolver.dns.hostname);
    expect(headless.spec).toMatchObject({ clusterIP: "None", selector: { "app.kubernetes.io/name": "otel-gateway" } });
  });

  it("the canary: HPA scales the Rollout, its version label is the pods', its analysis args exist", () => {
    const docs = resources(renderOnce("canary"));
    const rollout = find(docs, "Rollout", "langgraph-agent");
    const deployment = find(docs, "Deployment", "langgraph-agent");
    const podLabels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    expect(rollout.metadata.labels?.["app.kubernetes.io/version"]).toBe(podLabels["app.kubernetes.io/version"]);
    expect((deployment.spec as { replicas: number }).replicas).toBe(0);
    expect((find(docs, "HorizontalPodAutoscaler", "langgraph-agent").spec as { scaleTargetRef: unknown }).scaleTargetRef).toEqual({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      name: "langgraph-agent",
    });
    const template = find(docs, "AnalysisTemplate", "langgraph-canary").spec as { args: { name: string; value?: string }[] };
    const analysis = (rollout.spec as { strategy: { canary: { analysis: { templates: { templateName: string }[]; args: { name: string }[] } } } })
      .strategy.canary.analysis;
    expect(analysis.templates).toEqual([{ templateName: "langgraph-canary" }]);
    const required = template.args.filter((a) => a.value === undefined).map((a) => a.name);
    expect(analysis.args.map((a) => a.name).sort()).toEqual(required.sort());
  });

  it("the gateway image has every component the gateway config uses; the agent's is contrib", () => {
    expect(splitImage(agentCollectorImage(compose))).toEqual({ name: CONTRIB_COLLECTOR, tag: splitImage(compose["otel-collector"] ?? "").tag });
    const gateway = parse(readFileSync(join(REPO, "collector/otel-collector.yaml"), "utf8"));
    const used = new Set<string>();
    for (const config of [gateway] as Record<string, Record<string, unknown> | undefined>[]) {
      for (const kind of ["receivers", "processors", "exporters", "connectors", "extensions"]) {
        for (const id of Object.keys(config[kind] ?? {})) used.add(`${kind}:${id.split("/")[0]}`);
      }
    }
    let builder: string | undefined;
    try {
      builder = readFileSync(join(REPO, "collector/builder-config.yaml"), "utf8");
    } catch {
      builder = undefined;
    }
    if (builder === undefined) {
      // No distribution of our own: the contrib image carries every component.
      expect(compose["otel-collector"]).toMatch(/^otel\/opentelemetry-collector-contrib:/);
      return;
    }
    const modules = builder.toLowerCase();
    const missing = [...used].filter((entry) => {
      const [kind, type] = entry.split(":") as [string, string];
      const suffix = kind === "extensions" ? "extension" : kind.replace(/s$/, "");
      const module = `${type === "otlp_grpc" || type === "otlp_http" ? "otlp" : type.replace(/_/g, "")}${suffix}`;
      return !modules.includes(`/${module} `);
    });
    expect(missing, "add these to collector/builder-config.yaml").toEqual([]);
  });
});

const compose = composeImages();
