/**
 * The words of phase 6 (route): the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

/** Phase 6 (checks/route.ts). */
export const routeWords = {
  returnedOther: (call: string, other: string) => `${call} returned ${other || "something that is not bytes"}, not a response.`,
  returnedNothing: (call: string) => `${call} returned nothing: an empty response.`,
  returnedOtherExpected: "the whole response as a Buffer: status line, headers, empty line, body",
  builtWithProblem: (call: string, problem: string) => `${call} built a response with a problem: ${problem}.`,
  gotStatus: (call: string, got: number | null, want: number) => `${call} answered ${got === null ? "without a status" : got}, where the contract has ${want}.`,
  statusExpected: (status: number) => `HTTP/1.1 ${status} ...`,
  noBody: (call: string, status: number) => `${call} answered ${status} with an empty body; every answer, errors too, has a page that says what happened.`,
  bodyExpected: "a body (with its Content-Length)",
  helloBody: (call: string, body: string) => `${call} answered with the body "${body}".`,
  noAllow: (call: string) => `${call} answered 405 without an Allow header: the client cannot tell which methods the page has.`,
  wrongAllow: (call: string, allow: string) => `${call} answered 405 with Allow: ${allow}.`,
  allowExpected: "Allow: GET, HEAD (exactly the methods the path has)",
  headHasBody: (call: string, bytes: number, returned: boolean) =>
    `${call} ${returned ? "returned" : "sent"} ${bytes} bytes after the head. A response to HEAD has no body: a client reads those bytes as the start of the next response.`,
  headHasBodyHint: "For HEAD, build the same response as for GET, then keep only its head, the bytes up to and including the empty line: generateResponse(reply, true).",
  headStatus: (call: string, got: number | null, get: number | null) => `${call} answered ${got}, where GET answers ${get}: HEAD is GET without the body.`,
  headLength: (call: string, got: string | undefined, bytes: number) => `${call} says Content-Length: ${got ?? "(none)"}, where the GET body is ${bytes} bytes. HEAD tells the length the GET body has.`,
  headHeaders: (call: string, missing: string) => `${call} lacks header fields that GET sends: ${missing}.`,
  headCounted: (before: number, after: number) =>
    `GET / showed ${before}, then came a HEAD /, then GET / showed ${after}: the HEAD was counted as a visit. HEAD asks about the page without visiting it.`,
  headCountedHint: "Count in the GET handler only when the method is GET: HEAD runs the same handler and sends the head alone.",
  forPath: (path: string) => `For GET ${path}:`,
  forRequest: (method: string, path: string) => `For ${method} ${path}:`,
  forLine: (line: string) => `For the request line "${line}":`,
  wireStatus: (got: number | null, want: number) => `the answer was ${got === null ? "without a status" : got}, where the contract has ${want}.`,
  wireNoBody: (status: number) => `the ${status} came with an empty body; every answer, errors too, has a page that says what happened.`,
  wireHelloBody: (body: string) => `GET /hello/<name> answered with the body "${body}".`,
  helloBodyHint: "The body of /hello/<name> is exactly Hello, <name>!, with its comma and its !: the handler of \"/hello/:name\" returns body: `Hello, ${request.params.name}!`.",
  wireNoAllow: "the 405 came without an Allow header: the client cannot tell which methods the page has.",
  wireWrongAllow: (allow: string) => `the 405 came with Allow: ${allow}.`,
  notFoundHint: "When no route's pattern fits the path, answer 404 Not Found with a small page; never let a missing route throw.",
  notFoundForMethodHint: "A path that has routes, asked for with another method, is 405 Method Not Allowed (with Allow), not 404: the page exists.",
  notImplementedHint: "Before looking for a route, check the method against the ones HTTP defines (GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH): any other is 501 Not Implemented.",
  caseSensitiveHint: "Methods are case-sensitive: \"get\" is not GET. Compare the method as it came, without toUpperCase().",
  badRequestHint: "Split the request line on single spaces: exactly three parts (method, target, version), the target starting with /, the version HTTP/d.d. Anything else is 400 Bad Request.",
  versionHint: "Read the version from the request line: this server speaks HTTP/1.x; for a well-formed other version (HTTP/2.0) answer 505 HTTP Version Not Supported.",
  queryHint: "Cut the target at the first ? before looking up the route: the query string is not part of the path.",
  queryOtherPage: (target: string) => `GET ${target} answered another page than GET /about.`,
  queryExpected: "the same page as GET /about",
  afterNotFound: "requests for paths no route has",
  afterBadRequest: "malformed request lines",
};

