/**
 * A real OTLP receiver for the tests, over the three transports of the spec:
 * HTTP with protobuf bodies (`application/x-protobuf`), HTTP with JSON bodies
 * (`application/json`), both optionally gzip-compressed, and gRPC (HTTP/2, h2c). Every request is recorded with its transport facts (path, content type,
 * content encoding, headers or metadata) and its body is decoded into spans, metric names
 * and log records. The protobuf decoding is a small wire-format reader over the field
 * numbers of opentelemetry-proto (trace.proto, metrics.proto, logs.proto, common.proto).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createHttp2Server, type Http2Server, type Http2Session } from "node:http2";
import { gunzipSync } from "node:zlib";

export type OtlpSignal = "traces" | "metrics" | "logs";

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client. */
  kind: number;
  /** Name of the instrumentation scope that made the span. */
  scope: string;
  attributes: Record<string, unknown>;
  serviceName: unknown;
  /** Names of the span's events (e.g. `exception`). */
  events: string[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

export interface ReceivedLog {
  traceId: string;
  spanId: string;
  eventName: string | undefined;
  body: unknown;
  severityText: unknown;
  attributes: Record<string, unknown>;
}

export interface ReceivedMetric {
  name: string;
  serviceName: unknown;
}

/** One export request as it arrived. */
export interface ReceivedRequest {
  transport: "http" | "grpc";
  signal: OtlpSignal;
  /** HTTP: the Content-Type header; gRPC: the content-type metadata (application/grpc). */
  contentType: string;
  /** HTTP: Content-Encoding; gRPC: grpc-encoding. Empty when uncompressed. */
  contentEncoding: string;
  /** HTTP headers or gRPC metadata, lower-cased names. */
  headers: Record<string, string>;
}

export interface OtlpReceiver {
  /** Base URL of the HTTP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT form). */
  url: string;
  /** `http://127.0.0.1:port` of the gRPC endpoint. */
  grpcUrl: string;
  requests: ReceivedRequest[];
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
  logs: ReceivedLog[];
  /** Bodies that could not be decoded (a wrong content type, a corrupt body). */
  errors: string[];
  close(): Promise<void>;
}

// --- protobuf wire format ------------------------------------------------------------

type WireValue = { wire: 0; value: bigint } | { wire: 1 | 5; bytes: Buffer } | { wire: 2; bytes: Buffer };

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error("truncated varint");
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

/** Field number → values, in order. */
function decodeMessage(buf: Buffer): Map<number, WireValue[]> {
  const fields = new Map<number, WireValue[]>();
  let pos = 0;
  while (pos < buf.length) {
    const [tag, next] = readVarint(buf, pos);
    pos = next;
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    let value: WireValue;
    if (wire === 0) {
      const [v, after] = readVarint(buf, pos);
      pos = after;
      value = { wire: 0, value: v };
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      value = { wire, bytes: buf.subarray(pos, pos + size) };
      pos += size;
    } else if (wire === 2) {
      const [length, after] = readVarint(buf, pos);
      pos = after + Number(length);
      value = { wire: 2, bytes: buf.subarray(after, pos) };
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
    if (pos > buf.length) throw new Error("truncated field");
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

function bytesOf(fields: Map<number, WireValue[]>, field: number): Buffer[] {
  return (fields.get(field) ?? []).flatMap((v) => (v.wire === 2 ? [v.bytes] : []));
}
function messages(fields: Map<number, WireValue[]>, field: number): Map<number, WireValue[]>[] {
  return bytesOf(fields, field).map(decodeMessage);
}
function str(fields: Map<number, WireValue[]>, field: number): string {
  return bytesOf(fields, field)[0]?.toString("utf8") ?? "";
}
function hex(fields: Map<number, WireValue[]>, field: number): string {
  return bytesOf(fields, field)[0]?.toString("hex") ?? "";
}
function varint(fields: Map<number, WireValue[]>, field: number): number {
  const value = fields.get(field)?.[0];
  return value?.wire === 0 ? Number(value.value) : 0;
}

function anyValueProto(fields: Map<number, WireValue[]> | undefined): unknown {
  if (fields === undefined) return undefined;
  if (fields.has(1)) return str(fields, 1);
  const scalar = (field: number) => fields.get(field)?.[0];
  const bool = scalar(2);
  if (bool?.wire === 0) return bool.value !== 0n;
  const int = scalar(3);
  if (int?.wire === 0) return Number(BigInt.asIntN(64, int.value));
  const double = scalar(4);
  if (double !== undefined && double.wire === 1) return double.bytes.readDoubleLE(0);
  const array = messages(fields, 5)[0];
  if (array !== undefined) return messages(array, 1).map(anyValueProto);
  return undefined;
}

function attributesProto(list: Map<number, WireValue[]>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list) out[str(kv, 1)] = anyValueProto(messages(kv, 2)[0]);
  return out;
}

function serviceNameProto(resourceX: Map<number, WireValue[]>): unknown {
  const resource = messages(resourceX, 1)[0];
  return resource === undefined ? undefined : attributesProto(messages(resource, 1))["service.name"];
}

function decodeProtobuf(signal: OtlpSignal, body: Buffer, into: OtlpReceiver): void {
  const request = decodeMessage(body);
  for (const resourceX of messages(request, 1)) {
    const serviceName = serviceNameProto(resourceX);
    for (const scopeX of messages(resourceX, 2)) {
      const scopeFields = messages(scopeX, 1)[0];
      const scope = scopeFields === undefined ? "" : str(scopeFields, 1);
      for (const item of messages(scopeX, 2)) {
        if (signal === "traces") {
          into.spans.push({
            traceId: hex(item, 1),
            spanId: hex(item, 2),
            parentSpanId: hex(item, 4),
            name: str(item, 5),
            kind: varint(item, 6),
            scope,
            attributes: attributesProto(messages(item, 9)),
            serviceName,
            events: messages(item, 11).map((event) => str(event, 2)),
            statusCode: messages(item, 15).map((status) => varint(status, 3))[0] ?? 0,
          });
        } else if (signal === "metrics") {
          into.metrics.push({ name: str(item, 1), serviceName });
        } else {
          into.logs.push({
            traceId: hex(item, 9),
            spanId: hex(item, 10),
            eventName: item.has(12) ? str(item, 12) : undefined,
            body: anyValueProto(messages(item, 5)[0]),
            severityText: item.has(3) ? str(item, 3) : undefined,
            attributes: attributesProto(messages(item, 6)),
          });
        }
      }
    }
  }
}

// --- OTLP/JSON -----------------------------------------------------------------------

type Json = Record<string, unknown>;

function anyValueJson(value: unknown): unknown {
  const v = (value ?? {}) as Json;
  if ("stringValue" in v) return v.stringValue;
  if ("intValue" in v) return Number(v.intValue);
  if ("doubleValue" in v) return v.doubleValue;
  if ("boolValue" in v) return v.boolValue;
  if ("arrayValue" in v) return (((v.arrayValue as Json).values as unknown[]) ?? []).map(anyValueJson);
  return undefined;
}

function attributesJson(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of (list as Json[] | undefined) ?? []) out[String(kv.key)] = anyValueJson(kv.value);
  return out;
}

const JSON_KEYS: Record<OtlpSignal, [string, string, string]> = {
  traces: ["resourceSpans", "scopeSpans", "spans"],
  metrics: ["resourceMetrics", "scopeMetrics", "metrics"],
  logs: ["resourceLogs", "scopeLogs", "logRecords"],
};

function decodeJson(signal: OtlpSignal, body: Buffer, into: OtlpReceiver): void {
  const request = JSON.parse(body.toString("utf8") || "{}") as Json;
  const [resourceKey, scopeKey, itemKey] = JSON_KEYS[signal];
  for (const resourceX of (request[resourceKey] as Json[] | undefined) ?? []) {
    const serviceName = attributesJson((resourceX.resource as Json | undefined)?.attributes)["service.name"];
    for (const scopeX of (resourceX[scopeKey] as Json[] | undefined) ?? []) {
      for (const item of (scopeX[itemKey] as Json[] | undefined) ?? []) {
        if (signal === "traces") {
          into.spans.push({
            traceId: String(item.traceId),
            spanId: String(item.spanId),
            parentSpanId: String(item.parentSpanId ?? ""),
            name: String(item.name),
            kind: Number(item.kind ?? 0),
            scope: String((scopeX.scope as Json | undefined)?.name ?? ""),
            attributes: attributesJson(item.attributes),
            serviceName,
            events: ((item.events as Json[] | undefined) ?? []).map((event) => String(event.name)),
            statusCode: Number((item.status as Json | undefined)?.code ?? 0),
          });
        } else if (signal === "metrics") {
          into.metrics.push({ name: String(item.name), serviceName });
        } else {
          into.logs.push({
            traceId: String(item.traceId ?? ""),
            spanId: String(item.spanId ?? ""),
            eventName: typeof item.eventName === "string" ? item.eventName : undefined,
            body: anyValueJson(item.body),
            severityText: item.severityText,
            attributes: attributesJson(item.attributes),
          });
        }
      }
    }
  }
}

// --- servers -------------------------------------------------------------------------

const HTTP_PATHS: Record<string, OtlpSignal> = {
  "/v1/traces": "traces",
  "/v1/metrics": "metrics",
  "/v1/logs": "logs",
};

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = [value].flat().join(", ");
  }
  return out;
}

