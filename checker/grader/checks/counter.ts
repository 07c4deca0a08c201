/** Phase 4: count page views of / (and nothing else), as a browser's refreshes show them. */
import { WireConnection } from "../wire.ts";
import { RULES } from "../http-rules.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { ask, CHUNKED_FROM_PHASE, evidence, getRequest, randomPath, whyNoResponse, type Asked } from "./common.ts";
import { framingFinding } from "./respond.ts";

export const COUNT = /accessed\s+(\d+)\s+times?/i;

/** The page for / as the lesson gives it, with this count. */
export const counterPage = (count: number): string => `<h1>This page has been accessed ${count} times.</h1>`;

interface View {
  asked: Asked;
  count: number | null;
  /** The count's digits as the page shows them ("01" for a count kept as a string). */
  digits: string | null;
  status: number | null;
}

/** The highest count any view of / has shown so far in this run. */
function counterState(ctx: CheckContext): Promise<{ highest: number | null }> {
  return ctx.memo("counter.state", async () => ({ highest: null }));
}

async function view(ctx: CheckContext, path: string): Promise<View> {
  const asked = await ask(ctx, [{ data: getRequest(path) }]);
  const response = asked.response;
  const match = response ? COUNT.exec(response.body.toString("utf8")) : null;
  const count = match ? Number(match[1]) : null;
  if (count !== null && path === "/") {
    const state = await counterState(ctx);
    state.highest = Math.max(state.highest ?? count, count);
  }
  return { asked, count, digits: match ? match[1]! : null, status: response?.statusLine?.status ?? null };
}

/** A view of / that must work and show a count; otherwise a finding that says what is wrong. */
async function countedView(ctx: CheckContext): Promise<{ view: View } | { finding: Finding }> {
  const root = await view(ctx, "/");
  const why = whyNoResponse(ctx, root.asked);
  if (why) return { finding: why };
  // A page still coming (or cut short) is not read for its count: say what is wrong with its framing.
  if (root.asked.response && !root.asked.response.complete) {
    const framing = framingFinding(root.asked, ctx.phase.number >= CHUNKED_FROM_PHASE);
    if (framing) return { finding: { ...framing, ...evidence(ctx, root.asked) } };
  }
  if (root.status !== 200) {
    return { finding: { message: text.counter.gotStatus("/", `${root.status ?? `"${root.asked.response?.firstLine}"`}`), expected: text.counter.ok, ...evidence(ctx, root.asked) } };
  }
  if (root.count === null) {
    return {
      finding: {
        message: text.counter.noCount,
        expected: text.counter.noCountExpected,
        ...evidence(ctx, root.asked),
      },
    };
  }
  return { view: root };
}

const firstVisit = (ctx: CheckContext): Promise<{ view: View } | { finding: Finding }> => ctx.memo("counter.first", () => countedView(ctx));

export const counterFirstVisit: Check = {
  id: "counter.first-visit",
  alone: true,
  ...text.checks["counter.first-visit"],
  stopOnFail: true,
  async run(ctx) {
    const first = await firstVisit(ctx);
    if ("finding" in first) return first.finding;
    const { count, digits, asked } = first.view;
    // A server the student started may have been visited already; one the checker started may not.
    if (ctx.target.kind !== "port" && count !== 1) {
      return {
        message: text.counter.firstVisitShows(count),
        expected: text.counter.firstVisitExpected,
        hint: count === 0 ? text.counter.incrementFirstHint : text.counter.countOnlyRootHint,
        ...evidence(ctx, asked),
      };
    }
    // The page is compared whole: "accessed 01 times" reads as 1 to a number, and it is the first
    // sign of a count kept as a string ("0" + 1 is "01").
    const page = asked.response!.body.toString("utf8");
    if (page !== counterPage(count!)) {
      const asText = digits !== null && digits !== String(count);
      return {
        message: asText ? text.counter.countAsText(digits!) : text.counter.pageDiffers,
        expected: counterPage(count!),
        hint: asText ? text.counter.countAsTextHint : text.counter.pageDiffersHint,
        ...evidence(ctx, asked),
      };
    }
    return null;
  },
};

export const counterWellFormed: Check = {
  id: "counter.well-formed",
  alone: true,
  ...text.checks["counter.well-formed"],
  requires: ["counter.first-visit"],
  async run(ctx) {
    const first = await firstVisit(ctx);
    if ("finding" in first) return null;
    const problem = framingFinding(first.view.asked, ctx.phase.number >= CHUNKED_FROM_PHASE);
    return problem && { ...problem, ...evidence(ctx, first.view.asked) };
  },
};

interface Refreshes {
  pages: View[];
  favicons: View[];
}

