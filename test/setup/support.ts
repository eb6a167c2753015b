/**
 * Helpers for the zero-code tests: a real OTLP/HTTP (JSON) receiver, the
 * built register entry, and child processes running the unmodified example agent.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, resolve } from "node:path";

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

// --- OTLP/HTTP JSON receiver --------------------------------------------------------

type Json = Record<string, unknown>;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
  serviceName: unknown;
}

export interface ReceivedLog {
  traceId: string;
  spanId: string;
  eventName: string | undefined;
  body: unknown;
  severityText: unknown;
  attributes: Record<string, unknown>;
}

function anyValue(value: unknown): unknown {
  const v = (value ?? {}) as Json;
  if ("stringValue" in v) return v.stringValue;
  if ("intValue" in v) return Number(v.intValue);
  if ("doubleValue" in v) return v.doubleValue;
  if ("boolValue" in v) return v.boolValue;
  if ("arrayValue" in v) return ((v.arrayValue as Json).values as unknown[] ?? []).map(anyValue);
  return undefined;
}

function attributesOf(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of (list as Json[] | undefined) ?? []) out[String(kv.key)] = anyValue(kv.value);
  return out;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  logs: ReceivedLog[];
  requests: number;
  close(): Promise<void>;
}

/** A real OTLP/HTTP endpoint: decodes the JSON payloads of /v1/traces and /v1/logs. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const receiver: OtlpReceiver = {
    url: "",
    spans: [],
    logs: [],
    requests: 0,
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      receiver.requests++;
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Json;
      if (req.url === "/v1/traces") {
        for (const rs of (body.resourceSpans as Json[]) ?? []) {
          const resource = attributesOf((rs.resource as Json | undefined)?.attributes);
          for (const ss of (rs.scopeSpans as Json[]) ?? []) {
            for (const s of (ss.spans as Json[]) ?? []) {
              receiver.spans.push({
                traceId: String(s.traceId),
                spanId: String(s.spanId),
                parentSpanId: String(s.parentSpanId ?? ""),
                name: String(s.name),
                attributes: attributesOf(s.attributes),
                serviceName: resource["service.name"],
              });
            }
          }
        }
      } else if (req.url === "/v1/logs") {
        for (const rl of (body.resourceLogs as Json[]) ?? []) {
          for (const sl of (rl.scopeLogs as Json[]) ?? []) {
            for (const r of (sl.logRecords as Json[]) ?? []) {
              receiver.logs.push({
                traceId: String(r.traceId ?? ""),
                spanId: String(r.spanId ?? ""),
                eventName: typeof r.eventName === "string" ? r.eventName : undefined,
                body: anyValue(r.body),
                severityText: r.severityText,
                attributes: attributesOf(r.attributes),
              });
            }
          }
        }
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  receiver.url = `http://127.0.0.1:${port}`;
  receiver.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return receiver;
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
): RunningChild {
  const child = spawn(process.execPath, nodeArgs, {
    cwd: REPO,
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
