/**
 * Requests that arrive the way real ones do: in several TCP segments, typed in nc with bare "\n",
 * or bigger than one read. The server must wait for the end of the head in every case.
 * In phase 2 the reaction is the "path:" line, from phase 3 on it is the response.
 */
import type { Segment } from "../wire.ts";
import type { Check, CheckContext, Finding } from "../types.ts";
import { ask, bigRequest, getRequest, inPieces, randomPath, whyNoResponse } from "./common.ts";
import { judgeLogged, sendAndWatchLog } from "./reactions.ts";

/** Sends the request and judges the phase's reaction to it; `what` says what was special about it. */
async function reactsTo(ctx: CheckContext, path: string, segments: Segment[], what: string): Promise<Finding | null> {
  if (ctx.phase.number === 2 && !ctx.server) {
    return { status: "skip", message: "the checker cannot see what a server you started yourself prints (--port)" };
  }
  // A request of an unusual shape only tells something once an ordinary one works.
  const basics = ctx.phase.number === 2 ? ["parse.logs-path"] : ["respond.answers", "counter.first-visit"];
  if (!basics.some((id) => ctx.passed(id))) {
    const numbers = ctx.phase.checks.map((check, i) => (basics.includes(check.id) ? `${ctx.phase.number}.${i + 1}` : null)).filter(Boolean);
    return { status: "skip", message: `not run: needs ${numbers.join(" or ")} to pass first` };
  }
  const finding = ctx.phase.number === 2 ? judgeLogged(ctx, await sendAndWatchLog(ctx, segments), path) : whyNoResponse(ctx, await ask(ctx, segments));
  return finding && { ...finding, message: `${what} ${finding.message}` };
}

const bufferHint =
  "TCP is a stream, not a list of messages: one 'data' event may hold half a request, or the end of one. " +
  "Add every chunk to a buffer and handle the request only when the buffer holds the empty line (\\r\\n\\r\\n).";

export const requestPieces: Check = {
  id: "request.pieces",
  title: "waits for the whole request when it arrives in pieces",
  hints: [
    bufferHint,
    "Print each chunk as it arrives (console.log(JSON.stringify(chunk.toString()))) and run the 'try it' line to watch them come.",
    "Keep `received` outside the 'data' handler (one per connection), append each chunk, and act only when received.includes(\"\\r\\n\\r\\n\") || received.includes(\"\\n\\n\").",
  ],
  async run(ctx) {
    const path = `/${ctx.rng.word(5)}/${ctx.rng.word(7)}`;
    const request = getRequest(path);
    // Cut inside the path, and just before the final empty line.
    const cuts = [request.indexOf(path) + 4, request.length - 2];
    return reactsTo(ctx, path, inPieces(request, cuts, 100), "This request came in 3 pieces, 100 ms apart.");
  },
};

export const requestBareLf: Check = {
  id: "request.bare-lf",
  title: "understands a request typed in nc (lines end with \\n, not \\r\\n)",
  hints: [
    "nc sends what you type with a bare \\n at each line end (nc -C would send \\r\\n). HTTP allows a server to accept a bare \\n too, and this lab expects it.",
    "The head ends at \\r\\n\\r\\n or at \\n\\n, whichever comes first: look for both.",
    "const match = /\\r\\n\\r\\n|\\n\\n/.exec(received.toString()); if (match) { const head = received.toString().slice(0, match.index); ... }",
  ],
  async run(ctx) {
    const path = randomPath(ctx);
    return reactsTo(ctx, path, [{ data: getRequest(path, { lineEnd: "\n" }) }], "This request ends its lines with a bare \\n, as nc sends them.");
  },
};

export const requestBigHead: Check = {
  id: "request.big-head",
  title: "reads a request bigger than one read (an 8 KiB head)",
  hints: [
    "Big requests (long cookies, many headers) take several reads. A server that answers after the first read and closes leaves bytes unread, and the kernel then resets the connection: the client may never see the answer.",
    bufferHint,
    "Don't read a fixed amount (one read, or the first 4 KiB): keep appending chunks until the empty line has arrived, up to a generous limit such as 64 KiB.",
  ],
  async run(ctx) {
    const path = randomPath(ctx);
    const request = bigRequest(path, 8400);
    return reactsTo(ctx, path, inPieces(request, [1024], 100), `This request's head is ${request.length} bytes (a long header), sent in 2 pieces.`);
  },
};
