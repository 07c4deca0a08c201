/**
 * The one list of phases: the CLI, the tests and the lessons' "what is checked" all read it.
 * Adding a phase is a folder (lesson, skeleton, .spec), a solution, and an entry here.
 * Each phase lists its own checks plus the earlier phases' checks that still apply, in the order a
 * beginner should fix things.
 */
import type { Phase } from "./types.ts";
import { start } from "./grader/checks/start.ts";
import { bindCloses, bindLogs, bindPrints, bindSeveral } from "./grader/checks/bind.ts";
import { surviveHello, surviveReset, surviveSilent } from "./grader/checks/survive.ts";
import { parseHeadLimit, parseLogsGarbage, parseLogsPath, parseUnitGarbage, parseUnitPaths } from "./grader/checks/parse.ts";
import { requestBareLf, requestBigHead, requestOverCap, requestPieces } from "./grader/checks/requests.ts";
import {
  clientCurl,
  clientFetch,
  clientKeepAlive,
  respondAnswers,
  respondBadRequest,
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
  counterBadRequest,
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
  headersControls,
  headersDate,
  headersDeadlines,
  headersEndless,
  headersEveryResponse,
  headersEveryResponseKept,
  headersJson,
  headersLongLine,
  headersObsFold,
  headersUnitMalformed,
  headersUnitParse,
  headersUserAgent,
} from "./grader/checks/headers.ts";
import { queryAbsoluteForm, queryBadEscape, queryPath, querySearch, queryTargetChars, queryUnitParse, queryUnitSegments } from "./grader/checks/query.ts";
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
import {
  clientCurlPost,
  clientFetchPost,
  clientHttpPieces,
  postBadJson,
  postBadLength,
  postBodyPieces,
  postContentType,
  postEcho,
  postExactLength,
  postExpect,
  postForm,
  postLarge,
  postLengthRequired,
  postTooLarge,
  postTransferEncoding,
  postUnitFraming,
  postUnitLength,
} from "./grader/checks/post.ts";
import {
  clientAgentKeepAlive,
  clientCurlReuse,
  clientFetchReuse,
  keepBodyThenNext,
  keepCloseAsked,
  keepHttp10,
  keepIdle,
  keepRefusalCloses,
  keepSlowloris,
  keepSmuggling,
  keepTwoRequests,
  keepUnitPersistent,
  keepUnreadBody,
  KEEP_CONTRACT,
} from "./grader/checks/keep.ts";
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
    checks: [start, bindLogs, bindPrints, bindCloses, bindSeveral, surviveSilent, surviveReset],
  },
  {
    number: 2,
    slug: "parse",
    title: text.phases[2],
    dir: "phases/2-parse",
    solution: "solutions/2-parse/server.ts",
    skeleton: "phases/2-parse/.spec/skeleton.ts",
    // TODO 3's two lines (a path, or none for garbage), then the request shapes TODO 2 must wait
    // for, and its limit on a head that never ends.
    checks: [start, parseUnitPaths, parseUnitGarbage, parseLogsPath, parseLogsGarbage, ...requestShapes, parseHeadLimit, ...survival],
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
      respondBadRequest,
      ...requestShapes,
      clientFetch,
      clientKeepAlive,
      clientCurl,
      ...survival,
      // The cap of the socket code the skeleton gives, last: it is no TODO of this phase.
      requestOverCap,
    ],
  },
  {
    number: 4,
    slug: "counter",
    title: text.phases[4],
    dir: "phases/4-counter",
    solution: "solutions/4-counter/server.ts",
    skeleton: "phases/4-counter/.spec/skeleton.ts",
    // The cap of the socket code the skeleton gives comes after survival (no TODO of this phase), and the browser last.
    checks: [start, ...counting, counterBadRequest, ...requestShapes, clientKeepAlive, ...survival, requestOverCap, counterBrowser],
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
      // The cap of the socket code the skeleton gives, last: it is no TODO of this phase.
      requestOverCap,
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
      // The cap of the socket code the skeleton gives, last: it is no TODO of this phase.
      requestOverCap,
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
    // parseHeaders first, then the routes of phase 6 still answering; then the new checks in the
    // order of the skeleton's TODOs: the heads to refuse (TODO 2), the two pages (3), the fields
    // every response carries (4), the limits (5) and the deadlines (6).
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
      headersBad,
      headersObsFold,
      headersControls,
      headersUserAgent,
      headersJson,
      headersEveryResponse,
      headersDate,
      headersBig,
      headersLongLine,
      headersEndless,
      headersDeadlines,
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
    // the way now), then decoding over the wire, /search, the escapes to refuse, the characters
    // to refuse and the absolute form: the order of the skeleton's TODOs.
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
      queryTargetChars,
      queryAbsoluteForm,
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
  {
    number: 10,
    slug: "post",
    title: text.phases[10],
    dir: "phases/10-post",
    solution: "solutions/10-post/server.ts",
    skeleton: "phases/10-post/.spec/skeleton.ts",
    site: true,
    env: ({ slowMs, site }) => ({ SLOW_MS: String(slowMs), ...(site ? { WEB_ROOT: site.root } : {}) }),
    // The two functions first (TODO 1 and 2), then the body over the wire (TODO 3 and 4), the
    // answers that refuse a body, 100 Continue (TODO 5), the form (TODO 6), and real clients
    // posting; then the earlier phases' pages, files and shapes, which a body must not break.
    checks: [
      start,
      postUnitLength,
      postUnitFraming,
      postEcho,
      postBodyPieces,
      postLarge,
      postExactLength,
      postBadJson,
      postContentType,
      postLengthRequired,
      postBadLength,
      postTooLarge,
      postTransferEncoding,
      postExpect,
      postForm,
      clientCurlPost,
      clientFetchPost,
      clientHttpPieces,
      counterFirstVisit,
      routePages,
      routeNotFound,
      routeMethodNotAllowed,
      headersEveryResponse,
      queryPath,
      staticFiles,
      threadsSlowRoute,
      threadsConcurrent,
      ...requestShapes,
      ...survival,
    ],
  },
  {
    number: 11,
    slug: "keep-alive",
    title: text.phases[11],
    dir: "phases/11-keep-alive",
    solution: "solutions/11-keep-alive/server.ts",
    skeleton: "phases/11-keep-alive/.spec/skeleton.ts",
    site: true,
    env: ({ slowMs, site }) => ({ SLOW_MS: String(slowMs), KEEP_ALIVE_MS: String(KEEP_CONTRACT.keepAliveMs), ...(site ? { WEB_ROOT: site.root } : {}) }),
    // persistent() first (TODO 1), then two requests on one connection (TODO 2 and 3), what
    // closes it and what must not, bodies on a kept connection, the answers that still close
    // (refusals, smuggling), the deadlines (TODO 4), and real clients using a connection again;
    // then phase 10's bodies and the earlier pages, files and shapes, now on kept connections.
    checks: [
      start,
      keepUnitPersistent,
      keepTwoRequests,
      keepCloseAsked,
      keepHttp10,
      keepBodyThenNext,
      keepUnreadBody,
      keepRefusalCloses,
      keepSmuggling,
      keepIdle,
      keepSlowloris,
      clientCurlReuse,
      clientFetchReuse,
      clientAgentKeepAlive,
      postEcho,
      postBodyPieces,
      postLarge,
      postExactLength,
      postBadJson,
      postContentType,
      postLengthRequired,
      postBadLength,
      postTooLarge,
      postTransferEncoding,
      postExpect,
      postForm,
      clientCurlPost,
      clientFetchPost,
      clientHttpPieces,
      counterFirstVisit,
      routePages,
      routeNotFound,
      routeMethodNotAllowed,
      headersEveryResponseKept,
      queryPath,
      staticFiles,
      threadsSlowRoute,
      threadsConcurrent,
      ...requestShapes,
      ...survival,
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
