/**
 * npm run grade: a folder of mixed submissions (correct, broken, crashing, never answering,
 * missing), graded by the real grader in its own process, and the tables it writes.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { toCsv, toMarkdown, type SubmissionGrade } from "../checker/class/grade.ts";
import { findPhase, phases } from "../checker/manifest.ts";
import { brokenCases } from "./broken/cases.ts";
import { ROOT, SEED, applyPatch } from "./broken/harness.ts";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(name: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), `http-lab-${name}-`));
  folders.push(folder);
  return folder;
}

/** Puts `source` where a lab copy keeps the phase's file: <submission>/phases/<n>-<slug>/server.ts. */
function put(submission: string, phaseNumber: number, source: string): void {
  const file = path.join(submission, findPhase(String(phaseNumber))!.dir, "server.ts");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, source);
}

const solution = (phaseNumber: number): string => readFileSync(path.join(ROOT, findPhase(String(phaseNumber))!.solution), "utf8");
const CRASHES = 'throw new Error("crashed at start on purpose");\n';
const NEVER_ANSWERS = `import net from "node:net";
// Accepts every connection and never says a word (nor closes).
const server = net.createServer((socket) => socket.on("error", () => {}));
server.listen(Number(process.env.PORT ?? 8000), "127.0.0.1");
`;
// Refuses to start anywhere but in its own submission's folder (where the marker file is): passes
// only when the grader runs the server, and imports the module, there.
const IN_ITS_FOLDER = 'import { existsSync as markerExists } from "node:fs";\nif (!markerExists("SUBMISSION-MARKER")) throw new Error("not run in its submission folder");\n';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Runs the grader as `npm run grade` does; kills it (and fails the test) if it does not end in time. */
function grader(args: string[], boundMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "checker/class/grade.ts", ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (data: Buffer) => (out += data.toString("utf8")));
    child.stderr.on("data", (data: Buffer) => (err += data.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), boundMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
}

function readCsv(file: string): Array<Record<string, string>> {
  const [header, ...rows] = readFileSync(file, "utf8").trimEnd().split("\n").map((line) => line.split(","));
  return rows.map((row) => Object.fromEntries(header!.map((name, index) => [name, row[index] ?? ""])));
}

/** Processes (other than zombies) whose working folder is inside `folder`: servers left behind. */
function processesIn(folder: string): string[] {
  if (process.platform !== "linux") return [];
  const left: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(folder)) left.push(pid);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return left;
}

const numberOf = (phaseNumber: number, id: string): string => {
  const phase = findPhase(String(phaseNumber))!;
  return `${phaseNumber}.${phase.checks.findIndex((check) => check.id === id) + 1}`;
};

