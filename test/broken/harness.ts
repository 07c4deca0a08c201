/** Builds a broken variant, grades it with the real checker, and reads the verdict. */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import net from "node:net";
import { expect } from "vitest";
import path from "node:path";
import { findPhase, phases } from "../../checker/manifest.ts";
import { plainStyle, renderReport } from "../../checker/grader/report.ts";
import { runPhase } from "../../checker/grader/run.ts";
import type { CheckResult, RunReport, Target } from "../../checker/types.ts";
import type { BrokenCase } from "./cases.ts";
import { SUPPORTED, compareRecordOffLine } from "../node-line.ts";
import { maskDates } from "./mask-dates.ts";

export const ROOT = path.resolve(import.meta.dirname, "../..");
/** One seed for every recorded run: the same requests, so the same report. */
export const SEED = 20261125;

export const hasPython = spawnSync("python3", ["--version"]).status === 0;

export function applyPatch(source: string, patch: BrokenCase["patch"], where: string): string {
  let patched = source;
  for (const [from, to] of patch) {
    const count = patched.split(from).length - 1;
    if (count !== 1) throw new Error(`the patch text occurs ${count} times in ${where} (it must occur once): ${JSON.stringify(from.slice(0, 80))}`);
    patched = patched.replace(from, () => to);
  }
  return patched;
}

export interface Graded {
  report: RunReport;
  /** The report as a student reads it, with what changes from run to run masked. */
  text: string;
  firstProblem: CheckResult | undefined;
}

/** Runs the checker on `target` and returns the report, plain and normalized for recording. */
export async function grade(
  phaseNumber: number,
  target: Target,
  options: { dir?: string; hardCodedPort?: number; volatile?: boolean; startupTimeoutMs?: number; browser?: boolean; together?: boolean; onRetry?: () => void } = {},
): Promise<Graded> {
  const phase = findPhase(String(phaseNumber))!;
  // In order only, unless asked: a broken server's report always comes from the run in order
  // (run.ts), and test/together.test.ts shows, for a sample of these servers, that trying the
  // checks together first leaves that report as it is. Trying every one of them together too
  // would add a tenth to the suite's time for nothing more.
  const report = await runPhase({ phase, target, seed: SEED, root: ROOT, startupTimeoutMs: options.startupTimeoutMs, browser: options.browser, together: options.together ?? false, onRetry: options.onRetry });
  // Timing-dependent numbers change a line's length: a volatile report is not wrapped, so that
  // masking the numbers below leaves the same text every time.
  const style = options.volatile ? { ...plainStyle, width: 100_000 } : plainStyle;
  let text = renderReport(report, style, phases.find((next) => next.number === phaseNumber + 1));
  if (options.dir) text = text.replaceAll(options.dir, "<TMP>");
  const number = (n: number): RegExp => new RegExp(`\\b${n}\\b`, "g");
  text = text.replaceAll(ROOT, "<ROOT>").replace(number(report.port), "<PORT>");
  if (options.hardCodedPort) text = text.replace(number(options.hardCodedPort), "<HARD-CODED PORT>");
  text = maskVersions(text)
    .replace(/(127\.0\.0\.1):\d+/g, "$1:<client port>")
    .replace(/\bpid \d+/g, "pid <pid>")
    // The folder of files a static phase serves is made afresh for each run (checker/grader/site.ts).
    .replace(/http-lab-site-[A-Za-z0-9]{6}/g, "http-lab-site-XXXXXX")
    .replace(/ {2}\d+(\.\d)? (ms|s)$/gm, "")
    .replace(/\(\d+(\.\d)? (ms|s)\)$/gm, "(<duration>)");
  // A Date (phase 7 on), a file's Last-Modified, a server's log line say when they were made.
  text = maskThreadNames(maskDates(text));
  if (options.browser) {
    // In the browser checks' server output, what changes from run to run is masked: a browser opens
    // spare connections ahead of need and may close them unused, at random (their "Connection
    // received", "Client left" and "Client closed" lines are left out, and the server's idle closes), and what it sends besides the request line
    // depends on its version and the machine's language (a run of header lines becomes one line).
    const browserTitles = new Set(phase.checks.filter((check) => check.needsBrowser).map((check) => check.title));
    text = text.replace(/^ {2}[✗!] \d+\.\d+ ([^\n]*)\n(?:[^\n]+\n)*/gm, (block, title: string) =>
      browserTitles.has(title)
        ? block
            // A kept connection (phase 11 on) the browser leaves idle is closed by the server when its
            // KEEP_ALIVE_MS runs out: whether before or after the check ends is a matter of timing.
            .replace(/^ {8}│ (?:Connection received from [^\n]*|Client left before the request was complete|Client closed the connection|No new request within \d+ ms[^\n]*)\n/gm, "")
            .replace(/(?:^ {8}│ (?!path: )[A-Za-z][\w-]*: [^\n]*\n)+/gm, "        │ <the browser's request headers>\n")
        : block,
    );
  }
  if (options.volatile) {
    // Under concurrency, timing decides counts and the order of log lines: keep the words only
    // (and the lines that say which check passed or failed).
    text = text
      .replace(/ {6}server output[^\n]*\n(?: {8}│[^\n]*\n)*/g, "      server output: <masked>\n")
      .split("\n")
      .map((line) => (/^(Phase \d| {2}[✓✗!-] \d)/.test(line) ? line : line.replace(/\d+/g, "N")))
      // Phase 5's time line: a row per client, whose length is the timing.
      .map((line) => line.replace(/^( +client N) .*$/, "$1 <its row of the time line>"))
      .join("\n");
  }
  const firstProblem = report.results.find((result) => result.status === "fail" || result.status === "error");
  return { report, text, firstProblem };
}

