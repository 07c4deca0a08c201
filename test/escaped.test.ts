/**
 * No byte from a student's server reaches the terminal raw: a hostile server that answers with
 * escape sequences and a NUL in its status line and headers, and prints a window title, a clear-screen, a
 * cursor move and bare CRs to its output, gets a report with every one of them shown escaped.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { findPhase } from "../checker/manifest.ts";
import { plainStyle, renderReport } from "../checker/grader/report.ts";
import { runPhase } from "../checker/grader/run.ts";
import { printable } from "../checker/grader/visible.ts";
import { ROOT } from "./broken/harness.ts";

const dir = mkdtempSync(path.join(tmpdir(), "http-lab-escaped-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every control character but LF, the report's own line break. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

test("escape sequences in the answer and in the server's output are shown, never sent to the terminal", async () => {
  const server = path.join(dir, "hostile.mjs");
  writeFileSync(
    server,
    `import net from "node:net";
// A window title, a full reset, clear-screen and cursor-home, a C1 CSI, and a bare CR that would overwrite the line.
console.log("\\x1b]0;owned\\x07ready\\x1bc\\x1b[2J\\x1b[H\\u009b31m\\x1b[31mred\\x1b[0m");
console.log("progress 10%\\rprogress 100%");
net.createServer((socket) => {
  socket.on("error", () => {});
  socket.on("data", () => {
    console.log("\\x1b]2;title from a request\\x07");
    socket.end("\\x1b[2J\\x1bc\\x00HTTP/1.1 200 OK\\r\\nX-Evil: \\x1b]0;t\\x07\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\nhi");
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
`,
  );
  const report = await runPhase({ phase: findPhase("3")!, target: { kind: "cmd", command: `node ${server}` }, seed: 7, root: ROOT });
  const shown = renderReport(report, plainStyle);
  const raw = RAW_CONTROL.exec(shown);
  expect(raw, `a raw control byte ${JSON.stringify(raw?.[0])} in:\n${JSON.stringify(shown)}`).toBeNull();
  // The status-line check quotes the first line, escaped; the output tail shows the codes as text.
  const statusLine = report.results.find((result) => result.id === "respond.status-line")!;
  expect(statusLine.status).toBe("fail");
  expect(shown).toContain('the response starts with "\\x1b[2J\\x1bc\\x00HTTP/1.1 200 OK"');
  // Colours are dropped (a coloured log stays readable); the other sequences are shown as text.
  expect(shown).toContain("│ \\x1b]0;owned\\x07ready\\x1bc\\x1b[2J\\x1b[H\\u009b31mred");
  expect(shown).toContain("│ progress 10%\\rprogress 100%");
});

test("printable escapes what a terminal would obey and leaves text, non-ASCII letters and paths alone", () => {
  expect(printable("wörld ✓ C:\\Users\\me")).toBe("wörld ✓ C:\\Users\\me");
  expect(printable("a\x1b[31mb\x07\x00\x7f\u0085")).toBe("a\\x1b[31mb\\x07\\x00\\x7f\\u0085");
  expect(printable("line\r\n\tx")).toBe("line\\r\\n\\tx");
  expect(printable("C:\\x", { backslashes: true })).toBe("C:\\\\x");
});
