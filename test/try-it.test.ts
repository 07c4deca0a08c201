/**
 * The "try it" line of a failure must really repeat the request: its printf part produces exactly
 * the bytes the checker sent, and piped into nc against the same server it brings back the same
 * answer the checker saw.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findPhase } from "../checker/manifest.ts";
import { freePort, runPhase } from "../checker/run.ts";
import type { CheckResult } from "../checker/types.ts";
import { brokenCases } from "./broken/cases.ts";
import { ROOT, SEED, applyPatch } from "./broken/harness.ts";

const hasNc = spawnSync("sh", ["-c", "command -v nc"]).status === 0;
const variant = brokenCases.find((c) => c.name === "3-answers-first-chunk")!;

describe("try-it lines", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "http-lab-try-"));
  const file = path.join(dir, "server.ts");
  let port = 0;
  let server: ReturnType<typeof spawn> | undefined;
  let failures: CheckResult[] = [];

  beforeAll(async () => {
    writeFileSync(file, applyPatch(readFileSync(path.join(ROOT, variant.base), "utf8"), variant.patch, variant.base));
    writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
    port = await freePort();
    // The student's own copy of the server, where the try-it lines point.
    server = spawn(process.execPath, ["--import", "tsx", file], { cwd: ROOT, env: { ...process.env, PORT: String(port) }, stdio: "ignore" });
    const report = await runPhase({ phase: findPhase("3")!, target: { kind: "file", file, label: "broken.ts" }, seed: SEED, root: ROOT, tryPort: port });
    failures = report.results.filter((result) => result.status === "fail" && result.finding?.tryIt?.includes("| nc "));
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port }, () => (socket.destroy(), resolve(true)));
        socket.on("error", () => resolve(false));
      });
      if (up) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the variant fails checks that come with try-it lines (in pieces, and an 8 KiB head)", () => {
    expect(failures.map((result) => result.id)).toEqual(expect.arrayContaining(["request.pieces", "request.big-head"]));
  });

  test("each printf part sends exactly the bytes the checker sent", () => {
    for (const result of failures) {
      const input = result.finding!.tryIt!.split(" | nc ")[0]!;
      const produced = spawnSync("bash", ["-c", input]).stdout;
      expect(produced.equals(Buffer.from(result.finding!.sent!)), `${result.id}: ${input.slice(0, 120)}`).toBe(true);
    }
  });

  test.skipIf(!hasNc)("piped into nc, it brings back what the checker saw (skipped without nc: apt install netcat-openbsd)", () => {
    for (const result of failures) {
      const answer = spawnSync("bash", ["-c", result.finding!.tryIt!], { timeout: 10_000 }).stdout;
      expect(answer.toString("utf8"), result.id).toBe(Buffer.from(result.finding!.received!).toString("utf8"));
    }
  });
});
