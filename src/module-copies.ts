import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compileFunction } from "node:vm";
import {
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from "@opentelemetry/instrumentation";

/**
 * Finds the copies of a dual (ESM + CJS) package entry that the application uses, so
 * that their prototypes can be patched without loader flags. Resolution starts from the
 * application's directory and from this package's own; the two copies of each format
 * are distinct objects and both get patched. Nothing is loaded that the application has
 * not loaded: CommonJS copies are taken from the require cache now and from the require
 * hook later (a pure-ESM app must not pay for 400 CommonJS modules it never uses).
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

/** The CommonJS copies that resolution reaches and the application has already loaded. */
export function loadedRequireCopies(entry: PackageEntry, onError: (err: unknown) => void): unknown[] {
  const seen = new Set<string>();
  const copies: unknown[] = [];
  for (const anchor of resolutionAnchors()) {
    try {
      const req = createRequire(anchor);
      const path = req.resolve(specifierOf(entry));
      if (seen.has(path)) continue;
      seen.add(path);
      const loaded = req.cache[path];
      if (loaded?.loaded === true) copies.push(loaded.exports);
    } catch (err) {
      onError(err);
    }
  }
  return copies;
}

/**
 * A module definition whose files are the entry's CommonJS and ES module files: OTel's
 * require hook (and the import hook, where its loader is registered) hands each copy to
 * `patch` when the application loads it. Undoing is left to the instrumentation, which
 * unwraps every prototype it patched.
 */
export function entryDefinition(
  entry: PackageEntry,
  supportedVersions: string[],
  patch: (moduleExports: unknown) => void,
): InstrumentationNodeModuleDefinition {
  const files = entryFiles(entry).map(
    (file) =>
      new InstrumentationNodeModuleFile(
        file,
        supportedVersions,
        (moduleExports: unknown) => {
          patch(moduleExports);
          return moduleExports;
        },
        (moduleExports: unknown) => moduleExports,
      ),
  );
  return new InstrumentationNodeModuleDefinition(entry.packageName, supportedVersions, undefined, undefined, files);
}

/**
 * `package/dist/…` names of the files behind an entry, as the require hook reports them:
 * read from the installed package's exports map, with the conventional layout as fallback.
 */
function entryFiles(entry: PackageEntry): string[] {
  const base = entry.subpath === "." ? "index" : `${entry.subpath.slice(2)}/index`;
  const files = new Set([`${entry.packageName}/dist/${base}.cjs`, `${entry.packageName}/dist/${base}.js`]);
  for (const anchor of resolutionAnchors()) {
    try {
      const manifest = createRequire(anchor).resolve(`${entry.packageName}/package.json`);
      for (const condition of ["import", "require"] as const) {
        const target = exportTarget(manifest, entry.subpath, condition);
        if (target === undefined) continue;
        const file = relative(dirname(manifest), fileURLToPath(target)).split(sep).join("/");
        files.add(`${entry.packageName}/${file}`);
      }
    } catch {
      // Not installed where this anchor resolves: the conventional names stand.
    }
  }
  return [...files];
}

/**
 * The ES module copies that resolution reaches: in an ES module app they are loaded
 * already (import() only hands them over). A CommonJS app (its entry script is CommonJS)
 * gets none: importing would load a second, unused copy of LangChain (about 540 modules;
 * +100 MB peak RSS on Node 24). Such an app that imports the ES module build itself is
 * covered by the import hook or manuallyInstrument.
 */
export async function importCopies(
  entry: PackageEntry,
  onError: (err: unknown) => void,
): Promise<unknown[]> {
  if (appIsCommonJs()) return [];
  const urls = new Set<string>();
  for (const anchor of resolutionAnchors()) {
    try {
      const manifest = createRequire(anchor).resolve(`${entry.packageName}/package.json`);
      const url = exportTarget(manifest, entry.subpath, "import");
      if (url !== undefined) urls.add(url);
    } catch (err) {
      onError(err);
    }
  }
  const loads: Promise<unknown>[] = [import(specifierOf(entry)).catch(onError)];
  for (const url of urls) loads.push(import(url).catch(onError));
  return (await Promise.all(loads)).filter((copy) => copy !== undefined);
}

/** The file URL that a subpath of a package.json's exports gives under one condition. */
function exportTarget(
  packageJsonPath: string,
  subpath: string,
  condition: "import" | "require",
): string | undefined {
  const manifest = JSON.parse(readFileSync(packageJsonPath, "utf8")) as {
    exports?: Record<string, unknown>;
  };
  let target: unknown = manifest.exports?.[subpath];
  while (typeof target === "object" && target !== null) {
    const conditions = target as Record<string, unknown>;
    target = conditions[condition] ?? conditions.default;
  }
  if (typeof target !== "string") return undefined;
  return pathToFileURL(join(dirname(packageJsonPath), target)).href;
}

/**
 * Whether the application's entry script is CommonJS. Once it runs, `require.main` says
 * so; while preloads run (`-r langgraph-otel/register`, NODE_OPTIONS) it is not set yet,
 * so the entry's format is decided as Node decides it: by extension, then by the nearest
 * package.json `type`, then (no `type`) by whether it parses as a CommonJS module body.
 * Anything undecidable (no entry script, an unreadable one) counts as not CommonJS: the
 * ES module copies are then imported, as before, which costs memory but misses nothing.
 */
function appIsCommonJs(): boolean {
  const req = createRequire(resolutionAnchors()[0] as string);
  if (req.main !== undefined) return true;
  // The entry script does not change: decided once (each instrumentation entry asks).
  entryIsCommonJs ??= entryScriptIsCommonJs(req);
  return entryIsCommonJs;
}

let entryIsCommonJs: boolean | undefined;

function entryScriptIsCommonJs(req: NodeJS.Require): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    const path = req.resolve(script);
    const extension = extname(path);
    if (extension === ".cjs" || extension === ".cts") return true;
    if (extension === ".mjs" || extension === ".mts" || extension === ".json" || extension === ".node") {
      return false;
    }
    const type = packageType(path);
    if (type !== undefined) return type === "commonjs";
    return parsesAsCommonJs(readFileSync(path, "utf8"));
  } catch {
    return false;
  }
}

/** The `type` of the package.json nearest to `path` (undefined when it has none). */
function packageType(path: string): string | undefined {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, "package.json"), "utf8");
    } catch {
      // No package.json here: look further up.
    }
    if (text !== undefined) {
      const type = (JSON.parse(text) as { type?: unknown }).type;
      return typeof type === "string" ? type : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Node's module syntax detection for a file without `type`: ESM syntax fails as a function body. */
function parsesAsCommonJs(source: string): boolean {
  try {
    compileFunction(source.replace(/^#!.*/, ""), ["exports", "require", "module", "__filename", "__dirname"]);
    return true;
  } catch {
    return false;
  }
}
