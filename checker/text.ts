/**
 * Every word the lab shows (the checks' titles, hints and findings, the report, the checker's,
 * client's, grader's and lab tool's messages), assembled in one object. The words of each phase's
 * checks live beside those checks (grader/checks/<slug>.words.ts; shared.words.ts for the checks
 * every phase repeats); the rest is here. Plain strings where a sentence is fixed; functions where
 * it has values in it.
 *
 * To translate: copy this file and the *.words.ts files, keep every key and every function's
 * signature, change only the words (a function may put its values in whatever order the language
 * needs), and put the copies in place of these. The recorded reports in test/reports/ show each sentence in
 * place; after a translation the tests show every report that changed (record them with npm run test:record).
 * Things to know:
 *  - Commands the student pastes (printf ... | nc, curl, npm run ...) stay in the code: they are not words.
 *  - report.labels are padded to 10 characters in the report; longer ones need that width changed.
 *  - run.ts recognises a finding that already says the server ended by the words "crashed" and
 *    "exited" (reactions.crashed, reactions.exitedCleanly): change that test along with them.
 */

import { sharedChecks, commonWords, reactionsWords, requestsWords, startWords, surviveWords } from "./grader/checks/shared.words.ts";
import { bindChecks, bindWords } from "./grader/checks/bind.words.ts";
import { parseChecks, parseWords } from "./grader/checks/parse.words.ts";
import { respondChecks, respondWords } from "./grader/checks/respond.words.ts";
import { counterChecks, counterWords } from "./grader/checks/counter.words.ts";
import { browserChecks, browserWords } from "./grader/checks/browser.words.ts";
import { threadsChecks, threadsWords } from "./grader/checks/threads.words.ts";
import { routeChecks, routeWords } from "./grader/checks/route.words.ts";
import { headersChecks, headersWords } from "./grader/checks/headers.words.ts";
import { queryChecks, queryWords } from "./grader/checks/query.words.ts";
import { staticChecks, staticWords } from "./grader/checks/static.words.ts";
import { postChecks, postWords } from "./grader/checks/post.words.ts";
import { keepChecks, keepWords } from "./grader/checks/keep.words.ts";
import { pipeChecks, pipeWords } from "./grader/checks/pipeline.words.ts";
import { gzipChecks, gzipWords } from "./grader/checks/gzip.words.ts";
import { chunkedChecks, chunkedWords } from "./grader/checks/chunked.words.ts";
import { frameworkChecks, frameworkWords } from "./grader/checks/framework.words.ts";

/** Phase 5's numbers, read by its checks (threads.ts) and its words. */
export { BURST, CLIENTS } from "./grader/checks/threads.words.ts";

