/**
 * The one list of phases: the CLI, the tests and the lessons' "what is checked" all read it.
 * Adding a phase is a folder (lesson, skeleton, .spec), a solution, and an entry here.
 * Each phase lists its own checks plus the earlier phases' checks that still apply, in the order a
 * beginner should fix things.
 */
import type { Phase } from "./types.ts";
import { start } from "./grader/checks/start.ts";
import { bindCloses, bindPrints, bindSeveral } from "./grader/checks/bind.ts";
import { surviveHello, surviveReset, surviveSilent } from "./grader/checks/survive.ts";
import { parseLogsPath, parseUnitGarbage, parseUnitPaths } from "./grader/checks/parse.ts";
import { requestBareLf, requestBigHead, requestPieces } from "./grader/checks/requests.ts";
import {
  clientCurl,
  clientFetch,
  clientKeepAlive,
  respondAnswers,
  respondBlankLine,
  respondConnection,
  respondContentLength,
  respondContentType,
  respondCrlf,
  respondPage,
  respondStatusLine,
  respondUnitBytes,
  respondUnitFormat,
} from "./grader/checks/respond.ts";
import {
  counterConnections,
  counterFavicon,
  counterFirstVisit,
  counterRefresh,
  counterUnknown,
  counterWellFormed,
} from "./grader/checks/counter.ts";
import {
  routeBadRequest,
  routeHead,
  routeMethodNotAllowed,
  routeNotFound,
  routeNotImplemented,
  routePages,
  routeQuery,
  routeUnitHead,
  routeUnitMethods,
  routeUnitPaths,
  routeVersion,
} from "./grader/checks/route.ts";
import {
  headersBad,
  headersBig,
  headersDate,
  headersEndless,
  headersEveryResponse,
  headersJson,
  headersObsFold,
  headersUnitMalformed,
  headersUnitParse,
  headersUserAgent,
} from "./grader/checks/headers.ts";
import { queryBadEscape, queryPath, querySearch, queryUnitParse, queryUnitSegments } from "./grader/checks/query.ts";
import {
  staticBrowser,
  staticConditional,
  staticFiles,
  staticHead,
  staticIndex,
  staticLarge,
  staticLookAlikes,
  staticTraversal,
  staticTypes,
  staticUnitTypes,
} from "./grader/checks/static.ts";
import { threadsBurst, threadsConcurrent, threadsSlow, threadsSlowRoute } from "./grader/checks/threads.ts";
import { counterBrowser } from "./grader/checks/browser.ts";
import { text } from "./text.ts";

const requestShapes = [requestPieces, requestBareLf, requestBigHead];
const survival = [surviveHello, surviveSilent, surviveReset];
// Connections are checked before refreshes: a server that counts connections also adds 2 per
// refresh, and the favicon would get the blame.
const counting = [counterFirstVisit, counterWellFormed, counterConnections, counterRefresh, counterFavicon, counterUnknown];

