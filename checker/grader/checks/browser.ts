/**
 * Phase 4 in a real browser (--browser): the seed tutorial's own test. Open the counter page in
 * Chromium, refresh it as a person does, and see the count go up by one per load, though the
 * browser also asks for /favicon.ico each time.
 */
import { News } from "../news.ts";
import { Chromium, BrowserError, findChromium, type CdpEvent } from "../chromium.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { evidence, whyNoResponse } from "./common.ts";
import { COUNT, view } from "./counter.ts";

const LOADS = 3;
/** From asking for the page to its load event. */
const LOAD_TIMEOUT_MS = 8000;
/** The browser asks for the icon a few milliseconds after the load event; past this, it will not. */
const FAVICON_START_MS = 1000;
/** From the start of the icon's request to its end. */
const FAVICON_TIMEOUT_MS = 4000;

interface Request {
  path: string;
  status: number | null;
  failed: string | null;
  done: boolean;
}

interface Load {
  /** "opened" (typed into the address bar) or "refreshed" (a hard refresh). */
  how: "opened" | "refreshed";
  /** Why the page did not load (net::ERR_...), or null. */
  error: string | null;
  /** The status of / as the browser got it. */
  status: number | null;
  text: string;
  count: number | null;
  /** Who asked for /favicon.ico: the browser itself, the checker from inside the page (see below), or nobody. */
  favicon: "browser" | "page" | "none";
  requests: Request[];
}

/**
 * One load of the page, as a person makes it: typing the address (the first), then refreshing.
 *
 * What Chromium does with the icon (measured with Chromium 156, headless, and so written in its
 * source): on the first load of a page it asks for /favicon.ico right after the load event. When
 * the answer is 404 it remembers that the icon is missing and does not ask again on a normal
 * refresh (F5), only on a hard refresh (Ctrl+Shift+R), which forgets that memory. So every
 * refresh here is a hard one (Page.reload with ignoreCache), and then the browser itself asks for
 * the icon on every load. Should a browser not ask (another version, another rule), the checker
 * asks for it from inside the page (fetch('/favicon.ico')), as the tab would, so that each load
 * still comes with its icon request: the tutorial's test counts on exactly that.
 */
async function load(browser: Chromium, session: string, url: string, how: Load["how"]): Promise<Load> {
  const requests = new Map<string, Request>();
  const news = new News();
  let documentId: string | null = null;
  const unlisten = browser.listen((event: CdpEvent) => {
    if (event.sessionId !== session) return;
    const { params } = event;
    if (event.method === "Network.requestWillBeSent") {
      const path = new URL(params.request.url).pathname;
      requests.set(params.requestId, { path, status: null, failed: null, done: false });
      if (params.type === "Document") documentId = params.requestId;
    } else if (event.method === "Network.responseReceived") {
      const request = requests.get(params.requestId);
      if (request) request.status = params.response.status;
    } else if (event.method === "Network.loadingFinished" || event.method === "Network.loadingFailed") {
      const request = requests.get(params.requestId);
      if (request) {
        request.done = true;
        if (event.method === "Network.loadingFailed") request.failed = params.errorText;
      }
    } else {
      return;
    }
    news.tell();
  });
  const waitUntil = async (done: () => boolean, timeoutMs: number): Promise<boolean> => {
    const end = performance.now() + timeoutMs;
    while (!done() && performance.now() < end) await news.next(end - performance.now());
    return done();
  };

  try {
    const loaded = browser.waitFor((event) => event.sessionId === session && event.method === "Page.loadEventFired", LOAD_TIMEOUT_MS);
    let error: string | null = null;
    if (how === "opened") {
      const answer = await browser.send("Page.navigate", { url }, session);
      error = answer.errorText || null;
    } else {
      await browser.send("Page.reload", { ignoreCache: true }, session);
    }
    if (error) loaded.cancel();
    if (!error && !(await loaded.event)) error = text.browser.didNotLoad(LOAD_TIMEOUT_MS / 1000);
    const page = documentId ? requests.get(documentId) : undefined;
    error ??= page?.failed ?? null;

    let favicon: Load["favicon"] = "none";
    if (!error) {
      const icon = (): Request | undefined => [...requests.values()].find((request) => request.path === "/favicon.ico");
      if (await waitUntil(() => icon() !== undefined, FAVICON_START_MS)) {
        favicon = "browser";
      } else {
        // The browser did not ask this time: ask as the tab would (see above).
        favicon = "page";
        await browser.send(
          "Runtime.evaluate",
          { expression: "fetch('/favicon.ico', { cache: 'no-store' }).then((r) => r.status, () => 0)", awaitPromise: true, returnByValue: true },
          session,
          FAVICON_TIMEOUT_MS + 1000,
        );
      }
      // The next load must not start before the server has seen (and maybe counted) the icon's request.
      await waitUntil(() => icon()?.done === true, FAVICON_TIMEOUT_MS);
    }

    const shown = await browser.send("Runtime.evaluate", { expression: "document.body ? document.body.innerText : ''", returnByValue: true }, session);
    const pageText = String(shown.result?.value ?? "").trim();
    const match = COUNT.exec(pageText);
    return { how, error, status: page?.status ?? null, text: pageText, count: match ? Number(match[1]) : null, favicon, requests: [...requests.values()] };
  } finally {
    unlisten();
  }
}

