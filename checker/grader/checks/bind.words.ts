/**
 * The words of phase 1 (bind): the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

/** Phase 1 (checks/bind.ts). */
export const bindWords = {
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
  noListeningLine: (port: number) =>
    `Your server listens on port ${port}, but it never printed where: no line "Listening on http://127.0.0.1:${port}". ` +
    "Whoever starts it reads that line to know where to point nc, curl or a browser (TODO 1).",
  noListeningLineHint: "In listen's callback, print the line from HOST and PORT: console.log(`Listening on http://${HOST}:${PORT}`).",
  wrongListeningLine: (line: string, port: number) =>
    `Your server printed "${line}", but it listens on 127.0.0.1, port ${port} (the PORT it was given): the line sends its reader to the wrong place.`,
  wrongListeningLineHint: "Build the line from the values listen was given, not from numbers written by hand: console.log(`Listening on http://${HOST}:${PORT}`).",
  noConnectionLine:
    'A client connected and sent a line, but your server printed no "Connection received from <address>:<port>" for it (TODO 2).',
  connectionLineExpected: "Connection received from 127.0.0.1:<the client's port>",
  noConnectionLineHint:
    "First thing in the connection callback, print who connected: console.log(`Connection received from ${socket.remoteAddress}:${socket.remotePort}`).",
  wrongConnectionLine: (line: string) =>
    `Your server printed "${line}" for a client that connected from 127.0.0.1: the address and port in it are not the client's.`,
  serverOwnConnectionLine: (line: string, port: number) =>
    `Your server printed "${line}" for a client: ${port} is the port your server listens on (PORT), its own end of the connection. The client's end has a port of its own, which the system picked for it.`,
  wrongConnectionLineHint:
    "The socket knows both ends: socket.remoteAddress and socket.remotePort are the client's (remote: the other end), socket.localAddress and socket.localPort your server's own.",
};

export const bindChecks = {
  "bind.logs": check("prints where it listens and who connects", [
    "The lesson asks for two lines: \"Listening on http://127.0.0.1:<port>\" once the server listens (TODO 1, in listen's callback), and \"Connection received from <address>:<port>\" for each client (TODO 2, in the connection callback).",
    "Build both from the real values: HOST and PORT for the first, socket.remoteAddress and socket.remotePort for the second.",
    "At TODO 2, first thing in the connection callback: console.log(`Connection received from ${socket.remoteAddress}:${socket.remotePort}`);",
  ]),
  "bind.prints": check("prints what the client sent", [
    "The 'data' handler gets a Buffer, chunk, with the bytes that arrived: turn it into text with chunk.toString(\"utf8\") and print it between the two marker lines.",
    "The skeleton's socket.once(\"data\", (chunk) => { ... }) is where it goes: TODO 3, inside that handler.",
    "At TODO 3, in the 'data' handler: console.log(`--- Received ---\\n${chunk.toString(\"utf8\")}\\n----------------`);",
  ]),
  "bind.closes": check("closes the connection after reading", [
    "Nothing ends a TCP connection until one side closes it: call socket.end() when you are done with the client.",
    "socket.end() sends a FIN: the client reads end-of-stream, and a piped nc (printf ... | nc) exits.",
    "At TODO 4, in the 'data' handler once the chunk is printed: socket.end();",
  ]),
  "bind.several": check("accepts several connections in a row", [
    "net.createServer calls your handler once for every connection, for as long as the server listens. Don't close the server, only each client's socket.",
    "Look for server.close() or a handler registered with once(): either stops the server after the first client.",
    "Keep one net.createServer call and one server.listen call for the whole program, and close only each client's socket (socket.end()), never the server.",
  ]),
};
