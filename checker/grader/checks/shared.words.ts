/**
 * The words of the checks every phase shares (start, survive, requests) and their common findings and reactions: the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

/** Said first by each check of requests.ts about a request that arrives in pieces. */
const bufferHint =
  "TCP is a stream, not a list of messages: one 'data' event may hold half a request, or the end of one. " +
  "Add every chunk to a buffer and handle the request only when the buffer holds the empty line (\\r\\n\\r\\n).";

/** Shared sentences of the checks (checks/common.ts). */
export const commonWords = {
  couldNotConnect: (error: string) => `The checker could not connect to your server (${error}).`,
  /** Why answering early is worse than it looks: the bytes still coming turn a close into a reset. */
  unreadBytesNote:
    " Had the rest already arrived, closing with request bytes unread would make the kernel reset the connection (TCP RST), and the client could lose even the answer.",
  ending: {
    serverClosedNothing: "nothing; the server closed the connection",
    serverClosed: "then the server closed the connection",
    serverResetNothing: "nothing; the connection was reset (TCP RST)",
    serverReset: "then the connection was reset (TCP RST): a client may lose even the bytes above",
    openNothing: "nothing, and the connection was still open",
    open: "and the connection was still open",
    cutOff: (mebibytes: number) => `and more: over ${mebibytes} MiB came, so the checker kept the first ${mebibytes} MiB, read no further and closed the connection`,
  },
  seconds: (value: string) => `${value} s`,
  isServerRunning: "Is the server still running? Look at its output below for an error.",
  reactedEarly: (sentWhenReacted: number, total: number, answered: boolean) =>
    `Your server reacted after ${sentWhenReacted} of the ${total} bytes of the request: ` +
    `it ${answered ? "answered" : "closed the connection"} before the whole request had arrived.`,
  reactedEarlyExpected: "nothing back until the empty line that ends the head (\\r\\n\\r\\n) has arrived",
  bufferUntilEmptyLine:
    "TCP is a stream: one 'data' event can hold part of a request. Add each chunk to a buffer and only " +
    "handle the request once the buffer contains the empty line (\\r\\n\\r\\n, or \\n\\n from nc).",
  answeredAfterClientClosed:
    "Your server answered only after the checker closed its side of the connection (as nc does on Ctrl-D). " +
    "A browser never does that: it keeps the connection open and waits for your answer.",
  answeredAfterClientClosedExpected: "an answer as soon as the empty line that ends the head has arrived",
  answeredAfterClientClosedHint:
    "Don't wait for the 'end' event to handle the request. In the 'data' handler, check whether the " +
    "buffer now holds the empty line (\\r\\n\\r\\n) and answer right there.",
  resetWithoutAnswer: "Your server reset the connection (TCP RST) without answering.",
  resetWithoutAnswerHint:
    "A reset happens when a socket is closed while request bytes are still unread, or when the server crashes. " +
    "Read the whole request before you answer, and look at the server output below.",
  closedWithoutAnswer: "Your server closed the connection without sending anything back.",
  closedWithoutAnswerExpected: "a response: a status line, headers, an empty line and the body",
  closedWithoutAnswerHint: "Write the response to the socket before you close it: socket.end(response) does both, in that order.",
  noAnswer: (within: string) => `Your server sent nothing back within ${within}, and never closed the connection.`,
  headIncomplete: (bytes: number, within: string, trickling: boolean) =>
    `Within ${within} your server sent ${bytes} byte${bytes === 1 ? "" : "s"}, not yet a whole head (no empty line), and kept the connection open${trickling ? ": the bytes were still trickling in when the checker stopped waiting" : ""}. A client is still waiting for the response.`,
  headIncompleteExpected: "a whole response: status line, headers, an empty line (\\r\\n\\r\\n), the body",
  headIncompleteHint: "Build the whole response first, then send it in one socket.write (or socket.end): a response written a piece at a time, or one that stops halfway, leaves the client waiting.",
  saidCloseStayedOpen: (within: string) =>
    `Your server's response says Connection: close, and ${within} after it the connection was still open. A client that reads until the close (nc, an HTTP/1.0 client) is still waiting, and the server holds a connection it said it would end.`,
  saidCloseStayedOpenAgain: (waited: string, waitedBefore: string) =>
    `Your server's response says Connection: close, and the connection was still open ${waited} later, as after an earlier answer of this run, when the checker waited ${waitedBefore} for the close. A client that reads until the close is still waiting.`,
  saidCloseStayedOpenExpected: "the response, then the server's close (its FIN) right behind it",
  saidCloseStayedOpenHint: "Send the response with socket.end(response): it writes the bytes, then closes your side. socket.write(response) alone leaves the connection open.",
  noAnswerExpected: "a response as soon as the request's empty line has arrived",
  noAnswerHint:
    "Does your server ever call socket.write or socket.end? If it waits for \\r\\n\\r\\n, print the buffer " +
    "to see what it really received.",
};

