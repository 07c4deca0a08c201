/**
 * The words of phase 10 (post): the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

const KiB = (bytes: number): string => `${Math.round(bytes / 1024)} KiB`;

/** The near-answer of the echo's checks: the whole route, in the order its answers are decided. */
const ECHO_ROUTE = 'At TODO 4: route("POST", "/api/echo", (request) => { if (request.body === null) return json(411, { error: "A POST here needs a Content-Length" }); if (mediaType(request.headers["content-type"]) !== JSON_TYPE) return json(415, { error: "Send JSON, with Content-Type: application/json" }); const text = bodyText(request.body); if (text === null) return json(400, { error: "The body is not UTF-8" }); try { return json(200, JSON.parse(text)); } catch { return json(400, { error: "The body is not valid JSON" }); } });';

/** Phase 10 (checks/post.ts). */
export const postWords = {
  // The echo.
  echoExpected: "200 OK, Content-Type: application/json, and the same JSON value back",
  noEchoRoute: "There is no route for POST /api/echo yet.",
  noEchoRouteHint: 'Register it at TODO 4: route("POST", "/api/echo", (request) => { ... }), and let it return json(200, value).',
  notJsonType: (type: string | null) => `The answer's Content-Type is ${type === null ? "missing" : `"${type}"`}: a client reads it as JSON only when it says application/json.`,
  jsonTypeHint: "Answer with json(status, value): it sets Content-Type: application/json.",
  echoNotJson: "The answer's body is not JSON: JSON.parse could not read it.",
  echoDiffers: (got: string, want: string) => `The answer holds another value: ${got}, where ${want} was sent.`,
  echoHint: "Parse the body (JSON.parse of its text) and answer json(200, value): the value, not the text, goes back.",
  answeredEarly: (sentWhenReacted: number, total: number) =>
    `Your server answered when ${sentWhenReacted} of the request's ${total} bytes had been sent, before the body had all come. `,
  refusedWholeBody: "The head and the whole body came in one write, so the body was all there.",
  waitedForWholeBody: (bytes: number, chars: number) =>
    `All ${bytes} bytes of the body came in the same write as the head, and your server waited for more. Content-Length counts bytes: as text, this body is ${chars} characters long (ü and ✓ take 2 and 3 bytes in UTF-8), so a server that counts characters waits for bytes that never come.`,
  countBytesHint: "Compare received.length (the bytes of the Buffer) with bodyLength, not the length of a string made from it.",
  // The body in pieces.
  forBodyAfterHead: "The head came alone, the body 50 ms later:",
  tookHeadReadAsBody: "It took what came with the head (nothing) as the body: the body is Content-Length bytes, and they may come later.",
  bodyAfterHeadRefused: "The body came a moment after the head: a server that takes the bytes of the head's read as the body sees an empty body.",
  bodyAfterHeadDiffers: "The body came a moment after the head.",
  forPieces: (count: number) => `The body came in ${count} pieces, 30 ms apart, two of them cut inside a character:`,
  tookFirstReadsAsBody: "It answered before Content-Length bytes of body had come: the body ends where Content-Length says, not where a read ends.",
  piecesRefused: "The body was whole once all the pieces had come; a part of it is not JSON.",
  piecesDiffer: "The pieces make up the body only once they are all joined.",
  decodedEachPiece:
    "The answer has U+FFFD (�) where ü or ✓ was sent: each piece was turned into text on its own, and a character cut between two reads became two broken halves.",
  joinBuffersHint: "Keep the body as bytes (Buffer.concat of the chunks) until it is whole, and turn it into text once, at the end.",
  waitForBodyHint: "At TODO 3, return (and wait for the next chunk) while received.length < bodyLength; only then hand over received.subarray(0, bodyLength).",
  largeRefused: "A 1 MiB body comes in many reads (64 KiB each, or less): it is whole only when Content-Length bytes have come.",
  limitUnder1MiB: "A 413 for 1 MiB: your server's limit is under the 1 MiB (1,048,576 bytes) of body that every server must read.",
  limitHint: "MAX_BODY_BYTES must be at least 1024 * 1024: the contract asks every server to read a 1 MiB body.",
  // Exactly Content-Length bytes.
  readPastLength:
    "More bytes followed the body in the same write, and they ended up in it: the body is exactly Content-Length bytes. Either the bytes after the head were taken whole, or the length was counted in characters (ü and ✓ are 2 and 3 bytes), which reaches past the body's end.",
  exactHint: "Hand over received.subarray(0, bodyLength), with bodyLength in bytes: not everything received, and not a count of characters.",
  // Bad JSON.
  cutJson: "For a body that is JSON cut short:",
  emptyBody: "For an empty body (Content-Length: 0):",
  notUtf8: "For a body with the byte FF in a string (no UTF-8 text has it):",
  replacedBadByte:
    'The byte FF is not UTF-8, so the body is not JSON text (RFC 8259 §8.1). Buffer.toString("utf8") turns it quietly into U+FFFD (�), and JSON.parse then reads valid JSON.',
  parseThrew: "A 500: JSON.parse threw, and nothing caught it.",
  zeroAsNoBody: "A 411 says the request had no Content-Length: your server took Content-Length: 0 for none. 0 is a length, the length of an empty body, and an empty body is not JSON.",
  catchHint: "JSON.parse throws on text that is not JSON: catch it, and answer json(400, { error: \"...\" }).",
  fatalHint: 'Decode with bodyText(request.body): new TextDecoder("utf-8", { fatal: true }) throws on bytes that are not UTF-8, where toString replaces them.',
  errorNotJson: (status: number) => `The ${status} is right, but its body is not a JSON object with an "error" string: every answer of /api/ is JSON.`,
  errorExpected: (status: number) => `${status}, Content-Type: application/json, and a body like {"error": "..."}`,
  errorHint: 'Answer errors with json(status, { error: "a sentence" }).',
  // Content-Type.
  forType: (type: string) => `For Content-Type: ${type}:`,
  forNoType: "For a POST without Content-Type:",
  typeIgnored: "The body was JSON, but the request did not say so: a server that takes what it is not told is taking a guess.",
  typeHint: 'Compare mediaType(request.headers["content-type"]) with JSON_TYPE, and answer 415 when they differ.',
  lookAlikeRefused: "Application/JSON; charset=UTF-8 is JSON: the media type is case-insensitive (RFC 9110 §8.3.1) and may carry parameters after a ;.",
  mediaTypeHint: 'Compare the media type, not the whole value: mediaType(value) takes the part before ";", trimmed and in lowercase.',
  // 411.
  noLengthAsEmpty: "A POST without Content-Length has no body, and this route needs one: that is 411 Length Required, which tells the client what to add.",
  lengthRequiredHint: "In the /api/echo route, first: if (request.body === null) return json(411, { error: \"A POST here needs a Content-Length\" });",
  // Bad lengths.
  forLengths: (lengths: string[]) => (lengths.length === 1 ? `For Content-Length: ${lengths[0]}:` : `For ${lengths.map((value) => `Content-Length: ${value}`).join(" and ")} (two fields):`),
  servedBadLength: "Your server answered 200: it read a length out of a value that is not one. Two programs that read such a length two ways read two different requests from the same bytes (request smuggling).",
  badLengthExpected: "400 Bad Request, and then the server closes the connection",
  badLengthHint: "contentLength must return null for anything but digits; then bodyFraming returns { status: 400 }.",
  keptOpenAfterBadLength: "The 400 came, but the connection stayed open: after a length it cannot read, a server cannot know where the next request starts, and MUST close.",
  zerosRefused: "007 is digits: its length is 7 (1*DIGIT allows leading zeros).",
  waitedForBadLength:
    "Your server read a length out of a value that is not one, and waited for that many bytes of body: a value that is not digits is a 400 at once, from the head.",
  sameTwiceHint: "The same length twice (5, 5) may be read as 5, or refused with 400; any other answer is wrong.",
  // 413.
  resetAfter413: (status: number | null) =>
    `${status === null ? "The connection was reset (TCP RST) before any answer reached the checker" : `Your server answered ${status}, and then reset the connection (TCP RST)`}, while the checker was still sending the body. A socket closed with bytes unread makes the kernel answer with a reset, and a client busy sending then gets an error (ECONNRESET, EPIPE) instead of the answer.`,
  tooLargeExpected: "413 Content Too Large, from the head alone, then the server's FIN: it closes its sending side and reads on until the client is done",
  resetHint: "Send the 413 with socket.end(response), not socket.destroy(): end closes your sending side and leaves the socket reading, and the 'data' listener drops what still comes (done = true).",
  waitedForHugeBody: (sent: number, status: number | null) =>
    `${status === 408 ? "A 408 Request Timeout, and no 413," : "No answer"} after ${KiB(sent)} of a body whose Content-Length says 64 MiB: your server waited for the body instead of refusing it, and a server's limit must be under 64 MiB. The head says how big the body is: refuse it before reading it.`,
  tooLargeHint: "In bodyFraming: if (bytes > MAX_BODY_BYTES) return { status: 413 }; the socket code answers it as soon as the head is complete.",
  // Transfer-Encoding.
  forChunked: "For a POST with Transfer-Encoding: chunked:",
  forBoth: "For a POST with Content-Length: 3 and Transfer-Encoding: chunked:",
  chunkedIgnored:
    "Your server answered 411: it ignored Transfer-Encoding and saw a POST without a length. The chunked body then stays in the connection, and a server that keeps connections open reads it as the next request.",
  lengthWonOverChunked:
    "Your server answered 200 with the body 3: it read the body by Content-Length and ignored Transfer-Encoding. A program in front of it that reads the chunked framing sees another request: that is how request smuggling starts (RFC 9112 §6.1, §11.2).",
  chunkedExpected: "501 (or 400) for a chunked body this phase does not read, 400 when a Content-Length is there too; then the server closes the connection",
  chunkedHint: "In bodyFraming, first: if (encoding !== undefined) return { status: length === undefined ? 501 : 400 };",
  keptOpenAfterChunked: "The connection stayed open after the answer: the body the server did not read is still in it, and would be read as the next request. The server MUST close.",
  // Expect.
  noContinue: (seconds: number) =>
    `Nothing came within ${seconds} s of a head with Expect: 100-continue. curl waits that second before it sends the body anyway, on every request with a big body.`,
  continueExpected: "HTTP/1.1 100 Continue and an empty line, at once; the final answer after the body (or an early final answer, for a request refused from its head)",
  continueHint: 'At TODO 5: if (request.headers.expect?.toLowerCase() === "100-continue" && request.line.version === "HTTP/1.1" && received.length < (bodyLength ?? 0)) socket.write(CONTINUE);',
  finalBeforeBody: (status: number | null) =>
    `Your server sent its final answer (${status ?? "unreadable"}) before the body it asked for: a client that waits for 100 Continue sends the body only after it. An early final answer is right only for a request refused from its head.`,
  interimNot100: (status: number) => `The interim answer is ${status}, not 100 Continue.`,
  afterContinue: (status: number | null) => `After the 100 Continue the checker sent the body, and the answer was ${status ?? "not a whole response"}, not the echo.`,
  continueThenBodyHint: "The 100 Continue is written with socket.write (not end): the connection stays open for the body, and the final answer comes after it.",
  forHttp10: "For an HTTP/1.0 POST with Expect: 100-continue:",
  continueToHttp10: "Your server sent 100 Continue to an HTTP/1.0 request. HTTP/1.0 has no interim answers: such a client reads the 100 as its answer.",
  http10Expected: "no 100: the final answer only, after the body",
  http10Hint: 'Send CONTINUE only when request.line.version === "HTTP/1.1".',
  // The form.
  forForm: (body: string) => `For the form ${body}:`,
  formDiffers: (got: string, want: string) => `The answer holds ${got}, where the form holds ${want}.`,
  formDecodedFirst: "%26 is a & inside a value and %2B a + (not a space): decoded before the split, %26 split the value in two and %2B became a space.",
  formSplitFirstHint: "Split first, decode after: parseQuery(bodyText(request.body)) splits on & and at the first =, then decodes each name and value once.",
  noFormRoute: "There is no route for POST /api/form yet.",
  noFormRouteHint: 'Register it at TODO 6: route("POST", "/api/form", (request) => { ... }).',
  formHint: "A form body is a query string: parseQuery(bodyText) reads it (+ is a space, each escape decoded once, a name without = has the value \"\").",
  formEscapeHint: "parseQuery returns null for a bad escape: answer json(400, { error: \"...\" }) then.",
  forJsonToForm: "For JSON sent to /api/form:",
  formTypeHint: 'The form route takes only "application/x-www-form-urlencoded": anything else is 415.',
  // Real clients.
  curlWaited: (curl: string, seconds: number) =>
    `${curl} printed "Done waiting for 100-continue": it waited ${seconds} s for an answer to its Expect, then sent the body anyway. Every big upload from curl is a second slower.`,
  clientGotOther: (client: string, status: string, got: string) => `${client} got ${status} and ${got}, not the value it sent.`,
  notJsonBody: "a body that is not JSON",
  clientFailed: (client: string, error: string) => `${client} failed: ${error}.`,
  unaskedContinue: (client: string, error: string) =>
    `${client} failed: ${error}. Your server sends HTTP/1.1 100 Continue to a request that did not ask for it (no Expect: 100-continue), as the same request sent by the checker shows below. fetch does not take 100 Continue at all and fails on one it did not ask for. RFC 9110 §15.2 says a client must be able to read an unexpected 1xx, but real clients break on it: this lab's rule is a 100 only to a request that asks for one.`,
  unaskedContinueEarly:
    "Your server sent HTTP/1.1 100 Continue after the head, to a request that did not ask for it (no Expect: 100-continue), and the checker stopped sending the body there, as at any early answer. Node's fetch does not take 100 Continue at all and fails on one it did not ask for. RFC 9110 §15.2 says a client must be able to read an unexpected 1xx, but real clients break on it: this lab's rule is a 100 only to a request that asks for one.",
  unaskedContinueExpected: "the final answer only: a 100 Continue goes only to a request with Expect: 100-continue",
  unaskedContinueHint: 'At TODO 5, send CONTINUE only when request.headers.expect?.toLowerCase() === "100-continue", the request is HTTP/1.1, and its body has not all come.',
  // Unit checks.
  unitLengthReturned: (call: string, shown: string) => `${call} returned ${shown}.`,
  unitLengthAccepted: (call: string, shown: string, says: string) => `${call} returned ${shown}: that is not a length.${says ? ` ${says}` : ""}`,
  twiceExpected: "5 (the same length twice is that length) or null (refused): both are allowed",
  zeroHint: "0 is a length: an empty body. Test for null (contentLength's no), not for a falsy value.",
  digitsOnlyHint: "Only digits are a length: test /^[0-9]+$/ before Number(), which reads 1e3, +5, 0x10 and \"\" too.",
  lengthMistakes: {
    numberExponent: "Number(\"1e3\") is 1000: Number() reads exponents.",
    parseIntPrefix: "parseInt reads the digits at the start and stops quietly at the first other character.",
    numberSign: "Number(\"+5\") is 5: Number() reads a sign.",
    negative: "A length is never negative: Content-Length is digits only.",
    numberHex: "Number(\"0x10\") is 16: Number() reads hexadecimal.",
    numberDecimal: "Number(\"4.0\") is 4: a length has no decimal point.",
    numberEmpty: "Number(\"\") is 0: an empty value is no length at all.",
    firstOfTwo: "Two different lengths: taking the first is a guess, and another program may take the other (request smuggling).",
    lastOfTwo: "Two different lengths: taking the last is a guess, and another program may take the other (request smuggling).",
  },
  unitFramingReturned: (call: string, shown: string, reason: string) => `${call} returned ${shown}. ${reason}`,
  framingCases: {
    noLength: "No Content-Length and no Transfer-Encoding: the request has no body, { length: null }.",
    length: "Content-Length: 12 is a body of 12 bytes, { length: 12 }.",
    zero: "Content-Length: 0 is a body of 0 bytes, { length: 0 }: an empty body is still a body.",
    invalid: "1e3 is not a length: { status: 400 }.",
    tooBig: "64 MiB is over MAX_BODY_BYTES: { status: 413 }, refused from the head alone.",
    chunked: "A chunked body is for phase 14: { status: 501 } (Not Implemented) until then.",
    both: "Transfer-Encoding and Content-Length together disagree about where the body ends: { status: 400 }.",
  },
  framingHints: {
    noLength: 'At TODO 2: if (headers["content-length"] === undefined) return { length: null };',
    length: 'At TODO 2: const bytes = contentLength(headers["content-length"] ?? ""); if (bytes === null) return { status: 400 }; return { length: bytes };',
    zero: "Test the length with === null: 0 is falsy, and still a length.",
    invalid: "When contentLength returns null, return { status: 400 }.",
    tooBig: "if (bytes > MAX_BODY_BYTES) return { status: 413 };",
    chunked: 'if (headers["transfer-encoding"] !== undefined) return { status: headers["content-length"] === undefined ? 501 : 400 };',
    both: 'if (headers["transfer-encoding"] !== undefined) return { status: headers["content-length"] === undefined ? 501 : 400 };',
  },
};

