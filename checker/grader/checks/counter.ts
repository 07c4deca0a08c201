/** Phase 4: count page views of / (and nothing else), as a browser's refreshes show them. */
import { WireConnection } from "../wire.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { ask, evidence, getRequest, randomPath, whyNoResponse, type Asked } from "./common.ts";
import { framingFinding } from "./respond.ts";

export const COUNT = /accessed\s+(\d+)\s+times?/i;

interface View {
  asked: Asked;
  count: number | null;
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
  return { asked, count, status: response?.statusLine?.status ?? null };
}

/** A view of / that must work and show a count; otherwise a finding that says what is wrong. */
async function countedView(ctx: CheckContext): Promise<{ view: View } | { finding: Finding }> {
  const root = await view(ctx, "/");
  const why = whyNoResponse(ctx, root.asked);
  if (why) return { finding: why };
  // A page still coming (or cut short) is not read for its count: say what is wrong with its framing.
  if (root.asked.response && !root.asked.response.complete) {
    const framing = framingFinding(root.asked);
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
  ...text.checks["counter.first-visit"],
  stopOnFail: true,
  async run(ctx) {
    const first = await firstVisit(ctx);
    if ("finding" in first) return first.finding;
    const { count, asked } = first.view;
    // A server the student started may have been visited already; one the checker started may not.
    if (ctx.target.kind !== "port" && count !== 1) {
      return {
        message: text.counter.firstVisitShows(count),
        expected: text.counter.firstVisitExpected,
        hint: count === 0 ? text.counter.incrementFirstHint : text.counter.countOnlyRootHint,
        ...evidence(ctx, asked),
      };
    }
    return null;
  },
};

export const counterWellFormed: Check = {
  id: "counter.well-formed",
  ...text.checks["counter.well-formed"],
  requires: ["counter.first-visit"],
  async run(ctx) {
    const first = await firstVisit(ctx);
    if ("finding" in first) return null;
    const problem = framingFinding(first.view.asked);
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

export const counterRefresh: Check = {
  id: "counter.refresh",
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
      if (previous !== null && page.count !== previous + 1) {
        const step = page.count - previous;
        return {
          message:
            (before === null ? "" : text.counter.countWas(before)) +
            text.counter.refreshShowed(seen.join(", ")) +
            // A server that counts connections adds 2 as well: the favicon is not the one to blame then.
            (step === 2 ? (ctx.passed("counter.connections") ? text.counter.addsTwo : text.counter.addsTwoConnections) : step === 0 ? text.counter.doesNotGoUp : text.counter.stepOf(step)),
          expected: text.counter.refreshExpected(previous + 1),
          hint: step === 2 ? (ctx.passed("counter.connections") ? this.hints[0] : text.counter.countVisitsHint) : step === 0 ? text.counter.incrementHint : this.hints[1],
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
  ...text.checks["counter.favicon"],
  requires: ["counter.first-visit"],
  async run(ctx) {
    const { favicons } = await ctx.memo("counter.refreshes", () => refreshes(ctx));
    return notFound(ctx, favicons[0]!, "/favicon.ico");
  },
};

function notFound(ctx: CheckContext, page: View, path: string): Finding | null {
  const why = whyNoResponse(ctx, page.asked);
  if (why) return why;
  if (page.status !== 404) {
    return { message: text.counter.gotStatus(path, `${page.status ?? `"${page.asked.response?.firstLine}"`}`), expected: text.counter.notFound, ...evidence(ctx, page.asked) };
  }
  if ((page.asked.response?.body.length ?? 0) === 0) {
    return { message: text.counter.emptyNotFound(path), expected: text.counter.emptyNotFoundExpected, ...evidence(ctx, page.asked) };
  }
  const framing = framingFinding(page.asked);
  return framing && { ...framing, ...evidence(ctx, page.asked) };
}

export const counterUnknown: Check = {
  id: "counter.unknown",
  ...text.checks["counter.unknown"],
  requires: ["counter.first-visit"],
  async run(ctx) {
    const before = await view(ctx, "/");
    const path = randomPath(ctx);
    const other = await view(ctx, path);
    const wrong = notFound(ctx, other, path);
    if (wrong) return wrong;
    const after = await view(ctx, "/");
    if (before.count !== null && after.count !== null && after.count !== before.count + 1) {
      return {
        message: text.counter.otherPathCounted(before.count, after.count, path),
        expected: `${before.count + 1}`,
        ...evidence(ctx, after.asked),
      };
    }
    return null;
  },
};

export const counterConnections: Check = {
  id: "counter.connections",
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
    if (before.count !== null && after.count !== null && after.count !== before.count + 1) {
      return {
        message: text.counter.connectionsCounted(before.count, after.count),
        expected: `${before.count + 1}`,
        ...evidence(ctx, after.asked),
      };
    }
    return null;
  },
};

export { view, countedView, type View };
