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
};

export const bindChecks = {
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
};
