/**
 * Runs one phase: start the server, run its checks (side by side first, from phase 3 on; in order
 * on a fresh server if anything fails there), stop the server, and return the results. It prints
 * nothing itself; the report module turns the results into words.
 */
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { ModuleCaller } from "./module-caller.ts";
import { createRng } from "./rng.ts";
import { keepSite, makeSite, removeSite, type Site } from "./site.ts";
import { Reference } from "./reference.ts";
import { connectionsClosed, SERVER_TZ, ServerProcess } from "./server-process.ts";
import type { Check, CheckContext, CheckResult, Finding, Phase, RunReport, Target } from "../types.ts";
import { text } from "../text.ts";
import { visible } from "./visible.ts";

/**
 * The SLOW_MS a graded server gets: how long its slow handler waits. Enough to tell 5 clients served
 * together (about 0.4 s for all) from one after another (2 s), with room for a busy 2-core machine
 * (threads.concurrent allows 2.5 times it); short, since in phase 5 every request waits it. The
 * lessons keep 5 s for a person trying it by hand.
 */
export const DEFAULT_SLOW_MS = 400;
const CHECK_BOUND_MS = 60_000;
/** A whole phase never takes longer than this; the checks left are reported as not run. */
const PHASE_BOUND_MS = 180_000;

/** A problem with how the checker was called (exit status 2), not with the student's server. */
export class UsageError extends Error {}

export interface RunOptions {
  phase: Phase;
  target: Target;
  seed: number;
  /** The lab's root folder: commands run here, and paths in messages are relative to it. */
  root: string;
  slowMs?: number;
  /** How long the server may take to start listening (default 10 s). */
  startupTimeoutMs?: number;
  /** The port in "try it" lines (the student's own server): 8000 unless --port says otherwise. */
  tryPort?: number;
  /** Also run the checks that drive a real browser (--browser). */
  browser?: boolean;
  /** Show what the reference solution answers beside a failed request (default: from phase 6 on). */
  compare?: boolean;
  /** After a failure, keep the run's folder of files (WEB_ROOT) for the "try it" lines (npm run phase does). */
  keepSiteOnFailure?: boolean;
  /**
   * Stops the run from outside (a grader's time bound): the server is stopped at once, the check
   * under way counts as an error unless it passed, and the checks left are reported as not run.
   */
  signal?: AbortSignal;
  /**
   * Try the checks together first, where that is possible (default true); false runs them only in
   * order, as the recorded reports of broken servers are made.
   */
  together?: boolean;
  /** Called once the port is chosen, before the first check. */
  onStart?: (info: { port: number; slowMs: number }) => void;
  /**
   * Called when the checks tried together did not all pass, before they run again in order on a
   * fresh server (on `port`); the results reported after it are that run's.
   */
  onRetry?: (info: { port: number }) => void;
  /** While the checks run side by side (nothing is reported until all are in): how many are done. */
  onProgress?: (info: { done: number; total: number }) => void;
  onResult?: (result: CheckResult) => void;
}

/**
 * A port for the server: free now, and below the ephemeral ports the system hands out for
 * listen(0) and for outgoing connections (from 32768 on Linux, 49152 on macOS and Windows).
 * Between this probe and the server's own listen the port is free for anyone to take; up here,
 * the checker's own proxies and clients (which get ephemeral ports) never do.
 */
export async function freePort(avoid: number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!avoid.includes(port) && (await canListen(port))) return port;
  }
  return listenAnywhere();
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

