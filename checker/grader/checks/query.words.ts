/**
 * The words of phase 8 (query): its checks' titles and hints, and its findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

export const queryWords = {
  unitReturned: (call: string, shown: string, says: string) => `${call} returned ${shown}.${says ? ` ${says}` : ""}`,
  notDecoded: "The segment was not decoded: %C3%BC is the two UTF-8 bytes of ü.",
  decodeHint: "Decode each segment with decodeURIComponent (it reads %XX as UTF-8 bytes), after splitting the path at \"/\".",
  decodedBeforeSplit: "The path was decoded before it was split: %2F became a \"/\" and cut the name in two.",
  splitFirstHint: "Split the path at \"/\" first, then decode each segment: %2F is a slash inside a segment, not a separator. path.split(\"/\").slice(1).map(decodeURIComponent)",
  plusInPath: "The \"+\" became a space: that is the rule of query strings only. In a path a plus is a plus.",
  plusInPathHint: "Leave \"+\" alone in the path (decodeURIComponent does): only parseQuery turns \"+\" into a space.",
  decodedTwice: "The segment was decoded twice: %2541 is %41 after one decoding, and A only after a second.",
  onceHint: "Decode each segment exactly once. A second decoding turns %2541 into A, and lets an attacker slip %252e%252e (..) past a check made after the first.",
  acceptedBadEscape: (call: string, shown: string, escape: string) => `${call} returned ${shown}: "${escape}" is not an escape that decodes, and the contract has null (the server answers 400).`,
  badEscapeHint: "decodeURIComponent throws URIError for %zz, a cut %4, and bytes that are not UTF-8: catch it and return null.",
  catchHint: "decodeURIComponent throws URIError for an escape that does not decode: wrap it in try/catch and return null, so the server can answer 400.",
  plusKept: "The \"+\" signs were kept: in a query string a \"+\" is a space.",
  plusHint: "In a query, turn \"+\" into a space before decoding each key and value: raw.replaceAll(\"+\", \" \"), then decodeURIComponent.",
  lastValueWins: "Only the last tag was kept: a repeated key has all its values, in order.",
  firstValueWins: "Only the first tag was kept: a repeated key has all its values, in order.",
  listHint: "Keep a list per key and push each value: (table[key] ??= []).push(value).",
  notLists: "The values are strings; the contract has a list of values for each key.",
  bareKeyDropped: "A key without \"=\" is missing: it has the value \"\".",
  bareKeyHint: "A pair without \"=\" is a key with the value \"\": const at = pair.indexOf(\"=\"); key = at === -1 ? pair : pair.slice(0, at).",
  emptyPairKept: "There is a key \"\": the empty pair between \"&&\" was read as one.",
  emptyPairHint: "Skip the empty pairs (\"a=1&&b=2\", a trailing \"&\"): if (pair === \"\") continue;",
  decodedBeforeQuerySplit: "The query was decoded before it was split: %26 became a \"&\" (or %3D a \"=\") and split a value.",
  querySplitFirstHint: "Split the query on \"&\", and each pair at its first \"=\", before you decode: %26 and %3D are data inside a value.",
  cutAtEveryEquals: "The value was cut at its second \"=\": split each pair at its first \"=\" only.",
  firstEqualsHint: "const at = pair.indexOf(\"=\"); const key = pair.slice(0, at), value = pair.slice(at + 1); (not pair.split(\"=\"), which cuts \"1=2=3\").",
  wireGreeting: (path: string, body: string, says: string) => `GET ${path} answered ${body}.${says ? ` ${says}` : ""}`,
  routeDecodedHint: "Match the routes against the decoded segments: %61 is the letter a, so /%61bout is /about.",
  notJson: (target: string, error: string) => `GET ${target} answered a body that is not JSON (${error}).`,
  searchPath: (target: string, path: string) => `GET ${target} answered "path": ${path}, where the decoded path is "/search".`,
  searchQuery: (target: string, query: string, says: string) => `GET ${target} answered "query": ${query}.${says ? ` ${says}` : ""}`,
  searchType: (type: string) => `GET /search answered with Content-Type: ${type || "(none)"}; the contract has application/json.`,
  searchHint: "GET /search answers JSON.stringify({ path: request.path, query: request.query }), with Content-Type: application/json; no query gives \"query\": {}.",
  badEscapeWireHint: "Decode the path and the query before looking for a route: an escape that does not decode (decodeSegments or parseQuery returns null) is 400 Bad Request.",
  escapedPercentHint: "%25 is an escaped \"%\": /hello/100%25 greets \"100%\". Refuse only the escapes that do not decode.",
  afterBadEscape: "escapes that do not decode",
};

export const queryChecks = {
  "query.unit-segments": check("decodeSegments splits the path first, then decodes each segment once", [
    "decodeSegments(path) splits at \"/\" and decodes each segment: \"/hello/a%2Fb\" is [\"hello\", \"a/b\"], \"/\" is [\"\"].",
    "Split first, decode after, once; leave \"+\" alone; return null when decodeURIComponent throws.",
    "const parts = []; for (const raw of path.split(\"/\").slice(1)) { try { parts.push(decodeURIComponent(raw)); } catch { return null; } } return parts;",
  ]),
  "query.unit-parse": check("parseQuery reads a query string: + is a space, repeated keys are lists, split before decoding", [
    "parseQuery(query) turns \"a=1&b&a=2\" into { a: [\"1\", \"2\"], b: [\"\"] }: every key with the list of its values.",
    "Split on \"&\" (skip empty pairs), each pair at its first \"=\"; then in key and value \"+\" becomes a space, and decodeURIComponent decodes.",
    "for (const pair of query.split(\"&\")) { if (!pair) continue; const at = pair.indexOf(\"=\"); const key = decode(at === -1 ? pair : pair.slice(0, at)); ... (table[key] ??= []).push(value); }",
  ]),
  "query.path": check("the routes see decoded segments: /hello/J%C3%BCrgen greets Jürgen, /hello/a%2Fb greets a/b", [
    "dispatch decodes the path with decodeSegments and matches the routes against the decoded segments.",
    "match() compares the pattern's segments with decodeSegments(path), not with path.split(\"/\").",
    "const parts = decodeSegments(path); if (parts === null) return generateResponse(error(400), head); const found = routes.filter((r) => match(r.segments, parts) !== null);",
  ]),
  "query.search": check("GET /search answers the decoded path and the query as JSON", [
    "GET /search answers { \"path\": \"/search\", \"query\": { key: [values] } } as application/json.",
    "Give the handler the parsed query: dispatch passes { method, path, query, params, headers }.",
    "route(\"GET\", \"/search\", (r) => ({ status: 200, type: \"application/json\", body: JSON.stringify({ path: r.path, query: r.query }) }));",
  ]),
  "query.bad-escape": check("answers 400 for an escape that does not decode (%zz, %4, %C3 alone), and lives on", [
    "An escape that does not decode is a malformed request: 400 Bad Request, with a body, and the server goes on.",
    "decodeURIComponent throws URIError; uncaught in a handler it is a 500, uncaught in the socket code a crash. Catch it where you decode.",
    "if (decodeSegments(path) === null || parseQuery(query) === null) return generateResponse(error(400), head);",
  ]),
};
