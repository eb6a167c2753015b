// Loader hooks of esm-load-log.cjs.
import { appendFileSync } from "node:fs";

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (result.format === "module") appendFileSync(process.env.ESM_LOAD_LOG, `${url}\n`);
  return result;
}
