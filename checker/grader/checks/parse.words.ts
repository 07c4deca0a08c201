/**
 * The words of phase 2 (parse): the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

/** Phase 2 (checks/parse.ts). */
export const parseWords = {
  cannotImport: (name: string, error: string) => `The checker could not import your file to call ${name}: ${error}`,
  notExported: (name: string) => `Your file does not export a function named ${name}, so the checker cannot test it.`,
  notExportedHint: (name: string) => `Keep the word export in front of it: export function ${name}(...) { ... }`,
  threw: (call: string, message: string) => `${call} threw ${message}`,
  threwExpected: "a return value, never an exception",
  timeout: (call: string) => `${call} did not return within 2 s: is there a loop that never ends?`,
  cannotCall: (call: string, message: string) => `${call} could not be called: ${message}`,
  aBuffer: (bytes: number) => `a Buffer (${bytes} bytes)`,
  returned: (call: string, value: string) => `${call} returned ${value}.`,
  extraWord: "Its first line has four parts, not three: a word after the version. That is not a request line.",
  spaceInPath: "Its first line has four parts, not three: a space inside the path (a real client sends a space in a path as %20). That is not a request line.",
  twoSpaces: 'Its first line has two spaces in a row: split on single spaces it has four parts, one of them "", not three. That is not a request line.',
  threePartsHint: 'Split the first line on single spaces, split(" "), not on runs of whitespace, and return "" unless there are exactly three parts, none of them empty.',
  notHttp: '"Hello" is not a request line at all: parseRequest returns "" for it.',
  clientSentLine: (line: string) => `a client sent the line "${line}" and an empty line`,
  printedEmptyPath: (line: string) => `Your server printed "path: " (an empty path) for the line "${line}".`,
  printedPathOfGarbage: (path: string, line: string) => `Your server printed "path: ${path}" for the line "${line}".`,
  couldNotParseExpected: 'no "path:" line; a line that says the request could not be parsed (e.g. "Could not parse the request line")',
  printedEmptyPathHint:
    'parseRequest returns "" when it cannot read the request line, and "" is no path: check for it before you print, and print a line that says the request could not be parsed instead (TODO 3).',
  sentEndlessHead: "a client sent a head that never ends (1 MiB with no blank line)",
  endlessSent: (start: string, bytes: number) => `${start}aaaa… (${bytes} bytes, no blank line)`,
  endlessTryIt: (line: string) => `${line}\n(a head that never ends: Ctrl-C stops it)`,
  keptReading: (mebibytes: number, bytes: number) =>
    `Your server kept reading a head that never ends: ${mebibytes} MiB (${bytes} bytes) with no blank line went in, and it had not closed the connection a second later. ` +
    "It keeps every byte in its buffer, so a client that sends header bytes for ever fills the server's memory.",
  pathForEndlessHead: (path: string, bytes: number) =>
    `Your server printed "path: ${path}" for a head that never ended: ${bytes} bytes with no blank line. A head is complete only at its blank line; without one there is no request to handle.`,
  endlessExpected: "the connection closed once MAX_HEAD_BYTES (64 KiB) have arrived without a blank line, and no path line",
  endlessHint:
    "Check the size on every 'data' event while the blank line has not come: once received.length >= MAX_HEAD_BYTES, set done = true, print that the head is too big, and close with socket.end() (TODO 2).",
  sentOverCapHead: "a client sent a head over MAX_HEAD_BYTES (64 KiB) that ends",
  pathForCutAtCap: (path: string, bytes: number, cap: number) =>
    `Your server printed "path: ${path}" for a head of ${bytes} bytes, its blank line included: its first ${cap} bytes came alone, with no blank line yet, and then the rest with it. ` +
    `Two mistakes let it through. At ${cap} bytes (MAX_HEAD_BYTES) with no blank line the head is over the cap already, since its blank line makes it bigger still, but it was kept: the cap is tested with > where >= is meant. ` +
    `Then the blank line was found first, and the head was handled without a look at its size.`,
  pathForWholeOverCap: (path: string, bytes: number, over: number) =>
    `Your server printed "path: ${path}" for a head of ${bytes} bytes sent in one write, ${over} bytes over MAX_HEAD_BYTES. ` +
    "The cap counts the whole head, its blank line included, but once the blank line had come it was found first, and the head was handled without a look at its size.",
  pathForCutUnderCap: (path: string, bytes: number, first: number) =>
    `Your server printed "path: ${path}" for a head of ${bytes} bytes, its blank line included: its first ${first} bytes came alone (under the cap, no blank line yet), and then the rest with it. ` +
    "Your cap holds while the blank line has not come, but once it had come it was found first, and the head was handled without a look at its size.",
  overCapExpected: 'no "path:" line: the connection closed, since the head is over MAX_HEAD_BYTES (64 KiB), its blank line included',
  cutAtCapHint:
    "Two fixes at TODO 2. With no blank line yet, close once received.length >= MAX_HEAD_BYTES, not >. And when the blank line is found, look at the head's size first: its bytes up to the end of the blank line. Over MAX_HEAD_BYTES, close without a path line.",
  endedOverCapHint:
    "When the blank line is found, look at the head's size before you handle it: its bytes up to the end of the blank line. Over MAX_HEAD_BYTES, set done = true, print that the head is too big, and close without a path line (TODO 2).",
  heldAtCap: (cap: number, seconds: number, closedLater: boolean) =>
    `With exactly ${cap} bytes of a head (MAX_HEAD_BYTES) and no blank line yet, your server had not closed the connection ${seconds} s later${closedLater ? "; it closed only when more came" : ""}. ` +
    "But with no blank line yet, MAX_HEAD_BYTES are over the cap already, since the blank line makes the head bigger still: the cap is tested with > where >= is meant.",
  atCapSent: (start: string, bytes: number, seconds: number) => `${start}aaaa… (${bytes} bytes, no blank line; ${seconds} s later, more of it)`,
  atCapExpected: "the connection closed as soon as MAX_HEAD_BYTES (64 KiB) had arrived with no blank line",
  atCapHint: "While the blank line has not come, close once received.length >= MAX_HEAD_BYTES, not > (TODO 2): its blank line is still to come, so the head is over the cap already.",
  atCapTryIt: (line: string) => `${line}\n(a server that caps the head closes at once; one that waits for more leaves nc waiting: Ctrl-C stops it)`,
};

