// Node binaries by major version, for benchmarks that compare runtimes.
import { execFileSync } from "node:child_process";

/** The node binary of a major version: this process's own, or one npx fetches (cached after the first). */
export function nodeBinary(major) {
  if (process.versions.node.split(".")[0] === String(major)) return process.execPath;
  return execFileSync("npx", ["-y", `node@${major}`, "-p", "process.execPath"], { encoding: "utf8" }).trim();
}
