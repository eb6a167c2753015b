/**
 * Reading the bundled stack's files for the stack tests: the repository root, YAML and
 * JSON loaders that narrow `unknown` safely, the external tools (docker-compose, promtool,
 * amtool), and `docker-compose config` output resolved with a throwaway env file.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { parse } from "yaml";

export const ROOT = resolve(__dirname, "..", "..");

export function repoPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}

export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value[key]` as a dictionary, or an empty one when absent or not a mapping. */
export function dict(value: unknown, key: string): Dict {
  const inner = isDict(value) ? value[key] : undefined;
  return isDict(inner) ? inner : {};
}

/** `value[key]` as an array, or an empty one. */
export function list(value: unknown, key: string): unknown[] {
  const inner = isDict(value) ? value[key] : undefined;
  return Array.isArray(inner) ? inner : [];
}

/** `value[key]` as a string, or undefined. */
export function str(value: unknown, key: string): string | undefined {
  const inner = isDict(value) ? value[key] : undefined;
  return typeof inner === "string" ? inner : undefined;
}

export function readText(relative: string): string {
  return readFileSync(repoPath(relative), "utf8");
}

export function readYaml(relative: string): Dict {
  const parsed: unknown = parse(readText(relative));
  if (!isDict(parsed)) throw new Error(`${relative} is not a YAML mapping`);
  return parsed;
}

/** Every string found anywhere in a parsed document, depth first. */
export function allStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (isDict(value)) return Object.values(value).flatMap(allStrings);
  return [];
}

/** The absolute path of an external tool on PATH, or undefined when it is not installed. */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The tool's path; a missing tool fails the test (never a silent skip, on CI or off). */
export function requireTool(name: string, debianPackage: string): string {
  const path = findTool(name);
  if (path) return path;
  throw new Error(
    `${name} is not installed (Debian package ${debianPackage}); ` +
      "the stack tests need it: apt-get install -y " +
      debianPackage,
  );
}

export interface ToolResult {
  status: number | null;
  output: string;
}

export function runTool(path: string, args: string[], cwd = ROOT): ToolResult {
  const result = spawnSync(path, args, { cwd, encoding: "utf8", env: cleanComposeEnv() });
  return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** The variables docker-compose would otherwise read from the caller's shell. */
const COMPOSE_VARIABLES = [
  "GRAFANA_ADMIN_PASSWORD",
  "GRAFANA_ADMIN_USER",
  "GRAFANA_PORT",
  "JAEGER_UI_PORT",
  "PROMETHEUS_PORT",
  "ALERTMANAGER_PORT",
  "PROMETHEUS_RETENTION_TIME",
  "PROMETHEUS_RETENTION_SIZE",
  "JAEGER_MAX_TRACES",
  "DEPLOYMENT_ENVIRONMENT_NAME",
  "TAIL_SAMPLING_PERCENT",
  "TAIL_SAMPLING_SLOW_MS",
  "TAIL_SAMPLING_DECISION_WAIT",
  "DEMO_DURATION",
  "COMPOSE_FILE",
  "COMPOSE_PROFILES",
  "COMPOSE_PROJECT_NAME",
];

function cleanComposeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of COMPOSE_VARIABLES) delete env[name];
  return env;
}

/**
 * Runs `docker-compose` on the repository's compose file with the given env file contents
 * (never the developer's own .env), from a temporary directory so nothing is written here.
 */
export function compose(envFile: string, args: string[]): ToolResult {
  const binary = requireTool("docker-compose", "docker-compose");
  const dir = mkdtempSync(join(tmpdir(), "lgotel-compose-"));
  try {
    const envPath = join(dir, "test.env");
    writeFileSync(envPath, envFile);
    return runTool(binary, [
      "--project-directory",
      ROOT,
      "--file",
      repoPath("docker-compose.yml"),
      "--env-file",
      envPath,
      ...args,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** docker-compose (Python) takes seconds to start on a loaded machine: its tests' timeout. */
export const COMPOSE_TIMEOUT_MS = 120_000;

/** A throwaway value for the required Grafana password, used only to render the config. */
export const TEST_ENV = "GRAFANA_ADMIN_PASSWORD=only-for-config-rendering-in-tests\n";

/**
 * The compose file as docker-compose resolves it (defaults applied, paths absolute).
 * docker-compose is slow to start, so the output is cached per compose file content for
 * the other test files of the run.
 */
export function resolvedCompose(): Dict {
  const key = createHash("sha256")
    .update(readText("docker-compose.yml"))
    .update(TEST_ENV)
    .update(ROOT)
    .digest("hex")
    .slice(0, 16);
  const cache = join(tmpdir(), `lgotel-compose-config-${key}.yml`);
  let output: string;
  if (existsSync(cache)) {
    output = readFileSync(cache, "utf8");
  } else {
    const result = compose(TEST_ENV, ["--profile", "demo", "config"]);
    if (result.status !== 0) throw new Error(`docker-compose config failed:\n${result.output}`);
    output = result.output;
    // Parallel test files may race here: write aside, then rename (atomic).
    const partial = `${cache}.${process.pid}`;
    writeFileSync(partial, output);
    renameSync(partial, cache);
  }
  const parsed: unknown = parse(output);
  if (!isDict(parsed)) throw new Error("docker-compose config printed no mapping");
  return parsed;
}

/** Lists the repository's files (tracked and untracked, not ignored). */
export function repoFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return out.split("\n").filter((line) => line.length > 0 && existsSync(repoPath(line)));
}