export const phases: Phase[] = [
  {
    number: 1,
    slug: "bind",
    title: text.phases[1],
    dir: "phases/1-bind",
    solution: "solutions/1-bind/server.ts",
    skeleton: "phases/1-bind/.spec/skeleton.ts",
    checks: [start, bindPrints, bindCloses, bindSeveral, surviveSilent, surviveReset],
  },
  {
    number: 2,
    slug: "parse",
    title: text.phases[2],
    dir: "phases/2-parse",
    solution: "solutions/2-parse/server.ts",
    skeleton: "phases/2-parse/.spec/skeleton.ts",
    checks: [start, parseUnitPaths, parseUnitGarbage, parseLogsPath, ...requestShapes, ...survival],
  },
  {
    number: 3,
    slug: "respond",
    title: text.phases[3],
    dir: "phases/3-respond",
    solution: "solutions/3-respond/server.ts",
    skeleton: "phases/3-respond/.spec/skeleton.ts",
    checks: [
      start,
      respondUnitFormat,
      respondUnitBytes,
      respondAnswers,
      respondStatusLine,
      respondCrlf,
      respondBlankLine,
      respondContentLength,
      respondPage,
      respondContentType,
      respondConnection,
      ...requestShapes,
      clientFetch,
      clientKeepAlive,
      clientCurl,
      ...survival,
    ],
  },
  {
    number: 4,
    slug: "counter",
    title: text.phases[4],
    dir: "phases/4-counter",
    solution: "solutions/4-counter/server.ts",
    skeleton: "phases/4-counter/.spec/skeleton.ts",
    checks: [start, ...counting, ...requestShapes, clientKeepAlive, ...survival, counterBrowser],
  },
  {
    number: 5,
    slug: "threads",
    title: text.phases[5],
    dir: "phases/5-threads",
    solution: "solutions/5-threads/server.ts",
    skeleton: "phases/5-threads/.spec/skeleton.ts",
    env: ({ slowMs }) => ({ SLOW_MS: String(slowMs) }),
    // The counter's own checks come first: the burst moves the count on, and refreshes read it.
    checks: [
      start,
      counterFirstVisit,
      counterWellFormed,
      counterRefresh,
      counterFavicon,
      threadsSlow,
      threadsConcurrent,
      threadsBurst,
      counterUnknown,
      ...requestShapes,
      ...survival,
    ],
  },
  {
    number: 6,
    slug: "route",
    title: text.phases[6],
    dir: "phases/6-route",
    solution: "solutions/6-route/server.ts",
    skeleton: "phases/6-route/.spec/skeleton.ts",
    env: ({ slowMs }) => ({ SLOW_MS: String(slowMs) }),
    // dispatch() first (it is what the student writes), then the same answers over the wire,
    // then phase 5's lesson again on GET /slow, and the shapes and survival of every phase.
    checks: [
      start,
      routeUnitPaths,
      routeUnitMethods,
      routeUnitHead,
      counterFirstVisit,
      counterWellFormed,
      routePages,
      routeNotFound,
      routeMethodNotAllowed,
      routeNotImplemented,
      routeBadRequest,
      routeVersion,
      routeHead,
      routeQuery,
      threadsSlowRoute,
      threadsConcurrent,
      ...requestShapes,
      ...survival,
    ],
  },
  {
    number: 7,
    slug: "headers",
    title: text.phases[7],
    dir: "phases/7-headers",
    solution: "solutions/7-headers/server.ts",
    skeleton: "phases/7-headers/.spec/skeleton.ts",
    env: ({ slowMs }) => ({ SLOW_MS: String(slowMs) }),
    // parseHeaders first, then the routes of phase 6 still answering, then the fields read over
    // the wire, the fields every response carries, the heads to refuse, and the limit. The Date
    // check comes a while after the first answer: it compares two Dates over a second apart.
    checks: [
      start,
      headersUnitParse,
      headersUnitMalformed,
      counterFirstVisit,
      counterWellFormed,
      routePages,
      routeNotFound,
      routeMethodNotAllowed,
      routeHead,
      headersEveryResponse,
      headersUserAgent,
      headersJson,
      headersBad,
      headersObsFold,
      headersDate,
      headersBig,
      headersEndless,
      threadsSlowRoute,
      threadsConcurrent,
      ...requestShapes,
      ...survival,
    ],
  },
  {
    number: 8,
    slug: "query",
    title: text.phases[8],
    dir: "phases/8-query",
    solution: "solutions/8-query/server.ts",
    skeleton: "phases/8-query/.spec/skeleton.ts",
    env: ({ slowMs }) => ({ SLOW_MS: String(slowMs) }),
    // The two decoders first, then the routes of phases 6 and 7 still answering (with decoding in
    // the way now), then decoding over the wire, /search, and the escapes to refuse.
    checks: [
      start,
      queryUnitSegments,
      queryUnitParse,
      counterFirstVisit,
      counterWellFormed,
      routePages,
      routeNotFound,
      routeMethodNotAllowed,
      routeQuery,
      headersEveryResponse,
      headersJson,
      queryPath,
      querySearch,
      queryBadEscape,
      threadsSlowRoute,
      threadsConcurrent,
      ...requestShapes,
      ...survival,
    ],
  },
  {
    number: 9,
    slug: "static",
    title: text.phases[9],
    dir: "phases/9-static",
    solution: "solutions/9-static/server.ts",
    skeleton: "phases/9-static/.spec/skeleton.ts",
    site: true,
    env: ({ slowMs, site }) => ({ SLOW_MS: String(slowMs), ...(site ? { WEB_ROOT: site.root } : {}) }),
    // The files first, then what a folder, HEAD and a date ask for, the big file, and the ways out
    // of the root with their look-alikes; then the routes of earlier phases, which still win.
    checks: [
      start,
      staticUnitTypes,
      staticFiles,
      staticTypes,
      staticIndex,
      staticHead,
      staticConditional,
      staticLarge,
      staticTraversal,
      staticLookAlikes,
      counterFirstVisit,
      routePages,
      routeNotFound,
      routeMethodNotAllowed,
      headersEveryResponse,
      queryPath,
      threadsSlowRoute,
      threadsConcurrent,
      ...requestShapes,
      ...survival,
      staticBrowser,
    ],
  },
];

/** Finds a phase by number ("3"), slug ("respond") or folder name ("3-respond"). */
export function findPhase(id: string): Phase | undefined {
  const wanted = id.trim().toLowerCase();
  return phases.find((phase) => String(phase.number) === wanted || phase.slug === wanted || `${phase.number}-${phase.slug}` === wanted);
}

/** The file a student edits in a phase. */
export function studentFile(phase: Phase): string {
  return `${phase.dir}/server.ts`;
}
