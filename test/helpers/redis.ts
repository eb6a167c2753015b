/**
 * A real Redis for the cross-process tests: Debian's `redis-server` (.ci/run installs
 * it) on a free loopback port, no persistence. A missing binary fails the test that
 * needs it, on CI and off: these tests never skip.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { connect } from "node:net";
import { eventually, freePort } from "./waiting.js";

export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server (SIGTERM, then SIGKILL); resolves once it has exited. */
  stop(): Promise<void>;
}

function redisBinary(): string {
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("redis-server not found: apt-get install redis-server (.ci/run installs it)");
  }
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      done(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => done(false));
  });
}

export async function startRedis(port?: number): Promise<RedisServer> {
  const binary = redisBinary();
  const chosen = port ?? (await freePort());
  const child: ChildProcess = spawn(
    binary,
    ["--port", String(chosen), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  await eventually(
    `redis-server on port ${chosen}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
      return (await answersPing(chosen)) ? true : undefined;
    },
    15_000,
    100,
  );
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
