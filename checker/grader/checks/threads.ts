/** Phase 5: slow handlers must not make clients wait for each other, and counts stay exact. */
import type { Check, CheckContext, Finding } from "../../types.ts";
import { BURST, CLIENTS, text } from "../../text.ts";
import { listenBacklog } from "../server-process.ts";
import { ask, evidence, getRequest, randomPath, type Asked } from "./common.ts";
import { countedView, view } from "./counter.ts";

/** A server that serves together answers N (CLIENTS) clients in about 1 SLOW_MS; one at a time needs N. */
const CONCURRENT_LIMIT = 2.5;

/**
 * How long a visit of the burst may take to get in, beyond the slow part. A server with a small
 * listen backlog has no room in the kernel's queue for most of 50 connections at once: the kernel
 * drops the handshakes it cannot queue, and TCP retries them after 1, 3 and 7 s. A correct server
 * answers those too, only late, so the check waits for them.
 */
const BURST_GRACE_MS = 16_000;

interface Together {
  asked: Asked[];
  /** When each client's request went out, from the start. */
  sentAtMs: number[];
  /** When each client had its whole response, from the start; null if never. */
  doneAtMs: Array<number | null>;
  /** How long the clients waited. */
  waitedMs: number;
  /**
   * How many of the requests the server had read (its "path:" lines) when the first answer came;
   * null when its output cannot be seen, or it prints no path lines.
   */
  readEarly: number | null;
  /**
   * How many it had read when the second answer came (the first, if only one came): a server that
   * queues its requests has read them all by then, even when a busy machine is slow to run it; one
   * that blocks has read two or three. Null as readEarly is.
   */
  readBySecond: number | null;
}

/**
 * How many "path:" lines a server printed. Threads print at once, and Python's print writes a
 * line's text and its line end apart, so one thread's line can land inside another's:
 * "Connection received from 127.0.0.1:54936path: /a". So each "path:" counts, wherever it stands.
 */
function pathsPrinted(lines: string[]): number {
  return lines.reduce((count, line) => count + (line.match(/path:/gi)?.length ?? 0), 0);
}

async function together(ctx: CheckContext): Promise<Together> {
  const started = performance.now();
  const limit = CONCURRENT_LIMIT * ctx.slowMs;
  const doneAtMs: Array<number | null> = [];
  const sentAtMs: number[] = [];
  const mark = ctx.server?.mark() ?? 0;
  const pathLines = (): number => (ctx.server ? pathsPrinted(ctx.server.outputSince(mark)) : 0);
  // When the first answer comes, a server that blocks has read one request (two, if it took the
  // next at once), one that serves together or queues them has read them all, SLOW_MS earlier. An
  // event, not a moment on the clock: on a busy machine a fixed moment can come before the reads.
  let readEarly: number | null = null;
  let readBySecond: number | null = null;
  let answers = 0;
  const asked = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      // From phase 6 on only GET /slow is slow: the check goes on holding the server to phase 5's lesson there.
      const path = ctx.phase.number >= 6 ? "/slow" : randomPath(ctx);
      const result = await ask(ctx, [{ data: getRequest(path) }], { timeoutMs: limit + 500 });
      const connection = result.result.connection;
      sentAtMs[i] = (connection ? connection.startedAt - started : 0) + result.result.lastSentAtMs;
      // Answered: a whole response came, or the server closed after sending something.
      doneAtMs[i] = result.result.received.length > 0 && !result.result.timedOut ? performance.now() - started : null;
      if (doneAtMs[i] !== null) {
        answers += 1;
        readEarly ??= pathLines();
        if (answers <= 2) readBySecond = pathLines();
      }
      return result;
    }),
  );
  // Only a server that prints a path line for each request tells, by its lines, what it had read.
  const printsPaths = pathLines() >= CLIENTS;
  return { asked, sentAtMs, doneAtMs, waitedMs: limit + 500, readEarly: printsPaths ? readEarly : null, readBySecond: printsPaths ? readBySecond : null };
}

/**
 * Why clients were answered one after another: what the run showed, and the causes that fit it,
 * most likely first. "One at a time" has several causes that look alike on a time line.
 */
