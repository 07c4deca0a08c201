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
    says: /serves one client at a time/,
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
    says: /was shown \d+ times/,
    volatile: true,
  },
  {
    name: "5-stale-count",
    phase: 5,
    base: ts(5),
    mistake: "counts before the wait but shows the count as it is after the wait",
    patch: [["  socket.end(generateResponse(body, status));", "  socket.end(generateResponse(body.replace(/\\d+ times/, `${visits} times`), status));"]],
    firstFailure: "threads.burst",
    says: /was shown \d+ times/,
    volatile: true,
  },
  {
    name: "py-5-one-at-a-time",
    phase: 5,
    base: py(5),
    mistake: "serves each client in the accept loop, without threads",
    patch: [["        thread.start()", "        thread.start()\n        thread.join()"]],
    firstFailure: "threads.concurrent",
    says: /serves one client at a time/,
    twin: "5-one-at-a-time",
    volatile: true,
  },
];