function startHttp(receiver: OtlpReceiver): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const signal = HTTP_PATHS[(req.url ?? "").split("?")[0] ?? ""];
      const headers = flatHeaders(req.headers);
      const contentType = headers["content-type"] ?? "";
      const contentEncoding = headers["content-encoding"] ?? "";
      if (signal === undefined) {
        res.writeHead(404).end();
        return;
      }
      receiver.requests.push({ transport: "http", signal, contentType, contentEncoding, headers });
      try {
        const raw = Buffer.concat(chunks);
        const body = contentEncoding === "gzip" ? gunzipSync(raw) : raw;
        if (contentType.startsWith("application/x-protobuf")) decodeProtobuf(signal, body, receiver);
        else if (contentType.startsWith("application/json")) decodeJson(signal, body, receiver);
        else throw new Error(`unexpected content type "${contentType}"`);
      } catch (error) {
        receiver.errors.push(`${signal}: ${error instanceof Error ? error.message : String(error)}`);
        res.writeHead(400).end();
        return;
      }
      // An empty Export*ServiceResponse, in the request's encoding.
      if (contentType.startsWith("application/json")) {
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } else {
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      }
    });
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done(server)));
}

const GRPC_PATHS: Record<string, OtlpSignal> = {
  "/opentelemetry.proto.collector.trace.v1.TraceService/Export": "traces",
  "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export": "metrics",
  "/opentelemetry.proto.collector.logs.v1.LogsService/Export": "logs",
};

