/**
 * Checks tried side by side first (checker/grader/run.ts): a run that is all clean stands, and a
 * run with any failure is done again in order on a fresh server, so a student reads the very report
 * the in-order run gives. Shown here on real servers: the solutions stand together (no run again),
 * and broken servers of every kind (a crash, an exit, a Python server, a failure a real client
 * finds, one a background check finds) give their recorded report, word for word, after the retry.
 * (Phase 5's broken servers have volatile records, timing in their words: its solution is here.)
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { findPhase, phases } from "../checker/manifest.ts";
import { runPhase, togetherOrder } from "../checker/grader/run.ts";
import type { Check } from "../checker/types.ts";
import { brokenCases } from "./broken/cases.ts";
import { ROOT, SEED, gradeBroken, hasPython } from "./broken/harness.ts";
import { SUPPORTED } from "./node-line.ts";
import { makeLabCopy } from "./lab-copy.ts";

const REPORTS = path.join(import.meta.dirname, "reports");

describe("the order checks start in when they run side by side", () => {
  const check = (id: string, more: Partial<Check> = {}): Check => ({ id, title: id, hints: [], run: async () => null, ...more });

  test("opening checks alone first, then background checks behind what they require, then the other lone checks, then the rest", () => {
    const checks = [
      check("start", { alone: true }),
      check("first-visit", { alone: true, requires: ["start"] }),
      check("a"),
      check("count", { alone: true }),
      check("two-requests", { requires: ["start"] }),
      check("b"),
      check("idle", { background: true, requires: ["two-requests"] }),
      check("memory", { alone: true, requires: ["a"] }),
      check("c", { requires: ["idle"] }),
    ];
    expect(togetherOrder(checks).map((each) => each.id)).toEqual(["start", "first-visit", "two-requests", "idle", "count", "a", "memory", "b", "c"]);
  });

  test("every phase's order holds each check once, after the checks it requires", () => {
    for (const phase of phases) {
      const order = togetherOrder(phase.checks);
      expect(order.map((each) => each.id).sort()).toEqual(phase.checks.map((each) => each.id).sort());
      for (const [index, each] of order.entries()) {
        for (const required of each.requires ?? []) {
          const at = order.findIndex((other) => other.id === required);
          if (at !== -1) expect(at, `${phase.number}: ${each.id} after ${required}`).toBeLessThan(index);
        }
      }
    }
  });
});

describe("the solutions pass side by side, with no run again", () => {
  for (const phase of phases.filter((each) => each.number >= 3)) {
    test(`phase ${phase.number} (${phase.slug})`, async () => {
      let retried = false;
      const report = await runPhase({ phase, target: { kind: "file", file: path.join(ROOT, phase.solution), label: phase.solution }, seed: SEED, root: ROOT, onRetry: () => (retried = true) });
      const failed = report.results.filter((result) => result.status !== "pass" && result.status !== "skip");
      expect(failed.map((result) => `${result.number} ${result.finding?.message}`)).toEqual([]);
      expect(retried).toBe(false);
    });
  }
});

/** Broken servers of every kind; each report is compared with its record. */
const SAMPLE = [
  "3-exits-after-first-answer", // the server exits during the run
  "3-dies-on-hello", // it crashes on a survival check
  "py-3-no-connection-close", // a Python server under --cmd
  "7-date-in-local-time", // found by a background check (the Date a second later)
  "9-string-prefix-check", // the seed's traversal check
  "12-parallel-lost-visits", // found by a check that runs alone (the page's count)
  "12-refuses-on-arrival",
  "11-close-said-not-done",
  "11-no-idle-deadline", // the idle deadline, a background check
  "13-no-content-encoding", // Node's fetch finds it
  "14-stream-whole-body",
  "15-cookies-joined",
  "py-15-fields-in-a-dict",
];

describe.runIf(SUPPORTED)("a broken server's report is the in-order run's, word for word, after the run side by side", () => {
  for (const name of SAMPLE) {
    const brokenCase = brokenCases.find((each) => each.name === name);
    const python = brokenCase?.base.endsWith(".py") ?? false;
    const run = python && !hasPython ? test.skip : test;
    run(name, async () => {
      expect(brokenCase, `${name} is not a broken case`).toBeDefined();
      // Shared records only: a record of one Node line would say nothing on another.
      expect(brokenCase!.byNode ?? brokenCase!.volatile).toBeUndefined();
      expect(findPhase(String(brokenCase!.phase))!.number).toBeGreaterThanOrEqual(3);
      let retried = 0;
      const graded = await gradeBroken(brokenCase!, { together: true, onRetry: () => (retried += 1) });
      expect(retried).toBe(1);
      expect(graded.text).toBe(readFileSync(path.join(REPORTS, `${name}.txt`), "utf8"));
    });
  }
});

test("a student's phase whose last run failed runs in order at once; once it passes, side by side again", () => {
  // LAB_DEBUG: the run side by side lists its checks on stderr ("together: 3.4 …").
  const saved = process.env.LAB_DEBUG;
  process.env.LAB_DEBUG = "1";
  const lab = makeLabCopy();
  process.env.LAB_DEBUG = saved;
  try {
    const sideBySide = (run: { err: string }): boolean => run.err.includes("together: ");
    // No progress yet: side by side first; the skeleton fails, so the checks run again in order.
    const first = lab.run("cli", ["3", "--seed", "5"]);
    expect(first.code).toBe(1);
    expect(sideBySide(first)).toBe(true);
    expect(first.out).toContain("A check failed among checks run side by side");
    // It failed last time: in order at once, with no line about a run again.
    const second = lab.run("cli", ["3", "--seed", "5"]);
    expect(second.code).toBe(1);
    expect(sideBySide(second)).toBe(false);
    expect(second.out).not.toContain("side by side");
    // The same report as the run again of the first: only the port, the times and that line differ.
    const plain = (out: string): string => out.replace(/A check failed among[^\n]*\n\n/, "").replace(/\b(?:port |PORT=|127\.0\.0\.1:)\d+/g, "<port>").replace(/\(?\d+(?:\.\d+)? (?:ms|s)\)?/g, "<time>");
    expect(plain(second.out)).toBe(plain(first.out));
    // Fixed: still in order (it failed last time), and it passes.
    // (A comment more than the solution: an exact copy of it is not recorded as the student's pass.)
    writeFileSync(lab.file("phases/3-respond/server.ts"), `${readFileSync(lab.file("solutions/3-respond/server.ts"), "utf8")}\n// fixed\n`);
    const fixed = lab.run("cli", ["3", "--seed", "5"]);
    expect(fixed.code).toBe(0);
    expect(sideBySide(fixed)).toBe(false);
    // It passed last time: side by side again.
    const again = lab.run("cli", ["3", "--seed", "5"]);
    expect(again.code).toBe(0);
    expect(sideBySide(again)).toBe(true);
  } finally {
    lab.remove();
  }
});
