/**
 * The words of phase 4 in a real browser: the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

/** Phase 4 in a real browser (checks/browser.ts). */
export const browserWords = {
  didNotLoad: (seconds: number) => `the page did not finish loading within ${seconds} s`,
  noAnswer: "no answer",
  pageSays: (count: number) => ` (the page says ${count})`,
  iconByChecker: " (icon asked by the checker from inside the page)",
  load: (n: number, how: "opened" | "refreshed", asked: string, by: string) => `  load ${n}, ${how === "opened" ? "opened" : "refreshed"}: ${asked}${by}`,
  nothingReached: "nothing reached the server",
  notRun: (why: string) => `not run: ${why}`,
  noCount: 'The page for / no longer says "This page has been accessed N times."',
  launchFailed: (error: string) => `not run: ${error}. Try another browser with LAB_CHROMIUM=/path/to/chrome.`,
  stopped: (error: string) => `not run: the browser stopped working during the check (${error}).`,
  tryIt: (port: number) => `open http://localhost:${port}/ in a browser, and refresh it with Ctrl+Shift+R (a hard refresh) a few times`,
  story: (before: number, refreshes: number) =>
    `The page showed ${before} before the browser came. Chromium then opened it and refreshed it ${refreshes === 2 ? "twice" : `${refreshes} times`} ` +
    "(Ctrl+Shift+R), as a person does; after each load it asked for /favicon.ico, the tab's icon.",
  couldNotShow: (story: string, load: number, error: string, details: string) =>
    `${story} On load ${load} the browser could not show the page: ${error}.${details}`,
  emptyPage: "an empty page",
  statusNote: (status: number) => ` (status ${status})`,
  noCountShown: (story: string, load: number, shown: string, status: string, details: string) =>
    `${story} On load ${load} it showed ${shown}${status}, without "This page has been accessed N times."${details}`,
  addsTwo: "each refresh adds 2: the favicon request was counted too.",
  doesNotGoUp: "the count does not go up.",
  movedBy: (load: number, step: number) => `load ${load} moved it by ${step}, where 1 was expected.`,
  wrongCounts: (story: string, counts: string, before: number, relative: string, expected: string, verdict: string, details: string) =>
    `${story} The page showed ${counts}: counted from ${before}, that is ${relative}, where one more per load ` +
    `gives ${expected}. ${verdict[0]!.toUpperCase()}${verdict.slice(1)}${details}`,
  wrongCountsExpected: (counts: string) => `${counts}: one more per load of /, none for /favicon.ico`,
};

export const browserChecks = {
  "counter.browser": check("in a real browser (headless Chromium), each refresh shows 1 more, favicon requests included", [
    "After loading a page, a browser asks for /favicon.ico (the tab's icon) on its own. Count a visit only when the path is exactly /.",
    "if (path === \"/\") { visits += 1; ... } else { answer 404 without counting }",
    "Start your server, open http://127.0.0.1:8000/ in a browser and press Ctrl+Shift+R a few times while you watch its output: each load prints path: / and then path: /favicon.ico.",
  ]),
};
