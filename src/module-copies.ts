import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Loads every copy of a dual (ESM + CJS) package entry that the application can resolve,
 * so that its prototypes can be patched without loader flags. Resolution starts from the
 * application's directory and from this package's own; the two copies of each format
 * are distinct objects and both get patched.
 */
export interface PackageEntry {
  /** The package name, e.g. `@langchain/langgraph`. */
  readonly packageName: string;
  /** The subpath as the package's exports map spells it, e.g. `./pregel`. */
  readonly subpath: string;
}

const specifierOf = ({ packageName, subpath }: PackageEntry) =>
  subpath === "." ? packageName : `${packageName}${subpath.slice(1)}`;

function resolutionAnchors(): string[] {
  const anchors = [join(process.cwd(), "__langgraph_otel__.js")];
  // Only the CJS build has __filename; the ESM build finds its own copy with import().
  if (typeof __filename === "string") anchors.push(__filename);
  return anchors;
}

/** The CommonJS copies that resolution reaches, loaded now. */
export function requireCopies(entry: PackageEntry, onError: (err: unknown) => void): unknown[] {
  const seen = new Set<string>();
  const copies: unknown[] = [];
  for (const anchor of resolutionAnchors()) {
    try {
      const req = createRequire(anchor);
      const path = req.resolve(specifierOf(entry));
      if (seen.has(path)) continue;
      seen.add(path);
      copies.push(req(path));
    } catch (err) {
      onError(err);
    }
  }
  return copies;
}

/** The ES module copies that resolution reaches. */
export async function importCopies(
  entry: PackageEntry,
  onError: (err: unknown) => void,
): Promise<unknown[]> {
  const urls = new Set<string>();
  for (const anchor of resolutionAnchors()) {
    try {
      const manifest = createRequire(anchor).resolve(`${entry.packageName}/package.json`);
      const url = esmEntryUrl(manifest, entry.subpath);
      if (url !== undefined) urls.add(url);
    } catch (err) {
      onError(err);
    }
  }
  const loads: Promise<unknown>[] = [import(specifierOf(entry)).catch(onError)];
  for (const url of urls) loads.push(import(url).catch(onError));
  return (await Promise.all(loads)).filter((copy) => copy !== undefined);
}

/** The file URL of the `import` condition of a subpath in a package.json's exports. */
function esmEntryUrl(packageJsonPath: string, subpath: string): string | undefined {
  const manifest = JSON.parse(readFileSync(packageJsonPath, "utf8")) as {
    exports?: Record<string, unknown>;
  };
  let target: unknown = manifest.exports?.[subpath];
  while (typeof target === "object" && target !== null) {
    const conditions = target as Record<string, unknown>;
    target = conditions.import ?? conditions.default;
  }
  if (typeof target !== "string") return undefined;
  return pathToFileURL(join(dirname(packageJsonPath), target)).href;
}