export const routeChecks = {
  "route.unit-paths": check("dispatch answers GET /about, GET /hello/<name> and a path it does not know (404)", [
    "dispatch(method, target) returns the whole response as a Buffer, as generateResponse did: status line, headers, empty line, body.",
    "Keep the routes in a table: route(\"GET\", \"/hello/:name\", handler) pushes { method, segments: [\"hello\", \":name\"], handler }; dispatch looks for the routes whose segments fit the path's, one by one: match(each.segments, path).",
    "In match(), with route() pushing { method, segments, handler } where segments = pattern.split(\"/\").slice(1), and dispatch running the handler of the route that fits (match(each.segments, path) is not null) or answering error(404), compare the path with the pattern segment by segment; a parameter segment (it starts with the colon) fits any one non-empty part: const parts = path.split(\"/\").slice(1); if (parts.length !== segments.length) return null; const params: Record<string, string> = {}; for (const [i, segment] of segments.entries()) { const part = parts[i]!; if (segment.startsWith(\":\")) { if (part === \"\") return null; params[segment.slice(1)] = part; } else if (segment !== part) { return null; } } return params;",
  ]),
  "route.unit-methods": check("dispatch answers a known path with another method with 405 and Allow, and an unknown method with 501", [
    "Two questions, in order: does HTTP know this method (else 501)? does any route fit the path (else 404)? Then: is there one for this method (else 405)?",
    "For the 405, collect the methods of the routes whose pattern fits the path (GET brings HEAD with it) and send them as Allow: GET, HEAD.",
    "In dispatch(), the 501 before anything else, then the 404, then the 405 with the methods of the routes that fit (a GET route allows HEAD too): if (!KNOWN_METHODS.has(method)) return generateResponse(error(501)); const path = target.split(\"?\")[0]!; const found = routes.filter((each) => match(each.segments, path) !== null); if (found.length === 0) return generateResponse(error(404)); const chosen = found.find((each) => each.method === method); if (!chosen) { const allowed = [...new Set(found.flatMap((each) => (each.method === \"GET\" ? [\"GET\", \"HEAD\"] : [each.method])))]; return generateResponse(error(405, { Allow: allowed.join(\", \") })); }",
  ]),
  "route.unit-head": check("dispatch answers HEAD like GET, without the body", [
    "HEAD is GET without the body: run the GET route, build the response, and keep only the head (Content-Length stays the GET body's length).",
    "In dispatch, look the route up with the method GET when the request says HEAD; then return the head alone: generateResponse(reply, true) leaves the body out and keeps its Content-Length.",
    "At TODO 3, in dispatch(), look the route up as GET when the request is HEAD, and send the head alone, for the errors too (every route here is a GET route, so a 405 allows GET and HEAD): const head = method === \"HEAD\"; const wanted = head ? \"GET\" : method; const path = target.split(\"?\")[0]!; const found = routes.filter((each) => match(each.segments, path) !== null); if (found.length === 0) return generateResponse(error(404), head); const chosen = found.find((each) => each.method === wanted); if (!chosen) return generateResponse(error(405, { Allow: \"GET, HEAD\" }), head); const reply = await chosen.handler({ method, path, params: match(chosen.segments, path)! }); return generateResponse(reply, head);",
  ]),
  "route.pages": check("GET /about and GET /hello/<name> over the wire", [
    "answer() reads the request line; it must hand the method and the target to dispatch and return what dispatch returns (handleRequest sends it).",
    "If answer() still answers on its own (phase 6's skeleton gives the counter on / and 404 for every other path until TODO 4), replace that with one call to dispatch, for every request.",
    "In answer(), after const line = parseRequestLine(head): if (!line) return generateResponse(error(400)); if (!line.version.startsWith(\"HTTP/1.\")) return generateResponse(error(505), line.method === \"HEAD\"); return dispatch(line.method, line.target);",
  ]),
  "route.not-found": check("answers 404 with a body for a path no route has, and lives on", [
    "A path no route has is 404 Not Found with a small page, whatever the method; the server goes on serving.",
    "In seed 002 the lookup routes[(method, path)] raises KeyError for an unknown route, and the server dies: look up with a search that can come back empty.",
    "const path = target.split(\"?\")[0]!; const found = routes.filter((each) => match(each.segments, path) !== null); if (found.length === 0) return generateResponse(error(404), method === \"HEAD\");",
  ]),
  "route.method-not-allowed": check("answers 405 with Allow: GET, HEAD for a known path with another method", [
    "POST /about: the page exists, but not for POST. That is 405 Method Not Allowed, and RFC 9110 §15.5.6 says a 405 MUST have an Allow header.",
    "Allow lists exactly the methods the path has: GET, HEAD for every page of this phase.",
    "return generateResponse(error(405, { Allow: \"GET, HEAD\" }), method === \"HEAD\");",
  ]),
  "route.not-implemented": check("answers 501 for a method it does not know (BREW, a lowercase get)", [
    "A method HTTP does not define (BREW), and one in the wrong case (get), are 501 Not Implemented.",
    "Methods are case-sensitive (RFC 9110 §9.1): compare the method as it came, against the list of known methods.",
    "if (!KNOWN_METHODS.has(method)) return generateResponse(error(501));",
  ]),
  "route.bad-request": check("answers 400 for a malformed request line, and lives on", [
    "A request line is exactly METHOD SP TARGET SP VERSION, single spaces; anything else is 400 Bad Request.",
    "parseRequestLine splits on \" \" (not on runs of spaces), so \"GET  / HTTP/1.1\" has an empty part, and it returns null for such a line: answer null with 400, before anything reads line.method or line.version.",
    "In answer(), right after the skeleton's const line = parseRequestLine(head), before anything reads line.method or line.version: if (!line) return generateResponse(error(400));",
  ]),
  "route.version": check("answers 505 for a request in HTTP/2.0", [
    "This server speaks HTTP/1.x. A well-formed request line with another version gets 505 HTTP Version Not Supported.",
    "Check the version after the syntax (400) and before the method (501).",
    "In answer(), the 400 first (a line that does not parse has no version), then the version: if (!line) return generateResponse(error(400)); if (!line.version.startsWith(\"HTTP/1.\")) return generateResponse(error(505), line.method === \"HEAD\");",
  ]),
  "route.head": check("answers HEAD with the head GET would send and no body; HEAD / is not counted", [
    "HEAD sends the same status line and headers as GET, Content-Length included, and not one byte after the empty line.",
    "The counter counts visits: a HEAD is not one. Count only when the method is GET.",
    "In dispatch(), HEAD finds the GET route and gets the head alone, errors too (every route here is a GET route, so a 405 allows GET and HEAD); the \"/\" handler the skeleton gives counts a visit only when request.method is GET, so keep that test: const head = method === \"HEAD\"; const wanted = head ? \"GET\" : method; const path = target.split(\"?\")[0]!; const found = routes.filter((each) => match(each.segments, path) !== null); if (found.length === 0) return generateResponse(error(404), head); const chosen = found.find((each) => each.method === wanted); if (!chosen) return generateResponse(error(405, { Allow: \"GET, HEAD\" }), head); const reply = await chosen.handler({ method, path, params: match(chosen.segments, path)! }); return generateResponse(reply, head);",
  ]),
  "route.query": check("the query string is not part of the route (/about?x=1 is /about)", [
    "The target is the path, then maybe ? and a query string. Routes are chosen by the path alone.",
    "Cut the target at the first ? before matching: target.split(\"?\")[0].",
    "const path = target.split(\"?\")[0]!; const found = routes.filter((each) => match(each.segments, path) !== null);",
  ]),
};
