// The interrupt → resume link across processes, with the checkpointers replicas share: a
// real PostgreSQL server (started here from Debian's binaries) and a SQLite file. Process A
// runs the refund graph until its first interrupt() and exits; process B resumes the
// thread (linked to A's run, the wait recorded) and stops at the second interrupt; a
// restarted B resumes again (linked to B's run). Nothing is shared but the checkpointer.
// Not under test/instrumentation: the version matrix copies that folder into apps without
// these checkpointers, and the Node 22/24 matrix cannot load better-sqlite3's addon, which
// `npm ci` builds for the machine's own Node.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ATTR_GEN_AI_WORKFLOW_NAME,
  ATTR_LANGGRAPH_INTERRUPT_WAIT,
  ATTR_LANGGRAPH_LINK_TYPE,
  ATTR_LANGGRAPH_OUTCOME,
  LINK_TYPE_INTERRUPT_RESUME,
  OUTCOME_INTERRUPTED,
  OUTCOME_OK,
} from "../../src/semconv.js";
import { type PostgresServer, startPostgres } from "../helpers/postgres.js";
import { REPO, useBuiltRegister } from "../setup/support.js";

const run = promisify(execFile);
const FIXTURE = join(__dirname, "fixtures/app.mjs");
const built = useBuiltRegister();

interface ProcessOutput {
  pid: number;
  beforeRun: number;
  afterRun: number;
  log: string[];
  interrupts: string[];
  spans: {
    name: string;
    traceId: string;
    spanId: string;
    attributes: Record<string, unknown>;
    links: { traceId: string; spanId: string; attributes?: Record<string, unknown> }[];
  }[];
  waits: { attributes: Record<string, unknown>; count: number; sum: number }[];
}

async function app(kind: "postgres" | "sqlite", connection: string, thread: string, action: string) {
  const { stdout } = await run(process.execPath, [FIXTURE, kind, connection, thread, action], {
    cwd: REPO,
    env: { ...process.env, NODE_OPTIONS: "", LANGGRAPH_OTEL_ENTRY: join(dirname(built().esm), "index.js") },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as ProcessOutput;
}

function workflowSpan(output: ProcessOutput) {
  expect(output.spans.map((s) => s.name)).toEqual(["invoke_workflow refunds"]);
  return output.spans[0]!;
}

/** B's run links to A's, and the wait B recorded lies between what the two processes saw. */
function expectResumes(earlier: ProcessOutput, later: ProcessOutput): void {
  const before = workflowSpan(earlier);
  const after = workflowSpan(later);
  expect(later.pid).not.toBe(earlier.pid);
  expect(after.traceId).not.toBe(before.traceId);
  expect(after.links).toEqual([
    { traceId: before.traceId, spanId: before.spanId, attributes: { [ATTR_LANGGRAPH_LINK_TYPE]: LINK_TYPE_INTERRUPT_RESUME } },
  ]);
  // A's run ended before A saw invoke() return; B's started after B called invoke().
  const wait = after.attributes[ATTR_LANGGRAPH_INTERRUPT_WAIT] as number;
  expect(wait).toBeGreaterThanOrEqual((later.beforeRun - earlier.afterRun) / 1000);
  expect(wait).toBeLessThanOrEqual((later.afterRun - earlier.beforeRun) / 1000);
  expect(later.waits).toEqual([{ attributes: { [ATTR_GEN_AI_WORKFLOW_NAME]: "refunds" }, count: 1, sum: wait }]);
}

async function scenario(kind: "postgres" | "sqlite", connection: string): Promise<void> {
  const thread = `refund-${kind}`;
  const a = await app(kind, connection, thread, "start");
  expect(a.interrupts).toEqual(["approve refund?"]);
  expect(workflowSpan(a).attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_INTERRUPTED);
  expect(workflowSpan(a).links).toEqual([]);
  expect(a.waits).toEqual([]);

  const b = await app(kind, connection, thread, "resume:yes");
  expect(b.interrupts).toEqual(["confirm payout?"]);
  expect(workflowSpan(b).attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_INTERRUPTED);
  expectResumes(a, b);

  // B restarted between the two interrupts: the new process resumes the thread.
  const restarted = await app(kind, connection, thread, "resume:paid");
  expect(restarted.interrupts).toEqual([]);
  expect(restarted.log).toEqual(["draft", "approve:yes", "payout:paid"]);
  expect(workflowSpan(restarted).attributes[ATTR_LANGGRAPH_OUTCOME]).toBe(OUTCOME_OK);
  expectResumes(b, restarted);

  // A new request on the finished thread is not a resume.
  const fresh = await app(kind, connection, thread, "start");
  expect(workflowSpan(fresh).links).toEqual([]);
}

describe("interrupt in one process, resume in another", () => {
  describe("PostgreSQL checkpointer (@langchain/langgraph-checkpoint-postgres)", () => {
    let server: PostgresServer | undefined;
    beforeAll(async () => {
      server = await startPostgres();
    }, 120_000);
    afterAll(() => server?.stop());

    it("links each resume to the run it answers, across processes and a restart", async () => {
      await scenario("postgres", server!.url);
    }, 120_000);
  });

  describe("SQLite checkpointer (@langchain/langgraph-checkpoint-sqlite, better-sqlite3)", () => {
    let dir: string | undefined;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "langgraph-otel-sqlite-"));
    });
    afterAll(() => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it("links each resume to the run it answers, across processes and a restart", async () => {
      await scenario("sqlite", join(dir!, "checkpoints.db"));
    }, 120_000);
  });
});