function listenAnywhere(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function serverCommand(target: Target, root: string): string[] | string | null {
  if (target.kind === "port") return null;
  if (target.kind === "cmd") return target.command;
  if (!existsSync(target.file)) {
    throw new UsageError(text.run.noFile(target.label));
  }
  return [process.execPath, "--import", import.meta.resolve("tsx"), path.relative(root, target.file)];
}

export async function runPhase(options: RunOptions): Promise<RunReport> {
  const { phase, target, root } = options;
  const started = performance.now();
  const command = serverCommand(target, root);
  const slowMs = phase.env ? (options.slowMs ?? DEFAULT_SLOW_MS) : 0;
  // Its own random names, from the seed, so that the checks' words (from ctx.rng) stay as they were.
  const site = phase.site && target.kind !== "port" ? makeSite(createRng(options.seed ^ 0x5173), options.keepSiteOnFailure) : null;

  const serverEnv = {
    TZ: SERVER_TZ,
    ...(phase.env?.({ slowMs, site }) ?? {}),
    // Python buffers print() when its output is a pipe; the checker must see it at once.
    PYTHONUNBUFFERED: "1",
    NO_COLOR: "1",
  };
  // In the bonus phases the expected answer is a whole response: show the reference's beside a failure.
  const gradingTheSolution = target.kind === "file" && path.resolve(target.file) === path.resolve(root, phase.solution);
  const reference = (options.compare ?? phase.number >= 6) && !gradingTheSolution ? new Reference(phase, root, serverEnv, freePort) : null;
  const module = target.kind === "file" && phase.checks.some((check) => check.needsModule) ? new ModuleCaller(target.file, undefined, root) : null;
  module?.start();
  const shared: Shared = { options, command, slowMs, site, serverEnv, reference, module, usedPorts: [] };

  let attempt: Attempt | null = null;
  try {
    // Together first, where it can be undone: a server of the checker's own, which it can start again.
    if (command !== null && (options.together ?? true) && phase.number >= TOGETHER_FROM_PHASE) {
      const together = await runAttempt(shared, "together");
      if (together.clean) attempt = together;
      else shared.retried = true;
    }
    // Not all clean together (or not tried): the checks in order, on a fresh server. This is the
    // run every failure is reported from, so that its words and the server's output around it are
    // the same whatever ran beside it.
    attempt ??= await runAttempt(shared, "in-order");
  } finally {
    module?.stop();
    await reference?.stop();
  }
  const { results } = attempt;
  // Kept, the student can serve the very files the failed checks asked for; the next run that
  // makes a site removes it (checker/grader/site.ts).
  if (site) {
    if (options.keepSiteOnFailure && results.some((result) => result.status === "fail" || result.status === "error")) keepSite(site);
    else removeSite(site);
  }
  const keptWebRoot = site && existsSync(site.root) ? site.root : undefined;
  return { phase, target, seed: options.seed, port: attempt.port, slowMs, browser: options.browser ?? false, results, durationMs: Math.round(performance.now() - started), keptWebRoot };
}

/**
 * From this phase on the checks are first tried together. Phases 1 and 2 judge most of what they
 * see by the server's printed lines, which checks run at once would mix.
 */
const TOGETHER_FROM_PHASE = 3;
/** How many checks run at once when they are tried together (background checks aside): the machines have 2 cores, a check may start curl, and most of a check's time is waiting. */
const TOGETHER_AT_ONCE = 6;
/**
 * The checks side by side take a few seconds on a correct server; past this, the run in order
 * (which has PHASE_BOUND_MS of its own) is the one to wait for.
 */
const TOGETHER_BOUND_MS = 30_000;
/** After a failure together, how long the checks still under way may take to notice that their server is gone. */
const TOGETHER_DRAIN_MS = 2000;

/** What both attempts of a run use: made once, stopped once. */
interface Shared {
  options: RunOptions;
  command: string[] | string | null;
  slowMs: number;
  site: Site | null;
  serverEnv: Record<string, string>;
  reference: Reference | null;
  module: ModuleCaller | null;
  /** The run in order comes after a run together that was not clean. */
  retried?: boolean;
  /** The ports this run's servers have listened on. */
  usedPorts: number[];
}

interface Attempt {
  results: CheckResult[];
  port: number;
  /** Every check passed or was skipped for a reason of its own, and the server lived and left nothing behind. */
  clean: boolean;
}

/**
 * One run of a phase's checks on a server of its own.
 *
 * "in-order" runs them one after another, as a student reads them, and reports each as it ends.
 * "together" runs the checks that judge only their own bytes at once (TOGETHER_AT_ONCE at most),
 * and a check marked `alone`, with nothing beside it; it reports nothing, and stops at its first
 * failure. Its passes are as true as in order (each check judged its own connections, on a server
 * busier than in order), and it only stands if all is clean: any failure is found again, in order,
 * on a fresh server, and reported from there.
 */
async function runAttempt(shared: Shared, mode: "together" | "in-order"): Promise<Attempt> {
  const { options, command, slowMs, site, serverEnv, reference, module } = shared;
  // Each attempt has its own bound: a run in order after a slow run side by side gets its whole time.
  const started = performance.now();
  const { phase, target, signal } = options;
  const together = mode === "together";
  // Never the port of the run side by side before: a check of that run still winding down must
  // find nothing there, not this run's server.
  const port = target.kind === "port" ? target.port : await freePort(shared.usedPorts);
  shared.usedPorts.push(port);
  // Stopped from outside before this attempt began: no server is started, and every check is reported as not run.
  const server = command === null || signal?.aborted ? null : new ServerProcess({ command, cwd: options.root, env: { PORT: String(port), ...serverEnv } });

  // The time of the shared exchanges the running check reused (added to that check's own time).
  let reusedMs = 0;
  const takeReusedMs = (): number => {
    const ms = reusedMs;
    reusedMs = 0;
    return ms;
  };

  const memos = new Map<string, Promise<unknown>>();
  /** How long each shared exchange took; a check that reads one made earlier is shown taking that long too. */
  const memoMs = new Map<string, number>();
  const results: CheckResult[] = [];
  const ctx: CheckContext = {
    phase,
    target,
    rng: createRng(options.seed),
    host: "127.0.0.1",
    port,
    tryPort: options.tryPort ?? (target.kind === "port" ? target.port : 8000),
    slowMs,
    startupTimeoutMs: options.startupTimeoutMs ?? 10_000,
    browser: options.browser ?? false,
    site,
    server,
    module,
    passed: (id) => results.some((result) => result.id === id && result.status === "pass"),
    memo<T>(key: string, make: () => Promise<T>): Promise<T> {
      if (!memos.has(key)) {
        const began = performance.now();
        memos.set(
          key,
          make().finally(() => memoMs.set(key, performance.now() - began)),
        );
      } else if (memoMs.has(key)) {
        reusedMs += memoMs.get(key)!;
      }
      return memos.get(key) as Promise<T>;
    },
  };

  const stopNow = (): void => {
    module?.stop();
    void server?.stop();
  };
  signal?.addEventListener("abort", stopNow, { once: true });
  try {
    if (together) {
      options.onStart?.({ port, slowMs });
      const clean = await runTogether(phase, ctx, results, started, options.onProgress);
      await server?.stop();
      const stillClean = clean && server !== null && server.leftBehind.length === 0 && !signal?.aborted;
      if (!stillClean && process.env.LAB_DEBUG) {
        const why = results.filter((result) => result.status !== "pass" && result.status !== "skip").map((result) => `${result.number} ${result.finding?.message}`);
        console.error(`Together, not clean: ${why.join("; ") || "the server ended or left processes behind"}`);
      }
      if (stillClean) {
        // Reported only now that it stands; in the phase's order.
        const numbered = new Map(phase.checks.map((check, index) => [check.id, index]));
        results.sort((a, b) => numbered.get(a.id)! - numbered.get(b.id)!);
        for (const result of results) options.onResult?.(result);
      }
      return { results, port, clean: stillClean };
    }
    // Stopped from outside, no check runs again: nothing is said of a run again.
    if (!shared.retried) options.onStart?.({ port, slowMs });
    else if (!signal?.aborted) options.onRetry?.({ port });
    await runInOrder(shared, ctx, results, takeReusedMs, started);
  } finally {
    signal?.removeEventListener("abort", stopNow);
    await server?.stop();
  }
  if (server && server.leftBehind.length > 0) {
    // Found only once the server was stopped: a result of its own, after the phase's checks.
    const last = results.at(-1)?.number.replace(/\+$/, "") ?? `${phase.number}.0`;
    const stops: CheckResult = {
      id: "server.stops",
      number: `${last}+`,
      title: text.run.stopsTitle,
      status: "fail",
      durationMs: 0,
      finding: { message: text.run.leftRunning(server.leftBehind.map((left) => `pid ${left.pid}, ${visibleCommand(left.command)}`)) },
      hint: text.run.leftRunningHint,
    };
    results.push(stops);
    options.onResult?.(stops);
  }
  return { results, port, clean: false };
}

/**
 * The order the checks start in when they run together: first the phase's opening checks that run
 * alone (the start, the first visit: every later one leans on them); then the background checks,
 * each behind what it requires, so that their waits run beside everything else; then the other
 * checks that run alone, while the background checks are all there is beside them (a memory check
 * so measures from a lower peak than in order, never a higher one); then the long checks, so that
 * none of them is left to run last on its own; then the rest, in the phase's order. Each check
 * comes after the checks it requires.
 */
export function togetherOrder(checks: Check[]): Check[] {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const placed = new Set<string>();
  const order: Check[] = [];
  const place = (check: Check | undefined): void => {
    if (!check || placed.has(check.id)) return;
    placed.add(check.id);
    for (const id of check.requires ?? []) place(byId.get(id));
    order.push(check);
  };
  for (const check of checks) {
    if (!check.alone) break;
    place(check);
  }
  for (const check of checks) if (check.background) place(check);
  for (const check of checks) if (check.alone) place(check);
  for (const check of checks) if (check.long) place(check);
  for (const check of checks) place(check);
  return order;
}

/**
 * The checks together (see runAttempt); true if every one passed or was skipped and the server is
 * still running. A check starts once the checks it requires have their verdicts; one that runs
 * alone waits until nothing else (background checks aside) is under way, and nothing after it
 * starts before it. It stops starting checks at the first that does not pass.
 */
async function runTogether(phase: Phase, ctx: CheckContext, results: CheckResult[], started: number, onProgress?: RunOptions["onProgress"]): Promise<boolean> {
  const numbers = new Map(phase.checks.map((check, index) => [check.id, `${phase.number}.${index + 1}`]));
  const pending = togetherOrder(phase.checks);
  const finished = new Set<string>();
  const underWay = new Set<Promise<void>>();
  const background = new Set<Promise<void>>();
  let clean = true;
  const going = (): boolean => clean && ctx.server?.alive !== false && performance.now() - started <= TOGETHER_BOUND_MS;
  // Told each time a check ends: what waited for it may start.
  let ended = (): void => {};
  const nextEnd = (): Promise<void> => new Promise((resolve) => (ended = resolve));
  const ready = (check: Check): boolean => (check.requires ?? []).every((id) => finished.has(id) || !numbers.has(id));
  const run = async (check: Check): Promise<void> => {
    const number = numbers.get(check.id)!;
    const from = performance.now() - started;
    const skip = whySkip(check, ctx, results);
    const result = skip ? { id: check.id, number, title: check.title, status: "skip" as const, durationMs: 0, finding: { message: skip } } : await runCheck(check, number, ctx, { tail: false });
    // Where the time of a run together goes (LAB_DEBUG=1): what ran when, and beside what.
    if (process.env.LAB_DEBUG) console.error(`together: ${number} ${check.id} ${Math.round(from)}..${Math.round(performance.now() - started)} ms${check.alone ? " (alone)" : check.background ? " (background)" : ""}`);
    results.push(result);
    if ((result.status !== "pass" && result.status !== "skip") || ctx.server?.alive === false) clean = false;
    finished.add(check.id);
    if (clean) onProgress?.({ done: results.length, total: phase.checks.length });
  };
  /** Starts `check` among `tasks`; its end is told once it has left them. */
  const start = (check: Check, tasks: Set<Promise<void>>): void => {
    const task = run(check);
    tasks.add(task);
    void task.finally(() => {
      tasks.delete(task);
      ended();
    });
  };
  while (pending.length > 0 && going()) {
    const anEnd = nextEnd();
    let startedOne = false;
    // Past a check that runs alone and has not started, only background checks may start.
    let barred = false;
    for (let i = 0; i < pending.length && going(); i++) {
      const check = pending[i]!;
      if (check.background) {
        if (!ready(check)) continue;
        pending.splice(i--, 1);
        start(check, background);
        startedOne = true;
      } else if (barred) {
        continue;
      } else if (check.alone) {
        barred = true;
        if (underWay.size > 0 || !ready(check)) continue;
        pending.splice(i--, 1);
        await run(check);
        startedOne = true;
        barred = false;
      } else if (underWay.size < TOGETHER_AT_ONCE && ready(check)) {
        pending.splice(i--, 1);
        start(check, underWay);
        startedOne = true;
      }
    }
    if (startedOne || !going()) continue;
    // Nothing could start and nothing runs that could let it: a check waits for one that cannot come.
    if (underWay.size === 0 && background.size === 0) {
      clean = false;
      break;
    }
    await anEnd;
  }
  if (going()) await Promise.all([...underWay, ...background]);
  if (!going()) {
    clean = false;
    // The in-order run says why. What is still under way loses its server now, and is given a
    // moment to notice (its verdict is not used).
    await ctx.server?.stop();
    await Promise.race([Promise.all([...underWay, ...background]), new Promise((resolve) => setTimeout(resolve, TOGETHER_DRAIN_MS).unref())]);
  }
  return clean;
}

/** The checks one after another, each reported as it ends (see runAttempt). */
async function runInOrder(shared: Shared, ctx: CheckContext, results: CheckResult[], takeReusedMs: () => number, started: number): Promise<void> {
  const { options, slowMs, reference } = shared;
  const { phase, signal } = options;
  const server = ctx.server;
  const record = (result: CheckResult): void => {
    results.push(result);
    options.onResult?.(result);
  };
  let stopReason: string | null = null;
  const stopped = (): string => text.run.stopped(signal?.reason instanceof Error ? signal.reason.message : text.run.endedFromOutside);
  for (const [index, check] of phase.checks.entries()) {
    const number = `${phase.number}.${index + 1}`;
    if (!stopReason && signal?.aborted) stopReason = text.run.notRun(stopped());
    if (!stopReason && performance.now() - started > PHASE_BOUND_MS) {
      stopReason = text.run.phaseTooLong(PHASE_BOUND_MS / 1000);
    }
    const skip = stopReason ?? whySkip(check, ctx, results);
    if (skip) {
      record({ id: check.id, number, title: check.title, status: "skip", durationMs: 0, finding: { message: skip } });
      continue;
    }
    takeReusedMs();
    const result = await runCheck(check, number, ctx, { tail: true });
    result.durationMs += Math.round(takeReusedMs());
    if (reference && result.status === "fail" && result.finding && result.finding.reference === undefined && !signal?.aborted) {
      result.finding.reference = (await reference.answer(result.finding, slowMs)) ?? undefined;
    }
    if (signal?.aborted) {
      const why = stopped();
      record(result.status === "pass" || result.status === "skip" ? result : { ...result, status: "error", finding: { status: "error", message: `${why[0]!.toUpperCase()}${why.slice(1)}.` }, hint: undefined });
      stopReason = text.run.notRun(why);
      continue;
    }
    if (server && server.hasExited()) {
      await server.exited;
      const exit = server.exit!;
      const how = exit.signal ? text.run.endedBy(exit.signal) : text.run.exitedWith(exit.code);
      if (result.status === "pass") {
        record(result);
        record({
          id: "server.alive",
          number: `${number}+`,
          title: text.run.keepsRunning,
          status: "fail",
          durationMs: 0,
          finding: {
            message:
              exit.code === 0 ? text.run.endedOnItsOwn : text.run.endedDuringPassed(how),
          },
          hint:
            exit.code === 0 ? text.run.dontExitHint : text.run.firstErrorHint,
          serverTail: server.tail(12),
        });
      } else {
        // Unless the finding already says so (the words of text.reactions.crashed and exitedCleanly:
        // a translation that changes "crashed"/"exited" there must change this test too).
        if (check.id !== "start" && !/crashed|exited/.test(result.finding!.message)) {
          result.finding!.message += text.run.endedDuringThis(how);
          // The end of the server is the mistake to fix first, whatever the finding's own hint says about the answer it cut off.
          result.hint = exit.code === 0 ? text.run.dontExitHint : text.run.crashHint;
        }
        result.serverTail = server.tail(12);
        record(result);
      }
      stopReason = text.run.noLongerRunning(how);
      continue;
    }
    record(result);
    if (result.status !== "pass" && result.status !== "skip" && check.stopOnFail) {
      stopReason = text.run.fixFirst(number);
    }
  }
}

/** A command line as the student may read it: control bytes escaped, long ones cut. */
function visibleCommand(command: string): string {
  const shown = visible(command).replaceAll("\\n\n", "\\n");
  return shown.length > 120 ? `${shown.slice(0, 120)}…` : shown;
}

function whySkip(check: Check, ctx: CheckContext, results: CheckResult[]): string | null {
  if (check.needsModule && !ctx.module) {
    return text.run.needsModule;
  }
  if (check.needsBrowser && !ctx.browser) return text.run.needsBrowser;
  if (check.needsOutput && !ctx.server) return text.run.needsOutput;
  const unmet = (check.requires ?? []).map((id) => results.find((result) => result.id === id)).filter((result) => result && result.status !== "pass");
  if (unmet.length > 0) return text.run.needsFirst(unmet.map((result) => result!.number).join(text.run.and));
  return null;
}

async function runCheck(check: Check, number: string, ctx: CheckContext, options: { tail: boolean }): Promise<CheckResult> {
  const started = performance.now();
  let finding: Finding | null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const bound = new Promise<Finding>((resolve) => {
      timer = setTimeout(() => resolve({ message: text.run.checkTimeout(CHECK_BOUND_MS / 1000) }), CHECK_BOUND_MS);
    });
    finding = await Promise.race([check.run(ctx), bound]);
  } catch (error) {
    // A bug in the checker is not the student's fault: say so, without a stack trace.
    const message = error instanceof Error ? error.message : String(error);
    finding = { status: "error", message: text.run.checkerFailed(message) };
    if (process.env.LAB_DEBUG) console.error(error);
  } finally {
    clearTimeout(timer);
  }
  const durationMs = Math.round(performance.now() - started);
  if (!finding) return { id: check.id, number, title: check.title, status: "pass", durationMs };
  const status = finding.status ?? "fail";
  // What the server prints about the last exchange (a reset it saw, a thread's traceback) may still
  // be on its way: the tail is read once the server has closed the connections the check left (at
  // most 600 ms) and its output has been quiet for 80 ms (at most 600 ms).
  if (status !== "skip" && ctx.server && options.tail) {
    await connectionsClosed(ctx.port, 600);
    await ctx.server.settleOutput(80, 600);
  }
  return {
    id: check.id,
    number,
    title: check.title,
    status,
    durationMs,
    finding,
    hint: status === "skip" ? undefined : (finding.hint ?? check.hints[0]),
    // A check that only calls the student's functions has nothing to do with the server's output.
    serverTail: status === "skip" || check.needsModule ? undefined : ctx.server?.tail(12),
  };
}
