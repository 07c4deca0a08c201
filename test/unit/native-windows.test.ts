import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { nativeWindowsNote } from "../../checker/grader/native-windows.ts";
import { text } from "../../checker/text.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

test("on Linux (WSL too) and macOS the checker says nothing about the platform", () => {
  for (const platform of ["linux", "darwin", "freebsd"] as const) expect(nativeWindowsNote(platform)).toBeNull();
});

test("on native Windows it says so in one line, pointing to WSL 2 and the README", () => {
  const note = nativeWindowsNote("win32")!;
  expect(note).not.toContain("\n");
  expect(note).toContain("WSL 2 (Ubuntu)");
  expect(note).toContain('"On Windows" in README.md');
});

// Each entry point, run as npm runs it, in a Node that believes it is on Windows. There os.tmpdir()
// reads TEMP (tsx keeps its cache in it): without one it would be "undefined\temp" in the lab.
const FAKE_WINDOWS = `data:text/javascript,Object.defineProperty(process,"platform",{value:"win32"})`;
function runAsOnWindows(file: string, args: string[]) {
  return spawnSync(process.execPath, ["--import", FAKE_WINDOWS, "--import", "tsx", file, ...args], {
    cwd: ROOT,
    env: { ...process.env, TEMP: tmpdir() },
    encoding: "utf8",
    timeout: 30_000,
  });
}

test.each([
  ["checker/student/cli.ts", ["1"]],
  ["checker/student/lab.ts", ["status"]],
  ["checker/student/serve.ts", ["1"]],
  ["checker/class/grade.ts", ["submissions"]],
])("%s prints the note first and stops with status 1", (file, args) => {
  const result = runAsOnWindows(file, args);
  expect(result.stderr).toBe(`${text.cli.nativeWindows}\n`);
  expect(result.stdout).toBe("");
  expect(result.status).toBe(1);
});

test("the client prints the note first and goes on: it only opens a socket", () => {
  const result = runAsOnWindows("checker/student/client.ts", ["--help"]);
  expect(result.stderr.split("\n")[0]).toBe(text.cli.nativeWindows);
  expect(result.stdout).toContain("npm run client");
  expect(result.status).toBe(0);
});
