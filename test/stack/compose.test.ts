/**
 * docker-compose.yml: valid for the real `docker-compose` binary, pinned images, loopback-
 * only ports, health checks, named volumes, every mounted file present, and a Grafana
 * that cannot start with a default password.
 */
import { existsSync } from "node:fs";
import { isAbsolute } from "node:path";
import { describe, expect, it } from "vitest";
import {
  COMPOSE_TIMEOUT_MS,
  compose,
  dict,
  isDict,
  list,
  readText,
  readYaml,
  resolvedCompose,
  ROOT,
  str,
  TEST_ENV,
} from "./support.js";

const resolved = resolvedCompose();
const services = dict(resolved, "services");
const raw = readYaml("docker-compose.yml");

/** Short-syntax port entries as docker-compose prints them: [ip:]host:container[/proto]. */
function publishedPorts(service: unknown): string[] {
  return list(service, "ports").map((entry) => {
    if (typeof entry === "string") return entry;
    if (isDict(entry)) {
      const ip = str(entry, "host_ip") ?? "";
      return `${ip}:${String(entry.published)}:${String(entry.target)}`;
    }
    return String(entry);
  });
}

describe("docker-compose.yml", () => {
  it("passes `docker-compose config -q`", () => {
    const result = compose(TEST_ENV, ["--profile", "demo", "config", "-q"]);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  }, COMPOSE_TIMEOUT_MS);

  it("refuses to start Grafana without an admin password (no admin/admin default)", () => {
    for (const envFile of ["", "GRAFANA_ADMIN_PASSWORD=\n"]) {
      const result = compose(envFile, ["config", "-q"]);
      expect(result.status).not.toBe(0);
      expect(result.output).toContain("GRAFANA_ADMIN_PASSWORD");
    }
    const grafanaEnv = dict(dict(services, "grafana"), "environment");
    expect(grafanaEnv.GF_AUTH_ANONYMOUS_ENABLED).toBe("false");
    expect(grafanaEnv.GF_USERS_ALLOW_SIGN_UP).toBe("false");
    expect(grafanaEnv.GF_SECURITY_ADMIN_PASSWORD).toBe("only-for-config-rendering-in-tests");
  }, COMPOSE_TIMEOUT_MS);

  it("documents in .env.example exactly the variables the compose file reads", () => {
    const example = [...readText(".env.example").matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    const used = [...readText("docker-compose.yml").matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map(
      (m) => m[1],
    );
    expect([...new Set(example)].sort()).toEqual([...new Set(used)].sort());
    // The example itself is a working starting point once the password is filled in.
    const filled = readText(".env.example").replace(
      /^GRAFANA_ADMIN_PASSWORD=$/m,
      "GRAFANA_ADMIN_PASSWORD=filled-in-by-the-test",
    );
    expect(compose(filled, ["--profile", "demo", "config", "-q"]).status).toBe(0);
  }, COMPOSE_TIMEOUT_MS);

  it("runs the five stack services, plus the sample agent only in the demo profile", () => {
    expect(Object.keys(services).sort()).toEqual(
      ["alertmanager", "demo", "grafana", "jaeger", "otel-collector", "prometheus"].sort(),
    );
    for (const [name, service] of Object.entries(services)) {
      const profiles = list(service, "profiles");
      expect(profiles, name).toEqual(name === "demo" ? ["demo"] : []);
    }
    const demo = dict(services, "demo");
    expect(str(dict(demo, "build"), "dockerfile")).toBe("demo/Dockerfile");
    expect(existsSync(`${ROOT}/demo/Dockerfile`)).toBe(true);
  });

  it("pins every image to an exact version", () => {
    const expected: Record<string, RegExp> = {
      "otel-collector": /^langgraph-otel\/otelcol:\d+\.\d+\.\d+$/,
      jaeger: /^jaegertracing\/jaeger:2\.\d+\.\d+$/,
      prometheus: /^prom\/prometheus:v3\.\d+\.\d+$/,
      alertmanager: /^prom\/alertmanager:v\d+\.\d+\.\d+$/,
      grafana: /^grafana\/grafana:\d+\.\d+\.\d+$/,
    };
    for (const [name, pattern] of Object.entries(expected)) {
      expect(str(dict(services, name), "image"), name).toMatch(pattern);
    }
    const bases = [...readText("demo/Dockerfile").matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/^node:\d+\.\d+\.\d+-[a-z]+-slim$/);
    // Our Collector: built from a pinned Go image onto a distroless base.
    const collectorBases = [...readText("collector/Dockerfile").matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(collectorBases).toEqual(["golang:1.26.8-bookworm", "gcr.io/distroless/static-debian12:nonroot"]);
  });

  it("runs every service without capabilities, privilege escalation or a writable root", () => {
    for (const [name, service] of Object.entries(services)) {
      expect(list(service, "cap_drop"), name).toEqual(["ALL"]);
      expect(list(service, "cap_add"), name).toEqual([]);
      expect(list(service, "security_opt"), name).toContain("no-new-privileges:true");
      expect(isDict(service) && service.read_only, `${name} read_only`).toBe(true);
      expect(isDict(service) && service.privileged, name).not.toBe(true);
    }
  });

  it("keeps Prometheus' unauthenticated lifecycle endpoints (/-/quit, /-/reload) off", () => {
    const command = list(dict(services, "prometheus"), "command").map(String);
    expect(command.length).toBeGreaterThan(0);
    expect(command).not.toContain("--web.enable-lifecycle");
    expect(command).not.toContain("--web.enable-admin-api");
  });

  it("binds every published port to 127.0.0.1, never to all interfaces", () => {
    let count = 0;
    for (const [name, service] of Object.entries(services)) {
      for (const port of publishedPorts(service)) {
        count += 1;
        expect(port, `${name} publishes ${port}`).toMatch(/^127\.0\.0\.1:\d+:\d+(\/tcp)?$/);
      }
      for (const port of list(dict(raw, "services")[name], "ports")) {
        expect(String(port), name).not.toMatch(/0\.0\.0\.0|::/);
      }
    }
    expect(count).toBeGreaterThanOrEqual(6);
    // Host networking would bypass the loopback-only bindings above.
    for (const [name, service] of Object.entries(services)) {
      expect(str(service, "network_mode"), name).toBeUndefined();
    }
  });

  it("health-checks every service whose image has a shell or a client to probe with", () => {
    for (const [name, service] of Object.entries(services)) {
      const test = list(dict(service, "healthcheck"), "test");
      if (name === "otel-collector") {
        // Distroless image: nothing to run a probe with (the health_check extension exists).
        expect(test, name).toEqual([]);
        continue;
      }
      expect(test.length, `${name} has a healthcheck`).toBeGreaterThan(1);
    }
    const gated = Object.entries(services).filter(([, s]) =>
      Object.values(dict(s, "depends_on")).some(
        (dep) => str(dep, "condition") === "service_healthy",
      ),
    );
    expect(gated.map(([name]) => name).sort()).toEqual(["grafana", "otel-collector", "prometheus"]);
  });

  it("keeps state in named volumes", () => {
    const volumes = Object.keys(dict(resolved, "volumes")).sort();
    expect(volumes).toEqual(["alertmanager-data", "grafana-data", "prometheus-data"]);
    const used = Object.values(services).flatMap((service) =>
      list(service, "volumes")
        .map(String)
        .map((spec) => spec.split(":")[0] ?? "")
        .filter((source) => !isAbsolute(source)),
    );
    expect([...new Set(used)].sort()).toEqual(volumes);
  });

  it("mounts only files and folders that exist in the repository", () => {
    const mounts = Object.entries(services).flatMap(([name, service]) =>
      list(service, "volumes")
        .map(String)
        .map((spec) => ({ name, source: spec.split(":")[0] ?? "" }))
        .filter(({ source }) => isAbsolute(source)),
    );
    expect(mounts.length).toBeGreaterThanOrEqual(7);
    for (const { name, source } of mounts) {
      expect(source.startsWith(ROOT), `${name} mounts ${source} from outside the repo`).toBe(true);
      expect(existsSync(source), `${name} mounts ${source}, which does not exist`).toBe(true);
    }
  });
});
