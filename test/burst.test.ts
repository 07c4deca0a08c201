/**
 * The 50-visit burst of phase 5 never fails a correct server. The Lab 1 server as the seed writes
 * it listens with a backlog of 5: most of the 50 connections then wait in the kernel, which drops
 * the handshakes it has no room for and lets the client retry them after 1, 3 and 7 s. The check
 * starts its visits a few milliseconds apart and waits for retries; here it runs alone (with a
 * short SLOW_MS), twenty times, on such a server. (Before: 1 to 2 failures in 20.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { threadsBurst } from "../checker/grader/checks/threads.ts";
import { findPhase } from "../checker/manifest.ts";
import { plainStyle, renderResult } from "../checker/grader/report.ts";
import { runPhase } from "../checker/grader/run.ts";
import type { Phase } from "../checker/types.ts";
import { ROOT, applyPatch, hasPython } from "./broken/harness.ts";

const dir = mkdtempSync(path.join(tmpdir(), "http-lab-burst-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const threads = findPhase("5")!;
/** The phase's start check, then the burst alone. */
const burstOnly: Phase = { ...threads, checks: [threads.checks[0]!, { ...threadsBurst, requires: undefined }] };

test.runIf(hasPython)("a correct threaded server with listen(5) passes the burst twenty times in twenty", async () => {
  const base = "test/python/solution_5.py";
  const file = path.join(dir, "seed_backlog_5.py");
  writeFileSync(file, applyPatch(readFileSync(path.join(ROOT, base), "utf8"), [["server_socket.listen(128)", "server_socket.listen(5)"]], base));
  const failures: string[] = [];
  for (let run = 1; run <= 20; run++) {
    const report = await runPhase({ phase: burstOnly, target: { kind: "cmd", command: `python3 ${file}` }, seed: run, root: ROOT, slowMs: 200 });
    for (const result of report.results.filter((r) => r.status !== "pass")) failures.push(`run ${run}:\n${renderResult(result, plainStyle)}`);
  }
  expect(failures, failures.join("\n")).toEqual([]);
});

test("visits that are never answered are reported as unanswered, not as a counting mistake", async () => {
  // Answers its first 30 visits, then accepts and never answers: stuck under load.
  const file = path.join(dir, "stuck.mjs");
  writeFileSync(
    file,
    `import net from "node:net";
let visits = 0;
net.createServer((socket) => {
  socket.on("error", () => {});
  socket.once("data", () => {
    visits += 1;
    if (visits > 30) return;
    const body = "<h1>This page has been accessed " + visits + " times.</h1>";
    setTimeout(() => socket.end("HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\nContent-Length: " + Buffer.byteLength(body) + "\\r\\nConnection: close\\r\\n\\r\\n" + body), Number(process.env.SLOW_MS));
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
`,
  );
  const report = await runPhase({ phase: burstOnly, target: { kind: "cmd", command: `node ${file}` }, seed: 1, root: ROOT, slowMs: 100 });
  const burst = report.results[1]!;
  expect(burst.status, renderResult(burst, plainStyle)).toBe("fail");
  expect(burst.finding!.message).toMatch(/^21 of 50 visits at once got no answer within 16 s\. That is not a counting mistake: those visits never reached your code\. Your server accepted the connections but did not answer them all/);
  expect(burst.hint).not.toMatch(/counter/);
  expect(burst.finding!.tryIt).toContain("seq 50");
});
