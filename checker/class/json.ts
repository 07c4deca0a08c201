/**
 * The results of one run as one JSON document (`npm run phase <n> -- --json`, and the grader):
 * what a machine reads, where report.ts is what a student reads. Its shape is described by
 * checker/class/result.schema.json; a change to the shape bumps SCHEMA_VERSION.
 *
 * Points, in whole numbers:
 * - Each phase is worth 100 points, split evenly among its checks (manifest.ts), in whole numbers:
 *   every check gets floor(100 / n), and the first 100 mod n checks get 1 more. So a phase of 6
 *   checks gives 17, 17, 17, 17, 16, 16.
 * - A check earns its points only when it passes. A failed, errored or skipped check earns 0
 *   (a check skipped because an earlier one failed, or because the run was stopped, is worth its
 *   points in maxPoints all the same).
 * - A check that cannot apply to this kind of target is left out: it earns nothing and its points
 *   are taken out of maxPoints too. Those are: the checks that call the student's functions
 *   (needsModule) for --cmd and --port; the checks that read the server's output (needsOutput) for
 *   --port; the checks that drive a browser (needsBrowser) when the run is not a browser run.
 *   So maxPoints depends only on the phase and the kind of target, never on how the run went,
 *   and a server that passes every check it can be given has points === maxPoints.
 * - A result that is not one of the phase's checks (the "keeps running" failure the checker adds
 *   when a server dies after passing a check) is worth 0 of 0: the checks it stops are what cost.
 */
import { readFileSync } from "node:fs";
import type { Check, CheckResult, Phase, RunReport, Status, Target } from "../types.ts";

export const SCHEMA_VERSION = 2;
export const POINTS_PER_PHASE = 100;

/** The lab's name and version, from its package.json. */
export const LAB = ((): { name: string; version: string } => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
})();

export type TargetJson = { kind: "file"; label: string } | { kind: "cmd"; command: string } | { kind: "port"; port: number };

export interface CheckJson {
  id: string;
  /** "3.8": phase 3, check 8 (a "+" after it marks a result the checker added, worth nothing). */
  number: string;
  title: string;
  status: Status;
  /** What was found wrong (or why the check was not run); null for a passed check. */
  message: string | null;
  hint: string | null;
  /** The rule a failed check holds the server to: an RFC section with MUST or SHOULD, or the lab's own (with why). */
  rule: { ref: string; level: "MUST" | "SHOULD" | "lab"; why: string | null } | null;
  durationMs: number;
  points: number;
  maxPoints: number;
}

export interface LabResult {
  schemaVersion: typeof SCHEMA_VERSION;
  lab: { name: string; version: string };
  phase: { number: number; slug: string; title: string };
  target: TargetJson;
  seed: number;
  port: number;
  /** SLOW_MS the server was given (phase 5); 0 where the phase has none. */
  slowMs: number;
  durationMs: number;
  totals: { passed: number; failed: number; errors: number; skipped: number; points: number; maxPoints: number };
  checks: CheckJson[];
}

/** Whether a check can be run at all against this kind of target (see the rule above). */
export function applies(check: Check, target: Target, browser: boolean): boolean {
  if (check.needsModule && target.kind !== "file") return false;
  if (check.needsOutput && target.kind === "port") return false;
  if (check.needsBrowser && !browser) return false;
  return true;
}

/** The points each check of the phase is worth, in the phase's order: whole numbers summing to 100. */
export function checkPoints(phase: Phase): number[] {
  const count = phase.checks.length;
  if (count === 0) return [];
  const each = Math.floor(POINTS_PER_PHASE / count);
  const extra = POINTS_PER_PHASE - each * count;
  return phase.checks.map((_, index) => each + (index < extra ? 1 : 0));
}

/** The most a run of this phase against this kind of target can earn. */
export function maxPointsFor(phase: Phase, target: Target, browser = false): number {
  const points = checkPoints(phase);
  return phase.checks.reduce((sum, check, index) => sum + (applies(check, target, browser) ? points[index]! : 0), 0);
}

function targetJson(target: Target): TargetJson {
  if (target.kind === "file") return { kind: "file", label: target.label };
  if (target.kind === "cmd") return { kind: "cmd", command: target.command };
  return { kind: "port", port: target.port };
}

export function toJson(report: RunReport): LabResult {
  const { phase, target } = report;
  const browser = report.browser ?? false;
  const points = checkPoints(phase);
  // A phase check's result carries its number, "<phase>.<position>"; the checker's own additions do not match one.
  const byNumber = new Map(phase.checks.map((check, index) => [`${phase.number}.${index + 1}`, { check, worth: points[index]! }]));

  const checks = report.results.map((result: CheckResult): CheckJson => {
    const entry = byNumber.get(result.number);
    const maxPoints = entry && entry.check.id === result.id && applies(entry.check, target, browser) ? entry.worth : 0;
    return {
      id: result.id,
      number: result.number,
      title: result.title,
      status: result.status,
      message: result.finding?.message ?? null,
      hint: result.hint ?? null,
      rule: result.finding?.rule ? { ref: result.finding.rule.ref, level: result.finding.rule.level, why: result.finding.rule.why ?? null } : null,
      durationMs: result.durationMs,
      points: result.status === "pass" ? maxPoints : 0,
      maxPoints,
    };
  });
  const count = (status: Status): number => report.results.filter((result) => result.status === status).length;

  return {
    schemaVersion: SCHEMA_VERSION,
    lab: { ...LAB },
    phase: { number: phase.number, slug: phase.slug, title: phase.title },
    target: targetJson(target),
    seed: report.seed,
    port: report.port,
    slowMs: report.slowMs,
    durationMs: report.durationMs,
    totals: {
      passed: count("pass"),
      failed: count("fail"),
      errors: count("error"),
      skipped: count("skip"),
      points: checks.reduce((sum, check) => sum + check.points, 0),
      // From the phase, not from the results: the same for every run against this kind of target.
      maxPoints: maxPointsFor(phase, target, browser),
    },
    checks,
  };
}
