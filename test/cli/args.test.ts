import { describe, expect, it } from "vitest";
import { DEMO_DEFAULTS, parseDemoArgs, UsageError } from "../../src/cli/args.js";
import { EXIT_OK, EXIT_USAGE, runCli } from "../../src/cli/run.js";

function capture() {
  let out = "";
  let err = "";
  return {
    io: { out: { write: (t: string) => (out += t) }, err: { write: (t: string) => (err += t) } },
    out: () => out,
    err: () => err,
  };
}

describe("demo flags", () => {
  it("parses every flag, with = or a separate value, units and percentages", () => {
    const args = parseDemoArgs([
      "--runs=5",
      "--concurrency",
      "3",
      "--fail-rate",
      "15%",
      "--latency",
      "0.2s",
      "--duration",
      "24h",
      "--endpoint",
      "http://collector:4318/",
      "--metrics-port",
      "0",
      "--seed",
      "9",
    ]);
    expect(args).toEqual({
      help: false,
      options: {
        runs: 5,
        concurrency: 3,
        failRate: 0.15,
        latencyMs: 200,
        durationMs: 24 * 3_600_000,
        endpoint: "http://collector:4318",
        metricsPort: 0,
        seed: 9,
      },
    });
    expect(parseDemoArgs([])).toEqual({ help: false, options: DEMO_DEFAULTS });
    expect(parseDemoArgs(["--duration", "90"])).toMatchObject({ options: { durationMs: 90_000 } });
    expect(parseDemoArgs(["--latency", "20ms"])).toMatchObject({ options: { latencyMs: 20 } });
    expect(parseDemoArgs(["--runs", "3", "-h"])).toEqual({ help: true });
  });

  it.each([
    [["--runs", "0"], /--runs must be a whole number >= 1 \(got "0"\)/],
    [["--runs", "abc"], /--runs must be a whole number/],
    [["--runs", "2.5"], /--runs must be a whole number/],
    [["--concurrency", "-1"], /--concurrency must be a whole number from 1 to 1000/],
    [["--fail-rate", "1.5"], /--fail-rate must be a probability from 0 to 1/],
    [["--fail-rate", "150%"], /--fail-rate must be a probability/],
    [["--latency", "fast"], /--latency must be a time from 0 to 60s/],
    [["--duration", "0"], /--duration must be from 1s to 7 days/],
    [["--duration", "10 parsecs"], /--duration must be from 1s to 7 days/],
    [["--endpoint", "localhost:4318"], /--endpoint must be an http\(s\) URL/],
    [["--endpoint", "ftp://x"], /--endpoint must be an http\(s\) URL/],
    [["--metrics-port", "70000"], /--metrics-port must be a whole number from 0 to 65535/],
    [["--runs"], /--runs needs a value/],
    [["--runs", "--concurrency", "2"], /--runs needs a value/],
    [["--speed", "3"], /unknown option --speed/],
    [["extra"], /unexpected argument "extra"/],
  ])("rejects %j with a clear message and exit code 2", async (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(UsageError);
    expect(() => parseDemoArgs(argv)).toThrow(message);
    const c = capture();
    expect(await runCli(["demo", ...argv], c.io)).toBe(EXIT_USAGE);
    expect(c.err()).toMatch(message);
    expect(c.err()).toContain("Run 'langgraph-otel demo --help' for usage.");
    expect(c.out()).toBe("");
  });

  it("documents every flag in --help and exits 0", async () => {
    const c = capture();
    expect(await runCli(["demo", "--help"], c.io)).toBe(EXIT_OK);
    for (const flag of [
      "--runs",
      "--concurrency",
      "--fail-rate",
      "--latency",
      "--duration",
      "--endpoint",
      "--metrics-port",
      "--seed",
      "--help",
    ]) {
      expect(c.out()).toContain(flag);
    }
    expect(c.out()).toContain("Exit codes: 0 done, 1 failed to run, 2 bad command line.");
  });

  it("knows its commands", async () => {
    const help = capture();
    expect(await runCli(["--help"], help.io)).toBe(EXIT_OK);
    expect(help.out()).toContain("demo");
    const none = capture();
    expect(await runCli([], none.io)).toBe(EXIT_USAGE);
    expect(none.out()).toContain("Usage: langgraph-otel <command>");
    const unknown = capture();
    expect(await runCli(["deploy"], unknown.io)).toBe(EXIT_USAGE);
    expect(unknown.err()).toContain('unknown command "deploy"');
    const version = capture();
    expect(await runCli(["--version"], version.io)).toBe(EXIT_OK);
    expect(version.out()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
