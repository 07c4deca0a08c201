import { defineConfig } from "vitest/config";
import { printUnsupportedLineNote, unsupportedLineReporters } from "./test/node-line.ts";

// On a Node line outside package.json's engines, one line first says so, and what to do (test/node-line.ts).
printUnsupportedLineNote();

// .ci/each-node runs the suite once per supported Node line (LAB_NODE_LINE_INDEX 0, 1, 2). The
// broken variants of phases 6 to 9 (and the traversal and smuggling matrices) are graded by checks that use no
// client of Node's own (no fetch, no node:http), so their verdicts cannot change with the line; the
// records on a moved clock (test/days.test.ts) prove the masks, and the word tests (test/words/)
// hold lessons and hints to the files: no Node line changes any of them either. Each runs on one
// line, spread so that the lines take about as long. The solutions of those phases still run on
// every line, in the phases' specs. Re-recording (--update) runs them all on the first line, which
// writes the records every line shares.
const oneLineOnly: Array<[pattern: string, line: number]> = [
  ["test/days.test.ts", 0],
  ["test/traversal.test.ts", 0],
  ["test/smuggling.test.ts", 0],
  // Phase 2 has no check that drives a client of Node's own.
  ["test/broken-phase-2.test.ts", 0],
  ["test/words/*.test.ts", 1],
  // The WSGI twin against the Hono app: raw sockets on both sides, no client of Node's own.
  ["test/framework-twin.test.ts", 1],
  ["test/broken-phase-6.test.ts", 2],
  ["test/broken-phase-7.test.ts", 2],
  ["test/broken-phase-8.test.ts", 2],
  ["test/broken-phase-9.test.ts", 2],
  // Phases 11 to 15: the variants caught on the wire; those a real client catches first run on every line (*-clients.test.ts).
  ["test/broken-phase-11.test.ts", 1],
  ["test/broken-phase-12.test.ts", 2],
  ["test/broken-phase-13.test.ts", 0],
  ["test/broken-phase-14.test.ts", 1],
  ["test/broken-phase-15.test.ts", 2],
  // Side by side, then in order: the run again gives the shared records, which no line changes.
  ["test/together.test.ts", 0],
];
const lineIndex = process.env.LAB_NODE_LINE_INDEX === undefined ? null : Number(process.env.LAB_NODE_LINE_INDEX);
const recording = process.argv.includes("--update") || process.argv.includes("-u");
const notHere = lineIndex === null ? [] : oneLineOnly.filter(([, line]) => (recording ? 0 : line) !== lineIndex).map(([pattern]) => pattern);

export default defineConfig({
  test: {
    // The project's tests, and the phases' hidden specs (run against the solutions here).
    include: ["test/**/*.test.ts", "phases/*/.spec/*.spec.ts"],
    exclude: ["**/node_modules/**", ...notHere],
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