/** How a server reacts to a request (checks/reactions.ts). */
export const reactionsWords = {
  closedEarly: (sentWhenReacted: number, total: number, printedPath: string | undefined) =>
    `Your server closed the connection after ${sentWhenReacted} of the ${total} bytes of the request` +
    (printedPath !== undefined ? `, and printed "path: ${printedPath}"` : "") +
    ": it handled the request before all of it had arrived.",
  closedEarlyExpected: (path: string) => `"path: ${path}", printed once the empty line that ends the head has arrived`,
  printedAfterClientClosed:
    "Your server printed the path only after the checker closed its side of the connection (as nc does on Ctrl-D). " +
    "A browser never does that: it keeps the connection open while it waits.",
  printedAfterClientClosedExpected: (path: string) => `"path: ${path}" as soon as the empty line that ends the head has arrived`,
  printedAfterClientClosedHint:
    "Don't wait for the 'end' event. In the 'data' handler, check whether the buffer holds the empty line yet, and handle the request right there.",
  wrongPath: (printed: string, path: string) => `Your server printed "path: ${printed}" for a request whose path is ${path}.`,
  wrongPathExpected: (path: string) => `path: ${path}`,
  wrongPathHint: "The path is the middle part of the first line: GET /the/path HTTP/1.1. Print parseRequest's result for the whole head.",
  printedTwice: (path: string, times: number) => `Your server printed "path: ${path}" ${times} times for one request.`,
  printedAgainForBody: (path: string, times: number, bytes: number) =>
    `Your server printed "path: ${path}" ${times} times for one request. The second came when the ${bytes} bytes of its body arrived, ` +
    "in a read of their own after the head: the server found the head in its buffer again and handled it again. Bytes after the head are not a new request.",
  printedOnceExpected: (path: string) => `one line "path: ${path}", and nothing more for the bytes after the head`,
  printedTwiceHint:
    "Once the head is complete, stop reading: set a flag (done = true) when you handle it, and return at the top of the 'data' handler when it is set.",
  brokenCharacter: (printed: string, path: string, character: string, bytes: string) =>
    `Your server printed "path: ${printed}" for a request whose path is ${path}. The bytes of "${character}" (${bytes}) came in two reads, ` +
    "and each read was turned into text on its own: part of a character is not text, so each part became U+FFFD, the replacement character (shown as �).",
  brokenCharacterHint:
    "Keep what arrives as bytes: received = Buffer.concat([received, chunk]), and turn the buffer into text once, when the head is complete. Never chunk.toString() piece by piece.",
  echoedNoPathLine: (path: string) => `Your server printed the request, but no line "path: ${path}".`,
  noPathLine: (path: string) => `Your server printed no line "path: ${path}" for this request.`,
  noPathLineExpected: (path: string) => `a line in your server's output: path: ${path}`,
  echoedNoPathLineHint: "Once the head is complete, call parseRequest on it and print the result: console.log(`path: ${path}`).",
  noPathLineHint: "Collect the request's bytes until the empty line, then call parseRequest and print `path: ${path}`.",
  closedAfterHalfClose: (seconds: string) =>
    `nothing; after ${seconds} s the checker stopped sending, as nc does on Ctrl-D, and only then did the server close the connection`,
  exitedCleanly: (after: string) => `Your server exited (code 0) after ${after}. Nothing crashed: the program ended on its own.`,
  exitedCleanlyHint:
    "A Node program ends when nothing is left to wait for. Don't close the server (server.close()) or call process.exit(): only each client's socket gets closed.",
  endedBy: (signal: string) => `ended by ${signal}`,
  exitCode: (code: number | null) => `exit code ${code}`,
  crashed: (how: string, after: string) => `Your server crashed (${how}) after ${after}. Its output below shows the error.`,
  crashedHint:
    "An exception thrown in an event handler ends the whole server. Look at the first error line below; every " +
    "socket needs socket.on('error', ...), and code that parses a request must handle any bytes at all.",
  nextNotServed: (after: string, why: string) => `After ${after}, the next client was not served. ${why}`,
  noLongerAccepts: (after: string, error: string) => `After ${after}, your server no longer accepts connections (${error}).`,
  nextNeverClosed: (after: string) => `After ${after}, your server did not handle the next client: it never closed that connection.`,
};

