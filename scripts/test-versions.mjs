// The version matrix (as OTel contrib's test-all-versions): builds and packs the package,
// then for each combination of peers installs the tarball into a fresh app exactly as a
// user would (`npm install`, no --legacy-peer-deps), and proves four things there:
//   1. npm prints no ERESOLVE and no peer warning, and `npm ls --all` exits 0;
//   2. one copy of each @opentelemetry/* package (and of @langchain/core and /langgraph);
//   3. the core, GenAI and testing-kit suites (test/instrumentation, test/genai,
//      test/testing) pass against the installed copy: the suites are copied into the app, `src/` there is a link to the
//      installed package's dist/esm, and every bare import resolves from the app's own
//      node_modules; the CommonJS and ES module consumers (cjs.test.ts) require/import
//      `langgraph-otel` by name from the app;
//   4. the zero-code entry traces an unmodified agent (`--import` and `-r`).
// Results go to test/versions/results.json; --write-readme regenerates README's
// compatibility table from it.
//
//   npm run test:versions                          every combination
//   npm run test:versions -- --combo newest        one (repeatable)
//   npm run test:versions -- --oldest-newest       the two CI runs
//   npm run test:versions -- --write-readme        run, then rewrite the README table
//   npm run test:versions -- --readme-only         rewrite the README table from results.json
//   npm run test:versions -- --keep                leave the temp apps for inspection
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(REPO, "test/versions/results.json");
const README = join(REPO, "README.md");
const SUITES = ["test/instrumentation", "test/genai", "test/testing"];
// What the copied suites import besides themselves (their own tests are not copied).
const SUPPORT = ["test/helpers", "test/setup"];

/**
 * The combinations. `supported: false` is a combination we document as not installing
 * cleanly: the run records its real status and fails only if it suddenly installs clean
 * (then the peer range should grow). Oldest core: every @langchain/langgraph 1.x depends on
 * @langchain/langgraph-checkpoint ^1.x, whose newest release wants @langchain/core ^1.1.48.
 */
const COMBINATIONS = [
  { name: "oldest", langgraph: "1.0.0", core: "1.1.48", api: "1.9.0", supported: true },
  { name: "middle", langgraph: "1.4.21", core: "1.2.18", api: "1.9.0", supported: true },
  { name: "newest", langgraph: "1.7.3", core: "1.4.0", api: "1.9.1", supported: true },
  { name: "newest-api-1.10", langgraph: "1.7.3", core: "1.4.0", api: "1.10.0", supported: false },
];

const PEER_WARNING = /ERESOLVE|overriding peer dependency|\bpeer\b|conflicting peer|invalid: /i;

function parseArgs(argv) {
  const args = { combos: [], oldestNewest: false, writeReadme: false, readmeOnly: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--combo") args.combos.push(argv[++i]);
    else if (arg.startsWith("--combo=")) args.combos.push(arg.slice("--combo=".length));
    else if (arg === "--oldest-newest") args.oldestNewest = true;
    else if (arg === "--write-readme") args.writeReadme = true;
    else if (arg === "--readme-only") args.readmeOnly = true;
    else if (arg === "--keep") args.keep = true;
    else throw new Error(`unknown argument: ${arg}`);
  }
  return args;
}

function selected(args) {
  if (args.oldestNewest) return COMBINATIONS.filter((c) => c.name === "oldest" || c.name === "newest");
  if (args.combos.length === 0) return COMBINATIONS;
  return args.combos.map((name) => {
    const combo = COMBINATIONS.find((c) => c.name === name);
    if (!combo) throw new Error(`no combination named ${name}: ${COMBINATIONS.map((c) => c.name).join(", ")}`);
    return combo;
  });
}

const seconds = (start) => Math.round((Date.now() - start) / 100) / 10;

