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
    `After ${seconds} s, only ${inTime} of them had an answer: your server serves one client at a time. `,
  /** Why, from what the run showed (threads.ts: oneAtATimeCause). */
  cause: {
    /** `blockFor` is named only in phase 5, whose skeleton has it. */
    blocked: (blockFor: boolean) =>
      "It did not even read the next request before it had answered the one before (its output shows one path line, or two, when the first answer came): " +
      `while one request waits, the server does nothing else. In Node that is a wait that blocks the thread: ${blockFor ? "blockFor (Atomics.wait)" : "Atomics.wait"}, ` +
      "a busy loop, a synchronous call; making the function async does not change that. In a server with threads, a client served in the accept loop, without a thread of its own.",
    queued: (clients: number) =>
      `It read all ${clients} requests at once (its output shows ${clients} path lines before its second answer), and then answered them one after another: ` +
      "nothing blocked it, yet each request waited for the one before. A queue or chain of promises (queue = queue.then(...)), " +
      "an await on the previous request's work, or a lock held across the wait does that.",
    queuedHint:
      "Let each request wait on its own: its handler awaits its own timer (await setTimeout(SLOW_MS)), with no queue, chain or lock shared between requests.",
    turnedAway: (closed: number, clients: number) =>
      `It closed ${closed} of the ${clients} connections without a byte of answer while it served another: it takes one connection at a time. ` +
      "server.maxConnections = 1 does that (Node closes every connection past the limit), and so does a server that stops accepting while it serves.",
    turnedAwayHint:
      "Let the server take every connection: no server.maxConnections, no server.close() or pause while a request is served. The wait of one request must not turn the others away.",
    unknown: (blockFor: boolean) =>
      `Most likely a wait that blocks the thread (${blockFor ? "blockFor, " : ""}Atomics.wait, a busy loop); ` +
      "or requests that wait for each other (a queue or chain of promises, a lock held across the wait); or a server that takes one connection at a time (server.maxConnections = 1).",
  },
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
  /** Why the same count came more than once, from the counts (threads.ts: repeatedCause). */
  repeated: {
    allOne:
      "Every visit showed 1: each counted on a counter of its own, from 0. Most likely the counting runs in a worker thread (every worker has its own copy of every module variable); " +
      "or the counter is declared inside a function.",
    allReadBefore:
      "Every visit showed one more than the count before them: a lost update. Each read the count, waited, and wrote back its own reading plus 1, over the others'. " +
      "No await may come between reading the counter and writing it.",
    allShowLast:
      "Every visit showed the count after the last of them: each was counted at the right time, but its page was built after the wait, from the count as it was by then.",
    allShowLastHint: "Build the page when you count, before the wait: route(path) returns it, and that is what you send after the wait, not the counter as it is then.",
    mixed:
      "Most likely a lost update: a count read before an await and written back after it. Or a page built after the wait from the counter as it is by then; " +
      "or several worker threads, each counting in its own copy of the variable.",
  },
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
    "The /slow handler awaits the timer from node:timers/promises before it returns its reply: await setTimeout(SLOW_MS) in phase 6. From phase 7 on the skeleton imports that timer under another name, as it says at its import, since the global setTimeout takes a callback and awaiting it does not wait.",
    "route(\"GET\", \"/slow\", async () => { await setTimeout(SLOW_MS); return { status: 200, body: \"<h1>Slow</h1>\" }; });",
  ]),
  "threads.concurrent": check(`serves ${CLIENTS} clients at the same time`, [
    "While a wait blocks the thread (Atomics.wait, which phase 5's skeleton waits with; a busy loop; a synchronous call), the event loop can do nothing else: the other clients' connections wait in the kernel's queue until it ends. Replace the blocking wait with one that lets the loop go on: a timer you await (setTimeout from node:timers/promises).",
    "Make the slow part an await on a timer, in a function declared async. In phase 5 that is handleRequest (it then returns Promise<void>): call route(path) first, which counts with no await before it, then await setTimeout(SLOW_MS), imported from node:timers/promises, then send what route returned. From phase 6 on, GET /slow's handler awaits its timer, as the skeleton gives it. The 'data' handler calls handleRequest without await, and no queue or lock is shared between requests. Work that must block goes to a worker thread (node:worker_threads).",
    "In handleRequest of phase 5 (from phase 6 on, GET /slow's handler awaits its timer instead, as the skeleton gives it), with a timer callback in place of an await (no async needed): const answer = route(path); setTimeout(() => socket.end(generateResponse(answer.body, answer.status)), SLOW_MS); return;",
  ]),
  "threads.burst": check(`counts exactly under load (${BURST} visits at once give ${BURST} different counts)`, [
    "Read and update the counter with no await in between: visits += 1 and keep that value for this response, before the slow part.",
    "If you count in a worker thread, each worker has its own copy of every variable: keep the counter in the main thread.",
    "The order in handleRequest: route(path) first, which reads and writes visits with no await between. Then the slow part, awaited. Then socket.end(generateResponse(body, status)) with what route returned. Count nowhere else, and never in a worker thread.",
  ]),
};
