/**
 * The collector-stall scenario's OTLP/HTTP receiver: it accepts exports and answers 200,
 * except while stalled, when it holds every export request unanswered (a collector that
 * is up but stuck). Probes (an empty JSON export) are always answered, so the demo sends
 * to it. Whatever it receives is discarded.
 */
import { createServer, type ServerResponse } from "node:http";

export interface StalledCollector {
  /** Base URL, like http://127.0.0.1:43123 (the demo's --endpoint). */
  readonly url: string;
  /** Held requests are answered when the stall ends. */
  setStalled(stalled: boolean): void;
  close(): Promise<void>;
}

export async function startStalledCollector(): Promise<StalledCollector> {
  let stalled = false;
  const held = new Map<ServerResponse, boolean>();
  // An empty export response: `{}` in JSON, zero bytes in protobuf.
  const answer = (res: ServerResponse, json: boolean) => {
    held.delete(res);
    if (res.writableEnded) return;
    res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
    res.end(json ? "{}" : "");
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const json = (req.headers["content-type"] ?? "").includes("json");
      const probe = Buffer.concat(chunks).toString() === JSON.stringify({ resourceSpans: [] });
      if (!stalled || probe) return answer(res, json);
      held.set(res, json);
      res.on("close", () => held.delete(res));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    setStalled(value) {
      stalled = value;
      if (!value) for (const [res, json] of [...held]) answer(res, json);
    },
    close() {
      stalled = false;
      for (const [res, json] of [...held]) answer(res, json);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
