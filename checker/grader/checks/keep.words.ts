/**
 * The words of phase 11 (keep-alive): the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

const s = (ms: number): string => `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;

/** Phase 11 (checks/keep.ts). */
export const keepWords = {
  // persistent().
  unitReturned: (call: string, got: string, why: string) => `${call} returned ${got}. ${why}`.trim(),
  unitWhy: {
    http11Default: "HTTP/1.1 connections stay open unless the request says close (RFC 9112 §9.3).",
    close: "A close token means the client wants the connection closed after this answer.",
    caseless: 'Connection options are tokens, compared without case: "Close" is "close".',
    list: 'Connection is a list of tokens: "keep-alive, close" holds a close.',
    tab: "The spaces and tabs around each token of the list are optional whitespace, not part of it.",
    wholeToken: 'Only a whole token counts: "closed" is another word, not "close" (a test with includes("close") on the whole value finds it anyway).',
    http10Default: "An HTTP/1.0 connection closes after its answer unless the request says keep-alive.",
    http10KeepAlive: "An HTTP/1.0 request that says keep-alive keeps its connection open.",
    caselessList: 'Tokens are compared without case, in a list: "Keep-Alive, TE" holds keep-alive.',
    closeWins: "A close token closes the connection in any version, whatever else the list holds.",
    wholeToken10: '"keepalive" is not the token keep-alive.',
  },
  notBoolean: "persistent must return true or false.",
  // Exchanges on one connection.
  forRequest: (n: number, label: string) => `For request ${n} on the connection (${label}):`,
  noAnswerOpen: (seconds: string) => `No whole answer came within ${seconds}, and the connection was still open.`,
  noAnswerClosed: "The server closed the connection without a whole answer.",
  notAResponse: (bytes: number, start: string) =>
    `${bytes} bytes came that start no response (${start}…): on a kept connection each answer begins right after the one before, so the answer before was longer than its Content-Length said, or sent more than one answer.`,
  status: (got: number | null, want: number) => `The answer was ${got === null ? "not HTTP" : got}, where ${want} was expected.`,
  firstSaysClose:
    "The answer says Connection: close to an HTTP/1.1 request that did not ask to close: from this phase on, an HTTP/1.1 connection stays open after its answer.",
  closedAfterFirst: (label: string) =>
    `The server answered ${label}, then closed the connection: a second request on it got no answer. An HTTP/1.1 connection stays open after its answer, unless the request says Connection: close.`,
  secondUnanswered: (label: string, seconds: string) =>
    `The server answered ${label}, kept the connection open, and then never answered the second request on it (${seconds}): it reads one request per connection.`,
  secondBody: (got: string, want: string) => `The second answer's body is ${got}, where ${want} was expected.`,
  twoExpected: "two answers on one connection, 200 each, and the connection still open after them",
  keepHint: "After an answer the connection stays open (TODO 1 and 2), and the server goes back to reading: TODO 3 calls readRequest() for the next request.",
  // Connection: close asked.
  forClose: (value: string) => `For a request with Connection: ${value}:`,
  closeNotSaid: "The answer does not say Connection: close, though the request asked to close.",
  closeNotDone: (seconds: string) => `The answer says Connection: close, but the connection was still open ${seconds} later: after that answer the server must close it.`,
  closeReset: "The server closed with a reset (TCP RST) when the client went on sending: close in stages (end(), read and drop, then close), as in phase 10.",
  closedLookAlike: (value: string) =>
    `The server closed the connection after a request with Connection: ${value}: only the whole token close asks for that, and ${JSON.stringify(value)} is another word.`,
  closeExpected: "the answer with Connection: close, then the server closes the connection (in stages)",
  lookAlikeExpected: "the answer without Connection: close, and the connection kept open for the next request",
  closeHint: 'persistent() returns false when "close" is one of the tokens (TODO 1), and the answer then says Connection: close and ends the connection (TODO 2).',
  // HTTP/1.0.
  forHttp10: "For an HTTP/1.0 request without Connection:",
  forHttp10KeepAlive: "For an HTTP/1.0 request with Connection: keep-alive:",
  http10NotClose: "The answer does not say Connection: close, but an HTTP/1.0 connection closes after its answer unless the request says keep-alive: say so.",
  http10StayedOpen: (seconds: string) => `The connection was still open ${seconds} after the answer: an HTTP/1.0 request without keep-alive ends its connection.`,
  http10NoKeepAlive: 'The answer does not say Connection: keep-alive: an HTTP/1.0 client is not told that the connection stays open, so it does not use it again.',
  http10KeepClosed: "The server closed the connection, though the HTTP/1.0 request asked for keep-alive.",
  http10Expected: 'HTTP/1.0 without keep-alive: the answer says Connection: close, and the server closes; with Connection: keep-alive: the answer says Connection: keep-alive, and the connection serves the next request',
  http10Hint: 'For HTTP/1.0, persistent() is true only with a keep-alive token (TODO 1), and the answer then says Connection: keep-alive (TODO 2: connection = "keep-alive").',
  // Bodies on a kept connection.
  forPostThenGet: (how: string) => `A POST with a body ${how}, then a GET on the same connection:`,
  bodyInOneWrite: "in one write with its head",
  bodyAfterHead: "50 ms after its head",
  bodyThenEmptyLine: "and an empty line after it (as some clients send)",
  bodyReadAsRequest: (status: number | null, bytes: number) =>
    `The GET got ${status === null ? "no answer" : status}: the POST's body (${bytes} bytes) was left in front of it, and read as the start of the next request. That desync is what request smuggling is made of.`,
  emptyLineRefused: (status: number | null) =>
    `The GET got ${status === null ? "no answer" : status}: an empty line came before its request line. A server SHOULD skip empty lines before a request line (some clients send one after a body).`,
  bodyNextExpected: "200 for the POST (the echo), then 200 for the GET: the next request starts on the byte after the body",
  emptyLineHint: "Skip the empty lines (\\r\\n, or a bare \\n) in front of a request line before reading it: skipEmptyLines(received) at the start of readRequest.",
  bodyNextHint: "The body is exactly Content-Length bytes; what comes after them stays in received for the next request: received = received.subarray(bodyLength ?? 0).",
  forUnreadBody: (label: string) => `${label} with a body its route does not read, then a GET on the same connection:`,
  unreadBodyAsRequest: (status: number | null) =>
    `The GET got ${status === null ? "no answer" : status}: the body of the request before it was not read, and its bytes were taken for the start of the GET. A body is read and dropped whether the route wants it or not.`,
  unreadBodyExpected: "the first request's answer, then 200 for the GET (or the first answer with Connection: close, and a close)",
  unreadBodyHint: "Read the body by Content-Length for every request, before the route is chosen: the framing, not the route, decides where the next request starts.",
  // Refusals close.
  forRefusal: (what: string) => `After ${what} on a kept connection, with another request right behind it:`,
  badFieldLine: "a head with a field line without a colon",
  badVersion: "a request for HTTP/2.0 (not HTTP/1.x)",
  refusalExpected: (status: string) => `${status} with Connection: close, then the server closes; the request behind it is never answered`,
  refusalHint: "A refused head ends the connection: refuse() answers with end(), and nothing after it is read (done is true).",
  // Idle connections.
  forIdle: (keepAliveMs: number) => `With KEEP_ALIVE_MS=${keepAliveMs}:`,
  idleClosedEarly: (n: number, pauseMs: number, sinceOpenMs: number, keepAliveMs: number) =>
    `Request ${n} came ${s(pauseMs)} after the answer before it, and the connection was closed: KEEP_ALIVE_MS (${s(keepAliveMs)}) had not passed since that answer, only since the connection opened (${s(sinceOpenMs)} ago). The idle deadline counts from the last answer.`,
  idleUnanswered: (n: number, seconds: string) => `Request ${n} was not answered within ${seconds}, and the connection was still open.`,
  idleStillOpen: (seconds: string, keepAliveMs: number) =>
    `The connection was still open ${seconds} after its last answer, with nothing sent: KEEP_ALIVE_MS was ${s(keepAliveMs)}. An idle connection closes at its deadline.`,
  idleClosedTooSoon: (afterMs: number, keepAliveMs: number) =>
    `The connection was closed ${s(afterMs)} after its last answer: before KEEP_ALIVE_MS (${s(keepAliveMs)}).`,
  idleSentOther: (first: string) => `After the last answer, with nothing asked, the server sent ${first}: only a 408 (Request Timeout) may come before an idle close.`,
  idleExpected: (keepAliveMs: number) => `each request answered while the connection is used, then a close about ${s(keepAliveMs)} after the last answer (a 408 before it is allowed)`,
  idleValueHint: "Read KEEP_ALIVE_MS from the environment, in milliseconds (the checker sets it short): Number(process.env.KEEP_ALIVE_MS ?? 5000).",
  idleHint: "Start the idle deadline when an answer has gone out (TODO 4: deadline(KEEP_ALIVE_MS, idleTimeout) in serve), and replace it when the next request's first byte comes.",
  // Slowloris.
  slowlorisBlocked: (stalled: number, seconds: string) =>
    `With ${stalled} connections stopped in the middle of a head, a new client's request got no answer within ${seconds}: the stalled clients hold the server up.`,
  slowlorisRefused: (stalled: number, status: number | null) =>
    `With ${stalled} connections stopped in the middle of a head, a new client's request got ${status === null ? "no answer" : status}: a server that limits its connections answers 503 with Connection: close, or serves the new one.`,
  slowlorisKept: (open: number, stalled: number, seconds: string) =>
    `${open} of the ${stalled} connections that stopped in the middle of a head were still open ${seconds} after they started: a head's deadline ends them (1 s in the contract).`,
  slowlorisExpected: "the new client served at once (or 503 with Connection: close), and each stalled connection closed at its head deadline",
  slowlorisHint: "Never wait on one client: each connection waits for its own bytes in its own handler, with its own deadline (headTimeout), so the others go on.",
  // Smuggling.
  forAttack: (name: string) => `For ${name}, sent on a kept connection with a request hidden behind it:`,
  attacks: {
    clClLines: "two Content-Length fields with different values",
    clClList: 'Content-Length: "5, N" (two different values in one field)',
    clTe: "Content-Length with Transfer-Encoding: chunked (CL.TE)",
    teCl: "Transfer-Encoding: chunked with Content-Length (TE.CL)",
    xchunked: "Transfer-Encoding: xchunked with Content-Length",
    chunkedIdentity: 'Transfer-Encoding: "chunked, identity" with Content-Length',
    teSpace: "Transfer-Encoding with two spaces before chunked, and Content-Length",
    teTab: "Transfer-Encoding with a tab before chunked, and Content-Length",
    teTwoLines: "two Transfer-Encoding lines (chunked, then identity) with Content-Length",
  },
  smuggled: (status: number | null, path: string) =>
    `The hidden request (GET ${path}) was answered (${status ?? "?"}): your server took a length from this head that another reader of the same bytes would not take, and read the rest as a new request. That is request smuggling.`,
  readOnAfterRefusal: (status: number, second: number | null) =>
    `After its ${status}, the server answered again (${second ?? "?"}): it went on reading the bytes behind a request it refused, and took them for a new request. After a refusal, nothing more on the connection is read.`,
  smuggleServed: (status: number) => `The answer was ${status}: a request whose body length is in doubt was served.`,
  smuggleStatus: (got: number | null, allowed: string) => `The answer was ${got === null ? "none" : got}, where ${allowed} was expected.`,
  smuggleNotClose: "The answer does not say Connection: close: after a request whose length is in doubt, the server closes.",
  smuggleKeptOpen: (seconds: string) => `The connection was still open ${seconds} after the refusal: whatever follows such a request must never be read as a request.`,
  smuggleAfterAnswered: (status: number | null) => `A request sent after the refusal was answered (${status ?? "?"}): the connection stayed in use after a request whose length is in doubt.`,
  smuggleExpected: (allowed: string) => `${allowed} with Connection: close, then the server closes; nothing after it is answered`,
  smuggleHintTwoLengths: "Two different lengths: contentLength() returns null for a list of different values, bodyFraming() answers 400, and refuse() closes.",
  smuggleHintTe: "Any Transfer-Encoding field: refused (501 alone, 400 beside a Content-Length), whatever its value, before the Content-Length is looked at.",
  // Real clients.
  agentConnections: (client: string, requests: number, connections: number) =>
    `${client} sent ${requests} requests over ${connections} connections: it opens a new one only when no connection it holds can take the next request. With keep-alive, a few connections carry them all.`,
  http10StatusLine: "The answers' status lines say HTTP/1.0: a client keeps an HTTP/1.0 connection only when the answer says keep-alive, so it closed each one itself. An HTTP/1.1 server's status line says HTTP/1.1.",
  everyAnswerSaidClose: "Every answer said Connection: close.",
  closedAfterEachAnswer: "Each connection carried one answer, and the server closed it.",
  closedAfterAnswers: (most: number) =>
    `The server closed each connection after at most ${most} answers. A connection carries as many requests as the client sends; a server that limits them (nginx: 1000) says Connection: close on the last, and its limit is in the hundreds.`,
  agentFailed: (client: string, n: number, why: string) => `${client} failed on request ${n}: ${why}`,
  agentBody: (client: string, n: number, got: string, want: string) => `${client} got ${got} for request ${n}, where ${want} was expected.`,
  agentExpected: (requests: number, most: number) => `${requests} answers, over at most ${most} connections`,
  fetchConnections: (client: string, requests: number, connections: number) =>
    `${client} sent ${requests} requests one after another and needed ${connections} connections: it uses a connection again only while the server keeps it open.`,
  curlConnections: (client: string, urls: number, connections: number) =>
    `${client} fetched ${urls} URLs and needed ${connections} connections: it says "Re-using existing connection" only when the answer before left it open.`,
  curlFailed: (client: string, why: string) => `${client} failed: ${why}`,
  reuseExpected: (requests: number, connections = 1) => `${requests} answers over ${connections === 1 ? "one connection" : `at most ${connections} connections`}`,
  reuseHint: "Leave each connection open after its answer, and open while idle for KEEP_ALIVE_MS: no Connection: close for an HTTP/1.1 request that did not ask for it, no close of a connection the client still uses.",
};

