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
  const held = new Set<ServerResponse>();
  const answer = (res: ServerResponse) => {
    held.delete(res);
    if (!res.writableEnded) res.writeHead(200, { "content-type": "application/json" }).end("{}");
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const probe = Buffer.concat(chunks).toString() === JSON.stringify({ resourceSpans: [] });
      if (!stalled || probe) return answer(res);
      held.add(res);
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
      if (!value) for (const res of [...held]) answer(res);
    },
    close() {
      stalled = false;
      for (const res of [...held]) answer(res);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
