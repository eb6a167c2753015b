import type { Agent } from "node:http";
import type { Socket } from "node:net";
import { diag } from "@opentelemetry/api";

/**
 * Export I/O must never keep the app's process alive. The OTLP/HTTP exporters hold a
 * ref'd socket for every request and a ref'd timer for every retry, so an app whose last
 * line has run waits on a dead collector's 10 s timeouts and retries before `beforeExit`
 * even fires. With their sockets and retry timers unref'd, the process ends (or runs our
 * exit flush) as soon as the app is done; `shutdown()` and `forceFlush()` hold the process
 * open themselves, for as long as their own deadline (see `holdOpenWhile`).
 *
 * The exporters offer no option for this, so it reaches into the pinned exporter's
 * internals (`_delegate._transport`, a RetryingTransport around an HttpExporterTransport).
 * A shape it does not recognise is left as it is, with a debug line: the exporter works,
 * only the exit takes longer. test/reliability/exit.test.ts proves the shape still holds.
 */
export function unrefExportIo(exporter: object): boolean {
  const retrying = (exporter as { _delegate?: { _transport?: unknown } })._delegate?._transport;
  if (!isRetryingTransport(retrying)) {
    diag.debug("langgraph-otel: exporter transport not recognised; its requests keep the process alive");
    return false;
  }
  const inner = retrying._transport;
  retrying.retry = (data, timeoutMillis, inMillis) =>
    new Promise((resolve, reject) => {
      setTimeout(() => inner.send(data, timeoutMillis).then(resolve, reject), inMillis).unref();
    });
  const parameters = inner._parameters;
  if (parameters !== undefined && typeof parameters.agentFactory === "function") {
    const makeAgent = parameters.agentFactory;
    parameters.agentFactory = async (protocol) => unrefSockets(await makeAgent(protocol));
  }
  return true;
}

interface Transport {
  send(data: Uint8Array, timeoutMillis: number): Promise<unknown>;
  _parameters?: { agentFactory?: (protocol: string) => Promise<Agent> };
}

interface RetryingTransport {
  _transport: Transport;
  retry(data: Uint8Array, timeoutMillis: number, inMillis: number): Promise<unknown>;
}

function isRetryingTransport(value: unknown): value is RetryingTransport {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<RetryingTransport>;
  return typeof candidate.retry === "function" && typeof candidate._transport?.send === "function";
}

type ConnectionFactory = (...args: unknown[]) => Socket;

/** New and reused sockets of the agent are unref'd (Node refs a socket it takes from the pool). */
function unrefSockets(agent: Agent): Agent {
  const internals = agent as unknown as {
    createConnection: ConnectionFactory;
    reuseSocket?: (socket: Socket, request: unknown) => void;
  };
  const createConnection = internals.createConnection;
  internals.createConnection = function (this: unknown, ...args: unknown[]) {
    const socket = createConnection.apply(this, args);
    socket.unref?.();
    return socket;
  };
  const reuseSocket = internals.reuseSocket;
  if (typeof reuseSocket === "function") {
    internals.reuseSocket = function (this: unknown, socket, request) {
      reuseSocket.call(this, socket, request);
      socket.unref?.();
    };
  }
  return agent;
}

/**
 * The batch processors arm a ref'd timer for each export (the SDK's export timeout, 30 s
 * by default), at the start of `method`. Wraps `method` so that the first timer it sets,
 * synchronously, is unref'd; nothing else is touched. Unknown shapes are left alone.
 */
export function unrefExportTimer(processor: object, method: "_flushOneBatch" | "_exportWithTimeout"): boolean {
  const target = processor as Record<string, unknown>;
  const original = target[method];
  if (typeof original !== "function") {
    diag.debug(`langgraph-otel: batch processor has no ${method}; its export timer keeps the process alive`);
    return false;
  }
  target[method] = function (this: unknown, ...args: unknown[]) {
    const setTimer = globalThis.setTimeout;
    const unrefFirst = ((...timerArgs: Parameters<typeof setTimeout>) => {
      globalThis.setTimeout = setTimer;
      const timer = setTimer(...timerArgs);
      timer.unref?.();
      return timer;
    }) as typeof setTimeout;
    globalThis.setTimeout = unrefFirst;
    try {
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } finally {
      if (globalThis.setTimeout === unrefFirst) globalThis.setTimeout = setTimer;
    }
  };
  return true;
}

/**
 * Keeps the process alive while `work` runs, at most `maxMillis`: the export I/O is
 * unref'd, so an `await otel.shutdown()` as the app's last line would otherwise end the
 * process mid-flush.
 */
export function holdOpenWhile<T>(work: Promise<T>, maxMillis: number): Promise<T> {
  const timer = setTimeout(() => undefined, Math.max(0, maxMillis));
  const release = () => clearTimeout(timer);
  work.then(release, release);
  return work;
}
