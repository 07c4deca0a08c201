/**
 * Requests that arrive the way real ones do: in several TCP segments, typed in nc with bare "\n",
 * or bigger than one read. The server must wait for the end of the head in every case.
 * In phase 2 the reaction is the "path:" line, from phase 3 on it is the response.
 */
import type { Segment } from "../wire.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { ask, bigRequest, getRequest, inPieces, randomPath, whyNoResponse } from "./common.ts";
import { judgeLogged, sendAndWatchLog, type Logged } from "./reactions.ts";

/**
 * Sends the request and judges the phase's reaction to it; `what` says what was special about it.
 * `hintFor` may give a sharper hint from what the server printed (phase 2).
 */
async function reactsTo(ctx: CheckContext, path: string, segments: Segment[], what: string, hintFor?: (logged: Logged) => string): Promise<Finding | null> {
  if (ctx.phase.number === 2 && !ctx.server) {
    return { status: "skip", message: text.requests.cannotSeeOutput };
  }
  // A request of an unusual shape only tells something once an ordinary one works.
  const basics = ctx.phase.number === 2 ? ["parse.logs-path"] : ["respond.answers", "counter.first-visit"];
  if (!basics.some((id) => ctx.passed(id))) {
    const numbers = ctx.phase.checks.map((check, i) => (basics.includes(check.id) ? `${ctx.phase.number}.${i + 1}` : null)).filter(Boolean);
    return { status: "skip", message: text.requests.needsFirst(numbers.join(text.requests.or)) };
  }
  if (ctx.phase.number === 2) {
    const logged = await sendAndWatchLog(ctx, segments);
    const finding = judgeLogged(ctx, logged, path);
    return finding && { ...finding, message: `${what} ${finding.message}`, hint: (finding.hint && hintFor?.(logged)) || finding.hint };
  }
  const finding = whyNoResponse(ctx, await ask(ctx, segments));
  return finding && { ...finding, message: `${what} ${finding.message}` };
}

export const requestPieces: Check = {
  id: "request.pieces",
  ...text.checks["request.pieces"],
  async run(ctx) {
    const path = `/${ctx.rng.word(5)}/${ctx.rng.word(7)}`;
    const request = getRequest(path);
    // Cut inside the path, and just before the final empty line.
    const cuts = [request.indexOf(path) + 4, request.length - 2];
    return reactsTo(ctx, path, inPieces(request, cuts, 100), text.requests.inPieces);
  },
};

export const requestBareLf: Check = {
  id: "request.bare-lf",
  ...text.checks["request.bare-lf"],
  async run(ctx) {
    const path = randomPath(ctx);
    // The server printed something for this request: it read it, and its parsing expects \r\n.
    // It printed nothing: it is still waiting for a \r\n\r\n that never comes.
    const hintFor = (logged: Logged): string =>
      logged.output.some((line) => !/^(Connection received|Client left)/i.test(line.trim())) ? text.requests.bareLfParseHint : text.requests.bareLfWaitHint;
    return reactsTo(ctx, path, [{ data: getRequest(path, { lineEnd: "\n" }) }], text.requests.bareLf, hintFor);
  },
};

export const requestBigHead: Check = {
  id: "request.big-head",
  ...text.checks["request.big-head"],
  async run(ctx) {
    const path = randomPath(ctx);
    const request = bigRequest(path, 8400);
    return reactsTo(ctx, path, inPieces(request, [1024], 100), text.requests.bigHead(request.length));
  },
};
