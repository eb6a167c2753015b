/**
 * The package as consumers load it: a CommonJS and an ES module child process resolve
 * `langgraph-otel` through the package's exports map (dist/cjs and dist/esm) and run real
 * graphs built from their own copy of @langchain/langgraph.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  OUTCOME_ERROR,
  OUTCOME_OK,
} from "../../src/semconv.js";
import { nodeSpanName, workflowSpanName } from "../helpers/otel.js";
import { buildRegister, REPO } from "../setup/support.js";

const run = promisify(execFile);
const FIXTURES = join(__dirname, "fixtures");
const ERROR_STATUS = 2; // SpanStatusCode.ERROR

interface DumpedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  status: number;
  events: string[];
}

interface ConsumerOutput {
  resolved: string;
  logs: { chain: string[]; fanout: string[]; outer: string[] };
  sameError: boolean;
  spans: DumpedSpan[];
}

/**
 * A private copy of the built package (package.json + dist/), so that another suite's
 * `npm run build` wiping dist/ cannot pull files from under the child processes. It lives
 * under node_modules/.cache, so the consumers still resolve the repo's dependencies, and
 * the consumer scripts sit inside it, so `langgraph-otel` resolves through its exports map.
 */
interface PackageCopy {
  root: string;
  /** Where the consumer scripts are, and the directory they run in. */
  consumers: string;
  cwd: string;
  remove(): void;
}

/**
 * Set by scripts/test-versions.mjs: an app that installed the packed tarball next to one
 * combination of peers. The consumers, copied there with this suite, resolve langgraph-otel,
 * LangGraph and the OTel SDK from that app's node_modules.
 */
const INSTALLED_APP = process.env.LANGGRAPH_OTEL_VERSIONS_APP;

async function copyPackage(): Promise<PackageCopy> {
  if (INSTALLED_APP) {
    const root = join(INSTALLED_APP, "node_modules/langgraph-otel");
    return { root, consumers: FIXTURES, cwd: INSTALLED_APP, remove: () => {} };
  }
  const built = await buildRegister();
  const root = join(dirname(dirname(built.cjs)), "package");
  mkdirSync(root, { recursive: true });
  cpSync(join(REPO, "package.json"), join(root, "package.json"));
  cpSync(dirname(built.cjs), join(root, "dist/cjs"), { recursive: true });
  cpSync(dirname(built.esm), join(root, "dist/esm"), { recursive: true });
  cpSync(FIXTURES, join(root, "consumer"), { recursive: true });
  // What scripts/build.mjs writes last; absent when its tsc step failed on a type error
  // elsewhere in src/ (the code is emitted all the same).
  for (const [format, type] of [
    ["cjs", "commonjs"],
    ["esm", "module"],
  ]) {
    writeFileSync(join(root, "dist", format!, "package.json"), `${JSON.stringify({ type })}\n`);
  }
  return { root, consumers: join(root, "consumer"), cwd: REPO, remove: () => built.remove() };
}

async function runConsumer(pkg: PackageCopy, file: string): Promise<ConsumerOutput> {
  const { stdout } = await run(process.execPath, [join(pkg.consumers, file)], {
    cwd: pkg.cwd,
    env: { ...process.env, NODE_OPTIONS: "" },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as ConsumerOutput;
}

function checkTree(output: ConsumerOutput): void {
  const { spans } = output;
  const named = (name: string) => spans.filter((s) => s.name === name);
  const one = (name: string) => {
    const found = named(name);
    expect(found, `spans named ${name}`).toHaveLength(1);
    return found[0]!;
  };
  const childrenOf = (parent: DumpedSpan) =>
    spans.filter((s) => s.parentSpanId === parent.spanId && s.traceId === parent.traceId);

  expect(output.logs.chain).toEqual(["a", "b"]);
  expect(output.logs.fanout).toEqual(["plan", "worker:x", "worker:y", "worker:z"]);
  expect(output.sameError).toBe(true);

  // Linear chain, with a user span inside node b.
  const chain = one(workflowSpanName("chain"));
  expect(chain.parentSpanId).toBeUndefined();
  expect(chain.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_OK);
  expect(chain.attributes[ATTR_GEN_AI_CONVERSATION_ID]).toBe("consumer-thread");
  expect(childrenOf(chain).map((s) => s.name).sort()).toEqual(["a", "b"].map(nodeSpanName));
  expect(one("user.work").parentSpanId).toBe(one(nodeSpanName("b")).spanId);

  // Send fan-out: sibling worker spans under the run.
  const fanout = one(workflowSpanName("fanout"));
  const workers = named(nodeSpanName("worker"));
  expect(workers).toHaveLength(3);
  for (const worker of workers) expect(worker.parentSpanId).toBe(fanout.spanId);

  // Subgraph: outer run > sub_node > sub run > inner.
  const outer = one(workflowSpanName("outer"));
  const subNode = one(nodeSpanName("sub_node"));
  const sub = one(workflowSpanName("sub"));
  expect(subNode.parentSpanId).toBe(outer.spanId);
  expect(sub.parentSpanId).toBe(subNode.spanId);
  expect(one(nodeSpanName("inner")).parentSpanId).toBe(sub.spanId);
  expect(sub.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe("sub");

  // A failing node: ERROR with error.type and an exception event, on node and run.
  for (const failed of [one(nodeSpanName("boom")), one(workflowSpanName("failing"))]) {
    expect(failed.status).toBe(ERROR_STATUS);
    expect(failed.attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_ERROR);
    expect(failed.attributes[ATTR_ERROR_TYPE]).toBe("TypeError");
    expect(failed.events).toContain("exception");
  }
}

describe("package consumers in child processes", () => {
  let pkg: PackageCopy | undefined;
  beforeAll(async () => {
    pkg = await copyPackage();
  }, 400_000);
  afterAll(() => {
    pkg?.remove();
  });

  it("works for a CommonJS consumer (require)", async () => {
    const output = await runConsumer(pkg!, "consumer.cjs");
    expect(output.resolved).toBe(join(pkg!.root, "dist/cjs/index.js"));
    checkTree(output);
  }, 90_000);

  it("works for an ES module consumer (import)", async () => {
    const output = await runConsumer(pkg!, "consumer.mjs");
    expect(output.resolved).toBe(pathToFileURL(join(pkg!.root, "dist/esm/index.js")).href);
    checkTree(output);
  }, 90_000);
});
