/**
 * The "try it" lines of a failure must really repeat the request: the printf part produces exactly
 * the bytes the checker sent; piped into nc against the same server it brings back the answer the
 * checker saw; and the lab's own client line (for those without nc) sends the same bytes.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findPhase } from "../checker/manifest.ts";
import { freePort, runPhase } from "../checker/grader/run.ts";
import { parseSendText } from "../checker/student/send-text.ts";
import type { CheckResult } from "../checker/types.ts";
import { brokenCases } from "./broken/cases.ts";
import { ROOT, SEED, applyPatch } from "./broken/harness.ts";
import { waitForPort } from "./net.ts";

const hasNc = spawnSync("sh", ["-c", "command -v nc"]).status === 0;

// One variant that fails on requests sent in pieces, one that fails on a plain request.
describe.each(["3-answers-first-chunk", "3-canned-response"])("try-it lines of %s", (name) => {
  const variant = brokenCases.find((c) => c.name === name)!;
  const dir = mkdtempSync(path.join(tmpdir(), "http-lab-try-"));
  const file = path.join(dir, "server.ts");
  let server: ChildProcess | undefined;
  let failures: CheckResult[] = [];

  beforeAll(async () => {
    writeFileSync(file, applyPatch(readFileSync(path.join(ROOT, variant.base), "utf8"), variant.patch, variant.base));
    writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
    const port = await freePort();
    // The student's own copy of the server, where the try-it lines point.
    server = spawn(process.execPath, ["--import", "tsx", file], { cwd: ROOT, env: { ...process.env, PORT: String(port) }, stdio: "ignore" });
    const report = await runPhase({ phase: findPhase("3")!, target: { kind: "file", file, label: "broken.ts" }, seed: SEED, root: ROOT, tryPort: port });
    failures = report.results.filter((result) => result.status === "fail" && result.finding?.tryIt?.includes("| nc "));
    await waitForPort(port);
  });
  afterAll(() => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the variant fails checks that come with try-it lines", () => {
    expect(failures.length).toBeGreaterThan(0);
  });

  test("each printf part sends exactly the bytes the checker sent", () => {
    for (const result of failures) {
      const input = result.finding!.tryIt!.split("\n")[0]!.split(" | nc ")[0]!;
      const produced = spawnSync("bash", ["-c", input]).stdout;
      expect(produced.equals(Buffer.from(result.finding!.sent!)), `${result.id}: ${input.slice(0, 120)}`).toBe(true);
    }
  });

  test.skipIf(!hasNc)("piped into nc, it brings back what the checker saw (skipped without nc: apt install netcat-openbsd)", () => {
    for (const result of failures) {
      // A line with pauses, "(printf A; sleep 0.5; printf B) | nc ...", reproduces the pieces only once nc
      // is connected, and only if the server reads each piece before the next comes. On a loaded
      // machine (CI runs several servers on 2 cores) neither is sure in 0.5 s, and the pieces arrive
      // as one read. A second of head start and pauses of 2 s make them arrive as the checker sent
      // them; the bytes are the same, only the waits are longer.
      const line = result.finding!.tryIt!.split("\n")[0]!.replace(/^\(/, "(sleep 1; ").replace(/sleep 0\.\d+;/g, "sleep 2;");
      const answer = spawnSync("bash", ["-c", line], { timeout: 30_000 }).stdout;
      expect(answer.toString("utf8"), result.id).toBe(Buffer.from(result.finding!.received!).toString("utf8"));
    }
  });

  test("the lab's own client line sends the same bytes and shows the same answer", () => {
    for (const result of failures.filter((r) => r.finding!.tryIt!.includes("npm run client"))) {
      const line = result.finding!.tryIt!.split("\n")[1]!;
      const argument = /--send "([^"]*)"/.exec(line)![1]!;
      expect(parseSendText(argument).equals(Buffer.from(result.finding!.sent!)), line).toBe(true);
      const shown = spawnSync("bash", ["-c", line.replace("npm run client", "npm run -s client")], { cwd: ROOT, encoding: "utf8", timeout: 20_000 }).stdout;
      const firstLine = Buffer.from(result.finding!.received!).toString("utf8").split("\n")[0]!.replace("\r", "\\r");
      expect(shown, line).toContain(firstLine);
    }
  });
});
