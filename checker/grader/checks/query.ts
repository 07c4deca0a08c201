/**
 * Phase 8: percent-decoding of the path, segment by segment and once; query strings read as
 * forms are (split first, decode after, "+" a space); and 400 for an escape that does not decode.
 */
import { header } from "../http-reader.ts";
import { RULES, type Rule } from "../http-rules.ts";
import type { Check, CheckContext } from "../../types.ts";
import { text } from "../../text.ts";
import { evidence, prefixed } from "./common.ts";
import { callExport } from "./parse.ts";
import { stillServes } from "./reactions.ts";
import { asked, request, wrongOnWire } from "./route.ts";

const words = text.query;

/** What a call returned, as data when it is JSON (an array, an object, null), else in words. */
function returned(value: string | Buffer | { other: string; json?: unknown }): { json: unknown; shown: string } {
  if (typeof value === "string") return { json: undefined, shown: JSON.stringify(value) };
  if (Buffer.isBuffer(value)) return { json: undefined, shown: text.parse.aBuffer(value.length) };
  return { json: value.json, shown: value.json === undefined ? value.other : JSON.stringify(value.json) };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A table of lists compared as a map: the order of the keys does not count (JavaScript puts "2" before "a"). */
function sameTable(got: unknown, want: Record<string, string[]>): boolean {
  if (got === null || typeof got !== "object" || Array.isArray(got)) return false;
  const table = got as Record<string, unknown>;
  const keys = Object.keys(table);
  return keys.length === Object.keys(want).length && keys.every((key) => key in want && same(table[key], want[key]));
}

// ---------------------------------------------------------------------------------------------
// decodeSegments(path), called directly.

interface SegmentCase {
  path: string;
  want: string[];
  /** How the classic mistakes read this path, and what each says. */
  wrong: Array<{ got: unknown; says: string; hint: string; rule?: Rule }>;
}

function segmentCases(ctx: CheckContext): SegmentCase[] {
  const word = ctx.rng.word(4);
  return [
    { path: "/hello/J%C3%BCrgen", want: ["hello", "Jürgen"], wrong: [{ got: ["hello", "J%C3%BCrgen"], says: words.notDecoded, hint: words.decodeHint }] },
    {
      path: `/hello/${word}%2F${word}`,
      want: ["hello", `${word}/${word}`],
      wrong: [{ got: ["hello", word, word], says: words.decodedBeforeSplit, hint: words.splitFirstHint, rule: RULES.segmentsFirst }],
    },
    { path: `/hello/${word}+${word}`, want: ["hello", `${word}+${word}`], wrong: [{ got: ["hello", `${word} ${word}`], says: words.plusInPath, hint: words.plusInPathHint, rule: RULES.plusInPath }] },
    { path: "/hello/%2541", want: ["hello", "%41"], wrong: [{ got: ["hello", "A"], says: words.decodedTwice, hint: words.onceHint, rule: RULES.decodeOnce }] },
    { path: "/", want: [""], wrong: [] },
  ];
}

/** Escapes that do not decode: not two hex digits, cut short, or bytes that are not UTF-8. */
const BAD_ESCAPES = ["%zz", "%4", "%C3", "%E2%82"];

export const queryUnitSegments: Check = {
  id: "query.unit-segments",
  ...text.checks["query.unit-segments"],
  needsModule: true,
  async run(ctx) {
    for (const { path, want, wrong } of segmentCases(ctx)) {
      const called = await callExport(ctx, "decodeSegments", [path]);
      if ("finding" in called) return { ...called.finding, hint: called.finding.message.includes("URIError") ? words.catchHint : called.finding.hint };
      const { json, shown } = returned(called.value.value);
      if (same(json, want)) continue;
      const call = `decodeSegments(${JSON.stringify(path)})`;
      const known = wrong.find((each) => same(each.got, json));
      return { message: words.unitReturned(call, shown, known?.says ?? ""), expected: JSON.stringify(want), hint: known?.hint, rule: known?.rule };
    }
    for (const escape of BAD_ESCAPES) {
      const path = `/hello/${escape}`;
      const called = await callExport(ctx, "decodeSegments", [path]);
      if ("finding" in called) return { ...called.finding, hint: called.finding.message.includes("URIError") ? words.catchHint : called.finding.hint };
      const { json, shown } = returned(called.value.value);
      if (json !== null) return { message: words.acceptedBadEscape(`decodeSegments(${JSON.stringify(path)})`, shown, escape), expected: "null", hint: words.badEscapeHint, rule: RULES.percentEncoding };
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// parseQuery(query), called directly.

/** A query with every rule in it: "+", UTF-8, a repeated key, a key alone, an empty pair, %26, %3D. */
function queryCase(ctx: CheckContext): { query: string; want: Record<string, string[]>; wrong: Array<{ got: Record<string, string[]>; says: string; hint: string; rule?: Rule }> } {
  const [a, b, c] = [ctx.rng.word(3), ctx.rng.word(3), ctx.rng.word(4)];
  const query = `q=caf%C3%A9+au+lait&tag=${a}&tag=${b}&${c}&&x=1%262&eq=1%3D2=3`;
  const want = { q: ["café au lait"], tag: [a, b], [c]: [""], x: ["1&2"], eq: ["1=2=3"] };
  const wrong = [
    { got: { ...want, q: ["café+au+lait"] }, says: words.plusKept, hint: words.plusHint, rule: RULES.formPlus },
    { got: { ...want, tag: [b] }, says: words.lastValueWins, hint: words.listHint },
    { got: { ...want, tag: [a] }, says: words.firstValueWins, hint: words.listHint },
    { got: Object.fromEntries(Object.entries(want).filter(([key]) => key !== c)), says: words.bareKeyDropped, hint: words.bareKeyHint },
    { got: { ...want, "": [""] }, says: words.emptyPairKept, hint: words.emptyPairHint },
    { got: { ...want, x: ["1"], "2": [""] }, says: words.decodedBeforeQuerySplit, hint: words.querySplitFirstHint, rule: RULES.querySplitFirst },
    { got: { ...want, eq: ["1=2"], "2": [""] }, says: words.decodedBeforeQuerySplit, hint: words.querySplitFirstHint, rule: RULES.querySplitFirst },
    { got: { ...want, eq: ["1"] }, says: words.cutAtEveryEquals, hint: words.firstEqualsHint },
  ];
  return { query, want, wrong };
}

export const queryUnitParse: Check = {
  id: "query.unit-parse",
  ...text.checks["query.unit-parse"],
  needsModule: true,
  async run(ctx) {
    const { query, want, wrong } = queryCase(ctx);
    const called = await callExport(ctx, "parseQuery", [query]);
    if ("finding" in called) return { ...called.finding, hint: called.finding.message.includes("URIError") ? words.catchHint : called.finding.hint };
    const { json, shown } = returned(called.value.value);
    if (!sameTable(json, want)) {
      const known = wrong.find((each) => sameTable(json, each.got));
      const flat = json !== null && typeof json === "object" && Object.values(json).some((value) => typeof value === "string");
      const says = known?.says ?? (flat ? words.notLists : "");
      return { message: words.unitReturned(`parseQuery(${JSON.stringify(query)})`, shown, says), expected: JSON.stringify(want), hint: known?.hint ?? (flat ? words.listHint : undefined), rule: known?.rule };
    }
    for (const bad of ["a=%zz", "a=%4", "%C3=x", "a=100%"]) {
      const badCall = await callExport(ctx, "parseQuery", [bad]);
      if ("finding" in badCall) return { ...badCall.finding, hint: badCall.finding.message.includes("URIError") ? words.catchHint : badCall.finding.hint };
      const result = returned(badCall.value.value);
      if (result.json !== null) return { message: words.acceptedBadEscape(`parseQuery(${JSON.stringify(bad)})`, result.shown, bad.replace(/^.*?(%[^=&]*).*$/, "$1")), expected: "null", hint: words.badEscapeHint, rule: RULES.percentEncoding };
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// The same over the wire.

export const queryPath: Check = {
  id: "query.path",
  ...text.checks["query.path"],
  requires: ["start"],
  async run(ctx) {
    for (const { path, want, wrong } of segmentCases(ctx).filter((each) => each.want[0] === "hello")) {
      const answer = await asked(ctx, request("GET", path));
      const fault = wrongOnWire(ctx, answer, 200, { hint: path.includes("%2F") ? words.splitFirstHint : words.decodeHint });
      if (fault) return { ...fault, message: prefixed(text.route.forPath(path), fault.message), rule: fault.rule ?? (path.includes("%2F") ? RULES.segmentsFirst : undefined) };
      const body = answer.response!.body.toString("utf8");
      const greeting = `Hello, ${want[1]}!`;
      if (body !== greeting) {
        const known = wrong.find((each) => Array.isArray(each.got) && body === `Hello, ${(each.got as string[])[1]}!`);
        return { message: words.wireGreeting(path, JSON.stringify(body), known?.says ?? ""), expected: greeting, hint: known?.hint ?? words.decodeHint, rule: known?.rule, ...evidence(ctx, answer) };
      }
    }
    // An escaped letter is the letter (RFC 3986 §2.3): /%61bout is /about.
    const about = await asked(ctx, request("GET", "/%61bout"));
    const fault = wrongOnWire(ctx, about, 200, { hint: words.routeDecodedHint });
    if (fault) return { ...fault, message: prefixed(text.route.forPath("/%61bout"), fault.message) };
    return null;
  },
};

export const querySearch: Check = {
  id: "query.search",
  ...text.checks["query.search"],
  requires: ["start"],
  async run(ctx) {
    const { query, want, wrong } = queryCase(ctx);
    for (const [target, table] of [
      [`/search?${query}`, want],
      ["/search", {}],
    ] as const) {
      const answer = await asked(ctx, request("GET", target));
      const fault = wrongOnWire(ctx, answer, 200);
      if (fault) return { ...fault, message: prefixed(text.route.forPath(target), fault.message) };
      const response = answer.response!;
      const body = response.body.toString("utf8");
      const expected = JSON.stringify({ path: "/search", query: table });
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch (error) {
        return { message: words.notJson(target, (error as Error).message), expected, hint: words.searchHint, ...evidence(ctx, answer) };
      }
      const record = parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
      if (record.path !== "/search") return { message: words.searchPath(target, JSON.stringify(record.path ?? null)), expected, hint: words.searchHint, ...evidence(ctx, answer) };
      if (!sameTable(record.query, table)) {
        const known = wrong.find((each) => sameTable(record.query, each.got));
        return { message: words.searchQuery(target, JSON.stringify(record.query ?? null), known?.says ?? ""), expected, hint: known?.hint ?? words.searchHint, rule: known?.rule, ...evidence(ctx, answer) };
      }
      const type = header(response, "content-type") ?? "";
      if (!/^application\/json\s*(;|$)/i.test(type)) return { message: words.searchType(type), expected: "Content-Type: application/json", hint: words.searchHint, ...evidence(ctx, answer) };
    }
    return null;
  },
};

export const queryBadEscape: Check = {
  id: "query.bad-escape",
  ...text.checks["query.bad-escape"],
  requires: ["start"],
  async run(ctx) {
    const targets = [...BAD_ESCAPES.map((escape) => `/hello/${escape}`), "/search?q=100%", "/search?q=%E2%82"];
    for (const target of targets) {
      const answer = await asked(ctx, request("GET", target));
      const fault = wrongOnWire(ctx, answer, 400, { hint: words.badEscapeWireHint });
      if (fault) return { ...fault, message: prefixed(text.route.forPath(target), fault.message), rule: fault.rule ?? RULES.percentEncoding };
    }
    // The look-alike: a percent sign, escaped, is a percent sign.
    const fine = await asked(ctx, request("GET", "/hello/100%25"));
    const fault = wrongOnWire(ctx, fine, 200, { hint: words.escapedPercentHint });
    if (fault) return { ...fault, message: prefixed(text.route.forPath("/hello/100%25"), fault.message) };
    const body = fine.response!.body.toString("utf8");
    if (body !== "Hello, 100%!") return { message: words.wireGreeting("/hello/100%25", JSON.stringify(body), ""), expected: "Hello, 100%!", hint: words.escapedPercentHint, ...evidence(ctx, fine) };
    return stillServes(ctx, words.afterBadEscape);
  },
};