function oneAtATimeCause(ctx: CheckContext, run: Together): { says: string; hint: string } {
  const words = text.threads.cause;
  // Connections the server ended, without a byte, before the checker gave up on them.
  const turnedAway = run.asked.filter((a) => a.result.received.length === 0 && (a.result.ending === "server-closed" || a.result.ending === "server-reset")).length;
  if (turnedAway > 0) return { says: words.turnedAway(turnedAway, CLIENTS), hint: words.turnedAwayHint };
  if (run.readBySecond !== null && run.readBySecond >= CLIENTS) return { says: words.queued(CLIENTS), hint: words.queuedHint };
  // Only phase 5's skeleton has a blockFor to name.
  const blockFor = ctx.phase.number === 5;
  if (run.readEarly !== null && run.readEarly <= 2) return { says: words.blocked(blockFor), hint: text.checks["threads.concurrent"].hints[0]! };
  return { says: words.unknown(blockFor), hint: text.checks["threads.concurrent"].hints[0]! };
}

/**
 * The clients on a time line, a row each from when its request went out to when its answer came,
 * so that "one after another" is seen: a staircase, where a server that serves together draws
 * rows of one length.
 */
export function drawTimeline(sentAtMs: number[], doneAtMs: Array<number | null>, waitedMs: number): string[] {
  const width = 40;
  // A fixed scale (the wait), so that the axis reads the same on every run; a late answer is drawn at its end.
  const end = waitedMs;
  const column = (ms: number): number => Math.max(0, Math.min(width, Math.round((ms / end) * width)));
  const label = "client 9  ".length;
  const step = end <= 8000 ? 1000 : end <= 16_000 ? 2000 : 5000;
  let axis = "";
  for (let ms = 0; ms <= end; ms += step) {
    const at = column(ms);
    axis = axis.padEnd(at) + `${ms / 1000} s`;
  }
  const rows = doneAtMs.map((done, i) => {
    const from = column(sentAtMs[i] ?? 0);
    const bar = done === null ? "━".repeat(Math.max(0, width - from)) + "┄" : "━".repeat(Math.max(0, column(done) - from - 1)) + "●";
    const note = done === null ? text.threads.timelineNoAnswer((waitedMs / 1000).toFixed(1)) : text.threads.timelineAnswer((done / 1000).toFixed(1));
    return `${text.threads.timelineClient(i + 1).padEnd(label)}${" ".repeat(from)}${bar.padEnd(width - from + 1)} ${note}`;
  });
  return [" ".repeat(label) + axis, ...rows];
}

export const threadsSlow: Check = {
  id: "threads.slow",
  alone: true,
  ...text.checks["threads.slow"],
  async run(ctx) {
    const { asked } = await ctx.memo("threads.together", () => together(ctx));
    const tooFast = asked.find((a) => a.response && a.result.replyMs < ctx.slowMs - 50);
    if (tooFast) {
      return {
        message: text.threads.tooFast(tooFast.result.replyMs, ctx.slowMs),
        expected: text.threads.tooFastExpected(ctx.slowMs),
        ...evidence(ctx, tooFast),
      };
    }
    return null;
  },
};

/**
 * From phase 6 on, only GET /slow is slow, and it counts no visit: the same checks, named for that
 * route, and in the background of a run side by side (run.ts), where their wait on the server's
 * timers runs beside the other checks. There a server kept busy by those may answer late: a finding
 * sends the run in order, where they run alone, as in phase 5.
 */
export const threadsSlowRoute: Check = { ...threadsSlow, id: "threads.slow-route", ...text.checks["threads.slow-route"], alone: false, background: true };

export const threadsConcurrent: Check = {
  id: "threads.concurrent",
  alone: true,
  ...text.checks["threads.concurrent"],
  stopOnFail: true,
  async run(ctx) {
    const run = await ctx.memo("threads.together", () => together(ctx));
    const { asked, sentAtMs, doneAtMs, waitedMs } = run;
    const limit = CONCURRENT_LIMIT * ctx.slowMs;
    const times = doneAtMs.map((ms) => (ms === null ? Infinity : ms));
    const inTime = times.filter((ms) => ms <= limit).length;
    if (inTime === CLIENTS) return null;
    const timeline = drawTimeline(sentAtMs, doneAtMs, waitedMs);
    const cause = oneAtATimeCause(ctx, run);
    return {
      message: text.threads.oneAtATime(CLIENTS, ctx.slowMs, (limit / 1000).toFixed(1), inTime) + cause.says + `\n   ${timeline.join("\n   ")}`,
      sent: asked[0]?.result.sent,
      expected: text.threads.oneAtATimeExpected(CLIENTS, (ctx.slowMs / 1000).toFixed(1)),
      hint: cause.hint,
      // From phase 6 on only /slow is slow, and from phase 7 on a request without Host is refused.
      tryIt: text.threads.oneAtATimeTryIt(
        `for i in 1 2 3; do (printf 'GET ${ctx.phase.number >= 6 ? "/slow" : "/"} HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n' | nc 127.0.0.1 ${ctx.tryPort} &); done`,
      ),
    };
  },
};

