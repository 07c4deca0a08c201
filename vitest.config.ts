import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The project's tests, and the phases' hidden specs (run against the solutions here).
    include: ["test/**/*.test.ts", "phases/*/.spec/*.spec.ts"],
    env: { LAB_SPEC_TARGET: process.env.LAB_SPEC_TARGET ?? "solution" },
    // Real servers and real sockets: generous bounds, never tight timing.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most of a test's time is spent waiting on sockets and timers, not computing.
    maxWorkers: 4,
  },
});
