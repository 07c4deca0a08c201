/**
 * The words of phase 7 (headers): its checks' titles and hints, and its findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

const KiB = (bytes: number): string => `${Math.round(bytes / 1024)} KiB`;

export const headersWords = {
  unitShown: (call: string, json: string) => `${call} returned ${json}:`,
  wireShown: "GET /headers answered a JSON object that",
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
  trimHint: "The value is what is between the colon and the line end, without the spaces and tabs around it: value.replace(/^[ \\t]+|[ \\t]+$/g, \"\") (.trim() would take other whitespace too).",
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
  http10NoHost: "no Host field, in HTTP/1.0 (which does not need one)",
  emptyValue: "a field with an empty value and one with colons in its value",
  acceptedMalformed: (call: string, shown: string, what: string) => `${call} returned ${shown} for a head with ${what}: the contract has null (the server answers 400).`,
  malformedHint: (what: string) =>
    `A head with ${what} is refused as a whole with 400 Bad Request: reading it some way would let two programs read the same bytes differently (that is how request smuggling works).`,
  foldMisread: (call: string, shown: string) => `${call} returned ${shown}: the line "  see: also" continues X-Folded (obs-fold).`,
  foldExpected: "400 Bad Request (null from parseHeaders), or X-Folded read as \"part-a see: also\"",
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
  dateUnreadable: (raw: string) => `The Date "${raw}" is not an IMF-fixdate.`,
  dateFrozen: (first: string, second: string, apart: string) =>
    `Two answers ${apart} s apart have Dates "${first}" and "${second}": the Date did not move on. It is computed once (at start?), not for each response.`,
  dateFrozenHint: "Compute the Date inside generateResponse, each time it builds a response: new Date().toUTCString().",
  dateLocal: (got: string, now: string) =>
    `The Date says "${got}", where the checker's clock says ${now}: 5 h 30 min apart, the time zone this server runs in (TZ=Asia/Kolkata, UTC+5:30). It is local time labelled GMT.`,
  dateLocalHint: "Write the time in GMT: new Date().toUTCString() (in Python email.utils.formatdate(usegmt=True)), not a local-time format with \"GMT\" after it.",
  dateOff: (got: string, now: string, seconds: number) => `The Date says "${got}", where the checker's clock (the same machine's) says ${now}: ${Math.abs(seconds)} s ${seconds < 0 ? "behind" : "ahead"}.`,
  dateExpected: (now: string) => `Date: ${now} (give or take a second)`,
  limitTooSmall: (bytes: number) => `A head of ${KiB(bytes)} got 431: this lab asks a server to serve heads up to 16 KiB (browsers send that much, with cookies).`,
  limitTooSmallHint: "Raise the head limit to somewhere between 16 KiB and 64 KiB (this lab's solution: 32 KiB), counting the whole head.",
  servedExpected: "HTTP/1.1 200 OK (a 16 KiB head is served)",
  forBigHead: (bytes: number) => `For a head of ${KiB(bytes)}:`,
  servedTooBig: (bytes: number) => `A head of ${KiB(bytes)} was served: this lab's limit is at most 64 KiB, so that no client can make the server hold a head as big as it likes.`,
  tooBigExpected: "HTTP/1.1 431 Request Header Fields Too Large, with a body",
  tooBigHint: "Count the bytes of the head as they come (request line and line ends included); past your limit, answer 431 Request Header Fields Too Large, and read and drop what still comes so that the close is not a reset.",
  afterBig: "heads of 16 and 70 KiB",
  endlessNoAnswer: (bytes: number, status: number | null, grewMiB: number | null) =>
    `The checker sent ${KiB(bytes)} of a head that never ends, and got ${status === null ? "no answer" : `only ${status}`} while it sent: the server kept collecting it.` +
    (grewMiB === null ? "" : ` Meanwhile its memory grew by ${grewMiB.toFixed(1)} MiB.`) +
    " A client can send a head without end: the server must stop at its limit, not at the empty line.",
  endlessNot431: (bytes: number, status: number | null, ending: string) =>
    `After ${KiB(bytes)} of a head that never ends, the server ${status === null ? (ending === "server-reset" ? "reset the connection" : "closed the connection") : `answered ${status}`} without a 431.`,
  endlessExpected: "HTTP/1.1 431 Request Header Fields Too Large, as soon as the head passes the limit (at most 64 KiB)",
  endlessHint: "Check the size on every 'data' event, before the empty line has come: once the buffer passes the limit without an end of head, answer 431 and stop keeping what comes.",
  afterEndless: "a head that never ends",
  endlessTryIt: (line: string) => `${line}\n(an endless head: Ctrl-C stops it)`,
};

export const headersChecks = {
  "headers.unit-parse": check("parseHeaders reads names in any case, values with colons, and repeated fields", [
    "parseHeaders(head) skips the request line and reads each next line as name: value, into an object keyed by the name in lowercase.",
    "Split each line at its first colon; the value is the rest, without the spaces and tabs around it. A name already there gets \", \" and the new value appended.",
    "const i = line.indexOf(\":\"); const name = line.slice(0, i).toLowerCase(); const value = line.slice(i + 1).replace(/^[ \\t]+|[ \\t]+$/g, \"\"); headers[name] = name in headers ? `${headers[name]}, ${value}` : value;",
  ]),
  "headers.unit-malformed": check("parseHeaders returns null for a line it cannot read (no colon, space before it, bad name, obs-fold)", [
    "A head with a broken field line is refused as a whole: parseHeaders returns null, and the server answers 400.",
    "A name is a token: letters, digits and !#$%&'*+-.^_`|~ only, at least one; a space before the colon makes it no token. A line starting with a space or tab is an obs-fold.",
    "if (/^[ \\t]/.test(line)) return null; const i = line.indexOf(\":\"); if (i === -1 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(line.slice(0, i))) return null;",
  ]),
  "headers.user-agent": check("GET /user-agent answers the User-Agent, found by its name in any case", [
    "GET /user-agent answers the request's User-Agent value as text/plain, the lookup by the whole name, in lowercase.",
    "Hand the parsed headers to dispatch, and from there to the handler: request.headers[\"user-agent\"].",
    "route(\"GET\", \"/user-agent\", (request) => ({ status: 200, type: \"text/plain; charset=utf-8\", body: request.headers[\"user-agent\"] ?? \"\" }));",
  ]),
  "headers.json": check("GET /headers answers the request's fields as a JSON object", [
    "GET /headers answers JSON.stringify of the parsed fields, with Content-Type: application/json.",
    "The fields come from the whole head, whatever the reads: parse them after the empty line has arrived.",
    "route(\"GET\", \"/headers\", (request) => ({ status: 200, type: \"application/json\", body: JSON.stringify(request.headers) }));",
  ]),
  "headers.every-response": check("every response has Date, Server, Content-Length, Content-Type and Connection: close", [
    "Every response, errors and HEAD answers too, carries the same fields: build them in one place, generateResponse.",
    "Date: new Date().toUTCString(); Server: a name for your server; Content-Type when there is a body; Content-Length; Connection: close.",
    "const lines = [statusLine, `Date: ${new Date().toUTCString()}`, \"Server: http-lab/7\", `Content-Type: ${type}`, `Content-Length: ${body.length}`, \"Connection: close\"];",
  ]),
  "headers.date": check("Date is now, in GMT, computed for each response", [
    "The Date tells when the response was made: now, in GMT, computed again for every response.",
    "The checker runs your server in the time zone Asia/Kolkata (UTC+5:30): a Date in local time is 5 h 30 min off.",
    "`Date: ${new Date().toUTCString()}` inside generateResponse (not in a constant made at start).",
  ]),
  "headers.bad": check("answers 400 for a malformed head and for a missing or doubled Host, and serves the look-alikes", [
    "A head with a broken field line, an HTTP/1.1 request without Host, or one with two Hosts: 400 Bad Request (RFC 9112 §3.2 and §5.1 say MUST).",
    "Check the fields after the request line and version: parseHeaders returns null → 400; count the Host lines → not exactly one in HTTP/1.1 → 400.",
    "const hosts = lines.filter((l) => l.toLowerCase().startsWith(\"host:\")).length; if (version === \"HTTP/1.1\" && hosts !== 1) return generateResponse(error(400));",
  ]),
  "headers.obs-fold": check("a folded field line (obs-fold) is refused with 400, or joined to the field before it", [
    "A line that starts with a space or tab continues the field before it: the old obs-fold. RFC 9112 §5.2 lets a server refuse it (400) or join it with a space.",
    "Never read such a line as a field of its own: \"  see: also\" is not a field named see.",
    "if (/^[ \\t]/.test(line)) return null;  // in parseHeaders: the server then answers 400",
  ]),
  "headers.big": check("serves a 16 KiB head, and answers 431 to one over its limit (at most 64 KiB)", [
    "A server has a limit for the head, between 16 KiB and 64 KiB here; over it, the answer is 431 Request Header Fields Too Large.",
    "Count the whole head, request line and line ends included, and compare with the limit on every 'data' event.",
    "if (received.length > MAX_HEAD_BYTES) { socket.end(generateResponse(error(431))); done = true; }",
  ]),
  "headers.endless": check("answers 431 to a head that never ends, without waiting for its end", [
    "A client may send a head without end. Waiting for the empty line means keeping all of it in memory.",
    "On each 'data' event: no end of head yet and more than the limit received? Answer 431 now, and drop what comes after.",
    "received = Buffer.concat([received, chunk]); if (!findHead(received) && received.length > MAX_HEAD_BYTES) { done = true; received = Buffer.alloc(0); socket.end(generateResponse(error(431))); }",
  ]),
};
