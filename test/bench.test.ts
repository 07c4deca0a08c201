/**
 * `npm run bench`: the JSON's shape, both servers answering every request, and a phase with no HTTP
 * answers refused clearly. `npm run bench:checker`: its JSON, and bad input named. Never how fast:
 * speed depends on the machine and on what else runs, and no test here asserts it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { ROOT } from "./broken/harness.ts";

/** Runs one of the bench scripts as `npm run` does, and what it said. */
function runScript(script: string, args: string[]): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 90_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const bench = (args: string[]) => runScript("bench/bench.ts", args);
const benchChecker = (args: string[]) => runScript("bench/checker.ts", args);

const noStackTrace = (text: string): void => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe("npm run bench", () => {
  test("phase 12's solution beside node:http: every mode, both servers answered, a ratio, and the picture", () => {
    const run = bench(["12", "--solution", "--duration", "1", "--connections", "2", "--json"]);
    expect(run.code, run.err).toBe(0);
    const report = JSON.parse(run.out) as Record<string, any>;
    expect(report).toMatchObject({ phase: 12, server: "solutions/12-pipelining/server.ts", route: "GET /", durationS: 1, connections: 2 });
    for (const mode of ["close", "keepAlive", "pipelined"]) {
      const figures = report[mode];
      for (const side of ["server", "nodeHttp"]) {
        expect(figures[side], `${mode} ${side}`).toMatchObject({
          requestsPerSecond: expect.any(Number),
          latencyMs: { p50: expect.any(Number), p99: expect.any(Number) },
          errors: 0,
          non2xx: 0,
          socketErrors: 0,
        });
        expect(figures[side].answers, `${mode} ${side}`).toBeGreaterThan(0);
      }
      expect(figures.ratio, mode).toEqual(expect.any(Number));
      expect(figures.ratio, mode).toBeGreaterThan(0);
    }
    const picture = path.join(ROOT, report.picture);
    expect(existsSync(picture)).toBe(true);
    const html = readFileSync(picture, "utf8");
    // Two histograms per mode, inline, and nothing fetched from elsewhere.
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).not.toMatch(/<script|<link|@import|url\(/);
  });

  test("a phase whose server sends no HTTP answers yet is refused, with the first phase that does", () => {
    for (const phase of ["1", "2"]) {
      const run = bench([phase, "--solution", "--json"]);
      expect(run.code).toBe(2);
      expect(run.out).toBe("");
      expect(run.err).toContain("has no HTTP answers to measure");
      expect(run.err).toContain("npm run bench -- 3");
      noStackTrace(run.err);
    }
  });

  test("an unknown phase and a bad option are usage errors", () => {
    const unknown = bench(["42"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('There is no phase "42"');
    const badDuration = bench(["3", "--duration", "0"]);
    expect(badDuration.code).toBe(2);
    expect(badDuration.err).toContain("--duration 0 is not a number of seconds");
    noStackTrace(unknown.err + badDuration.err);
  });
});

describe("npm run bench:checker", () => {
  test("times the whole command of a phase beside its goal, as JSON too", () => {
    const run = benchChecker(["--phases", "1", "--runs", "1", "--json"]);
    expect(run.code, run.err).toBe(0);
    const report = JSON.parse(run.out) as { runs: number; phases: Array<Record<string, unknown>> };
    expect(report.runs).toBe(1);
    expect(report.phases).toEqual([
      { phase: 1, slug: "bind", checks: expect.any(Number), runs: [expect.any(Number)], medianSeconds: expect.any(Number), goalSeconds: 1.2, failures: [] },
    ]);
  });

  test("an unknown phase and a run count that is no whole number are usage errors", () => {
    const unknown = benchChecker(["--phases", "1,99"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("Unknown phase in --phases 1,99. The phases are: 1, 2, 3");
    const runs = benchChecker(["--runs", "two"]);
    expect(runs.code).toBe(2);
    expect(runs.err).toContain('--runs wants a whole number of runs, 1 or more, not "two".');
    for (const text of [unknown.out, unknown.err, runs.out, runs.err]) noStackTrace(text);
  });
});
