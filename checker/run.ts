/**
 * Runs one phase: start the server, run its checks in order, stop the server, and return the
 * results. It prints nothing itself; the report module turns the results into words.
 */
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { ModuleCaller } from "./module-caller.ts";
import { createRng } from "./rng.ts";
import { ServerProcess } from "./server-process.ts";
import type { Check, CheckContext, CheckResult, Finding, Phase, RunReport, Target } from "./types.ts";

export const DEFAULT_SLOW_MS = 1000;
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
  /**
   * Stops the run from outside (a grader's time bound): the server is stopped at once, the check
   * under way counts as an error unless it passed, and the checks left are reported as not run.
   */
  signal?: AbortSignal;
  /** Called once the port is chosen, before the first check. */
  onStart?: (info: { port: number; slowMs: number }) => void;
  onResult?: (result: CheckResult) => void;
}

export function freePort(): Promise<number> {
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
    throw new UsageError(
      `${target.label} does not exist. The checker grades that file: it is the phase's skeleton, which you edit. ` +
        `If you moved or deleted it, \`git checkout -- ${target.label}\` brings the skeleton back.`,
    );
  }
  return [process.execPath, "--import", import.meta.resolve("tsx"), path.relative(root, target.file)];
}

export async function runPhase(options: RunOptions): Promise<RunReport> {
  const { phase, target, root } = options;
  const started = performance.now();
  const command = serverCommand(target, root);
  const port = target.kind === "port" ? target.port : await freePort();
  const slowMs = phase.env ? (options.slowMs ?? DEFAULT_SLOW_MS) : 0;

  const server =
    command === null
      ? null
      : new ServerProcess({
          command,
          cwd: root,
          env: {
            PORT: String(port),
            ...(phase.env?.({ slowMs }) ?? {}),
            // Python buffers print() when its output is a pipe; the checker must see it at once.
            PYTHONUNBUFFERED: "1",
            NO_COLOR: "1",
          },
        });
  const module = target.kind === "file" && phase.checks.some((check) => check.needsModule) ? new ModuleCaller(target.file, undefined, root) : null;
  module?.start();

  const memos = new Map<string, Promise<unknown>>();
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
    server,
    module,
    passed: (id) => results.some((result) => result.id === id && result.status === "pass"),
    memo<T>(key: string, make: () => Promise<T>): Promise<T> {
      if (!memos.has(key)) memos.set(key, make());
      return memos.get(key) as Promise<T>;
    },
  };

  options.onStart?.({ port, slowMs });
  const record = (result: CheckResult): void => {
    results.push(result);
    options.onResult?.(result);
  };
  let stopReason: string | null = null;
  const { signal } = options;
  const stopNow = (): void => {
    module?.stop();
    void server?.stop();
  };
  signal?.addEventListener("abort", stopNow, { once: true });
  const stopped = (): string => `the run was stopped: ${signal?.reason instanceof Error ? signal.reason.message : "it was ended from outside"}`;

  try {
    for (const [index, check] of phase.checks.entries()) {
      const number = `${phase.number}.${index + 1}`;
      if (!stopReason && signal?.aborted) stopReason = `not run: ${stopped()}`;
      if (!stopReason && performance.now() - started > PHASE_BOUND_MS) {
        stopReason = `not run: the phase took longer than ${PHASE_BOUND_MS / 1000} s, and the checker stopped there`;
      }
      const skip = stopReason ?? whySkip(check, ctx, results);
      if (skip) {
        record({ id: check.id, number, title: check.title, status: "skip", durationMs: 0, finding: { message: skip } });
        continue;
      }
      const result = await runCheck(check, number, ctx);
      if (signal?.aborted) {
        const why = stopped();
        record(result.status === "pass" || result.status === "skip" ? result : { ...result, status: "error", finding: { status: "error", message: `${why[0]!.toUpperCase()}${why.slice(1)}.` }, hint: undefined });
        stopReason = `not run: ${why}`;
        continue;
      }
      if (server && server.hasExited()) {
        await server.exited;
        const exit = server.exit!;
        const how = exit.signal ? `was ended by ${exit.signal}` : `exited with code ${exit.code}`;
        if (result.status === "pass") {
          record(result);
          record({
            id: "server.alive",
            number: `${number}+`,
            title: "keeps running",
            status: "fail",
            durationMs: 0,
            finding: {
              message:
                exit.code === 0
                  ? "Your server ended on its own (exit code 0) during the check above, which it passed."
                  : `Your server ${how} during the check above (which it passed). Its output below shows why.`,
            },
            hint:
              exit.code === 0
                ? "A server must keep running between clients: don't call process.exit() or server.close()."
                : "A server must keep running between clients: look at the first error line in its output.",
            serverTail: server.tail(12),
          });
        } else {
          if (check.id !== "start" && !/crashed|exited/.test(result.finding!.message)) {
            result.finding!.message += ` Your server ${how} during this check; its output below shows why.`;
          }
          result.serverTail = server.tail(12);
          record(result);
        }
        stopReason = `not run: the server is no longer running (it ${how})`;
        continue;
      }
      record(result);
      if (result.status !== "pass" && result.status !== "skip" && check.stopOnFail) {
        stopReason = `not run: fix ${number} first (the checks after it depend on it)`;
      }
    }
  } finally {
    signal?.removeEventListener("abort", stopNow);
    module?.stop();
    await server?.stop();
  }
  return { phase, target, seed: options.seed, port, slowMs, browser: ctx.browser, results, durationMs: Math.round(performance.now() - started) };
}

function whySkip(check: Check, ctx: CheckContext, results: CheckResult[]): string | null {
  if (check.needsModule && !ctx.module) {
    return "not run: it calls the functions of your TypeScript file, which the checker can only do when it grades a phase file (not with --cmd or --port)";
  }
  if (check.needsBrowser && !ctx.browser) return "not run: it drives a real browser; add --browser to run it";
  if (check.needsOutput && !ctx.server) return "not run: the checker cannot see what a server you started yourself prints (--port)";
  const unmet = (check.requires ?? []).map((id) => results.find((result) => result.id === id)).filter((result) => result && result.status !== "pass");
  if (unmet.length > 0) return `not run: needs ${unmet.map((result) => result!.number).join(" and ")} to pass first`;
  return null;
}

async function runCheck(check: Check, number: string, ctx: CheckContext): Promise<CheckResult> {
  const started = performance.now();
  let finding: Finding | null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const bound = new Promise<Finding>((resolve) => {
      timer = setTimeout(() => resolve({ message: `The check did not finish within ${CHECK_BOUND_MS / 1000} s; the checker gave up waiting.` }), CHECK_BOUND_MS);
    });
    finding = await Promise.race([check.run(ctx), bound]);
  } catch (error) {
    // A bug in the checker is not the student's fault: say so, without a stack trace.
    const message = error instanceof Error ? error.message : String(error);
    finding = { status: "error", message: `The checker itself failed in this check (${message}). This is a bug in the lab; please report it with the seed below.` };
    if (process.env.LAB_DEBUG) console.error(error);
  } finally {
    clearTimeout(timer);
  }
  const durationMs = Math.round(performance.now() - started);
  if (!finding) return { id: check.id, number, title: check.title, status: "pass", durationMs };
  const status = finding.status ?? "fail";
  // What the server prints about the last exchange (a reset it saw, say) may still be on its way.
  if (status !== "skip" && ctx.server) await new Promise((resolve) => setTimeout(resolve, 80));
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