/** The first check of every phase (checks/start.ts). */
export const startWords = {
  wrongPort: (ports: string, port: number) =>
    `Your server listens on port ${ports}, but the checker started it with PORT=${port} ` +
    "and waits there. A port written into the code cannot be changed by whoever runs the server.",
  listeningOn: (port: number) => `a server listening on port ${port}`,
  onlyOnIpv6Loopback: (port: number, said: string | undefined) =>
    `Your server listens on port ${port} of ::1 (the IPv6 loopback address), not of 127.0.0.1` +
    (said ? `, though its output says "${said}"` : "") +
    ". Every command the lab prints (nc 127.0.0.1 ..., curl http://127.0.0.1:...) knocks on 127.0.0.1 and is refused. " +
    '"localhost" is a name that often becomes ::1.',
  onIpv4Loopback: (port: number) => `a server listening on 127.0.0.1, port ${port}`,
  onlyOnIpv6LoopbackHint:
    'Listen on the address the lab writes down, HOST = "127.0.0.1": server.listen(PORT, HOST, callback), not "localhost" or "::1" (phase 1\'s lesson, "Why 127.0.0.1 and not localhost").',
  wrongPortHint: "Read the port from the environment: const PORT = Number(process.env.PORT ?? 8000); then server.listen(PORT, HOST).",
  timeout: (seconds: number, port: number) => `Your server was still running after ${seconds} s, but nothing was listening on port ${port}.`,
  timeoutHint: "Does your code reach server.listen(PORT, HOST)? Something before it may be waiting forever.",
  endedBy: (signal: string) => `was ended by ${signal}`,
  exitedWith: (code: number | null) => `exited with code ${code}`,
  syntaxError: (where: string, error: string) => `Your file has a syntax error, so it never ran: ${where}: ${error}\n`,
  syntaxErrorHint: "Fix the line above (a missing bracket or quote often shows up a line or two later), then run the check again.",
  portInUse: (port: string | undefined, how: string, given: number) =>
    `Your server could not listen: the port${port ? ` ${port}` : ""} is already in use (EADDRINUSE), so it ${how}. ` +
    `The checker gave it a free port, PORT=${given}.`,
  hardCodedPortHint: (port: string) =>
    `Read the port from process.env.PORT instead of writing ${port} into the code. (Is your own server still running on ${port} in another terminal?)`,
  portInUseHint: "Another program holds that port. Stop it, or let the checker pick the port: read process.env.PORT.",
  commandNotFound: (code: number | null) => `The server command could not be run: the shell did not find it (exit code ${code}).`,
  commandNotFoundHint: "Check the command given with --cmd: the program must be installed and the file path right, relative to this folder.",
  exitedWithoutListening:
    "Your server exited (code 0) without ever listening on a port. A program ends when it has nothing left to do; " +
    "a listening server is what keeps it running and accepting connections.",
  exitedWithoutListeningHint:
    "Call server.listen(PORT, HOST) (TODO 1 in the skeleton), and make sure the code that calls it runs when you start the file.",
  endedBeforeListening: (how: string, port: number) => `Your server ${how} before it listened on port ${port}. Its last lines of output below say why.`,
  endedBeforeListeningHint: "Run the file yourself (npx tsx <your file>) and read the first error it prints, with its line number.",
  /** For --cmd: the server is the instructor's command, not a TypeScript file. */
  endedBeforeListeningCmdHint: (command: string) => `Run the command yourself (${command}) and read the first error it prints, with its line number.`,
  nothingListening: (port: number) =>
    `Nothing is listening on port ${port} (you asked the checker to use a server you started yourself, with --port).`,
  nothingListeningHint: "Start your server in another terminal first, or leave out --port and let the checker start it.",
};

