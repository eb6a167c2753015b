// The sample support agent with one-call setup, as an application would write it.
//
//   npm run build && node examples/support-agent/run.mjs
//
// Sends traces to $OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318; start the
// stack with `docker compose up -d`) and serves /metrics on 127.0.0.1:9464.
// `langgraph-otel demo` runs the same agent with a console summary instead.
import { startObservability } from "langgraph-otel";
import {
  createSupportAgent,
  runConversation,
  SCRIPTED_MODEL_PRICES,
  SUPPORT_REQUESTS,
} from "../../dist/esm/examples/support-agent.js";

const otel = startObservability({
  serviceName: process.env.OTEL_SERVICE_NAME ?? "support-agent",
  genai: { prices: SCRIPTED_MODEL_PRICES }, // the scripted models' USD per million tokens
});
await otel.ready.catch((error) => console.error(error.message)); // e.g. port 9464 in use

const agent = createSupportAgent({ latencyMs: 50, failRate: 0.1 });
for (let i = 0; i < SUPPORT_REQUESTS.length; i++) {
  const result = await runConversation(agent, i);
  console.log(`${result.threadId} [${result.outcome}${result.decision ? `, ${result.decision}` : ""}]`);
  console.log(`  customer: ${result.request}`);
  console.log(`  agent:    ${result.answer ?? String(result.error)}`);
}

await otel.shutdown();
