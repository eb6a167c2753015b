/**
 * The package as consumers load it: a CommonJS and an ES module child process resolve
 * `langgraph-otel` through the package's exports map (dist/cjs and dist/esm) and run real
 * graphs built from their own copy of @langchain/langgraph.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_OUTCOME,
  OUTCOME_ERROR,
  OUTCOME_OK,
} from "../../src/semconv.js";
import { nodeSpanName, workflowSpanName } from "../helpers/otel.js";

const run = promisify(execFile);
const ROOT = resolve(__dirname, "../..");
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

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/ (other suites may build concurrently). */
function ensureBuilt(): void {
  const outputs = ["dist/cjs/index.js", "dist/esm/index.js"].map((p) => join(ROOT, p));
  const fresh = () =>
    outputs.every((p) => existsSync(p) && statSync(p).mtimeMs >= newestMtime(join(ROOT, "src")));
  for (let attempt = 1; !fresh(); attempt += 1) {
    try {
      execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "pipe" });
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

async function runConsumer(file: string): Promise<ConsumerOutput> {
  const { stdout } = await run(process.execPath, [join(FIXTURES, file)], {
    cwd: ROOT,
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
  beforeAll(() => {
    ensureBuilt();
  }, 180_000);

  it("works for a CommonJS consumer (require)", async () => {
    const output = await runConsumer("consumer.cjs");
    expect(output.resolved).toBe(join(ROOT, "dist/cjs/index.js"));
    checkTree(output);
  });

  it("works for an ES module consumer (import)", async () => {
    const output = await runConsumer("consumer.mjs");
    expect(output.resolved).toBe(`file://${join(ROOT, "dist/esm/index.js")}`);
    checkTree(output);
  });
});
