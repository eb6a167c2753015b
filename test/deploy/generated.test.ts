import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { BASE_DIR, generatedFiles } from "./generate.js";

// UPDATE_K8S=1 rewrites the committed copies instead of comparing them.
const update = process.env.UPDATE_K8S === "1";

describe("deploy/kubernetes generated files", () => {
  const files = generatedFiles();
  if (update) {
    it("are regenerated (UPDATE_K8S=1)", () => {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(BASE_DIR, path)), { recursive: true });
        writeFileSync(join(BASE_DIR, path), text);
      }
    });
  }

  it.each(Object.keys(files))("%s is current (UPDATE_K8S=1 npx vitest run test/deploy/generated.test.ts)", (path) => {
    expect(readFileSync(join(BASE_DIR, path), "utf8")).toBe(files[path]);
  });
});
