import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/** The entry of @langchain/core that exports `CallbackManager`. */
export const CALLBACK_MANAGER_ENTRY = "@langchain/core/callbacks/manager";
const PACKAGE_JSON = "@langchain/core/package.json";
const EXPORT_KEY = "./callbacks/manager";

/** Where resolution starts: the application's directory and this package's own. */
function anchors(): string[] {
  const list = [join(process.cwd(), "__langgraph_otel__.js")];
  // Only the CJS build has __filename; the ESM build finds its own copy with import().
  if (typeof __filename === "string") list.push(__filename);
  return list;
}

/** The CommonJS copies of the callback manager module that resolution reaches. */
export function requireCallbackManagers(onError: (err: unknown) => void): unknown[] {
  const seen = new Set<string>();
  const copies: unknown[] = [];
  for (const anchor of anchors()) {
    try {
      const req = createRequire(anchor);
      const path = req.resolve(CALLBACK_MANAGER_ENTRY);
      if (seen.has(path)) continue;
      seen.add(path);
      copies.push(req(path));
    } catch (err) {
      onError(err);
    }
  }
  return copies;
}

/** The ES module copies of the callback manager module that resolution reaches. */
export async function importCallbackManagers(onError: (err: unknown) => void): Promise<unknown[]> {
  const urls = new Set<string>();
  for (const anchor of anchors()) {
    try {
      const url = esmEntryUrl(createRequire(anchor).resolve(PACKAGE_JSON));
      if (url !== undefined) urls.add(url);
    } catch (err) {
      onError(err);
    }
  }
  const loads: Promise<unknown>[] = [import(CALLBACK_MANAGER_ENTRY).catch(onError)];
  for (const url of urls) loads.push(import(url).catch(onError));
  return (await Promise.all(loads)).filter((copy) => copy !== undefined);
}

function esmEntryUrl(packageJsonPath: string): string | undefined {
  const manifest = JSON.parse(readFileSync(packageJsonPath, "utf8")) as {
    exports?: Record<string, unknown>;
  };
  let target: unknown = manifest.exports?.[EXPORT_KEY];
  while (typeof target === "object" && target !== null) {
    const conditions = target as Record<string, unknown>;
    target = conditions.import ?? conditions.default;
  }
  if (typeof target !== "string") return undefined;
  return pathToFileURL(join(dirname(packageJsonPath), target)).href;
}
