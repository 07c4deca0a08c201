/**
 * Nothing the checker starts outlives it: hostile servers (a setsid grandchild) and a checker that
 * ends every way it can (SIGHUP when its terminal closes, SIGQUIT from Ctrl-\, SIGKILL), each with
 * real processes. Every server here has a name no other test uses, so "still running" is exact.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { findPhase } from "../checker/manifest.ts";
import { runPhase } from "../checker/grader/run.ts";
import { ROOT } from "./broken/harness.ts";
import { listening } from "./net.ts";

const linux = process.platform === "linux";
const dir = mkdtempSync(path.join(tmpdir(), "http-lab-reaper-"));
afterAll(() => {
  // Whatever a failed test left: never leave it to the next test run.
  spawnSync("pkill", ["-KILL", "-f", dir]);
  rmSync(dir, { recursive: true, force: true });
});

/** A copy of a solution under a unique name, so that its processes can be told from every other test's. */
function uniqueServer(phase: string): string {
  const file = path.join(dir, `server-${randomBytes(4).toString("hex")}.ts`);
  cpSync(path.join(ROOT, `solutions/${phase}/server.ts`), file);
  return file;
}

/** Processes whose command line mentions `needle` (pgrep reads /proc), but for the checker, whose --cmd names it. */
function running(needle: string): string[] {
  const found = spawnSync("pgrep", ["-af", needle], { encoding: "utf8" });
  return found.stdout.split("\n").filter((line) => line.trim() !== "" && !line.includes("pgrep") && !line.includes("checker/student/cli.ts"));
}

