/** Phase 12 (pipelining): its broken variants, TypeScript first, then Python (a Python twin runs after its TypeScript case). */
import { type BrokenCase, py, ts } from "./common.ts";

/** serve()'s test for the last answer, and what it does then (TODO 4). */
const LAST_ANSWER =
  '      if (!keep || socket.destroyed) {\n        // This answer is the last: it said Connection: close (or a 500 ended the connection), or\n        // the client is gone. The requests behind it are never answered (RFC 9112 §9.6: MUST NOT\n        // process them): drop them, send our FIN, and read and drop what still comes ("finish").\n        done = true;\n        received = Buffer.alloc(0);\n        socket.end();\n';
/** After an answer, the next request already received is answered at once (TODO 2). */
const NEXT_NOW =
  "      // The requests that came with this one, or during its answer, are in `received` already, and\n      // no more bytes may come for them: answer the next one now, if it is whole.\n      readRequest();\n";

export const phase12Cases: BrokenCase[] = [
  {
    name: "12-answers-during-answer",
    phase: 12,
    base: ts(12),
    mistake: "reads and answers what comes while an answer is being made at once (TODO 1 undone), so a quick answer overtakes a slow one",
    // TODO 3's pause stays: the mistake is only the missing return.
    patch: [["        if (received.length > MAX_HEAD_BYTES) socket.pause();\n        return;\n      }\n", "        if (received.length > MAX_HEAD_BYTES) socket.pause();\n      }\n"]],
    firstFailure: "pipe.slow-first",
    says: /Answer 1 is the one for request 2 \(GET \/hello\/\w+\), not for request 1 \(GET \/slow\): the answers went out in another order than the requests came/,
  },
  {
    name: "12-waits-for-next-data",
    phase: 12,
    base: ts(12),
    mistake: "after an answer, waits for the next \"data\" event instead of answering the whole request already received (TODO 2 undone)",
    patch: [[NEXT_NOW, ""]],
    firstFailure: "pipe.in-one-write",
    says: /^1 of the 3 requests got an answer/,
  },
  {
    name: "12-no-backpressure",
    phase: 12,
    base: ts(12),
    mistake: "never waits for \"drain\" and never pauses (TODO 3 undone): it reads every request a client sends and holds every answer it cannot send",
    patch: [
      ["      if (keep) await drained(socket);\n", ""],
      ["      // Reading goes on (it stopped in \"data\" if more than a head's worth came meanwhile).\n      socket.resume();\n", ""],
      ["        if (received.length > MAX_HEAD_BYTES) socket.pause();\n", ""],
    ],
    firstFailure: "pipe.backpressure",
    says: /Your server read all [\d.]+ MiB of requests while nothing of its answers was read/,
    // How much it read, and how much its memory grew, depend on timing.
    volatile: true,
  },
  {
    name: "12-answers-behind-close",
    phase: 12,
    base: ts(12),
    mistake: "closes after an answer that said Connection: close only once nothing waits in received (TODO 4 undone), so it answers the requests behind it",
    patch: [[LAST_ANSWER, "      if (socket.destroyed || (!keep && received.length === 0)) {\n        done = true;\n        socket.end();\n"]],
    firstFailure: "pipe.close-in-middle",
    says: /After the answer that said Connection: close, another answer came \(200\): a request behind the last answer must not be answered/,
  },
  {
    name: "12-resets-after-last",
    phase: 12,
    base: ts(12),
    mistake: "destroys the socket after the last answer instead of ending it, so the requests still unread behind it turn the close into a reset",
    patch: [[LAST_ANSWER, LAST_ANSWER.replace("socket.end();", "socket.destroy();")]],
    firstFailure: "pipe.close-in-middle",
    says: /After the last answer the server closed with a reset \(TCP RST\)/,
  },
  {
    name: "12-head-with-body",
    phase: 12,
    base: ts(12),
    mistake: "sends the body with the answer to HEAD too",
    patch: [["  return head ? bytes : Buffer.concat([bytes, body]);", "  return Buffer.concat([bytes, body]);"]],
    firstFailure: "pipe.head",
    says: /Where answer 2 should start, \d+ bytes came that start no response/,
    // The checker closes while the answers behind are still being written: the server reports it, or not, as timing decides.
    volatile: true,
  },
  {
    name: "12-serves-a-read-at-once",
    phase: 12,
    base: ts(12),
    mistake: "hands every whole request of a read to serve() at once, without waiting for the answer in front (requests answered in parallel)",
    patch: [["      void serve(whole, body);\n", "      void serve(whole, body);\n      // On to the next request of this read: it need not wait for this answer.\n      readRequest();\n"]],
    firstFailure: "pipe.close-in-middle",
    says: /After the answer that said Connection: close, another answer came \(200\)/,
  },
  {
    name: "12-never-resumes",
    phase: 12,
    base: ts(12),
    mistake: "pauses the socket while more than a head's worth waits, but never resumes it (half of TODO 3), so a long pipeline stops for good",
    patch: [["      // Reading goes on (it stopped in \"data\" if more than a head's worth came meanwhile).\n      socket.resume();\n", ""]],
    firstFailure: "pipe.backpressure",
    says: /^Once the client read, \d+ of the \d+ whole requests the server had taken were answered/,
    // How much the kernel took before the server paused depends on timing.
    volatile: true,
  },
  {
    name: "12-parallel-lost-visits",
    phase: 12,
    base: ts(12),
    mistake: "handles the requests of a read in parallel, and GET / reads the count, saves it (await), then sets it: the visits in parallel read the same count",
    patch: [
      ['import { realpath, stat } from "node:fs/promises";', 'import { realpath, stat, writeFile } from "node:fs/promises";'],
      [
        '  if (request.method === "GET") visits += 1;\n  return { status: 200, body: `<h1>This page has been accessed ${visits} times.</h1>` };\n});',
        '  if (request.method === "GET") {\n    // Saved first, so that a restart keeps the count.\n    const count = visits + 1;\n    await writeFile(new URL("visits.txt", import.meta.url), String(count));\n    visits = count;\n  }\n  return { status: 200, body: `<h1>This page has been accessed ${visits} times.</h1>` };\n});',
      ],
      ['route("GET", "/", (request) => {', 'route("GET", "/", async (request) => {'],
      ["      void serve(whole, body);\n", "      void serve(whole, body);\n      // On to the next request of this read: it need not wait for this answer.\n      readRequest();\n"],
    ],
    firstFailure: "pipe.counter-order",
    says: /^Three pipelined GET \/ answered with the counts (\d+), \1, \1: the visits must be counted in the order they came, one each/,
  },
  {
    name: "12-drops-rest-of-read",
    phase: 12,
    base: ts(12),
    mistake: "drops what came after a request's body (the next requests of the pipeline) instead of keeping it in received",
    patch: [["      received = received.subarray(bodyLength ?? 0);\n", "      received = Buffer.alloc(0);\n"]],
    firstFailure: "pipe.in-one-write",
    says: /^1 of the 3 requests got an answer/,
  },
  {
    name: "12-fin-leaves-open",
    phase: 12,
    base: ts(12),
    mistake: "on the client's FIN, stops the deadline (nothing more will come) but never ends its own side, so the connection stays open",
    patch: [["      // During an answer, that answer and those of the whole requests behind it go out first\n      // (allowHalfOpen); then serve() sees clientDone.\n      if (!done && !answering) clientLeft();\n", "      // No more bytes will come: no deadline to wait for.\n      clearTimeout(timer);\n"]],
    firstFailure: "pipe.fin-after",
    says: /^Every request was answered, but the connection was still open 1 s later: the client had sent its FIN/,
  },
  {
    name: "12-drops-a-part-request",
    phase: 12,
    base: ts(12),
    mistake: "after an answer, drops what is left in received when it is not a whole request, so a request cut between two reads loses its start",
    patch: [[NEXT_NOW, `${NEXT_NOW}      // What is left is no whole request: nothing to keep.\n      if (request === null && !answering) received = Buffer.alloc(0);\n`]],
    firstFailure: "pipe.split-reads",
    says: /The second request came in two writes, \d+ of its \d+ bytes with the first request and the rest 0\.1 s later: Answer 2 \(for GET \/hello\/\w+\) was 400/,
    // It fails pipe.backpressure too, with the memory the server's process grew by.
    volatile: true,
  },
  {
    name: "12-body-is-all-received",
    phase: 12,
    base: ts(12),
    mistake: "takes everything received after the head as the body, so a POST's body holds the requests pipelined behind it",
    patch: [["      const body = bodyLength === null ? null : received.subarray(0, bodyLength);", "      const body = bodyLength === null ? null : received;"]],
    firstFailure: "pipe.posts",
    says: /Answer 1 \(for POST \/api\/echo\) was 400 .*The body is not valid JSON/,
    // The checker closes with answers unread: the server reports the reset on a read or a write, as timing decides.
    volatile: true,
  },
  {
    name: "12-continue-on-arrival",
    phase: 12,
    base: ts(12),
    mistake: "sends 100 Continue from \"data\" as soon as a head with Expect: 100-continue arrives, before the answers in front of it",
    patch: [
      ["          const asksFirst = request.headers.expect?.toLowerCase() === \"100-continue\" && request.line.version === \"HTTP/1.1\";\n          if (asksFirst && received.length < (bodyLength ?? 0)) socket.write(CONTINUE);\n", ""],
      ["      received = Buffer.concat([received, chunk]);\n", "      received = Buffer.concat([received, chunk]);\n      // A client that asks first is told to go on as soon as its head is here.\n      if (/\\r\\nexpect: *100-continue\\r\\n/i.test(chunk.toString(\"latin1\"))) socket.write(CONTINUE);\n"],
    ],
    firstFailure: "pipe.continue",
    says: /A 100 Continue came before the answer to GET \/slow in front of its request/,
  },
  {
    name: "12-refuses-on-arrival",
    phase: 12,
    base: ts(12),
    mistake: "refuses a bad head as soon as it arrives, while the answer in front of it is still being made",
    patch: [
      [
        "        if (received.length > MAX_HEAD_BYTES) socket.pause();\n        return;\n",
        "        if (received.length > MAX_HEAD_BYTES) socket.pause();\n        // A head that cannot be answered is refused now: it need not wait for its turn.\n        const waiting = findHead(received);\n        const read = waiting && readHead(waiting.head);\n        if (Buffer.isBuffer(read)) refuse(read);\n        return;\n",
      ],
    ],
    firstFailure: "pipe.refusal-behind-slow",
    says: /The 400 for the bad head came before the answer to GET \/slow in front of it/,
  },
  {
    name: "py-12-drops-rest-of-read",
    phase: 12,
    base: py(12),
    mistake: "waits for the next request with nothing received, dropping the requests that came behind the one answered",
    patch: [["        received = wait_for_request(client_connection, received)\n", "        received = wait_for_request(client_connection, b\"\")\n"]],
    firstFailure: "pipe.in-one-write",
    says: /^1 of the 3 requests got an answer/,
    // Each connection has its thread: a closing connection's print and the next one's come in an order timing decides.
    volatile: true,
    twin: "12-drops-rest-of-read",
  },
  {
    name: "py-12-answers-behind-close",
    phase: 12,
    base: py(12),
    mistake: "closes after an answer that said Connection: close only when nothing more was received, so it answers the requests behind it",
    patch: [['        if connection == "close":\n', '        if connection == "close" and not received:\n']],
    firstFailure: "pipe.close-in-middle",
    says: /After the answer that said Connection: close, another answer came \(200\): a request behind the last answer must not be answered/,
    twin: "12-answers-behind-close",
  },
  {
    name: "py-12-resets-after-last",
    phase: 12,
    base: py(12),
    mistake: "closes the socket at once after the last answer, with the requests behind it unread, so the close is a reset",
    patch: [['        if connection == "close":\n            # This answer is the last: the requests already received behind it are never answered\n            # (RFC 9112 §9.6: MUST NOT process them). Close in stages; what still comes is dropped\n            close_in_stages(client_connection)\n', '        if connection == "close":\n            # This answer is the last: the requests already received behind it are never answered\n            # (RFC 9112 §9.6: MUST NOT process them)\n']],
    firstFailure: "pipe.close-in-middle",
    says: /After the last answer the server closed with a reset \(TCP RST\)/,
    // No twin: here every last answer closes this way, refusals too (TypeScript's refuse() ends the socket on its own).
    // Each connection has its thread: what one prints about its client leaving comes before or after the check's end, as timing decides.
    volatile: true,
  },
];
