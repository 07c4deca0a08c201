/**
 * The words of phase 3 (respond), and the real clients' checks (fetch, keep-alive, curl): the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

/** Phase 3 (checks/respond.ts). */
export const respondWords = {
  returnedOther: (call: string, value: string) => `${call} returned ${value}.`,
  returnedOtherExpected: "a Buffer: Buffer.from(head + content, \"utf8\")",
  returnedNothing: (call: string) => `${call} returned nothing: an empty Buffer (0 bytes).`,
  returnedNothingExpected: (status: string) => `a whole response, starting with HTTP/1.1 ${status}`,
  builtWithProblem: (call: string, problem: string) => `${call} built a response with a problem: ${problem}.`,
  startsWith: (call: string, firstLine: string | undefined) => `${call} starts with "${firstLine}".`,
  noHtmlContentType: (call: string) => `${call} has no Content-Type: text/html header.`,
  contentTypeExpected: "Content-Type: text/html; charset=utf-8",
  bodyNotContent: (call: string) => `${call} does not end with the content as its body.`,
  bodyExpected: (content: string) => `the body ${content}`,
  lengthInCharacters: (call: string, characters: number, bytes: number) =>
    `${call} says Content-Length: ${characters}: that is the number of characters, but the body is ${bytes} bytes.`,
  wrongLength: (call: string, said: string | undefined, bytes: number) =>
    `${call} says Content-Length: ${said ?? "(none)"}, but the body is ${bytes} bytes.`,
  lengthExpected: (bytes: number) => `Content-Length: ${bytes}`,
  /** 3.3 when what generateResponse built has no body to count (3.2 names why). */
  unitReturnedNothingSkip: "not judged: generateResponse returned nothing (see the check above), so there is no Content-Length to count",
  unitNotHttpSkip: "not judged: what generateResponse built does not start with a status line (see the check above), so no client would read its Content-Length",
  unitHeadNeverEndedSkip:
    "not judged: what generateResponse built has no empty line (\\r\\n\\r\\n) after its headers (see the check above), so nothing tells where its body starts, and there is no body to count",
  /** One hint per framing problem that http-reader.ts can find, by its code. */
  problemHints: {
    empty: "Write the response to the socket before closing it: socket.end(response).",
    "no-status-line": 'The very first bytes of a response are the status line: "HTTP/1.1 200 OK\\r\\n".',
    "bad-status-line": 'The status line is the version, a space, a 3-digit code, a space and a reason: "HTTP/1.1 200 OK\\r\\n".',
    "bare-lf": "End every line of the head with \\r\\n (carriage return + line feed), not just \\n. Strict clients reject a bare \\n.",
    "no-blank-line": "After the last header, send one more \\r\\n: the empty line (\\r\\n\\r\\n) is how the client knows where the headers end and the body starts.",
    "bad-header": 'Each header line is "Name: value\\r\\n", with no space before the colon.',
    "no-content-length": "Send Content-Length: <bytes of the body>. Without it a client cannot tell where the body ends, except by waiting for the connection to close.",
    "bad-content-length": "Content-Length is one number: the size of the body in bytes. Send it once.",
    "length-in-characters": "Count bytes, not characters: Buffer.byteLength(content, \"utf8\"), not content.length.",
    "body-longer": "Content-Length must be exactly the body's size in bytes: compute it from the body you send, with Buffer.byteLength(body).",
    "body-shorter": "Content-Length must be exactly the body's size in bytes: compute it from the body you send, with Buffer.byteLength(body).",
    incomplete: "Content-Length must be exactly the body's size in bytes (Buffer.byteLength(body)): a client that was promised more waits for it as long as the connection stays open.",
    "bad-version": 'Start the status line with exactly "HTTP/1.1".',
    "bad-status-code": "Use one of HTTP's status codes, between 100 and 599: 200 OK, 404 Not Found, 500 Internal Server Error.",
    "bare-cr": "Write \\r only as part of \\r\\n at the end of a line; check the strings you join for a stray \\r.",
    "obs-fold": "Put each header on one line: a line that starts with a space or tab is a folded (obsolete) continuation.",
    "control-in-value": "A header value is printable text: no \\r, \\n, NUL or other control byte inside it.",
    "chunked-not-length": "In this phase, send the whole body at once with Content-Length: <bytes of the body>, instead of Transfer-Encoding: chunked.",
    "duplicate-content-length": "Send Content-Length once: look for a second place that adds it (a default header and your own).",
    "length-on-no-content": "A 204 (and a 1xx) response has no body: send neither Content-Length nor Transfer-Encoding with it.",
    "te-and-length": "Send either Content-Length (the body at once) or Transfer-Encoding: chunked (the body in chunks), never both.",
    "bad-transfer-encoding": "Send the body with Content-Length: <bytes>, or with Transfer-Encoding: chunked alone.",
    "bad-chunk": 'Each chunk is its size in hex, \\r\\n, the bytes, \\r\\n; the body ends with "0\\r\\n\\r\\n". Compute the size with Buffer.byteLength.',
    "unasked-upgrade": "Answer with 200 OK (or the status the request calls for); 101 is only for a request that asked to switch protocols.",
    "content-after-head": "A response to HEAD, a 204 and a 304 end with their head: send no body after the empty line.",
  },
  notValid: (problem: string) => `The response is not valid HTTP/1.1: ${problem}.`,
  breaksLabRule: (problem: string) => `The response breaks a rule of this lab: ${problem}.`,
  statusIs: (status: number | undefined) => `The status is ${status}; in this phase every request gets 200 OK.`,
  ok: "HTTP/1.1 200 OK",
  noNonAscii:
    "The page has no non-ASCII character, so nothing shows whether Content-Length counts bytes or characters. " +
    "The lesson's page is <h1>Hello, wörld!</h1>: keep the ö.",
  page: "<h1>Hello, wörld!</h1>",
  contentTypeIs: (type: string) => `Content-Type is "${type}".`,
  noContentType: "There is no Content-Type header.",
  noCharset: (type: string) => `The body has UTF-8 characters, but Content-Type "${type}" does not say charset=utf-8.`,
  serverClosed: "then the server closed the connection",
  closedWithoutSaying:
    "Your server closed the connection after the response, but the response did not say Connection: close. " +
    "An HTTP/1.1 connection stays open unless one side says otherwise, and a server that closes after every response " +
    "MUST say so in each one (RFC 9112 §9.3). A client that reuses connections sends its next request into the closed one: " +
    "Python's http.client then loses every other request, Node's http.Agent some of them; curl and browsers notice and reconnect.",
  closedWithoutSayingExpected: "Connection: close in the response head",
  /** 3.11: the server closed for good at once (socket.destroy()), and the bytes a client still sent got a reset. */
  resetAfterClose: (finFirst: boolean) =>
    (finFirst
      ? "Your server answered and sent its FIN, but then closed the whole socket at once, not in stages: the checker, like a client still sending, " +
        "wrote a byte after the FIN (and another 0.1 s later) and got a reset (TCP RST). "
      : "Your server answered, then reset the connection (TCP RST) instead of closing it with a FIN. ") +
    "socket.write(response) followed by socket.destroy() does that, as does any close of the whole socket: the system answers every byte still coming " +
    "with a reset, which can wipe out the answer before the client has read it. destroy() also drops the part of a big answer that has not gone out yet " +
    "(a 60 MB page reached a slow reader cut short).",
  resetAfterCloseNote: (finFirst: boolean) =>
    finFirst ? "then the server closed the connection with a FIN, and the checker's next bytes got a reset (TCP RST)" : "then the connection was reset (TCP RST)",
  resetAfterCloseExpected: "the response, then the server's FIN (socket.end(response)), and the bytes a client still sends read and dropped, not answered with a reset",
  resetAfterCloseHint:
    "Send the response with socket.end(response), not socket.write(response) and socket.destroy(): end sends the response, then your FIN, and leaves the socket reading. " +
    "Your 'data' listener drops what still comes (done is true), and Node closes the socket when the client closes its side.",
  resetAfterCloseTryIt: (line: string) => `${line}\n(it prints the response, then EPIPE or ECONNRESET for a reset, or "no reset")`,
  stillOpenLater: "and the connection was still open 0.5 s later",
  saysCloseButOpen: "The response says Connection: close, but your server kept the connection open. A client like nc waits for the close.",
  saysCloseButOpenExpected: "the server closes the connection after the response (socket.end)",
  saysCloseButOpenHint: "Send the response with socket.end(response): it writes, then closes.",
  stillOpen: "and the connection was still open",
  secondUnanswered:
    "Your server kept the connection open after its response, but did not answer a second request sent on it. " +
    "A client that reuses the connection would wait forever.",
  secondUnansweredExpected: "either Connection: close and a closed connection, or an answer to every request on the connection",
  noAnswerWithin: (seconds: number) => `no answer within ${seconds} s`,
  stillTrickling: (seconds: number, bytes: number) => `after ${seconds} s the answer was still trickling in (${bytes} byte${bytes === 1 ? "" : "s"} so far), and the client gave up`,
  fetchGot: (client: string, status: number, characters: number) => `${client}'s fetch got status ${status} and a body of ${characters} characters.`,
  fetchGotExpected: "a status and a body",
  clientBodyDiffers: (client: string, got: number, sent: number, gotTail: string, sentTail: string) =>
    `${client} got a different body from the one your server sent: it got ${got} bytes, ending "${gotTail}", where the server sent ${sent} bytes after the head, ending "${sentTail}".`,
  clientBodyDiffersHint: "A client reads as many bytes as Content-Length says, no more and no fewer: send the body's size in bytes, Buffer.byteLength(body).",
  asSent: "as the server sent it",
  notHttpSkip: "not judged: the response is not HTTP at all (see the status-line check)",
  incompleteSkip: "not judged: the response is not complete (see the Content-Length check), and a part of a page is not the page",
  headNeverEndedSkip: "not judged: the head never ended (see the empty-line check), so nothing tells where a body would start",
  clientGotTooMuch: (client: string, mebibytes: number) => `${client} got over ${mebibytes} MiB of body and more was coming: the checker stopped reading there`,
  fetchFailed: (client: string, url: string, error: string) => `${client}'s fetch("${url}") failed: ${error}.`,
  keepAliveFailed: (client: string, got: number, request: number, error: string) =>
    `${client}'s http client, with a keep-alive agent, got ${got} of 5 pages; request ${request} failed: ${error}.`,
  parserRejected: " Its HTTP parser rejected the response.",
  reusedUnanswered: " It sent that request on the connection the previous response left open, and your server never answered it.",
  reusedClosed: (graceSeconds: number) =>
    ` It sent that request on the connection the previous response left open (after waiting ${graceSeconds} s for a close), but your server closed it without an answer.`,
  parseErrorHint: (parseError: string) =>
    `${parseError} is a framing problem in the response: the checks of the status line, \\r\\n line ends and Content-Length above name it.`,
  keepAliveExpected: "five answers: Connection: close on each, or an open connection that answers each request",
  noCurl: "curl is not installed here (install it to run this check: apt install curl, brew install curl)",
  curlFailed: (client: string, code: number | null, stderr: string) => `${client} failed (exit code ${code}): ${stderr}`,
  closedWithoutConnectionClose: "Your server closed the connection after the response without saying Connection: close.",
  /** 3.12, TODO 3. */
  garbageGot: (status: number) => `A client sent "Hello" and an empty line (a request line parseRequest cannot read), and got status ${status}.`,
  garbageUnreadable: (problem: string) =>
    `A client sent "Hello" and an empty line (a request line parseRequest cannot read), and got an answer no client can read: ${problem}.`,
  garbageGotPage: ' handleRequest sent the page all the same: it has no answer of its own for the "" that parseRequest returns then (TODO 3).',
  firstLineIs: (line: string) => `its first line is "${line}"`,
  badRequest: "HTTP/1.1 400 Bad Request",
};

