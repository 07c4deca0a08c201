/**
 * Phase 8: percent-decoding of the path, segment by segment and once; query strings read as
 * forms are (split first, decode after, "+" a space); 400 for an escape that does not decode,
 * after 501 and before 404; 400 (or RFC 9112 §3's 301) for a character no target may hold; and
 * the absolute form (http://host/path), served as its path.
 */
import { header } from "../http-reader.ts";
import { RULES, type Rule } from "../http-rules.ts";
import type { Check, CheckContext } from "../../types.ts";
import { text } from "../../text.ts";
import { ask, evidence, prefixed, type Asked } from "./common.ts";
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
  // Own keys only: "constructor" is in every object literal, by its prototype.
  return keys.length === Object.keys(want).length && keys.every((key) => Object.hasOwn(want, key) && same(table[key], want[key]));
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
    // %3F is a "?" inside a segment: the query starts at the first raw "?" only.
    {
      path: `/hello/${word}%3F${word}`,
      want: ["hello", `${word}?${word}`],
      wrong: [
        { got: ["hello", word], says: words.cutAfterDecoding, hint: words.cutFirstHint, rule: RULES.segmentsFirst },
        { got: ["hello", `${word}%3F${word}`], says: words.decodeUriKept("%3F"), hint: words.decodeUriHint },
      ],
    },
    {
      path: `/hello/${word}%2F${word}`,
      want: ["hello", `${word}/${word}`],
      wrong: [
        { got: ["hello", word, word], says: words.decodedBeforeSplit, hint: words.splitFirstHint, rule: RULES.segmentsFirst },
        { got: ["hello", `${word}%2F${word}`], says: words.decodeUriKept("%2F"), hint: words.decodeUriHint },
      ],
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

interface QueryCase {
  query: string;
  want: Record<string, string[]>;
  /** How the classic mistakes read this query, and what each says. */
  wrong: Array<{ got: Record<string, string[]>; says: string; hint: string; rule?: Rule }>;
  /** What a mistake that refuses this query (null, a 400) or fails on it (throws, a 500) says. */
  refused?: { says: string; hint: string; rule?: Rule };
  failed?: { says: string; hint: string; rule?: Rule };
}

/** A query with every rule in it: "+", UTF-8, a repeated key, a key alone, an empty pair, %26, %3D. */
function queryCase(ctx: CheckContext): QueryCase {
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
    { got: { ...want, x: ["1%262"], eq: ["1%3D2=3"] }, says: words.decodeUriKept("%26"), hint: words.decodeUriHint },
  ];
  return { query, want, wrong };
}

/** The traps, each alone: a mistake that passes the big case above falls into one of these. */
function queryTraps(): QueryCase[] {
  return [
    // A real plus, sent as %2B, next to a space sent as "+".
    { query: "sum=1%2B1&sum=1+1", want: { sum: ["1+1", "1 1"] }, wrong: [{ got: { sum: ["1 1", "1 1"] }, says: words.plusAfterDecoding, hint: words.plusFirstHint, rule: RULES.formPlus }] },
    { query: "q=%2541", want: { q: ["%41"] }, wrong: [{ got: { q: ["A"] }, says: words.queryDecodedTwice, hint: words.queryOnceHint, rule: RULES.decodeOnce }] },
    { query: "q=100%25", want: { q: ["100%"] }, wrong: [], refused: { says: words.percentDecodedTwice, hint: words.queryOnceHint, rule: RULES.decodeOnce } },
    // Keys that a plain {} already has, by its prototype (Object.fromEntries makes them own keys here).
    {
      query: "__proto__=x&constructor=y",
      want: Object.fromEntries([
        ["__proto__", ["x"]],
        ["constructor", ["y"]],
      ]),
      wrong: [{ got: { constructor: ["y"] }, says: words.protoKeyLost, hint: words.protoHint }],
      failed: { says: words.protoThrew, hint: words.protoHint },
    },
  ];
}

