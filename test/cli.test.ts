/** `npm run phase` as a student and an instructor use it: exit codes, messages, options, Ctrl-C. */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { freePort } from "../checker/grader/run.ts";
import { phases } from "../checker/manifest.ts";
import { ROOT, hasPython } from "./broken/harness.ts";
import { listening, waitForPort } from "./net.ts";

function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx", "checker/student/cli.ts", ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1", LAB_NO_PROGRESS: "1", ...options.env },
    encoding: "utf8",
    timeout: 90_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const noStackTrace = (text: string): void => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);


describe("usage", () => {
  test("--help prints the usage and exits 0", () => {
    const run = cli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.out).toContain("Usage: npm run phase <phase>");
  });

  test("an unknown phase is a usage error (exit 2) that lists the phases", () => {
    const run = cli(["42"]);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`There is no phase "42". The phases are: ${phases.map((phase) => `${phase.number} (${phase.slug})`).join(", ")}.`);
    noStackTrace(run.err);
  });

  test("an unknown option, a missing phase, and two targets at once are usage errors", () => {
    expect(cli(["1", "--colour"]).code).toBe(2);
    expect(cli([]).err).toContain("Which phase?");
    const both = cli(["1", "--solution", "--port", "8000"]);
    expect(both.code).toBe(2);
    expect(both.err).toContain("Choose one of --solution, --port");
  });

  test("a phase can be named by number, slug or folder", () => {
    for (const name of ["1", "bind", "1-bind"]) expect(cli([name, "--solution"]).code).toBe(0);
  });
});

describe("grading", () => {
  test("the untouched skeleton fails (exit 1) with a message a beginner can act on, and no stack trace", () => {
    const run = cli(["1", "--seed", "5"]);
    expect(run.code).toBe(1);
    expect(run.out).toContain("exited (code 0) without ever listening on a port");
    expect(run.out).toContain("hint");
    expect(run.out).toContain("Fix 1.1 first");
    noStackTrace(run.out + run.err);
  });

  test("--solution passes (exit 0) and names the next lesson", () => {
    const run = cli(["3", "--solution"]);
    expect(run.code).toBe(0);
    expect(run.out).toContain("Phase 3 passed. Next: phases/4-counter/README.md");
  });

  test("`npm run phase 3 --solution` without `--` still grades the solution (npm passes it as npm_config_solution)", () => {
    const run = cli(["3"], { env: { npm_config_solution: "true" } });
    expect(run.code).toBe(0);
    expect(run.out).toContain("Grading solutions/3-respond/server.ts");
  });

  test("--json prints one JSON document and nothing else on stdout", () => {
    const run = cli(["1", "--json"]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.out) as { phase: { number: number }; checks: Array<{ id: string; status: string }> };
    expect(result.phase.number).toBe(1);
    expect(result.checks[0]).toMatchObject({ id: "start", status: "error" });
    expect(cli(["1", "--json", "--watch"]).code).toBe(2);
  });

  test("--seed repeats the same requests", () => {
    const normalize = (text: string): string => text.replace(/port \d+|PORT=\d+|127\.0\.0\.1:\d+/g, "<port>").replace(/\d+(\.\d)? ?(ms|s)\b/g, "<t>");
    const first = cli(["2", "--seed", "77"]);
    const second = cli(["2", "--seed", "77"]);
    expect(first.out).toMatch(/path: \/[a-z0-9]+\/[a-z0-9]+/);
    expect(normalize(second.out)).toBe(normalize(first.out));
    expect(normalize(cli(["2", "--seed", "78"]).out)).not.toBe(normalize(first.out));
  });

  test("--port grades a server the student started; with nothing there it says so", async () => {
    const port = await freePort();
    const server = spawn(process.execPath, ["--import", "tsx", "solutions/3-respond/server.ts"], { cwd: ROOT, env: { ...process.env, PORT: String(port) }, stdio: "ignore" });
    try {
      await waitForPort(port);
      const run = cli(["3", "--port", String(port)]);
      expect(run.code, run.out).toBe(0);
      expect(run.out).toContain("not run: it calls the functions of your TypeScript file");
    } finally {
      server.kill();
    }
    const nobody = cli(["3", "--port", String(await freePort())]);
    expect(nobody.code).toBe(1);
    expect(nobody.out).toContain("Nothing is listening on port");
  });

  test.skipIf(!hasPython)("--cmd grades a server in another language", () => {
    const run = cli(["1", "--cmd", "python3 test/python/solution_1.py"]);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain("Grading the command: python3 test/python/solution_1.py");
  });

  test("a missing phase file is a clear usage error", () => {
    const lab = mkdtempSync(path.join(tmpdir(), "http-lab-copy-"));
    try {
      cpSync(path.join(ROOT, "checker"), path.join(lab, "checker"), { recursive: true });
      cpSync(path.join(ROOT, "package.json"), path.join(lab, "package.json"));
      symlinkSync(path.join(ROOT, "node_modules"), path.join(lab, "node_modules"));
      mkdirSync(path.join(lab, "phases", "1-bind"), { recursive: true });
      const run = cli(["1"], { cwd: lab });
      expect(run.code).toBe(2);
      expect(run.err).toContain("phases/1-bind/server.ts does not exist");
      noStackTrace(run.err);
    } finally {
      rmSync(lab, { recursive: true, force: true });
    }
  });
});

