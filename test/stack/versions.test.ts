/**
 * One set of versions: stack/versions.env (what scripts/stack-binaries.sh builds and the
 * tests run), docker-compose.yml's images, collector/builder-config.yaml and
 * collector/Dockerfile agree; and our Collector distribution has exactly the components
 * collector/otel-collector.yaml uses.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { requireStackBinary, stackBinaryPath, stackVersions } from "./binaries.js";
import { dict, isDict, list, readText, readYaml, repoPath, runTool, str } from "./support.js";

const versions = stackVersions();
const composeServices = dict(readYaml("docker-compose.yml"), "services");
const builder = readYaml("collector/builder-config.yaml");

function image(service: string): string {
  return str(dict(composeServices, service), "image") ?? "";
}

/** Every `gomod:` line of the builder manifest: [module path, version]. */
function builderModules(): Array<[string, string]> {
  const kinds = ["extensions", "receivers", "processors", "connectors", "exporters", "providers"];
  return kinds.flatMap((kind) =>
    list(builder, kind).map((entry) => {
      const [path = "", version = ""] = (str(entry, "gomod") ?? "").split(/\s+/);
      return [path, version] as [string, string];
    }),
  );
}

/** The module that provides each component type the config may name. */
const MODULE_OF_TYPE: Record<string, string> = {
  otlp: "otlpreceiver",
  memory_limiter: "memorylimiterprocessor",
  resource: "resourceprocessor",
  attributes: "attributesprocessor",
  tail_sampling: "tailsamplingprocessor",
  span_metrics: "spanmetricsconnector",
  forward: "forwardconnector",
  otlp_grpc: "otlpexporter",
  prometheus: "prometheusexporter",
  debug: "debugexporter",
  health_check: "healthcheckextension",
};

/** `kind` → the component types collector/otel-collector.yaml defines (`type/name` → type). */
function configTypes(kind: string): string[] {
  const config = readYaml("collector/otel-collector.yaml");
  return [...new Set(Object.keys(dict(config, kind)).map((id) => id.split("/")[0] ?? id))].sort();
}

describe("stack versions", () => {
  it("stack/versions.env pins every binary", () => {
    for (const key of [
      "OTELCOL_VERSION",
      "OTELCOL_CORE_VERSION",
      "JAEGER_VERSION",
      "JAEGER_MODULE_VERSION",
      "PROMETHEUS_VERSION",
      "PROMETHEUS_MODULE_VERSION",
      "ALERTMANAGER_VERSION",
    ]) {
      expect(versions[key], key).toMatch(/^\d+\.\d+\.\d+$/);
    }
    // Prometheus v3.x.y is published as the Go module v0.3xx.y.
    const [, minor, patch] = (versions.PROMETHEUS_VERSION ?? "").split(".");
    expect(versions.PROMETHEUS_MODULE_VERSION).toBe(`0.3${minor?.padStart(2, "0")}.${patch}`);
  });

  it("docker-compose.yml runs the same versions", () => {
    expect(image("otel-collector")).toBe(`langgraph-otel/otelcol:${versions.OTELCOL_VERSION}`);
    const build = dict(dict(composeServices, "otel-collector"), "build");
    expect(str(dict(build, "args"), "OTELCOL_VERSION")).toBe(versions.OTELCOL_VERSION);
    expect(image("jaeger")).toBe(`jaegertracing/jaeger:${versions.JAEGER_VERSION}`);
    expect(image("prometheus")).toBe(`prom/prometheus:v${versions.PROMETHEUS_VERSION}`);
    expect(image("alertmanager")).toBe(`prom/alertmanager:v${versions.ALERTMANAGER_VERSION}`);
  });

  it("the builder manifest and the Dockerfile build that Collector release", () => {
    expect(str(dict(builder, "dist"), "version")).toBe(versions.OTELCOL_VERSION);
    const modules = builderModules();
    expect(modules.length).toBeGreaterThan(5);
    for (const [path, version] of modules) {
      // Core's stable modules (confmap providers) are 1.x; everything else the 0.x release.
      const expected = path.includes("/confmap/") ? versions.OTELCOL_CORE_VERSION : versions.OTELCOL_VERSION;
      expect(version, path).toBe(`v${expected}`);
    }
    expect(readText("collector/Dockerfile")).toMatch(
      new RegExp(`^ARG OTELCOL_VERSION=${versions.OTELCOL_VERSION?.replaceAll(".", "\\.")}$`, "m"),
    );
  });

  it("the distribution has exactly the components otel-collector.yaml uses", () => {
    for (const kind of ["extensions", "receivers", "processors", "connectors", "exporters"]) {
      const built = list(builder, kind)
        .map((entry) => (str(entry, "gomod") ?? "").split(/\s+/)[0]?.split("/").pop() ?? "")
        .sort();
      const wanted = configTypes(kind).map((type) => MODULE_OF_TYPE[type] ?? `unknown type ${type}`);
      expect(built, kind).toEqual(wanted.sort());
    }
    // Both providers the config relies on: the file given by --config and ${env:...}.
    const providers = list(builder, "providers").map((p) => (isDict(p) ? String(p.gomod) : ""));
    expect(providers.some((p) => p.includes("/envprovider "))).toBe(true);
    expect(providers.some((p) => p.includes("/fileprovider "))).toBe(true);
  });
});

