/**
 * Breakers, caches and bulkheads the app makes per request and drops leave the registry
 * of observed sources as the GC takes them: no SDK, no scrape needed. Before, 200k
 * breakers and 100k caches kept their entries (51-72 MB) until a collection pruned them,
 * and without an SDK, forever.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { buildRegister } from "../setup/support.js";

const CHILD = join(__dirname, "fixtures/registry-child.mjs");

beforeAll(async () => {
  (await buildRegister()).remove(); // makes sure dist/ is built and fresh
}, 300_000);

it("350k dropped breakers, caches and bulkheads: registry back to the one kept, heap flat", () => {
  const out = execFileSync(process.execPath, ["--expose-gc", CHILD], { encoding: "utf8", timeout: 120_000 });
  const result = JSON.parse(out.trim().split("\n").pop() ?? "{}");
  console.log(`registry: ${JSON.stringify(result)}`);
  // Bulkheads register for two instruments.
  expect(result.registeredBeforeGc).toBeGreaterThan(0);
  expect(result.registered).toBeLessThanOrEqual(1);
  expect(result.heapGrowthMb).toBeLessThan(10);
  expect(result.kept).toBe("closed");
}, 180_000);