export const queryUnitParse: Check = {
  id: "query.unit-parse",
  ...text.checks["query.unit-parse"],
  needsModule: true,
  async run(ctx) {
    for (const { query, want, wrong, refused, failed } of [queryCase(ctx), ...queryTraps()]) {
      const called = await callExport(ctx, "parseQuery", [query]);
      if ("finding" in called) {
        const { finding } = called;
        if (failed && finding.status !== "error") return { ...finding, message: `${finding.message.replace(/(?<![.!?])$/, ".")} ${failed.says}`, hint: failed.hint };
        return { ...finding, hint: finding.message.includes("URIError") ? words.catchHint : finding.hint };
      }
      const { json, shown } = returned(called.value.value);
      if (sameTable(json, want)) continue;
      const call = `parseQuery(${JSON.stringify(query)})`;
      if (json === null && refused) return { message: words.unitReturned(call, shown, refused.says), expected: JSON.stringify(want), hint: refused.hint, rule: refused.rule };
      const known = wrong.find((each) => sameTable(json, each.got));
      const flat = json !== null && typeof json === "object" && Object.values(json).some((value) => typeof value === "string");
      const says = known?.says ?? (flat ? words.notLists : "");
      return { message: words.unitReturned(call, shown, says), expected: JSON.stringify(want), hint: known?.hint ?? (flat ? words.listHint : undefined), rule: known?.rule };
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
    const cases: QueryCase[] = [queryCase(ctx), { query: "", want: {}, wrong: [] }, ...queryTraps()];
    for (const { query, want: table, wrong, refused, failed } of cases) {
      const target = query === "" ? "/search" : `/search?${query}`;
      const answer = await asked(ctx, request("GET", target));
      const fault = wrongOnWire(ctx, answer, 200);
      if (fault) {
        // A query this case is a trap for: a 400 (refused) or a 500 (failed) says which.
        const status = answer.response?.statusLine?.status;
        const known = status === 400 ? refused : status === 500 ? failed : undefined;
        const message = prefixed(text.route.forPath(target), fault.message);
        return { ...fault, message: known ? `${message} ${known.says}` : message, hint: known?.hint ?? fault.hint, rule: fault.rule ?? known?.rule };
      }
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
    // The order: the method first (501), then the target (400), then the routes (404).
    const nowhere = `/${ctx.rng.word(6)}`;
    for (const [method, target, status] of [
      ["GET", `${nowhere}/%zz`, 400],
      ["GET", `${nowhere}?q=%zz`, 400],
      ["HEAD", `${nowhere}/%zz`, 400],
      ["BREW", "/hello/%zz", 501],
    ] as const) {
      const answer = await asked(ctx, request(method, target), method);
      const fault = wrongOnWire(ctx, answer, status, { body: method !== "HEAD", hint: status === 501 ? words.methodFirstHint : words.badEscapeWireHint });
      if (fault) {
        const got = answer.response?.statusLine?.status;
        const says = status === 400 && got === 404 ? words.routedBeforeEscapes : status === 501 && got === 400 ? words.escapesBeforeMethod : "";
        const message = prefixed(text.route.forRequest(method, target), fault.message);
        return { ...fault, message: says ? `${message} ${says}` : message, rule: fault.rule ?? (status === 501 ? RULES.methodCase : RULES.percentEncoding) };
      }
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



// ---------------------------------------------------------------------------------------------
// The target itself: the characters it may hold, and the absolute form.

/** The bytes as a report's "sent" shows them, escapes and all (\\ for a backslash), but every byte over 127 as \xNN. */
function shownBytes(bytes: Buffer): string {
  const shown = (byte: number): string => (byte === 0x5c ? "\\\\" : byte > 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).toUpperCase().padStart(2, "0")}`);
  return [...bytes].map(shown).join("");
}

/** The characters RFC 3986 lets a path and a query hold (and "%", which starts an escape). */
const TARGET_CHARACTER = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/;

/** The target properly encoded (RFC 9112 §3's 301): each byte no target may hold as %XX. */
function encodedTarget(bytes: Buffer): string {
  return [...bytes].map((byte) => (TARGET_CHARACTER.test(String.fromCharCode(byte)) && byte < 0x80 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`)).join("");
}

/** Targets no client may send, each with what is wrong in it; a server that routes them greets or searches. */
function invalidTargets(): Array<{ target: Buffer; why: string }> {
  const latin1 = (target: string): Buffer => Buffer.from(target, "latin1");
  return [
    { target: latin1("/hello/a#b"), why: words.fragmentSent },
    { target: latin1("/search?q=a#frag"), why: words.fragmentSent },
    { target: latin1("/hello/a\0b"), why: words.controlByte },
    { target: latin1("/hello/caf\xc3\xa9"), why: words.rawUtf8 },
    { target: latin1("/hello/\xc0\xaf"), why: words.rawNotUtf8 },
    { target: latin1("/hello/a\\b"), why: words.backslash },
  ];
}

/** Null when the answer is 400 with a body, or 301 with the target properly encoded in Location. */
function invalidTargetFault(ctx: CheckContext, answer: Asked, target: Buffer): ReturnType<typeof wrongOnWire> {
  const want = encodedTarget(target);
  const response = answer.response;
  if (response?.statusLine?.status === 301) {
    // Location may be the path alone or the whole URL: compare its path and query, escapes in any case.
    const location = header(response, "location") ?? "";
    const path = location.replace(/^https?:\/\/[^/?#]*/i, "");
    const escapesUpper = (text: string): string => text.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
    if (escapesUpper(path) === want) return null;
    return { message: words.wrongRedirect(location, want), expected: words.invalidTargetExpected(want), hint: words.targetCharsHint, rule: RULES.invalidTarget, ...evidence(ctx, answer) };
  }
  const fault = wrongOnWire(ctx, answer, 400, { hint: words.targetCharsHint });
  // Another status: say both answers the RFC allows.
  const status = response?.statusLine?.status;
  return fault && status !== undefined && status !== 400 ? { ...fault, expected: words.invalidTargetExpected(want) } : fault;
}

export const queryTargetChars: Check = {
  id: "query.target-chars",
  ...text.checks["query.target-chars"],
  requires: ["start"],
  async run(ctx) {
    for (const { target, why } of invalidTargets()) {
      const bytes = Buffer.from(request("GET", target.toString("latin1")), "latin1");
      const answer = await ask(ctx, [{ data: bytes }]);
      const fault = invalidTargetFault(ctx, answer, target);
      if (fault) {
        // What is wrong with the target, once the server has answered something.
        const answered = Boolean(answer.response?.statusLine);
        return { ...fault, message: prefixed(text.route.forPath(shownBytes(target)), answered ? `${fault.message} ${why}` : fault.message), rule: fault.rule ?? RULES.invalidTarget };
      }
    }
    return stillServes(ctx, words.afterInvalidTarget);
  },
};

export const queryAbsoluteForm: Check = {
  id: "query.absolute-form",
  ...text.checks["query.absolute-form"],
  requires: ["start"],
  async run(ctx) {
    // This server's own address: the absolute form names this very server, so no other answer fits.
    const origin = `http://${ctx.host}:${ctx.port}`;
    const about = await asked(ctx, request("GET", "/about"));
    const target = `${origin}/about`;
    const answer = await asked(ctx, request("GET", target));
    const fault = wrongOnWire(ctx, answer, 200, { hint: words.absoluteHint });
    if (fault) {
      const got = answer.response?.statusLine?.status;
      const says = got === 400 ? words.absoluteRefused : got === 404 ? words.absoluteNotStripped : "";
      const message = prefixed(text.route.forPath(target), fault.message);
      return { ...fault, message: says ? `${message} ${says}` : message, rule: fault.rule ?? RULES.absoluteForm };
    }
    if (about.response && !answer.response!.body.equals(about.response.body)) {
      return { message: words.absoluteOtherPage(target), expected: about.response.body.toString("utf8"), hint: words.absoluteHint, rule: RULES.absoluteForm, ...evidence(ctx, answer) };
    }
    // The path and the query of an absolute target, read as they are in a path alone.
    const search = `${origin}/search?q=a+b`;
    const searched = await asked(ctx, request("GET", search));
    const searchFault = wrongOnWire(ctx, searched, 200, { hint: words.absoluteHint });
    if (searchFault) return { ...searchFault, message: prefixed(text.route.forPath(search), searchFault.message), rule: searchFault.rule ?? RULES.absoluteForm };
    const expected = JSON.stringify({ path: "/search", query: { q: ["a b"] } });
    const body = searched.response!.body.toString("utf8");
    let record: { path?: unknown; query?: unknown } = {};
    try {
      record = JSON.parse(body) ?? {};
    } catch {
      // Not JSON: the comparison below says what came.
    }
    if (record.path !== "/search" || !sameTable(record.query, { q: ["a b"] })) {
      return { message: words.absoluteSearch(search, body), expected, hint: words.absoluteHint, rule: RULES.absoluteForm, ...evidence(ctx, searched) };
    }
    return null;
  },
};
