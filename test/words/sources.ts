/**
 * Where the words are: each phase's lesson, skeleton and solution, and every hint the checker can
 * show (each check's levels, and the finding hints that stand in for a check's first level), with
 * the phases each one is shown in.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { phases, studentFile } from "../../checker/manifest.ts";
import type { Phase } from "../../checker/types.ts";
import * as sharedWords from "../../checker/grader/checks/shared.words.ts";
import * as bindWords from "../../checker/grader/checks/bind.words.ts";
import * as parseWords from "../../checker/grader/checks/parse.words.ts";
import * as respondWords from "../../checker/grader/checks/respond.words.ts";
import * as counterWords from "../../checker/grader/checks/counter.words.ts";
import * as browserWords from "../../checker/grader/checks/browser.words.ts";
import * as threadsWords from "../../checker/grader/checks/threads.words.ts";
import * as routeWords from "../../checker/grader/checks/route.words.ts";
import * as headersWords from "../../checker/grader/checks/headers.words.ts";
import * as queryWords from "../../checker/grader/checks/query.words.ts";
import * as staticWords from "../../checker/grader/checks/static.words.ts";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export function lessonOf(phase: Phase): string {
  return readFileSync(path.join(ROOT, phase.dir, "README.md"), "utf8");
}

export function skeletonOf(phase: Phase): string {
  return readFileSync(path.join(ROOT, studentFile(phase)), "utf8");
}

/** The solution's TypeScript files (phase 5 has a worker besides its server). */
export function solutionFilesOf(phase: Phase): Array<{ file: string; source: string }> {
  const dir = path.dirname(path.join(ROOT, phase.solution));
  return readdirSync(dir)
    .filter((name) => name.endsWith(".ts"))
    .sort()
    .map((name) => ({ file: path.relative(ROOT, path.join(dir, name)), source: readFileSync(path.join(dir, name), "utf8") }));
}

/** The Python reference of a phase (test/python/solution_<n>.py). */
export function pythonReferenceOf(phase: Phase): string {
  return readFileSync(path.join(ROOT, `test/python/solution_${phase.number}.py`), "utf8");
}

/** The phases whose checks include `id`, in order. */
export function phasesShowing(id: string): Phase[] {
  return phases.filter((phase) => phase.checks.some((check) => check.id === id));
}

/** The phase a check was written for: the first that lists it (its hints speak of that phase's code). */
export function phaseOfCheck(id: string): Phase {
  return phasesShowing(id)[0]!;
}

export interface Hint {
  /** "hint route.pages#3" (a check's level 3) or "hint route.words.ts:notFoundHint" (a finding's hint). */
  where: string;
  text: string;
  /** The phases in which a student can be shown it. */
  shownIn: Phase[];
  /** Set for a check's levels. */
  check?: { id: string; level: number; levels: number };
}

// Each words file with its checks' table (the `*Checks` export) and its finding words (the others).
const wordsFiles: Array<{ file: string; module: Record<string, unknown> }> = [
  { file: "shared.words.ts", module: sharedWords },
  { file: "bind.words.ts", module: bindWords },
  { file: "parse.words.ts", module: parseWords },
  { file: "respond.words.ts", module: respondWords },
  { file: "counter.words.ts", module: counterWords },
  { file: "browser.words.ts", module: browserWords },
  { file: "threads.words.ts", module: threadsWords },
  { file: "route.words.ts", module: routeWords },
  { file: "headers.words.ts", module: headersWords },
  { file: "query.words.ts", module: queryWords },
  { file: "static.words.ts", module: staticWords },
];

/** A finding hint that takes values is called with this, so that its fixed words can be read. */
const PLACEHOLDER = "X";

function fixedWords(value: unknown): string {
  return typeof value === "function" ? String((value as (...args: string[]) => unknown)(PLACEHOLDER, PLACEHOLDER, PLACEHOLDER)) : String(value);
}

/**
 * Every hint: each level of each check in the manifest (as the checks carry them), and each
 * finding hint of the words files (a key ending in "Hint"), shown wherever its file's checks are.
 */
export function allHints(): Hint[] {
  const hints: Hint[] = [];
  const seen = new Set<string>();
  for (const phase of phases) {
    for (const check of phase.checks) {
      if (seen.has(check.id)) continue;
      seen.add(check.id);
      check.hints.forEach((text, index) => {
        hints.push({
          where: `hint ${check.id}#${index + 1}`,
          text,
          shownIn: phasesShowing(check.id),
          check: { id: check.id, level: index + 1, levels: check.hints.length },
        });
      });
    }
  }
  for (const { file, module } of wordsFiles) {
    const checkIds = Object.entries(module)
      .filter(([name]) => name.endsWith("Checks"))
      .flatMap(([, table]) => Object.keys(table as object));
    const shownIn = phases.filter((phase) => phase.checks.some((check) => checkIds.includes(check.id)));
    for (const [name, words] of Object.entries(module)) {
      if (name.endsWith("Checks") || typeof words !== "object" || words === null) continue;
      for (const [key, value] of Object.entries(words)) {
        if (/Hint$/.test(key)) hints.push({ where: `hint ${file}:${key}`, text: fixedWords(value), shownIn });
        // A table of hints, one per kind of problem (respond.words.ts: problemHints).
        if (/Hints$/.test(key) && typeof value === "object" && value !== null) {
          for (const [kind, each] of Object.entries(value)) hints.push({ where: `hint ${file}:${key}.${kind}`, text: fixedWords(each), shownIn });
        }
      }
    }
  }
  return hints;
}
