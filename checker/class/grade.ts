/**
 * npm run grade -- <submissions-dir> [options]: grades a whole class with the real checker.
 *
 * Every folder in <submissions-dir> is one student's submission: a copy of this lab, whose
 * phases/<n>-<slug>/server.ts files are graded, or (with --cmd) any program, started in that
 * folder. Each (submission, phase) run is one runPhase in this process, bounded in time; the
 * results go to <out>/grades.csv and <out>/grades.md, one row per student.
 * Exit status: 0 the grading itself worked (whatever the students' results), 2 the grader was
 * called wrongly, 1 the grader itself failed.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { LAB, applies, maxPointsFor, toJson } from "./json.ts";
import { findPhase, phases } from "../manifest.ts";
import { randomSeed } from "../grader/rng.ts";
import { DEFAULT_SLOW_MS, UsageError, runPhase } from "../grader/run.ts";
import { killAllServers } from "../grader/server-process.ts";
import type { Phase, RunReport, Target } from "../types.ts";
import { text } from "../text.ts";
import { stopOnNativeWindows } from "../grader/native-windows.ts";

const DEFAULT_TIMEOUT_S = 120;
/** After the bound, how long a stopped run may take to wind down before the grader moves on. */
const WIND_DOWN_MS = 15_000;

const USAGE = text.grade.usage(DEFAULT_TIMEOUT_S, DEFAULT_SLOW_MS);

function usageError(message: string): never {
  throw new UsageError(`${message}\n\n${USAGE}`);
}

export type PhaseStatus = "pass" | "fail" | "error" | "missing";

export interface PhaseGrade {
  phase: Phase;
  status: PhaseStatus;
  points: number;
  maxPoints: number;
  /** The number of the first check that did not pass ("3.8"), if any. */
  firstProblem: string | null;
  /** Why, in a few words, when it is not in the checks: a time bound, a missing file. */
  note: string | null;
  durationMs: number;
}

export interface SubmissionGrade {
  student: string;
  phases: PhaseGrade[];
  points: number;
  maxPoints: number;
}

interface Options {
  dir: string;
  phases: Phase[];
  cmd?: string;
  out: string;
  timeoutS: number;
  jobs: number;
  seed: number;
  slowMs?: number;
}

function integer(name: string, given: string | undefined, min: number, max: number): number | undefined {
  if (given === undefined) return undefined;
  const value = Number(given);
  if (!Number.isInteger(value) || value < min || value > max) usageError(text.grade.wholeNumber(name, min, max, given));
  return value;
}

/** "1-5", "3", "1,3,5", "2-4,5" -> the phases, in order, each once. */
export function parsePhaseList(list: string): Phase[] {
  const numbers = new Set<number>();
  for (const part of list.split(",").map((piece) => piece.trim())) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    const [from, to] = range ? [Number(range[1]), Number(range[2])] : [Number(findPhase(part)?.number ?? NaN), Number(findPhase(part)?.number ?? NaN)];
    if (!Number.isInteger(from) || !Number.isInteger(to) || from > to) {
      usageError(text.grade.badPhaseList(list));
    }
    for (let number = from; number <= to; number++) numbers.add(number);
  }
  const unknown = [...numbers].filter((number) => !phases.some((phase) => phase.number === number));
  if (unknown.length > 0) {
    const named = unknown.length > 3 ? text.grade.phaseRange(unknown[0]!, unknown.at(-1)!) : unknown.join(unknown.length === 2 ? text.grade.or : ", ");
    usageError(text.grade.noSuchPhase(named, phases.map((p) => `${p.number} (${p.slug})`).join(", ")));
  }
  return phases.filter((phase) => numbers.has(phase.number));
}

