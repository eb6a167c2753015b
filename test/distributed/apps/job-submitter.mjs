// The submitting side of the queue pattern (submit → Redis list → worker), under
// langgraph-otel's register entry. Each job is submitted inside its own span and carries
// that span's context: the one line `trace: traceHeaders()`. After the jobs, one stop
// job per worker. Prints {"submitted":[{id,traceId,spanId}]}.
import { trace } from "@opentelemetry/api";
import Redis from "ioredis";

const { traceHeaders } = await import(process.env.LANGGRAPH_OTEL_ENTRY);
const redis = new Redis(process.env.REDIS_URL);
const jobs = Number(process.env.JOBS);
const workers = Number(process.env.WORKERS);
const tracer = trace.getTracer("job-submitter");

const submitted = [];
for (let id = 1; id <= jobs; id++) {
  await tracer.startActiveSpan(`submit job ${id}`, async (span) => {
    await redis.lpush("jobs", JSON.stringify({ id, input: { ticket: `T-${id}` }, trace: traceHeaders() }));
    submitted.push({ id, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId });
    span.end();
  });
}
for (let i = 0; i < workers; i++) await redis.lpush("jobs", JSON.stringify({ stop: true }));
await redis.quit();
console.log(JSON.stringify({ submitted }));