/** One line per load: what the browser asked for and got, e.g. `GET / 200 "…21 times."  GET /favicon.ico 404`. */
function describeLoad(load: Load, index: number): string {
  const asked = load.requests
    .filter((request) => request.path === "/" || request.path === "/favicon.ico")
    .map((request) => {
      const got = request.failed ?? (request.status === null ? text.browser.noAnswer : String(request.status));
      const shown = request.path === "/" && load.count !== null ? text.browser.pageSays(load.count) : "";
      return `GET ${request.path} ${got}${shown}`;
    });
  const by = load.favicon === "page" ? text.browser.iconByChecker : "";
  return text.browser.load(index + 1, load.how, asked.join(", ") || text.browser.nothingReached, by);
}

/**
 * A headless Chromium for a check that drives one, or the skip that says why there is none (not
 * installed, or it would not start). The caller closes it.
 */
export async function startChromium(): Promise<Chromium | Finding> {
  const chromium = findChromium();
  if ("missing" in chromium) return { status: "skip", message: text.browser.notRun(chromium.missing) };
  try {
    return await Chromium.launch({ executable: chromium.found });
  } catch (error) {
    return { status: "skip", message: text.browser.launchFailed((error as Error).message) };
  }
}

/** What Chromium made of one address: the load's error, the head's fields, and the text it shows. */
export interface TextLoad {
  /** The load's error ("net::ERR_CONTENT_DECODING_FAILED"), or null when it loaded. */
  failed: string | null;
  /** The response's fields as Chromium saw them (after its own decoding), or null when none came. */
  headers: Record<string, string> | null;
  /** document.body.innerText once it loaded (a text document shows in a <pre>). */
  shown: string;
}

/**
 * Opens `url` in a tab of `browser` and waits (at most LOAD_TIMEOUT_MS) for its load or its
 * failure. Throws BrowserError when the browser itself gives out: the caller skips then.
 */
export async function loadText(browser: Chromium, url: string): Promise<TextLoad> {
  const pathname = new URL(url).pathname;
  const load: TextLoad = { failed: null, headers: null, shown: "" };
  const session = await browser.openTab();
  const unlisten = browser.listen((event: CdpEvent) => {
    if (event.sessionId !== session) return;
    if (event.method === "Network.responseReceived" && new URL(event.params.response.url).pathname === pathname) {
      load.headers = (event.params.response.headers ?? {}) as Record<string, string>;
    } else if (event.method === "Network.loadingFailed" && load.failed === null) {
      load.failed = String(event.params.errorText).slice(0, 200);
    }
  });
  try {
    for (const domain of ["Page", "Network"]) await browser.send(`${domain}.enable`, {}, session);
    // The page loads, or its load fails (a body that does not decode fails after the head came).
    const ended = browser.waitFor((event) => event.sessionId === session && (event.method === "Page.loadEventFired" || event.method === "Network.loadingFailed"), LOAD_TIMEOUT_MS);
    const answer = await browser.send("Page.navigate", { url }, session);
    if (answer.errorText) {
      load.failed = String(answer.errorText).slice(0, 200);
      ended.cancel();
    } else if (!(await ended.event) && load.failed === null) load.failed = text.browser.didNotLoad(LOAD_TIMEOUT_MS / 1000);
    // What it shows is bounded by what the checker reads of it: the page is the server's.
    const seen = await browser.send("Runtime.evaluate", { expression: "document.body ? document.body.innerText.slice(0, 1048576) : ''", returnByValue: true }, session);
    load.shown = String(seen.result?.value ?? "");
  } finally {
    unlisten();
  }
  return load;
}

