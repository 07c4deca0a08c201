/**
 * Every word the lab shows (the checks' titles, hints and findings, the report, the checker's,
 * client's, grader's and lab tool's messages), in one place so a translation is one file.
 * Plain strings where a sentence is fixed; functions where it has values in it.
 *
 * To translate: copy this file, keep every key and every function's signature, change only the
 * words (a function may put its values in whatever order the language needs), and put the copy in
 * place of this one. The recorded reports in test/reports/ show each sentence in
 * place; after a translation the tests show every report that changed (record them with npm run test:record).
 * Things to know:
 *  - Commands the student pastes (printf ... | nc, curl, npm run ...) stay in the code: they are not words.
 *  - report.labels are padded to 10 characters in the report; longer ones need that width changed.
 *  - run.ts recognises a finding that already says the server ended by the words "crashed" and
 *    "exited" (reactions.crashed, reactions.exitedCleanly): change that test along with them.
 */

import { headersChecks, headersWords } from "./text/headers.ts";
import { queryChecks, queryWords } from "./text/query.ts";
import { staticChecks, staticWords } from "./text/static.ts";

/** Phase 5 sends this many clients at once, and then this many visits at once (threads.ts reads them here). */
export const CLIENTS = 5;
export const BURST = 50;

/** Said first by each check of requests.ts about a request that arrives in pieces. */
const bufferHint =
  "TCP is a stream, not a list of messages: one 'data' event may hold half a request, or the end of one. " +
  "Add every chunk to a buffer and handle the request only when the buffer holds the empty line (\\r\\n\\r\\n).";

/** A check's title and hints, from a nudge to the near-answer (a function, so they stay mutable string[]). */
const check = (title: string, hints: string[]): { title: string; hints: string[] } => ({ title, hints });

