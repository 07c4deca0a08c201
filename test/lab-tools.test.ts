/** The student's tools on a copy of the lab: progress, hints, reset / solution / restore, watch. */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { phases } from "../checker/manifest.ts";
import { unsupportedNodeNote } from "../checker/grader/node-lines.ts";
import { makeLabCopy, type LabCopy } from "./lab-copy.ts";
import { listening } from "./net.ts";

let lab: LabCopy;
beforeEach(() => {
  lab = makeLabCopy();
});
afterEach(() => lab.remove());

const read = (relative: string): Buffer => readFileSync(lab.file(relative));

describe("progress", () => {
  test("a check run is remembered, and status shows it", () => {
    expect(lab.run("lab", ["status"]).out).toMatch(/1\. bind .* not started/);
    lab.run("cli", ["1"]);
    const progress = JSON.parse(read(".lab/progress.json").toString()) as { phases: Record<string, { firstProblem: { number: string } }> };
    expect(progress.phases["1"]!.firstProblem.number).toBe("1.1");
    expect(lab.run("lab", ["status"]).out).toMatch(/1\. bind .* failing at 1\.1/);
    // The student's own passing work (not a byte-for-byte copy of the reference solution).
    writeFileSync(lab.file("phases/1-bind/server.ts"), read("solutions/1-bind/server.ts").toString() + "// mine\n");
    lab.run("cli", ["1"]);
    expect(lab.run("lab", ["status"]).out).toMatch(/1\. bind .* passed/);
    // An experiment that fails after the pass: the failure is shown, and so is the pass.
    writeFileSync(lab.file("phases/1-bind/server.ts"), read("solutions/1-bind/server.ts").toString().replace("socket.end(); // close our side of the connection", ""));
    lab.run("cli", ["1"]);
    expect(lab.run("lab", ["status"]).out).toMatch(/1\. bind .* failing at 1\.4 \([^)]*\); passed before \(/);
  });

  test("a damaged progress file is started afresh, never a crash", () => {
    lab.run("cli", ["1"]);
    writeFileSync(lab.file(".lab/progress.json"), "{ this is not json");
    const status = lab.run("lab", ["status"]);
    expect(status.code).toBe(0);
    expect(status.out).toContain("has been started afresh");
    expect(lab.run("cli", ["1"]).code).toBe(1);
    expect(JSON.parse(read(".lab/progress.json").toString()).version).toBe(1);
  });

  test("--solution, --cmd and --port runs do not count as the student's progress", () => {
    lab.run("cli", ["1", "--solution"]);
    expect(lab.run("lab", ["status"]).out).toMatch(/1\. bind .* not started/);
    // Nor does the reference solution an instructor swapped in: it would unlock the solution.
    lab.run("lab", ["solution", "1", "--instructor", "--yes"]);
    lab.run("cli", ["1"]);
    expect(lab.run("lab", ["status"]).out).toMatch(/1\. bind .* not started/);
  });
});

test("hints come level by level, for the first failing check, and are remembered", () => {
  const first = lab.run("lab", ["hint", "2"]);
  expect(first.out).toContain("has not been checked yet");
  expect(first.out).toMatch(/Hint 1 of 3 for 2\.2 parseRequest returns the path/);
  expect(lab.run("lab", ["hint", "2"]).out).toMatch(/Hint 2 of 3/);
  const third = lab.run("lab", ["hint", "2"]);
  expect(third.out).toMatch(/Hint 3 of 3/);
  expect(third.out).toContain("That was the last hint");
  expect(lab.run("lab", ["hint", "2"]).out).toMatch(/Hint 3 of 3/);
});

describe("reset, solution and restore never lose a student's file", () => {
  const mine = "// my own work in progress\nexport const answer = 42;\n";
  const file = "phases/3-respond/server.ts";
  const backups = (): string[] => readdirSync(lab.file(".lab/backups/3-respond"));

  test("without a terminal and without --yes, nothing is replaced", () => {
    writeFileSync(lab.file(file), mine);
    const run = lab.run("lab", ["reset", "3"]);
    expect(run.code).toBe(1);
    expect(run.err).toContain("add --yes");
    expect(read(file).toString()).toBe(mine);
  });

  test("the solution stays locked until the phase passed, unless --instructor", () => {
    writeFileSync(lab.file(file), mine);
    const locked = lab.run("lab", ["solution", "3", "--yes"]);
    expect(locked.code).toBe(1);
    expect(locked.out).toContain("opens once you pass it");
    expect(read(file).toString()).toBe(mine);
  });

  test("solution, restore and reset each back up first; restore brings the file back byte for byte", () => {
    writeFileSync(lab.file(file), mine);
    const swapped = lab.run("lab", ["solution", "3", "--instructor", "--yes"]);
    expect(swapped.code).toBe(0);
    const saved = /saved as (\S+)/.exec(swapped.out)![1]!;
    expect(readFileSync(lab.file(saved)).toString()).toBe(mine);
    expect(read(file).equals(read("solutions/3-respond/server.ts"))).toBe(true);

    const restored = lab.run("lab", ["restore", "3", "--yes"]);
    expect(restored.code).toBe(0);
    expect(read(file).toString()).toBe(mine);
    expect(backups()).toHaveLength(2); // the solution, saved before the restore replaced it

    expect(lab.run("lab", ["reset", "3", "--yes"]).code).toBe(0);
    expect(read(file).equals(read("phases/3-respond/.spec/skeleton.ts"))).toBe(true);
    expect(backups()).toHaveLength(3);
    expect(lab.run("lab", ["restore", "3", "--yes"]).code).toBe(0);
    expect(read(file).toString()).toBe(mine);
  });

  test("restore without a backup says so", () => {
    const run = lab.run("lab", ["restore", "4", "--yes"]);
    expect(run.code).toBe(1);
    expect(run.out).toContain("no backup of phase 4");
  });
});

