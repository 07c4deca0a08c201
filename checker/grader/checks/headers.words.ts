/**
 * The words of phase 7 (headers): its checks' titles and hints, and its findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

const KiB = (bytes: number): string => `${bytes % 1024 === 0 ? bytes / 1024 : (bytes / 1024).toFixed(1)} KiB`;

export const headersWords = {
  unitShown: (call: string, json: string) => `${call} returned ${json}:`,
  wireShown: "GET /headers answered a JSON object in which",
  notAnObject: (call: string, shown: string) => `${call} returned ${shown}, where the contract has an object: each field name in lowercase, with its value.`,
  keptCase: (shown: string, name: string) => `${shown} the name "${name}" is kept as it came. Field names are case-insensitive: store them in lowercase, so that a lookup of user-agent finds uSeR-aGeNt.`,
  missingField: (shown: string, name: string) => `${shown} the field "${name}" is missing.`,
  listValue: (shown: string, name: string) => `${shown} "${name}" is a list; the contract has one string, the values joined with ", ".`,
  wrongValue: (shown: string, name: string, got: string, want: string, says: string) => `${shown} "${name}" is ${got}, where the head says ${want}.${says ? ` ${says}` : ""}`,
  extraField: (shown: string, name: string) => `${shown} it has a field "${name}" that the head does not have.`,
  extraHint: "The first line of the head is the request line, not a field: start reading fields at the second line, and stop at the empty line.",
  cutAtColon: "The value was cut at a colon: split(\":\") cuts \"127.0.0.1:8000\" too.",
  firstColonHint: "Split a field line at its first colon only: const i = line.indexOf(\":\"); name = line.slice(0, i); value = line.slice(i + 1).",
  notTrimmed: "The spaces and tabs around the value were kept.",
  trimmedTooMuch: "The no-break space (U+00A0) at its end was taken off too: only spaces and tabs around a value are whitespace in HTTP (OWS), and .trim() takes every kind of Unicode space.",
  trimHint: "The value is what is between the colon and the line end, without the spaces and tabs around it: value.replace(/^[ \\t]+|[ \\t]+$/g, \"\") (.trim() would take other whitespace too).",
  inheritedName: (shown: string, name: string, got: string | null) =>
    `${shown} the field "${name}" is ${got === null ? "missing" : got}. A map made with {} has names of its own, inherited from Object.prototype: "${name}" in {} is true, and headers["__proto__"] = value sets the object's prototype instead of a field.`,
  inheritedHint: "Make the map with Object.create(null): it inherits nothing, so every field name, constructor and __proto__ too, is a key like any other (the skeleton's parseHeaders does).",
  lastWins: "Only the last of the three X-Tag lines was kept: each line overwrote the one before.",
  firstWins: "Only the first of the three X-Tag lines was kept.",
  joinedWithoutSpace: "The values were joined with \",\"; the contract joins them with \", \".",
  joinHint: "A field that comes several times is one list (RFC 9110 §5.3): when the name is already there, append \", \" and the new value instead of replacing it.",
  caseHint: "Make each name lowercase when you read it (name.toLowerCase()), and look fields up by their lowercase name.",
  noColon: "a line without a colon",
  spaceBeforeColon: "whitespace between a name and its colon",
  notToken: "a name that is not a token",
  emptyName: "an empty name",
  noHost: "no Host field (HTTP/1.1)",
  twoHosts: "two Host fields",
  hostUserinfo: "a Host with a user in it (user@127.0.0.1)",
  hostPath: "a Host with a path (127.0.0.1/path)",
  hostList: "a Host that lists two hosts (a, b)",
  hostIpv6: "a Host that is an IPv6 address with a port ([::1]:port)",
  hostEmpty: "an empty Host (what a client sends when the target has no host)",
  hostValueHint:
    "A Host value is host[:port] (RFC 9110 §7.2): a name, an IPv4 address or an IPv6 address in [ ], then maybe a colon and a port. Test the value with HOST_VALUE and answer 400 when it does not match: no user@, no path, no list.",
  http10NoHost: "no Host field, in HTTP/1.0 (which does not need one)",
  emptyValue: "a field with an empty value and one with colons in its value",
  acceptedMalformed: (call: string, shown: string, what: string) => `${call} returned ${shown} for a head with ${what}: the contract has null (the server answers 400).`,
  malformedHint: (what: string) =>
    `A head with ${what} is refused as a whole with 400 Bad Request: reading it some way would let two programs read the same bytes differently (that is how request smuggling works).`,
  foldMisread: (call: string, shown: string) => `${call} returned ${shown}: the line "  see: also" continues X-Folded (obs-fold).`,
  foldExpected: "400 Bad Request (null from parseHeaders), or X-Folded read as \"part-a see: also\"",
  nulInValue: "a NUL (\\0) in a value",
  crInValue: "a CR (\\r) in a value, not followed by \\n",
  controlKept: (call: string, shown: string, what: string) => `${call} returned ${shown} for a head with ${what}: it is kept in the value.`,
  controlUnitExpected: "null (the server answers 400), or X-Test read as \"val ue\"",
  controlWire: (what: string, status: number | null, value: string | null) =>
    `GET /headers with ${what} answered ${status ?? "without a status"}` +
    (value === null ? ", where the contract has 400 (or 200, the character read as a space)." : `, with X-Test as ${value}: the character is kept.`),
  controlWireExpected: "400 Bad Request, or 200 with X-Test read as \"val ue\"",
  controlHint:
    "A NUL or a CR inside a field value is read differently by different programs (one ends the value there, one keeps it). Refuse the head: in fieldLines, a line that holds \\0 or \\r makes it malformed (null), and the server answers 400. (Replacing each with a space is the RFC's other answer.)",
  foldHint: "A line that starts with a space or tab continues the field before it (obs-fold). Refuse the head with 400 (the simple choice), or join the line to the value before it with one space; never read it as a field of its own.",
  foldAsField: "GET /headers answered with a field \"see\": the line \"  see: also\" was read as a field of its own, but it continues X-Folded (obs-fold).",
  foldWire: (status: number | null, value: string | null) =>
    `GET /headers with a folded X-Folded answered ${status ?? "without a status"}${value === null ? "" : `, with X-Folded as ${value}`}.`,
  refusedEmptyValue: (call: string, shown: string) => `${call} returned ${shown}: an empty value is a well-formed field, and reads as "".`,
  emptyValueHint: "Only a line without a colon, a bad name or a fold makes a head malformed: \"X-Empty:\" has a name, a colon and an empty value.",
  lookAlikeHint: (what: string) => `A head with ${what} is well-formed: refuse only what the contract lists, and serve the rest.`,
  forHeadWith: (what: string) => `For a head with ${what}:`,
  afterBad: "malformed heads",
  uaEmpty: "The body is empty: the lookup did not find uSeR-aGeNt (names are case-insensitive).",
  uaDecoy: "That is the value of X-Original-User-Agent, sent before it: the lookup matched part of a name.",
  substringHint: "Look a field up by its whole name: parse the lines into name -> value first, then read headers[\"user-agent\"]; never search the head for the text \"user-agent\".",
  uaBody: (body: string, says: string) => `GET /user-agent answered ${body}.${says ? ` ${says}` : ""}`,
  uaType: (type: string) => `GET /user-agent answered with Content-Type: ${type || "(none)"}; the contract has text/plain.`,
  notJson: (error: string) => `GET /headers answered a body that is not JSON (${error}).`,
  jsonNotObject: (start: string) => `GET /headers answered JSON that is not an object: ${start}.`,
  jsonHint: "Answer JSON.stringify(request.headers) with Content-Type: application/json: the object parseHeaders returned.",
  jsonType: (type: string) => `GET /headers answered with Content-Type: ${type || "(none)"}; the contract has application/json.`,
  badLineLabel: "the request line \"GET /\"",
  forProbe: (label: string) => `For ${label}:`,
  missing: (label: string, fields: string[]) => `The response to ${label} has no ${fields.join(", no ")}.`,
  everyResponseExpected: (now: string) => `Date: ${now}, Server: <a name>, Content-Length, Content-Type (with a body), Connection: close in every response`,
  dateFormat: (date: string) => `Date in the IMF-fixdate form (it has Date: ${date})`,
  dateHint: "Add Date: new Date().toUTCString() in generateResponse, computed for each response: it gives \"Tue, 01 Dec 2026 16:50:34 GMT\".",
  dateFormatHint: "Date is an IMF-fixdate in GMT: \"Tue, 01 Dec 2026 16:50:34 GMT\". new Date().toUTCString() gives exactly that; toString() and toISOString() do not.",
  serverHint: "Add a Server field with your server's name, e.g. Server: http-lab/7, to every response.",
  lengthHint: "Every response carries Content-Length: the body's length in bytes (for HEAD, the GET body's).",
  typeHint: "A response with a body says what the body is: Content-Type: text/html; charset=utf-8 for the pages and errors.",
  connectionHint: "The server closes the connection after each response: say so with Connection: close in every one, errors too.",
  // Phase 11 on: the persistent rule.
  everyResponseExpectedKept: (now: string) =>
    `Date: ${now}, Server: <a name>, Content-Length, Content-Type (with a body); no Connection: close where the connection stays open, Connection: close after a refused head`,
  saidCloseToKept: (label: string) =>
    `The response to ${label} says Connection: close, but the request is HTTP/1.1 and did not ask to close: from phase 11 on, such a connection stays open for the next request.`,
  keptCloseHint: "Answer with the Connection field persistent() decides: none (or keep-alive) for an HTTP/1.1 request that did not say close.",
  refusedNotClose: (label: string) =>
    `The response to ${label} does not say Connection: close: after a head it refuses, the server cannot know where the next request starts, so it closes, and says so.`,
  refusedCloseHint: "A refused head still ends the connection: answer it with Connection: close, and close.",
  dateUnreadable: (raw: string) => `The Date "${raw}" is not an IMF-fixdate.`,
  dateFrozen: (first: string, second: string, apart: string) =>
    `Two answers ${apart} s apart have Dates "${first}" and "${second}": the Date did not move on. It is computed once (at start?), not for each response.`,
  dateFrozenHint: "Compute the Date inside generateResponse, each time it builds a response: new Date().toUTCString().",
  dateLocal: (got: string, now: string) =>
    `The Date says "${got}", where the checker's clock says ${now}: 5 h 30 min apart, the time zone this server runs in (TZ=Asia/Kolkata, UTC+5:30). It is local time labelled GMT.`,
  dateLocalHint: "Write the time in GMT: new Date().toUTCString() (in Python email.utils.formatdate(usegmt=True)), not a local-time format with \"GMT\" after it.",
  dateOff: (got: string, now: string, seconds: number) => `The Date says "${got}", where the checker's clock (the same machine's) says ${now}: ${Math.abs(seconds)} s ${seconds < 0 ? "behind" : "ahead"}.`,
  dateExpected: (now: string) => `Date: ${now} (give or take a second)`,
  dateMovedOnExpected: (first: string, now: string) => `Date: ${now}: later than the first answer's "${first}", made for this response`,
  limitTooSmall: (bytes: number) => `A head of ${KiB(bytes)} got 431: this lab asks a server to serve heads up to 16 KiB (browsers send that much, with cookies).`,
  limitTooSmallHint: "Raise the head limit to somewhere between 16 KiB and 64 KiB (this lab's solution: 32 KiB), counting the whole head.",
  servedExpected: "HTTP/1.1 200 OK (a 16 KiB head is served)",
  forBigHead: (bytes: number) => `For a head of ${KiB(bytes)}:`,
  servedTooBig: (bytes: number) => `A head of ${KiB(bytes)} was served: this lab's limit is at most 64 KiB, so that no client can make the server hold a head as big as it likes.`,
  servedAfterCut: (bytes: number, first: number) =>
    `A head of ${KiB(bytes)}, its first ${KiB(first)} sent alone and then the rest, was served: at ${KiB(first)} with no end yet the head was already over every limit this lab allows (its end makes it longer still), and when the rest came, ended, it was still too big.`,
  cutHint:
    "Test the size in both cases: a head that has ended but is over MAX_HEAD_BYTES (found.size), and MAX_HEAD_BYTES or more with no end yet (>=, not >: the end is still to come, so the head is already over). Either gets 431.",
  tooBigExpected: "HTTP/1.1 431 Request Header Fields Too Large, with a body, then the server's close (a FIN, not a reset)",
  tooBigHint:
    "Count the bytes of the head as they come (request line and line ends included); past your limit, answer 431 Request Header Fields Too Large with socket.end, and read and drop what still comes, so that the close is not a reset.",
  resetAfterAnswer: (status: number | null) =>
    `${status === null ? "the connection was reset (TCP RST) before any answer reached the checker" : `the server answered ${status}, and then reset the connection (TCP RST)`}, while the checker was still sending the head. A socket closed with bytes unread makes the kernel answer with a reset, and a client busy sending then gets an error (ECONNRESET, EPIPE) instead of the answer: the answer is lost on the way.`,
  resetExpected: (status: number) => `HTTP/1.1 ${status} ..., then the server's FIN: it closes its sending side, and reads on until the client is done`,
  resetHint:
    "Send the answer with socket.end(answer), not socket.destroy(): end closes your sending side and leaves the socket reading. Keep the 'data' listener, and let it drop what still comes (done = true); close for good only later (DRAIN_MS).",
  afterBig: "heads of 16, 1024 and 64.5 KiB",
  forTarget: (bytes: number) => `For a target of ${bytes < 10_000 ? `${bytes} bytes` : KiB(bytes)}:`,
  forMethod: (bytes: number) => `For a method of ${bytes} bytes:`,
  longTargetServedHint: "A target of 8000 bytes is one the server parses: RFC 9112 §3 recommends request lines of 8000 bytes at least, and the contract parses targets up to MAX_TARGET_BYTES (8 KiB).",
  longTargetHint:
    "In answer, right after the request line is read: a target longer than MAX_TARGET_BYTES gets 414 URI Too Long (RFC 9112 §3: MUST), whatever the rest of the head is. Count bytes: Buffer.byteLength(line.target).",
  longLineHint:
    "When a head passes the limit because its request line alone is too long, say that: tooBigStatus looks at the line so far, and a target longer than MAX_TARGET_BYTES gets 414 URI Too Long (RFC 9112 §3: MUST), not 431.",
  longMethodHint:
    "No method this server knows is longer than LONGEST_METHOD (7 letters): in tooBigStatus, a request line whose first word is longer gets 501 Not Implemented (RFC 9112 §3 says SHOULD), as an unknown method does.",
  statusExpected: (status: number) => `HTTP/1.1 ${status} ..., with a body, then the server's close`,
  afterLongLine: "request lines of 12 and 100 KiB",
  endlessNoAnswer: (bytes: number, status: number | null, grewMiB: number | null) =>
    `The checker sent ${Math.round(bytes / 1024)} KiB of a head that never ends, and got ${status === null ? "no answer" : `only ${status}`} while it sent: the server kept collecting it.` +
    (grewMiB === null ? "" : ` Meanwhile its memory grew by ${grewMiB.toFixed(1)} MiB.`) +
    " A client can send a head without end: the server must stop at its limit, not at the empty line.",
  endlessEndedNote: "nothing; later the server ended the connection, without an answer (a FIN or a reset)",
  endlessNot431: (bytes: number, status: number | null, ending: string) =>
    `After ${Math.round(bytes / 1024)} KiB of a head that never ends, the server ${status === null ? (ending === "server-reset" ? "reset the connection" : "closed the connection") : `answered ${status}`} without a 431.`,
  endlessExpected: "HTTP/1.1 431 Request Header Fields Too Large, as soon as the head passes the limit (at most 64 KiB)",
  endlessHint: "Check the size on every 'data' event, before the empty line has come: once the buffer holds MAX_HEAD_BYTES without an end of head, answer 431 and stop keeping what comes.",
  forEndless: "For a head that never ends:",
  afterEndless: "a head that never ends",
  endlessTryIt: (line: string) => `${line}\n(an endless head: Ctrl-C stops it)`,
  headHeld: (ms: number) =>
    `The checker sent a head a byte every 0.1 s, never its end, and ${(ms / 1000).toFixed(1)} s after it connected the server still held the connection. A head gets 1 s in all: a client that sends slowly on purpose (slowloris) would otherwise hold connections as long as it likes.`,
  headHeldExpected: (ms: number) => `the server closes the connection ${(ms / 1000).toFixed(0)} s after it opened, whole head or not`,
  headHeldHint:
    "Start a plain timer when the connection opens: setTimeout(() => { if (!done) socket.destroy(); }, HEAD_TIMEOUT_MS). Not socket.setTimeout: that is an idle timer, and every byte starts it again. (In the skeleton, setTimeout from node:timers/promises is imported as sleep, so the global setTimeout is the timer.)",
  drainHeld: (ms: number) =>
    `After its answer (and its FIN), the server went on reading: the checker sent a byte every 0.1 s, and ${(ms / 1000).toFixed(1)} s after the answer the connection was still not closed for good. Reading on after an answer is right, but for a while only: a client that never stops would hold the connection for ever.`,
  drainHeldNote: "then the server's FIN, its sending side closed; it went on reading, and never closed for good",
  drainHeldExpected: (ms: number) => `the server closes the connection for good ${(ms / 1000).toFixed(0)} s after its answer, whatever still comes`,
  drainHeldHint:
    "Once the answer is out, the socket emits \"finish\": start a plain timer there, socket.once(\"finish\", () => setTimeout(() => socket.destroy(), DRAIN_MS)). socket.setTimeout is an idle timer: each byte the client sends starts it again, so it never fires.",
  dripTryIt: (line: string) => `${line}\n(nc returns when the server lets go; Ctrl-C stops it)`,
  afterDeadlines: "two clients that sent a byte every 0.1 s",
};

export const headersChecks = {
  "headers.unit-parse": check("parseHeaders reads names in any case, values with colons, and repeated fields", [
    "fieldLines(head), TODO 1, reads each line after the request line as name: value, and returns the pairs [name in lowercase, value]; parseHeaders joins them into one object.",
    "Split each line at its first colon; the value is the rest, without the spaces and tabs around it (not .trim(): a no-break space at its end belongs to the value).",
    "In fieldLines, its whole body (split at the first colon; the lines that return null are the next check's): const fields: Array<[string, string]> = []; for (const line of head.split(/\\r?\\n/).slice(1)) { if (/^[ \\t]/.test(line)) return null; if (/[\\0\\r]/.test(line)) return null; const colon = line.indexOf(\":\"); if (colon === -1 || !TOKEN.test(line.slice(0, colon))) return null; fields.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).replace(/^[ \\t]+|[ \\t]+$/g, \"\")]); } return fields;",
  ]),
  "headers.unit-malformed": check("parseHeaders returns null for a line it cannot read (no colon, space before it, bad name, obs-fold, NUL or CR)", [
    "A head with a broken field line is refused as a whole: fieldLines returns null, and the server answers 400 (TODO 2).",
    "A name is a token (TOKEN): at least one of its characters, and a space before the colon makes it no token. A line that starts with a space or tab is an obs-fold. A NUL or a CR inside a line is refused too.",
    "In fieldLines, its whole body (a line it cannot read returns null): const fields: Array<[string, string]> = []; for (const line of head.split(/\\r?\\n/).slice(1)) { if (/^[ \\t]/.test(line)) return null; if (/[\\0\\r]/.test(line)) return null; const colon = line.indexOf(\":\"); if (colon === -1 || !TOKEN.test(line.slice(0, colon))) return null; fields.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).replace(/^[ \\t]+|[ \\t]+$/g, \"\")]); } return fields;",
  ]),
  "headers.bad": check("answers 400 for a malformed head, for a missing or doubled Host, and for a Host that is not host[:port]; serves the look-alikes", [
    "A head with a broken field line, an HTTP/1.1 request without Host, one with two Hosts, or one whose Host is not host[:port]: 400 Bad Request (RFC 9112 §3.2 and §5.1 say MUST).",
    "In answer (TODO 2), after the version: fieldLines(head) is null → 400; count the fields named host → not exactly one in HTTP/1.1, or more than one in any version → 400; the one Host's value does not match HOST_VALUE → 400.",
    "At TODO 2: const fields = fieldLines(head); if (!fields) return generateResponse(error(400), isHead); const hosts = fields.filter(([name]) => name === \"host\"); if (line.version === \"HTTP/1.1\" ? hosts.length !== 1 : hosts.length > 1) return generateResponse(error(400), isHead); if (hosts.length === 1 && !HOST_VALUE.test(hosts[0]![1])) return generateResponse(error(400), isHead);",
  ]),
  "headers.obs-fold": check("a folded field line (obs-fold) is refused with 400, or joined to the field before it", [
    "A line that starts with a space or tab continues the field before it: the old obs-fold. RFC 9112 §5.2 lets a server refuse it (400) or join it with a space.",
    "Never read such a line as a field of its own: \"  see: also\" is not a field named see.",
    "In fieldLines, its whole body (a line that starts with a space or tab returns null, and the server then answers 400): const fields: Array<[string, string]> = []; for (const line of head.split(/\\r?\\n/).slice(1)) { if (/^[ \\t]/.test(line)) return null; if (/[\\0\\r]/.test(line)) return null; const colon = line.indexOf(\":\"); if (colon === -1 || !TOKEN.test(line.slice(0, colon))) return null; fields.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).replace(/^[ \\t]+|[ \\t]+$/g, \"\")]); } return fields;",
  ]),
  "headers.controls": check("a NUL or a bare CR in a field value is refused with 400, or read as a space", [
    "A NUL (\\0) or a CR (\\r) inside a field value is read differently by different programs. RFC 9110 §5.5 says: refuse the request (400), or replace each with a space.",
    "In fieldLines, a line that holds \\0 or \\r makes the head malformed (null), and the server answers 400.",
    "In fieldLines, its whole body (a line that holds \\0 or \\r returns null, and the server then answers 400): const fields: Array<[string, string]> = []; for (const line of head.split(/\\r?\\n/).slice(1)) { if (/^[ \\t]/.test(line)) return null; if (/[\\0\\r]/.test(line)) return null; const colon = line.indexOf(\":\"); if (colon === -1 || !TOKEN.test(line.slice(0, colon))) return null; fields.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).replace(/^[ \\t]+|[ \\t]+$/g, \"\")]); } return fields;",
  ]),
  "headers.user-agent": check("GET /user-agent answers the User-Agent, found by its name in any case", [
    "GET /user-agent answers the request's User-Agent value as text/plain, the lookup by the whole name, in lowercase.",
    "Hand the parsed headers to dispatch, and from there to the handler: request.headers[\"user-agent\"].",
    "At TODO 3: route(\"GET\", \"/user-agent\", (request) => ({ status: 200, type: \"text/plain; charset=utf-8\", body: request.headers[\"user-agent\"] ?? \"\" }));",
  ]),
  "headers.json": check("GET /headers answers the request's fields as a JSON object", [
    "GET /headers answers JSON.stringify of the parsed fields, with Content-Type: application/json.",
    "The fields come from the whole head, whatever the reads: parse them after the empty line has arrived.",
    "At TODO 3: route(\"GET\", \"/headers\", (request) => ({ status: 200, type: \"application/json\", body: JSON.stringify(request.headers) }));",
  ]),
  "headers.every-response": check("every response has Date, Server, Content-Length, Content-Type and Connection: close", [
    "Every response, errors and HEAD answers too, carries the same fields: build them in one place, generateResponse.",
    "Date: new Date().toUTCString(), made for each response; Server: SERVER_NAME. Content-Type (with a body), Content-Length and Connection: close are there already.",
    "In generateResponse, its whole body, with the two lines right after the status line: const body = Buffer.from(reply.body, \"utf8\"); const lines = [`HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? \"\"}`, `Date: ${new Date().toUTCString()}`, `Server: ${SERVER_NAME}`, ...(body.length > 0 ? [`Content-Type: ${reply.type ?? HTML}`] : []), ...Object.entries(reply.headers ?? {}).map(([name, value]) => `${name}: ${value}`), `Content-Length: ${body.length}`, \"Connection: close\"]; const bytes = Buffer.from(lines.join(\"\\r\\n\") + \"\\r\\n\\r\\n\", \"utf8\"); return head ? bytes : Buffer.concat([bytes, body]);",
  ]),
  // The same check from phase 11 on, where the connection stays open unless the answer ends it.
  "headers.every-response-kept": check("every response has Date, Server, Content-Length, Content-Type, and Connection: close only when it closes", [
    "Every response, errors and HEAD answers too, carries the same fields: build them in one place, generateResponse.",
    "From phase 11 on, Connection: close goes only on an answer that ends the connection: a refused head, or a request that asked to close.",
  ]),
  "headers.date": check("Date is now, in GMT, computed for each response", [
    "The Date tells when the response was made: now, in GMT, computed again for every response.",
    "The checker runs your server in the time zone Asia/Kolkata (UTC+5:30): a Date in local time is 5 h 30 min off.",
    "In generateResponse, its whole body (the Date made there, for each response, not in a constant made at start): const body = Buffer.from(reply.body, \"utf8\"); const lines = [`HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? \"\"}`, `Date: ${new Date().toUTCString()}`, `Server: ${SERVER_NAME}`, ...(body.length > 0 ? [`Content-Type: ${reply.type ?? HTML}`] : []), ...Object.entries(reply.headers ?? {}).map(([name, value]) => `${name}: ${value}`), `Content-Length: ${body.length}`, \"Connection: close\"]; const bytes = Buffer.from(lines.join(\"\\r\\n\") + \"\\r\\n\\r\\n\", \"utf8\"); return head ? bytes : Buffer.concat([bytes, body]);",
  ]),
  "headers.big": check("serves a 16 KiB head, and answers 431 to one over its limit (at most 64 KiB), then closes without a reset", [
    "A server has a limit for the head, between 16 KiB and 64 KiB here; over it, ended or not, the answer is 431 Request Header Fields Too Large, and then a close that is not a reset.",
    "The skeleton's 'data' handler already finds the heads over MAX_HEAD_BYTES (its second branch), and closes them without a word. Answer there instead, with socket.end (not socket.destroy: the client is still sending, and its next bytes would get a reset). Empty received, and let done drop what still comes.",
    "At TODO 5, in the 'data' handler, before its if/else (which then serves only heads that fit): if (found ? found.size > MAX_HEAD_BYTES : received.length >= MAX_HEAD_BYTES) { done = true; const status = tooBigStatus(received); received = Buffer.alloc(0); socket.end(generateResponse(error(status))); return; }",
  ]),
  "headers.long-line": check("answers 414 to a target longer than 8 KiB and 501 to a method longer than any it knows; parses a target of 8000 bytes", [
    "RFC 9112 §3: a target longer than the server parses gets 414 URI Too Long (a MUST), a method longer than any the server implements 501 Not Implemented (a SHOULD). This server parses targets up to MAX_TARGET_BYTES (8 KiB).",
    "Two places (TODO 5). In answer, a whole head whose target is over MAX_TARGET_BYTES gets 414, before the version is looked at. In tooBigStatus, a head over the limit whose request line alone is too long gets 501 (first word over LONGEST_METHOD) or 414 (target over MAX_TARGET_BYTES), not 431.",
    "In tooBigStatus, its whole body (and in answer at TODO 5, before the version check, return generateResponse(error(414), isHead) when Buffer.byteLength(line.target) > MAX_TARGET_BYTES): const lineEnd = received.indexOf(\"\\n\"); const line = lineEnd === -1 ? received : received.subarray(0, lineEnd); const space = line.indexOf(\" \"); if ((space === -1 ? line.length : space) > LONGEST_METHOD) return 501; const targetEnd = line.indexOf(\" \", space + 1); if ((targetEnd === -1 ? line.length : targetEnd) - (space + 1) > MAX_TARGET_BYTES) return 414; return 431;",
  ]),
  "headers.endless": check("answers 431 to a head that never ends, without waiting for its end", [
    "A client may send a head without end. Waiting for the empty line means keeping all of it in memory.",
    "On each 'data' event: no end of head yet and MAX_HEAD_BYTES or more received? Answer 431 now (the skeleton's second branch does not wait for found), and drop what comes after.",
    "At TODO 5, in the 'data' handler, before its if/else (a head over the cap is answered at once, ended or not, and nothing more of it is kept): if (found ? found.size > MAX_HEAD_BYTES : received.length >= MAX_HEAD_BYTES) { done = true; const status = tooBigStatus(received); received = Buffer.alloc(0); socket.end(generateResponse(error(status))); return; }",
  ]),
  "headers.deadlines": check("lets go of a client that sends a byte at a time: 1 s for the whole head, 1 s of reading after the answer", [
    "A client can send a byte every 0.1 s and never finish. socket.setTimeout does not stop it: it is an idle timer, and each byte starts it again. Use deadlines: plain timers (setTimeout), each started once.",
    "At TODO 6: a timer of HEAD_TIMEOUT_MS that destroys the socket unless the head has come (done); and once the answer is out (the socket's \"finish\" event), a timer of DRAIN_MS that destroys it.",
    "At TODO 6: setTimeout(() => { if (!done) socket.destroy(); }, HEAD_TIMEOUT_MS); socket.once(\"finish\", () => setTimeout(() => socket.destroy(), DRAIN_MS));",
  ]),
};
