/** Phase 5: slow handlers must not make clients wait for each other, and counts stay exact. */
import type { Check, CheckContext, Finding } from "../types.ts";
import { ask, evidence, getRequest, randomPath, type Asked } from "./common.ts";
import { countedView, view } from "./counter.ts";

/** A server that serves together answers N clients in about 1 SLOW_MS; one at a time needs N. */
const CLIENTS = 5;
const CONCURRENT_LIMIT = 2.5;

interface Together {
  asked: Asked[];
  /** When each client had its whole response, from the moment all were sent; null if never. */
  doneAtMs: Array<number | null>;
}

async function together(ctx: CheckContext): Promise<Together> {
  const started = performance.now();
  const limit = CONCURRENT_LIMIT * ctx.slowMs;
  const doneAtMs: Array<number | null> = [];
  const asked = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const result = await ask(ctx, [{ data: getRequest(randomPath(ctx)) }], { timeoutMs: limit + 500 });
      // Answered: a whole response came, or the server closed after sending something.
      doneAtMs[i] = result.result.received.length > 0 && !result.result.timedOut ? performance.now() - started : null;
      return result;
    }),
  );
  return { asked, doneAtMs };
}

export const threadsSlow: Check = {
  id: "threads.slow",
  title: "every request still takes SLOW_MS (the slowness is kept, not removed)",
  hints: [
    "The wait stands for real slow work, so it must stay: make it stop blocking other clients instead of deleting it.",
    "await setTimeout(SLOW_MS) from node:timers/promises waits without blocking; or run the blocking work in a worker thread.",
    "Replace blockFor(SLOW_MS) with await setTimeout(SLOW_MS), in a handler declared async.",
  ],
  async run(ctx) {
    const { asked } = await ctx.memo("threads.together", () => together(ctx));
    const tooFast = asked.find((a) => a.response && a.result.replyMs < ctx.slowMs - 50);
    if (tooFast) {
      return {
        message: `A request was answered in ${tooFast.result.replyMs} ms, but the server was started with SLOW_MS=${ctx.slowMs}: the slow part is gone.`,
        expected: `every answer to take at least ${ctx.slowMs} ms`,
        ...evidence(ctx, tooFast),
      };
    }
    return null;
  },
};

export const threadsConcurrent: Check = {
  id: "threads.concurrent",
  title: `serves ${CLIENTS} clients at the same time`,
  stopOnFail: true,
  hints: [
    "While blockFor runs, the event loop can do nothing else: the other clients' connections wait in the kernel's queue until it ends. Replace the blocking wait with one that lets the loop go on: await setTimeout(ms).",
    "Make the request handler async and await the wait; the count and the response come after it. Work that must block goes to a worker thread (node:worker_threads).",
    "import { setTimeout } from \"node:timers/promises\"; async function handle(...) { const page = route(path); await setTimeout(SLOW_MS); socket.end(page); }",
  ],
  async run(ctx) {
    const { asked, doneAtMs } = await ctx.memo("threads.together", () => together(ctx));
    const limit = CONCURRENT_LIMIT * ctx.slowMs;
    const times = doneAtMs.map((ms) => (ms === null ? Infinity : ms));
    const inTime = times.filter((ms) => ms <= limit).length;
    if (inTime === CLIENTS) return null;
    const timeline = times.map((ms, i) => `client ${i + 1}: ${Number.isFinite(ms) ? `answer after ${(ms / 1000).toFixed(1)} s` : "no answer"}`);
    return {
      message:
        `${CLIENTS} clients sent a request at the same moment; each request takes SLOW_MS=${ctx.slowMs} ms. ` +
        `After ${(limit / 1000).toFixed(1)} s, only ${inTime} of them had an answer: your server serves one client at a time.\n` +
        `   ${timeline.join("\n   ")}`,
      sent: asked[0]?.result.sent,
      expected: `all ${CLIENTS} answers after about ${(ctx.slowMs / 1000).toFixed(1)} s`,
      tryIt: `for i in 1 2 3; do (printf 'GET / HTTP/1.1\\r\\n\\r\\n' | nc 127.0.0.1 ${ctx.tryPort} &); done   (with SLOW_MS=5000, as in the lesson)`,
    };
  },
};

const BURST = 50;

export const threadsBurst: Check = {
  id: "threads.burst",
  title: `counts exactly under load (${BURST} visits at once give ${BURST} different counts)`,
  requires: ["threads.concurrent"],
  hints: [
    "Read and update the counter with no await in between: visits += 1 and keep that value for this response, before the slow part.",
    "If you count in a worker thread, each worker has its own copy of every variable: keep the counter in the main thread.",
    "const { status, body } = route(path);  // counts and builds the page now\nawait setTimeout(SLOW_MS);           // then wait\nsocket.end(generateResponse(body, status));",
  ],
  async run(ctx) {
    const first = await countedView(ctx);
    if ("finding" in first) return first.finding;
    const start = first.view.count!;
    const views = await Promise.all(
      Array.from({ length: BURST }, () => ask(ctx, [{ data: getRequest("/") }], { timeoutMs: 3 * ctx.slowMs + 5000 })),
    );
    const counts = views.map((asked) => {
      const match = asked.response ? /accessed\s+(\d+)\s+times?/i.exec(asked.response.body.toString("utf8")) : null;
      return match ? Number(match[1]) : null;
    });
    const missing = counts.filter((count) => count === null).length;
    if (missing > 0) {
      const bad = views[counts.indexOf(null)]!;
      return { message: `${missing} of ${BURST} visits at once got no page with a count.`, ...evidence(ctx, bad) } satisfies Finding;
    }
    const expected = Array.from({ length: BURST }, (_, i) => start + 1 + i);
    const got = (counts as number[]).slice().sort((a, b) => a - b);
    const repeated = [...new Set(got.filter((count, i) => got.indexOf(count) !== i))];
    const after = await view(ctx, "/");
    const wrong = repeated.length > 0 || got.join() !== expected.join() || after.count !== start + BURST + 1;
    if (!wrong) return null;
    const times = (count: number): number => got.filter((c) => c === count).length;
    return {
      message:
        `Before ${BURST} visits at once the count was ${start}. The visits showed ` +
        (repeated.length > 0
          ? `${new Set(got).size} different counts: ${repeated.slice(0, 3).map((c) => `${c} was shown ${times(c)} times`).join(", ")}. `
          : `the counts ${got[0]}..${got.at(-1)}. `) +
        `The next visit shows ${after.count}.`,
      expected: `the counts ${start + 1}..${start + BURST}, each once, then ${start + BURST + 1}`,
      hint: repeated.length > 0 ? this.hints[0] : undefined,
    };
  },
};
