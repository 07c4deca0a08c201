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
  endlessTryIt: (line: string) => `${line}\n(a head that never ends: Ctrl-C stops it)`,
  keptReading: (mebibytes: number, bytes: number) =>
    `Your server kept reading a head that never ends: ${mebibytes} MiB (${bytes} bytes) with no blank line went in, and it had not closed the connection a second later. ` +
    "It keeps every byte in its buffer, so a client that sends header bytes for ever fills the server's memory.",
  pathForEndlessHead: (path: string, bytes: number) =>
    `Your server printed "path: ${path}" for a head that never ended: ${bytes} bytes with no blank line. A head is complete only at its blank line; without one there is no request to handle.`,
  endlessExpected: "the connection closed once MAX_HEAD_BYTES (64 KiB) have arrived without a blank line, and no path line",
  endlessHint:
    "Check the size on every 'data' event while the blank line has not come: once received.length > MAX_HEAD_BYTES, set done = true, print that the head is too big, and close with socket.end() (TODO 2).",
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
    "Collect the chunks of a connection in a Buffer. Once it holds the blank line (\\r\\n\\r\\n or \\n\\n), handle the head once: print it, then `path: ${path}` from parseRequest, or a could-not-parse line when it returns \"\". Ignore every byte after the head, and close if MAX_HEAD_BYTES come with no blank line.",
    "Keep two variables per connection, outside the 'data' handler: received (a Buffer; Buffer.concat([received, chunk]) appends) and done (false until the head is handled). The handler returns at once when done is true; then it appends, looks for the blank line (received.indexOf), and checks received.length against MAX_HEAD_BYTES.",
    "At TODO 2, in place of the socket.once handler below it: let received = Buffer.alloc(0); let done = false; socket.on(\"data\", (chunk) => { if (done) return; received = Buffer.concat([received, chunk]); const text = received.toString(\"utf8\"); const blank = /\\r\\n\\r\\n|\\n\\n/.exec(text); if (blank) { done = true; const head = text.slice(0, blank.index); console.log(`--- Received ---\\n${head}\\n----------------`); const path = parseRequest(head); console.log(path === \"\" ? \"Could not parse the request line\" : `path: ${path}`); socket.end(); } else if (received.length > MAX_HEAD_BYTES) { done = true; console.log(\"Request head too big, closing the connection\"); socket.end(); } }); return;",
  ]),
  "parse.logs-garbage": check("prints no path for a request line it cannot read (Hello, four parts)", [
    'When parseRequest returns "", there is no path: print a line that says the request could not be parsed, never "path: ".',
    "A line is a request line only with exactly three parts, split on single spaces: \"GET /x  HTTP/1.1\" (two spaces) and \"GET /x HTTP/1.1 extra\" are not. Print what parseRequest returns, and nothing of your own.",
    'Where you print the path, look at it first: when parseRequest returned "", print "Could not parse the request line" (or your own words) and no path line at all.',
  ]),
  "parse.head-limit": check("gives up on a head that never ends (closes after MAX_HEAD_BYTES)", [
    "A client can send header bytes for ever, with no blank line. Your buffer must not grow with it: past MAX_HEAD_BYTES (64 KiB) with no blank line, stop and close.",
    "In the 'data' handler, right after appending the chunk: if the blank line is not there yet and received.length > MAX_HEAD_BYTES, set done = true and call socket.end().",
    "When the blank line is not in the buffer yet, compare received.length with MAX_HEAD_BYTES. Past it, set done to true, print that the head is too big, and call socket.end(): the client is let go, and its bytes with it.",
  ]),
};