describe("a class of lab copies", () => {
  const dir = tempFolder("class");
  const out = path.join(tempFolder("grades"), "nested", "out");
  const broken = brokenCases.find((c) => c.name === "2-first-chunk-only")!;

  for (const n of [1, 2, 3]) put(path.join(dir, "alice"), n, solution(n));
  put(path.join(dir, "bob"), 1, solution(1));
  put(path.join(dir, "bob"), 2, applyPatch(solution(2), broken.patch, broken.base));
  for (const n of [1, 2, 3]) put(path.join(dir, "carol"), n, CRASHES);
  for (const n of [1, 2, 3]) put(path.join(dir, "dave"), n, NEVER_ANSWERS);
  mkdirSync(path.join(dir, "erin"));
  for (const n of [1, 2]) put(path.join(dir, "gina"), n, IN_ITS_FOLDER + solution(n));
  writeFileSync(path.join(dir, "gina", "SUBMISSION-MARKER"), "");
  // Not submissions: a file, and a hidden folder.
  writeFileSync(path.join(dir, "notes.txt"), "not a submission\n");
  mkdirSync(path.join(dir, ".git"));

  let run: Run;
  const graded = (): Run => run;

  test("the grader returns, exit 0, one progress line per submission", { timeout: 300_000 }, async () => {
    run = await grader([dir, "--phases", "1-3", "--out", out, "--timeout-s", "60", "--seed", String(SEED), "--jobs", "2"], 280_000);
    expect(run.signal, `the grader did not end in time:\n${run.out}\n${run.err}`).toBeNull();
    expect(run.code, `${run.out}\n${run.err}`).toBe(0);
    const progress = run.out.split("\n").filter((line) => /^\[\s*\d+\/6\] /.test(line));
    expect(progress, run.out).toHaveLength(6);
    expect(run.out).toContain(`seed ${SEED}`);
    expect(run.out).not.toMatch(/notes\.txt|\.git\b/);
    expect(processesIn(dir), "servers left running").toEqual([]);
  });

  test("grades.csv: one row per student, points and pass/fail/error/missing per phase, and a total", () => {
    expect(graded(), "the grader did not run").toBeDefined();
    const rows = readCsv(path.join(out, "grades.csv"));
    expect(rows.map((row) => row.student)).toEqual(["alice", "bob", "carol", "dave", "erin", "gina"]);
    const row = (student: string): Record<string, string> => rows.find((r) => r.student === student)!;
    const statuses = (student: string): string[] => [1, 2, 3].map((n) => row(student)[`phase${n}_status`]!);

    // Correct, imported and run from the submission (the lab's own phase files are skeletons, which fail).
    expect(statuses("alice")).toEqual(["pass", "pass", "pass"]);
    expect(row("alice")).toMatchObject({ phase1_points: "100", phase2_points: "100", phase3_points: "100", total: "300", max_total: "300" });

    // One mistake in phase 2 (the server ran, and answered wrongly): a fail at the check that names it.
    expect(statuses("bob")).toEqual(["pass", "fail", "missing"]);
    expect(row("bob").phase2_first_problem).toBe(numberOf(2, broken.firstFailure));
    const bob2 = Number(row("bob").phase2_points);
    expect(bob2).toBeGreaterThan(0);
    expect(bob2).toBeLessThan(100);
    expect(row("bob")).toMatchObject({ phase3_points: "0", phase3_max: "100", total: String(100 + bob2), max_total: "300" });

    // Crashes at start: the server never ran, an error, not a fail.
    expect(statuses("carol")).toEqual(["error", "error", "error"]);
    expect(row("carol")).toMatchObject({ phase1_first_problem: "1.1", total: "0" });

    // Accepts and never answers: it ran, so phase 1 is a fail; nothing passes in full.
    expect(statuses("dave")[0]).toBe("fail");
    expect(statuses("dave")).not.toContain("pass");
    expect(Number(row("dave").total)).toBeLessThan(300);

    // Nothing handed in: missing, not a crash of the grader.
    expect(statuses("erin")).toEqual(["missing", "missing", "missing"]);
    expect(row("erin")).toMatchObject({ total: "0", max_total: "300" });

    expect(statuses("gina")).toEqual(["pass", "pass", "missing"]);
  });

  test("grades.md: the same table for people", () => {
    expect(graded(), "the grader did not run").toBeDefined();
    const md = readFileSync(path.join(out, "grades.md"), "utf8");
    expect(md).toContain("| student | 1 bind | 2 parse | 3 respond | total |");
    expect(md).toContain("| alice | 100 pass | 100 pass | 100 pass | 300 / 300 |");
    expect(md).toContain("| erin | – missing | – missing | – missing | 0 / 300 |");
    expect(md).toMatch(/^\| carol \| 0 error \(1\.1\) \| 0 error \(2\.1\) \| 0 error \(3\.1\) \| 0 \/ 300 \|$/m);
    expect(md).toMatch(new RegExp(`^\\| bob \\| 100 pass \\| \\d+ fail \\(${numberOf(2, broken.firstFailure).replace(".", "\\.")}\\) \\| – missing \\| \\d+ / 300 \\|$`, "m"));
    expect(md).toContain(`seed ${SEED}`);
    // The tables went to --out, not into the submissions.
    expect(existsSync(path.join(dir, "grades.csv"))).toBe(false);
  });
});

