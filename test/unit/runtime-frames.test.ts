import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { foldRuntimeFrames } from "../../checker/grader/runtime-frames.ts";

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