function parseOptions(argv: string[]): Options | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        phases: { type: "string" },
        cmd: { type: "string" },
        out: { type: "string" },
        "timeout-s": { type: "string" },
        jobs: { type: "string" },
        seed: { type: "string" },
        "slow-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length === 0) usageError(text.grade.whichFolder);
  if (positionals.length > 1) usageError(text.grade.oneFolder(positionals.join(" ")));
  // npm runs scripts in the lab's folder; paths the user typed are relative to where they typed them.
  const base = process.env.npm_lifecycle_script?.includes("checker/class/grade.ts") && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
  const dir = path.resolve(base, positionals[0]!);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) usageError(text.grade.notAFolder(positionals[0]!));
  if (values.cmd !== undefined && values.cmd.trim() === "") usageError(text.grade.cmdNeedsCommand);
  return {
    dir,
    phases: parsePhaseList(values.phases ?? `1-${phases.length}`),
    cmd: values.cmd,
    out: path.resolve(base, values.out ?? dir),
    timeoutS: integer("timeout-s", values["timeout-s"], 1, 3600) ?? DEFAULT_TIMEOUT_S,
    jobs: integer("jobs", values.jobs, 1, 2) ?? 1,
    seed: integer("seed", values.seed, 0, 2 ** 32 - 1) ?? randomSeed(),
    slowMs: integer("slow-ms", values["slow-ms"], 100, 60_000),
  };
}

/** The submissions: every folder of `dir` but hidden ones, node_modules and the output folder. */
export function listSubmissions(dir: string, out: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith(".") && entry.name !== "node_modules")
    .filter((entry) => {
      const full = path.join(dir, entry.name);
      if (full === out) return false;
      try {
        return statSync(full).isDirectory(); // follows a symbolic link to a folder
      } catch {
        return false;
      }
    })
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b, "en"));
}

/** What one graded phase is out of, and the checks left out of it (by number, "2.2"), by why. */
export interface PhaseMaximum {
  phase: Phase;
  maxPoints: number;
  /** They call the functions of a TypeScript server.ts, which a --cmd server has none of. */
  callFunctions: string[];
  /** They drive a browser, which the grader never starts. */
  driveBrowser: string[];
}

/**
 * Each graded phase's maximum: json.ts's rule, so it is what every run's maxPoints is. It depends only
 * on the kind of target (a server.ts, or --cmd), the same for every submission of one grading.
 */
export function phaseMaxima(graded: Phase[], withCmd: boolean): PhaseMaximum[] {
  const target: Target = withCmd ? { kind: "cmd", command: "" } : { kind: "file", file: "", label: "" };
  return graded.map((phase) => {
    const leftOut = phase.checks.flatMap((check, index) => (applies(check, target, false) ? [] : [{ check, number: `${phase.number}.${index + 1}` }]));
    return {
      phase,
      maxPoints: maxPointsFor(phase, target),
      callFunctions: leftOut.filter(({ check }) => check.needsModule).map(({ number }) => number),
      driveBrowser: leftOut.filter(({ check }) => !check.needsModule).map(({ number }) => number),
    };
  });
}

/** The line that says what each phase is out of and, where that is less than 100, which checks are left out and why. */
export function outOfLine(maxima: PhaseMaximum[]): string {
  const total = maxima.reduce((sum, maximum) => sum + maximum.maxPoints, 0);
  const callFunctions = maxima.flatMap((maximum) => maximum.callFunctions);
  const driveBrowser = maxima.flatMap((maximum) => maximum.driveBrowser);
  const why = [
    ...(callFunctions.length > 0 ? [text.grade.leftOutCallFunctions(callFunctions)] : []),
    ...(driveBrowser.length > 0 ? [text.grade.leftOutDriveBrowser(driveBrowser)] : []),
  ];
  return text.grade.outOf(
    maxima.map((maximum) => text.grade.outOfPhase(maximum.phase.number, maximum.maxPoints)).join(", "),
    total,
    why.length > 0 ? text.grade.leftOut(why.join("; ")) : "",
  );
}

function targetFor(options: Options, student: string, phase: Phase): Target {
  const folder = path.join(options.dir, student);
  if (options.cmd !== undefined) {
    return { kind: "cmd", command: options.cmd.replaceAll("{phase}", String(phase.number)).replaceAll("{slug}", phase.slug) };
  }
  const relative = `${phase.dir}/server.ts`;
  return { kind: "file", file: path.join(folder, relative), label: `${student}/${relative}` };
}

