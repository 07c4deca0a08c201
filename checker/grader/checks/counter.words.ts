/**
 * The words of phase 4 (counter): the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

/** Phase 4 (checks/counter.ts). */
export const counterWords = {
  gotStatus: (path: string, status: string) => `GET ${path} got status ${status}.`,
  ok: "HTTP/1.1 200 OK",
  noCount: 'The page for / does not say "This page has been accessed N times."',
  noCountExpected: "<h1>This page has been accessed 1 times.</h1> (then 2, 3, ...)",
  firstVisitShows: (count: number | null) => `The first visit to / shows ${count}.`,
  firstVisitExpected: "This page has been accessed 1 times.",
  incrementFirstHint: "Increment the counter before you build the page.",
  countOnlyRootHint: "Count only requests for /, not connections or other paths: the checker's first request was this one.",
  refreshNoCount: 'A refresh of / got a page without "This page has been accessed N times."',
  countWas: (count: number) => `The count was ${count}. `,
  refreshShowed: (counts: string) => `Refreshing the page (GET /, then GET /favicon.ico) then showed ${counts}: `,
  addsTwo: "each refresh adds 2. The favicon request is counted too.",
  addsTwoConnections:
    "each refresh adds 2, one per connection: your server counts connections (see the connections check), and a refresh makes two, one for / and one for /favicon.ico.",
  countVisitsHint: "Count in the branch that answers GET / with the page, after the request has been read and parsed, not when a connection arrives.",
  doesNotGoUp: "the count does not go up.",
  stepOf: (step: number) => `a step of ${step} where 1 was expected.`,
  refreshExpected: (next: number) => `${next} on this refresh: one more per view of /`,
  incrementHint: "Increment the counter (visits += 1) each time the path is /.",
  notFound: "HTTP/1.1 404 Not Found",
  emptyNotFound: (path: string) => `GET ${path} got 404 with an empty body: a browser shows a blank page.`,
  emptyNotFoundExpected: "a short body, e.g. <h1>404 Not Found</h1>",
  otherPathCounted: (before: number, after: number, path: string) =>
    `The count went from ${before} to ${after} across a request for ${path}: that request was counted.`,
  connectionsCounted: (before: number, after: number) =>
    `Between two views of / (count ${before}), three clients connected without asking for a page ` +
    `(one silent, one reset, one sent "Hello"), and the next view shows ${after}.`,
};

export const counterChecks = {
  "counter.first-visit": check('GET / answers 200 "This page has been accessed 1 times."', [
    "Keep a counter outside the connection handler (let visits = 0), add 1 when the path is /, and put the new value in the page.",
    "Start at 0 and increment before you build the page, so the first visitor sees 1.",
    "let visits = 0; ... if (path === \"/\") { visits += 1; socket.end(generateResponse(`<h1>This page has been accessed ${visits} times.</h1>`)); }",
  ]),
  "counter.well-formed": check("the page is a well-formed HTTP/1.1 response (as in phase 3)", [
    "Build every response with your generateResponse from phase 3.",
    "The message above names the framing problem; phase 3's checks explain each one.",
  ]),
  "counter.refresh": check("counts 1 more on each refresh (a browser asks for / and /favicon.ico)", [
    "A browser asks for /favicon.ico (the tab's icon) on its own. Count a visit only when the path is exactly /.",
    "if (path === \"/\") { visits += 1; ... } else { answer 404 without counting }",
    "Open http://127.0.0.1:8000/ in a browser with your server running and watch its output: each refresh prints two paths.",
  ]),
  "counter.favicon": check("answers /favicon.ico with 404 Not Found and a body", [
    "We have no icon: say so with the status line HTTP/1.1 404 Not Found, and a short body like <h1>404 Not Found</h1>.",
    "generateResponse(\"<h1>404 Not Found</h1>\", \"404 Not Found\")",
    "Any path but / (the favicon included) takes the 404 branch, and that branch does not touch the counter.",
  ]),
  "counter.unknown": check("answers other paths with 404 and does not count them", [
    "Only / is a page here. Every other path gets 404 Not Found, and does not touch the counter.",
    "Route on the exact path: if (path === \"/\") ... else 404.",
    "if (path === \"/\") { visits += 1; ...200... } else { socket.end(generateResponse(\"<h1>404 Not Found</h1>\", \"404 Not Found\")); }",
  ]),
  "counter.connections": check("counts page views, not connections", [
    "A connection is not a page view: clients connect and leave, reset, or send garbage. Count only complete requests for /.",
    "Increment the counter where you handle a request whose path is /, not in the connection handler.",
    "Move visits += 1 out of net.createServer's callback into the branch if (path === \"/\").",
  ]),
};
