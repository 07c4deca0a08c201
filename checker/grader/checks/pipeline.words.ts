/**
 * The words of phase 12 (pipelining): the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

/** Phase 12 (checks/pipeline.ts). */
export const pipeWords = {
  // Answers in order.
  answeredOpen: (answered: number, sent: number, seconds: number) =>
    `${answered} of the ${sent} requests got an answer; then nothing came for ${seconds} s, and the connection was still open. The requests behind the last answer were already there, whole: they wait in the buffer for bytes that will not come.`,
  answeredClosed: (answered: number, sent: number) =>
    `${answered} of the ${sent} requests got an answer, and then the server closed the connection: the requests behind them, already there and whole, were never answered. Answering only some of several pipelined requests is not allowed (RFC 9112 §9.3.2); a server may end a pipeline only with an answer that says Connection: close, and this one did not.`,
  notAResponse: (n: number, bytes: number) =>
    `Where answer ${n} should start, ${bytes} bytes came that start no response: the answer before it was longer than its Content-Length said.`,
  outOfOrder: (n: number, label: string, other: number, otherLabel: string) =>
    `Answer ${n} is the one for request ${other} (${otherLabel}), not for request ${n} (${label}): the answers went out in another order than the requests came.`,
  wrongAnswer: (n: number, label: string, status: number | null, body: string, want: number, wantBody?: string) =>
    `Answer ${n} (for ${label}) was ${status ?? "not HTTP"} ${body}, where ${want}${wantBody === undefined ? "" : ` ${wantBody}`} was expected.`,
  allExpected: (count: number) => `${count} answers, one for each request, in the order the requests came, and the connection still open`,
  bufferedHint: "After an answer, look at what is already in received: a whole request there is answered now, without waiting for another \"data\" event (TODO 2).",
  orderHint: "One request at a time: while an answer is being made, what comes waits in received (TODO 1), and the next answer starts only when this one is out.",
  // The client's FIN.
  afterFin: "The client sent its FIN right after the requests.",
  finExpected: (count: number) => `${count} answers in order, then the server closes the connection`,
  openAfterFin: "Every request was answered, but the connection was still open 1 s later: the client had sent its FIN, so no request can come, and the server closes too.",
  forSplit: (bytes: number, of: number) => `The second request came in two writes, ${bytes} of its ${of} bytes with the first request and the rest 0.1 s later:`,
  // Slow in front.
  slowExpected: "the answer to GET /slow first, then the answer to the request behind it: a quick answer never overtakes a slow one",
  // Side effects.
  counterMissing: (n: number) => `Answer ${n} of three pipelined GET / did not say "This page has been accessed N times."`,
  counterOrder: (counts: string) => `Three pipelined GET / answered with the counts ${counts}: the visits must be counted in the order they came, one each.`,
  counterExpected: "three answers counting N, N+1, N+2",
  headExpected: "each HEAD answered with a head and no body, and the next answer right after its empty line",
  // The last answer.
  closeExpected: "the first two answered, the second with Connection: close; then the server closes, and the third is never answered",
  answeredAfterLast: (status: number | null) =>
    `After the answer that said Connection: close, another answer came (${status ?? "?"}): a request behind the last answer must not be answered (RFC 9112 §9.6).`,
  openAfterLast: "After the last answer (it said Connection: close), the connection was still open 1 s later.",
  resetAfterLast: "After the last answer the server closed with a reset (TCP RST) while requests were still coming: close in stages, so that the answers before arrive whole.",
  lastHint: "When an answer ends the connection, drop what waits in received, end the socket, and read nothing more as a request (TODO 4).",
  refusalExpected: "the answer to GET /slow, then 400 with Connection: close for the bad head behind it, then the close; the request behind that is never answered",
  refusalOvertook: "The 400 for the bad head came before the answer to GET /slow in front of it: a refusal waits its turn like any answer.",
  refusalMissing: (status: number | null) => `After the answer to GET /slow, the bad head behind it got ${status === null ? "no answer" : status}, where 400 was expected.`,
  refusalNotClose: "The 400 for the bad head does not say Connection: close: after a head it refuses, the server cannot know where the next request starts.",
  // 100 Continue behind a slow answer.
  continueTooEarly: "A 100 Continue came before the answer to GET /slow in front of its request: each answer, interim ones too, waits for its turn.",
  continueMissing: "After the answer to GET /slow, the request behind it (with Expect: 100-continue, its body held back) got no 100 Continue.",
  continueEcho: (status: number | null) => `After the 100 Continue and the body, the echo answer was ${status ?? "missing"}, where 200 with the same JSON was expected.`,
  continueExpected: "the answer to GET /slow, then the 100 Continue for the POST behind it, then its echo",
  // Backpressure.
  tookEverything: (taken: string, grew: string | null) =>
    `Your server read all ${taken} of requests while nothing of its answers was read${grew === null ? "" : `, and its memory grew by ${grew}`}: it keeps reading and answering into a socket nobody reads, so it holds every answer.`,
  floodAnswers: (whole: number, answers: number, statuses: string, received: string) =>
    `Once the client read, ${answers} of the ${whole} whole requests the server had taken were answered (statuses: ${statuses || "none"}, ${received} in all).`,
  backpressureExpected:
    "the server stops taking requests while its answers are not read (a bounded memory), and once they are read, every request it took is answered in order",
};