/** One phase of one submission, never longer than the bound (plus the time to stop its server). */
async function gradePhase(options: Options, student: string, phase: Phase): Promise<PhaseGrade> {
  const started = performance.now();
  const target = targetFor(options, student, phase);
  const maxPoints = maxPointsFor(phase, target);
  const base = { phase, maxPoints, firstProblem: null, note: null };
  const elapsed = (): number => Math.round(performance.now() - started);
  if (target.kind === "file" && !existsSync(target.file)) {
    return { ...base, status: "missing", points: 0, note: text.grade.noFile(phase.dir), durationMs: 0 };
  }

  const boundMs = options.timeoutS * 1000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(text.grade.overBound(options.timeoutS))), boundMs);
  let windDown: NodeJS.Timeout | undefined;
  let report: RunReport | null;
  try {
    const run = runPhase({
      phase,
      target,
      seed: options.seed,
      // The server runs in the submission's folder, and its own files are what is imported and run.
      root: path.join(options.dir, student),
      slowMs: options.slowMs,
      signal: controller.signal,
    });
    // Stopping a run kills its server at once; the check under way then ends quickly. Should it not,
    // the grader moves on (the run finishes in the background, with no server left to wait for).
    const givenUp = new Promise<null>((resolve) => {
      controller.signal.addEventListener("abort", () => {
        windDown = setTimeout(() => resolve(null), WIND_DOWN_MS);
      });
    });
    report = await Promise.race([run, givenUp]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) return { ...base, status: "missing", points: 0, note: message.split("\n")[0]!, durationMs: elapsed() };
    console.error(text.grade.checkerFailedLog(student, phase.number, message));
    return { ...base, status: "error", points: 0, note: text.grade.checkerFailed(message), durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
    clearTimeout(windDown);
  }

  const timedOut = controller.signal.aborted;
  if (!report) {
    return { ...base, status: "error", points: 0, note: text.grade.overTheBound(options.timeoutS), durationMs: elapsed() };
  }
  const result = toJson(report);
  const first = report.results.find((check): check is typeof check & { status: "fail" | "error" } => check.status === "fail" || check.status === "error");
  return {
    ...base,
    maxPoints: result.totals.maxPoints,
    // Over the bound is an error whatever the checks said: the run was cut short.
    status: timedOut ? "error" : (first?.status ?? "pass"),
    points: result.totals.points,
    firstProblem: first?.number ?? null,
    note: timedOut ? text.grade.overTheBound(options.timeoutS) : null,
    durationMs: elapsed(),
  };
}