export const postChecks = {
  "post.unit-length": check("contentLength reads digits only, and a list of one value", [
    "Content-Length is 1*DIGIT (RFC 9110 §8.6): digits and nothing else. Number() and parseInt() both take things that are not.",
    "Split on \",\" (the field sent twice arrives joined: \"5, 5\"), take the spaces and tabs off each part, and refuse a list of different values; then test the one value with /^[0-9]+$/.",
    'At TODO 1: const lengths = new Set(value.split(",").map((each) => each.replace(/^[ \\t]+|[ \\t]+$/g, ""))); if (lengths.size !== 1) return null; const [digits] = [...lengths] as [string]; if (!/^[0-9]+$/.test(digits)) return null; return Number.isSafeInteger(Number(digits)) ? Number(digits) : null;',
  ]),
  "post.unit-framing": check("bodyFraming: no body, a length, or the status that refuses it", [
    "The head says how the body is framed before any of it is read: Content-Length, Transfer-Encoding, or neither (no body).",
    "In this order: Transfer-Encoding (501, or 400 beside a Content-Length); no Content-Length ({ length: null }); contentLength null (400); over MAX_BODY_BYTES (413); else the length.",
    'At TODO 2: const encoding = headers["transfer-encoding"]; const length = headers["content-length"]; if (encoding !== undefined) return { status: length === undefined ? 501 : 400 }; if (length === undefined) return { length: null }; const bytes = contentLength(length); if (bytes === null) return { status: 400 }; if (bytes > MAX_BODY_BYTES) return { status: 413 }; return { length: bytes };',
  ]),
  "post.echo": check("POST /api/echo sends the same JSON value back", [
    "The body follows the head: Content-Length bytes of it. The route gets them as request.body.",
    "At TODO 3, hand over exactly bodyLength bytes; at TODO 4, register POST /api/echo: parse the body's text with JSON.parse and answer json(200, value).",
    ECHO_ROUTE,
  ]),
  "post.body-pieces": check("reads a body that comes after the head, in pieces, cut inside a character", [
    "TCP delivers bytes, not messages: the body may come with the head, after it, or in many reads. Only Content-Length says where it ends.",
    "Keep appending chunks to received until it holds bodyLength bytes; decode the text once, when the body is whole (a character can be cut between reads).",
    "At TODO 3: if (received.length < (bodyLength ?? 0)) return; received = received.subarray(0, bodyLength ?? 0);",
  ]),
  "post.large": check("reads a 1 MiB body", [
    "A big body comes in many reads of 64 KiB or less: wait for all of it, however many reads that takes.",
    "MAX_BODY_BYTES must be at least 1 MiB, and the 'data' listener must keep appending until bodyLength bytes are there.",
  ]),
  "post.exact-length": check("the body is exactly Content-Length bytes: not the bytes after it", [
    "Content-Length counts bytes. What comes after them is not this body (on a kept connection, it is the next request: phase 11).",
    "Hand over received.subarray(0, bodyLength): exactly bodyLength bytes, counted as bytes.",
  ]),
  "post.bad-json": check("400 with a JSON error for a body that is not JSON, or not UTF-8", [
    "A client's mistake is a 400 that says what was wrong, never a crash or a 500.",
    "JSON.parse throws on what is not JSON: catch it. And decode with bodyText (fatal: it refuses bytes that are not UTF-8), not toString, which replaces them.",
    ECHO_ROUTE,
  ]),
  "post.content-type": check("415 for a body that is not JSON (Application/JSON; charset=utf-8 is JSON)", [
    "Content-Type says what the body is. A route that takes JSON refuses anything else with 415 Unsupported Media Type.",
    "Compare the media type only: the part before \";\", trimmed, in lowercase (mediaType does it).",
    ECHO_ROUTE,
  ]),
  "post.length-required": check("411 for a POST without Content-Length", [
    "Without Content-Length (and without Transfer-Encoding) a request has no body (RFC 9112 §6.3). This route needs one: 411 Length Required says what to add.",
    "bodyFraming gives { length: null } then, and the route gets request.body === null.",
    ECHO_ROUTE,
  ]),
  "post.bad-length": check("400 and a close for an invalid Content-Length (5, 5 may be served)", [
    "A length that is not digits, or two different lengths, cannot be read for sure: RFC 9112 §6.3 says answer 400 and close the connection.",
    "contentLength returns null for them, bodyFraming turns that into a 400 status, and the socket code answers with socket.end, which closes.",
  ]),
  "post.too-large": check("413 from the head alone, then a close in stages", [
    "The head says how big the body is. Over the limit, answer 413 at once: reading 64 MiB to refuse them wastes the time and memory the limit is there to save.",
    "bodyFraming returns a 413 status, and the socket code answers with socket.end (a FIN, not a reset), then drops what still comes.",
  ]),
  "post.transfer-encoding": check("501 for a chunked body, 400 beside a Content-Length, then a close", [
    "Transfer-Encoding: chunked frames the body in chunks (phase 14). Until the server reads them, it must refuse: 501. With a Content-Length too, the two framings disagree: 400.",
    "Either way the unread body is still in the connection: close it after the answer (RFC 9112 §6.1).",
    'At TODO 2, first: if (headers["transfer-encoding"] !== undefined) return { status: headers["content-length"] === undefined ? 501 : 400 };',
  ]),
  "post.expect": check("100 Continue before the body (or an early final answer); none for HTTP/1.0", [
    "A client that sends Expect: 100-continue waits for HTTP/1.1 100 Continue before it sends the body (curl waits 1 s, then sends it anyway).",
    "Write CONTINUE (a status line and an empty line) with socket.write when the head is complete, the request is HTTP/1.1, and its body has not all come.",
    'At TODO 5: if (request.headers.expect?.toLowerCase() === "100-continue" && request.line.version === "HTTP/1.1" && received.length < (bodyLength ?? 0)) socket.write(CONTINUE);',
  ]),
  "post.form": check("POST /api/form turns a form into JSON", [
    "A form (application/x-www-form-urlencoded) is a query string in the body: name=Ada&lang=ts.",
    "parseQuery from phase 8 reads it: answer json(200, fields), json(400, …) for a bad escape, 411 and 415 as for the echo.",
    'At TODO 6: route("POST", "/api/form", (request) => { if (request.body === null) return json(411, { error: "A POST here needs a Content-Length" }); if (mediaType(request.headers["content-type"]) !== "application/x-www-form-urlencoded") return json(415, { error: "Send a form" }); const text = bodyText(request.body); const fields = text === null ? null : parseQuery(text); if (fields === null) return json(400, { error: "The form is not UTF-8, or has a bad %-escape" }); return json(200, fields); });',
  ]),
  "client.curl-post": check("curl --data-binary with Expect: 100-continue gets the same JSON, without waiting", [
    "curl -v shows the whole exchange: the 100 Continue, the body going out, and the answer. Run the 'try it' line.",
    "\"Done waiting for 100-continue\" in curl's output means it waited a second for your server: see the 100 Continue check.",
  ]),
  "client.fetch-post": check("Node's fetch posts JSON and gets it back", [
    "fetch sends the body with a Content-Length in bytes; the checks above name what your server does with it.",
    "Run the 'try it' line: it prints what fetch got.",
  ]),
  "client.http-pieces": check("node:http writes a body in three pieces and gets it back", [
    "http.request sends each write as it comes: the body arrives in three reads, one cut inside a character.",
    "The body is whole only when Content-Length bytes have come, and it is decoded once, then.",
  ]),
};
