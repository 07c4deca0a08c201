/** Phase 5 (threads): its broken variants, TypeScript first, then Python (a Python twin runs after its TypeScript case). */
import { type BrokenCase, py, ts } from "./common.ts";

export const phase5Cases: BrokenCase[] = [
  {
    name: "5-slowness-removed",
    phase: 5,
    base: ts(5),
    mistake: "deletes the slow part instead of making it concurrent",
    patch: [["  await setTimeout(SLOW_MS);\n", ""]],
    firstFailure: "threads.slow",
    says: /the slow part is gone/,
    volatile: true,
  },
  {
    name: "5-one-at-a-time",
    phase: 5,
    base: ts(5),
    mistake: "keeps the blocking wait: one client at a time",
    patch: [["  await setTimeout(SLOW_MS);", "  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SLOW_MS);"]],
    firstFailure: "threads.concurrent",
    says: /serves one client at a time\. It did not even read the next request before it had answered the one before/,
    volatile: true,
  },
  {
    name: "5-queued-one-after-another",
    phase: 5,
    base: ts(5),
    mistake: "awaits its wait, but chains each request's wait after the one before (a promise queue)",
    patch: [
      ["let visits = 0;\n", "let visits = 0;\n// Each request's wait starts when the one before has ended.\nlet queue: Promise<unknown> = Promise.resolve();\n"],
      ["  await setTimeout(SLOW_MS);\n", "  const turn = queue.then(() => setTimeout(SLOW_MS));\n  queue = turn;\n  await turn;\n"],
    ],
    firstFailure: "threads.concurrent",
    says: /It read all \d+ requests at once .* and then answered them one after another: nothing blocked it, yet each request waited for the one before\. A queue or chain of promises/,
    volatile: true,
  },
  {
    name: "5-max-connections-1",
    phase: 5,
    base: ts(5),
    mistake: "takes one connection at a time (server.maxConnections = 1)",
    patch: [["  server.listen(PORT, HOST, () => {", "  server.maxConnections = 1;\n  server.listen(PORT, HOST, () => {"]],
    firstFailure: "counter.favicon",
    says: /GET \/favicon\.ico came while GET \/ was still being served .* your server closed it without a byte of answer.* server\.maxConnections = 1 does that/,
    volatile: true,
  },
  {
    name: "5-counter-in-worker",
    phase: 5,
    base: ts(5),
    mistake: "counts in a worker thread started for each request, so every count starts from 0",
    patch: [
      ['import { pathToFileURL } from "node:url";', 'import { pathToFileURL } from "node:url";\nimport { Worker } from "node:worker_threads";'],
      [
        "  const { status, body } = route(path);\n\n  // The slow part. `await` hands the thread back to the event loop until the time is up.\n  await setTimeout(SLOW_MS);\n",
        "  // The slow work and the counting, in a worker of its own.\n" +
          "  const { status, body } = await new Promise<{ status: string; body: string }>((resolve) => {\n" +
          "    const code = [\n" +
          "      'const { parentPort, workerData } = require(\"node:worker_threads\");',\n" +
          "      'let visits = 0;',\n" +
          "      'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.slowMs);',\n" +
          "      'if (workerData.path === \"\") parentPort.postMessage({ status: \"400 Bad Request\", body: \"<h1>400 Bad Request</h1>\" });',\n" +
          "      'else if (workerData.path === \"/\") { visits += 1; parentPort.postMessage({ status: \"200 OK\", body: \"<h1>This page has been accessed \" + visits + \" times.</h1>\" }); }',\n" +
          "      'else parentPort.postMessage({ status: \"404 Not Found\", body: \"<h1>404 Not Found</h1>\" });',\n" +
          "    ].join(\"\\n\");\n" +
          "    new Worker(code, { eval: true, workerData: { path, slowMs: SLOW_MS } }).once(\"message\", resolve);\n" +
          "  });\n",
      ],
    ],
    firstFailure: "counter.refresh",
    says: /The count stayed at 1: this view was counted again from 0, on a counter of its own\. Most likely the counting runs in a worker thread/,
    volatile: true,
  },
  {
    name: "5-lost-updates",
    phase: 5,
    base: ts(5),
    mistake: "reads the count, awaits, then writes it back",
    patch: [
      ["  const { status, body } = route(path);\n", "  const seen = visits;\n"],
      ["  await setTimeout(SLOW_MS);\n", "  await setTimeout(SLOW_MS);\n  if (path === \"/\") visits = seen;\n  const { status, body } = route(path);\n"],
    ],
    firstFailure: "threads.burst",
    says: /was shown \d+ times.*lost update/s,
    volatile: true,
  },
  {
    name: "5-stale-count",
    phase: 5,
    base: ts(5),
    mistake: "counts before the wait but shows the count as it is after the wait",
    patch: [["  socket.end(generateResponse(body, status));", "  socket.end(generateResponse(body.replace(/\\d+ times/, `${visits} times`), status));"]],
    firstFailure: "threads.burst",
    says: /was shown \d+ times.*built after the wait/s,
    volatile: true,
  },
  {
    name: "py-5-one-at-a-time",
    phase: 5,
    base: py(5),
    mistake: "serves each client in the accept loop, without threads",
    patch: [["        thread.start()", "        thread.start()\n        thread.join()"]],
    firstFailure: "threads.concurrent",
    says: /serves one client at a time\. It did not even read the next request before it had answered the one before/,
    twin: "5-one-at-a-time",
    volatile: true,
  },
  {
    name: "py-5-lock-across-wait",
    phase: 5,
    base: py(5),
    mistake: "holds the count's lock across the slow part, so each thread waits for the one before",
    patch: [["    time.sleep(SLOW_MS / 1000)  # the slow work\n", "    with count_lock:\n        time.sleep(SLOW_MS / 1000)  # the slow work\n"]],
    firstFailure: "threads.concurrent",
    says: /It read all \d+ requests at once .* and then answered them one after another: nothing blocked it, yet each request waited for the one before\. A queue or chain of promises/,
    twin: "5-queued-one-after-another",
    volatile: true,
  },
];
