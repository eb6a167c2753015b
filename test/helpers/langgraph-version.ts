/**
 * The @langchain/langgraph these suites run against (the repo's, or the version matrix's
 * app: scripts/test-versions.mjs), for the few facts that depend on its version.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const version: string = require("@langchain/langgraph/package.json").version;
const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map(Number);

/** Whether the installed LangGraph is at least `major.minor.patch`. */
export function langgraphAtLeast(wantMajor: number, wantMinor: number, wantPatch: number): boolean {
  if (major !== wantMajor) return major > wantMajor;
  if (minor !== wantMinor) return minor > wantMinor;
  return patch >= wantPatch;
}

/** Tasks get `executionInfo` (`taskId`, `nodeAttempt`) from 1.2.8: `langgraph.task.id` needs it. */
export const HAS_TASK_ID = langgraphAtLeast(1, 2, 8);
