// Emits two trees from one source: dist/cjs (tsc, NodeNext, so `import()` stays a real
// dynamic import) and dist/esm (tsc, ESNext). A package.json in each tells Node the format.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");

rmSync("dist", { recursive: true, force: true });
for (const [project, dir, type] of [
  ["tsconfig.json", "dist/cjs", "commonjs"],
  ["tsconfig.esm.json", "dist/esm", "module"],
]) {
  execFileSync(process.execPath, [tsc, "-p", project], { stdio: "inherit" });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, `${JSON.stringify({ type })}\n`);
}