async function gradeSubmission(options: Options, student: string): Promise<SubmissionGrade> {
  const graded: PhaseGrade[] = [];
  for (const phase of options.phases) graded.push(await gradePhase(options, student, phase));
  return {
    student,
    phases: graded,
    points: graded.reduce((sum, grade) => sum + grade.points, 0),
    maxPoints: graded.reduce((sum, grade) => sum + grade.maxPoints, 0),
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function progressLine(done: number, total: number, grade: SubmissionGrade, width: number): string {
  const phasesText = grade.phases
    .map((phase) => {
      const where = phase.note ? ` (${phase.note})` : phase.firstProblem ? ` at ${phase.firstProblem}` : "";
      return `${phase.phase.number} ${phase.status} ${phase.points}/${phase.maxPoints}${phase.status === "pass" || phase.status === "missing" ? "" : where}`;
    })
    .join(" · ");
  const time = grade.phases.reduce((sum, phase) => sum + phase.durationMs, 0);
  const counter = `[${String(done).padStart(String(total).length)}/${total}]`;
  return `${counter} ${grade.student.padEnd(width)}  ${phasesText} · total ${grade.points}/${grade.maxPoints}  (${seconds(time)})`;
}

// ------------------------------------------------------------------------------- the tables

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(grades: SubmissionGrade[], graded: Phase[]): string {
  const header = ["student"];
  for (const phase of graded) {
    const name = `phase${phase.number}`;
    header.push(`${name}_points`, `${name}_max`, `${name}_status`, `${name}_first_problem`);
  }
  header.push("total", "max_total");
  const rows = grades.map((grade) => {
    const row: Array<string | number> = [grade.student];
    for (const phase of grade.phases) row.push(phase.points, phase.maxPoints, phase.status, phase.firstProblem ?? "");
    row.push(grade.points, grade.maxPoints);
    return row.map(csvField).join(",");
  });
  return [header.join(","), ...rows].join("\n") + "\n";
}

function mdCell(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replace(/\s+/g, " ");
}

export function toMarkdown(grades: SubmissionGrade[], graded: Phase[], info: { seed: number; timeoutS: number; cmd?: string; when: Date }): string {
  const lines = [
    "# Grades",
    "",
    text.grade.graded(
      info.when.toISOString().replace("T", " ").slice(0, 16),
      `${LAB.name} ${LAB.version}`,
      graded.map((phase) => phase.number).join(", "),
      info.seed,
      info.timeoutS,
      info.cmd?.replaceAll("`", "'"),
    ),
    "",
    outOfLine(phaseMaxima(graded, info.cmd !== undefined)),
    "",
    `| student | ${graded.map((phase) => `${phase.number} ${phase.slug}`).join(" | ")} | total |`,
    `|---|${graded.map(() => "---:|").join("")}---:|`,
  ];
  for (const grade of grades) {
    const cells = grade.phases.map((phase) => {
      if (phase.status === "missing") return text.grade.missingCell;
      const where = phase.note ? ` (${phase.note})` : phase.firstProblem ? ` (${phase.firstProblem})` : "";
      // Points over the phase's own maximum: under --cmd it is not 100, and a bare number would read as out of 100.
      return `${phase.points}/${phase.maxPoints} ${phase.status}${phase.status === "pass" ? "" : where}`;
    });
    lines.push(`| ${mdCell(grade.student)} | ${cells.join(" | ")} | ${grade.points}/${grade.maxPoints} |`);
  }
  lines.push(
    "",
    ...text.grade.explanation,
    "",
  );
  return lines.join("\n");
}

// ------------------------------------------------------------------------------- main

async function main(): Promise<number> {
  await stopOnNativeWindows();
  const options = parseOptions(process.argv.slice(2));
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  const students = listSubmissions(options.dir, options.out);
  if (students.length === 0) usageError(text.grade.noSubmissions(options.dir));
  const what = options.cmd !== undefined ? text.grade.startedWith(options.cmd) : text.grade.eachServerTs;
  console.log(
    text.grade.grading(students.length, options.dir, what, options.phases.map((phase) => phase.number).join(", "), options.seed, options.timeoutS, options.jobs),
  );
  console.log(outOfLine(phaseMaxima(options.phases, options.cmd !== undefined)));

  const width = Math.min(Math.max(...students.map((student) => student.length)), 30);
  const grades = new Map<string, SubmissionGrade>();
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < students.length) {
      const student = students[next++]!;
      const grade = await gradeSubmission(options, student);
      grades.set(student, grade);
      console.log(progressLine(++done, students.length, grade, width));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, students.length) }, worker));

  const ordered = students.map((student) => grades.get(student)!);
  mkdirSync(options.out, { recursive: true });
  const csv = path.join(options.out, "grades.csv");
  const md = path.join(options.out, "grades.md");
  writeFileSync(csv, toCsv(ordered, options.phases));
  writeFileSync(md, toMarkdown(ordered, options.phases, { seed: options.seed, timeoutS: options.timeoutS, cmd: options.cmd, when: new Date() }));
  const passed = (number: number): number => ordered.filter((grade) => grade.phases.find((p) => p.phase.number === number)?.status === "pass").length;
  console.log(text.grade.passed(options.phases.map((phase) => text.grade.passedPhase(phase.number, passed(phase.number), ordered.length)).join(", ")));
  console.log(text.grade.wrote(csv, md));
  return 0;
}

let interrupted = false;
function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  killAllServers();
  try {
    process.stdout.write(`\n${text.grade.stopped(signal)}\n`);
  } catch {
    // The terminal is gone (SIGHUP).
  }
  process.exit(130);
}

// Run only as a program (npm run grade), not when a test imports the tables.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const) {
    if (process.platform !== "win32" || signal === "SIGINT" || signal === "SIGTERM") process.on(signal, onSignal);
  }
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      killAllServers();
      if (error instanceof UsageError) {
        console.error(error.message);
        process.exit(2);
      }
      console.error(text.grade.failed(error instanceof Error ? error.message : String(error)));
      if (process.env.LAB_DEBUG) console.error(error);
      process.exit(1);
    },
  );
}
