/**
 * The stack's binaries at the pinned versions (stack/versions.env), where
 * scripts/stack-binaries.sh builds them: the same paths, computed here, so nothing has to
 * be put on PATH. A missing binary fails the test that needs it, on CI and off, with the
 * command that builds it (never a silent skip).
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { repoPath } from "./support.js";

/** stack/versions.env as a map (KEY=value lines; # comments). */
export function stackVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const line of readFileSync(repoPath("stack/versions.env"), "utf8").split("\n")) {
    const match = /^([A-Z_]+)=(\S+)\s*$/.exec(line);
    if (match?.[1] && match[2]) versions[match[1]] = match[2];
  }
  return versions;
}

/** Which folder (name, version key) holds each binary. */
const BINARIES = {
  "otelcol-langgraph": ["otelcol", "OTELCOL_VERSION"],
  jaeger: ["jaeger", "JAEGER_VERSION"],
  prometheus: ["prometheus", "PROMETHEUS_VERSION"],
  promtool: ["prometheus", "PROMETHEUS_VERSION"],
  alertmanager: ["alertmanager", "ALERTMANAGER_VERSION"],
  amtool: ["alertmanager", "ALERTMANAGER_VERSION"],
} as const;

export type StackBinary = keyof typeof BINARIES;

export function stackCache(): string {
  return process.env.LANGGRAPH_OTEL_STACK_CACHE ?? join(homedir(), ".cache", "langgraph-otel", "stack");
}

/** Where scripts/stack-binaries.sh puts `binary` (whether or not it is there). */
export function stackBinaryPath(binary: StackBinary): string {
  const [folder, key] = BINARIES[binary];
  const version = stackVersions()[key];
  if (!version) throw new Error(`stack/versions.env has no ${key}`);
  return join(stackCache(), `${folder}-${version}`, "bin", binary);
}

/** The binary's path, or an error that says what is missing and how to build it. */
export function requireStackBinary(binary: StackBinary): string {
  const path = stackBinaryPath(binary);
  if (existsSync(path)) return path;
  const [folder] = BINARIES[binary];
  throw new Error(
    `${binary} is not built: ${path} is missing. Build the stack's pinned binaries with ` +
      `\`scripts/stack-binaries.sh ${folder}\` (Go and the Go module proxy; ` +
      "set LANGGRAPH_OTEL_STACK_CACHE to use another cache folder; see README.md).",
  );
}
