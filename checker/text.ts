/**
 * The words of the lab's tools (menu, progress, hints, reset, solution, watch) and of the checks,
 * in one place so a translation is one file. Functions where a sentence has values in it.
 *
 * To translate: copy this file, keep every key and every function's signature, and change only the
 * words (a function may reorder its values as the language needs). The recorded reports in
 * test/reports/ show each sentence in place.
 */

/** A check's title and hints, from a nudge to the near-answer (a function, so they stay mutable string[]). */
const check = (title: string, hints: string[]): { title: string; hints: string[] } => ({ title, hints });

export const text = {
  menu: {
    title: "HTTP from scratch: pick a phase (↑/↓ or j/k, a number, Enter; q to quit)",
    actionTitle: (phase: string) => `${phase}: what now? (↑/↓ or j/k, a number, Enter; Esc to go back)`,
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
    connectionAfter: (n: number, worked: number) => `connection ${n} (after ${worked} that worked)`,
    refused: (which: string, error: string) => `Your server refused ${which}: ${error}. It stopped listening after the first client.`,
    runItAFewTimes: (tryIt: string) => `${tryIt}   (run it a few times)`,
    notClosed: (which: string) => `Your server did not close ${which}.`,
    notPrintedOf: (which: string, word: string) => `Your server did not print what ${which} sent ("${word}").`,
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
  },
} as const;
