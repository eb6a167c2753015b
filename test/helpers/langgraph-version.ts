/**
 * The @langchain/langgraph and @langchain/core these suites run against (the repo's, or
 * the version matrix's app: scripts/test-versions.mjs), for the few facts that depend on
 * their versions.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function atLeast(version: string, wantMajor: number, wantMinor: number, wantPatch: number): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map(Number);
  if (major !== wantMajor) return major > wantMajor;
  if (minor !== wantMinor) return minor > wantMinor;
  return patch >= wantPatch;
}

const langgraphVersion: string = require("@langchain/langgraph/package.json").version;
const coreVersion: string = require("@langchain/core/package.json").version;

/** Whether the installed LangGraph is at least `major.minor.patch`. */
export function langgraphAtLeast(wantMajor: number, wantMinor: number, wantPatch: number): boolean {
  return atLeast(langgraphVersion, wantMajor, wantMinor, wantPatch);
}

/** Whether the installed @langchain/core is at least `major.minor.patch`. */
export function coreAtLeast(wantMajor: number, wantMinor: number, wantPatch: number): boolean {
  return atLeast(coreVersion, wantMajor, wantMinor, wantPatch);
}

/** Tasks get `executionInfo` (`taskId`, `nodeAttempt`) from 1.2.8: `langgraph.task.id` needs it. */
export const HAS_TASK_ID = langgraphAtLeast(1, 2, 8);
