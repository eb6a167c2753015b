import { setupTelemetry } from "./variants.mjs";
import { buildChain } from "./graphs.mjs";
import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { LangGraphInstrumentation, GenAIInstrumentation } from "../dist/esm/index.js";
const t = await setupTelemetry();
const insts = { core: [new LangGraphInstrumentation({ enabled: false })], genai: [new GenAIInstrumentation({ enabled: false })] };
const w = buildChain(10);
async function round(list) {
  for (const i of list) { i.setTracerProvider(t.tracerProvider); i.setMeterProvider(t.meterProvider); i.enable(); await i.ready; }
  const c0 = process.cpuUsage();
  for (let i = 0; i < 100; i++) await w.graph.invoke(w.input());
  await awaitAllCallbacks();
  const c = process.cpuUsage(c0);
  for (const i of list) i.disable();
  await t.drainCounts();
  return (c.user + c.system) / 1000 / 100;
}
const res = { none: [], core: [], genai: [], both: [] };
for (let r = 0; r < 8; r++) {
  res.none.push(await round([])); res.core.push(await round(insts.core)); res.genai.push(await round(insts.genai)); res.both.push(await round([...insts.core, ...insts.genai]));
}
const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const k in res) console.log(k, med(res[k]).toFixed(3), (med(res[k]) / med(res.none)).toFixed(2) + "x");
await t.shutdown();