test("Ctrl-C stops the checker and the server it started; nothing is left listening", async () => {
  const checker = spawn(process.execPath, ["--import", "tsx", "checker/student/cli.ts", "5", "--solution"], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", LAB_NO_PROGRESS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  checker.stdout.on("data", (data: Buffer) => (out += data.toString()));
  checker.stderr.on("data", (data: Buffer) => (out += data.toString()));
  const exited = new Promise<number | null>((resolve) => checker.on("exit", (code) => resolve(code)));
  // Interrupt it in the middle of the phase, while the server is busy (the checks run side by side first).
  const portShown = (): number => Number(/on port (\d+)/.exec(out)?.[1] ?? 0);
  for (let i = 0; i < 300 && !(portShown() > 0 && (await listening(portShown()))); i++) await new Promise((r) => setTimeout(r, 50));
  const port = portShown();
  expect(port).toBeGreaterThan(0);
  expect(await listening(port)).toBe(true);
  checker.kill("SIGINT");
  const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 10_000))]);
  expect(code).toBe(130);
  expect(out).toContain("Stopped (SIGINT)");
  await new Promise((r) => setTimeout(r, 200));
  expect(await listening(port)).toBe(false);
});

describe("--compare: the reference's answer beside a failed request", () => {
  test("on by default from phase 6, and --no-compare leaves it out", () => {
    const shown = cli(["7", "--seed", "7"]);
    expect(shown.code).toBe(1);
    expect(shown.out).toMatch(/\n {6}reference HTTP\/1\.1 200 OK\\r\\n\n {16}Date: .* GMT\\r\\n\n {16}Server: http-lab\/7\\r\\n/);
    const left = cli(["7", "--seed", "7", "--no-compare"]);
    expect(left.code).toBe(1);
    expect(left.out).not.toContain("reference ");
  });

  test("off by default before phase 6, and --compare turns it on", () => {
    expect(cli(["4", "--seed", "4"]).out).not.toContain("reference ");
    expect(cli(["4", "--seed", "4", "--compare"]).out).toMatch(/\n {6}reference HTTP\/1\.1 200 OK\\r\\n/);
  });
});

test("phase 9 keeps a failed run's files for the try-it lines, and the next run removes them", () => {
  const first = cli(["9", "--seed", "9"]);
  expect(first.code).toBe(1);
  const kept = /kept in (\S+): start your server with WEB_ROOT set to it \(WEB_ROOT=\S+ npm run serve 9/.exec(first.out)?.[1];
  expect(kept, first.out).toBeDefined();
  expect(existsSync(kept!)).toBe(true);
  const second = cli(["9", "--seed", "9", "--no-compare"]);
  expect(existsSync(kept!)).toBe(false);
  const again = /kept in (\S+):/.exec(second.out)?.[1];
  if (again) rmSync(path.dirname(again), { recursive: true, force: true });
});