export const counterBrowser: Check = {
  id: "counter.browser",
  alone: true,
  ...text.checks["counter.browser"],
  needsBrowser: true,
  requires: ["counter.first-visit"],
  async run(ctx) {
    const chromium = findChromium();
    if ("missing" in chromium) return { status: "skip", message: text.browser.notRun(chromium.missing) };

    // The count right before the browser comes. Not the highest count the earlier checks saw
    // (counterState): requests since then, for other paths, may have been counted by a wrong server.
    const before = await view(ctx, "/");
    const why = whyNoResponse(ctx, before.asked);
    if (why) return why;
    if (before.count === null) {
      return { message: text.browser.noCount, ...evidence(ctx, before.asked) };
    }

    let browser: Chromium;
    try {
      browser = await Chromium.launch({ executable: chromium.found });
    } catch (error) {
      // The browser, not the student's server, is broken: nothing to grade.
      return { status: "skip", message: text.browser.launchFailed((error as Error).message) };
    }
    const loads: Load[] = [];
    try {
      const session = await browser.openTab();
      await browser.send("Page.enable", {}, session);
      await browser.send("Network.enable", {}, session);
      const url = `http://${ctx.host}:${ctx.port}/`;
      for (let i = 0; i < LOADS; i++) {
        const done = await load(browser, session, url, i === 0 ? "opened" : "refreshed");
        loads.push(done);
        if (done.error || done.count === null) break;
      }
    } catch (error) {
      if (!(error instanceof BrowserError)) throw error;
      return { status: "skip", message: text.browser.stopped(error.message) };
    } finally {
      await browser.close();
    }
    return judge(ctx, before.count, loads);
  },
};

function judge(ctx: CheckContext, before: number, loads: Load[]): Finding | null {
  const tryIt = text.browser.tryIt(ctx.tryPort);
  const story = text.browser.story(before, LOADS - 1);
  const details = "\n" + loads.map(describeLoad).join("\n");
  const last = loads.at(-1)!;
  if (last.error) {
    return { message: text.browser.couldNotShow(story, loads.length, last.error, details), tryIt };
  }
  if (last.count === null) {
    const shown = last.text ? `"${last.text.slice(0, 120)}"` : text.browser.emptyPage;
    const status = last.status !== null && last.status !== 200 ? text.browser.statusNote(last.status) : "";
    return {
      message: text.browser.noCountShown(story, loads.length, shown, status, details),
      tryIt,
    };
  }
  const counts = loads.map((load) => load.count!);
  const wrong = counts.findIndex((count, i) => count !== before + i + 1);
  if (wrong < 0) return null;
  const step = counts[wrong]! - (wrong === 0 ? before : counts[wrong - 1]!);
  const relative = counts.map((count) => count - before);
  const previousHadIcon = wrong > 0 && loads[wrong - 1]!.favicon !== "none";
  const verdict =
    step === 2 && previousHadIcon
      ? text.browser.addsTwo
      : step === 0
        ? text.browser.doesNotGoUp
        : text.browser.movedBy(wrong + 1, step);
  return {
    message: text.browser.wrongCounts(story, counts.join(", "), before, relative.join(", "), relative.map((_, i) => i + 1).join(", "), verdict, details),
    expected: text.browser.wrongCountsExpected(counts.map((_, i) => before + i + 1).join(", ")),
    hint: step === 2 ? counterBrowser.hints[0] : step === 0 ? text.counter.incrementHint : counterBrowser.hints[1],
    tryIt,
  };
}
