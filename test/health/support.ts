import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";

const SRC = resolve(__dirname, "../../src");

/**
 * Transpiles src/health (and semconv, its one import) to plain ESM in a temp folder, so a
 * child process can run the handler without a full build of dist/.
 */
export function transpileHealth(): { entry: string; remove(): void } {
  const out = mkdtempSync(join(tmpdir(), "langgraph-otel-health-"));
  const files = [
    "semconv.ts",
    ...readdirSync(join(SRC, "health"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `health/${f}`),
  ];
  for (const file of files) {
    const { outputText } = ts.transpileModule(readFileSync(join(SRC, file), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const target = join(out, file.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(out, "package.json"), '{"type":"module"}\n');
  return { entry: join(out, "health/index.js"), remove: () => rmSync(out, { recursive: true, force: true }) };
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** GET with a deadline; a timeout resolves to status 0 (what a kubelet counts as failed). */
export async function probe(url: string, timeoutMs = 1500): Promise<Answer> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
  } catch {
    return { status: 0, body: {} };
  }
}

/** A loopback port nothing listens on: bound, then released. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}
