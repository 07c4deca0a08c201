/**
 * npm run bench:checker [-- --runs N] [--phases 1,5,14] [--json]: how long a student waits for a
 * verdict. For each phase, the whole command a student types, `npm run phase N` on the lab's
 * solution: a fresh process from start to exit, Node's and tsx's startup, the server's start and
 * stop and every deliberate wait included. The median of N runs (3 unless told), beside the goal
 * for that phase. A script that prints figures, not a test: timing belongs here, not in asserts.
 *
 * The browser checks are not run (no --browser), as in a student's plain `npm run phase N`.
 * `npm run` itself is left out: it adds the same 0.2-0.3 s to every phase, whatever the checker does.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { phases } from "../checker/manifest.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The goal of each phase, in seconds of the whole command: what a student can wait for dozens of
 * times a phase. Phase 5's checks are about a slow handler, so it may take longer.
 */
export function goalSeconds(phase: number): number {
  if (phase <= 4) return 1.2;
  if (phase === 5) return 4;
  return 2;
}

interface Timed {
  phase: number;
  slug: string;
  checks: number;
  runs: number[];
  medianSeconds: number;
  goalSeconds: number;
  failures: string[];
}

/** One whole command: wall time from spawn to exit, and the exit status. */
function runOnce(phase: number, seed: number): Promise<{ seconds: number; status: number | null; output: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "checker/student/cli.ts", String(phase), "--solution", "--seed", String(seed)], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (chunk: Buffer): void => {
      if (output.length < 100_000) output += chunk.toString("utf8");
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("close", (status) => resolve({ seconds: (performance.now() - started) / 1000, status, output }));
  });
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { runs: { type: "string" }, phases: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log("Usage: npm run bench:checker [-- --runs N] [--phases 1,5,14] [--json]\nTimes the whole `npm run phase N -- --solution` command of each phase (median of N runs, 3 by default) beside its goal.");
    return 0;
  }
  const runs = Number(values.runs ?? process.env.BENCH_RUNS ?? 3);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs wants a whole number of runs, 1 or more, not "${values.runs}".`);
    return 2;
  }
  const wanted = values.phases?.split(",").map((each) => each.trim());
  const chosen = wanted ? phases.filter((phase) => wanted.includes(String(phase.number)) || wanted.includes(phase.slug)) : phases;
  if (wanted && chosen.length !== wanted.length) {
    console.error(`Unknown phase in --phases ${values.phases}. The phases are: ${phases.map((phase) => phase.number).join(", ")}.`);
    return 2;
  }

  if (!values.json) {
    console.log(`The whole command, npm run phase N -- --solution, Node ${process.version}, ${os.cpus().length} cores; median of ${runs} run${runs === 1 ? "" : "s"}:`);
  }
  const timed: Timed[] = [];
  for (const phase of chosen) {
    const times: number[] = [];
    const failures: string[] = [];
    for (let run = 0; run < runs; run++) {
      const { seconds, status, output } = await runOnce(phase.number, 4000 + run);
      times.push(seconds);
      // A failing solution would make the figure meaningless: say so beside it.
      if (status !== 0) failures.push(`run ${run + 1} exited with ${status}: ${output.split("\n").filter((line) => /^\s+[✗!]/.test(line)).slice(0, 3).join(" | ").trim()}`);
    }
    const entry: Timed = {
      phase: phase.number,
      slug: phase.slug,
      checks: phase.checks.length,
      runs: times.map((time) => Number(time.toFixed(2))),
      medianSeconds: Number(median(times).toFixed(2)),
      goalSeconds: goalSeconds(phase.number),
      failures,
    };
    timed.push(entry);
    if (!values.json) {
      const within = entry.medianSeconds <= entry.goalSeconds ? "within" : "OVER";
      console.log(
        `  phase ${String(phase.number).padStart(2)} ${phase.slug.padEnd(11)} ${String(entry.checks).padStart(2)} checks   ${entry.medianSeconds.toFixed(2).padStart(5)} s   goal ${entry.goalSeconds.toFixed(1)} s   ${within}   (${entry.runs.map((time) => time.toFixed(2)).join(", ")})`,
      );
      for (const failure of failures) console.log(`      ${failure}`);
    }
  }
  if (values.json) {
    console.log(JSON.stringify({ node: process.version, cores: os.cpus().length, runs, phases: timed }, null, 2));
  } else {
    const over = timed.filter((entry) => entry.medianSeconds > entry.goalSeconds);
    console.log(over.length === 0 ? "Every phase within its goal." : `${over.length} of ${timed.length} phases over their goal: ${over.map((entry) => entry.phase).join(", ")}.`);
  }
  return timed.some((entry) => entry.failures.length > 0) ? 1 : 0;
}

process.exitCode = await main();