describe("finding the built binaries", () => {
  it("looks where scripts/stack-binaries.sh puts them, keyed by version", () => {
    const saved = process.env.LANGGRAPH_OTEL_STACK_CACHE;
    process.env.LANGGRAPH_OTEL_STACK_CACHE = "/nonexistent/stack-cache";
    try {
      expect(stackBinaryPath("promtool")).toBe(
        `/nonexistent/stack-cache/prometheus-${versions.PROMETHEUS_VERSION}/bin/promtool`,
      );
      // Missing: an error that names the file and the command that builds it (never a skip).
      expect(() => requireStackBinary("amtool")).toThrow(/scripts\/stack-binaries\.sh alertmanager/);
    } finally {
      if (saved === undefined) delete process.env.LANGGRAPH_OTEL_STACK_CACHE;
      else process.env.LANGGRAPH_OTEL_STACK_CACHE = saved;
    }
    const script = readText("scripts/stack-binaries.sh");
    // The script's default cache folder, as a shell expression.
    expect(script).toContain(`cache="\${LANGGRAPH_OTEL_STACK_CACHE:-$HOME/.cache/langgraph-otel/stack}"`);
    expect(script).toContain('dir="$cache/$name-$version"');
  });
});

describe("the built binaries (scripts/stack-binaries.sh)", () => {
  it("is the pinned release and accepts collector/otel-collector.yaml as committed", () => {
    const otelcol = requireStackBinary("otelcol-langgraph");
    expect(runTool(otelcol, ["--version"]).output).toContain(versions.OTELCOL_VERSION);
    const result = runTool(otelcol, ["validate", `--config=${repoPath("collector/otel-collector.yaml")}`]);
    expect(result.status, result.output).toBe(0);
  });

  it.each([
    ["jaeger", ["version"], "JAEGER_VERSION"],
    ["prometheus", ["--version"], "PROMETHEUS_VERSION"],
    ["promtool", ["--version"], "PROMETHEUS_VERSION"],
    ["alertmanager", ["--version"], "ALERTMANAGER_VERSION"],
    ["amtool", ["--version"], "ALERTMANAGER_VERSION"],
  ] as const)("%s reports the pinned version", (binary, args, key) => {
    const result = runTool(requireStackBinary(binary), [...args]);
    expect(result.output).toContain(`${binary === "jaeger" ? "v" : ""}${versions[key]}`);
  });

  it("lists exactly the component types the config uses", () => {
    const result = runTool(requireStackBinary("otelcol-langgraph"), ["components"]);
    expect(result.status, result.output).toBe(0);
    const listed = parse(result.output) as Record<string, unknown>;
    for (const kind of ["extensions", "receivers", "processors", "connectors", "exporters"]) {
      const names = list(listed, kind).map((c) => str(c, "name") ?? "").sort();
      expect(names, kind).toEqual(configTypes(kind));
    }
  });
});