/** How the lab command is called (npm run lab -- help, and after a usage error). */
const LAB_USAGE = "Usage: npm run lab [-- <command> [<phase>] [--yes] [--instructor]]";

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
    ["npm run lab -- help", "this list"],
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
  usage: (error: string) => `${error}\n\n${LAB_USAGE}\nnpm run lab -- help lists the commands.`,
  common: commonWords,
  reactions: reactionsWords,
  start: startWords,
  bind: bindWords,
  parse: parseWords,
  survive: surviveWords,
  requests: requestsWords,
  threads: threadsWords,
  counter: counterWords,
  respond: respondWords,
  browser: browserWords,
  route: routeWords,
  headers: headersWords,
  query: queryWords,
  static: staticWords,
  post: postWords,
  keep: keepWords,
  pipe: pipeWords,
  gzip: gzipWords,
  chunked: chunkedWords,
  framework: frameworkWords,
  serve: {
    usage: (phases: string) =>
      `Usage: npm run serve <phase> [-- --port 8000] [--slow-ms N] [--solution]\nRuns your own server of that phase until Ctrl-C; with --solution, the lab's reference solution instead (instructors). Phases: ${phases}.`,
    noSuchPhase: (id: string, phases: string) => `There is no phase "${id}". The phases are: ${phases}.`,
    badPort: (value: string) => `--port ${value} is not a port number (1 to 65535).`,
    missingFile: (file: string, phase: number) => `${file} is not there. To get the skeleton back: npm run lab -- reset ${phase}`,
    missingSolution: (file: string) => `${file} is not there: this copy of the lab has no reference solution for that phase.`,
    // The command to retry with keeps --solution, so that an instructor's copy-paste serves the same server.
    portInUse: (port: number, solution = false) =>
      `Port ${port} is in use: something (maybe your server, started earlier in another terminal) is listening on it. Stop that one first (Ctrl-C in its terminal), or serve on another port: npm run serve <phase> -- ${solution ? "--solution " : ""}--port 9000.`,
    serving: (file: string, port: number) => `Serving ${file} on http://127.0.0.1:${port}/ (Ctrl-C stops it)`,
    // The folder goes on its own line: it is what an instructor checks before opening a page.
    servingSolution: (file: string, port: number, phase: number, webRoot: { dir: string; fromEnv: boolean } | null) =>
      `Serving the lab's reference solution, ${file}, on http://127.0.0.1:${port}/ (Ctrl-C stops it)` +
      (webRoot === null
        ? ""
        : webRoot.fromEnv
          ? `\nIts files: ${webRoot.dir} (your WEB_ROOT).`
          : `\nIts files: ${webRoot.dir}, the phase's sample site (WEB_ROOT=<folder> npm run serve ${phase} -- --solution serves another).`),
    exited: (code: number) => `Your server stopped with exit code ${code}; its own output above says why.`,
    exitedSolution: (code: number) => `The reference solution stopped with exit code ${code}; its own output above says why.`,
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
    fileBytesWhy: "a file goes out as it is on disk, byte for byte: an image, an archive or a font is of no use to the client with one byte changed",
    streamWhy: "a server that reads each file whole holds a copy per client downloading it; streamed in pieces, its memory stays small whatever the file's size",
    traversalWhy: "the root is all a client may see: a file outside it (your code, your keys, /etc/passwd) is not part of the site, however the path is spelled",
    closeInStagesWhy:
      "a socket closed while the client is still sending answers its next bytes with a reset (RST), and a reset can destroy the answer before the client reads it; so the server closes its sending side first (socket.end), reads and drops what still comes for a while, and only then closes for good",
    unsupportedTypeWhy: "a route that reads JSON cannot read anything else; answering 415 tells the client which type it must send, where guessing would read a form or plain text as JSON",
    mediaTypeCaselessWhy: "type and subtype are case-insensitive, and parameters (charset=utf-8) may follow a \";\": Application/JSON; charset=UTF-8 is JSON",
    continueOnlyWhenAskedWhy:
      "RFC 9110 lets a server send a 1xx that was not asked for, and asks every client to read past it; Node's fetch (undici, on Node 22 to 26) fails instead (\"bad response\"), so a 100 Continue goes only to a request that says Expect: 100-continue",
    tooLargeWhy: "a server that reads every body to the end before refusing it gives its time and memory to whoever sends the most; the head says the size, so the 413 needs none of the body",
    anyNameWhy: "a field name is any token, constructor and __proto__ too: a map made with {} inherits such names from Object.prototype and reads them wrong, one made with Object.create(null) starts empty",
    headTimeoutWhy:
      "the RFC leaves waiting to the server; the lab gives a whole head 1 s from the connection, and reads on for 1 s after an answer: with deadlines, not idle timers, a client that sends a byte at a time cannot hold a connection for ever (short numbers, so that the checker sees them in about a second)",
    headCapWhy: "the skeleton caps a head at MAX_HEAD_BYTES (64 KiB) so that no client can make the server hold a head as big as it likes; the cap counts the whole head, whether its empty line has come or not, so a head over it is refused however the reads cut it",
    headLimitWhy: "the RFC leaves the size to the server; the lab asks for at least 16 KiB (the default of node:http) and at most 64 KiB, so that a head with long cookies is served and an endless one is refused early",
    persistentWhy:
      "HTTP/1.1 connections stay open by default, and a server may still close one after any answer if it says Connection: close; the lab asks it to keep them, because a close costs the client a new connection (a handshake, and a slow start) for its next request",
    http10KeepAliveWhy:
      "an HTTP/1.0 connection closes after its answer unless the request says keep-alive; the lab asks the answer to say which (Connection: close, or Connection: keep-alive), because an HTTP/1.0 client that is not told keep-alive waits for a close",
    closeAfterRefusalWhy:
      "after a head the server refuses, it cannot know where the next request starts (the refused head may have announced a body it never read), so it says Connection: close and closes: reading on would take the rest of this request for the next one",
    idleTimeoutWhy:
      "the RFC leaves the idle time to the server; the contract sets it with KEEP_ALIVE_MS, counted from the last answer, so that idle connections do not pile up, and a client that is still using its connection is not cut off",
    slowlorisWhy:
      "a client that sends half a head and stops must cost the server one idle connection and nothing more: other clients are served meanwhile, and the stalled connection ends at its head deadline (1 s from its start, the lab's number)",
    boundedMemoryWhy:
      "the RFC sets no limit, and the client decides how much it sends and whether it reads; a server that goes on reading and answering into a socket nobody reads holds every answer, so it reads no more while its answers wait, and answers next only once the last has left (TCP then holds the client back)",
    gzipOnlyWhenAskedWhy:
      "without Accept-Encoding the RFC lets a server send any coding, but nc, curl without --compressed and a student's own client show gzip as binary: the lab compresses only for a client that says it reads gzip",
    identityWhy:
      "identity is Accept-Encoding's word for \"no encoding\" and is registered only as that: a body sent as it is carries no Content-Encoding, and a client that reads the list strictly (undici stops at a name it does not know) may hand the body on undecoded",
    fewCodingsWhy: "the RFC sets no limit, but fetch (undici) and curl refuse an answer with more than five content codings, so the lab refuses it too",
    gzipWhenAskedWhy: "the RFC never obliges a server to compress; the phase's contract does, for text of a few KiB or more asked for with gzip, because that is what the phase teaches",
    gzipWorthItWhy:
      "gzip's frame alone is about 20 bytes, so a body of a few bytes gets longer, and PNG, JPEG, GIF and WebP are compressed already: compressing them costs time at both ends and saves nothing",
    typeOfTheContentWhy: "Content-Encoding compresses a representation without losing the identity of its media type: the Content-Type stays text/plain, not application/gzip, or the client cannot tell what it decoded",
    varyWhy:
      "the RFC says SHOULD; the lab asks for it, because a cache that stores a gzip answer without Vary hands it to clients that cannot read gzip, and one that stores the plain answer serves it to those that could have had gzip",
    sameAsAppWhy:
      "the app decides its answer: a server that runs it passes the status, the fields and the body on as the app made them, as @hono/node-server does, and keeps only the framing, the connection and Date and Server for itself",
    streamChunkedWhy:
      "the RFC lets a server frame a body as it likes; the phase's contract asks /stream for chunked, text/plain and its lines, because that is the framing the phase teaches and the lines are how a client sees each chunk",
    streamAsMadeWhy:
      "the RFC does not say when chunks are sent; the lab asks for each line as soon as it is made, because a body kept whole until its end could have had a Content-Length, and a client then waits for all of it",
    contentLengthWhy:
      "phases 3 to 5 ask for Content-Length, because the clients a student tries (node:http's keep-alive agent, Python's http.client) and the later phases rely on knowing where the body ends",
  },

  /** npm run phase (cli.ts). */
  cli: {
    /** One line on stderr, then the run goes on. */
    unsupportedNode: (version: string, lines: number[], tooOld: boolean) =>
      `Note: this lab is tested on Node.js ${lines.slice(0, -1).join(", ")} and ${lines.at(-1)}; this is Node.js ${version}` +
      `${tooOld ? ", whose line no longer gets fixes" : ""}. The checks run, but if a verdict looks odd, install one of those (nodejs.org).`,
    /** One line on stderr on native Windows (native-windows.ts); then every entry point but the client stops. */
    nativeWindows:
      'The lab does not run on native Windows (its checker needs POSIX signals and process groups): use WSL 2 (Ubuntu), install Node.js there and run the lab inside it, as on Linux; see "On Windows" in README.md.',
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
    counting: (done: number, total: number) => `  checking side by side: ${done} of ${total} done`,
    retryInOrder: (port: number) => `A check failed among checks run side by side: they run again one at a time (server on port ${port}) to show exactly what happened.`,
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
    crashHint:
      "Fix the crash first: the last lines of the server output below name the error, and its trace the line of your file where it was thrown " +
      "(in Node the first \"at\" line that names your file; in Python the last \"File\" line). Nothing a client sends may end the server.",
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
    10: "Post: read request bodies, echo JSON, and refuse what cannot be read",
    11: "Keep-alive: many requests on one connection, and when to close it",
    12: "Pipelining: requests sent without waiting, answered in order",
    13: "Compression: gzip for a client that asks, with Vary",
    14: "Chunked: bodies sent as they are made, and read in chunks",
    15: "Framework: a Hono app on your own server",
  },
  /** The lab tool's own messages (lab.ts, and the few words of progress.ts, watch.ts, server-process.ts). */
  lab: {
    noHintsHint: "Read the failure message of this check: it says what came back and what was expected.",
    tooManyWords: (words: string) => `Too many words: ${words}`,
    unknownCommand: (command: string, known: string) => `Unknown command "${command}". Commands: status, ${known}, help.`,
    unknownOption: (option: string) => `Unknown option ${option}. The options are --yes (-y), --instructor and --help (-h).`,
    optionTakesNoValue: (option: string) => `The option ${option} takes no value.`,
    usageLine: LAB_USAGE,
    helpHeading: "The lab's commands (in a terminal, npm run lab alone opens a menu of the same actions):",
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
Writes grades.csv and grades.md (one row per student: per phase, pass/fail/error and points out
of the phase's maximum, 100 less the points of the checks that cannot be run here).

Options:
  --phases <list>     the phases to grade: 1-5 (default), 3, 1,3 or 2-4
  --cmd "<command>"   start each submission's server with this command, run in the
                      submission's folder; {phase} becomes the phase number, {slug} its name
                      (e.g. --cmd "python3 server_{phase}.py"); it must listen on $PORT;
                      the checks that call TypeScript functions are left out, with their points
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
    outOf: (phases: string, total: number, leftOut: string) => `Out of: ${phases} (${total} in all).${leftOut}`,
    outOfPhase: (phase: number, maxPoints: number) => `phase ${phase} ${maxPoints}`,
    leftOut: (why: string) => ` A phase is out of less than 100 when some of its checks cannot be run here: they are left out, points and all. ${why}.`,
    leftOutCallFunctions: (numbers: string[]) =>
      `${numbers.join(", ")} ${numbers.length === 1 ? "calls" : "call"} the functions of a TypeScript server.ts, which a server started with --cmd has none of`,
    leftOutDriveBrowser: (numbers: string[]) =>
      `${numbers.join(", ")} ${numbers.length === 1 ? "drives" : "drive"} a browser, which the grader does not start (npm run phase <n> -- --browser does)`,
    missingCell: "– missing",
    explanation: [
      "Each phase's 100 points are split evenly among its checks; a check earns its points when it passes. " +
        "A cell reads points/maximum, the phase's maximum above (the checks that cannot be run here left out). " +
        "To compare students graded with --cmd with students graded on their server.ts, use pass, or points as a share of the maximum.",
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
    /** A run of a Python traceback's frames in Python's own library or installed packages, folded the same way. */
    pythonFrames: (count: number, inLibrary: boolean, inPackages: boolean) =>
      `File … (${count} frame${count === 1 ? "" : "s"} inside ${inLibrary && inPackages ? "Python's library and installed packages" : inLibrary ? "Python's library" : "installed packages"})`,
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
    ...sharedChecks,
    ...bindChecks,
    ...parseChecks,
    ...respondChecks,
    ...counterChecks,
    ...browserChecks,
    ...threadsChecks,
    ...routeChecks,
    ...headersChecks,
    ...queryChecks,
    ...staticChecks,
    ...postChecks,
    ...keepChecks,
    ...pipeChecks,
    ...gzipChecks,
    ...chunkedChecks,
    ...frameworkChecks,
  },
} as const;