export const respondChecks = {
  "respond.unit-format": check("generateResponse builds status line, headers, empty line and body", [
    "A response is: HTTP/1.1 <status>\\r\\n, then one header per line (Name: value\\r\\n), then \\r\\n alone, then the body.",
    "Every line ends with \\r\\n, and the head ends with one more \\r\\n: that empty line is how a client knows the body starts.",
    "In generateResponse, at TODO 1: const head = `HTTP/1.1 ${status}\\r\\n` + \"Content-Type: text/html; charset=utf-8\\r\\n\" + `Content-Length: ${Buffer.byteLength(content)}\\r\\n` + \"Connection: close\\r\\n\" + \"\\r\\n\"; return Buffer.from(head + content, \"utf8\");",
  ]),
  "respond.unit-bytes": check("generateResponse counts Content-Length in bytes, not characters", [
    "Content-Length is a number of bytes. In UTF-8, ü and ß take 2 bytes each and ✓ takes 3, so content.length (characters) is too small.",
    "Buffer.byteLength(content, \"utf8\") counts bytes.",
    "`Content-Length: ${Buffer.byteLength(content, \"utf8\")}\\r\\n`",
  ]),
  "respond.answers": check("answers a request", [
    "Once the head is complete, build the response with generateResponse and send it: socket.end(response).",
    "socket.end(data) writes the data, then closes: exactly what an HTTP/1.0-style server does.",
    "At TODO 2, in handleRequest, in place of socket.end(): socket.end(generateResponse(PAGE));",
  ]),
  /** The first hint of the four framing checks is their problem's hint (respond.problemHints). */
  "respond.status-line": check("starts with a status line (HTTP/1.1 200 OK)", [
    "Look at the first line under 'got': it must be exactly HTTP/1.1, a space, the code, a space, the reason.",
    "In generateResponse, the status line first (status is \"200 OK\" unless the caller gives another): const head = `HTTP/1.1 ${status}\\r\\n` + \"Content-Type: text/html; charset=utf-8\\r\\n\" + `Content-Length: ${Buffer.byteLength(content)}\\r\\n` + \"Connection: close\\r\\n\" + \"\\r\\n\"; return Buffer.from(head + content, \"utf8\");",
  ]),
  "respond.crlf": check("ends every line of the head with \\r\\n", [
    "In the 'got' lines, every line must end with \\r\\n; the one that ends with \\n alone is the one to fix.",
    "Write \"\\r\\n\" (two characters: \\r then \\n) at the end of the status line, of each header and of the empty line.",
  ]),
  "respond.blank-line": check("ends the head with an empty line (\\r\\n\\r\\n)", [
    "After the last header line comes one more \\r\\n on its own: the head ends with \\r\\n\\r\\n.",
    "... + \"Connection: close\\r\\n\" + \"\\r\\n\" + content",
  ]),
  "respond.content-length": check("sends a Content-Length equal to the body's size in bytes", [
    "The client reads exactly Content-Length bytes after the empty line: too few and it waits, too many and it cuts the body.",
    "In generateResponse, the length computed from the very body you send: const length = Buffer.byteLength(content, \"utf8\"); const head = `HTTP/1.1 ${status}\\r\\n` + \"Content-Type: text/html; charset=utf-8\\r\\n\" + `Content-Length: ${length}\\r\\n` + \"Connection: close\\r\\n\" + \"\\r\\n\"; return Buffer.from(head + content, \"utf8\");",
  ]),
  "respond.page": check("answers 200 OK with the page <h1>Hello, wörld!</h1>", [
    "Send generateResponse(\"<h1>Hello, wörld!</h1>\") for every request. The ö is there on purpose: it is 2 bytes in UTF-8.",
    "Every request gets 200 OK in this phase, whatever its path: socket.end(generateResponse(PAGE)).",
  ]),
  "respond.content-type": check("says Content-Type: text/html; charset=utf-8", [
    "Content-Type tells the browser how to show the body. Without charset=utf-8, a browser may guess another encoding and show wÃ¶rld for wörld.",
    "\"Content-Type: text/html; charset=utf-8\\r\\n\"",
  ]),
  "respond.connection": check("closes the connection and says Connection: close (or serves the next request on it)", [
    "HTTP/1.1 connections stay open by default. A server that closes after each response must say so in each one with Connection: close (RFC 9112 §9.3), or clients that reuse connections send their next request into a closed connection.",
    "Add \"Connection: close\\r\\n\" to the head in generateResponse, and keep calling socket.end(response).",
    "If you keep connections open instead, reset your buffer after each response and handle the next request that arrives on the same socket.",
  ]),
  "respond.bad-request": check("answers 400 Bad Request to a request it cannot read", [
    "parseRequest returns \"\" for a request line it cannot read (Hello typed into nc). That is the client's mistake, and the answer says so: 400 Bad Request, not the page.",
    "In handleRequest, when path is \"\", send generateResponse with a short page and the status \"400 Bad Request\", and return before the page goes out.",
    "At TODO 3: if (path === \"\") { socket.end(generateResponse(\"<h1>400 Bad Request</h1>\", \"400 Bad Request\")); return; }",
  ]),
  "client.fetch": check("Node's fetch gets the page", [
    "fetch is strict about framing: status line, \\r\\n line ends, Content-Length in bytes. The checks above name the first problem.",
    "Run the 'try it' line: the error fetch prints (its cause) names what it could not parse.",
  ]),
  "client.keep-alive": check("a client that reuses connections gets five pages in a row", [
    "This client sends each next request on the same connection, unless the response said Connection: close or the server has closed it. A response it cannot parse, or a connection that stays open without answering, fails here.",
    "Node's own parser (llhttp) names the problem (HPE_...): the checks of the status line, the \\r\\n line ends and Content-Length above show where it is.",
    "The 'try it' line runs the same client twice in a row: the second request is the one that fails.",
  ]),
  "client.curl": check("curl gets the page", [
    "curl -v shows every header it sends and receives: run the 'try it' line to see the exchange.",
    "curl's error code says what went wrong: 52 is an empty reply, 56 a reset, 28 a timeout.",
  ]),
};
