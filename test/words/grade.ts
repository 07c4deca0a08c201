/** Grades a skeleton as it is, or with a hint pasted in, with the real checker, one phase at a time. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { studentFile } from "../../checker/manifest.ts";
import { runPhase } from "../../checker/grader/run.ts";
import type { CheckResult, Phase } from "../../checker/types.ts";
import { ROOT } from "./sources.ts";

/** The seed of the lab's recorded runs: the same requests each time. */
const SEED = 20261125;

/** Each result of a run by its number ("7.12", and "7.12+" for what run.ts adds after a check). */
export type Verdicts = Map<string, CheckResult>;

async function run(phase: Phase, file: string, label: string): Promise<Verdicts> {
  // No reference beside a failure: only the verdicts are compared.
  const report = await runPhase({ phase, target: { kind: "file", file, label }, seed: SEED, root: ROOT, compare: false });
  return new Map(report.results.map((result) => [result.number, result]));
}

const untouched = new Map<number, Promise<Verdicts>>();

/** The verdicts on the untouched skeleton (graded once per phase). */
export function gradeUntouched(phase: Phase): Promise<Verdicts> {
  let verdicts = untouched.get(phase.number);
  if (!verdicts) {
    verdicts = run(phase, path.join(ROOT, studentFile(phase)), studentFile(phase));
    untouched.set(phase.number, verdicts);
  }
  return verdicts;
}

/** Grades this source as the phase's server.ts, from a temporary folder (as the broken variants are). */
export async function gradeSource(phase: Phase, source: string, label: string): Promise<Verdicts> {
  const dir = mkdtempSync(path.join(tmpdir(), "http-lab-words-"));
  try {
    const file = path.join(dir, "server.ts");
    writeFileSync(file, source);
    writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
    return await run(phase, file, label);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The checks after the `after`-th check of the phase that passed before and fail (or err) now:
 * "7.12 headers.bad: fail: <its message>". The checks before it are the student's earlier work:
 * a hint's code may rely on it (a route table the hint for dispatch fills, say).
 */
export function newFailures(before: Verdicts, now: Verdicts, after = 0): string[] {
  const failures: string[] = [];
  for (const [number, result] of now) {
    if (result.status !== "fail" && result.status !== "error") continue;
    // "6.7+" is what run.ts adds after check 6.7 (the server ended): it counts from the check itself.
    const index = Number(number.split(".")[1]!.replace("+", ""));
    if (index < after || (index === after && !number.endsWith("+"))) continue;
    const was = before.get(number);
    // A check that passed, or a result the untouched skeleton never had (its server ended during a check).
    if (was?.id === result.id && was.status !== "pass") continue;
    failures.push(`${number} ${result.id}: ${result.status}: ${result.finding?.message.split("\n")[0] ?? ""}`);
  }
  return failures;
}
