/** Phase 4: count page views of / (and nothing else), as a browser's refreshes show them. */
import { WireConnection } from "../wire.ts";
import type { Check, CheckContext, Finding } from "../types.ts";
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
  if (root.status !== 200) {
    return { finding: { message: `GET / got status ${root.status ?? `"${root.asked.response?.firstLine}"`}.`, expected: "HTTP/1.1 200 OK", ...evidence(ctx, root.asked) } };
  }
  if (root.count === null) {
    return {
      finding: {
        message: 'The page for / does not say "This page has been accessed N times."',
        expected: "<h1>This page has been accessed 1 times.</h1> (then 2, 3, ...)",
        ...evidence(ctx, root.asked),
      },
    };
  }
  return { view: root };
}

const firstVisit = (ctx: CheckContext): Promise<{ view: View } | { finding: Finding }> => ctx.memo("counter.first", () => countedView(ctx));

export const counterFirstVisit: Check = {
  id: "counter.first-visit",
  title: 'GET / answers 200 "This page has been accessed 1 times."',
  stopOnFail: true,
  hints: [
    "Keep a counter outside the connection handler (let visits = 0), add 1 when the path is /, and put the new value in the page.",
    "Start at 0 and increment before you build the page, so the first visitor sees 1.",
    "let visits = 0; ... if (path === \"/\") { visits += 1; socket.end(generateResponse(`<h1>This page has been accessed ${visits} times.</h1>`)); }",
  ],
  async run(ctx) {
    const first = await firstVisit(ctx);
    if ("finding" in first) return first.finding;
    const { count, asked } = first.view;
    // A server the student started may have been visited already; one the checker started may not.
    if (ctx.target.kind !== "port" && count !== 1) {
      return {
        message: `The first visit to / shows ${count}.`,
        expected: "This page has been accessed 1 times.",
        hint:
          count === 0
            ? "Increment the counter before you build the page."
            : "Count only requests for /, not connections or other paths: the checker's first request was this one.",
        ...evidence(ctx, asked),
      };
    }
    return null;
  },
};

export const counterWellFormed: Check = {
  id: "counter.well-formed",
  title: "the page is a well-formed HTTP/1.1 response (as in phase 3)",
  requires: ["counter.first-visit"],
  hints: [
    "Build every response with your generateResponse from phase 3.",
    "The message above names the framing problem; phase 3's checks explain each one.",
  ],
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
  title: "counts 1 more on each refresh (a browser asks for / and /favicon.ico)",
  requires: ["counter.first-visit"],
  hints: [
    "A browser asks for /favicon.ico (the tab's icon) on its own. Count a visit only when the path is exactly /.",
    "if (path === \"/\") { visits += 1; ... } else { answer 404 without counting }",
    "Open http://127.0.0.1:8000/ in a browser with your server running and watch its output: each refresh prints two paths.",
  ],
  async run(ctx) {
    const before = (await counterState(ctx)).highest;
    const { pages } = await ctx.memo("counter.refreshes", () => refreshes(ctx));
    let previous = before;
    const seen: number[] = [];
    for (const page of pages) {
      const why = whyNoResponse(ctx, page.asked);
      if (why) return why;
      if (page.count === null) {
        return { message: 'A refresh of / got a page without "This page has been accessed N times."', ...evidence(ctx, page.asked) };
      }
      seen.push(page.count);
      if (previous !== null && page.count !== previous + 1) {
        const step = page.count - previous;
        return {
          message:
            (before === null ? "" : `The count was ${before}. `) +
            `Refreshing the page (GET /, then GET /favicon.ico) then showed ${seen.join(", ")}: ` +
            (step === 2
              ? "each refresh adds 2. The favicon request is counted too."
              : step === 0
                ? "the count does not go up."
                : `a step of ${step} where 1 was expected.`),
          expected: `${previous + 1} on this refresh: one more per view of /`,
          hint: step === 2 ? this.hints[0] : step === 0 ? "Increment the counter (visits += 1) each time the path is /." : this.hints[1],
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
  title: "answers /favicon.ico with 404 Not Found and a body",
  requires: ["counter.first-visit"],
  hints: [
    "We have no icon: say so with the status line HTTP/1.1 404 Not Found, and a short body like <h1>404 Not Found</h1>.",
    "generateResponse(\"<h1>404 Not Found</h1>\", \"404 Not Found\")",
    "Any path but / (the favicon included) takes the 404 branch, and that branch does not touch the counter.",
  ],
  async run(ctx) {
    const { favicons } = await ctx.memo("counter.refreshes", () => refreshes(ctx));
    return notFound(ctx, favicons[0]!, "/favicon.ico");
  },
};

function notFound(ctx: CheckContext, page: View, path: string): Finding | null {
  const why = whyNoResponse(ctx, page.asked);
  if (why) return why;
  if (page.status !== 404) {
    return { message: `GET ${path} got status ${page.status ?? `"${page.asked.response?.firstLine}"`}.`, expected: "HTTP/1.1 404 Not Found", ...evidence(ctx, page.asked) };
  }
  if ((page.asked.response?.body.length ?? 0) === 0) {
    return { message: `GET ${path} got 404 with an empty body: a browser shows a blank page.`, expected: "a short body, e.g. <h1>404 Not Found</h1>", ...evidence(ctx, page.asked) };
  }
  const framing = framingFinding(page.asked);
  return framing && { ...framing, ...evidence(ctx, page.asked) };
}

export const counterUnknown: Check = {
  id: "counter.unknown",
  title: "answers other paths with 404 and does not count them",
  requires: ["counter.first-visit"],
  hints: [
    "Only / is a page here. Every other path gets 404 Not Found, and does not touch the counter.",
    "Route on the exact path: if (path === \"/\") ... else 404.",
    "if (path === \"/\") { visits += 1; ...200... } else { socket.end(generateResponse(\"<h1>404 Not Found</h1>\", \"404 Not Found\")); }",
  ],
  async run(ctx) {
    const before = await view(ctx, "/");
    const path = randomPath(ctx);
    const other = await view(ctx, path);
    const wrong = notFound(ctx, other, path);
    if (wrong) return wrong;
    const after = await view(ctx, "/");
    if (before.count !== null && after.count !== null && after.count !== before.count + 1) {
      return {
        message: `The count went from ${before.count} to ${after.count} across a request for ${path}: that request was counted.`,
        expected: `${before.count + 1}`,
        ...evidence(ctx, after.asked),
      };
    }
    return null;
  },
};

export const counterConnections: Check = {
  id: "counter.connections",
  title: "counts page views, not connections",
  requires: ["counter.first-visit"],
  hints: [
    "A connection is not a page view: clients connect and leave, reset, or send garbage. Count only complete requests for /.",
    "Increment the counter where you handle a request whose path is /, not in the connection handler.",
    "Move visits += 1 out of net.createServer's callback into the branch if (path === \"/\").",
  ],
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
        message:
          `Between two views of / (count ${before.count}), three clients connected without asking for a page ` +
          `(one silent, one reset, one sent "Hello"), and the next view shows ${after.count}.`,
        expected: `${before.count + 1}`,
        ...evidence(ctx, after.asked),
      };
    }
    return null;
  },
};

export { view, countedView, type View };