export const pipeChecks = {
  "pipe.in-one-write": check("three requests in one write: three answers, in order", [
    "A client may send its next requests before the answers come (pipelining): all of them may arrive in one read.",
    "After each answer, the next whole request may already be in received: answer it at once, without waiting for more bytes (TODO 2).",
  ]),
  "pipe.fin-after": check("the client's FIN after its requests: every one answered, then the close", [
    "A FIN ends what the client sends, not what it waits for: the requests before it are all answered.",
    "Close only once every whole request in received has been answered, and none is left.",
  ]),
  "pipe.split-reads": check("a read that holds one and a half requests, and the rest later", [
    "Reads cut the stream anywhere: the next request may start in the same read as this one and end in a later one.",
    "Keep the bytes after a request in received, whole or not: the next read completes them.",
  ]),
  "pipe.posts": check("pipelined POSTs with bodies, and a GET behind them", [
    "Each body is exactly its Content-Length bytes; the next request starts right after them, even in one write.",
    "Answer the POSTs one at a time: the second's body waits in received while the first is answered.",
  ]),
  "pipe.slow-first": check("GET /slow, then a quick request: the quick answer waits its turn", [
    "Answers go out in the order the requests came (RFC 9112 §9.3.2): a quick answer may not overtake a slow one.",
    "While an answer is being made (answering is true), what comes waits in received (TODO 1).",
  ]),
  "pipe.counter-order": check("three pipelined GET / count in order", [
    "Side effects happen in the order the requests came: three visits count N, N+1, N+2.",
    "One request at a time: the second is handled only once the first is answered.",
  ]),
  "pipe.head": check("HEAD in a pipeline: no body, and the next answer right after its head", [
    "An answer to HEAD ends at its empty line: a body there would be read as the start of the next answer.",
    "Send only the head for HEAD, with the Content-Length a GET would have.",
  ]),
  "pipe.close-in-middle": check("Connection: close in the middle: its answer is the last", [
    "A request that says Connection: close gets the last answer on the connection; the requests behind it are never answered (RFC 9112 §9.6).",
    "When an answer ends the connection, drop what waits in received and end the socket (TODO 4).",
  ]),
  "pipe.refusal-behind-slow": check("a refused head behind GET /slow: its 400 waits its turn, and is the last", [
    "A refusal is an answer like any other: it goes out after the answers in front of it, and then the connection ends.",
    "The head that comes during an answer waits in received: it is read, and refused, at its turn.",
  ]),
  "pipe.continue": check("Expect: 100-continue behind GET /slow: the 100 comes at its turn", [
    "A 100 Continue is an answer too: it goes out after the answers in front of its request, never in the middle of them.",
    "The head with Expect is read at its turn, after the answer in front of it, and only then does the 100 go out.",
  ]),
  "pipe.backpressure": check("a client that pipelines 64 MiB and reads nothing: the server's memory stays bounded", [
    "A client may send requests and not read the answers. A server that goes on answering into its socket holds every answer in memory.",
    "Wait for \"drain\" before the next answer when write() returned false, and stop reading (socket.pause) while more than a head's worth waits (TODO 3).",
  ]),
};