test("usage errors of the lab command exit 2", () => {
  expect(lab.run("lab", ["frobnicate"]).code).toBe(2);
  expect(lab.run("lab", ["reset"]).err).toContain("reset needs a phase");
  expect(lab.run("lab", ["hint", "42"]).err).toContain('There is no phase "42"');
});

test("help, --help and -h list the commands (exit 0); an unknown option is named plainly, with the usage (exit 2)", () => {
  for (const args of [["help"], ["--help"], ["-h"], ["hint", "--help"]]) {
    const run = lab.run("lab", args);
    expect(run.code, args.join(" ")).toBe(0);
    expect(run.out).toContain("Usage: npm run lab");
    expect(run.out).toContain("npm run lab -- reset <n>");
    // Nothing on stderr but the note an unsupported Node line gets (node-lines.ts).
    const note = unsupportedNodeNote();
    expect(run.err).toBe(note === null ? "" : `${note}\n`);
  }
  const unknown = lab.run("lab", ["--frobnicate"]);
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain("Unknown option --frobnicate. The options are --yes (-y), --instructor and --help (-h).");
  expect(unknown.err).toContain("npm run lab -- help lists the commands.");
  // Not parseArgs' own words, which are written for programmers.
  expect(unknown.err).not.toContain("positional argument");
  expect(lab.run("lab", ["--yes=1"]).err).toContain("The option -y, --yes takes no value.");
  expect(lab.run("lab", ["frobnicate"]).err).toContain('Unknown command "frobnicate". Commands: status, lesson, check, watch, hint, reset, solution, restore, help.');
});

test("status puts each phase's state in one column, however long its title", () => {
  const rows = lab.run("lab", ["status"]).out.split("\n").filter((line) => /^ +\d+\. /.test(line));
  expect(rows).toHaveLength(phases.length);
  expect(new Set(rows.map((row) => row.indexOf("not started")))).toHaveProperty("size", 1);
  expect(new Set(rows.map((row) => row.search(/[A-Z]/)))).toHaveProperty("size", 1);
});

test("without a terminal, npm run lab prints the phases and the plain commands instead of a menu", () => {
  const run = lab.run("lab", []);
  expect(run.code).toBe(0);
  expect(run.out).toContain("Not a terminal, so no menu");
  expect(run.out).toContain("npm run lab -- reset <n>");
});

describe("watch mode", () => {
  test("checks again on a real change only, and Ctrl-C leaves no server behind", async () => {
    const watcher = lab.start("cli", ["1", "--watch", "--seed", "3"]);
    let out = "";
    watcher.stdout!.on("data", (data: Buffer) => (out += data.toString()));
    const waitFor = async (what: RegExp, ms = 30_000): Promise<void> => {
      for (let waited = 0; !what.test(out); waited += 50) {
        if (waited > ms) throw new Error(`no ${what} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const runs = (): number => out.split("Phase 1 · Bind").length - 1;
    try {
      await waitFor(/Watching phases\/1-bind\/server\.ts/);
      expect(runs()).toBe(1);
      // Saving the same bytes again (an editor's double event) does not start a run.
      writeFileSync(lab.file("phases/1-bind/server.ts"), read("phases/1-bind/server.ts"));
      await new Promise((r) => setTimeout(r, 1800));
      expect(runs()).toBe(1);
      // A real change does: the solution passes.
      writeFileSync(lab.file("phases/1-bind/server.ts"), read("solutions/1-bind/server.ts"));
      await waitFor(/Phase 1 passed/);
      expect(runs()).toBe(2);
      const port = Number([...out.matchAll(/on port (\d+)/g)].at(-1)![1]);
      const exited = new Promise<number | null>((resolve) => watcher.on("exit", resolve));
      watcher.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(out).toContain("Stopped watching");
      expect(await listening(port)).toBe(false);
    } finally {
      watcher.kill("SIGKILL");
    }
  });
});
