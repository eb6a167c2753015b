/**
 * OTLP/HTTP "collectors" on 127.0.0.1 that misbehave in one way each, for the fault
 * tests: a port that refuses connections, a server that accepts and never answers, one
 * that answers 500, one that answers 429 with `Retry-After`, and one that resets each
 * connection as the request arrives. Each binds port 0 (no
 * clashes with other suites) and counts what reached it.
 */
import { once } from "node:events";
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";

export type FaultKind = "refuse" | "hang" | "status500" | "status429" | "reset";

export interface FaultyCollector {
  kind: FaultKind;
  /** Full OTLP traces URL (…/v1/traces). */
  tracesUrl: string;
  /** Base URL (OTEL_EXPORTER_OTLP_ENDPOINT form). */
  baseUrl: string;
  /** HTTP requests (or, for `hang`, connections) that reached the server. */
  readonly requests: number;
  /** Request bodies seen more than once (retries of the same batch). */
  readonly retries: number;
  close(): Promise<void>;
}

function addressOf(server: { address(): AddressInfo | string | null }): number {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server has no port");
  return address.port;
}

function urls(port: number): { baseUrl: string; tracesUrl: string } {
  const baseUrl = `http://127.0.0.1:${port}`;
  return { baseUrl, tracesUrl: `${baseUrl}/v1/traces` };
}

/** A loopback port with nothing listening: connections are refused at once. */
async function refusing(): Promise<FaultyCollector> {
  const probe = createNetServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const port = addressOf(probe);
  probe.close();
  await once(probe, "close");
  return { kind: "refuse", ...urls(port), requests: 0, retries: 0, close: async () => {} };
}

/** Accepts TCP connections and reads forever (or, `reset`, resets at the first byte). */
async function hanging(kind: "hang" | "reset" = "hang"): Promise<FaultyCollector> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("data", () => {
      if (kind === "reset") socket.resetAndDestroy();
    });
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    kind,
    ...urls(addressOf(server)),
    get requests() {
      return connections;
    },
    retries: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads each request whole, then answers with `status` (and headers). */
async function answering(
  kind: FaultKind,
  status: number,
  headers: Record<string, string>,
): Promise<FaultyCollector> {
  let requests = 0;
  let retries = 0;
  const seen = new Set<string>();
  const server: Server = createHttpServer((req, res) => {
    requests++;
    readBody(req)
      .then((body) => {
        const key = body.toString("base64");
        if (seen.has(key)) retries++;
        else seen.add(key);
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end("{}");
      })
      .catch(() => res.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    kind,
    ...urls(addressOf(server)),
    get requests() {
      return requests;
    },
    get retries() {
      return retries;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

export function startFaultyCollector(kind: FaultKind): Promise<FaultyCollector> {
  switch (kind) {
    case "refuse":
      return refusing();
    case "hang":
    case "reset":
      return hanging(kind);
    case "status500":
      return answering(kind, 500, {});
    case "status429":
      return answering(kind, 429, { "retry-after": "1" });
  }
}
