/**
 * npm run phase <n> [-- options]: grades one phase of the lab.
 * Exit status: 0 every check passed, 1 some check failed, 2 the checker was called wrongly.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { findPhase, phases, studentFile } from "../manifest.ts";
import { unsupportedNodeNote } from "../grader/node-lines.ts";
import { stopOnNativeWindows } from "../grader/native-windows.ts";
import { defaultStyle, renderHeader, renderResult, renderSummary } from "../grader/report.ts";
import { randomSeed } from "../grader/rng.ts";
import { DEFAULT_SLOW_MS, UsageError, runPhase } from "../grader/run.ts";
import { killAllServers } from "../grader/server-process.ts";
import { killAllBrowsers } from "../grader/chromium.ts";
import { loadProgress, recordRun } from "./progress.ts";
import { text } from "../text.ts";
import { watchAndRun } from "./watch.ts";
import type { Target } from "../types.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const USAGE = text.cli.usage(phases.map((phase) => `${phase.number} ${phase.slug}`).join(", "), DEFAULT_SLOW_MS);

function usageError(message: string): never {
  throw new UsageError(`${message}\n\n${USAGE}`);
}

interface Options {
  phaseId: string;
  solution: boolean;
  cmd?: string;
  port?: number;
  seed?: number;
  slowMs?: number;
  watch: boolean;
  browser: boolean;
  /** undefined: the phase's default (on from phase 6). */
  compare?: boolean;
  json: boolean;
}

function integer(name: string, given: string | undefined, min: number, max: number): number | undefined {
  if (given === undefined) return undefined;
  const value = Number(given);
  if (!Number.isInteger(value) || value < min || value > max) usageError(text.cli.wholeNumber(name, min, max, given));
  return value;
}

function parseOptions(argv: string[]): Options | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        solution: { type: "boolean" },
        cmd: { type: "string" },
        port: { type: "string" },
        seed: { type: "string" },
        "slow-ms": { type: "string" },
        watch: { type: "boolean" },
        browser: { type: "boolean" },
        compare: { type: "boolean" },
        "no-compare": { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  // `npm run phase 3 --solution` (without --) hands the flag to npm, which passes it on this way.
  const fromNpm = (name: string): string | undefined => {
    const value = process.env[`npm_config_${name}`];
    return value === undefined || value === "" ? undefined : value;
  };
  if (positionals.length === 0) usageError(text.cli.whichPhase);
  if (positionals.length > 1) usageError(text.cli.onePhase(positionals.join(" ")));
  const options: Options = {
    phaseId: positionals[0]!,
    solution: values.solution ?? fromNpm("solution") === "true",
    cmd: values.cmd,
    port: integer("port", values.port, 1, 65535),
    seed: integer("seed", values.seed ?? fromNpm("seed"), 0, 2 ** 32 - 1),
    slowMs: integer("slow-ms", values["slow-ms"], 100, 60_000),
    watch: values.watch ?? fromNpm("watch") === "true",
    browser: values.browser ?? fromNpm("browser") === "true",
    compare: values["no-compare"] || fromNpm("no_compare") === "true" ? false : values.compare || fromNpm("compare") === "true" ? true : undefined,
    json: values.json ?? fromNpm("json") === "true",
  };
  if (options.watch && options.json) usageError(text.cli.watchAndJson);
  if (options.watch && (options.port !== undefined || options.cmd !== undefined || options.solution)) {
    usageError(text.cli.watchAndSource);
  }
  const sources = [options.solution && "--solution", options.cmd !== undefined && "--cmd", options.port !== undefined && "--port"].filter(Boolean);
  if (sources.length > 1) usageError(text.cli.chooseOne(sources.join(", ")));
  if (options.cmd !== undefined && options.cmd.trim() === "") usageError(text.cli.cmdNeedsCommand);
  return options;
}

