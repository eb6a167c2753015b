import { createServer, type Server } from "node:http";
import { markOwnServer } from "./own-servers.js";
import type { HealthHandler } from "./handler.js";

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves a health handler on its own port, for apps with no HTTP server of their own
 * (the demo agent, a worker). The server is unref'd: it never keeps a finished app alive.
 */
export function serveHealth(handler: HealthHandler, port: number, host = "0.0.0.0"): Promise<HealthServer> {
  const server: Server = createServer(handler);
  server.unref();
  markOwnServer(server);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host }, () => {
      server.off("error", reject);
      const bound = server.address();
      resolve({
        port: typeof bound === "object" && bound !== null ? bound.port : port,
        close: () =>
          new Promise<void>((done) => {
            handler.close();
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