export const parseChecks = {
  "parse.unit-paths": check("parseRequest returns the path of the request line", [
    "The first line of a request is METHOD, path and version, separated by single spaces: GET /a/b?x=1 HTTP/1.1. Split off the first line, then split it by spaces.",
    "Lines may end with \\r\\n or with a bare \\n (nc sends \\n): split on \\n and trim a trailing \\r.",
    "In parseRequest: const parts = raw.split(\"\\n\")[0].replace(/\\r$/, \"\").split(\" \"); if (parts.length === 3 && parts[2].startsWith(\"HTTP/\")) return parts[1]; return \"\";",
  ]),
  "parse.unit-garbage": check('parseRequest returns "" for empty or garbled input, and never throws', [
    "Anyone can connect and send anything. Before you take parts[1], check that the line really has the shape METHOD path HTTP/version.",
    'Return "" unless the first line has exactly three parts, split on single spaces, none of them empty, and the third starts with "HTTP/".',
    'In parseRequest: const parts = raw.split(/\\r?\\n/)[0].split(" "); if (parts.length !== 3 || parts[0] === "" || parts[1] === "" || !parts[2].startsWith("HTTP/")) return ""; return parts[1];',
  ]),
  "parse.logs-path": check("prints the path of each request (path: /...)", [
    "Collect the chunks of a connection in a Buffer. Once it holds the blank line (\\r\\n\\r\\n or \\n\\n), handle the head once: print it, then `path: ${path}` from parseRequest, or a could-not-parse line when it returns \"\". Ignore every byte after the head. Close, with no path line, a head over MAX_HEAD_BYTES: the cap counts the whole head, its blank line included, ended or not.",
    "Keep two variables per connection, outside the 'data' handler: received (a Buffer; Buffer.concat([received, chunk]) appends) and done (false until the head is handled). The handler returns at once when done is true; then it appends, looks for the blank line (received.indexOf), and checks the head's size against MAX_HEAD_BYTES: up to the end of the blank line once it has come, received.length until then.",
    "At TODO 2, in place of the socket.once handler below it: let received = Buffer.alloc(0); let done = false; socket.on(\"data\", (chunk) => { if (done) return; received = Buffer.concat([received, chunk]); const blank = /\\r\\n\\r\\n|\\n\\n/.exec(received.toString(\"latin1\")); if (blank && blank.index + blank[0].length <= MAX_HEAD_BYTES) { done = true; const head = received.subarray(0, blank.index).toString(\"utf8\"); console.log(`--- Received ---\\n${head}\\n----------------`); const path = parseRequest(head); console.log(path === \"\" ? \"Could not parse the request line\" : `path: ${path}`); socket.end(); } else if (blank || received.length >= MAX_HEAD_BYTES) { done = true; console.log(\"Request head too big, closing the connection\"); socket.end(); } }); return;",
  ]),
  "parse.logs-garbage": check("prints no path for a request line it cannot read (Hello, four parts)", [
    'When parseRequest returns "", there is no path: print a line that says the request could not be parsed, never "path: ".',
    "A line is a request line only with exactly three parts, split on single spaces: \"GET /x  HTTP/1.1\" (two spaces) and \"GET /x HTTP/1.1 extra\" are not. Print what parseRequest returns, and nothing of your own.",
    'Where you print the path, look at it first: when parseRequest returned "", print "Could not parse the request line" (or your own words) and no path line at all.',
  ]),
  "parse.head-limit": check("refuses a head over MAX_HEAD_BYTES, ended or not, however the reads cut it", [
    "A client can send header bytes for ever, with no blank line, or a head far too big that does end. The cap, MAX_HEAD_BYTES (64 KiB), counts the whole head, its blank line included: a head over it gets no path line, and the connection is closed.",
    "In the 'data' handler, right after appending the chunk: once the blank line is there, the head's size is its bytes up to the end of the blank line, and over MAX_HEAD_BYTES it is refused. While the blank line is not there, refuse at received.length >= MAX_HEAD_BYTES (>=: the blank line would make the head bigger still).",
    "Find the blank line in received.toString(\"latin1\"), one character per byte, so that its index counts bytes. Handle the head only when the blank line is there and index + its length <= MAX_HEAD_BYTES. When it is there and the head is bigger, or received.length >= MAX_HEAD_BYTES with none, set done to true, print that the head is too big, and call socket.end().",
  ]),
};
