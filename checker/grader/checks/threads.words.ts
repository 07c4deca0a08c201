/**
 * The words of phase 5 (threads): the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

/** Phase 5 sends this many clients at once, and then this many visits at once (threads.ts reads them here). */
export const CLIENTS = 5;
export const BURST = 50;

/** Phase 5 (checks/threads.ts). */
export const threadsWords = {
  tooFast: (ms: number, slowMs: number) =>
    `A request was answered in ${ms} ms, but the server was started with SLOW_MS=${slowMs}: the slow part is gone.`,
  tooFastExpected: (slowMs: number) => `every answer to take at least ${slowMs} ms`,
  timelineClient: (client: number) => `client ${client}`,
  timelineAnswer: (seconds: string) => `answered after ${seconds} s`,
  timelineNoAnswer: (seconds: string) => `no answer within ${seconds} s`,
  oneAtATime: (clients: number, slowMs: number, seconds: string, inTime: number) =>
    `${clients} clients sent a request at the same moment; each request takes SLOW_MS=${slowMs} ms. ` +
    `After ${seconds} s, only ${inTime} of them had an answer: your server serves one client at a time.\n`,
  oneAtATimeExpected: (clients: number, seconds: string) => `all ${clients} answers after about ${seconds} s`,
  oneAtATimeTryIt: (tryIt: string) => `${tryIt}   (with SLOW_MS=5000, as in the lesson)`,
  noCount: (missing: number, burst: number) => `${missing} of ${burst} visits at once got no page with a count.`,
  unanswered: (missing: number, burst: number, seconds: number, connected: number) =>
    `${missing} of ${burst} visits at once got no answer within ${seconds} s` +
    `${connected < burst ? ` (${burst - connected} of them could not even connect)` : ""}. ` +
    "That is not a counting mistake: those visits never reached your code. ",
  smallBacklog: (backlog: number) =>
    `Your server listens with a backlog of ${backlog} (ss -ltn shows it): the kernel queues at most that many connections ` +
    "your server has not accepted yet, drops the handshakes of the others, and TCP tries those again only after 1, 3, 7 s and more.",
  smallBacklogHint:
    "Give listen() room for a burst: in Node, server.listen(port, host) already queues 511 (a backlog as third argument lowers it); in Python, sock.listen(128), not the seed's listen(5).",
  stuckUnderLoad:
    "Your server accepted the connections but did not answer them all: a thread or a handler that never finishes under load, or an error that only shows when many requests come at once.",
  stuckUnderLoadHint: "Look at your server's output below for an error, and make sure every request ends in an answer, even when many arrive at once.",
  burstTryIt: (port: number) => `for i in $(seq 50); do echo "$(printf 'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' | nc 127.0.0.1 ${port} | tail -n 1)" & done; wait`,
  countBefore: (burst: number, start: number) => `Before ${burst} visits at once the count was ${start}. The visits showed `,
  // Worded so that it reads right for any number: timing decides it (and the records mask it).
  repeatedCounts: (different: number, repeats: string) => `the same count more than once: ${repeats} (different counts in all: ${different}). `,
  shownTimes: (count: number, times: number) => `${count} was shown ${times} times`,
  countRange: (from: number | undefined, to: number | undefined) => `the counts ${from}..${to}. `,
  nextVisit: (count: number | null | undefined) => `The next visit shows ${count}.`,
  burstExpected: (from: number, to: number, next: number) => `the counts ${from}..${to}, each once, then ${next}`,
};

export const threadsChecks = {
  "threads.slow": check("every request still takes SLOW_MS (the slowness is kept, not removed)", [
    "The wait stands for real slow work, so it must stay: make it stop blocking other clients instead of deleting it.",
    "await setTimeout(SLOW_MS) from node:timers/promises waits without blocking; or run the blocking work in a worker thread.",
    "Replace blockFor(SLOW_MS) with await setTimeout(SLOW_MS), in a handler declared async.",
  ]),
  "threads.slow-route": check("GET /slow still takes SLOW_MS (the slowness is kept, not removed)", [
    "GET /slow waits SLOW_MS before it answers: it stands for a slow database query, and 6.16 checks that the server serves others meanwhile.",
    "The /slow handler awaits the timer (await setTimeout(SLOW_MS) from node:timers/promises) before it returns its reply.",
    "route(\"GET\", \"/slow\", async () => { await setTimeout(SLOW_MS); return { status: 200, body: \"<h1>Slow</h1>\" }; });",
  ]),
  "threads.concurrent": check(`serves ${CLIENTS} clients at the same time`, [
    "While blockFor runs, the event loop can do nothing else: the other clients' connections wait in the kernel's queue until it ends. Replace the blocking wait with one that lets the loop go on: await setTimeout(ms).",
    "Make the request handler async and await the wait; the count and the response come after it. Work that must block goes to a worker thread (node:worker_threads).",
    "import { setTimeout } from \"node:timers/promises\"; async function handle(...) { const page = route(path); await setTimeout(SLOW_MS); socket.end(page); }",
  ]),
  "threads.burst": check(`counts exactly under load (${BURST} visits at once give ${BURST} different counts)`, [
    "Read and update the counter with no await in between: visits += 1 and keep that value for this response, before the slow part.",
    "If you count in a worker thread, each worker has its own copy of every variable: keep the counter in the main thread.",
    "const { status, body } = route(path);  // counts and builds the page now\nawait setTimeout(SLOW_MS);           // then wait\nsocket.end(generateResponse(body, status));",
  ]),
};