/**
 * What the versions of Node and curl decide, masked so that one record holds on every supported
 * Node line: Node's version line after a crash, where in Node's own code an error was thrown (the
 * report folds Node's stack frames already), and the version in a real client's name.
 */
export function maskVersions(report: string): string {
  return report
    .replace(/\bNode\.js v\d+\.\d+\.\d+\b/g, "Node.js v<version>")
    .replace(/^( {8}│ node:[\w/]+):\d+$/gm, "$1:<line>")
    .replace(/\bNode \d+\.\d+'s\b/g, "Node <version>'s")
    .replace(/\bcurl \d+\.\d+(\.\d+)?\b/g, "curl <version>");
}

/**
 * A Python thread's name in its traceback's first line: its number counts the threads started
 * before it, and Python 3.10 on adds the target's name ("Thread-3 (handle_client)"), 3.9 does not.
 */
export function maskThreadNames(report: string): string {
  return report.replace(/\bException in thread Thread-\d+(?: \([^()\n]*\))?:/g, "Exception in thread Thread-N:");
}

/** Writes the variant to a fresh temporary folder, grades it, and removes the folder. */
export async function gradeBroken(brokenCase: BrokenCase, options: { browser?: boolean; together?: boolean; onRetry?: () => void } = {}): Promise<Graded> {
  const source = readFileSync(path.join(ROOT, brokenCase.base), "utf8");
  let patched = applyPatch(source, brokenCase.patch, brokenCase.base);
  const hardCodedPort = patched.includes("{{FREE_PORT}}") ? await portOutsideEphemeralRange() : undefined;
  if (hardCodedPort) patched = patched.replaceAll("{{FREE_PORT}}", String(hardCodedPort));
  // {{BUSY_PORT}}: a port that another program holds while the variant is graded.
  const busy = patched.includes("{{BUSY_PORT}}") ? await holdPort() : undefined;
  if (busy) patched = patched.replaceAll("{{BUSY_PORT}}", String(busy.port));
  const dir = mkdtempSync(path.join(tmpdir(), "http-lab-broken-"));
  try {
    const file = path.join(dir, path.basename(brokenCase.base));
    writeFileSync(file, patched);
    // Graded as the lab's own files are: as ES modules.
    writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
    // What a solution imports from beside it (phase 15's app, its files, its Python twin), and the
    // lab's packages (hono), found from the temporary folder as from the solution's own. In a phase
    // that ships an app, what is not beside the solution comes from the phase's folder: app_15.py
    // finds its files in ../../phases/15-framework/public from test/python, never from a temporary
    // folder. (Their dates come along: the checker's own copy of the app answers with the same
    // Last-Modified.)
    const phaseDir = path.join(ROOT, findPhase(String(brokenCase.phase))!.dir);
    const folders = [path.join(ROOT, path.dirname(brokenCase.base)), ...(existsSync(path.join(phaseDir, "app.ts")) ? [phaseDir] : [])];
    for (const companion of ["app.ts", "app_15.py", "public"]) {
      const from = folders.map((folder) => path.join(folder, companion)).find((candidate) => existsSync(candidate));
      if (from) cpSync(from, path.join(dir, companion), { recursive: true, preserveTimestamps: true });
    }
    symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    const target: Target = file.endsWith(".py")
      ? { kind: "cmd", command: `python3 ${file}` }
      : { kind: "file", file, label: `broken/${brokenCase.name}.ts` };
    return await grade(brokenCase.phase, target, {
      dir,
      hardCodedPort: hardCodedPort ?? busy?.port,
      volatile: brokenCase.volatile,
      startupTimeoutMs: brokenCase.startupTimeoutMs,
      browser: options.browser,
      together: options.together,
      onRetry: options.onRetry,
    });
  } finally {
    busy?.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A free port the checker can never pick for itself: the checker asks the kernel for one (port 0),
 * which comes from the ephemeral range (32768 and up on Linux), so "hard-coded" ports come from below it.
 */
async function portOutsideEphemeralRange(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

function holdPort(): Promise<{ port: number; server: net.Server }> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => socket.destroy());
    server.listen(0, "127.0.0.1", () => resolve({ port: (server.address() as net.AddressInfo).port, server }));
  });
}

const REPORTS = path.join(ROOT, "test/reports");

/**
 * Holds a report to its record in test/reports/. A record shared by every Node line is written
 * only by a recording on the first line (.ci/record): on the others (LAB_SHARED_RECORDS=compare) a
 * difference fails instead of overwriting it, while the per-line records (<name>.node<line>.txt)
 * are still written there.
 */
export async function expectRecord(text: string, file: string): Promise<void> {
  // On a Node line outside package.json's engines a record is compared, never written (test/node-line.ts).
  if (!SUPPORTED) return compareRecordOffLine(text, path.join(REPORTS, file));
  const perLine = /\.node\d+\.txt$/.test(file);
  if (process.env.LAB_SHARED_RECORDS === "compare" && !perLine) {
    expect(text, `${file} is shared by every Node line, and reads otherwise on Node ${process.versions.node}`).toBe(readFileSync(path.join(REPORTS, file), "utf8"));
    return;
  }
  await expect(text).toMatchFileSnapshot(path.join(REPORTS, file));
}

/** The verdict of each check a --cmd run can make (the function-calling ones are skipped there). */
export function wireVerdicts(report: RunReport): string[] {
  const moduleChecks = new Set(report.phase.checks.filter((check) => check.needsModule).map((check) => check.id));
  return report.results.filter((result) => !moduleChecks.has(result.id)).map((result) => `${result.id}: ${result.status}`);
}
