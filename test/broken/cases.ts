/**
 * Broken variants of the solutions: each makes one mistake a student makes, as a small patch
 * on a reference solution, and names the check that must catch it and the words it must use.
 * (A patch instead of a copy: the mistake is the whole diff, and a changed solution that no
 * longer matches a patch fails loudly instead of silently testing something else.)
 */
export interface BrokenCase {
  /** Unique name; also the file name of its recorded report. */
  name: string;
  phase: number;
  /** The solution it breaks, relative to the lab's root. */
  base: string;
  mistake: string;
  /** [text in the base, its replacement]; each text must occur in the base exactly once. */
  patch: Array<[string, string]>;
  /** The first check that must not pass, and how. */
  firstFailure: string;
  status?: "fail" | "error";
  /** The words that name the mistake, in that check's message. */
  says: RegExp;
  /** For a Python case: the TypeScript case with the same mistake, which must get the same verdicts. */
  twin?: string;
  /**
   * Where a real client inside the checker (fetch, http) reads this variant's bytes differently on
   * different Node lines: the checks whose verdict or words differ, and why. Its report is then
   * recorded once per supported line (<name>.node<line>.txt), and every other check must get the
   * same verdict in each of those records.
   */
  byNode?: { checks: string[]; why: string };
  /** Timing decides some numbers (concurrency): mask numbers and the server output in the record. */
  volatile?: boolean;
  startupTimeoutMs?: number;
}

// Why some reports are recorded per Node line: Node's fetch (undici, with its own copy of llhttp)
// changed between the lines the lab supports. Node's http client (3.16) reads these alike on each.
const BARE_LF_IN_FETCH =
  "Node 22's fetch (undici 6) reads a head whose lines end in a bare \\n leniently: it takes the canned response " +
  "and stumbles only later ('Invalid header value char'); from Node 24 (undici 7) it rejects the first bare \\n " +
  "('Missing expected CR after response line'). RFC 9112 §2.2 allows a recipient either.";
const START_LINE_IN_FETCH =
  "fetch's parser names what it expected first as 'Expected HTTP/' on Node 22 and 'Expected HTTP/, RTSP/ or ICE/' " +
  "on Node 24 and 26: the same verdict in other words.";

const ts = (phase: number): string => `solutions/${["", "1-bind", "2-parse", "3-respond", "4-counter", "5-threads"][phase]}/server.ts`;
const py = (phase: number): string => `test/python/solution_${phase}.py`;

