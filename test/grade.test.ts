/**
 * npm run grade: a folder of mixed submissions (correct, broken, crashing, never answering,
 * missing), graded by the real grader in its own process, and the tables it writes.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { outOfLine, phaseMaxima, toCsv, toMarkdown, type SubmissionGrade } from "../checker/class/grade.ts";
import { checkPoints } from "../checker/class/json.ts";
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
    expect(md).toContain("| alice | 100/100 pass | 100/100 pass | 100/100 pass | 300/300 |");
    expect(md).toContain("| erin | – missing | – missing | – missing | 0/300 |");
    expect(md).toMatch(/^\| carol \| 0\/100 error \(1\.1\) \| 0\/100 error \(2\.1\) \| 0\/100 error \(3\.1\) \| 0\/300 \|$/m);
    expect(md).toMatch(new RegExp(`^\\| bob \\| 100/100 pass \\| \\d+/100 fail \\(${numberOf(2, broken.firstFailure).replace(".", "\\.")}\\) \\| – missing \\| \\d+/300 \\|$`, "m"));
    // Phases 1-3 of a server.ts have nothing left out: each is out of 100, and the line says no more.
    expect(md).toContain("\nOut of: phase 1 100, phase 2 100, phase 3 100 (300 in all).\n");
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
  expect(readFileSync(path.join(dir, "grades.md"), "utf8")).toMatch(/\| dave \| \d+\/100 error \(over the 1 s bound\) \|/);
  expect(processesIn(dir), "servers left running").toEqual([]);
});

test("with --cmd, any program is run in each submission's folder, {phase} replaced", { timeout: 120_000 }, async () => {
  const dir = tempFolder("cmd");
  mkdirSync(path.join(dir, "ana"));
  writeFileSync(path.join(dir, "ana", "server_1.ts"), solution(1));
  writeFileSync(path.join(dir, "ana", "server_2.ts"), solution(2));
  mkdirSync(path.join(dir, "ben")); // has no server_<n>.ts: the command fails, an error
  const tsx = import.meta.resolve("tsx");
  const run = await grader([dir, "--phases", "1,2", "--cmd", `node --import ${tsx} server_{phase}.ts`, "--timeout-s", "60"], 100_000);
  expect(run.code, run.out + run.err).toBe(0);
  // Phase 2 has checks that call parseRequest; under --cmd they are left out, and the phase is out of less than 100.
  const max2 = 100 - cmdLeftOut(2).points;
  const total = 100 + max2;
  expect(max2).toBeLessThan(100);
  const rows = readCsv(path.join(dir, "grades.csv"));
  expect(rows).toEqual([
    expect.objectContaining({ student: "ana", phase1_status: "pass", phase1_points: "100", phase1_max: "100" }),
    expect.objectContaining({ student: "ben", phase1_status: "error", phase1_points: "0", phase1_first_problem: "1.1" }),
  ]);
  expect(rows[0]).toMatchObject({ phase2_status: "pass", phase2_points: String(max2), phase2_max: String(max2), total: String(total), max_total: String(total) });
  expect(rows[1]).toMatchObject({ phase2_status: "error", phase2_points: "0", phase2_max: String(max2), total: "0", max_total: String(total) });
  const md = readFileSync(path.join(dir, "grades.md"), "utf8");
  expect(md).toContain("server_{phase}.ts");
  // A solution passes in full: its cells read its real maximum, not 100, and so does the total.
  expect(md).toContain(`| ana | 100/100 pass | ${max2}/${max2} pass | ${total}/${total} |`);
  expect(md).toContain(`| ben | 0/100 error (1.1) | 0/${max2} error (2.1) | 0/${total} |`);
  expect(md).toContain(`Out of: phase 1 100, phase 2 ${max2} (${total} in all).`);
  expect(md).toContain(`${cmdLeftOut(2).numbers.join(", ")} call the functions of a TypeScript server.ts`);
  expect(md).not.toMatch(/worth 100 points/);
  // The same maxima on the terminal: before the first submission, and on its line.
  expect(run.out).toContain(`Out of: phase 1 100, phase 2 ${max2} (${total} in all).`);
  expect(run.out).toMatch(new RegExp(`\\] ana +1 pass 100/100 · 2 pass ${max2}/${max2} · total ${total}/${total} `));
});

/** The checks of a phase that --cmd leaves out (they call the TypeScript file's functions), from the manifest. */
function cmdLeftOut(phaseNumber: number): { numbers: string[]; points: number } {
  const phase = findPhase(String(phaseNumber))!;
  const points = checkPoints(phase);
  const left = phase.checks.flatMap((check, index) => (check.needsModule ? [{ number: `${phaseNumber}.${index + 1}`, worth: points[index]! }] : []));
  return { numbers: left.map((check) => check.number), points: left.reduce((sum, check) => sum + check.worth, 0) };
}

