/**
 * The menu as a student meets it: in a real pseudo-terminal (through util-linux `script`), driven by
 * keys. Skipped, with a message, where `script` is missing.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { afterEach, expect, test } from "vitest";
import { phases } from "../checker/manifest.ts";
import { makeLabCopy, type LabCopy } from "./lab-copy.ts";

const hasScript = spawnSync("sh", ["-c", "command -v script"]).status === 0;
let lab: LabCopy | undefined;
afterEach(() => lab?.remove());

const plain = (text: string): string => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");

test.skipIf(!hasScript)("the menu lists the phases with their state, runs a check, shows hints level by level, resets and restores (skipped without `script`)", async () => {
  lab = makeLabCopy();
  const mine = "// the student's own work, not a skeleton\nconsole.log('hi');\n";
  writeFileSync(lab.file("phases/1-bind/server.ts"), mine);
  // An 80-column terminal: the rows must fit it (the pseudo-terminal's own size would be 0 x 0).
  const child = spawn("script", ["-qfec", `stty cols 80 rows 40; ${process.execPath} --import tsx checker/student/lab.ts`, "/dev/null"], {
    cwd: lab.dir,
    env: { ...process.env, NO_COLOR: "1", TERM: "xterm", COLUMNS: "120", LINES: "40" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let screen = "";
  child.stdout.on("data", (data: Buffer) => (screen += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  let mark = 0;
  /** Waits for `what` to appear after the last key, then sends `keys`. */
  const expectThen = async (what: RegExp, keys?: string): Promise<void> => {
    for (let waited = 0; !what.test(plain(screen.slice(mark))); waited += 50) {
      if (waited > 30_000) throw new Error(`waited for ${what}; the screen shows:\n${plain(screen.slice(mark)).slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (keys !== undefined) {
      mark = screen.length;
      child.stdin.write(keys);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  /** The last phase's row, drawn: the whole menu is on the screen. */
  const LAST_ROW_NOT_STARTED = new RegExp(`${phases.at(-1)!.number}\\. ${phases.at(-1)!.title.split(":")[0]}: .* not started`);
  /** The phase rows of the menu's last drawing: each state starts in one column, and no row is wider than the terminal. */
  const expectAlignedRows = (state: RegExp): void => {
    const rows = plain(screen).split("\n").filter((line) => /^\S? +\d+\. [A-Z]/.test(line) && state.test(line)).slice(-phases.length);
    expect(rows.map((row) => /^\S? +(\d+)\./.exec(row)![1])).toEqual(phases.map((phase) => String(phase.number)));
    expect(new Set(rows.map((row) => row.search(state))), rows.join("\n")).toHaveProperty("size", 1);
    for (const row of rows) expect(row.length, row).toBeLessThan(80);
  };
  try {
    await expectThen(LAST_ROW_NOT_STARTED);
    // Phases 7 and 9 have the longest titles: the states still line up, and a title too long for the terminal is cut.
    expectAlignedRows(/not started/);
    expect(plain(screen)).toMatch(/7\. Headers: read the request's fields, .*… not started/);
    await expectThen(/1\. Bind: accept connections .* not started/, "1"); // a number picks a phase
    await expectThen(/Phase 1 · bind/, "2"); // 2. Check it
    await expectThen(/Press Enter/, "\r");
    await expectThen(/Phase 1 · bind \(failing at 1\.1/, "4"); // 4. Show a hint
    await expectThen(/Hint 1 of 3 for 1\.1/, "\r");
    await expectThen(/what now\?/, "4");
    await expectThen(/Hint 2 of 3 for 1\.1/, "\r");
    await expectThen(/what now\?/, "5"); // 5. Reset to the skeleton
    await expectThen(/Replace phases\/1-bind\/server\.ts with the skeleton\?/, "y\r");
    await expectThen(/is the skeleton again/, "\r");
    expect(readFileSync(lab.file("phases/1-bind/server.ts")).equals(readFileSync(lab.file("phases/1-bind/.spec/skeleton.ts")))).toBe(true);
    await expectThen(/what now\?/, "7"); // 7. Restore the latest backup
    await expectThen(/Replace phases\/1-bind\/server\.ts with the backup/, "y\r");
    await expectThen(/is back as it was/, "\r");
    expect(readFileSync(lab.file("phases/1-bind/server.ts"), "utf8")).toBe(mine);
    expect(readdirSync(lab.file(".lab/backups/1-bind"))).toHaveLength(2);
    await expectThen(/what now\?/, "\x1b"); // Esc: back to the phases
    await expectThen(LAST_ROW_NOT_STARTED);
    // A longer state (phase 1's) moves every state to the same new column.
    expectAlignedRows(/not started|failing at/);
    await expectThen(/1\. Bind: accept connections .* failing at 1\.1/, "j\r"); // j moves down a line
    await expectThen(/Phase 2 · parse/, "8"); // 8. Back
    await expectThen(/pick a phase/, "q");
    expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r("hung"), 10_000))])).toBe(0);
  } finally {
    child.kill("SIGKILL");
  }
});
