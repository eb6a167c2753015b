import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites that start Prometheus/Alertmanager or child processes own their ports.
    fileParallelism: true,
    pool: "forks",
  },
});
