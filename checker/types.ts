/** The shapes that flow through the checker: phase -> checks -> results -> report. */
import type { Rng } from "./grader/rng.ts";
import type { ServerProcess } from "./grader/server-process.ts";
import type { ModuleCaller } from "./grader/module-caller.ts";
import type { Rule } from "./grader/http-rules.ts";
import type { Site } from "./grader/site.ts";

export type Status = "pass" | "fail" | "error" | "skip";

/** What the student is graded on. */
export type Target =
  | { kind: "file"; file: string; label: string }
  | { kind: "cmd"; command: string }
  | { kind: "port"; port: number };

/** What a check found wrong, with the evidence a beginner needs to see it for themselves. */
export interface Finding {
  /** "fail": it ran and answered wrongly. "error": it never ran properly. "skip": cannot be checked here. */
  status?: "fail" | "error" | "skip";
  message: string;
  sent?: Buffer | string;
  received?: Buffer;
  /** How the exchange ended, said in words: "then the server closed the connection". */
  receivedNote?: string;
  /** What the reference solution answers to the same bytes (--compare; run.ts fills it in). */
  reference?: Buffer;
  /** Whose answer `reference` is, when a check shows one of its own (phase 15: the app under @hono/node-server). */
  referenceNote?: string;
  /** `sent` is a summary, not the bytes (an endless head), or the answer is too big to show: no reference. */
  noReference?: boolean;
  expected?: string;
  /** The rule the server broke: an RFC section with MUST/SHOULD, or the lab's own rule and why. */
  rule?: Rule;
  /** Overrides the check's own first hint when the mistake is a specific one. */
  hint?: string;
  /** A command line that repeats the request by hand. */
  tryIt?: string;
}

export interface Check {
  id: string;
  title: string;
  /** From a nudge to the near-answer; the report shows the first. */
  hints: string[];
  /** Calls the student's exported functions: needs a TypeScript file, not --cmd or --port. */
  needsModule?: boolean;
  /** Reads the server's printed output: not possible with --port. */
  needsOutput?: boolean;
  /** Drives a real browser: runs only with --browser. */
  needsBrowser?: boolean;
  /** Ids of checks that must pass first; otherwise this one is skipped. */
  requires?: string[];
  /** Later checks mean nothing if this one fails. */
  stopOnFail?: boolean;
  /**
   * Runs with no other check at once, even when the run tries the checks together (run.ts): its
   * verdict leans on more than its own bytes (the page's count, the server's memory, how long
   * five clients take together), or later checks lean on it.
   */
  alone?: boolean;
  /**
   * Spends most of its time waiting on the clock (the server's deadlines, a stream's pace) and
   * asks little of the server, with no page count: when the run tries the checks together, it
   * starts as early as the checks it requires let it and runs beside every other, even one alone.
   */
  background?: boolean;
  /**
   * Takes half a second or more on a correct server (it waits on a deadline of the server's or a
   * slow route): when the run tries the checks together, it starts ahead of the quick ones, so
   * that it does not come last and keep the whole run waiting.
   */
  long?: boolean;
  /** Returns null when the check passes. */
  run(ctx: CheckContext): Promise<Finding | null>;
}

export interface Phase {
  number: number;
  slug: string;
  title: string;
  /** The folder of the lesson and skeleton, relative to the lab's root. */
  dir: string;
  /** The reference solution, relative to the lab's root. */
  solution: string;
  /** A pristine copy of the skeleton (phases/<n>/server.ts as shipped), for `npm run lab -- reset`. */
  skeleton: string;
  /** Environment for the server beyond PORT (phase 5 sets SLOW_MS, phase 9 WEB_ROOT). */
  env?: (ctx: { slowMs: number; site: Site | null }) => Record<string, string>;
  /** The run makes a fresh folder of files for the server to serve (WEB_ROOT). */
  site?: boolean;
  checks: Check[];
}

export interface CheckContext {
  phase: Phase;
  target: Target;
  rng: Rng;
  /** Where the server listens (set by the start check). */
  host: string;
  port: number;
  /** The port to put in "try it" lines: the student's own server, not the checker's random one. */
  tryPort: number;
  slowMs: number;
  /** How long the server may take to start listening. */
  startupTimeoutMs: number;
  /** The process we started, or null when grading a server started by the student (--port). */
  server: ServerProcess | null;
  /** Calls the student's exported functions, or null when there is no TypeScript file to import. */
  module: ModuleCaller | null;
  /** The files the server serves, made for this run; null when the phase has none, or with --port. */
  site: Site | null;
  /** Whether this run drives a real browser too (--browser). */
  browser: boolean;
  /** Whether the check with this id has run and passed. */
  passed(id: string): boolean;
  /** Runs `make` once per key and shares the result between checks (one exchange, several verdicts). */
  memo<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export interface CheckResult {
  id: string;
  number: string;
  title: string;
  status: Status;
  durationMs: number;
  finding?: Finding;
  /** The first hint, or the finding's own. */
  hint?: string;
  /** The last lines the server printed when the check ended. */
  serverTail?: string[];
}

export interface RunReport {
  phase: Phase;
  target: Target;
  seed: number;
  port: number;
  slowMs: number;
  /** Whether the checks that drive a real browser were run (--browser). */
  browser?: boolean;
  results: CheckResult[];
  durationMs: number;
  /** The folder of files of this run, kept after a failure so the "try it" lines find its files. */
  keptWebRoot?: string;
}