describe("each phase is out of its real maximum, not always 100", () => {
  test("under --cmd, a phase loses the points of the checks that call functions; a server.ts loses only the browser's", () => {
    for (const phase of phases) {
      const browser = phase.checks.flatMap((check, index) => (check.needsBrowser ? [{ number: `${phase.number}.${index + 1}`, worth: checkPoints(phase)[index]! }] : []));
      const browserPoints = browser.reduce((sum, check) => sum + check.worth, 0);
      const [cmd] = phaseMaxima([phase], true);
      const [file] = phaseMaxima([phase], false);
      expect(cmd, `phase ${phase.number}`).toMatchObject({ maxPoints: 100 - cmdLeftOut(phase.number).points - browserPoints, callFunctions: cmdLeftOut(phase.number).numbers });
      expect(file, `phase ${phase.number}`).toMatchObject({ maxPoints: 100 - browserPoints, callFunctions: [], driveBrowser: browser.map((check) => check.number) });
    }
    // What the issue was about: phases 2 and 3 are not out of 100 under --cmd.
    expect(phaseMaxima([findPhase("2")!, findPhase("3")!], true).map((maximum) => maximum.maxPoints).every((max) => max < 100)).toBe(true);
  });

  test("the line above the table names each maximum, their sum, and which checks are left out and why", () => {
    const graded = phases.slice(0, 4);
    const maxima = phaseMaxima(graded, true);
    const total = maxima.reduce((sum, maximum) => sum + maximum.maxPoints, 0);
    const line = outOfLine(maxima);
    expect(line).toContain(`Out of: ${maxima.map((maximum) => `phase ${maximum.phase.number} ${maximum.maxPoints}`).join(", ")} (${total} in all).`);
    expect(line).toContain(`${[2, 3].flatMap((n) => cmdLeftOut(n).numbers).join(", ")} call the functions of a TypeScript server.ts`);
    expect(line).toMatch(/4\.\d+ drives a browser/);
    expect(outOfLine(phaseMaxima([phases[0]!], false))).toBe("Out of: phase 1 100 (100 in all).");
  });

  test("grades.md under --cmd: every cell is points/maximum, and the total is their sum, out of the sum of the maxima", () => {
    const graded = phases.slice(0, 4);
    const maxima = phaseMaxima(graded, true);
    // A solution (every check it can be given passes) and a submission that fails half of each phase.
    const grade = (student: string, share: number): SubmissionGrade => {
      const phaseGrades = maxima.map(({ phase, maxPoints }) => ({
        phase,
        status: share === 1 ? ("pass" as const) : ("fail" as const),
        points: Math.round(maxPoints * share),
        maxPoints,
        firstProblem: share === 1 ? null : `${phase.number}.1`,
        note: null,
        durationMs: 0,
      }));
      return {
        student,
        phases: phaseGrades,
        points: phaseGrades.reduce((sum, p) => sum + p.points, 0),
        maxPoints: phaseGrades.reduce((sum, p) => sum + p.maxPoints, 0),
      };
    };
    const md = toMarkdown([grade("ana", 1), grade("ben", 0.5)], graded, { seed: 1, timeoutS: 120, cmd: "python3 server_{phase}.py", when: new Date(0) });
    const total = maxima.reduce((sum, maximum) => sum + maximum.maxPoints, 0);
    expect(md).toContain(`| ana | ${maxima.map((m) => `${m.maxPoints}/${m.maxPoints} pass`).join(" | ")} | ${total}/${total} |`);
    expect(md).toContain(`(${total} in all)`);
    expect(md).not.toMatch(/worth 100 points/);
    for (const row of md.split("\n").filter((line) => /^\| (ana|ben) \|/.test(line))) {
      const cells = row.split(" | ").slice(1).map((cell) => /^(\d+)\/(\d+)/.exec(cell)!.slice(1).map(Number));
      const [points, max] = cells.pop()!;
      expect(cells.map(([, cellMax]) => cellMax), row).toEqual(maxima.map((m) => m.maxPoints));
      expect(points, row).toBe(cells.reduce((sum, [cellPoints]) => sum + cellPoints!, 0));
      expect(max, row).toBe(total);
    }
  });
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
  expect(toMarkdown([grade], [phase], { seed: 1, timeoutS: 120, when: new Date(0) })).toContain("| Smith, \"Pat\" \\| 2 | 49/100 fail (1.2) | 49/100 |");
});
