import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { foldRuntimeFrames } from "../../checker/grader/runtime-frames.ts";
import { maskThreadNames } from "../broken/harness.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The real stderr of a student's file that crashes, run as the checker runs it (this Node, tsx). */
function crashOutput(source: string): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), "http-lab-frames-"));
  try {
    writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
    writeFileSync(path.join(dir, "server.ts"), source);
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, "server.ts")], { cwd: ROOT, encoding: "utf8", timeout: 20_000 });
    return run.stderr.replaceAll(dir, "<TMP>").split("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a crash inside a socket handler keeps the student's frames and folds Node's own", () => {
  const lines = crashOutput(
    [
      'import net from "node:net";',
      "function parse(text: string): string { return text.split(' ')[1]!.toUpperCase(); }",
      "const server = net.createServer((socket) => socket.on('data', (data) => parse(String(data))));",
      "server.listen(0, '127.0.0.1', () => {",
      "  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1', () => client.write('Hello'));",
      "});",
      "",
    ].join("\n"),
  );
  const folded = foldRuntimeFrames(lines);
  expect(lines.some((line) => /^\s+at .*node:/.test(line)), "the crash had Node frames to fold").toBe(true);
  expect(folded.filter((line) => /^\s+at .*\(node:/.test(line))).toEqual([]);
  expect(folded.some((line) => /at parse \(.*<TMP>[\\/]server\.ts:2:\d+\)/.test(line))).toBe(true);
  expect(folded.some((line) => /TypeError: Cannot read properties of undefined/.test(line))).toBe(true);
  expect(folded.some((line) => /^\s+at … \(\d+ frames? inside Node\.js\)$/.test(line))).toBe(true);
  expect(folded.length).toBeLessThan(lines.length);
});

test("a syntax error's frames inside tsx and esbuild fold too, keeping the brace of the error's properties", () => {
  const folded = foldRuntimeFrames(crashOutput("const x = (;\n"));
  expect(folded.filter((line) => /node_modules[\\/]/.test(line))).toEqual([]);
  expect(folded.some((line) => /^\s+at … \(\d+ frames inside Node\.js and node_modules\)( \{)?$/.test(line))).toBe(true);
  expect(folded.some((line) => /ERROR: Unexpected/.test(line))).toBe(true);
});

test("lines that are not frames, and the student's own frames, stay as they are", () => {
  const lines = [
    "Listening on http://127.0.0.1:8000",
    "    at handle (file:///home/me/lab/phases/3-respond/server.ts:12:5)",
    "    at Socket.emit (node:events:519:28)",
    "    at async Promise.all (index 0)",
    "    at new Promise (<anonymous>)",
    "    at next (/home/me/lab/node_modules/some-package/index.js:3:1) {",
    "  code: 'ECONNRESET'",
    "}",
    "at the end of the day (a line the server printed)",
  ];
  expect(foldRuntimeFrames(lines)).toEqual([
    "Listening on http://127.0.0.1:8000",
    "    at handle (file:///home/me/lab/phases/3-respond/server.ts:12:5)",
    "    at … (4 frames inside Node.js and node_modules) {",
    "  code: 'ECONNRESET'",
    "}",
    "at the end of the day (a line the server printed)",
  ]);
});

/** The stderr of a Python script that fails inside a thread, as a threaded server does, run by `python`. */
function pythonThreadCrash(python: string): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), "http-lab-frames-"));
  try {
    const file = path.join(dir, "server.py");
    writeFileSync(
      file,
      [
        "import threading",
        "def send_file(connection, piece):",
        "    connection.append(piece + b'')",
        "def handle_client(connection):",
        "    send_file(connection, 'text, not bytes')",
        "thread = threading.Thread(target=handle_client, args=([],))",
        "thread.start()",
        "thread.join()",
        "",
      ].join("\n"),
    );
    const run = spawnSync(python, [file], { encoding: "utf8", timeout: 20_000 });
    return run.stderr.replaceAll(dir, "<TMP>").split("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hasPython = spawnSync("python3", ["--version"]).status === 0;

test.runIf(hasPython)("a Python traceback keeps the student's frames and their source, and folds Python's own library", () => {
  const folded = foldRuntimeFrames(pythonThreadCrash("python3"));
  expect(folded.filter((line) => /threading\.py/.test(line))).toEqual([]);
  expect(folded).toContain('  File "<TMP>/server.py", line 5, in handle_client');
  expect(folded).toContain("    send_file(connection, 'text, not bytes')");
  expect(folded).toContain('  File "<TMP>/server.py", line 3, in send_file');
  expect(folded.some((line) => /^ {2}File … \(\d+ frames? inside Python's library\)$/.test(line))).toBe(true);
  expect(folded.some((line) => /^\s+[~^]+\s*$/.test(line)), "no underlining is left").toBe(false);
  expect(folded.some((line) => /^TypeError: can only concatenate str \(not "bytes"\) to str$/.test(line))).toBe(true);
});

// The Pythons a machine has (python3.N on the PATH, or a list in LAB_PYTHONS, e.g. pyenv's
// interpreters joined by ":"): on each, the folded traceback reads the same, so a record made with
// one holds with the others.
const otherPythons = [...(process.env.LAB_PYTHONS?.split(":") ?? []), ...["3.9", "3.10", "3.11", "3.12", "3.13"].map((version) => `python${version}`)]
  .filter((python) => python !== "" && spawnSync(python, ["--version"]).status === 0);

test.runIf(otherPythons.length > 1)("the folded traceback is the same on every Python found", () => {
  // The thread's name is masked as in the records (it differs between 3.9 and 3.10: harness.ts).
  const [first, ...rest] = otherPythons.map((python) => [python, maskThreadNames(foldRuntimeFrames(pythonThreadCrash(python)).join("\n"))] as const);
  for (const [python, folded] of rest) expect(folded, `${python} beside ${first![0]}`).toBe(first![1]);
});

test("a Python frame's underlining goes, and a run of library frames with their source folds into one line", () => {
  const lines = [
    "Exception in thread Thread-3 (handle_client):",
    "Traceback (most recent call last):",
    '  File "/root/.pyenv/versions/3.13.0/lib/python3.13/threading.py", line 1041, in _bootstrap_inner',
    "    self.run()",
    "    ~~~~~~~~^^",
    '  File "/usr/lib/python3.13/threading.py", line 992, in run',
    "    self._target(*self._args, **self._kwargs)",
    "    ~~~~~~~~~~~~^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    '  File "/home/me/lab/server.py", line 558, in handle_client',
    "    send_response(client_connection, status, body)",
    "    ~~~~~~~~~~~~~^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    '  File "/usr/lib/python3/dist-packages/somepackage/io.py", line 12, in write',
    "    raise TypeError(piece)",
    "TypeError: a bytes-like object is required, not 'str'",
    "^^^ the server printed this line itself",
  ];
  expect(foldRuntimeFrames(lines)).toEqual([
    "Exception in thread Thread-3 (handle_client):",
    "Traceback (most recent call last):",
    "  File … (2 frames inside Python's library)",
    '  File "/home/me/lab/server.py", line 558, in handle_client',
    "    send_response(client_connection, status, body)",
    "  File … (1 frame inside installed packages)",
    "TypeError: a bytes-like object is required, not 'str'",
    "^^^ the server printed this line itself",
  ]);
});