export const keepChecks = {
  "keep.unit-persistent": check("persistent() reads the version and the Connection tokens", [
    "HTTP/1.1 stays open unless a close token comes; HTTP/1.0 closes unless a keep-alive token comes; close wins in any version.",
    'Split the value on ",", take the spaces and tabs off each part, and compare in lowercase: "Keep-Alive, TE" holds keep-alive, "closed" is not close.',
    'At TODO 1: const tokens = (connection ?? "").split(",").map((each) => each.replace(/^[ \\t]+|[ \\t]+$/g, "").toLowerCase()); if (tokens.includes("close")) return false; if (version === "HTTP/1.0") return tokens.includes("keep-alive"); return true;',
  ]),
  "keep.two-requests": check("one connection serves two requests, one after the other", [
    "After an answer that does not say close, the connection stays open and the server reads the next request from it.",
    "TODO 2 gives the answer its Connection field; TODO 3 forgets the request just answered (request and bodyLength back to null), keeps received, and calls readRequest().",
    "At TODO 3: request = null; bodyLength = null; readRequest(); return;",
  ]),
  "keep.close-asked": check("Connection: close closes the connection; \"closed\" does not", [
    "A request may ask for the connection to close after its answer: a close token in its Connection field, in any case, anywhere in the list.",
    "When persistent() says false, the answer says Connection: close and ends the connection (socket.end) after it.",
  ]),
  "keep.http10": check("HTTP/1.0 closes, unless it asks for keep-alive", [
    "HTTP/1.0 came before persistent connections: its connection closes after the answer, unless the request says Connection: keep-alive.",
    'The answer to an HTTP/1.0 request that stays open says Connection: keep-alive, and one that closes says Connection: close.',
  ]),
  "keep.body-then-next": check("a POST's body is never read as the next request", [
    "On a kept connection the next request starts on the byte right after this one's body: Content-Length bytes after the head.",
    "Keep the bytes after the body in received: received = received.subarray(bodyLength ?? 0) leaves the next request's start there. Skip empty lines before a request line.",
  ]),
  "keep.unread-body": check("a body nobody reads is dropped before the next request", [
    "A GET may come with a body, and an error answer (405) may be chosen before anyone looks at the body: its bytes are still on the connection.",
    "Read the body by its framing for every request, then answer: the route decides the answer, never where the next request starts.",
  ]),
  "keep.refusal-closes": check("a refused head ends the connection: nothing after it is answered", [
    "After a head the server refuses (400, 505), where the next request starts is unknown: the server answers with Connection: close and stops reading.",
    "Refusals go through refuse(): it ends the socket with the answer and drops what still comes.",
  ]),
  "keep.idle": check("an idle connection closes KEEP_ALIVE_MS after its last answer", [
    "A kept connection may wait for the next request for KEEP_ALIVE_MS, counted from the last answer, then the server closes it.",
    "One timer per connection, replaced at each step: deadline(KEEP_ALIVE_MS, idleTimeout) after an answer, deadline(HEAD_TIMEOUT_MS, headTimeout) at the next request's first byte.",
    "In serve, just before readRequest(): idle = true and deadline(KEEP_ALIVE_MS, idleTimeout). In readRequest, at the next request's first byte while idle: idle = false and deadline(HEAD_TIMEOUT_MS, headTimeout).",
  ]),
  "keep.slowloris": check("clients stopped in the middle of a head hold nobody up", [
    "A client may send half a head and stop (slowloris). Many of them at once must not keep the server from serving others.",
    "Each connection's head has its deadline (HEAD_TIMEOUT_MS from its first byte), and no code waits on one client while others wait.",
  ]),
  "keep.smuggling": check("requests whose length is in doubt are refused, and the connection closed", [
    "Two lengths that differ, or a Transfer-Encoding beside a Content-Length: two readers of the same bytes can find the body ending in two places. The server refuses (400, or 501 for a Transfer-Encoding it cannot read) and closes.",
    "bodyFraming() refuses any Transfer-Encoding and any length that is not one list of digits, before a byte of body is read, and refuse() then ends the connection.",
  ]),
  "client.agent-keep-alive": check("node:http's keep-alive agent: 100 requests over a few connections", [
    "A client that keeps connections (http.Agent with keepAlive) sends its next request on a connection the server left open.",
    "If every answer closes the connection, the agent opens a new one for each request: keep it open (TODO 2 and 3).",
  ]),
  "client.fetch-reuse": check("fetch sends its next request on the same connection", [
    "fetch (undici) keeps connections: a request after an answer that left the connection open goes on that connection.",
    "An answer that says Connection: close, or a close after the answer, makes fetch open a new connection.",
  ]),
  "client.curl-reuse": check("curl fetches several URLs over one connection", [
    "curl with several URLs uses one connection for all of them when the server keeps it open (curl -v says \"Re-using existing connection\").",
    "Try it: curl -v http://127.0.0.1:8000/ http://127.0.0.1:8000/about, and look for the line.",
  ]),
};
