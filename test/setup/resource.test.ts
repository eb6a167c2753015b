/**
 * What the default resource carries: the process detector's attributes, except the
 * command line's arguments, which often carry secrets and go out with every span.
 */
import { describe, expect, it } from "vitest";
import { processDetectorWithoutArgs, buildResource } from "../../src/setup/resource.js";
import { ATTR_PROCESS_COMMAND_ARGS } from "../../src/semconv.js";

describe("default resource", () => {
  it("leaves out process.command_args and keeps the rest of the process attributes", async () => {
    const secret = "--openai-key=sk-live-1234567890abcdef";
    const savedArgv = process.argv;
    process.argv = [...process.argv, secret];
    try {
      const resource = buildResource({});
      await resource.waitForAsyncAttributes?.();
      const attributes = resource.attributes;
      expect(attributes[ATTR_PROCESS_COMMAND_ARGS]).toBeUndefined();
      expect(attributes["process.pid"]).toBe(process.pid);
      expect(attributes["process.runtime.name"]).toBe("nodejs");
      expect(JSON.stringify(attributes)).not.toContain("sk-live");
    } finally {
      process.argv = savedArgv;
    }
  });

  it("an explicit attribute still sets it", () => {
    const resource = buildResource({ [ATTR_PROCESS_COMMAND_ARGS]: ["node", "app.mjs"] }, [processDetectorWithoutArgs]);
    expect(resource.attributes[ATTR_PROCESS_COMMAND_ARGS]).toEqual(["node", "app.mjs"]);
  });
});
