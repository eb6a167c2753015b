/**
 * Derives deploy/kubernetes/ files from the compose stack's single sources: alert and
 * recording rules, dashboards, the Collector (gateway), Jaeger, Alertmanager and Grafana
 * provisioning configs, and the image pins of docker-compose.yml. generated.test.ts
 * fails when a committed copy is stale; UPDATE_K8S=1 on it rewrites them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { isMap, parse, parseAllDocuments, parseDocument, stringify } from "yaml";

export const REPO = resolve(__dirname, "../..");
export const K8S = join(REPO, "deploy/kubernetes");
const BASE = join(K8S, "base");

/** Compose addresses and their in-cluster Services (the operator's are `<kind>-operated`). */
const IN_CLUSTER: [string, string][] = [
  ["http://prometheus:9090", "http://prometheus-operated:9090"],
  ["http://alertmanager:9093", "http://alertmanager-operated:9093"],
];
/** The operator mounts each Secret in spec.secrets under /etc/alertmanager/secrets/<name>/. */
const WEBHOOK_SECRET = "alertmanager-webhooks";

const read = (path: string) => readFileSync(join(REPO, path), "utf8");
const header = (source: string, comment = "#") =>
  `${comment} GENERATED from ${source} by test/deploy/generate.ts: edit the source, then run\n` +
  `${comment} UPDATE_K8S=1 npx vitest run test/deploy/generated.test.ts\n`;
const dump = (value: unknown) => stringify(value, { lineWidth: 0 });

/** Image pins by compose service. */
export function composeImages(): Record<string, string> {
  const compose = parse(read("docker-compose.yml")) as { services: Record<string, { image?: string }> };
  const images: Record<string, string> = {};
  for (const [name, service] of Object.entries(compose.services)) {
    if (service.image) images[name] = service.image;
  }
  return images;
}

export function splitImage(image: string): { name: string; tag: string } {
  const at = image.lastIndexOf(":");
  return { name: image.slice(0, at), tag: image.slice(at + 1) };
}

/** Which compose service pins each placeholder image of the base kustomization. */
export const IMAGE_SOURCES: Record<string, string> = {
  "otel-collector": "otel-collector",
  jaeger: "jaeger",
  grafana: "grafana",
};

/**
 * The Collector agent tier needs the loadbalancing exporter, which the stack's own
 * distribution (collector/builder-config.yaml) leaves out: the contrib image at the same
 * Collector release as compose's.
 */
export const CONTRIB_COLLECTOR = "otel/opentelemetry-collector-contrib";
export function agentCollectorImage(images = composeImages()): string {
  const gateway = images["otel-collector"];
  if (gateway === undefined) throw new Error("docker-compose.yml has no otel-collector image");
  return `${CONTRIB_COLLECTOR}:${splitImage(gateway).tag}`;
}

function prometheusRule(): string {
  const dir = join(REPO, "prometheus/rules");
  const groups = readdirSync(dir)
    .filter((f) => f.endsWith(".yml"))
    .sort()
    .flatMap((f) => (parse(readFileSync(join(dir, f), "utf8")) as { groups: unknown[] }).groups);
  const rule = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "langgraph-otel", labels: { "langgraph-otel/rules": "true" } },
    spec: { groups },
  };
  return header("prometheus/rules/*.yml") + dump(rule);
}

function dashboards(): string {
  const dir = join(REPO, "grafana/dashboards");
  return (
    header("grafana/dashboards/*.json") +
    readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) =>
        dump({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: {
            name: `grafana-dashboard-${f.replace(/\.json$/, "")}`,
            // The label kube-prometheus-stack's Grafana sidecar watches for.
            labels: { grafana_dashboard: "1" },
          },
          data: { [f]: readFileSync(join(dir, f), "utf8") },
        }),
      )
      .join("---\n")
  );
}

function alertmanager(): string {
  const text = read("alertmanager/alertmanager.yml");
  const rewritten = text.replaceAll("/etc/alertmanager/secrets/", `/etc/alertmanager/secrets/${WEBHOOK_SECRET}/`);
  if (rewritten === text) throw new Error("alertmanager.yml reads no url_file under /etc/alertmanager/secrets/");
  return header("alertmanager/alertmanager.yml") + rewritten;
}

function inCluster(path: string): string {
  const text = read(path);
  const rewritten = IN_CLUSTER.reduce((t, [compose, cluster]) => t.replaceAll(compose, cluster), text);
  if (rewritten === text) throw new Error(`${path} names none of ${IN_CLUSTER.map(([c]) => c).join(", ")}`);
  return header(path) + rewritten;
}

/** base/kustomization.yaml with `images:` taken from compose (comments kept). */
function baseKustomization(current: string): string {
  const images = composeImages();
  const doc = parseDocument(current);
  const list = doc.get("images");
  if (!list || typeof list !== "object" || !("items" in list)) throw new Error("base kustomization has no images");
  for (const item of (list as { items: unknown[] }).items) {
    if (!isMap(item)) continue;
    const placeholder = String(item.get("name"));
    const source = IMAGE_SOURCES[placeholder];
    const image = placeholder === "otel-collector-agent" ? agentCollectorImage(images) : source === undefined ? undefined : images[source];
    if (image === undefined) continue;
    const { name, tag } = splitImage(image);
    item.set("newName", name);
    item.set("newTag", tag);
  }
  return doc.toString({ lineWidth: 0 });
}

/** The operator's Prometheus and Alertmanager take their image in the resource itself. */
function operatorResources(current: string): string {
  const images = composeImages();
  return parseAllDocuments(current)
    .map((doc) => {
      const kind = String(doc.get("kind")).toLowerCase();
      const image = images[kind];
      if (image !== undefined) {
        doc.setIn(["spec", "image"], image);
        doc.setIn(["spec", "version"], splitImage(image).tag);
      }
      return doc.toString({ lineWidth: 0 });
    })
    .join("");
}

/** Every generated file, by path under deploy/kubernetes/base, from the current sources. */
export function generatedFiles(): Record<string, string> {
  const current = (path: string) => readFileSync(join(BASE, path), "utf8");
  return {
    "collector/generated/otel-collector.yaml": header("collector/otel-collector.yaml") + read("collector/otel-collector.yaml"),
    "jaeger/generated/config.yaml": inCluster("jaeger/config.yaml"),
    "jaeger/generated/ui-config.json": read("jaeger/ui-config.json"),
    "monitoring/generated/prometheus-rule.yaml": prometheusRule(),
    "monitoring/generated/alertmanager.yaml": alertmanager(),
    "grafana/generated/dashboards.yaml": dashboards(),
    "grafana/generated/datasources.yaml": inCluster(
      readdirSync(join(REPO, "grafana/provisioning/datasources"))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => `grafana/provisioning/datasources/${f}`)[0] ?? "",
    ),
    "grafana/generated/dashboards-provider.yaml": header("grafana/provisioning/dashboards") + read(
      `grafana/provisioning/dashboards/${readdirSync(join(REPO, "grafana/provisioning/dashboards")).filter((f) => /\.ya?ml$/.test(f))[0]}`,
    ),
    "kustomization.yaml": baseKustomization(current("kustomization.yaml")),
    "monitoring/prometheus.yaml": operatorResources(current("monitoring/prometheus.yaml")),
  };
}

export const BASE_DIR = BASE;