async function until(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

/** Starts the checker on phase 5 (long enough to interrupt) with `--cmd`, and waits until it is busy. */
async function busyChecker(cmd: string): Promise<{ checker: ReturnType<typeof spawn>; port: number; out: () => string; exited: Promise<number | null> }> {
  const checker = spawn(process.execPath, ["--import", "tsx", "checker/student/cli.ts", "5", "--cmd", cmd], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", LAB_NO_PROGRESS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  checker.stdout!.on("data", (data: Buffer) => (out += data.toString()));
  checker.stderr!.on("data", (data: Buffer) => (out += data.toString()));
  const exited = new Promise<number | null>((resolve) => checker.on("exit", (code) => resolve(code)));
  // Busy: its server listens, and the checks are under way (from phase 3 on, side by side first).
  const portShown = (): number => Number(/on port (\d+)/.exec(out)?.[1] ?? 0);
  await until(async () => portShown() > 0 && (await listening(portShown())), 30_000);
  const port = portShown();
  return { checker, port, out: () => out, exited };
}

describe.runIf(linux)("a server whose process leaves its group", () => {
  test("a setsid grandchild is found when the server stops, ended, and named in the report", async () => {
    const tag = `sleep ${3000 + Math.floor(Math.random() * 5000)}.5`;
    const report = await runPhase({
      phase: findPhase("1")!,
      target: { kind: "cmd", command: `setsid ${tag} & exec node --import tsx ${uniqueServer("1-bind")}` },
      seed: 1,
      root: ROOT,
    });
    const added = report.results.at(-1)!;
    expect(added).toMatchObject({ id: "server.stops", number: "1.7+", status: "fail" });
    expect(added.finding!.message).toMatch(new RegExp(`still running outside its process group: pid \\d+, ${tag.replace(".", "\\.")}\\. It has been ended now`));
    expect(added.hint).toMatch(/no setsid/);
    // Every check before it passed: the run fails on this alone.
    expect(report.results.slice(0, -1).every((result) => result.status === "pass")).toBe(true);
    // Ended: the signal is sent, and the process is gone once the kernel has taken it down (on a
    // busy machine, a moment later; Node 24's CI line once still listed it right after the run).
    await until(() => running(tag).length === 0, 2000);
    expect(running(tag)).toEqual([]);
  });

  test("side by side first (phase 3 on): the grandchild of that run is ended too, and the run again in order names its own", async () => {
    const tag = `sleep ${3000 + Math.floor(Math.random() * 5000)}.25`;
    let retried = 0;
    const report = await runPhase({
      phase: findPhase("3")!,
      target: { kind: "cmd", command: `setsid ${tag} & exec node --import tsx ${uniqueServer("3-respond")}` },
      seed: 1,
      root: ROOT,
      onRetry: () => (retried += 1),
    });
    // Every check passed side by side, but the server left a process behind: not clean, so run again.
    expect(retried).toBe(1);
    const added = report.results.at(-1)!;
    expect(added).toMatchObject({ id: "server.stops", status: "fail" });
    expect(added.finding!.message).toMatch(new RegExp(`pid \\d+, ${tag.replace(".", "\\.")}\\. It has been ended now`));
    expect(report.results.slice(0, -1).every((result) => result.status === "pass" || result.status === "skip")).toBe(true);
    // Both runs' grandchildren are gone.
    await until(() => running(tag).length === 0, 2000);
    expect(running(tag)).toEqual([]);
  });

  test("a look-alike that starts a helper in its own session but ends it when stopped passes", async () => {
    const tag = `sleep ${3000 + Math.floor(Math.random() * 5000)}.75`;
    const file = path.join(dir, `tidy-${randomBytes(4).toString("hex")}.mjs`);
    const [seconds, fraction] = tag.split(" ")[1]!.split(".");
    writeFileSync(
      file,
      `import { spawn } from "node:child_process";
import net from "node:net";
const helper = spawn("sleep", ["${seconds}.${fraction}"], { detached: true, stdio: "ignore" });
// Its own session, but the server ends it itself when it is told to stop.
process.on("SIGTERM", () => { helper.kill("SIGKILL"); process.exit(0); });
net.createServer((socket) => {
  socket.on("error", () => {});
  socket.on("data", (data) => { console.log(String(data)); socket.end(); });
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("Listening"));
`,
    );
    const report = await runPhase({ phase: findPhase("1")!, target: { kind: "cmd", command: `node ${file}` }, seed: 1, root: ROOT });
    expect(report.results.map((result) => result.id)).not.toContain("server.stops");
    expect(running(tag)).toEqual([]);
  });

  test("a correct server leaves nothing behind, and the run has no such result", async () => {
    const report = await runPhase({ phase: findPhase("1")!, target: { kind: "cmd", command: `node --import tsx ${uniqueServer("1-bind")}` }, seed: 1, root: ROOT });
    expect(report.results.map((result) => result.id)).not.toContain("server.stops");
    expect(report.results.every((result) => result.status === "pass")).toBe(true);
  });
});

describe.runIf(linux)("however the checker ends, its server ends too", () => {
  for (const [signal, code] of [
    ["SIGHUP", 129],
    ["SIGQUIT", 131],
    ["SIGTERM", 143],
  ] as const) {
    test(`${signal} (${signal === "SIGHUP" ? "the terminal was closed" : signal === "SIGQUIT" ? "Ctrl-\\" : "kill"}): exit ${code}, the server's port is free`, async () => {
      const file = uniqueServer("5-threads");
      const run = await busyChecker(`node --import tsx ${file}`);
      expect(await listening(run.port)).toBe(true);
      run.checker.kill(signal);
      expect(await Promise.race([run.exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 10_000))])).toBe(code);
      expect(run.out()).toContain(`Stopped (${signal})`);
      expect(await until(async () => !(await listening(run.port)) && running(file).length === 0, 3000)).toBe(true);
    });
  }

  test("SIGKILL (nothing of the checker runs): the watchdog ends the server and its setsid grandchild", async () => {
    const file = uniqueServer("5-threads");
    const tag = `sleep ${3000 + Math.floor(Math.random() * 5000)}.25`;
    const run = await busyChecker(`setsid ${tag} & exec node --import tsx ${file}`);
    expect(await listening(run.port)).toBe(true);
    expect(running(tag).length).toBe(1);
    run.checker.kill("SIGKILL");
    await run.exited;
    expect(await until(async () => !(await listening(run.port)) && running(file).length === 0 && running(tag).length === 0, 5000)).toBe(true);
  });
});
