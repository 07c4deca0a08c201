/**
 * Requests that arrive the way real ones do: in several TCP segments, typed in nc with bare "\n",
 * or bigger than one read. The server must wait for the end of the head in every case.
 * In phase 2 the reaction is the "path:" line, from phase 3 on it is the response.
 */
import type { Segment } from "../wire.ts";
import { RULES } from "../http-rules.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { ask, bigRequest, evidence, getRequest, inPieces, randomPath, whyNoResponse } from "./common.ts";
import { judgeLogged, sendAndWatchLog, stillServes, type Logged } from "./reactions.ts";

/**
 * Sends the request and judges the phase's reaction to it; `what` says what was special about it.
 * `hintFor` may give a sharper hint from what the server printed (phase 2).
 */
async function reactsTo(ctx: CheckContext, path: string, segments: Segment[], what: string, hintFor?: (logged: Logged) => string): Promise<Finding | null> {
  if (ctx.phase.number === 2 && !ctx.server) {
    return { status: "skip", message: text.requests.cannotSeeOutput };
  }
  // A request of an unusual shape only tells something once an ordinary one works.
  const basics = ctx.phase.number === 2 ? ["parse.logs-path"] : ["respond.answers", "counter.first-visit", "framework.hello"];
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
    const first = ctx.rng.word(5);
    const second = ctx.rng.word(7);
    if (ctx.phase.number === 2) {
      // Phase 2 prints the path it reads, whatever bytes it holds: a cut between the two bytes of
      // "é" shows whether the pieces are joined as bytes before they become text.
      const path = `/${first}/caf\u00e9-${second}`;
      const request = Buffer.from(getRequest(path), "utf8");
      const cuts = [request.indexOf(Buffer.from("\u00e9")) + 1, request.length - 2];
      return reactsTo(ctx, path, inPieces(request.toString("utf8"), cuts, 100), text.requests.inPiecesCharacter);
    }
    const path = `/${first}/${second}`;
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

/** The skeleton's cap on a head in phases 2 to 6 (MAX_HEAD_BYTES). */
export const HEAD_CAP_BYTES = 64 * 1024;

/**
 * The answers that refuse a head: the request is bad (400), or too large (413, 414, 431). Any other
 * answer means the head got through: 200 is a page, and 404 or 405 come from routing it.
 */
const REFUSALS = new Set([400, 413, 414, 431]);

export const requestOverCap: Check = {
  id: "request.over-cap",
  ...text.checks["request.over-cap"],
  requires: ["start"],
  async run(ctx) {
    // Phases 3 and 6 serve /about with 200, phases 4 and 5 answer 404: either is an answer from
    // routing, so a head that got through is plain to see.
    const path = "/about";
    // Just over the cap with its first 64 KiB alone (a cap tested with > where >= is meant, or only
    // while the end has not come, lets the rest in as a head that fits), then far over it in one
    // write. Refused means not served: closed without an answer, or one of REFUSALS.
    const probes: Array<{ what: string; segments: Segment[] }> = [
      { what: text.requests.overCapCut(66_000, HEAD_CAP_BYTES), segments: inPieces(bigRequest(path, 66_000), [HEAD_CAP_BYTES], 50) },
      { what: text.requests.overCapWhole(100 * 1024), segments: [{ data: bigRequest(path, 100 * 1024) }] },
    ];
    for (const { what, segments } of probes) {
      const answer = await ask(ctx, segments);
      const status = answer.response?.statusLine?.status;
      if (status !== undefined && !REFUSALS.has(status)) {
        return { message: text.requests.overCapServed(what, status), expected: text.requests.overCapExpected, hint: text.requests.overCapHint, rule: RULES.headCap, ...evidence(ctx, answer), noReference: true };
      }
    }
    return stillServes(ctx, text.requests.afterOverCap);
  },
};