/**
 * gRPC on a plain node:http2 server (h2c), read at the wire level so that compression is
 * visible: each message is a 5-byte prefix (compressed flag, length) and the body, the
 * `grpc-encoding` header names the codec. (@grpc/grpc-js's server strips both.)
 */
function startGrpc(receiver: OtlpReceiver): Promise<Http2Server> {
  const server = createHttp2Server();
  server.on("stream", (stream, rawHeaders) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(rawHeaders)) {
      if (!name.startsWith(":") && value !== undefined) headers[name.toLowerCase()] = [value].flat().join(", ");
    }
    const signal = GRPC_PATHS[String(rawHeaders[":path"])];
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      const contentEncoding = headers["grpc-encoding"] ?? "";
      let status = 0;
      if (signal === undefined) {
        status = 12; // UNIMPLEMENTED
      } else {
        receiver.requests.push({
          transport: "grpc",
          signal,
          contentType: headers["content-type"] ?? "",
          contentEncoding: "",
          headers,
        });
        try {
          const frame = Buffer.concat(chunks);
          const compressed = frame.readUInt8(0) === 1;
          const message = frame.subarray(5, 5 + frame.readUInt32BE(1));
          const request = receiver.requests[receiver.requests.length - 1];
          if (request !== undefined) request.contentEncoding = compressed ? contentEncoding : "";
          decodeProtobuf(signal, compressed ? gunzipSync(message) : message, receiver);
        } catch (error) {
          receiver.errors.push(`${signal}: ${error instanceof Error ? error.message : String(error)}`);
          status = 13; // INTERNAL
        }
      }
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": String(status) }));
      // An empty Export*ServiceResponse: uncompressed, length 0.
      stream.end(status === 0 ? Buffer.alloc(5) : undefined);
    });
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done(server)));
}

/** Starts the HTTP and the gRPC endpoint on free loopback ports. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const receiver: OtlpReceiver = {
    url: "",
    grpcUrl: "",
    requests: [],
    spans: [],
    metrics: [],
    logs: [],
    errors: [],
    close: async () => undefined,
  };
  const http = await startHttp(receiver);
  const grpc = await startGrpc(receiver);
  const portOf = (server: Server | Http2Server) => {
    const address = server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  };
  receiver.url = `http://127.0.0.1:${portOf(http)}`;
  receiver.grpcUrl = `http://127.0.0.1:${portOf(grpc)}`;
  const sessions = new Set<Http2Session>();
  grpc.on("session", (session: Http2Session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  receiver.close = async () => {
    for (const session of sessions) session.destroy();
    await Promise.all([
      new Promise<void>((done) => grpc.close(() => done())),
      new Promise<void>((done) => {
        http.closeAllConnections();
        http.close(() => done());
      }),
    ]);
  };
  return receiver;
}