async function main(): Promise<number> {
  await stopOnNativeWindows();
  const options = parseOptions(process.argv.slice(2));
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  // Real clients (fetch, http) run inside the checker, so their verdicts are this Node's.
  const nodeNote = unsupportedNodeNote();
  if (nodeNote) console.error(nodeNote);
  const phase = findPhase(options.phaseId);
  if (!phase) {
    usageError(text.cli.noSuchPhase(options.phaseId, phases.map((p) => `${p.number} (${p.slug})`).join(", ")));
  }
  const target: Target =
    options.cmd !== undefined
      ? { kind: "cmd", command: options.cmd }
      : options.port !== undefined
        ? { kind: "port", port: options.port }
        : options.solution
          ? { kind: "file", file: path.join(ROOT, phase.solution), label: phase.solution }
          : { kind: "file", file: path.join(ROOT, studentFile(phase)), label: studentFile(phase) };

  const style = defaultStyle();
  const ownFile = target.kind === "file" && !options.solution;
  const isSolutionCopy = (): boolean => {
    try {
      return readFileSync(path.join(ROOT, studentFile(phase))).equals(readFileSync(path.join(ROOT, phase.solution)));
    } catch {
      return false;
    }
  };

  /**
   * On a terminal, while the checks run side by side: one line that counts them, rewritten in
   * place and wiped before anything else is printed.
   */
  const live = !options.json && Boolean(process.stdout.isTTY);
  let counting = false;
  const count = (info: { done: number; total: number }): void => {
    if (!live) return;
    counting = true;
    process.stdout.write(`\r${style.chalk.dim(text.cli.counting(info.done, info.total))}\x1b[K`);
  };
  const print = (line: string): void => {
    if (counting) process.stdout.write("\r\x1b[K");
    counting = false;
    console.log(line);
  };

  // A phase whose last run failed most likely fails again: then the checks run in order at once,
  // since a run side by side first would add its time to each run of a student in the middle of
  // the phase. (From the progress file, for the student's own file; then from the last run here.)
  let lastFailed = ownFile && !process.env.LAB_NO_PROGRESS ? loadProgress(ROOT).progress.phases[String(phase.number)]?.passed === false : false;

  /** One graded run: printed as it happens (or as JSON), remembered in the progress file. */
  const gradeOnce = async (): Promise<boolean> => {
    const seed = options.seed ?? randomSeed();
    const report = await runPhase({
      phase,
      target,
      seed,
      root: ROOT,
      slowMs: options.slowMs,
      browser: options.browser,
      compare: options.compare,
      keepSiteOnFailure: true,
      together: !lastFailed,
      onStart: options.json ? undefined : (info) => print(renderHeader(phase, target, { seed, ...info }, style)),
      onRetry: options.json ? undefined : (info) => print(style.chalk.dim(text.cli.retryInOrder(info.port)) + "\n"),
      onProgress: count,
      onResult: options.json ? undefined : (result) => print(renderResult(result, style)),
    });
    // LAB_NO_PROGRESS: the lab's own tests run the checker here without touching a student's progress.
    // A reference solution swapped in (an instructor in class) is not the student's pass.
    if (ownFile && !process.env.LAB_NO_PROGRESS && !isSolutionCopy()) recordRun(ROOT, report);
    if (counting) process.stdout.write("\r\x1b[K");
    counting = false;
    if (options.json) {
      const { toJson } = await import("../class/json.ts");
      process.stdout.write(JSON.stringify(toJson(report), null, 2) + "\n");
    } else {
      process.stdout.write(renderSummary(report, style, phases.find((p) => p.number === phase.number + 1)));
    }
    const passed = report.results.every((result) => result.status === "pass" || result.status === "skip");
    lastFailed = !passed;
    return passed;
  };

  if (!options.watch) return (await gradeOnce()) ? 0 : 1;

  const file = (target as { file: string }).file;
  const watching = watchAndRun({
    file,
    label: studentFile(phase),
    clearScreen: Boolean(process.stdout.isTTY),
    log: (line) => console.log(style.chalk.dim(line)),
    run: async () => {
      await gradeOnce();
    },
  });
  stopWatching = watching.stop;
  await watching.done;
  return 0;
}

/** Set while watching: Ctrl-C ends the watch (and the run in progress) cleanly. */
let stopWatching: (() => void) | null = null;

let interrupted = false;
/** Ctrl-C, kill, a closed terminal (SIGHUP), Ctrl-\\ (SIGQUIT): the server and the browser go first. */
const STOP_SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1, SIGQUIT: 3 } as const;
function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  killAllServers();
  killAllBrowsers();
  try {
    if (stopWatching) {
      stopWatching();
      process.stdout.write(`\n${text.watch.stopped}\n`);
      process.exit(0);
    }
    // stderr, so that an interrupted --json run leaves nothing but JSON (or nothing) on stdout.
    process.stderr.write(`\n${text.cli.stopped(signal)}\n`);
  } catch {
    // The terminal is gone (SIGHUP): nobody to tell.
  }
  process.exit(128 + STOP_SIGNALS[signal as keyof typeof STOP_SIGNALS]);
}
for (const signal of Object.keys(STOP_SIGNALS) as NodeJS.Signals[]) {
  if (process.platform === "win32" && signal !== "SIGINT" && signal !== "SIGTERM") continue;
  process.on(signal, onSignal);
}
// The reader of the output went away (npm run phase 5 | head): nobody reads the rest, so the run
// ends here, its server first, without a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") return;
  killAllServers();
  killAllBrowsers();
  process.exit(0);
});

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    killAllServers();
    killAllBrowsers();
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    // Never a stack trace for the student: one paragraph, and the details only when asked for.
    console.error(text.cli.checkerFailed(error instanceof Error ? error.message : String(error)));
    console.error(text.cli.isABug);
    if (process.env.LAB_DEBUG) console.error(error);
    process.exit(2);
  },
);
