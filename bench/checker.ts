/**
 * npm run bench:checker: how long a full phase-3 run on the reference solution takes, server start
 * and stop included. A script that prints figures, not a test: timing belongs here, not in asserts.
 * Two figures: the run itself (runPhase, as `npm run phase` does it) and the whole command
 * (a fresh `node --import tsx checker/cli.ts 3 --solution` process, startup included).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findPhase } from "../checker/manifest.ts";
import { runPhase } from "../checker/run.ts";

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
  const run = spawnSync(process.execPath, ["--import", "tsx", "checker/cli.ts", "3", "--solution", "--seed", String(2000 + i)], { cwd: ROOT, stdio: "ignore" });
  wholeCommand.push(performance.now() - started);
  if (run.status !== 0) {
    console.error(`command run ${i + 1} exited with ${run.status}`);
    process.exit(1);
  }
}

console.log(`Phase 3 (${phase.checks.length} checks) on ${phase.solution}, Node ${process.version}`);
console.log(summary("full run, server start included:", inProcess));
console.log(summary("whole command, node startup too:", wholeCommand));
