/**
 * Helpers for the zero-code tests: a real OTLP receiver (otlp-receiver.ts), the
 * built register entry, and child processes running the unmodified example agent.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { SPAN_INVOKE_NODE, SPAN_INVOKE_WORKFLOW } from "../../src/semconv.js";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "./otlp-receiver.js";

export const REPO = resolve(__dirname, "../..");
const ESM_REGISTER = join(REPO, "dist/esm/register.js");
const CJS_REGISTER = join(REPO, "dist/cjs/register.js");
export const AGENT_MJS = join(REPO, "examples/unmodified/agent.mjs");
export const AGENT_CJS = join(REPO, "examples/unmodified/agent.cjs");

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const KEY_FILES = ["register.js", "setup/start.js", "genai/index.js", "instrumentation/index.js"];

function complete(dir: string): boolean {
  return ["esm", "cjs"].every((format) =>
    KEY_FILES.every((file) => existsSync(join(dir, format, file))),
  );
}

export interface BuiltRegister {
  esm: string;
  cjs: string;
  remove(): void;
}

/**
 * Builds dist/ when missing or older than src/, then copies it to a private directory
 * inside node_modules/.cache (so package resolution still finds the repo's
 * node_modules): other suites may run `npm run build`, which wipes dist/ mid-test.
 */
export async function buildRegister(): Promise<BuiltRegister> {
  // Our suites build at the same time otherwise; a directory is an atomic lock.
  const lock = join(REPO, "node_modules/.cache/langgraph-otel-register.lock");
  mkdirSync(join(REPO, "node_modules/.cache"), { recursive: true });
  for (let waited = 0; ; waited += 500) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Stale after 5 minutes (a crashed run).
      if (waited > 300_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((done) => setTimeout(done, 500));
    }
  }
  try {
    return buildRegisterLocked();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildRegisterLocked(): BuiltRegister {
  const fresh = () =>
    complete(join(REPO, "dist")) &&
    Math.min(statSync(ESM_REGISTER).mtimeMs, statSync(CJS_REGISTER).mtimeMs) >=
      newestMtime(join(REPO, "src"));
  const cache = join(REPO, "node_modules/.cache");
  for (let attempt = 1; attempt <= 4; attempt++) {
    if (!fresh()) {
      try {
        execFileSync("npm", ["run", "build"], { cwd: REPO, stdio: "pipe" });
      } catch {
        // A type error elsewhere still emits; a collision with another build is retried.
      }
    }
    if (!complete(join(REPO, "dist"))) continue;
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, "langgraph-otel-register-"));
    try {
      cpSync(join(REPO, "dist/esm"), join(dir, "esm"), { recursive: true });
      cpSync(join(REPO, "dist/cjs"), join(dir, "cjs"), { recursive: true });
    } catch {
      // dist/ vanished under us: another build started.
    }
    if (complete(dir)) {
      return {
        esm: join(dir, "esm/register.js"),
        cjs: join(dir, "cjs/register.js"),
        remove: () => rmSync(dir, { recursive: true, force: true }),
      };
    }
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error("could not build a complete dist/{esm,cjs} (npm run build)");
}

/** The built register entry for a test file: built before its tests, removed after. */
export function useBuiltRegister(): () => BuiltRegister {
  let built: BuiltRegister | undefined;
  beforeAll(async () => {
    built = await buildRegister();
  }, 300_000);
  afterAll(() => built?.remove());
  return () => {
    if (built === undefined) throw new Error("the register entry is not built yet");
    return built;
  };
}

// --- OTLP receiver (http/protobuf, http/json, grpc): see otlp-receiver.ts -------------

export {
  type OtlpReceiver,
  type ReceivedLog,
  type ReceivedSpan,
  startOtlpReceiver,
} from "./otlp-receiver.js";

/** Exactly one run span of `graph`, with one span per node of `nodes` under it. */
export function expectOneWholeRun(spans: ReceivedSpan[], graph: string, nodes: string[]): void {
  const runs = spans.filter((s) => s.name === `${SPAN_INVOKE_WORKFLOW} ${graph}`);
  expect(runs).toHaveLength(1);
  const nodeSpans = spans.filter((s) => s.name.startsWith(SPAN_INVOKE_NODE));
  expect(nodeSpans.map((s) => s.name).sort()).toEqual(nodes.map((node) => `${SPAN_INVOKE_NODE} ${node}`).sort());
  for (const node of nodeSpans) expect(node.parentSpanId).toBe(runs[0]?.spanId);
}

/** For a test file: a fresh receiver per test (`start()`), closed after each test. */
export function useOtlpReceiver(): { start(): Promise<OtlpReceiver>; current(): OtlpReceiver | undefined } {
  let receiver: OtlpReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });
  return {
    start: async () => {
      receiver = await startOtlpReceiver();
      return receiver;
    },
    current: () => receiver,
  };
}

// --- child processes --------------------------------------------------------------

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningChild {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stdout contains `text`; rejects if the child exits first. */
  waitForOutput(text: string): Promise<void>;
  exited: Promise<ChildResult>;
}

/**
 * Environment for a child: the OTEL_* variables of this test process are dropped so
 * only what the test sets applies.
 */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("OTEL_") && !key.startsWith("LANGGRAPH_OTEL_")) env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * Starts `node <flag> <register> <script>`; a child still running after `killAfterMs`
 * is killed (so a hang fails the test instead of stalling it).
 */
export function startChild(
  nodeArgs: string[],
  env: Record<string, string>,
  killAfterMs = 60_000,
  cwd = REPO,
): RunningChild {
  const child = spawn(process.execPath, nodeArgs, {
    cwd,
    env: childEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: Array<{ text: string; done: () => void }> = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    for (const waiter of waiters.splice(0)) {
      if (stdout.includes(waiter.text)) waiter.done();
      else waiters.push(waiter);
    }
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  const exited = new Promise<ChildResult>((done) => {
    child.on("exit", (code, signal) => {
      clearTimeout(killer);
      // Let the pipes drain.
      setImmediate(() => done({ code, signal, stdout, stderr }));
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForOutput: (text) =>
      new Promise<void>((done, fail) => {
        if (stdout.includes(text)) return done();
        waiters.push({ text, done });
        void exited.then((r) =>
          fail(new Error(`child exited (${r.code ?? r.signal}) before "${text}":\n${r.stderr}`)),
        );
      }),
  };
}