test("a run over --timeout-s is an error, and its server is stopped", { timeout: 120_000 }, async () => {
  const dir = tempFolder("slow");
  put(path.join(dir, "dave"), 1, NEVER_ANSWERS);
  const run = await grader([dir, "--phases", "1", "--timeout-s", "1"], 100_000);
  expect(run.signal, run.out + run.err).toBeNull();
  expect(run.code, run.out + run.err).toBe(0);
  expect(run.out).toMatch(/\[1\/1\] dave +1 error \d+\/100 \(over the 1 s bound\)/);
  // Default --out: the submissions folder itself (and the tables are no submissions the next time).
  const [row] = readCsv(path.join(dir, "grades.csv"));
  expect(row).toMatchObject({ student: "dave", phase1_status: "error" });
  expect(readFileSync(path.join(dir, "grades.md"), "utf8")).toMatch(/\| dave \| \d+ error \(over the 1 s bound\) \|/);
  expect(processesIn(dir), "servers left running").toEqual([]);
});

test("with --cmd, any program is run in each submission's folder, {phase} replaced", { timeout: 120_000 }, async () => {
  const dir = tempFolder("cmd");
  mkdirSync(path.join(dir, "ana"));
  writeFileSync(path.join(dir, "ana", "server_1.ts"), solution(1));
  mkdirSync(path.join(dir, "ben")); // has no server_1.ts: the command fails, an error
  const tsx = import.meta.resolve("tsx");
  const run = await grader([dir, "--phases", "1", "--cmd", `node --import ${tsx} server_{phase}.ts`, "--timeout-s", "60"], 100_000);
  expect(run.code, run.out + run.err).toBe(0);
  const rows = readCsv(path.join(dir, "grades.csv"));
  expect(rows).toEqual([
    expect.objectContaining({ student: "ana", phase1_status: "pass", phase1_points: "100", phase1_max: "100" }),
    expect.objectContaining({ student: "ben", phase1_status: "error", phase1_points: "0", phase1_first_problem: "1.1" }),
  ]);
  expect(readFileSync(path.join(dir, "grades.md"), "utf8")).toContain("server_{phase}.ts");
});

describe("usage errors exit 2 and grade nothing", () => {
  const dir = tempFolder("usage");
  mkdirSync(path.join(dir, "someone"));
  const cases: Array<[string, string[], RegExp]> = [
    ["no folder", [], /Which folder of submissions/],
    ["a folder that does not exist", [path.join(dir, "nope")], /is not a folder/],
    ["an unknown phase", [dir, "--phases", "40-41"], /There is no phase 40 or 41\./],
    ["a bad phase list", [dir, "--phases", "3-1"], /--phases takes phase numbers/],
    ["a zero bound", [dir, "--timeout-s", "0"], /--timeout-s needs a whole number/],
    ["three jobs", [dir, "--jobs", "3"], /--jobs needs a whole number from 1 to 2/],
    ["an unknown option", [dir, "--colour"], /Unknown option/],
    ["an empty --cmd", [dir, "--cmd", " "], /--cmd needs a command/],
  ];
  for (const [what, args, says] of cases) {
    test(what, () => {
      const run = spawnSync(process.execPath, ["--import", "tsx", "checker/class/grade.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
      expect(run.status, run.stdout + run.stderr).toBe(2);
      expect(run.stderr).toMatch(says);
      expect(run.stderr).toContain("Usage: npm run grade");
      expect(existsSync(path.join(dir, "grades.csv"))).toBe(false);
    });
  }

  test("an empty folder of submissions", () => {
    const empty = tempFolder("empty");
    const run = spawnSync(process.execPath, ["--import", "tsx", "checker/class/grade.ts", empty], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/has no folders in it/);
  });
});

test("the tables quote what needs quoting", () => {
  const phase = phases[0]!;
  const grade: SubmissionGrade = {
    student: 'Smith, "Pat" | 2',
    phases: [{ phase, status: "fail", points: 49, maxPoints: 100, firstProblem: "1.2", note: null, durationMs: 5 }],
    points: 49,
    maxPoints: 100,
  };
  expect(toCsv([grade], [phase]).split("\n")[1]).toBe('"Smith, ""Pat"" | 2",49,100,fail,1.2,49,100');
  expect(toMarkdown([grade], [phase], { seed: 1, timeoutS: 120, when: new Date(0) })).toContain("| Smith, \"Pat\" \\| 2 | 49 fail (1.2) | 49 / 100 |");
});