/** What a browser does on each refresh: ask for /, and for /favicon.ico. */
async function refreshes(ctx: CheckContext): Promise<Refreshes> {
  const pages: View[] = [];
  const favicons: View[] = [];
  for (let i = 0; i < 3; i++) {
    if (ctx.slowMs > 0) {
      // A slow server (phase 5) gets both at once, as a browser sends them.
      const [page, favicon] = await Promise.all([view(ctx, "/"), delay(100).then(() => view(ctx, "/favicon.ico"))]);
      pages.push(page);
      favicons.push(favicon);
    } else {
      pages.push(await view(ctx, "/"));
      favicons.push(await view(ctx, "/favicon.ico"));
    }
  }
  return { pages, favicons };
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether this phase serves requests together (phase 5 on): counts can then be lost or copied. */
const together = (ctx: CheckContext): boolean => ctx.phase.checks.some((check) => check.id === "threads.concurrent");

/**
 * What a count that did not go up by exactly one shows, and the causes that fit it, most likely
 * first: one symptom has several causes, and a finding that names one of them alone is a guess.
 * `extra` says it for a count that went up by more than one (it depends on what came between).
 * Null when the count went up by one.
 */
export function countChange(ctx: CheckContext, before: number, after: number, extra: { says: string; hint: string }): { says: string; hint: string } | null {
  const words = text.counter.change;
  if (after === before + 1) return null;
  // "11" then "111": a 1 written after the digits is what += 1 does to a string.
  if (after > 9 && String(after) === `${before}1`) return { says: words.appended(before, after), hint: text.counter.countAsTextHint };
  // Something adds 1 (the first view showed 1), but this view started again from 0.
  if (after === 1 && before >= 1) {
    return together(ctx)
      ? { says: words.afresh(before) + words.afreshCausesTogether, hint: words.afreshHintTogether }
      : { says: words.afresh(before) + words.afreshCauses, hint: words.afreshHint };
  }
  if (after === before) {
    return { says: words.stuck(after) + (together(ctx) ? words.stuckCausesTogether : words.stuckCauses), hint: text.counter.incrementHint };
  }
  if (after < before) {
    return { says: words.down(before, after) + (together(ctx) ? words.downCausesTogether : words.downCauses), hint: together(ctx) ? words.afreshHintTogether : words.afreshHint };
  }
  return extra;
}

export const counterRefresh: Check = {
  id: "counter.refresh",
  alone: true,
  ...text.checks["counter.refresh"],
  requires: ["counter.first-visit"],
  async run(ctx) {
    const before = (await counterState(ctx)).highest;
    const { pages } = await ctx.memo("counter.refreshes", () => refreshes(ctx));
    let previous = before;
    const seen: number[] = [];
    for (const page of pages) {
      const why = whyNoResponse(ctx, page.asked);
      if (why) return why;
      if (page.count === null) {
        return { message: text.counter.refreshNoCount, ...evidence(ctx, page.asked) };
      }
      seen.push(page.count);
      const step = previous === null ? 1 : page.count - previous;
      // Two more per refresh: the favicon's request was counted; or, where the connections check
      // did not pass, each of the refresh's two connections was.
      const extra =
        step === 2
          ? ctx.passed("counter.connections")
            ? { says: text.counter.addsTwo, hint: this.hints[0]! }
            : { says: text.counter.addsTwoConnections, hint: text.counter.countVisitsHint }
          : { says: text.counter.stepOf(step), hint: this.hints[1]! };
      const change = previous === null ? null : countChange(ctx, previous, page.count, extra);
      if (change) {
        return {
          message: (before === null ? "" : text.counter.countWas(before)) + text.counter.refreshShowed(seen.join(", ")) + change.says,
          expected: text.counter.refreshExpected(previous! + 1),
          hint: change.hint,
          ...evidence(ctx, page.asked),
        };
      }
      previous = page.count;
    }
    return null;
  },
};

export const counterFavicon: Check = {
  id: "counter.favicon",
  alone: true,
  ...text.checks["counter.favicon"],
  requires: ["counter.first-visit"],
  async run(ctx) {
    const { pages, favicons } = await ctx.memo("counter.refreshes", () => refreshes(ctx));
    const turnedAway = closedWhilePageServed(pages[0]!, favicons[0]!);
    if (turnedAway !== null) {
      return {
        message: text.counter.faviconTurnedAway(turnedAway),
        expected: text.counter.notFound,
        hint: text.counter.faviconTurnedAwayHint,
        ...evidence(ctx, favicons[0]!.asked),
        // A close (FIN) or a reset (RST), as the request's bytes happened to arrive before or after it.
        receivedNote: text.counter.turnedAwayNote,
      };
    }
    return notFound(ctx, favicons[0]!, "/favicon.ico");
  },
};

/**
 * The favicon's connection closed without a byte while the page, asked for 100 ms before it (a slow
 * server gets both at once), was still being served: the server turned the second connection away.
 * How many ms before the page's answer it closed; null if that is not what happened.
 */
function closedWhilePageServed(page: View, favicon: View): number | null {
  const icon = favicon.asked.result;
  const closed = icon.ending === "server-closed" || icon.ending === "server-reset";
  if (!closed || icon.received.length > 0 || !icon.connection || icon.connection.endedAtMs === null) return null;
  const answer = page.asked.result.connection?.chunks[0];
  if (!answer || !page.asked.result.connection) return null;
  const iconEnded = icon.connection.startedAt + icon.connection.endedAtMs;
  const pageAnswered = page.asked.result.connection.startedAt + answer.atMs;
  return iconEnded < pageAnswered ? Math.round(pageAnswered - iconEnded) : null;
}

function notFound(ctx: CheckContext, page: View, path: string): Finding | null {
  const why = whyNoResponse(ctx, page.asked);
  if (why) return why;
  if (page.status !== 404) {
    return { message: text.counter.gotStatus(path, `${page.status ?? `"${page.asked.response?.firstLine}"`}`), expected: text.counter.notFound, ...evidence(ctx, page.asked) };
  }
  if ((page.asked.response?.body.length ?? 0) === 0) {
    return { message: text.counter.emptyNotFound(path), expected: text.counter.emptyNotFoundExpected, ...evidence(ctx, page.asked) };
  }
  const framing = framingFinding(page.asked, ctx.phase.number >= CHUNKED_FROM_PHASE);
  return framing && { ...framing, ...evidence(ctx, page.asked) };
}

export const counterUnknown: Check = {
  id: "counter.unknown",
  alone: true,
  ...text.checks["counter.unknown"],
  requires: ["counter.first-visit"],
  async run(ctx) {
    const before = await view(ctx, "/");
    const path = randomPath(ctx);
    const other = await view(ctx, path);
    const wrong = notFound(ctx, other, path);
    if (wrong) return wrong;
    const after = await view(ctx, "/");
    if (before.count === null || after.count === null) return null;
    const change = countChange(ctx, before.count, after.count, {
      says: after.count === before.count + 2 ? text.counter.otherPathCounted : text.counter.stepOf(after.count - before.count),
      hint: this.hints[0]!,
    });
    return (
      change && {
        message: text.counter.acrossOtherPath(before.count, after.count, path) + change.says,
        expected: `${before.count + 1}`,
        hint: change.hint,
        ...evidence(ctx, after.asked),
      }
    );
  },
};

export const counterConnections: Check = {
  id: "counter.connections",
  alone: true,
  ...text.checks["counter.connections"],
  requires: ["counter.first-visit"],
  async run(ctx) {
    const before = await view(ctx, "/");
    for (const rude of ["silent", "reset", "garbage"] as const) {
      const opened = await WireConnection.open(ctx.host, ctx.port);
      if (!(opened instanceof WireConnection)) continue;
      if (rude === "garbage") {
        await opened.write("Hello\n\n");
        await opened.waitForEnd(1000 + ctx.slowMs);
      } else if (rude === "reset") {
        await delay(50);
        opened.reset();
      } else {
        opened.endWriting();
        await opened.waitForEnd(500);
      }
      opened.close();
    }
    const after = await view(ctx, "/");
    if (before.count === null || after.count === null) return null;
    const extraCounts = after.count - before.count - 1;
    const change = countChange(ctx, before.count, after.count, {
      says: extraCounts === 3 ? text.counter.allThreeCounted : text.counter.someCounted(extraCounts),
      hint: this.hints[0]!,
    });
    return (
      change && {
        message: text.counter.connectionsBetween(before.count, after.count) + change.says,
        expected: `${before.count + 1}`,
        hint: change.hint,
        ...evidence(ctx, after.asked),
      }
    );
  },
};

/** TODO 1's third case: a request line parseRequest cannot read is answered 400, and is no view. */
export const counterBadRequest: Check = {
  id: "counter.bad-request",
  alone: true,
  ...text.checks["counter.bad-request"],
  requires: ["counter.first-visit"],
  async run(ctx) {
    const segments = [{ data: "Hello\n\n" }];
    const asked = await ask(ctx, segments);
    const why = whyNoResponse(ctx, asked);
    if (why) return why;
    const status = asked.response?.statusLine?.status ?? null;
    if (status === 400) return null;
    const shown = status ?? `"${asked.response?.firstLine}"`;
    return {
      message: text.counter.garbageGot(`${shown}`) + (status === 404 ? text.counter.garbageFellThrough : status === 200 ? text.counter.garbageGotPage : ""),
      expected: text.counter.badRequest,
      rule: RULES.invalidTarget,
      ...evidence(ctx, asked),
    };
  },
};

export { view, countedView, type View };