export const threadsBurst: Check = {
  id: "threads.burst",
  alone: true,
  ...text.checks["threads.burst"],
  requires: ["threads.concurrent"],
  async run(ctx) {
    const first = await countedView(ctx);
    if ("finding" in first) return first.finding;
    const start = first.view.count!;
    const waitMs = 3 * ctx.slowMs + BURST_GRACE_MS;
    // The visits start a few milliseconds apart, all within a quarter of SLOW_MS: every one is still
    // in the server's slow part when the last arrives (so a count that is read, awaited and written
    // back loses updates), but they do not all knock in the same microsecond, which a server with
    // the seed's listen(5) could only meet by luck (the kernel drops what its queue cannot hold).
    const spacingMs = Math.min(5, ctx.slowMs / (4 * BURST));
    const views = await Promise.all(
      Array.from({ length: BURST }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * spacingMs));
        return ask(ctx, [{ data: getRequest("/") }], { timeoutMs: waitMs, connectTimeoutMs: BURST_GRACE_MS });
      }),
    );
    // A visit that was never answered never reached the counter: that is not a counting mistake.
    const unanswered = views.filter((asked) => !asked.response);
    if (unanswered.length > 0) {
      const connected = views.length - views.filter((asked) => asked.result.connectError).length;
      const backlog = listenBacklog(ctx.port);
      return {
        message:
          text.threads.unanswered(unanswered.length, BURST, Math.round(waitMs / 1000), connected) +
          (backlog !== null && backlog < BURST ? text.threads.smallBacklog(backlog) : text.threads.stuckUnderLoad),
        hint: backlog !== null && backlog < BURST ? text.threads.smallBacklogHint : text.threads.stuckUnderLoadHint,
        ...evidence(ctx, unanswered[0]!),
        tryIt: text.threads.burstTryIt(ctx.tryPort),
      } satisfies Finding;
    }
    const counts = views.map((asked) => {
      const match = /accessed\s+(\d+)\s+times?/i.exec(asked.response!.body.toString("utf8"));
      return match ? Number(match[1]) : null;
    });
    const missing = counts.filter((count) => count === null).length;
    if (missing > 0) {
      const bad = views[counts.indexOf(null)]!;
      return { message: text.threads.noCount(missing, BURST), ...evidence(ctx, bad) } satisfies Finding;
    }
    const expected = Array.from({ length: BURST }, (_, i) => start + 1 + i);
    const got = (counts as number[]).slice().sort((a, b) => a - b);
    const repeated = [...new Set(got.filter((count, i) => got.indexOf(count) !== i))];
    const after = await view(ctx, "/");
    const wrong = repeated.length > 0 || got.join() !== expected.join() || after.count !== start + BURST + 1;
    if (!wrong) return null;
    const times = (count: number): number => got.filter((c) => c === count).length;
    const cause = repeated.length > 0 ? repeatedCause(start, got) : null;
    return {
      message:
        text.threads.countBefore(BURST, start) +
        (repeated.length > 0
          ? text.threads.repeatedCounts(new Set(got).size, repeated.slice(0, 3).map((c) => text.threads.shownTimes(c, times(c))).join(", "))
          : text.threads.countRange(got[0], got.at(-1))) +
        text.threads.nextVisit(after.count) +
        (cause ? ` ${cause.says}` : ""),
      expected: text.threads.burstExpected(start + 1, start + BURST, start + BURST + 1),
      hint: cause?.hint,
    };
  },
};

/**
 * Visits at once that showed the same count: which way it was lost, from the counts they showed.
 * All of them one more than before: each read the count before its wait and wrote it back after.
 * All of them the count after the last: the page was built after the wait, from the count as it
 * was then. All of them 1: each counted on a copy of its own (a worker's).
 */
function repeatedCause(start: number, got: number[]): { says: string; hint: string } {
  const words = text.threads.repeated;
  const hints = text.checks["threads.burst"].hints;
  const all = (count: number): boolean => got.every((c) => c === count);
  if (all(1) && start >= 1) return { says: words.allOne, hint: text.counter.change.afreshHintTogether };
  if (all(start + 1)) return { says: words.allReadBefore, hint: hints[0]! };
  if (all(start + BURST)) return { says: words.allShowLast, hint: words.allShowLastHint };
  return { says: words.mixed, hint: hints[0]! };
}

/** threads.concurrent from phase 6 on (see threadsSlowRoute). */
export const threadsConcurrentRoute: Check = { ...threadsConcurrent, alone: false, background: true };
