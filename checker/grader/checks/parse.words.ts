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
};

export const parseChecks = {
  "parse.unit-paths": check("parseRequest returns the path of the request line", [
    "The first line of a request is METHOD, path and version, separated by single spaces: GET /a/b?x=1 HTTP/1.1. Split off the first line, then split it by spaces.",
    "Lines may end with \\r\\n or with a bare \\n (nc sends \\n): split on \\n and trim a trailing \\r.",
    "const firstLine = raw.split(\"\\n\")[0].replace(/\\r$/, \"\"); const parts = firstLine.split(\" \"); then return parts[1] when there are three parts.",
  ]),
  "parse.unit-garbage": check('parseRequest returns "" for empty or garbled input, and never throws', [
    "Anyone can connect and send anything. Before you take parts[1], check that the line really has the shape METHOD path HTTP/version.",
    'Return "" unless the first line has exactly three parts and the third starts with "HTTP/".',
    'if (parts.length !== 3 || !parts[2].startsWith("HTTP/")) return ""; and never index into an array you have not checked the length of.',
  ]),
  "parse.logs-path": check("prints the path of each request (path: /...)", [
    "Collect the chunks of a connection in a buffer. Once it contains the empty line (\\r\\n\\r\\n), call parseRequest on it and print `path: ${path}`.",
    "Buffer.concat([buffer, chunk]) appends; buffer.includes(\"\\r\\n\\r\\n\") tells whether the head is complete.",
    "let received = Buffer.alloc(0); socket.on(\"data\", (chunk) => { received = Buffer.concat([received, chunk]); const end = received.indexOf(\"\\r\\n\\r\\n\"); if (end !== -1) { console.log(`path: ${parseRequest(received.subarray(0, end).toString())}`); socket.end(); } });",
  ]),
};
