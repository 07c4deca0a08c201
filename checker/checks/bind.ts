/** Phase 1: accept connections, print what arrives, close. */
import { exchange, type ExchangeResult } from "../wire.ts";
import type { Check, CheckContext } from "../types.ts";
import { endingNote, tryItLine } from "./common.ts";
import { crashed } from "./reactions.ts";

interface Greeting {
  word: string;
  result: ExchangeResult;
  printed: boolean;
}

/** One client says a random word and waits for the server to close. */
async function greet(ctx: CheckContext): Promise<Greeting> {
  const word = `hello-${ctx.rng.word(6)}`;
  const mark = ctx.server?.mark() ?? 0;
  const result = await exchange({ host: ctx.host, port: ctx.port, segments: [{ data: `${word}\n` }], replyTimeoutMs: 2000 });
  const printed = ctx.server ? await ctx.server.waitForOutput(mark, (line) => line.includes(word), 1000) : true;
  return { word, result, printed };
}

const firstGreeting = (ctx: CheckContext): Promise<Greeting> => ctx.memo("bind.greeting", () => greet(ctx));

export const bindPrints: Check = {
  id: "bind.prints",
  title: "prints what the client sent",
  needsOutput: true,
  hints: [
    "The socket's 'data' event gives you a Buffer with the bytes that arrived: print it with console.log(data.toString()).",
    "Register the handler inside the connection callback: socket.on('data', (data) => { ... }).",
    "socket.on(\"data\", (chunk) => console.log(`--- Received ---\\n${chunk.toString(\"utf8\")}\\n----------------`));",
  ],
  async run(ctx) {
    const { word, result, printed } = await firstGreeting(ctx);
    if (result.connectError) return { message: `The checker could not connect to your server (${result.connectError}).` };
    if (printed) return null;
    const crash = crashed(ctx, `a client sent "${word}"`);
    if (crash) return crash;
    return {
      message: `The checker connected and sent "${word}", but your server did not print it.`,
      sent: result.sent,
      expected: `a line in your server's output containing ${word}`,
      tryIt: `echo ${word} | nc 127.0.0.1 ${ctx.tryPort}`,
    };
  },
};

export const bindCloses: Check = {
  id: "bind.closes",
  title: "closes the connection after reading",
  hints: [
    "Nothing ends a TCP connection until one side closes it: call socket.end() when you are done with the client.",
    "socket.end() sends a FIN: the client reads end-of-stream, and a piped nc (printf ... | nc) exits.",
    "In the 'data' handler, right after printing the chunk: socket.end();",
  ],
  async run(ctx) {
    const { result } = await firstGreeting(ctx);
    if (result.connectError) return { message: `The checker could not connect to your server (${result.connectError}).` };
    if (result.ending !== "open") return null;
    return {
      message: "Your server never closed the connection: after 2 s it was still open. A client that reads until the end (curl, printf ... | nc) would wait forever.",
      sent: result.sent,
      received: result.received,
      receivedNote: endingNote(result),
      expected: "the server closes the connection (FIN) after reading the client's bytes",
      tryIt: tryItLine(ctx, [{ data: result.sent }]),
    };
  },
};

export const bindSeveral: Check = {
  id: "bind.several",
  title: "accepts several connections in a row",
  hints: [
    "net.createServer calls your handler once for every connection, for as long as the server listens. Don't close the server, only each client's socket.",
    "Look for server.close() or a handler registered with once(): either stops the server after the first client.",
    "Keep one net.createServer((socket) => { ... }) and one server.listen(...); inside the callback close only `socket`.",
  ],
  async run(ctx) {
    for (let round = 2; round <= 4; round++) {
      const { word, result, printed } = await greet(ctx);
      const crash = crashed(ctx, `connection ${round - 1}`);
      if (crash) return crash;
      const which = `connection ${round} (after ${round - 1} that worked)`;
      if (result.connectError) {
        return {
          message: `Your server refused ${which}: ${result.connectError}. It stopped listening after the first client.`,
          tryIt: `nc 127.0.0.1 ${ctx.tryPort}   (run it a few times)`,
        };
      }
      if (result.ending === "open") {
        return { message: `Your server did not close ${which}.`, sent: result.sent, received: result.received, receivedNote: endingNote(result) };
      }
      if (!printed) return { message: `Your server did not print what ${which} sent ("${word}").`, sent: result.sent };
    }
    return null;
  },
};