export const brokenCases: BrokenCase[] = [
  // ---------------------------------------------------------------- phase 1: bind
  {
    name: "1-hard-coded-port",
    phase: 1,
    base: ts(1),
    mistake: "listens on a port written into the code instead of PORT",
    patch: [["const PORT = Number(process.env.PORT ?? 8000);", "const PORT = {{FREE_PORT}};"]],
    firstFailure: "start",
    status: "error",
    says: /listens on port \d+, but the checker started it with PORT=/,
  },
  {
    name: "1-port-in-use",
    phase: 1,
    base: ts(1),
    mistake: "hard-codes a port that another program already holds",
    patch: [["const PORT = Number(process.env.PORT ?? 8000);", "const PORT = {{BUSY_PORT}};"]],
    firstFailure: "start",
    status: "error",
    says: /could not listen: the port <HARD-CODED PORT> is already in use \(EADDRINUSE\)|could not listen: the port \d+ is already in use \(EADDRINUSE\)/,
  },
  {
    name: "1-crash-at-start",
    phase: 1,
    base: ts(1),
    mistake: "throws before it listens",
    patch: [["  server.listen(PORT, HOST, () => {", '  JSON.parse("{not json");\n  server.listen(PORT, HOST, () => {']],
    firstFailure: "start",
    status: "error",
    says: /exited with code 1 before it listened/,
  },
  {
    name: "1-syntax-error",
    phase: 1,
    base: ts(1),
    mistake: "has a TypeScript syntax error",
    patch: [["      socket.end(); // close our side of the connection", "      socket.end(; // close our side of the connection"]],
    firstFailure: "start",
    status: "error",
    says: /syntax error, so it never ran: .*server\.ts:\d+:\d+/,
  },
  {
    name: "1-never-listens",
    phase: 1,
    base: ts(1),
    mistake: "keeps running but never calls listen",
    patch: [["  server.listen(PORT, HOST, () => {", "  setInterval(() => {}, 1000);\n  (() => {"]],
    firstFailure: "start",
    status: "error",
    says: /still running after 2 s, but nothing was listening/,
    startupTimeoutMs: 2000,
  },
  {
    name: "1-prints-nothing",
    phase: 1,
    base: ts(1),
    mistake: "does not print what the client sent",
    patch: [["      console.log(`--- Received ---\\n${chunk.toString(\"utf8\")}\\n----------------`);\n", ""]],
    firstFailure: "bind.prints",
    says: /did not print it/,
  },
  {
    name: "1-never-closes",
    phase: 1,
    base: ts(1),
    mistake: "never closes the connection",
    patch: [
      ["      socket.end(); // close our side of the connection\n", ""],
      ["      socket.end();\n    });", "    });"],
    ],
    firstFailure: "bind.closes",
    says: /never closed the connection/,
  },
  {
    name: "1-one-connection",
    phase: 1,
    base: ts(1),
    mistake: "stops listening after the first client",
    patch: [["      socket.end(); // close our side of the connection", "      socket.end(); // close our side of the connection\n      server.close();"]],
    firstFailure: "server.alive",
    says: /ended on its own \(exit code 0\) during the check above/,
  },
  {
    name: "1-no-error-handler",
    phase: 1,
    base: ts(1),
    mistake: "has no 'error' listener on its sockets, so a reset crashes it",
    patch: [["    socket.on(\"error\", (err) => {\n      console.log(`Socket error: ${err.message}`);\n    });\n", ""]],
    firstFailure: "survive.reset",
    says: /crashed \(exit code 1\) after a client connected and then reset the connection/,
  },
  {
    name: "1-silent-client-crash",
    phase: 1,
    base: ts(1),
    mistake: "assumes every client sends something before it leaves",
    patch: [
      ["    socket.once(\"data\", (chunk) => {", "    let first: Buffer | undefined;\n    socket.once(\"data\", (chunk) => {\n      first = chunk;"],
      ['        console.log("Client left without sending anything");', '        console.log("Client said " + first!.length + " bytes");'],
    ],
    firstFailure: "survive.silent",
    says: /crashed \(exit code 1\) after a client connected and left without sending anything/,
  },

  {
    name: "1-exits-after-first-client",
    phase: 1,
    base: ts(1),
    mistake: "ends the program after its first client",
    patch: [["      socket.end(); // close our side of the connection", "      socket.end(); // close our side of the connection\n      process.exit(0);"]],
    firstFailure: "server.alive",
    says: /ended on its own \(exit code 0\) during the check above/,
  },

  {
    name: "1-leaves-a-helper",
    phase: 1,
    base: ts(1),
    mistake: "starts a helper process in a session of its own (detached, so setsid) and never ends it",
    patch: [
      ['import net from "node:net";', 'import net from "node:net";\nimport { spawn } from "node:child_process";'],
      [
        "    console.log(`Listening on http://${HOST}:${PORT}`);",
        '    console.log(`Listening on http://${HOST}:${PORT}`);\n    spawn("sleep", ["1000"], { detached: true, stdio: "ignore" }).unref();',
      ],
    ],
    firstFailure: "server.stops",
    says: /still running outside its process group: pid \d+, sleep 1000\. It has been ended now/,
  },

  // ---------------------------------------------------------------- phase 2: parse
  {
    name: "2-first-chunk-only",
    phase: 2,
    base: ts(2),
    mistake: "handles the request on its first 'data' event, complete or not",
    patch: [["      const head = findHead(received);", "      const head = findHead(received) ?? received.toString(\"utf8\");"]],
    firstFailure: "request.pieces",
    says: /came in 3 pieces.*closed the connection after \d+ of the \d+ bytes/s,
  },
  {
    name: "2-waits-for-end",
    phase: 2,
    base: ts(2),
    mistake: "waits for the client to close its side before handling the request",
    patch: [
      ["      if (head !== null) {\n        done = true;\n        handleRequest(socket, head);\n      } else", "      if (head !== null) {\n        // handled on \"end\"\n      } else"],
      ["      if (!done) {\n        console.log(\"Client left before the request was complete\");", "      const head = findHead(received);\n      if (!done && head !== null) {\n        done = true;\n        handleRequest(socket, head);\n      } else if (!done) {\n        console.log(\"Client left before the request was complete\");"],
    ],
    firstFailure: "parse.logs-path",
    says: /only after the checker closed its side/,
  },
  {
    name: "2-crlf-only",
    phase: 2,
    base: ts(2),
    mistake: "looks only for \\r\\n\\r\\n, so a request typed in nc never ends",
    patch: [["const BLANK_LINE = /\\r\\n\\r\\n|\\n\\n/;", "const BLANK_LINE = /\\r\\n\\r\\n/;"]],
    firstFailure: "request.bare-lf",
    says: /bare \\n, as nc sends them/,
  },
  {
    name: "2-small-head-limit",
    phase: 2,
    base: ts(2),
    mistake: "keeps only the first 4 KiB of a request (a fixed-size buffer)",
    patch: [["      received = Buffer.concat([received, chunk]);", "      received = Buffer.concat([received, chunk]).subarray(0, 4096);"]],
    firstFailure: "request.big-head",
    says: /head is 8400 bytes/,
  },
  {
    name: "2-parse-throws",
    phase: 2,
    base: ts(2),
    mistake: "parseRequest assumes a request line and throws on garbage",
    patch: [["  if (parts.length !== 3) {\n    return \"\";\n  }", "  if (parts[1].length === 0) {\n    return \"\";\n  }"]],
    firstFailure: "parse.unit-garbage",
    says: /threw TypeError/,
  },
  {
    name: "2-no-path-line",
    phase: 2,
    base: ts(2),
    mistake: "prints the request but never the path line",
    patch: [["    console.log(`path: ${path}`);", "    console.log(`requested ${path}`);"]],
    firstFailure: "parse.logs-path",
    says: /printed the request, but no line "path: /,
  },

  // ---------------------------------------------------------------- phase 3: respond
  {
    name: "3-bare-lf-response",
    phase: 3,
    base: ts(3),
    mistake: "ends the lines of the response head with \\n",
    patch: [["const head =\n    `HTTP/1.1 ${status}\\r\\n` +\n    \"Content-Type: text/html; charset=utf-8\\r\\n\" +", "const head =\n    `HTTP/1.1 ${status}\\n` +\n    \"Content-Type: text/html; charset=utf-8\\n\" +"]],
    firstFailure: "respond.unit-format",
    says: /bare \\n/,
    byNode: { checks: ["3.15"], why: BARE_LF_IN_FETCH },
  },
  {
    name: "3-canned-response",
    phase: 3,
    base: ts(3),
    mistake: "sends a canned response with bare \\n and no Content-Length (as seed 003 does)",
    patch: [["  socket.end(generateResponse(PAGE));", "  socket.end(\"HTTP/1.1 200 OK\\n\\n\" + PAGE);"]],
    firstFailure: "respond.crlf",
    says: /line 1 of the head ends with a bare \\n/,
    byNode: { checks: ["3.15"], why: BARE_LF_IN_FETCH },
  },
  {
    name: "3-no-connection-close",
    phase: 3,
    base: ts(3),
    mistake: "closes the connection without saying Connection: close",
    patch: [["    \"Connection: close\\r\\n\" +\n", ""]],
    firstFailure: "respond.connection",
    says: /did not say Connection: close/,
  },
  {
    name: "3-no-blank-line",
    phase: 3,
    base: ts(3),
    mistake: "forgets the empty line between headers and body",
    patch: [["    \"Connection: close\\r\\n\" +\n    \"\\r\\n\"; // the blank line: headers end here, the body starts", "    \"Connection: close\\r\\n\";"]],
    firstFailure: "respond.unit-format",
    says: /no empty line \(\\r\\n\\r\\n\) between the headers and the body/,
  },
  {
    name: "3-length-in-characters",
    phase: 3,
    base: ts(3),
    mistake: "counts Content-Length in characters",
    patch: [["`Content-Length: ${Buffer.byteLength(content)}\\r\\n`", "`Content-Length: ${content.length}\\r\\n`"]],
    firstFailure: "respond.unit-bytes",
    says: /that is the number of characters/,
  },
  {
    name: "3-length-off-by-two",
    phase: 3,
    base: ts(3),
    mistake: "adds the final \\r\\n to the Content-Length",
    patch: [["`Content-Length: ${Buffer.byteLength(content)}\\r\\n`", "`Content-Length: ${Buffer.byteLength(content) + 2}\\r\\n`"]],
    firstFailure: "respond.unit-format",
    says: /says \d+ bytes, but only \d+ bytes of body came/,
  },
  {
    name: "3-no-content-length",
    phase: 3,
    base: ts(3),
    mistake: "sends no Content-Length",
    patch: [["    `Content-Length: ${Buffer.byteLength(content)}\\r\\n` +\n", ""]],
    firstFailure: "respond.unit-format",
    says: /no Content-Length header/,
  },
  {
    name: "3-no-status-line",
    phase: 3,
    base: ts(3),
    mistake: "starts the response with its headers",
    patch: [["    `HTTP/1.1 ${status}\\r\\n` +\n", ""]],
    firstFailure: "respond.unit-format",
    says: /instead of a status line/,
    byNode: { checks: ["3.15"], why: START_LINE_IN_FETCH },
  },
  {
    name: "3-bad-status-line",
    phase: 3,
    base: ts(3),
    mistake: "writes the version without its slash",
    patch: [["    `HTTP/1.1 ${status}\\r\\n` +", "    `HTTP1.1 ${status}\\r\\n` +"]],
    firstFailure: "respond.unit-format",
    says: /the status line "HTTP1\.1 200 OK" is not of the form "HTTP\/1\.1 <3-digit code> <reason>"/,
    byNode: { checks: ["3.15"], why: START_LINE_IN_FETCH },
  },
  {
    name: "3-exits-after-first-answer",
    phase: 3,
    base: ts(3),
    mistake: "ends the program after its first answer",
    patch: [["  socket.end(generateResponse(PAGE));", "  socket.end(generateResponse(PAGE), () => process.exit(0));"]],
    firstFailure: "server.alive",
    says: /ended on its own \(exit code 0\)/,
  },
  {
    name: "3-answers-only-once",
    phase: 3,
    base: ts(3),
    mistake: "answers its first connection, then closes every later one without a word",
    patch: [
      [
        "  const server = net.createServer((socket) => {\n",
        "  let served = 0;\n  const server = net.createServer((socket) => {\n    if (served++ > 0) return void socket.end();\n",
      ],
    ],
    firstFailure: "respond.connection",
    says: /closed the connection without sending anything back/,
  },
  {
    name: "3-keeps-connection-idle",
    phase: 3,
    base: ts(3),
    mistake: "never closes, and ignores further requests on the connection",
    patch: [
      ["    \"Connection: close\\r\\n\" +\n", ""],
      ["  socket.end(generateResponse(PAGE));", "  socket.write(generateResponse(PAGE));"],
    ],
    firstFailure: "respond.connection",
    says: /kept the connection open after its response, but did not answer a second request/,
  },
  {
    name: "3-answers-first-chunk",
    phase: 3,
    base: ts(3),
    mistake: "answers after the first read, before the request is complete",
    patch: [["      const head = findHead(received);", "      const head = findHead(received) ?? received.toString(\"utf8\");"]],
    firstFailure: "request.pieces",
    says: /came in 3 pieces.*reacted after \d+ of the \d+ bytes/s,
  },

  {
    name: "3-no-answer",
    phase: 3,
    base: ts(3),
    mistake: "closes the connection without sending the response",
    patch: [["  socket.end(generateResponse(PAGE));", "  socket.end();"]],
    firstFailure: "respond.answers",
    says: /closed the connection without sending anything back/,
  },
  {
    name: "3-sends-only-the-page",
    phase: 3,
    base: ts(3),
    mistake: "sends the page with no status line or headers",
    patch: [["  socket.end(generateResponse(PAGE));", "  socket.end(PAGE);"]],
    firstFailure: "respond.status-line",
    says: /starts with "<h1>Hello, wörld!<\/h1>" instead of a status line/,
    byNode: { checks: ["3.15"], why: START_LINE_IN_FETCH },
  },
  {
    name: "3-canned-no-blank-line",
    phase: 3,
    base: ts(3),
    mistake: "sends a hand-written response without the empty line",
    patch: [["  socket.end(generateResponse(PAGE));", "  socket.end(`HTTP/1.1 200 OK\\r\\nContent-Length: ${Buffer.byteLength(PAGE)}\\r\\n${PAGE}`);"]],
    firstFailure: "respond.blank-line",
    says: /no empty line \(\\r\\n\\r\\n\) between the headers and the body/,
  },
  {
    name: "3-ascii-page",
    phase: 3,
    base: ts(3),
    mistake: "serves a page with only ASCII characters, so bytes and characters look alike",
    patch: [["const PAGE = \"<h1>Hello, wörld!</h1>\";", "const PAGE = \"<h1>Hello, world!</h1>\";"]],
    firstFailure: "respond.page",
    says: /no non-ASCII character/,
  },
  {
    name: "3-no-charset",
    phase: 3,
    base: ts(3),
    mistake: "does not say which encoding the page is in",
    patch: [["    \"Content-Type: text/html; charset=utf-8\\r\\n\" +", "    \"Content-Type: text/html\\r\\n\" +"]],
    firstFailure: "respond.content-type",
    says: /does not say charset=utf-8/,
  },
  {
    name: "3-dies-on-hello",
    phase: 3,
    base: ts(3),
    mistake: "throws on a request it cannot parse",
    patch: [["    console.log(\"Could not parse the request line\");", "    throw new Error(`Could not parse the request line: ${head}`);"]],
    firstFailure: "survive.hello",
    says: /crashed \(exit code 1\) after a client typed "Hello"/,
  },

  // ---------------------------------------------------------------- phase 4: counter
  {
    name: "4-counts-favicon",
    phase: 4,
    base: ts(4),
    mistake: "counts every request, the favicon's too",
    patch: [["  if (path === \"/\") {\n    visits += 1;", "  visits += 1;\n  if (path === \"/\") {"]],
    firstFailure: "counter.refresh",
    says: /each refresh adds 2\. The favicon request is counted too/,
  },
  {
    name: "4-counts-connections",
    phase: 4,
    base: ts(4),
    mistake: "counts connections instead of page views",
    patch: [
      ["    console.log(`Connection received from ${socket.remoteAddress}:${socket.remotePort}`);", "    visits += 1;\n    console.log(`Connection received from ${socket.remoteAddress}:${socket.remotePort}`);"],
      ["    visits += 1;\n    return { status: \"200 OK\"", "    return { status: \"200 OK\""],
    ],
    firstFailure: "counter.connections",
    says: /three clients connected without asking for a page/,
  },
  {
    name: "4-200-for-unknown",
    phase: 4,
    base: ts(4),
    mistake: "answers 200 (and counts) for every path but the favicon",
    patch: [["  if (path === \"/\") {", "  if (path !== \"/favicon.ico\") {"]],
    firstFailure: "counter.unknown",
    says: /got status 200/,
  },
  {
    name: "4-404-without-body",
    phase: 4,
    base: ts(4),
    mistake: "answers 404 with an empty body",
    patch: [["  return { status: \"404 Not Found\", body: \"<h1>404 Not Found</h1>\" };", "  return { status: \"404 Not Found\", body: \"\" };"]],
    firstFailure: "counter.favicon",
    says: /404 with an empty body/,
  },
  {
    name: "4-counts-from-zero",
    phase: 4,
    base: ts(4),
    mistake: "shows the count before adding this visit",
    patch: [["    visits += 1;\n    return { status: \"200 OK\", body: `<h1>This page has been accessed ${visits} times.</h1>` };", "    return { status: \"200 OK\", body: `<h1>This page has been accessed ${visits++} times.</h1>` };"]],
    firstFailure: "counter.first-visit",
    says: /first visit to \/ shows 0/,
  },

  {
    name: "4-bare-lf-response",
    phase: 4,
    base: ts(4),
    mistake: "ends the lines of the response head with \\n",
    patch: [["    \"Connection: close\\r\\n\" +\n    \"\\r\\n\";", "    \"Connection: close\\n\" +\n    \"\\n\";"]],
    firstFailure: "counter.well-formed",
    says: /ends with a bare \\n/,
  },

  // ---------------------------------------------------------------- phase 5: threads
  {
    name: "5-slowness-removed",
    phase: 5,
    base: ts(5),
    mistake: "deletes the slow part instead of making it concurrent",
    patch: [["  await setTimeout(SLOW_MS);\n", ""]],
    firstFailure: "threads.slow",
    says: /the slow part is gone/,
    volatile: true,
  },
  {
    name: "5-one-at-a-time",
    phase: 5,
    base: ts(5),
    mistake: "keeps the blocking wait: one client at a time",
    patch: [["  await setTimeout(SLOW_MS);", "  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SLOW_MS);"]],
    firstFailure: "threads.concurrent",
    says: /serves one client at a time/,
    volatile: true,
  },
  {
    name: "5-lost-updates",
    phase: 5,
    base: ts(5),
    mistake: "reads the count, awaits, then writes it back",
    patch: [
      ["  const { status, body } = route(path);\n", "  const seen = visits;\n"],
      ["  await setTimeout(SLOW_MS);\n", "  await setTimeout(SLOW_MS);\n  if (path === \"/\") visits = seen;\n  const { status, body } = route(path);\n"],
    ],
    firstFailure: "threads.burst",
    says: /was shown \d+ times/,
    volatile: true,
  },
  {
    name: "5-stale-count",
    phase: 5,
    base: ts(5),
    mistake: "counts before the wait but shows the count as it is after the wait",
    patch: [["  socket.end(generateResponse(body, status));", "  socket.end(generateResponse(body.replace(/\\d+ times/, `${visits} times`), status));"]],
    firstFailure: "threads.burst",
    says: /was shown \d+ times/,
    volatile: true,
  },

  // ---------------------------------------------------------------- the same mistakes in Python
  {
    name: "py-1-hard-coded-port",
    phase: 1,
    base: py(1),
    mistake: "listens on a port written into the code",
    patch: [['PORT = int(os.environ.get("PORT", "8000"))', "PORT = {{FREE_PORT}}"]],
    firstFailure: "start",
    status: "error",
    says: /listens on port \d+, but the checker started it with PORT=/,
    twin: "1-hard-coded-port",
  },
  {
    name: "py-1-crash-at-start",
    phase: 1,
    base: py(1),
    mistake: "raises before it listens",
    patch: [["    server_socket.bind((HOST, PORT))", "    server_socket.bind((HOST, PORT))\n    int(\"not a number\")"]],
    firstFailure: "start",
    status: "error",
    says: /exited with code 1 before it listened/,
    twin: "1-crash-at-start",
  },
  {
    name: "py-2-first-chunk-only",
    phase: 2,
    base: py(2),
    mistake: "handles whatever the first recv returns (the seed's recv(1024))",
    patch: [["        if ends:\n", "        if ends or data:\n"], ["            return data[: min(ends)].decode(\"utf-8\", errors=\"replace\")", "            return data[: min(ends or [len(data)])].decode(\"utf-8\", errors=\"replace\")"]],
    firstFailure: "request.pieces",
    says: /came in 3 pieces.*closed the connection after \d+ of the \d+ bytes/s,
    twin: "2-first-chunk-only",
  },
  {
    name: "py-2-crlf-only",
    phase: 2,
    base: py(2),
    mistake: "looks only for \\r\\n\\r\\n",
    patch: [["(data.find(b\"\\r\\n\\r\\n\"), data.find(b\"\\n\\n\"))", "(data.find(b\"\\r\\n\\r\\n\"),)"]],
    firstFailure: "request.bare-lf",
    says: /bare \\n, as nc sends them/,
    twin: "2-crlf-only",
  },
  {
    name: "py-3-length-in-characters",
    phase: 3,
    base: py(3),
    mistake: "counts Content-Length in characters: len(content)",
    patch: [["    header += f\"Content-Length: {len(body)}\\r\\n\"  # bytes, not characters", "    header += f\"Content-Length: {len(content)}\\r\\n\""]],
    firstFailure: "respond.content-length",
    says: /is its length in characters/,
    twin: "3-length-in-characters",
  },
  {
    name: "py-3-no-connection-close",
    phase: 3,
    base: py(3),
    mistake: "closes without saying Connection: close",
    patch: [["    header += \"Connection: close\\r\\n\"\n", ""]],
    firstFailure: "respond.connection",
    says: /did not say Connection: close/,
    twin: "3-no-connection-close",
  },
  {
    name: "py-3-bare-lf-response",
    phase: 3,
    base: py(3),
    mistake: "ends the response's lines with \\n",
    patch: [["    header = f\"HTTP/1.1 {status_code}\\r\\n\"\n    header += \"Content-Type: text/html; charset=utf-8\\r\\n\"", "    header = f\"HTTP/1.1 {status_code}\\n\"\n    header += \"Content-Type: text/html; charset=utf-8\\n\""]],
    firstFailure: "respond.crlf",
    says: /bare \\n/,
    twin: "3-bare-lf-response",
    byNode: { checks: ["3.15"], why: BARE_LF_IN_FETCH },
  },
  {
    name: "py-4-counts-favicon",
    phase: 4,
    base: py(4),
    mistake: "counts every request, the favicon's too",
    patch: [["    if path == \"/\":\n        VISITOR_COUNT += 1", "    VISITOR_COUNT += 1\n    if path == \"/\":"]],
    firstFailure: "counter.refresh",
    says: /each refresh adds 2\. The favicon request is counted too/,
    twin: "4-counts-favicon",
  },
  {
    name: "py-5-one-at-a-time",
    phase: 5,
    base: py(5),
    mistake: "serves each client in the accept loop, without threads",
    patch: [["        thread.start()", "        thread.start()\n        thread.join()"]],
    firstFailure: "threads.concurrent",
    says: /serves one client at a time/,
    twin: "5-one-at-a-time",
    volatile: true,
  },
];
