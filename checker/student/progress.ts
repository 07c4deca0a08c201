/**
 * The student's progress: one small JSON file in the lab folder (.lab/progress.json, git-ignored).
 * Written atomically (a temp file, then a rename), so a crash never leaves half a file; a file that
 * is missing or unreadable is rebuilt, never a crash.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Phase, RunReport } from "../types.ts";
import { text } from "../text.ts";

export interface PhaseProgress {
  lastRunAt: string;
  passed: boolean;
  checksPassed: number;
  checksTotal: number;
  /** The first check that failed in the last run. */
  firstProblem?: { id: string; number: string; title: string; status: "fail" | "error" };
  /** When the phase first passed: from then on the student may see its solution. */
  passedAt?: string;
  /** How many hint levels the student has seen, per check id. */
  hintsSeen: Record<string, number>;
}

export interface Progress {
  version: 1;
  phases: Record<string, PhaseProgress>;
}

export function progressPath(root: string): string {
  return path.join(root, ".lab", "progress.json");
}

const empty = (): Progress => ({ version: 1, phases: {} });

/** Reads the progress; `rebuilt` says why it had to start afresh (a damaged file). */
export function loadProgress(root: string): { progress: Progress; rebuilt?: string } {
  let stored: string;
  try {
    stored = readFileSync(progressPath(root), "utf8");
  } catch {
    return { progress: empty() };
  }
  try {
    const parsed = JSON.parse(stored) as Progress;
    if (parsed?.version !== 1 || typeof parsed.phases !== "object" || parsed.phases === null) throw new Error(text.lab.notAProgressFile);
    for (const entry of Object.values(parsed.phases)) entry.hintsSeen ??= {};
    return { progress: parsed };
  } catch (error) {
    return { progress: empty(), rebuilt: (error as Error).message };
  }
}

export function saveProgress(root: string, progress: Progress): void {
  const file = progressPath(root);
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(progress, null, 2) + "\n");
  renameSync(temporary, file);
}

/** Remembers the outcome of a run of the student's own file. */
export function recordRun(root: string, report: RunReport): void {
  const { progress } = loadProgress(root);
  const key = String(report.phase.number);
  const before = progress.phases[key];
  const problem = report.results.find((result) => result.status === "fail" || result.status === "error");
  const now = new Date().toISOString();
  progress.phases[key] = {
    lastRunAt: now,
    passed: !problem,
    checksPassed: report.results.filter((result) => result.status === "pass").length,
    checksTotal: report.results.length,
    firstProblem: problem && { id: problem.id, number: problem.number, title: problem.title, status: problem.status as "fail" | "error" },
    passedAt: before?.passedAt ?? (problem ? undefined : now),
    hintsSeen: before?.hintsSeen ?? {},
  };
  saveProgress(root, progress);
}

export type PhaseState =
  | { kind: "not-started" }
  /** passedAt: the phase passed once, before this failing run (an experiment after the pass). */
  | { kind: "failing"; at: string; title: string; when: string; passedAt?: string }
  | { kind: "passed"; when: string };

export function phaseState(progress: Progress, phase: Phase): PhaseState {
  const entry = progress.phases[String(phase.number)];
  if (!entry) return { kind: "not-started" };
  if (entry.passed) return { kind: "passed", when: entry.lastRunAt };
  return { kind: "failing", at: entry.firstProblem?.number ?? "?", title: entry.firstProblem?.title ?? "", when: entry.lastRunAt, passedAt: entry.passedAt };
}