/** Surviving odd clients (checks/survive.ts). */
export const surviveWords = {
  leftSilently: "a client connected and left without sending anything",
  leftSilentlyTryIt: (tryIt: string) => `${tryIt}   (connects, then leaves without a word; then look at your server's output)`,
  sentHalfThenReset: "a client sent half a request and then reset the connection (TCP RST)",
  connectedThenReset: "a client connected and then reset the connection (TCP RST)",
  checkerReset: "nothing: the checker reset the connection (TCP RST)",
  typedHello: 'a client typed "Hello", Enter, Enter (as in nc)',
};

/** Requests of unusual shapes (checks/requests.ts). */
export const requestsWords = {
  bareLfParseHint:
    "Your server read the request (see its output below) but found no path in it: split the head into lines at \\n and drop a \\r at the end of each, so that lines ending in \\r\\n and in a bare \\n both work.",
  bareLfWaitHint: "Your server is still waiting for the end of the head: nc ends it with \\n\\n, not \\r\\n\\r\\n. Look for either (a regular expression like /\\r?\\n\\r?\\n/ finds both).",
  cannotSeeOutput: "the checker cannot see what a server you started yourself prints (--port)",
  needsFirst: (numbers: string) => `not run: needs ${numbers} to pass first`,
  or: " or ",
  inPieces: "This request came in 3 pieces, 100 ms apart.",
  inPiecesCharacter: 'This request came in 3 pieces, 100 ms apart; the first ends between the two bytes of the "é" in its path.',
  bareLf: "This request ends its lines with a bare \\n, as nc sends them.",
  bigHead: (bytes: number) => `This request's head is ${bytes} bytes (a long header), sent in 2 pieces.`,
  overCapCut: (bytes: number, first: number) => `A head of ${bytes} bytes, its first ${first} sent alone and then the rest,`,
  overCapWhole: (bytes: number) => `A head of ${bytes} bytes, sent in one write,`,
  overCapServed: (what: string, status: number) =>
    `${what} was answered ${status}${status === 404 || status === 405 ? ` (a ${status} comes from routing: the head got through)` : ""}: the skeleton's cap, MAX_HEAD_BYTES (64 KiB), counts the whole head, and this one is over it. A cap tested only while the empty line has not come, or with > where >= is meant, lets such a head through when the reads cut it one way, and not another.`,
  overCapExpected: "the head refused: the connection closed without an answer (or 400, 413, 414 or 431)",
  overCapHint:
    "Test the cap in both cases: findHead's size for a head that has ended (over MAX_HEAD_BYTES: refuse), and received.length >= MAX_HEAD_BYTES while it has not (the end is still to come, so it is over already).",
  afterOverCap: "heads over the cap",
};

