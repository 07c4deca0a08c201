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
  refreshShowed: (counts: string) => `Refreshing the page (GET /, then GET /favicon.ico) then showed ${counts}. `,
  addsTwo: "Each refresh adds 2. The favicon request is counted too.",
  addsTwoConnections:
    "Each refresh adds 2, one per connection: your server counts connections (see the connections check), and a refresh makes two, one for / and one for /favicon.ico.",
  countVisitsHint: "Count in the branch that answers GET / with the page, after the request has been read and parsed, not when a connection arrives.",
  stepOf: (step: number) => `A step of ${step} where 1 was expected.`,
  refreshExpected: (next: number) => `${next} on this refresh: one more per view of /`,
  incrementHint: "Increment the counter (visits += 1) each time the path is /.",
  notFound: "HTTP/1.1 404 Not Found",
  emptyNotFound: (path: string) => `GET ${path} got 404 with an empty body: a browser shows a blank page.`,
  emptyNotFoundExpected: "a short body, e.g. <h1>404 Not Found</h1>",
  acrossOtherPath: (before: number, after: number, path: string) => `The count went from ${before} to ${after} across a request for ${path}. `,
  otherPathCounted: "That request was counted too. Only a request for exactly / is a view.",
  connectionsBetween: (before: number, after: number) =>
    `Between two views of / (count ${before}), three clients connected without asking for a page ` +
    `(one silent, one reset, one sent "Hello"), and the next view shows ${after}. `,
  allThreeCounted: "All three clients were counted: your server counts connections (in the net.createServer callback), not views of /.",
  someCounted: (extra: number) =>
    `The count went up by ${extra + 1}, not 1: something that is not a view of / was counted. Most likely the "Hello", a request that could not be parsed, ` +
    "if your counting runs for every request; or connections, if it runs in the net.createServer callback.",
  countAsText: (digits: string) =>
    `The page says "accessed ${digits} times": the count is shown with a leading 0. That is what a count kept as text does: "0" + 1 is "01" in JavaScript, not 1, and the next visit makes "011".`,
  countAsTextHint: 'Start the counter at the number 0 (let visits = 0), not the string "0": with a string, visits += 1 writes a "1" after it.',
  pageDiffers: "The page for / is not the lesson's page, byte for byte.",
  pageDiffersHint: "Build the page from the count and nothing else: `<h1>This page has been accessed ${visits} times.</h1>`.",
  garbageGot: (status: string) => `A client sent "Hello" and an empty line (a request line parseRequest cannot read), and got status ${status}.`,
  garbageFellThrough: ' route("") took the "any other path" branch: it has no case for "", which parseRequest returns for a request it cannot read.',
  garbageGotPage: ' route("") answered as if it were a page: it has no case for "", which parseRequest returns for a request it cannot read.',
  badRequest: "HTTP/1.1 400 Bad Request",
  faviconTurnedAway: (msBefore: number) =>
    "GET /favicon.ico came while GET / was still being served (a browser asks for both at once), and your server closed it without a byte of answer; " +
    `the page was answered ${msBefore} ms later. It takes one connection at a time: server.maxConnections = 1 does that (Node closes every connection past the limit), ` +
    "and so does a server that stops accepting while it serves.",
  turnedAwayNote: "nothing: the server ended the connection at once (with a FIN, or a reset when the request had come in first)",
  faviconTurnedAwayHint:
    "Let the server take every connection: no server.maxConnections, no server.close() or pause while a request is served. Each request waits on its own.",
  /** What a count that did not go up by one shows, and the causes that fit it (counter.ts: countChange). */
  change: {
    appended: (before: number, after: number) =>
      `From ${before} to ${after}: a 1 was written after the digits. That is what += 1 does to a string ("${before}" + 1 is "${after}"): the counter is kept as text, not as a number.`,
    afresh: (before: number) =>
      before === 1
        ? "The count stayed at 1: this view was counted again from 0, on a counter of its own. "
        : "The count went back to 1: this view was counted from 0, on a counter of its own. ",
    afreshCauses:
      "The counter is made anew for each request: it is declared (or set to 0) inside a function, such as the connection callback, handleRequest or route, so every call starts from 0.",
    afreshHint: "Declare the counter once, at the top level of the module (let visits = 0, outside every function), and in route only add 1 to it.",
    afreshCausesTogether:
      "Most likely the counting runs in a worker thread: every worker has its own copy of every module variable, so a new worker starts from 0. " +
      "Or the counter is declared (or set to 0) inside a function, such as the connection callback, handleRequest or route.",
    afreshHintTogether:
      "Count in the main thread, once, at the top level of the module: call route(path) there before the slow part (a worker only does the slow work), and send what it returned.",
    stuck: (count: number) => `The count stayed at ${count}. `,
    stuckCauses: "Nothing added 1 for this view: the visits += 1 is missing, or sits in a branch this request for / does not take.",
    stuckCausesTogether:
      "Nothing added 1 for this view, or it added 1 to a copy: the visits += 1 is missing or in a branch a request for / does not take; " +
      "or the count was read before an await and written back after it; or it was counted in a worker thread, whose copy of the variable is its own.",
    down: (before: number, after: number) => `The count went down, from ${before} to ${after}. `,
    downCauses: "The counter was set back between the two views: something sets it to 0 or to an older value.",
    downCausesTogether:
      "Different views read different counters: most likely several worker threads, each counting in its own copy of the variable; " +
      "or a count read before an await and written back after it.",
  },
};

export const counterChecks = {
  "counter.first-visit": check('GET / answers 200 "This page has been accessed 1 times."', [
    "Keep a counter outside the connection handler (let visits = 0), add 1 when the path is /, and put the new value in the page.",
    "Start at 0 and increment before you build the page, so the first visitor sees 1.",
    "In route: if (path === \"/\") { visits += 1; return { status: \"200 OK\", body: `<h1>This page has been accessed ${visits} times.</h1>` }; }",
  ]),
  "counter.well-formed": check("the page is a well-formed HTTP/1.1 response (as in phase 3)", [
    "Build every response with your generateResponse from phase 3.",
    "The message above names the framing problem, and phase 3's checks explain each one.",
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
    "In route, after the case for \"\" and the one for /: return { status: \"404 Not Found\", body: \"<h1>404 Not Found</h1>\" };",
  ]),
  "counter.bad-request": check("answers 400 Bad Request to a request it cannot read (Hello)", [
    "parseRequest returns \"\" for a request line it cannot read. That is the client's mistake, and the answer says so: 400 Bad Request, not a page and not 404.",
    "Give route a case for \"\" before the others, and let handleRequest send whatever route returns, the 400 included.",
    "In route, first: if (path === \"\") return { status: \"400 Bad Request\", body: \"<h1>400 Bad Request</h1>\" };",
  ]),
  "counter.connections": check("counts page views, not connections", [
    "A connection is not a page view: clients connect and leave, reset, or send garbage. Count only complete requests for /.",
    "Increment the counter where you handle a request whose path is /, not in the connection handler.",
    "Move visits += 1 out of net.createServer's callback into the branch if (path === \"/\").",
  ]),
};
