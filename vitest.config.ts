import { defineConfig } from "vitest/config";
import { printUnsupportedLineNote, unsupportedLineReporters } from "./test/node-line.ts";

// On a Node line outside package.json's engines, one line first says so, and what to do (test/node-line.ts).
printUnsupportedLineNote();

// .ci/each-node runs the suite once per supported Node line. The broken variants of phases 6 and up
// (and the traversal matrix) are graded by checks that use no client of Node's own (no fetch, no
// node:http), so their verdicts cannot change with the line: they run on the first line only. The
// solutions of those phases still run on every line, in the phases' specs.
// The records on a moved clock (test/days.test.ts) prove the masks, and the word tests
// (test/words/) hold lessons and hints to the files: no Node line changes either.
const firstLineOnly = [
  "test/broken-phase-6.test.ts",
  "test/broken-phase-7.test.ts",
  "test/broken-phase-8.test.ts",
  "test/broken-phase-9.test.ts",
  "test/traversal.test.ts",
  "test/days.test.ts",
  "test/words/*.test.ts",
];

export default defineConfig({
  test: {
    // The project's tests, and the phases' hidden specs (run against the solutions here).
    include: ["test/**/*.test.ts", "phases/*/.spec/*.spec.ts"],
    exclude: ["**/node_modules/**", ...(process.env.LAB_FIRST_NODE_LINE === "0" ? firstLineOnly : [])],
    env: { LAB_SPEC_TARGET: process.env.LAB_SPEC_TARGET ?? "solution" },
    // Real servers and real sockets: generous bounds, never tight timing.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most of a test's time is spent waiting on sockets and timers, not computing.
    maxWorkers: 4,
    // On an unsupported line only: the default reporter, after a list of the tests that line skipped.
    ...unsupportedLineReporters(),
  },
});