export const sharedChecks = {
  start: check("starts and listens on the port it is given (PORT)", [
    "Call server.listen(PORT, HOST, callback) with PORT read from the environment: Number(process.env.PORT ?? 8000).",
    "Run the file yourself (npx tsx <your file>) and read what it prints.",
    "At TODO 1 of phase 1 (in startServer, before return server): server.listen(PORT, HOST, () => console.log(`Listening on http://${HOST}:${PORT}`));",
  ]),
  "survive.silent": check("survives a client that connects and leaves without a word", [
    "A connection can end before any data arrives: then the 'end' event comes with nothing read. Handle it by closing quietly.",
    "Don't assume the first 'data' event will come. Code in the 'end' or 'close' handler must work with an empty buffer.",
    "The skeleton's 'end' handler is the model: it looks at socket.bytesRead, which is 0 when nothing came, and then closes its side with socket.end(). Keep code there free of anything only a 'data' event sets.",
  ]),
  "survive.reset": check("survives a client that resets the connection", [
    "When a client vanishes (a closed tab, a lost network) the socket emits an 'error' event (ECONNRESET). An 'error' event nobody listens to crashes Node.",
    "Add socket.on('error', (err) => console.log('client error:', err.message)) for every connection.",
    "At TODO 2, first thing in the connection callback: socket.on(\"error\", (err) => console.log(`Socket error: ${err.message}`));",
  ]),
  "survive.hello": check("survives a request that is not HTTP (Hello typed into nc)", [
    "Anyone can connect and type anything. For a first line that is not a request line (Hello), the function that reads the request line says so (it returns \"\" in phases 2 to 5, null from phase 6 on): handle that case instead of crashing.",
    "For garbage, close the connection, or (from phase 3 on) answer 400 Bad Request.",
    "When the request line cannot be read (\"\" or null came back), the request is garbage: print a line that says so and close the connection with socket.end(), and from phase 3 on answer 400 Bad Request first. Nothing on that way may throw.",
  ]),
  "request.pieces": check("waits for the whole request when it arrives in pieces", [
    bufferHint,
    "Print each chunk as it arrives (console.log(JSON.stringify(chunk.toString()))) and run the 'try it' line to watch them come.",
    "Keep `received` outside the 'data' handler (one per connection), append each chunk, and act only when received.includes(\"\\r\\n\\r\\n\") || received.includes(\"\\n\\n\").",
  ]),
  "request.bare-lf": check("understands a request typed in nc (lines end with \\n, not \\r\\n)", [
    "nc sends what you type with a bare \\n at each line end (nc -C would send \\r\\n). HTTP allows a server to accept a bare \\n too, and this lab expects it.",
    "The head ends at \\r\\n\\r\\n or at \\n\\n, whichever comes first: look for both.",
    "Find the blank line with a regular expression that matches either ending, /\\r\\n\\r\\n|\\n\\n/, and take the head up to where it matched (match.index).",
  ]),
  "request.over-cap": check("refuses a head over the cap of 64 KiB, however the reads cut it", [
    "The skeleton caps a head at MAX_HEAD_BYTES (64 KiB), its empty line included. A head over it is refused whether it has ended or not, and whatever the reads: 64 KiB alone, then the rest, or all of it at once.",
    "findHead returns the head's size too: a head that has ended but is over MAX_HEAD_BYTES is refused, and so is MAX_HEAD_BYTES with no end yet (>=: the end is still to come).",
    "In startServer, the 'data' handler's if/else, as the skeleton gives it: if (found && found.size <= MAX_HEAD_BYTES) { done = true; handleRequest(socket, found.head); } else if (found || received.length >= MAX_HEAD_BYTES) { done = true; console.log(\"Request head too big, closing the connection\"); socket.end(); }",
  ]),
  "request.big-head": check("reads a request bigger than one read (an 8 KiB head)", [
    "Big requests (long cookies, many headers) take several reads. A server that answers after the first read and closes leaves bytes unread, and the kernel then resets the connection: the client may never see the answer.",
    bufferHint,
    "Don't read a fixed amount (one read, or the first 4 KiB): keep appending chunks until the empty line has arrived, up to a generous limit such as 64 KiB.",
  ]),
};
