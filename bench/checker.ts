/**
 * npm run bench:checker: how long grading takes on the reference solutions, server start and stop
 * included. A script that prints figures, not a test: timing belongs here, not in asserts.
 * First phase 3 in detail: the run itself (runPhase, as `npm run phase` does it) and the whole
 * command (a fresh `node --import tsx checker/student/cli.ts 3 --solution` process, startup included).
 * Then every phase: its median run, and the same without the checks that wait on purpose (the
 * slow route and the clients waiting together, the Date check's second apart), which are the
 * lesson, not the checker's cost. The browser checks are not run.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findPhase, phases } from "../checker/manifest.ts";
import { runPhase } from "../checker/grader/run.ts";
import { LARGE_PAUSE_MS } from "../checker/grader/checks/static.ts";
import { RESET_SETTLE_MS } from "../checker/grader/checks/survive.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const phase = findPhase("3")!;

function summary(label: string, times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${label.padEnd(34)} median ${(median / 1000).toFixed(2)} s   min ${(sorted[0]! / 1000).toFixed(2)} s   max ${(sorted.at(-1)! / 1000).toFixed(2)} s   (${times.length} runs)`;
}

const inProcess: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const started = performance.now();
  const report = await runPhase({
    phase,
    target: { kind: "file", file: path.join(ROOT, phase.solution), label: phase.solution },
    seed: 1000 + i,
    root: ROOT,
  });
  inProcess.push(performance.now() - started);
  const failed = report.results.filter((result) => result.status !== "pass");
  if (failed.length > 0) {
    console.error(`run ${i + 1}: ${failed.map((result) => `${result.number} ${result.status}`).join(", ")}: the figures would not mean much`);
    process.exit(1);
  }
}

const wholeCommand: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const started = performance.now();
  const run = spawnSync(process.execPath, ["--import", "tsx", "checker/student/cli.ts", "3", "--solution", "--seed", String(2000 + i)], { cwd: ROOT, stdio: "ignore" });
  wholeCommand.push(performance.now() - started);
  if (run.status !== 0) {
    console.error(`command run ${i + 1} exited with ${run.status}`);
    process.exit(1);
  }
}

console.log(`Phase 3 (${phase.checks.length} checks) on ${phase.solution}, Node ${process.version}`);
console.log(summary("full run, server start included:", inProcess));
console.log(summary("whole command, node startup too:", wholeCommand));

/** Checks whose time is a wait the lesson asks for (SLOW_MS, a Date a second later). */
const WAITS = new Set(["threads.slow", "threads.slow-route", "threads.concurrent", "threads.burst", "headers.date"]);
const PER_PHASE = Number(process.env.BENCH_PHASE_RUNS ?? 3);
const median = (times: number[]): number => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;

console.log(`\nEvery phase on its solution (median of ${PER_PHASE} runs; "working" leaves out the checks that wait on purpose: ${[...WAITS].join(", ")}):`);
for (const each of phases) {
  const whole: number[] = [];
  const working: number[] = [];
  for (let i = 0; i < PER_PHASE; i++) {
    const started = performance.now();
    const report = await runPhase({ phase: each, target: { kind: "file", file: path.join(ROOT, each.solution), label: each.solution }, seed: 3000 + i, root: ROOT });
    const total = performance.now() - started;
    const failed = report.results.filter((result) => result.status !== "pass" && result.status !== "skip");
    if (failed.length > 0) {
      console.error(`phase ${each.number}, run ${i + 1}: ${failed.map((result) => `${result.number} ${result.status}`).join(", ")}: the figures would not mean much`);
      process.exit(1);
    }
    whole.push(total);
    // The slow checks share one exchange (each is shown with its time): it is waited for once.
    const took = (ids: string[]): number => Math.max(0, ...report.results.filter((result) => ids.includes(result.id)).map((result) => result.durationMs));
    // And the pauses that are part of a check's method: the big download's, and the reset's settling.
    const pauses = (report.results.some((result) => result.id === "static.large") ? LARGE_PAUSE_MS : 0) + (report.results.some((result) => result.id === "survive.reset") ? RESET_SETTLE_MS : 0);
    working.push(total - took(["threads.slow", "threads.slow-route", "threads.concurrent"]) - took(["threads.burst"]) - took(["headers.date"]) - pauses);
  }
  console.log(`  phase ${each.number} ${each.slug.padEnd(8)} ${String(each.checks.length).padStart(2)} checks   run ${(median(whole) / 1000).toFixed(2)} s   working ${(median(working) / 1000).toFixed(2)} s`);
}