/** Runs a command, never throws; returns status, stdout, stderr. */
function sh(cmd, cmdArgs, opts = {}) {
  const res = spawnSync(cmd, cmdArgs, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
  return { status: res.status ?? 1, stdout: res.stdout ?? "", stderr: res.stderr ?? "" };
}

function pack(workDir) {
  execFileSync("npm", ["run", "build"], { cwd: REPO, stdio: ["ignore", "ignore", "inherit"] });
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", workDir], {
    cwd: REPO,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return join(workDir, JSON.parse(out)[0].filename);
}

/** Disk usage in bytes, like `du` (allocated blocks), of a directory. */
function diskUsage(path, skipNodeModules = false) {
  let total = 0;
  const stack = [path];
  while (stack.length > 0) {
    const current = stack.pop();
    const stat = lstatSync(current);
    total += stat.blocks * 512;
    if (!stat.isDirectory()) continue;
    for (const entry of readdirSync(current)) {
      if (skipNodeModules && entry === "node_modules") continue;
      stack.push(join(current, entry));
    }
  }
  return total;
}

/** Every installed package directory under node_modules, with name and version. */
function installedPackages(appDir) {
  const found = [];
  const walk = (nodeModules) => {
    if (!existsSync(nodeModules)) return;
    for (const entry of readdirSync(nodeModules)) {
      if (entry.startsWith(".")) continue;
      const names = entry.startsWith("@")
        ? readdirSync(join(nodeModules, entry)).map((scoped) => `${entry}/${scoped}`)
        : [entry];
      for (const name of names) {
        const dir = join(nodeModules, name);
        const manifest = join(dir, "package.json");
        if (lstatSync(dir).isSymbolicLink() || !existsSync(manifest)) continue;
        const pkg = JSON.parse(readFileSync(manifest, "utf8"));
        found.push({ name, version: pkg.version, dir, pkg });
        walk(join(dir, "node_modules"));
      }
    }
  };
  walk(join(appDir, "node_modules"));
  return found;
}

/** Copies per package name, for the packages that must exist once. */
function copies(packages) {
  const counts = {};
  for (const { name, version } of packages) {
    if (!name.startsWith("@opentelemetry/") && name !== "@langchain/core" && name !== "@langchain/langgraph") continue;
    counts[name] ??= {};
    counts[name][version] = (counts[name][version] ?? 0) + 1;
  }
  const duplicated = Object.entries(counts)
    .map(([name, versions]) => ({ name, versions, total: Object.values(versions).reduce((a, b) => a + b, 0) }))
    .filter((entry) => entry.total > 1);
  return { packages: Object.keys(counts).length, duplicated };
}

/**
 * What langgraph-otel adds to the app: the packages reachable from it through
 * `dependencies` that the app's other top-level packages (and their peers) do not reach.
 */
function addedByUs(appDir, packages) {
  const byDir = new Map(packages.map((p) => [p.dir, p]));
  const resolveFrom = (fromDir, name) => {
    for (let dir = fromDir; ; dir = dirname(dir)) {
      const candidate = join(dir, "node_modules", name);
      if (byDir.has(candidate)) return byDir.get(candidate);
      if (dir === appDir || dir === dirname(dir)) return undefined;
    }
  };
  const reach = (roots, withPeers) => {
    const seen = new Set();
    const stack = [...roots];
    while (stack.length > 0) {
      const pkg = stack.pop();
      if (!pkg || seen.has(pkg.dir)) continue;
      seen.add(pkg.dir);
      const deps = {
        ...pkg.pkg.dependencies,
        ...pkg.pkg.optionalDependencies,
        ...(withPeers ? pkg.pkg.peerDependencies : {}),
      };
      for (const name of Object.keys(deps)) stack.push(resolveFrom(pkg.dir, name));
    }
    return seen;
  };
  const top = (name) => byDir.get(join(appDir, "node_modules", name));
  const appManifest = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8"));
  const others = Object.keys(appManifest.dependencies ?? {}).filter((n) => n !== "langgraph-otel");
  const theirs = reach(others.map(top), true);
  const ours = reach([top("langgraph-otel")], false);
  let bytes = 0;
  let count = 0;
  for (const dir of ours) {
    if (theirs.has(dir)) continue;
    bytes += diskUsage(dir, true);
    count++;
  }
  return { bytes, packages: count };
}

const MB = (bytes) => Math.round(bytes / 1e5) / 10;

function writeApp(appDir) {
  mkdirSync(appDir, { recursive: true });
  writeFileSync(
    join(appDir, "package.json"),
    `${JSON.stringify({ name: "versions-app", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
}

function install(appDir, tarball, combo, extraFlags = []) {
  const specs = [
    tarball,
    `@langchain/langgraph@${combo.langgraph}`,
    `@langchain/core@${combo.core}`,
    `@opentelemetry/api@${combo.api}`,
  ];
  return sh("npm", ["install", "--no-audit", "--no-fund", "--save-exact", ...extraFlags, ...specs], {
    cwd: appDir,
  });
}

/** The suites, pointed at the installed package. */
function copySuites(appDir) {
  for (const path of [...SUITES, ...SUPPORT]) {
    const own = SUITES.includes(path);
    cpSync(join(REPO, path), join(appDir, path), {
      recursive: true,
      filter: (source) => own || !source.endsWith(".test.ts"),
    });
  }
  // `../../src/x.js` in the suites is the installed package's ES module build.
  symlinkSync(join(appDir, "node_modules/langgraph-otel/dist/esm"), join(appDir, "src"), "dir");
  // vitest itself is the repo's (the app does not install it): a link one level up, so
  // `import "vitest"` resolves and nothing else leaks in from the repo's node_modules.
  // fast-check likewise (the kit's property-based example).
  const tools = join(dirname(appDir), "node_modules");
  for (const tool of ["vitest", "fast-check"]) {
    if (existsSync(join(tools, tool))) continue;
    mkdirSync(tools, { recursive: true });
    symlinkSync(join(REPO, "node_modules", tool), join(tools, tool), "dir");
  }
  writeFileSync(
    join(appDir, "vitest.config.mjs"),
    `export default {
  test: {
    include: ${JSON.stringify(SUITES.map((s) => `${s}/**/*.test.ts`))},
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
};
`,
  );
}

function runSuites(appDir) {
  const report = join(appDir, "vitest-report.json");
  const res = sh(
    process.execPath,
    [
      join(REPO, "node_modules/vitest/vitest.mjs"),
      "run",
      "--root",
      appDir,
      "--config",
      join(appDir, "vitest.config.mjs"),
      "--reporter=dot",
      "--reporter=json",
      `--outputFile.json=${report}`,
    ],
    { cwd: appDir, env: { ...process.env, LANGGRAPH_OTEL_VERSIONS_APP: appDir, CI: process.env.CI ?? "" } },
  );
  let counts = { passed: 0, failed: 0, skipped: 0, files: 0 };
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, "utf8"));
    // A file that fails to load has no failed test of its own.
    const brokenFiles = json.testResults.filter(
      (file) => file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"),
    ).length;
    counts = {
      passed: json.numPassedTests,
      failed: json.numFailedTests + brokenFiles,
      skipped: json.numPendingTests + json.numTodoTests,
      files: json.testResults.length,
    };
  }
  const failures = res.status === 0 ? "" : `${res.stdout}\n${res.stderr}`.split("\n").slice(-80).join("\n");
  return { ok: res.status === 0 && counts.failed === 0 && counts.passed > 0, ...counts, failures };
}

/** The zero-code entry on the unmodified example agent, both module formats. */
function runRegister(appDir) {
  for (const file of ["agent.mjs", "agent.cjs"]) cpSync(join(REPO, "examples/unmodified", file), join(appDir, file));
  const env = {
    ...process.env,
    NODE_OPTIONS: "",
    OTEL_SERVICE_NAME: "versions-app",
    OTEL_TRACES_EXPORTER: "console",
    OTEL_METRICS_EXPORTER: "none",
    OTEL_LOGS_EXPORTER: "none",
  };
  const result = {};
  for (const [format, flag, file] of [
    ["esm", "--import", "agent.mjs"],
    ["cjs", "-r", "agent.cjs"],
  ]) {
    const res = sh(process.execPath, [flag, "langgraph-otel/register", file], { cwd: appDir, env });
    const out = res.stdout;
    const traced = ["invoke_workflow unmodified_agent", "invoke_node planner", "invoke_node responder"].every((name) =>
      out.includes(name),
    );
    result[format] = res.status === 0 && traced && out.includes('"answer"');
    if (!result[format]) result[`${format}Output`] = `${out}\n${res.stderr}`.slice(-3000);
  }
  return { ok: result.esm && result.cjs, ...result };
}

function runCombination(combo, tarball, workDir) {
  const started = Date.now();
  const appDir = join(workDir, combo.name);
  writeApp(appDir);
  const timings = {};
  let t = Date.now();
  const installed = install(appDir, tarball, combo);
  timings.install = seconds(t);
  const warnings = installed.stderr.split("\n").filter((line) => /^npm warn/i.test(line));
  const peerLines = installed.stderr.split("\n").filter((line) => PEER_WARNING.test(line));
  const result = {
    name: combo.name,
    supported: combo.supported,
    versions: { "@langchain/langgraph": combo.langgraph, "@langchain/core": combo.core, "@opentelemetry/api": combo.api },
    node: process.version,
    npm: sh("npm", ["--version"]).stdout.trim(),
    install: {
      ok: installed.status === 0,
      eresolve: peerLines.filter((l) => /ERESOLVE/.test(l)).length,
      peerWarnings: peerLines.length,
      otherWarnings: [...new Set(warnings.filter((l) => !PEER_WARNING.test(l)).map((l) => l.replace(/^npm warn\s*/i, "")))].filter(Boolean),
      firstPeerLines: peerLines.slice(0, 12),
      // npm's "Could not resolve dependency: peer X from Y": the range that refused.
      conflict: installed.stderr.match(/Could not resolve dependency:\s*npm error\s+(peer .+? from \S+)/)?.[1],
    },
  };
  let forced = false;
  if (!result.install.ok && !combo.supported) {
    // Documented as unsupported: see what a user forcing it gets.
    t = Date.now();
    rmSync(appDir, { recursive: true, force: true });
    writeApp(appDir);
    const res = install(appDir, tarball, combo, ["--legacy-peer-deps"]);
    timings.forcedInstall = seconds(t);
    forced = res.status === 0;
    result.forced = { installed: forced };
  }
  if (result.install.ok || forced) {
    t = Date.now();
    const ls = sh("npm", ["ls", "--all"], { cwd: appDir });
    result.npmLs = { exitCode: ls.status, problems: ls.stderr.split("\n").filter((l) => /invalid|missing|extraneous/.test(l)).slice(0, 12) };
    const packages = installedPackages(appDir);
    result.copies = copies(packages);
    const added = addedByUs(appDir, packages);
    result.size = {
      nodeModulesMB: MB(diskUsage(join(appDir, "node_modules"))),
      opentelemetryMB: MB(diskUsage(join(appDir, "node_modules/@opentelemetry"))),
      addedByLanggraphOtelMB: MB(added.bytes),
      addedPackages: added.packages,
    };
    timings.checks = seconds(t);
    t = Date.now();
    copySuites(appDir);
    result.tests = runSuites(appDir);
    timings.suites = seconds(t);
    t = Date.now();
    result.register = runRegister(appDir);
    timings.register = seconds(t);
  }
  result.clean =
    result.install.ok &&
    result.install.peerWarnings === 0 &&
    result.npmLs?.exitCode === 0 &&
    result.copies?.duplicated.length === 0;
  result.passed = result.clean && result.tests?.ok === true && result.register?.ok === true;
  timings.total = seconds(started);
  result.timings = timings;
  // An unsupported combination fails the run only when it stops failing (widen the range).
  result.asExpected = combo.supported ? result.passed : !result.clean;
  return result;
}

function statusCell(r) {
  if (r.passed) return "✅ supported";
  if (!r.supported && !r.clean) return "❌ not supported";
  return "❌ FAILED";
}

function installCell(r) {
  if (r.install.ok && r.install.peerWarnings === 0) return "clean";
  if (!r.install.ok) {
    const conflict = r.install.conflict?.match(/^peer (.+) from (\S+?)(@[\d.]+)?$/);
    return conflict ? `ERESOLVE: peer \`${conflict[1]}\` of ${conflict[2]}` : "ERESOLVE";
  }
  return `${r.install.peerWarnings} peer warnings`;
}

function testsCell(r) {
  if (!r.tests) return "not run";
  const forced = r.forced ? " (forced install)" : "";
  const skipped = r.tests.skipped > 0 ? `, ${r.tests.skipped} skipped` : "";
  return `${r.tests.passed} passed, ${r.tests.failed} failed${skipped}${forced}`;
}

function copiesCell(r) {
  if (!r.copies) return "–";
  if (r.copies.duplicated.length === 0) return "1 each";
  return r.copies.duplicated.map((d) => `${d.name.replace("@opentelemetry/", "")} ×${d.total}`).join(", ");
}

function readmeSection(results) {
  const rows = COMBINATIONS.map((c) => results.combinations[c.name]).filter(Boolean);
  const lines = [
    "<!-- compat:start (generated by `npm run test:versions -- --write-readme` from test/versions/results.json; do not edit) -->",
    "| `@langchain/langgraph` | `@langchain/core` | `@opentelemetry/api` | status | `npm install` | `npm ls` | copies of each OTel package | core, GenAI and testing-kit suites | zero-code (ESM, CJS) |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const v = r.versions;
    const register = r.register ? `${r.register.esm ? "✅" : "❌"} ${r.register.cjs ? "✅" : "❌"}` : "–";
    lines.push(
      `| ${v["@langchain/langgraph"]} | ${v["@langchain/core"]} | ${v["@opentelemetry/api"]} | ${statusCell(r)} | ${installCell(r)} | ${
        r.npmLs ? `exit ${r.npmLs.exitCode}` : "–"
      } | ${copiesCell(r)} | ${testsCell(r)} | ${register} |`,
    );
  }
  const sized = rows.filter((r) => r.clean && r.size);
  if (sized.length > 0) {
    const range = (key) => {
      const values = sized.map((r) => r.size[key]);
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      return lo === hi ? `${lo}` : `${lo}–${hi}`;
    };
    lines.push(
      "",
      `Installed size (a fresh app with the peers above, \`du\`): langgraph-otel adds ${range("addedByLanggraphOtelMB")} MB ` +
        `(${range("addedPackages")} packages, one copy of each \`@opentelemetry/*\`); \`node_modules/@opentelemetry\` is ` +
        `${range("opentelemetryMB")} MB and the whole \`node_modules\` ${range("nodeModulesMB")} MB. ` +
        `Measured with Node ${sized[0].node}, npm ${sized[0].npm}, ${results.date}.`,
    );
  }
  lines.push("<!-- compat:end -->");
  return lines.join("\n");
}

function writeReadme(results) {
  const readme = readFileSync(README, "utf8");
  const start = readme.indexOf("<!-- compat:start");
  const end = readme.indexOf("<!-- compat:end -->");
  if (start < 0 || end < start) throw new Error("README.md has no <!-- compat:start --> … <!-- compat:end --> section");
  const next = readme.slice(0, start) + readmeSection(results) + readme.slice(end + "<!-- compat:end -->".length);
  writeFileSync(README, next);
  console.log("README.md: compatibility table rewritten");
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const previous = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, "utf8")) : { combinations: {} };
  if (args.readmeOnly) {
    writeReadme(previous);
    return;
  }
  const combos = selected(args);
  const workDir = mkdtempSync(join(tmpdir(), "langgraph-otel-versions-"));
  let allAsExpected = true;
  try {
    let t = Date.now();
    const tarball = pack(workDir);
    console.log(`packed ${relative(workDir, tarball)} in ${seconds(t)} s (work dir ${workDir})`);
    const results = { date: new Date().toISOString().slice(0, 10), combinations: { ...previous.combinations } };
    for (const combo of combos) {
      t = Date.now();
      console.log(
        `== ${combo.name}: @langchain/langgraph ${combo.langgraph}, @langchain/core ${combo.core}, @opentelemetry/api ${combo.api}`,
      );
      const r = runCombination(combo, tarball, workDir);
      results.combinations[combo.name] = r;
      allAsExpected &&= r.asExpected;
      console.log(
        `   install: ${installCell(r)}; npm ls: ${r.npmLs ? `exit ${r.npmLs.exitCode}` : "–"}; copies: ${copiesCell(r)}; ` +
          `suites: ${testsCell(r)}; zero-code: ${r.register ? `esm ${r.register.esm}, cjs ${r.register.cjs}` : "–"}`,
      );
      if (r.size) {
        console.log(
          `   size: +${r.size.addedByLanggraphOtelMB} MB by langgraph-otel (${r.size.addedPackages} packages), ` +
            `@opentelemetry ${r.size.opentelemetryMB} MB, node_modules ${r.size.nodeModulesMB} MB`,
        );
      }
      for (const line of r.install.firstPeerLines) console.log(`   npm: ${line}`);
      for (const line of r.npmLs?.problems ?? []) console.log(`   npm ls: ${line}`);
      for (const d of r.copies?.duplicated ?? []) console.log(`   duplicated: ${d.name} ${JSON.stringify(d.versions)}`);
      if (r.tests && !r.tests.ok) console.log(r.tests.failures);
      if (r.register && !r.register.ok) console.log(r.register.esmOutput ?? "", r.register.cjsOutput ?? "");
      console.log(
        `   ${statusCell(r)}${r.asExpected ? "" : " (UNEXPECTED)"}; timings (s): ${JSON.stringify(r.timings)}`,
      );
    }
    for (const r of Object.values(results.combinations)) {
      delete r.tests?.failures;
    }
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    if (args.writeReadme) writeReadme(results);
  } finally {
    if (args.keep) console.log(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  if (!allAsExpected) {
    console.error("version matrix: FAILED");
    process.exit(1);
  }
  console.log("version matrix: every combination as expected");
}

main();
