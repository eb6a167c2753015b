/**
 * The SDK's own HTTP servers (`/metrics`, the health port). The http instrumentation
 * would trace every scrape and probe as a server span; it asks here and leaves them out.
 * Sockets are marked on `connection`, which the server emits before any `request`.
 */
import type { Socket } from "node:net";
import type { Server } from "node:http";

const ownSockets = new WeakSet<Socket>();

/** Marks every connection `server` accepts as ours (untraced). */
export function markOwnServer(server: Server): void {
  server.on("connection", (socket: Socket) => ownSockets.add(socket));
}

/** True for a request that arrived on a connection of one of our servers. */
export function isOwnServerSocket(socket: unknown): boolean {
  return typeof socket === "object" && socket !== null && ownSockets.has(socket as Socket);
}
