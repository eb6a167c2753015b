/**
 * Helpers for the alerting tests: the real Prometheus/Alertmanager processes (the pinned
 * versions, test/stack/binaries.ts), a webhook receiver, and test copies of the committed
 * configs (short intervals, test URLs).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { basename, join } from "node:path";
import { parse, stringify } from "yaml";
import { sleep } from "../helpers/waiting.js";
import { isDict, list, repoPath } from "../stack/support.js";

export interface RunningProcess {
  readonly logs: () => string;
  /** False once the process has exited (crashed or stopped). */
  readonly alive: () => boolean;
  stop(): Promise<void>;
}

/** Starts a binary and waits until `readyUrl` answers 200; fails with its logs otherwise. */
export async function startProcess(
  binary: string,
  args: string[],
  readyUrl: string,
  timeoutMs = 30_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningProcess> {
  const child: ChildProcess = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const running: RunningProcess = {
    logs: () => output,
    alive: () => !exited,
    stop: () =>
      new Promise((resolve) => {
        if (exited || child.pid === undefined) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${basename(binary)} exited early:\n${output}`);
    try {
      const response = await fetch(readyUrl);
      if (response.ok) return running;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await running.stop();
  throw new Error(`${basename(binary)} not ready at ${readyUrl}:\n${output}`);
}

export interface WebhookPayload {
  receiver: string;
  status: string;
  alerts: Array<{ status: string; labels: Record<string, string> }>;
}

export interface WebhookReceiver {
  /** Base URL; POST to `${url}/<name>` records the payload under `name`. */
  url: string;
  received: Map<string, WebhookPayload[]>;
  close(): Promise<void>;
}

/** An HTTP server that records webhook posts by path (`/pager`, `/chat`). */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received = new Map<string, WebhookPayload[]>();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      const name = (req.url ?? "/").slice(1);
      try {
        const payload = JSON.parse(body) as WebhookPayload;
        received.set(name, [...(received.get(name) ?? []), payload]);
      } catch {
        // not a webhook post; ignore
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface AlertmanagerTiming {
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

/**
 * The committed alertmanager.yml for a test: each webhook's `url_file` (a secret file
 * under /etc/alertmanager/secrets/ in compose) points into `secretsDir` instead, where a
 * file holding `<base>/<receiver>` is written; optionally shorter grouping intervals.
 * Routes, inhibitions and the `url_file` mechanism itself are untouched: those are tested.
 */
export function testAlertmanagerConfig(
  webhookBase: string,
  secretsDir: string,
  timing?: AlertmanagerTiming,
): string {
  const config: unknown = parse(readFileSync(repoPath("alertmanager/alertmanager.yml"), "utf8"));
  if (!isDict(config)) throw new Error("alertmanager.yml is not a mapping");
  mkdirSync(secretsDir, { recursive: true });
  for (const receiver of list(config, "receivers")) {
    if (!isDict(receiver)) continue;
    for (const webhook of list(receiver, "webhook_configs")) {
      if (!isDict(webhook) || typeof webhook.url_file !== "string") continue;
      const file = join(secretsDir, basename(webhook.url_file));
      writeFileSync(file, `${webhookBase}/${String(receiver.name)}`);
      webhook.url_file = file;
    }
  }
  if (timing !== undefined) {
    const routes = [config.route, ...list(config.route, "routes")];
    for (const route of routes) {
      if (!isDict(route)) continue;
      route.group_wait = timing.groupWait;
      route.group_interval = timing.groupInterval;
      route.repeat_interval = timing.repeatInterval;
    }
  }
  return stringify(config);
}

/** Alerts as Alertmanager's API v2 lists them. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
  receivers: Array<{ name: string }>;
}

export async function alertmanagerAlerts(base: string): Promise<AlertmanagerAlert[]> {
  const response = await fetch(`${base}/api/v2/alerts`);
  if (!response.ok) throw new Error(`GET /api/v2/alerts: ${response.status}`);
  return (await response.json()) as AlertmanagerAlert[];
}

/** How the e2e test shortens the committed rules: same expressions, faster clocks. */
export interface RuleOverrides {
  /** Replaces every rate window of minutes (`[5m]`, `[15m]`); `[1w]` baselines stay. */
  rateWindow: string;
  /** Replaces every `for:` duration. */
  forDuration: string;
  /** Replaces every group `interval:`. */
  groupInterval: string;
}

/** A rule file's text with the overrides applied (expressions and labels untouched). */
export function overrideRules(text: string, overrides: RuleOverrides): string {
  return text
    .replace(/\[\d+m\]/g, `[${overrides.rateWindow}]`)
    .replace(/^(\s+for:\s*)\S+$/gm, `$1${overrides.forDuration}`)
    .replace(/^(\s+interval:\s*)\S+$/gm, `$1${overrides.groupInterval}`);
}

export interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query against Prometheus' HTTP API; throws on a PromQL error. */
export async function promQuery(base: string, query: string): Promise<PromResult[]> {
  const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: PromResult[] };
  };
  if (body.status !== "success") throw new Error(`${query}: ${body.error ?? response.status}`);
  if (body.data?.resultType !== "vector") throw new Error(`${query}: not a vector`);
  return body.data.result;
}
