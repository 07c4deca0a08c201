/** Phase 1: accept connections, print what arrives, close. */
import { exchange, type ExchangeResult } from "../wire.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { endingNote, tryItLine } from "./common.ts";
import { crashed } from "./reactions.ts";

interface Greeting {
  word: string;
  result: ExchangeResult;
  printed: boolean;
  /** What the server printed from the moment this client connected. */
  output: string[];
}

/** One client says a random word and waits for the server to close. */
async function greet(ctx: CheckContext): Promise<Greeting> {
  const word = `hello-${ctx.rng.word(6)}`;
  const mark = ctx.server?.mark() ?? 0;
  const result = await exchange({ host: ctx.host, port: ctx.port, segments: [{ data: `${word}\n` }], replyTimeoutMs: 2000 });
  const printed = ctx.server ? await ctx.server.waitForOutput(mark, (line) => line.includes(word), 1000) : true;
  return { word, result, printed, output: ctx.server?.outputSince(mark) ?? [] };
}

/** "Listening on http://<host>:<port>": the host (an IPv6 one in brackets) and what follows the colon. */
const LISTENING_LINE = /Listening on http:\/\/(\[[^\]]*\]|[^\s/:]+)(?::([^\s/]*))?/i;
const CONNECTION_LINE = /Connection received from (.*)$/i;

/** The first greeting; a server that ends the program after it is caught right here (in the check it happens in). */
const firstGreeting = (ctx: CheckContext): Promise<Greeting> =>
  ctx.memo("bind.greeting", async () => {
    const before = ctx.server?.activity() ?? null;
    const greeting = await greet(ctx);
    // A server that ends its program after one client exits just after its close: it is running
    // until then, not waiting for the next client (500 ms at most, or where /proc cannot tell).
    if (greeting.result.ending !== "open") await ctx.server?.settled(500, before);
    return greeting;
  });

/**
 * TODO 1 and 2 print where the server listens and who connected: the lines a beginner reads to see
 * that the server is up and that a client got through. They must say what is true.
 */
export const bindLogs: Check = {
  id: "bind.logs",
  ...text.checks["bind.logs"],
  needsOutput: true,
  async run(ctx) {
    const { word, result, output } = await firstGreeting(ctx);
    if (result.connectError) return { message: text.common.couldNotConnect(result.connectError) };
    const finding = linesFinding(ctx, result, output);
    // A line missing because the server died on the way is the death's finding.
    return finding && (crashed(ctx, text.bind.clientSent(word)) ?? finding);
  },
};

function linesFinding(ctx: CheckContext, result: ExchangeResult, output: string[]): Finding | null {
  const everything = ctx.server!.outputSince(0);
  const listening = everything.map((line) => LISTENING_LINE.exec(line)).find(Boolean);
  const wanted = `Listening on http://127.0.0.1:${ctx.port}`;
  if (!listening) {
    return { message: text.bind.noListeningLine(ctx.port), expected: wanted, hint: text.bind.noListeningLineHint };
  }
  if (listening[1] !== "127.0.0.1" || listening[2] !== String(ctx.port)) {
    return { message: text.bind.wrongListeningLine(listening[0]!, ctx.port), expected: wanted, hint: text.bind.wrongListeningLineHint };
  }
  const connection = output.map((line) => CONNECTION_LINE.exec(line.trim())).find(Boolean);
  const connectionExpected = text.bind.connectionLineExpected;
  if (!connection) {
    return { message: text.bind.noConnectionLine, sent: result.sent, expected: connectionExpected, hint: text.bind.noConnectionLineHint, tryIt: `nc 127.0.0.1 ${ctx.tryPort}` };
  }
  const from = /^(?:::ffff:)?127\.0\.0\.1:(\d+)$/.exec(connection[1]!.trim());
  // A client's port is one the system picks for it, never the port the server listens on.
  if (!from || Number(from[1]) === ctx.port) {
    const line = connection[0]!.trim();
    return { message: from ? text.bind.serverOwnConnectionLine(line, ctx.port) : text.bind.wrongConnectionLine(line), sent: result.sent, expected: connectionExpected, hint: text.bind.wrongConnectionLineHint, tryIt: `nc 127.0.0.1 ${ctx.tryPort}` };
  }
  return null;
}

export const bindPrints: Check = {
  id: "bind.prints",
  ...text.checks["bind.prints"],
  needsOutput: true,
  async run(ctx) {
    const { word, result, printed } = await firstGreeting(ctx);
    if (result.connectError) return { message: text.common.couldNotConnect(result.connectError) };
    if (printed) return null;
    const crash = crashed(ctx, text.bind.clientSent(word));
    if (crash) return crash;
    return {
      message: text.bind.notPrinted(word),
      sent: result.sent,
      expected: text.bind.notPrintedExpected(word),
      tryIt: `echo ${word} | nc 127.0.0.1 ${ctx.tryPort}`,
    };
  },
};

export const bindCloses: Check = {
  id: "bind.closes",
  ...text.checks["bind.closes"],
  async run(ctx) {
    const { result } = await firstGreeting(ctx);
    if (result.connectError) return { message: text.common.couldNotConnect(result.connectError) };
    if (result.ending !== "open") return null;
    return {
      message: text.bind.neverClosed,
      sent: result.sent,
      received: result.received,
      receivedNote: endingNote(result),
      expected: text.bind.neverClosedExpected,
      tryIt: tryItLine(ctx, [{ data: result.sent }]),
    };
  },
};

export const bindSeveral: Check = {
  id: "bind.several",
  ...text.checks["bind.several"],
  // A server that never closes fails 1.3 already; "connection 2 was not closed" would only repeat it.
  requires: ["bind.closes"],
  async run(ctx) {
    for (let round = 2; round <= 4; round++) {
      const { word, result, printed } = await greet(ctx);
      const crash = crashed(ctx, text.bind.connection(round - 1));
      if (crash) return crash;
      const which = text.bind.connectionOf(round, 4);
      if (result.connectError) {
        return {
          message: text.bind.refused(which, result.connectError),
          tryIt: text.bind.runItAFewTimes(`nc 127.0.0.1 ${ctx.tryPort}`),
        };
      }
      if (result.ending === "open") {
        return { message: text.bind.notClosed(which), sent: result.sent, received: result.received, receivedNote: endingNote(result), hint: bindCloses.hints[0] };
      }
      // The first connection was printed (or 1.2 says otherwise): this one was not.
      if (!printed) return { message: text.bind.notPrintedOf(which, word), sent: result.sent, hint: bindPrints.hints[0] };
    }
    return null;
  },
};