export const text = {
  menu: {
    title: "HTTP from scratch: pick a phase (↑/↓ or j/k, a number, Enter; q to quit)",
    actionTitle: (phase: string) => `${phase}: what now? (↑/↓ or j/k, a number, Enter; Esc to go back)`,
    phase: (n: number, slug: string, state: string) => `Phase ${n} · ${slug} (${state})`,
    quit: "Quit",
    back: "Back to the phases",
    actions: {
      lesson: "Read the lesson",
      check: "Check it",
      watch: "Watch it (check again on every save)",
      hint: "Show a hint",
      reset: "Reset to the skeleton (your file is backed up first)",
      solution: "Swap in the solution (your file is backed up first)",
      restore: "Restore the latest backup",
    },
    notATerminal: "Not a terminal, so no menu. The same actions as commands:",
    pressEnter: "Press Enter to go back to the menu.",
  },
  state: {
    notStarted: "not started",
    failing: (at: string, when: string) => `failing at ${at} (${when})`,
    passed: (when: string) => `passed (${when})`,
    passedBefore: (when: string) => `; passed before (${when})`,
  },
  commands: [
    ["npm run lab", "this menu"],
    ["npm run lab -- status", "each phase and where you are"],
    ["npm run lab -- lesson <n>", "print the lesson of phase n"],
    ["npm run phase <n>", "check phase n"],
    ["npm run phase <n> -- --watch", "check again on every save"],
    ["npm run hint <n>", "the next hint for the first failing check of phase n"],
    ["npm run lab -- reset <n>", "put the skeleton back (your file is backed up first)"],
    ["npm run lab -- solution <n>", "swap in the solution, once you passed (or --instructor)"],
    ["npm run lab -- restore <n>", "bring back your latest backup"],
  ] as Array<[string, string]>,
  progressRebuilt: (why: string) => `(The progress file was damaged (${why}) and has been started afresh.)`,
  hint: {
    noRun: (n: number) => `Phase ${n} has not been checked yet; checking it first...`,
    passed: (n: number) => `Phase ${n} passed: no hint needed. Onwards!`,
    level: (level: number, of: number, check: string) => `Hint ${level} of ${of} for ${check}:`,
    last: "That was the last hint for this check. The lesson's 'When you are stuck' section may help too.",
    next: (n: number) => `Run npm run hint ${n} again for the next hint.`,
  },
  files: {
    backedUp: (file: string, backupFile: string) => `Your ${file} is saved as ${backupFile}`,
    resetDone: (file: string) => `${file} is the skeleton again.`,
    solutionDone: (file: string) => `${file} is now the reference solution. npm run lab -- restore brings yours back.`,
    restoreDone: (file: string, from: string) => `${file} is back as it was in ${from}.`,
    noBackup: (n: number) => `There is no backup of phase ${n} yet: nothing to restore.`,
    confirmReset: (file: string) => `Replace ${file} with the skeleton? (your file is backed up first)`,
    confirmSolution: (file: string) => `Replace ${file} with the reference solution? (your file is backed up first)`,
    confirmRestore: (file: string, from: string) => `Replace ${file} with the backup ${from}? (the current file is backed up first)`,
    cancelled: "Nothing changed.",
    needsYes: "This replaces a file: confirm in a terminal, or add --yes.",
    answerYes: "yes",
    answerNo: "no",
    solutionLocked: (n: number) =>
      `The solution of phase ${n} opens once you pass it: try npm run hint ${n} first. (Instructors: add --instructor.)`,
  },
  watch: {
    watching: (file: string) => `Watching ${file}: save it to check again. Ctrl-C to stop.`,
    polling: (why: string) => `(File-change events are not reliable here (${why}); checking the file for changes every second instead.)`,
    changed: (file: string, time: string) => `${file} changed at ${time}: checking again...`,
    stopped: "Stopped watching; no server is left running.",
  },
  usage: (error: string) => `${error}\n\nUsage: npm run lab [-- <command> [<phase>] [--yes] [--instructor]]`,
  /** Shared sentences of the checks (checks/common.ts). */
  common: {
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
    noAnswerExpected: "a response as soon as the request's empty line has arrived",
    noAnswerHint:
      "Does your server ever call socket.write or socket.end? If it waits for \\r\\n\\r\\n, print the buffer " +
      "to see what it really received.",
  },
  /** How a server reacts to a request (checks/reactions.ts). */
  reactions: {
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
  },
  /** The first check of every phase (checks/start.ts). */
  start: {
    wrongPort: (ports: string, port: number) =>
      `Your server listens on port ${ports}, but the checker started it with PORT=${port} ` +
      "and waits there. A port written into the code cannot be changed by whoever runs the server.",
    listeningOn: (port: number) => `a server listening on port ${port}`,
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
    nothingListening: (port: number) =>
      `Nothing is listening on port ${port} (you asked the checker to use a server you started yourself, with --port).`,
    nothingListeningHint: "Start your server in another terminal first, or leave out --port and let the checker start it.",
  },
  /** Phase 1 (checks/bind.ts). */
  bind: {
    notPrinted: (word: string) => `The checker connected and sent "${word}", but your server did not print it.`,
    notPrintedExpected: (word: string) => `a line in your server's output containing ${word}`,
    clientSent: (word: string) => `a client sent "${word}"`,
    neverClosed:
      "Your server never closed the connection: after 2 s it was still open. A client that reads until the end (curl, printf ... | nc) would wait forever.",
    neverClosedExpected: "the server closes the connection (FIN) after reading the client's bytes",
    connection: (n: number) => `connection ${n}`,
    connectionOf: (n: number, total: number) => `connection ${n} of ${total}`,
    refused: (which: string, error: string) => `Your server refused ${which}: ${error}. It stopped listening after the first client.`,
    runItAFewTimes: (tryIt: string) => `${tryIt}   (run it a few times)`,
    notClosed: (which: string) => `Your server did not close ${which}.`,
    notPrintedOf: (which: string, word: string) => `Your server did not print what ${which} sent ("${word}").`,
  },
  /** Phase 2 (checks/parse.ts). */
  parse: {
    cannotImport: (name: string, error: string) => `The checker could not import your file to call ${name}: ${error}`,
    notExported: (name: string) => `Your file does not export a function named ${name}, so the checker cannot test it.`,
    notExportedHint: (name: string) => `Keep the word export in front of it: export function ${name}(...) { ... }`,
    threw: (call: string, message: string) => `${call} threw ${message}`,
    threwExpected: "a return value, never an exception",
    timeout: (call: string) => `${call} did not return within 2 s: is there a loop that never ends?`,
    cannotCall: (call: string, message: string) => `${call} could not be called: ${message}`,
    aBuffer: (bytes: number) => `a Buffer (${bytes} bytes)`,
    returned: (call: string, value: string) => `${call} returned ${value}.`,
  },
  /** Surviving odd clients (checks/survive.ts). */
  survive: {
    leftSilently: "a client connected and left without sending anything",
    leftSilentlyTryIt: (tryIt: string) => `${tryIt}   (connects, then leaves without a word; then look at your server's output)`,
    sentHalfThenReset: "a client sent half a request and then reset the connection (TCP RST)",
    connectedThenReset: "a client connected and then reset the connection (TCP RST)",
    checkerReset: "nothing: the checker reset the connection (TCP RST)",
    typedHello: 'a client typed "Hello", Enter, Enter (as in nc)',
  },
  /** Requests of unusual shapes (checks/requests.ts). */
  requests: {
    bareLfParseHint:
      "Your server read the request (see its output below) but found no path in it: split the head into lines at \\n and drop a \\r at the end of each, so that lines ending in \\r\\n and in a bare \\n both work.",
    bareLfWaitHint: "Your server is still waiting for the end of the head: nc ends it with \\n\\n, not \\r\\n\\r\\n. Look for either (a regular expression like /\\r?\\n\\r?\\n/ finds both).",
    cannotSeeOutput: "the checker cannot see what a server you started yourself prints (--port)",
    needsFirst: (numbers: string) => `not run: needs ${numbers} to pass first`,
    or: " or ",
    inPieces: "This request came in 3 pieces, 100 ms apart.",
    bareLf: "This request ends its lines with a bare \\n, as nc sends them.",
    bigHead: (bytes: number) => `This request's head is ${bytes} bytes (a long header), sent in 2 pieces.`,
  },
  /** Phase 5 (checks/threads.ts). */
  threads: {
    tooFast: (ms: number, slowMs: number) =>
      `A request was answered in ${ms} ms, but the server was started with SLOW_MS=${slowMs}: the slow part is gone.`,
    tooFastExpected: (slowMs: number) => `every answer to take at least ${slowMs} ms`,
    timelineClient: (client: number) => `client ${client}`,
    timelineAnswer: (seconds: string) => `answered after ${seconds} s`,
    timelineNoAnswer: (seconds: string) => `no answer within ${seconds} s`,
    oneAtATime: (clients: number, slowMs: number, seconds: string, inTime: number) =>
      `${clients} clients sent a request at the same moment; each request takes SLOW_MS=${slowMs} ms. ` +
      `After ${seconds} s, only ${inTime} of them had an answer: your server serves one client at a time.\n`,
    oneAtATimeExpected: (clients: number, seconds: string) => `all ${clients} answers after about ${seconds} s`,
    oneAtATimeTryIt: (tryIt: string) => `${tryIt}   (with SLOW_MS=5000, as in the lesson)`,
    noCount: (missing: number, burst: number) => `${missing} of ${burst} visits at once got no page with a count.`,
    unanswered: (missing: number, burst: number, seconds: number, connected: number) =>
      `${missing} of ${burst} visits at once got no answer within ${seconds} s` +
      `${connected < burst ? ` (${burst - connected} of them could not even connect)` : ""}. ` +
      "That is not a counting mistake: those visits never reached your code. ",
    smallBacklog: (backlog: number) =>
      `Your server listens with a backlog of ${backlog} (ss -ltn shows it): the kernel queues at most that many connections ` +
      "your server has not accepted yet, drops the handshakes of the others, and TCP tries those again only after 1, 3, 7 s and more.",
    smallBacklogHint:
      "Give listen() room for a burst: in Node, server.listen(port, host) already queues 511 (a backlog as third argument lowers it); in Python, sock.listen(128), not the seed's listen(5).",
    stuckUnderLoad:
      "Your server accepted the connections but did not answer them all: a thread or a handler that never finishes under load, or an error that only shows when many requests come at once.",
    stuckUnderLoadHint: "Look at your server's output below for an error, and make sure every request ends in an answer, even when many arrive at once.",
    burstTryIt: (port: number) => `for i in $(seq 50); do echo "$(printf 'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' | nc 127.0.0.1 ${port} | tail -n 1)" & done; wait`,
    countBefore: (burst: number, start: number) => `Before ${burst} visits at once the count was ${start}. The visits showed `,
    // Worded so that it reads right for any number: timing decides it (and the records mask it).
    repeatedCounts: (different: number, repeats: string) => `the same count more than once: ${repeats} (different counts in all: ${different}). `,
    shownTimes: (count: number, times: number) => `${count} was shown ${times} times`,
    countRange: (from: number | undefined, to: number | undefined) => `the counts ${from}..${to}. `,
    nextVisit: (count: number | null | undefined) => `The next visit shows ${count}.`,
    burstExpected: (from: number, to: number, next: number) => `the counts ${from}..${to}, each once, then ${next}`,
  },
  /** Phase 4 (checks/counter.ts). */
  counter: {
    gotStatus: (path: string, status: string) => `GET ${path} got status ${status}.`,
    ok: "HTTP/1.1 200 OK",
    noCount: 'The page for / does not say "This page has been accessed N times."',
    noCountExpected: "<h1>This page has been accessed 1 times.</h1> (then 2, 3, ...)",
    firstVisitShows: (count: number | null) => `The first visit to / shows ${count}.`,
    firstVisitExpected: "This page has been accessed 1 times.",
    incrementFirstHint: "Increment the counter before you build the page.",
    countOnlyRootHint: "Count only requests for /, not connections or other paths: the checker's first request was this one.",
    refreshNoCount: 'A refresh of / got a page without "This page has been accessed N times."',
    countWas: (count: number) => `The count was ${count}. `,
    refreshShowed: (counts: string) => `Refreshing the page (GET /, then GET /favicon.ico) then showed ${counts}: `,
    addsTwo: "each refresh adds 2. The favicon request is counted too.",
    addsTwoConnections:
      "each refresh adds 2, one per connection: your server counts connections (see the connections check), and a refresh makes two, one for / and one for /favicon.ico.",
    countVisitsHint: "Count in the branch that answers GET / with the page, after the request has been read and parsed, not when a connection arrives.",
    doesNotGoUp: "the count does not go up.",
    stepOf: (step: number) => `a step of ${step} where 1 was expected.`,
    refreshExpected: (next: number) => `${next} on this refresh: one more per view of /`,
    incrementHint: "Increment the counter (visits += 1) each time the path is /.",
    notFound: "HTTP/1.1 404 Not Found",
    emptyNotFound: (path: string) => `GET ${path} got 404 with an empty body: a browser shows a blank page.`,
    emptyNotFoundExpected: "a short body, e.g. <h1>404 Not Found</h1>",
    otherPathCounted: (before: number, after: number, path: string) =>
      `The count went from ${before} to ${after} across a request for ${path}: that request was counted.`,
    connectionsCounted: (before: number, after: number) =>
      `Between two views of / (count ${before}), three clients connected without asking for a page ` +
      `(one silent, one reset, one sent "Hello"), and the next view shows ${after}.`,
  },
  /** Phase 3 (checks/respond.ts). */
  respond: {
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
  },
  /** Phase 4 in a real browser (checks/browser.ts). */
  browser: {
    didNotLoad: (seconds: number) => `the page did not finish loading within ${seconds} s`,
    noAnswer: "no answer",
    pageSays: (count: number) => ` (the page says ${count})`,
    iconByChecker: " (icon asked by the checker from inside the page)",
    load: (n: number, how: "opened" | "refreshed", asked: string, by: string) => `  load ${n}, ${how === "opened" ? "opened" : "refreshed"}: ${asked}${by}`,
    nothingReached: "nothing reached the server",
    notRun: (why: string) => `not run: ${why}`,
    noCount: 'The page for / no longer says "This page has been accessed N times."',
    launchFailed: (error: string) => `not run: ${error}. Try another browser with LAB_CHROMIUM=/path/to/chrome.`,
    stopped: (error: string) => `not run: the browser stopped working during the check (${error}).`,
    tryIt: (port: number) => `open http://localhost:${port}/ in a browser, and refresh it with Ctrl+Shift+R (a hard refresh) a few times`,
    story: (before: number, refreshes: number) =>
      `The page showed ${before} before the browser came. Chromium then opened it and refreshed it ${refreshes === 2 ? "twice" : `${refreshes} times`} ` +
      "(Ctrl+Shift+R), as a person does; after each load it asked for /favicon.ico, the tab's icon.",
    couldNotShow: (story: string, load: number, error: string, details: string) =>
      `${story} On load ${load} the browser could not show the page: ${error}.${details}`,
    emptyPage: "an empty page",
    statusNote: (status: number) => ` (status ${status})`,
    noCountShown: (story: string, load: number, shown: string, status: string, details: string) =>
      `${story} On load ${load} it showed ${shown}${status}, without "This page has been accessed N times."${details}`,
    addsTwo: "each refresh adds 2: the favicon request was counted too.",
    doesNotGoUp: "the count does not go up.",
    movedBy: (load: number, step: number) => `load ${load} moved it by ${step}, where 1 was expected.`,
    wrongCounts: (story: string, counts: string, before: number, relative: string, expected: string, verdict: string, details: string) =>
      `${story} The page showed ${counts}: counted from ${before}, that is ${relative}, where one more per load ` +
      `gives ${expected}. ${verdict[0]!.toUpperCase()}${verdict.slice(1)}${details}`,
    wrongCountsExpected: (counts: string) => `${counts}: one more per load of /, none for /favicon.ico`,
  },
  /** The report a student reads (report.ts). */
  route: {
    returnedOther: (call: string, other: string) => `${call} returned ${other || "something that is not bytes"}, not a response.`,
    returnedNothing: (call: string) => `${call} returned nothing: an empty response.`,
    returnedOtherExpected: "the whole response as a Buffer: status line, headers, empty line, body",
    builtWithProblem: (call: string, problem: string) => `${call} built a response with a problem: ${problem}.`,
    gotStatus: (call: string, got: number | null, want: number) => `${call} answered ${got === null ? "without a status" : got}, where the contract has ${want}.`,
    statusExpected: (status: number) => `HTTP/1.1 ${status} ...`,
    noBody: (call: string, status: number) => `${call} answered ${status} with an empty body; every answer, errors too, has a page that says what happened.`,
    bodyExpected: "a body (with its Content-Length)",
    helloBody: (call: string, body: string) => `${call} answered with the body "${body}".`,
    noAllow: (call: string) => `${call} answered 405 without an Allow header: the client cannot tell which methods the page has.`,
    wrongAllow: (call: string, allow: string) => `${call} answered 405 with Allow: ${allow}.`,
    allowExpected: "Allow: GET, HEAD (exactly the methods the path has)",
    headHasBody: (call: string, bytes: number) => `${call} sent ${bytes} bytes after the head. A response to HEAD has no body: a client reads those bytes as the start of the next response.`,
    headHasBodyHint: "For HEAD, build the same response as for GET, then send only its head: the bytes up to and including the empty line.",
    headStatus: (call: string, got: number | null, get: number | null) => `${call} answered ${got}, where GET answers ${get}: HEAD is GET without the body.`,
    headLength: (call: string, got: string | undefined, bytes: number) => `${call} says Content-Length: ${got ?? "(none)"}, where the GET body is ${bytes} bytes. HEAD tells the length the GET body has.`,
    headHeaders: (call: string, missing: string) => `${call} lacks header fields that GET sends: ${missing}.`,
    headCounted: (before: number, after: number) =>
      `GET / showed ${before}, then came a HEAD /, then GET / showed ${after}: the HEAD was counted as a visit. HEAD asks about the page without visiting it.`,
    headCountedHint: "Count in the GET handler only when the method is GET: HEAD runs the same handler and sends the head alone.",
    forPath: (path: string) => `For GET ${path}:`,
    forRequest: (method: string, path: string) => `For ${method} ${path}:`,
    forLine: (line: string) => `For the request line "${line}":`,
    wireStatus: (got: number | null, want: number) => `the answer was ${got === null ? "without a status" : got}, where the contract has ${want}.`,
    wireNoBody: (status: number) => `the ${status} came with an empty body; every answer, errors too, has a page that says what happened.`,
    wireHelloBody: (body: string) => `GET /hello/<name> answered with the body "${body}".`,
    wireNoAllow: "the 405 came without an Allow header: the client cannot tell which methods the page has.",
    wireWrongAllow: (allow: string) => `the 405 came with Allow: ${allow}.`,
    notFoundHint: "When no route's pattern fits the path, answer 404 Not Found with a small page; never let a missing route throw.",
    notFoundForMethodHint: "A path that has routes, asked for with another method, is 405 Method Not Allowed (with Allow), not 404: the page exists.",
    notImplementedHint: "Before looking for a route, check the method against the ones HTTP defines (GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH): any other is 501 Not Implemented.",
    caseSensitiveHint: "Methods are case-sensitive: \"get\" is not GET. Compare the method as it came, without toUpperCase().",
    badRequestHint: "Split the request line on single spaces: exactly three parts (method, target, version), the target starting with /, the version HTTP/d.d. Anything else is 400 Bad Request.",
    versionHint: "Read the version from the request line: this server speaks HTTP/1.x; for a well-formed other version (HTTP/2.0) answer 505 HTTP Version Not Supported.",
    queryHint: "Cut the target at the first ? before looking up the route: the query string is not part of the path.",
    queryOtherPage: (target: string) => `GET ${target} answered another page than GET /about.`,
    queryExpected: "the same page as GET /about",
    afterNotFound: "requests for paths no route has",
    afterBadRequest: "malformed request lines",
  },
  headers: headersWords,
  query: queryWords,
  static: staticWords,
  serve: {
    usage: (phases: string) => `Usage: npm run serve <phase> [-- --port 8000] [--slow-ms N]\nRuns your own server of that phase until Ctrl-C. Phases: ${phases}.`,
    noSuchPhase: (id: string, phases: string) => `There is no phase "${id}". The phases are: ${phases}.`,
    badPort: (value: string) => `--port ${value} is not a port number (1 to 65535).`,
    missingFile: (file: string, phase: number) => `${file} is not there. To get the skeleton back: npm run lab -- reset ${phase}`,
    portInUse: (port: number) =>
      `Port ${port} is in use: something (maybe your server, started earlier in another terminal) is listening on it. Stop that one first (Ctrl-C in its terminal), or serve on another port: npm run serve <phase> -- --port 9000.`,
    serving: (file: string, port: number) => `Serving ${file} on http://127.0.0.1:${port}/ (Ctrl-C stops it)`,
    exited: (code: number) => `Your server stopped with exit code ${code}; its own output above says why.`,
  },
  report: {
    command: (command: string) => `the command: ${command}`,
    ownServer: (port: number) => `the server you started on port ${port}`,
    port: (port: number) => `port ${port}`,
    portWithEnv: (port: number, slowMs: number) => `port ${port} (PORT=${port}${slowMs ? `, SLOW_MS=${slowMs}` : ""})`,
    phaseTitle: (n: number, title: string) => `Phase ${n} · ${title}`,
    grading: (target: string, where: string, seed: number) => `Grading ${target} on ${where} · seed ${seed}`,
    errorLabel: " (error: the server did not run properly)",
    skipped: "skipped",
    /** The labels in front of a finding's evidence, padded to 10 characters in the report. */
    labels: { sent: "sent", got: "got", reference: "reference", expected: "expected", rule: "rule", hint: "hint", tryIt: "try it" },
    referenceNote: "what the lab's solution answers to the same bytes: --no-compare leaves it out",
    serverOutput: "server output:",
    printedNothing: "(it printed nothing)",
    serverOutputLast: (lines: number) => `server output (last ${lines} line${lines > 1 ? "s" : ""}):`,
    passed: (n: number) => `${n} passed`,
    failed: (n: number) => `${n} failed`,
    errors: (n: number) => `${n} error${n > 1 ? "s" : ""}`,
    skippedCount: (n: number) => `${n} skipped`,
    phasePassed: (n: number) => `Phase ${n} passed.`,
    next: (readme: string) => ` Next: ${readme}`,
    lastPhase: " That was the last phase: well done.",
    fixFirst: (number: string, seed: number) => `Fix ${number} first, then run the check again. This run's requests are repeated exactly with --seed ${seed}.`,
    tryItNote: (file: string) => `"try it" lines talk to your own server on port 8000: start it first with npx tsx ${file}`,
    keptWebRoot: (root: string, phase: number) =>
      `The files those lines ask for are this run's, kept in ${root}: start your server with WEB_ROOT set to it (WEB_ROOT=${root} npm run serve ${phase}, or with your own command); the next check of phase ${phase} removes it.`,
    tryItNoteServe: (phase: number) => `"try it" lines talk to your own server on port 8000: start it first with npm run serve ${phase} (in another terminal)`,
    ms: (ms: number) => `${ms} ms`,
    seconds: (s: string) => `${s} s`,
  },
  /** What is wrong with a response, as http-reader.ts reads it strictly. */
  reader: {
    empty: "no bytes came back",
    onlyInterim: (status: number) => `only an interim ${status} response came; the final response (200, 404, ...) never followed it`,
    bareLf: (line: number) => `line ${line} of the head ends with a bare \\n; HTTP needs \\r\\n at the end of every line`,
    bareLfBlankLine: "the empty line that ends the head is a bare \\n; HTTP needs \\r\\n there too (the head ends with \\r\\n\\r\\n)",
    bareCr: "the head holds a \\r that is not followed by \\n; a \\r may only come right before the \\n that ends a line",
    badVersion: (version: string) => `the version is HTTP/${version}; a server speaking HTTP/1.1 sends HTTP/1.1 (or HTTP/1.0), nothing else`,
    badStatusCode: (code: string) => `the status code ${code} is not one HTTP has: status codes run from 100 to 599`,
    badStatusLine: (line: string) => `the status line "${line}" is not of the form "HTTP/1.1 <3-digit code> <reason>"`,
    noSpaceAfterCode: (line: string) => `the status line "${line}" has no space after the code; it is "HTTP/1.1 <code> <reason>", and the space stays even when the reason is empty`,
    controlInReason: (reason: string) => `the reason phrase "${reason}" holds a control byte`,
    noStatusLine: "the response does not start with a status line",
    startsWithEmptyLine: "the response starts with an empty line; its very first bytes must be the status line (HTTP/1.1 200 OK)",
    startsWith: (start: string) => `the response starts with "${start}" instead of a status line like "HTTP/1.1 200 OK"`,
    badHeader: (line: string) => `"${line}" is not a header line of the form "Name: value"`,
    spaceBeforeColon: (line: string) => `"${line}" has whitespace before its colon; a header is "Name: value", with the colon right after the name`,
    badFieldName: (name: string) => `"${name}" is not a header name: a name is letters, digits and a few marks like - and _, with no spaces`,
    spaceAfterStartLine: (line: string) => `the line after the status line, "${line}", starts with whitespace`,
    obsFold: (name: string, line: string) => `the value of ${name} goes on in a folded line starting with whitespace ("${line}"); a header is one line`,
    controlInValue: (name: string, value: string) => `the value of ${name} ("${value}") holds a control byte`,
    headNeverEnds: "the head never ends: there is no empty line (\\r\\n\\r\\n) between the headers and the body",
    headNotEnded: "the head has not ended yet: no empty line (\\r\\n\\r\\n) has arrived, and the connection is still open",
    noContentLength:
      "there is no Content-Length header, so the body ends only where the server closes the connection; that is valid HTTP/1.1, but a client that keeps connections open cannot use it",
    chunked: "the body is chunked (Transfer-Encoding: chunked), which is valid HTTP/1.1, where this phase asks for a Content-Length",
    twoLengths: (values: string) => `Content-Length is given more than once, with different values (${values})`,
    sameLengthTwice: (value: string, times: number) => `Content-Length ${value} is given ${times} times; it is sent once`,
    notANumber: (value: string | undefined) => `Content-Length "${value}" is not a number of bytes`,
    lengthOnNoContent: (status: number, name: string) => `a ${status} response carries ${name}, which it may not: it has no body to measure`,
    teAndLength: "the response has both Transfer-Encoding and Content-Length; a sender sends one of them, never both (a client goes by Transfer-Encoding)",
    teOnHttp10: "an HTTP/1.0 response carries Transfer-Encoding, which HTTP/1.0 does not have: a client must take its framing as faulty",
    emptyListElement: (value: string) => `Transfer-Encoding "${value}" has an empty element in its list (a stray comma)`,
    chunkedTwice: (value: string) => `Transfer-Encoding "${value}" applies chunked more than once`,
    unknownCoding: (codings: string) => `the body is sent with the transfer coding ${codings}, which the request did not offer to accept; then only the close can end the body`,
    unaskedUpgrade: "the status is 101 Switching Protocols, but the request asked for no protocol switch (no Upgrade header)",
    contentAfterHead: (what: string, bytes: number) =>
      what === "HEAD"
        ? `${bytes} bytes came after the head of a response to HEAD, which has no body; a client reads them as the start of the next response`
        : `${bytes} bytes came after the head of a ${what} response, which has no body; a client reads them as the start of the next response`,
    untilCloseStillOpen: (bytes: number) => `the body (${bytes} bytes so far) can only end with the close, and the connection is still open: the client is still waiting`,
    lengthStillOpen: (length: string, got: number) =>
      `Content-Length says ${length} bytes, but only ${got} bytes of body came, and the connection is still open: the client is still waiting for the rest`,
    bodyShorter: (length: string, got: number) => `Content-Length says ${length} bytes, but only ${got} bytes of body came before the end`,
    lengthInCharacters: (length: string, bytes: number) =>
      `Content-Length says ${length}, but the body is ${bytes} bytes: ${length} is its length in characters (a non-ASCII character like ö takes 2 or more bytes in UTF-8)`,
    bodyLonger: (length: string, got: number, extra: number) =>
      `Content-Length says ${length} bytes, but ${got} bytes of body came (${extra} too many: a client takes them for the start of the next response)`,
    chunksCut: (chunks: number) => `the connection ended after ${chunks} chunk${chunks === 1 ? "" : "s"}, before the last chunk (0\\r\\n\\r\\n) that ends a chunked body`,
    chunksStillOpen: (chunks: number) => `the chunked body has not ended: ${chunks} chunk${chunks === 1 ? "" : "s"} came, no last chunk (0\\r\\n\\r\\n), and the connection is still open`,
    chunkLineBareLf: (chunk: number) => `the size line of chunk ${chunk} does not end with \\r\\n`,
    trailerLineBareLf: "after the last chunk, a line does not end with \\r\\n (the chunked body ends with 0\\r\\n\\r\\n)",
    badChunkSize: (chunk: number, line: string) => `the size line of chunk ${chunk}, "${line}", is not a size in hexadecimal (like 1a)`,
    chunkBws: (chunk: number, line: string) => `the size line of chunk ${chunk}, "${line}", has whitespace around its extension; a sender may not put any there`,
    chunkTooBig: (size: string) => `the chunk size ${size} is larger than any body`,
    chunkSizeLineTooLong: "a chunk's size line goes on for over 4 KiB without ending",
    noCrlfAfterChunk: (chunk: number, size: number) => `chunk ${chunk} says it has ${size} bytes, but no \\r\\n follows them: its size is wrong`,
    afterLastChunk: (bytes: number) => `${bytes} bytes came after the end of the chunked body; a client takes them for the start of the next response`,
  },
  rules: {
    labRef: "this lab's rule",
    rfcRule: (ref: string, level: string) => `${ref}, a ${level}`,
    labRule: (ref: string, why: string) => (ref === "this lab's rule" ? `this lab's rule: ${why}` : `${ref}, as this lab reads it: ${why}`),
    transferCodingWhy: "the checker's requests carry no TE header, so they accept no transfer coding but chunked",
    caselessWhy: "field names are case-insensitive (the RFC's definition of a name): user-agent, User-Agent and uSeR-aGeNt are one field, so the lab keys them in lowercase",
    combineWhy: "a field sent several times is one list, its values in order, joined with \", \" (RFC 9110 §5.3 lets a recipient combine them so); keeping only one line loses the others",
    trimWhy: "the spaces and tabs around a value (OWS) are not part of it",
    fieldLineWhy: "a field line is a token name, a colon, and the value; a line that is not cannot be read safely, and node:http's parser refuses it with 400 too",
    serverWhy: "Server is a MAY in the RFC; the lab asks for it so that you (and a client) can see which program answered",
    percentWhy:
      "a % must be followed by two hex digits (RFC 3986 §2.1), and RFC 9112 §3 says a server SHOULD answer a malformed request line with 400; the lab reads the bytes as UTF-8 (RFC 3986 §2.5), so bytes that are not UTF-8 are a 400 too",
    segmentsFirstWhy: "the components of a URI are separated before their escapes are decoded: %2F is data inside a segment, not a separator",
    decodeOnceWhy: "\"implementations must not percent-encode or decode the same string more than once\": a second decoding turns data into syntax",
    plusInPathWhy: "a \"+\" means a space only in a form-encoded query string; in a path it is a plus",
    formPlusWhy: "query strings from forms are application/x-www-form-urlencoded, where \"+\" is a space",
    querySplitFirstWhy: "a query is split on \"&\" and \"=\" before its keys and values are decoded: %26 and %3D are data inside them",
    notModifiedWhy:
      "a server may leave conditional requests out; the lab asks for If-Modified-Since, as every static server answers it, so that a browser need not fetch an unchanged file again",
    streamWhy: "a server that reads each file whole holds a copy per client downloading it; streamed in pieces, its memory stays small whatever the file's size",
    traversalWhy: "the root is all a client may see: a file outside it (your code, your keys, /etc/passwd) is not part of the site, however the path is spelled",
    headLimitWhy: "the RFC leaves the size to the server; the lab asks for at least 16 KiB (the default of node:http) and at most 64 KiB, so that a head with long cookies is served and an endless one is refused early",
    contentLengthWhy:
      "phases 3 to 5 ask for Content-Length, because the clients a student tries (node:http's keep-alive agent, Python's http.client) and the later phases rely on knowing where the body ends",
  },

  /** npm run phase (cli.ts). */
  cli: {
    /** One line on stderr, then the run goes on. */
    unsupportedNode: (version: string, lines: number[], tooOld: boolean) =>
      `Note: this lab is tested on Node.js ${lines.slice(0, -1).join(", ")} and ${lines.at(-1)}; this is Node.js ${version}` +
      `${tooOld ? ", whose line no longer gets fixes" : ""}. The checks run, but if a verdict looks odd, install one of those (nodejs.org).`,
    usage: (phases: string, slowMs: number) => `Usage: npm run phase <phase> [-- options]

  <phase>            a number or a name: ${phases}

Options (after --, so that npm passes them on):
  --solution         grade the reference solution instead of your file (instructors)
  --cmd "<command>"  grade a server started by this command, in any language
                     (e.g. --cmd "python3 server.py"); it must listen on $PORT
  --port <port>      grade a server you already started yourself on this port
  --seed <n>         repeat the exact requests of an earlier run
  --slow-ms <ms>     SLOW_MS for phase 5 (default ${slowMs})
  --watch            check again every time you save the file (Ctrl-C to stop)
  --browser          also drive a real browser (headless Chromium) where a phase has such a check
  --compare          show, beside a failed request, what the lab's solution answers to the same
                     bytes (the default from phase 6 on; --no-compare leaves it out)
  --json             print one JSON document (the results) and nothing else on stdout
  --help             show this text

Examples:
  npm run phase 1
  npm run phase respond -- --seed 4242
  npm run phase 3 -- --cmd "python3 server.py"`,
    wholeNumber: (name: string, min: number, max: number, given: string) => `--${name} needs a whole number from ${min} to ${max}, not "${given}".`,
    whichPhase: "Which phase? Give its number or name.",
    onePhase: (got: string) => `One phase at a time, please (got: ${got}).`,
    watchAndJson: "--watch and --json do not go together: --json prints one result.",
    watchAndSource: "--watch watches your phase file; it does not go with --solution, --cmd or --port.",
    chooseOne: (sources: string) => `Choose one of ${sources}: each says what to grade.`,
    cmdNeedsCommand: '--cmd needs a command, e.g. --cmd "python3 server.py".',
    noSuchPhase: (id: string, phases: string) => `There is no phase "${id}". The phases are: ${phases}.`,
    stopped: (signal: string) => `Stopped (${signal}); the server the checker started has been stopped too.`,
    checkerFailed: (error: string) => `The checker failed: ${error}`,
    isABug: "This is a bug in the lab, not in your server. Run again with LAB_DEBUG=1 to see details, and please report it.",
  },
  /** Running a phase (run.ts): why a check did not run, and what happened to the server. */
  run: {
    noFile: (file: string) =>
      `${file} does not exist. The checker grades that file: it is the phase's skeleton, which you edit. ` +
      `If you moved or deleted it, \`git checkout -- ${file}\` brings the skeleton back.`,
    stopped: (why: string) => `the run was stopped: ${why}`,
    endedFromOutside: "it was ended from outside",
    notRun: (why: string) => `not run: ${why}`,
    phaseTooLong: (seconds: number) => `not run: the phase took longer than ${seconds} s, and the checker stopped there`,
    endedBy: (signal: string) => `was ended by ${signal}`,
    exitedWith: (code: number | null) => `exited with code ${code}`,
    keepsRunning: "keeps running",
    stopsTitle: "ends, with everything it started, when the checker stops it",
    leftRunning: (processes: string[]) =>
      `When the checker stopped your server, ${processes.length === 1 ? "a process it had started was" : `${processes.length} processes it had started were`} ` +
      `still running outside its process group: ${processes.join("; ")}. ${processes.length === 1 ? "It has" : "They have"} been ended now. ` +
      "A process that calls setsid() or forks twice leaves the group, so stopping the server misses it: it would keep the port, and the next run could not start.",
    leftRunningHint: "Let the server run in the foreground, as one process (or threads, or children it waits for): no daemonizing, no setsid, no & in --cmd.",
    endedOnItsOwn: "Your server ended on its own (exit code 0) during the check above, which it passed.",
    endedDuringPassed: (how: string) => `Your server ${how} during the check above (which it passed). Its output below shows why.`,
    dontExitHint: "A server must keep running between clients: don't call process.exit() or server.close().",
    firstErrorHint: "A server must keep running between clients: look at the first error line in its output.",
    endedDuringThis: (how: string) => ` Your server ${how} during this check; its output below shows why.`,
    noLongerRunning: (how: string) => `not run: the server is no longer running (it ${how})`,
    fixFirst: (number: string) => `not run: fix ${number} first (the checks after it depend on it)`,
    needsModule:
      "not run: it calls the functions of your TypeScript file, which the checker can only do when it grades a phase file (not with --cmd or --port)",
    needsBrowser: "not run: it drives a real browser; add --browser to run it",
    needsOutput: "not run: the checker cannot see what a server you started yourself prints (--port)",
    needsFirst: (numbers: string) => `not run: needs ${numbers} to pass first`,
    and: " and ",
    checkTimeout: (seconds: number) => `The check did not finish within ${seconds} s; the checker gave up waiting.`,
    checkerFailed: (message: string) => `The checker itself failed in this check (${message}). This is a bug in the lab; please report it with the seed below.`,
  },
  /** Each phase's title, by its number (manifest.ts). */
  phases: {
    1: "Bind: accept connections and see the bytes",
    2: "Parse: find the path in the request",
    3: "Respond: speak HTTP/1.1 back",
    4: "Counter: a page that counts its visitors",
    5: "Threads: serve many clients at once",
    6: "Route: a routing table by method and path",
    7: "Headers: read the request's fields, send the ones every response needs",
    8: "Query: decode the path, read the query string",
    9: "Static: serve the files of a folder, and nothing outside it",
  },
  /** The lab tool's own messages (lab.ts, and the few words of progress.ts, watch.ts, server-process.ts). */
  lab: {
    noHintsHint: "Read the failure message of this check: it says what came back and what was expected.",
    tooManyWords: (words: string) => `Too many words: ${words}`,
    unknownCommand: (command: string, known: string) => `Unknown command "${command}". Commands: status, ${known}.`,
    needsPhase: (command: string) => `${command} needs a phase: a number or a name, e.g. npm run lab -- ${command} 3`,
    noSuchPhase: (id: string, phases: string) => `There is no phase "${id}". The phases are: ${phases}.`,
    failed: (error: string) => `The lab tool failed: ${error}`,
    notAProgressFile: "not a progress file",
    wslDrive: "a Windows drive under WSL",
    couldNotStart: (error: string) => `could not start: ${error}`,
  },
  /** npm run client, the lab's own nc (client.ts). */
  client: {
    usage: (escapes: string, timeoutMs: number) => `Usage: npm run client -- [host] <port> [options]

A raw TCP client, like nc: it sends what you type and shows what comes back, with \\r and \\n
made visible, when each piece arrived, and who closed the connection. The host is 127.0.0.1
unless you give one.

Type a line and press Enter: it is sent with \\r\\n at its end (an empty line sends just \\r\\n).
Ctrl-D on an empty line ends your input: your side of the connection is closed (the server
reads end-of-stream) and the client waits for the server to close. Ctrl-C closes and quits.

Piped input (not typed) is sent as it arrives, each line end (\\n or \\r\\n) turned into \\r\\n
(\\n with --lf); a last line without a line end is sent as it is. The end of the input counts
as Ctrl-D.

Options (after --, so that npm passes them on):
  --lf              end lines with a bare \\n instead of \\r\\n (as nc does without -C)
  --send '<text>'   send exactly these bytes instead of reading input, then end your side;
                    escapes: ${escapes}
  --keep-open       when your input ends, keep your side open (as nc does without -N): a
                    server that closes as soon as you end your side can still answer
  --wait <ms>       after your input ends, wait this long for the server, then close
  --timeout <ms>    never wait longer than this, from the start (default ${timeoutMs}); when you
                    type, from the end of your input
  --help            show this text

Examples:
  npm run client -- 8000
  npm run client -- 8000 --send 'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'
  printf 'GET / HTTP/1.1\\nHost: x\\n\\n' | npm run client -- 8000
  npm run client -- localhost 8000 --lf`,
    wholeNumber: (name: string, min: number, max: number, given: string) =>
      `--${name} needs a whole number of milliseconds from ${min} to ${max}, not "${given}".`,
    npmKept: (kept: string[]) => `npm kept ${kept.join(", ")} for itself. Put -- before the client's options: npm run client -- 8000 ${kept.join(" ")} ...`,
    whichPort: "Which port? e.g. npm run client -- 8000",
    tooMany: (got: string) => `Give a port, or a host and a port, nothing more (got: ${got}).`,
    notAPort: (given: string) => `"${given}" is not a port: a port is a whole number from 1 to 65535.`,
    emptyHost: "The host is empty; leave it out for 127.0.0.1.",
    lfWithSend: "--lf changes the line ends of typed and piped lines; --send already says every byte: write \\n where you want one.",
    refused: (port: number) => `connection refused. Nothing is listening on that port: is your server running, and on port ${port}?`,
    unknownHost: (host: string) => `unknown host "${host}". Your own machine is 127.0.0.1 (or localhost).`,
    lookupFailed: (host: string) => `could not look up the host "${host}" (the name service did not answer). Your own machine is 127.0.0.1.`,
    connectTimeout: (ms: number) => `no connection within ${ms} ms (--timeout). Is the host right, and is it reachable?`,
    stoppedBeforeConnected: (signal: string) => `Stopped (${signal}) before the connection was made.`,
    couldNotConnect: (where: string, why: string) => `Could not connect to ${where}: ${why}`,
    connected: (where: string) => `Connected to ${where}.`,
    typedLinesEnd: (lineEnd: string) => ` Each line you type is sent with ${lineEnd} when you press Enter.`,
    ctrlD: "Ctrl-D on an empty line ends your input (your side closes); Ctrl-C closes the connection.",
    inputEndedKeepOpen: "→ (end of your input; your side stays open, --keep-open)",
    inputEndedClosed: "→ (end of your input: your side is closed, FIN; the server can still answer)",
    bytes: (count: number) => `${count} byte${count === 1 ? "" : "s"}`,
    moreThan: (max: number) => `… (more than ${max} bytes came back: the rest is counted, not shown)`,
    totals: (sent: string, received: string, chunks: number) => `sent ${sent}, received ${received}${chunks > 1 ? ` in ${chunks} chunks` : ""}`,
    closedWithoutAnswer: [
      "  The server closed without answering, after you ended your side. If it should have answered: a Node",
      "  server closes its side as soon as it reads your end, unless it was created with allowHalfOpen: true.",
      "  --keep-open keeps your side open, as nc does without -N.",
    ],
    fin: "the server closed the connection (FIN)",
    rst: "the server reset the connection (RST)",
    broken: (detail: string) => `the connection broke (${detail})`,
    youClosed: (signal: string) => `you closed it (${signal})`,
    waited: (ms: number) => `you closed it (--wait ${ms} ms after the end of your input)`,
    timedOut: (ms: number, fromInputEnd: boolean) =>
      `timed out: the connection was still open after ${ms} ms (--timeout${fromInputEnd ? ", counted from the end of your input" : ""}), so the client closed it`,
    inputOpen: "Your input had not ended. Typing in a window where the client cannot tell (Git Bash)? Use a longer --timeout, or PowerShell or cmd.",
    failed: (error: string) => `The client failed: ${error}\nThis is a bug in the lab. Run again with LAB_DEBUG=1 to see details, and please report it.\n`,
  },
  /** npm run grade, for instructors (grade.ts). */
  grade: {
    usage: (timeoutS: number, slowMs: number) => `Usage: npm run grade -- <submissions-dir> [options]

Every folder in <submissions-dir> is one student's submission: a copy of this lab
(its phases/<n>-<slug>/server.ts are graded), or, with --cmd, any program run in that folder.
Writes grades.csv and grades.md (one row per student, points and pass/fail/error per phase).

Options:
  --phases <list>     the phases to grade: 1-5 (default), 3, 1,3 or 2-4
  --cmd "<command>"   start each submission's server with this command, run in the
                      submission's folder; {phase} becomes the phase number, {slug} its name
                      (e.g. --cmd "python3 server_{phase}.py"); it must listen on $PORT
  --out <dir>         where grades.csv and grades.md go (default: <submissions-dir>)
  --timeout-s <s>     bound on one phase run of one submission (default ${timeoutS}); a run
                      over it counts as an error and its server is stopped
  --jobs <1|2>        submissions graded at the same time (default 1)
  --seed <n>          the same requests for every student (default: random, printed)
  --slow-ms <ms>      SLOW_MS for phase 5 (default ${slowMs})
  --help              show this text

Examples:
  npm run grade -- ~/class/submissions
  npm run grade -- ~/class/submissions --phases 1-3 --out ~/class/grades
  npm run grade -- ~/class/python --cmd "python3 server_{phase}.py"`,
    wholeNumber: (name: string, min: number, max: number, given: string) => `--${name} needs a whole number from ${min} to ${max}, not "${given}".`,
    badPhaseList: (given: string) => `--phases takes phase numbers like 1-5, 3 or 1,3 (not "${given}").`,
    phaseRange: (from: number, to: number) => `${from} to ${to}`,
    or: " or ",
    noSuchPhase: (list: string, phases: string) => `There is no phase ${list}. The phases are: ${phases}.`,
    whichFolder: "Which folder of submissions? Give its path.",
    oneFolder: (got: string) => `One folder of submissions, please (got: ${got}).`,
    notAFolder: (dir: string) => `${dir} is not a folder.`,
    cmdNeedsCommand: '--cmd needs a command, e.g. --cmd "python3 server_{phase}.py".',
    noFile: (dir: string) => `no ${dir}/server.ts`,
    overBound: (seconds: number) => `it took longer than the grader's bound of ${seconds} s`,
    checkerFailedLog: (student: string, phase: number, message: string) => `  ${student}, phase ${phase}: the checker failed (${message}); counted as an error.`,
    checkerFailed: (message: string) => `the checker failed: ${message}`,
    overTheBound: (seconds: number) => `over the ${seconds} s bound`,
    graded: (when: string, lab: string, phases: string, seed: number, timeoutS: number, cmd: string | undefined) =>
      `Graded ${when} UTC with the checker of ${lab}: ` +
      `phases ${phases}, seed ${seed}, at most ${timeoutS} s per phase run` +
      (cmd !== undefined ? `, each server started with \`${cmd}\`` : "") +
      ".",
    missingCell: "– missing",
    explanation: [
      "Each phase is worth 100 points, split evenly among its checks; a check earns its points when it passes.",
      "**pass**: every check passed. **fail**: the server ran and answered wrongly (in brackets: the first check that failed). " +
        "**error**: the server never ran properly (a crash at start, the wrong port, missing functions), or the run went over the time bound " +
        "(it keeps the points of the checks it passed before). " +
        "**missing**: the submission has no file for that phase.",
    ],
    noSubmissions: (dir: string) => `${dir} has no folders in it: each student's submission is one folder there.`,
    startedWith: (cmd: string) => `started with: ${cmd}`,
    eachServerTs: "phases/<n>-<slug>/server.ts of each",
    grading: (count: number, dir: string, what: string, phases: string, seed: number, timeoutS: number, jobs: number) =>
      `Grading ${count} submission${count === 1 ? "" : "s"} in ${dir} (${what}): ` +
      `phases ${phases}, seed ${seed}, at most ${timeoutS} s per phase run` +
      `${jobs > 1 ? `, ${jobs} at a time` : ""}.`,
    passed: (perPhase: string) => `Passed: ${perPhase}.`,
    passedPhase: (phase: number, passed: number, of: number) => `phase ${phase} ${passed}/${of}`,
    wrote: (csv: string, md: string) => `Wrote ${csv} and ${md}.`,
    stopped: (signal: string) => `Stopped (${signal}); the servers the grader started have been stopped too. Nothing was written.`,
    failed: (error: string) => `The grader failed: ${error}`,
  },
  /** Smaller pieces of the reports: the browser (chromium.ts), importing a student's file (module-caller.ts),
   * connecting (wire.ts), long evidence (visible.ts), and --send's escapes (send-text.ts). */
  tools: {
    /** A run of stack frames in Node's or a package's code, folded into one line of the server's output. */
    runtimeFrames: (count: number, inNode: boolean, inPackages: boolean) =>
      `at … (${count} frame${count === 1 ? "" : "s"} inside ${inNode && inPackages ? "Node.js and node_modules" : inNode ? "Node.js" : "node_modules"})`,
    installChromium:
      "Install Chromium: on Debian/Ubuntu `sudo apt install chromium`; on macOS or Windows install Google Chrome or Chromium. " +
      "Or point the checker at one: LAB_CHROMIUM=/path/to/chrome.",
    badLabChromium: (chosen: string) =>
      `LAB_CHROMIUM is set to ${chosen}, which is not a program the checker can run: fix the path, or unset LAB_CHROMIUM to let the checker look for Chromium itself.`,
    onPath: (names: string, installFolders: boolean) => `${names} on PATH${installFolders ? ", and the usual install folders" : ""}`,
    noChromium: (where: string, install: string) => `no Chromium or Chrome was found (the checker looked for ${where}). ${install}`,
    theBrowser: (note: string) => `the browser ${note}`,
    couldNotBeStarted: (error: string) => `could not be started (${error})`,
    endedBy: (signal: string) => `was ended by ${signal}`,
    exitedWith: (code: number | null) => `exited with code ${code}`,
    didNotStart: (executable: string, error: string, output: string) => `${executable} did not start: ${error}${output ? ` (it printed: ${output})` : ""}`,
    noBrowserAnswer: (method: string, seconds: number) => `the browser did not answer ${method} within ${seconds} s`,
    importTookTooLong: (seconds: number) => `importing it took longer than ${seconds} s`,
    couldNotBeImported: "it could not be imported",
    importerExited: "the process that imports it exited",
    importerEnded: "the process that imports it has ended",
    anError: "an error",
    noConnectionAfter: (ms: number) => `no connection after ${ms} ms`,
    connectionRefused: "connection refused",
    moreBytes: (count: number) => `… (${count} more bytes not shown)`,
    escapesHelp: "\\r \\n \\t \\\\ and \\xNN (one byte in hex, e.g. \\x00)",
    loneBackslash: (escapes: string) => `it ends with a lone \\. For a backslash itself, write \\\\. The escapes are ${escapes}.`,
    badHex: (at: number, hex: string) => `"\\x" at character ${at} needs two hex digits after it (e.g. \\x00, \\xff), not "${hex}".`,
    unknownEscape: (escape: string, at: number, escapes: string) =>
      `"\\${escape}" at character ${at} is not an escape this client knows. The escapes are ${escapes}; for a backslash itself, write \\\\.`,
  },
  /** Every check's title and hints, by the check's id. */
  checks: {
    start: check("starts and listens on the port it is given (PORT)", [
      "Call server.listen(PORT, HOST, callback) with PORT read from the environment: Number(process.env.PORT ?? 8000).",
      "Run the file yourself (npx tsx <your file>) and read what it prints.",
      "const PORT = Number(process.env.PORT ?? 8000); const HOST = \"127.0.0.1\"; ... server.listen(PORT, HOST, () => console.log(`Listening on http://${HOST}:${PORT}`));",
    ]),
    "bind.prints": check("prints what the client sent", [
      "The socket's 'data' event gives you a Buffer with the bytes that arrived: print it with console.log(data.toString()).",
      "Register the handler inside the connection callback: socket.on('data', (data) => { ... }).",
      "socket.on(\"data\", (chunk) => console.log(`--- Received ---\\n${chunk.toString(\"utf8\")}\\n----------------`));",
    ]),
    "bind.closes": check("closes the connection after reading", [
      "Nothing ends a TCP connection until one side closes it: call socket.end() when you are done with the client.",
      "socket.end() sends a FIN: the client reads end-of-stream, and a piped nc (printf ... | nc) exits.",
      "In the 'data' handler, right after printing the chunk: socket.end();",
    ]),
    "bind.several": check("accepts several connections in a row", [
      "net.createServer calls your handler once for every connection, for as long as the server listens. Don't close the server, only each client's socket.",
      "Look for server.close() or a handler registered with once(): either stops the server after the first client.",
      "Keep one net.createServer((socket) => { ... }) and one server.listen(...); inside the callback close only `socket`.",
    ]),
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
    "survive.silent": check("survives a client that connects and leaves without a word", [
      "A connection can end before any data arrives: then the 'end' event comes with nothing read. Handle it by closing quietly.",
      "Don't assume the first 'data' event will come. Code in the 'end' or 'close' handler must work with an empty buffer.",
      "socket.on(\"end\", () => { if (received.length === 0) console.log(\"Client left without a word\"); socket.end(); });",
    ]),
    "survive.reset": check("survives a client that resets the connection", [
      "When a client vanishes (a closed tab, a lost network) the socket emits an 'error' event (ECONNRESET). An 'error' event nobody listens to crashes Node.",
      "Add socket.on('error', (err) => console.log('client error:', err.message)) for every connection.",
      "Put it first thing in the connection callback, before any other socket.on(...): net.createServer((socket) => { socket.on(\"error\", (err) => console.log(err.message)); ... }).",
    ]),
    "survive.hello": check("survives a request that is not HTTP (Hello typed into nc)", [
      "Anyone can connect and type anything. parseRequest returns \"\" for garbage: handle that case instead of crashing.",
      "For garbage, close the connection, or (from phase 3 on) answer 400 Bad Request.",
      "const path = parseRequest(head); if (path === \"\") { socket.end(generateResponse(\"<h1>400 Bad Request</h1>\", \"400 Bad Request\")); return; }",
    ]),
    "request.pieces": check("waits for the whole request when it arrives in pieces", [
      bufferHint,
      "Print each chunk as it arrives (console.log(JSON.stringify(chunk.toString()))) and run the 'try it' line to watch them come.",
      "Keep `received` outside the 'data' handler (one per connection), append each chunk, and act only when received.includes(\"\\r\\n\\r\\n\") || received.includes(\"\\n\\n\").",
    ]),
    "request.bare-lf": check("understands a request typed in nc (lines end with \\n, not \\r\\n)", [
      "nc sends what you type with a bare \\n at each line end (nc -C would send \\r\\n). HTTP allows a server to accept a bare \\n too, and this lab expects it.",
      "The head ends at \\r\\n\\r\\n or at \\n\\n, whichever comes first: look for both.",
      "const match = /\\r\\n\\r\\n|\\n\\n/.exec(received.toString()); if (match) { const head = received.toString().slice(0, match.index); ... }",
    ]),
    "request.big-head": check("reads a request bigger than one read (an 8 KiB head)", [
      "Big requests (long cookies, many headers) take several reads. A server that answers after the first read and closes leaves bytes unread, and the kernel then resets the connection: the client may never see the answer.",
      bufferHint,
      "Don't read a fixed amount (one read, or the first 4 KiB): keep appending chunks until the empty line has arrived, up to a generous limit such as 64 KiB.",
    ]),
    "threads.slow": check("every request still takes SLOW_MS (the slowness is kept, not removed)", [
      "The wait stands for real slow work, so it must stay: make it stop blocking other clients instead of deleting it.",
      "await setTimeout(SLOW_MS) from node:timers/promises waits without blocking; or run the blocking work in a worker thread.",
      "Replace blockFor(SLOW_MS) with await setTimeout(SLOW_MS), in a handler declared async.",
    ]),
    "route.unit-paths": check("dispatch answers GET /about, GET /hello/<name> and a path it does not know (404)", [
      "dispatch(method, target) returns the whole response as a Buffer, as generateResponse did: status line, headers, empty line, body.",
      "Keep the routes in a table: route(\"GET\", \"/hello/:name\", handler) adds { method, pattern, handler }; dispatch looks for the entry whose pattern fits the path, segment by segment.",
      "A segment \":name\" fits any one non-empty segment and is handed to the handler as params.name; no entry fits: answer 404 with <h1>404 Not Found</h1>.",
    ]),
    "route.unit-methods": check("dispatch answers a known path with another method with 405 and Allow, and an unknown method with 501", [
      "Two questions, in order: does HTTP know this method (else 501)? does any route fit the path (else 404)? Then: is there one for this method (else 405)?",
      "For the 405, collect the methods of the routes whose pattern fits the path (GET brings HEAD with it) and send them as Allow: GET, HEAD.",
      "const known = new Set([\"GET\", \"HEAD\", \"POST\", \"PUT\", \"DELETE\", \"CONNECT\", \"OPTIONS\", \"TRACE\", \"PATCH\"]); if (!known.has(method)) return generateResponse(501 ...);",
    ]),
    "route.unit-head": check("dispatch answers HEAD like GET, without the body", [
      "HEAD is GET without the body: run the GET route, build the response, and keep only the head (Content-Length stays the GET body's length).",
      "In dispatch, look the route up with the method GET when the request says HEAD; at the end, send only the bytes up to and including the empty line.",
      "const head = method === \"HEAD\"; ... const bytes = generateResponse(reply); return head ? bytes.subarray(0, bytes.indexOf(\"\\r\\n\\r\\n\") + 4) : bytes;",
    ]),
    "route.pages": check("GET /about and GET /hello/<name> over the wire", [
      "handleRequest reads the request line and hands method and target to dispatch, then sends what dispatch returns.",
      "Check that the server calls dispatch for every request, not the old route(path) of phase 5.",
      "const { method, target } = parseRequestLine(head)!; socket.end(await dispatch(method, target));",
    ]),
    "route.not-found": check("answers 404 with a body for a path no route has, and lives on", [
      "A path no route has is 404 Not Found with a small page, whatever the method; the server goes on serving.",
      "In seed 002 the lookup routes[(method, path)] raises KeyError for an unknown route, and the server dies: look up with a search that can come back empty.",
      "const found = routes.filter((r) => match(r, path)); if (found.length === 0) return generateResponse(error(404), head);",
    ]),
    "route.method-not-allowed": check("answers 405 with Allow: GET, HEAD for a known path with another method", [
      "POST /about: the page exists, but not for POST. That is 405 Method Not Allowed, and RFC 9110 §15.5.6 says a 405 MUST have an Allow header.",
      "Allow lists exactly the methods the path has: GET, HEAD for every page of this phase.",
      "return generateResponse({ status: 405, body: \"<h1>405 Method Not Allowed</h1>\", headers: { Allow: \"GET, HEAD\" } });",
    ]),
    "route.not-implemented": check("answers 501 for a method it does not know (BREW, a lowercase get)", [
      "A method HTTP does not define (BREW), and one in the wrong case (get), are 501 Not Implemented.",
      "Methods are case-sensitive (RFC 9110 §9.1): compare the method as it came, against the list of known methods.",
      "if (!KNOWN_METHODS.has(method)) return generateResponse(error(501));",
    ]),
    "route.bad-request": check("answers 400 for a malformed request line, and lives on", [
      "A request line is exactly METHOD SP TARGET SP VERSION, single spaces; anything else is 400 Bad Request.",
      "Split on \" \" (not on runs of spaces): \"GET  / HTTP/1.1\" then has an empty part, and is malformed.",
      "const parts = line.split(\" \"); if (parts.length !== 3 || !parts[1].startsWith(\"/\") || !/^HTTP\\/\\d\\.\\d$/.test(parts[2])) return generateResponse(error(400));",
    ]),
    "route.version": check("answers 505 for a request in HTTP/2.0", [
      "This server speaks HTTP/1.x. A well-formed request line with another version gets 505 HTTP Version Not Supported.",
      "Check the version after the syntax (400) and before the method (501).",
      "if (!version.startsWith(\"HTTP/1.\")) return generateResponse(error(505));",
    ]),
    "route.head": check("answers HEAD with the head GET would send and no body; HEAD / is not counted", [
      "HEAD sends the same status line and headers as GET, Content-Length included, and not one byte after the empty line.",
      "The counter counts visits: a HEAD is not one. Count only when the method is GET.",
      "route(\"GET\", \"/\", (request) => { if (request.method === \"GET\") visits += 1; ... });",
    ]),
    "route.query": check("the query string is not part of the route (/about?x=1 is /about)", [
      "The target is the path, then maybe ? and a query string. Routes are chosen by the path alone.",
      "Cut the target at the first ? before matching: target.split(\"?\")[0].",
      "const path = target.split(\"?\")[0]; const found = routes.filter((r) => match(r.segments, path) !== null);",
    ]),
    "threads.slow-route": check("GET /slow still takes SLOW_MS (the slowness is kept, not removed)", [
      "GET /slow waits SLOW_MS before it answers: it stands for a slow database query, and 6.16 checks that the server serves others meanwhile.",
      "The /slow handler awaits the timer (await setTimeout(SLOW_MS) from node:timers/promises) before it returns its reply.",
      "route(\"GET\", \"/slow\", async () => { await setTimeout(SLOW_MS); return { status: 200, body: \"<h1>Slow</h1>\" }; });",
    ]),
    "threads.concurrent": check(`serves ${CLIENTS} clients at the same time`, [
      "While blockFor runs, the event loop can do nothing else: the other clients' connections wait in the kernel's queue until it ends. Replace the blocking wait with one that lets the loop go on: await setTimeout(ms).",
      "Make the request handler async and await the wait; the count and the response come after it. Work that must block goes to a worker thread (node:worker_threads).",
      "import { setTimeout } from \"node:timers/promises\"; async function handle(...) { const page = route(path); await setTimeout(SLOW_MS); socket.end(page); }",
    ]),
    "threads.burst": check(`counts exactly under load (${BURST} visits at once give ${BURST} different counts)`, [
      "Read and update the counter with no await in between: visits += 1 and keep that value for this response, before the slow part.",
      "If you count in a worker thread, each worker has its own copy of every variable: keep the counter in the main thread.",
      "const { status, body } = route(path);  // counts and builds the page now\nawait setTimeout(SLOW_MS);           // then wait\nsocket.end(generateResponse(body, status));",
    ]),
    "counter.first-visit": check('GET / answers 200 "This page has been accessed 1 times."', [
      "Keep a counter outside the connection handler (let visits = 0), add 1 when the path is /, and put the new value in the page.",
      "Start at 0 and increment before you build the page, so the first visitor sees 1.",
      "let visits = 0; ... if (path === \"/\") { visits += 1; socket.end(generateResponse(`<h1>This page has been accessed ${visits} times.</h1>`)); }",
    ]),
    "counter.well-formed": check("the page is a well-formed HTTP/1.1 response (as in phase 3)", [
      "Build every response with your generateResponse from phase 3.",
      "The message above names the framing problem; phase 3's checks explain each one.",
    ]),
    "counter.refresh": check("counts 1 more on each refresh (a browser asks for / and /favicon.ico)", [
      "A browser asks for /favicon.ico (the tab's icon) on its own. Count a visit only when the path is exactly /.",
      "if (path === \"/\") { visits += 1; ... } else { answer 404 without counting }",
      "Open http://127.0.0.1:8000/ in a browser with your server running and watch its output: each refresh prints two paths.",
    ]),
    "counter.favicon": check("answers /favicon.ico with 404 Not Found and a body", [
      "We have no icon: say so with the status line HTTP/1.1 404 Not Found, and a short body like <h1>404 Not Found</h1>.",
      "generateResponse(\"<h1>404 Not Found</h1>\", \"404 Not Found\")",
      "Any path but / (the favicon included) takes the 404 branch, and that branch does not touch the counter.",
    ]),
    "counter.unknown": check("answers other paths with 404 and does not count them", [
      "Only / is a page here. Every other path gets 404 Not Found, and does not touch the counter.",
      "Route on the exact path: if (path === \"/\") ... else 404.",
      "if (path === \"/\") { visits += 1; ...200... } else { socket.end(generateResponse(\"<h1>404 Not Found</h1>\", \"404 Not Found\")); }",
    ]),
    "counter.connections": check("counts page views, not connections", [
      "A connection is not a page view: clients connect and leave, reset, or send garbage. Count only complete requests for /.",
      "Increment the counter where you handle a request whose path is /, not in the connection handler.",
      "Move visits += 1 out of net.createServer's callback into the branch if (path === \"/\").",
    ]),
    "respond.unit-format": check("generateResponse builds status line, headers, empty line and body", [
      "A response is: HTTP/1.1 <status>\\r\\n, then one header per line (Name: value\\r\\n), then \\r\\n alone, then the body.",
      "Every line ends with \\r\\n, and the head ends with one more \\r\\n: that empty line is how a client knows the body starts.",
      "`HTTP/1.1 ${status}\\r\\nContent-Type: text/html; charset=utf-8\\r\\nContent-Length: ${length}\\r\\nConnection: close\\r\\n\\r\\n` + content",
    ]),
    "respond.unit-bytes": check("generateResponse counts Content-Length in bytes, not characters", [
      "Content-Length is a number of bytes. In UTF-8, ü and ß take 2 bytes each and ✓ takes 3, so content.length (characters) is too small.",
      "Buffer.byteLength(content, \"utf8\") counts bytes.",
      "`Content-Length: ${Buffer.byteLength(content, \"utf8\")}\\r\\n`",
    ]),
    "respond.answers": check("answers a request", [
      "Once the head is complete, build the response with generateResponse and send it: socket.end(response).",
      "socket.end(data) writes the data, then closes: exactly what an HTTP/1.0-style server does.",
      "Where the head is complete: const path = parseRequest(head); socket.end(generateResponse(PAGE));",
    ]),
    /** The first hint of the four framing checks is their problem's hint (respond.problemHints). */
    "respond.status-line": check("starts with a status line (HTTP/1.1 200 OK)", [
      "Look at the first line under 'got': it must be exactly HTTP/1.1, a space, the code, a space, the reason.",
      "generateResponse builds the status line first: `HTTP/1.1 ${status}\\r\\n` with status = \"200 OK\".",
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
      "`Content-Length: ${Buffer.byteLength(content, \"utf8\")}\\r\\n`, computed from the very body you send.",
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
    "counter.browser": check("in a real browser (headless Chromium), each refresh shows 1 more, favicon requests included", [
      "After loading a page, a browser asks for /favicon.ico (the tab's icon) on its own. Count a visit only when the path is exactly /.",
      "if (path === \"/\") { visits += 1; ... } else { answer 404 without counting }",
      "Start your server, open http://127.0.0.1:8000/ in a browser and press Ctrl+Shift+R a few times while you watch its output: each load prints path: / and then path: /favicon.ico.",
    ]),
    ...headersChecks,
    ...queryChecks,
    ...staticChecks,
  },
} as const;
