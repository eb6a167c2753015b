/**
 * langgraph-otel/testing as a user's package manager installs it: a CommonJS consumer in a
 * child process requires the CJS build and imports the ESM build through the exports map,
 * and both record the same run; the main entry does not load the kit. And the kit under
 * node's own test runner, with node:test's hooks.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildRegister, REPO } from "../setup/support.js";

const run = promisify(execFile);
const FIXTURES = join(__dirname, "fixtures");
/** Set by scripts/test-versions.mjs: the app that installed the packed tarball. */
const INSTALLED_APP = process.env.LANGGRAPH_OTEL_VERSIONS_APP;

interface Scenario {
  answer: string;
  shape: string;
  tokens: { input: number; output: number; total: number };
  message: string;
}

/** Where the fixtures run from: next to the package they resolve by name. */
let fixtures = FIXTURES;
let cwd = INSTALLED_APP ?? REPO;
let cleanup = () => {};

beforeAll(async () => {
  if (INSTALLED_APP) return; // the fixture, copied into the app, resolves the installed package
  // A package directory whose exports map points at a private build (another suite's
  // build cannot pull files from under the child); the consumer inside it resolves
  // `langgraph-otel/testing` by self-reference, and everything else from the repo.
  const built = await buildRegister();
  mkdirSync(join(REPO, "node_modules/.cache"), { recursive: true });
  const root = mkdtempSync(join(REPO, "node_modules/.cache/langgraph-otel-testing-"));
  cpSync(join(REPO, "package.json"), join(root, "package.json"));
  mkdirSync(join(root, "dist"));
  symlinkSync(dirname(built.cjs), join(root, "dist/cjs"), "dir");
  symlinkSync(dirname(built.esm), join(root, "dist/esm"), "dir");
  fixtures = join(root, "fixtures");
  cpSync(FIXTURES, fixtures, { recursive: true });
  cwd = REPO;
  cleanup = () => {
    rmSync(root, { recursive: true, force: true });
    built.remove();
  };
}, 400_000);

afterAll(() => cleanup());

it("works from require (CJS) and import (ESM), and stays out of the main entry", async () => {
  const { stdout } = await run(process.execPath, [join(fixtures, "consumer.cjs")], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  const output = JSON.parse(stdout) as {
    mainEntry: string;
    loadedByMain: boolean;
    loadedByRequire: boolean;
    resolved: string;
    distinctCopies: boolean;
    cjs: Scenario;
    esm: Scenario;
  };
  expect(output.mainEntry).toBe("function");
  expect(output.loadedByMain).toBe(false);
  expect(output.loadedByRequire).toBe(true);
  expect(output.resolved.endsWith(["cjs", "testing", "index.js"].join(sep))).toBe(true);
  expect(output.distinctCopies).toBe(true);
  for (const scenario of [output.cjs, output.esm]) {
    expect(scenario.answer).toBe("hi");
    expect(scenario.shape).toBe("invoke_workflow consumer [ok]\n  invoke_node ask [ok]\n    chat gpt-4o-mini [ok]");
    expect(scenario.tokens).toEqual({ input: 7, output: 1, total: 8 });
    expect(scenario.message).toMatch(/^AgentAssertionError: expected node "ask" to run 2 times, it ran 1 time\n\nrun tree:\n/);
  }
}, 120_000);

it("runs under node:test with node's own hooks", async () => {
  const { stdout } = await run(process.execPath, ["--test", "--test-reporter=tap", join(fixtures, "node-test.mjs")], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  expect(stdout).toMatch(/^# pass 1$/m);
  expect(stdout).toMatch(/^# fail 0$/m);
}, 120_000);
