/**
 * Phase 7: request headers read right (parseHeaders, /user-agent, /headers), the heads a server
 * must refuse (400, 431), and the fields every response carries (Date, Server, Content-Type,
 * Content-Length, Connection).
 */
import { WireConnection, exchange, type Segment } from "../wire.ts";
import { header, isCompleteResponse, readResponse, type ParsedResponse } from "../http-reader.ts";
import { RULES, type Rule } from "../http-rules.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { KEEP_ALIVE_FROM_PHASE, ask, evidence, inPieces, prefixed, randomPath, replyTimeout, whyNoResponse, writeAfterClose, type Asked } from "./common.ts";
import { callExport } from "./parse.ts";
import { stillServes } from "./reactions.ts";
import { asked, request, wrongOnWire } from "./route.ts";

const words = text.headers;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The contract's numbers and routes, as the checks ask for them (the lesson states the same). */
export const HEADERS_CONTRACT = {
  userAgent: "/user-agent",
  headers: "/headers",
  /** A head this big (request line and line ends included) must be served. */
  servedHeadBytes: 16 * 1024,
  /** A server's limit is at most this: a bigger head gets 431. */
  maxLimitBytes: 64 * 1024,
  /** The longest target the server parses: a longer one gets 414. */
  maxTargetBytes: 8 * 1024,
  /** A target this long is parsed (RFC 9112 §3 recommends request lines of 8000 octets at least). */
  servedTargetBytes: 8000,
  /** The whole head must have come this long after the connection opened; then the server closes. */
  headTimeoutMs: 1000,
  /** After its answer, the server reads (and drops) what still comes for this long, then closes. */
  drainMs: 1000,
};

/** JSON, with the spaces that are not ASCII's written as \uNNNN: shown raw, a no-break space looks like a space. */
function shown(value: unknown): string {
  return (JSON.stringify(value) ?? String(value)).replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A request head from its lines (request line first), with the empty line that ends it. */
function headOf(lines: string[], end = "\r\n"): string {
  return lines.join(end) + end + end;
}

/** An object of strings (what parseHeaders and /headers give), or null. */
function stringRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** What the fields sent should read as, and how each classic mistake would read them instead. */
interface Expectation {
  fields: Record<string, string>;
  /** For a field: the wrong values and what each says about the mistake. */
  wrong: Record<string, Array<{ value: string; says: string; hint: string; rule?: Rule }>>;
  /** A name as it was sent in mixed case, to name the case mistake with. */
  mixedCase: string;
}

/**
 * Compares what the server made of the fields with what they are. Null when equal; else the first
 * difference, said as the mistake that makes it where one is known.
 */
function fieldsFinding(got: Record<string, unknown>, want: Expectation, said: string): { message: string; hint?: string; rule?: Rule } | null {
  const names = Object.keys(got);
  const upper = names.find((name) => name !== name.toLowerCase());
  if (upper) return { message: words.keptCase(said, upper), hint: words.caseHint, rule: RULES.fieldNamesCaseless };
  // Own keys only, here and below: "constructor" in {} is true.
  for (const [name, value] of Object.entries(want.fields)) {
    const gotValue = Object.hasOwn(got, name) ? got[name] : undefined;
    if (gotValue === value) continue;
    if (INHERITED_NAMES.includes(name)) return { message: words.inheritedName(said, name, gotValue === undefined ? null : shown(gotValue)), hint: words.inheritedHint, rule: RULES.anyTokenIsAName };
    if (gotValue === undefined) return { message: words.missingField(said, name), hint: name === want.mixedCase.toLowerCase() ? words.caseHint : undefined };
    if (Array.isArray(gotValue)) return { message: words.listValue(said, name), hint: words.joinHint, rule: RULES.combineFields };
    if (typeof gotValue === "string" && gotValue.replace(/^[ \t]+|[ \t]+$/g, "") === value) {
      return { message: words.wrongValue(said, name, shown(gotValue), shown(value), words.notTrimmed), hint: words.trimHint, rule: RULES.fieldValueTrim };
    }
    if (typeof gotValue === "string" && value !== value.trim() && gotValue === value.trim()) {
      return { message: words.wrongValue(said, name, shown(gotValue), shown(value), words.trimmedTooMuch), hint: words.trimHint, rule: RULES.fieldValueTrim };
    }
    const known = want.wrong[name]?.find((each) => each.value === gotValue);
    if (known) return { message: words.wrongValue(said, name, shown(gotValue), shown(value), known.says), hint: known.hint, rule: known.rule };
    return { message: words.wrongValue(said, name, shown(gotValue), shown(value), "") };
  }
  const extra = names.find((name) => !Object.hasOwn(want.fields, name));
  if (extra !== undefined) return { message: words.extraField(said, extra), hint: words.extraHint };
  return null;
}

/** Names that a map made with {} already has (from Object.prototype): each is a field name like any other. */
const INHERITED_NAMES = ["constructor", "__proto__"];

/**
 * The fields of a head with a value that has colons, a mixed-case name, a repeated field, a value
 * that ends in a no-break space (U+00A0: part of the value, not whitespace around it), and two
 * names that a map made with {} inherits.
 */
function probeFields(ctx: CheckContext, host: string): { lines: string[]; want: Expectation } {
  const agent = `lab-checker/${ctx.rng.word(3)} (probe: ${ctx.rng.word(4)})`;
  const tags = [ctx.rng.word(4), ctx.rng.word(4), ctx.rng.word(4)];
  const nbsp = `${ctx.rng.word(4)}\u00a0`;
  const [object, proto] = [ctx.rng.word(4), ctx.rng.word(4)];
  const lines = [`hOsT: ${host}`, `uSeR-aGeNt: \t${agent}  `, `X-Tag: ${tags[0]}`, "Accept: */*", `x-tag: ${tags[1]}`, `X-TAG: ${tags[2]}`, `X-Nbsp: \t${nbsp} `, `constructor: ${object}`, `__proto__: ${proto}`];
  // fromEntries: in an object literal, "__proto__": … would set the prototype, not a key.
  const fields: Record<string, string> = Object.fromEntries([
    ["host", host],
    ["user-agent", agent],
    ["x-tag", tags.join(", ")],
    ["accept", "*/*"],
    ["x-nbsp", nbsp],
    ["constructor", object],
    ["__proto__", proto],
  ]);
  const cut = { says: words.cutAtColon, hint: words.firstColonHint };
  const wrong: Expectation["wrong"] = {
    host: [{ value: host.split(":")[0]!, ...cut }],
    "user-agent": [
      { value: agent.split(":")[0]!.trim(), ...cut },
    ],
    "x-tag": [
      { value: tags[2]!, says: words.lastWins, hint: words.joinHint, rule: RULES.combineFields },
      { value: tags[0]!, says: words.firstWins, hint: words.joinHint, rule: RULES.combineFields },
      { value: tags.join(","), says: words.joinedWithoutSpace, hint: words.joinHint, rule: RULES.combineFields },
    ],
  };
  return { lines, want: { fields, wrong, mixedCase: "uSeR-aGeNt" } };
}

function shortCall(name: string, input: string): string {
  const call = shown(input);
  return `${name}(${call.length > 90 ? call.slice(0, 90) + "…\"" : call})`;
}

export const headersUnitParse: Check = {
  id: "headers.unit-parse",
  ...text.checks["headers.unit-parse"],
  needsModule: true,
  async run(ctx) {
    const { lines, want } = probeFields(ctx, "127.0.0.1:8000");
    const input = ["GET /headers HTTP/1.1", ...lines].join("\r\n");
    const called = await callExport(ctx, "parseHeaders", [input]);
    if ("finding" in called) return { ...called.finding, sent: input };
    const call = shortCall("parseHeaders", input);
    const value = called.value.value;
    const got = typeof value === "object" && "json" in value ? stringRecord(value.json) : null;
    if (!got) {
      const returned = typeof value === "string" ? JSON.stringify(value) : Buffer.isBuffer(value) ? text.parse.aBuffer(value.length) : value.other;
      return { message: words.notAnObject(call, returned), sent: input, expected: shown(want.fields) };
    }
    const found = fieldsFinding(got, want, words.unitShown(call, shown(got)));
    return found && { ...found, sent: input, expected: shown(want.fields) };
  },
};

/** Heads a server must refuse, each with the rule that says so; obs-fold may be refused or unfolded. */
const MALFORMED: Array<{ what: string; line: string; rule: Rule }> = [
  { what: words.noColon, line: "X-No-Colon-Here", rule: RULES.fieldLineSyntax },
  { what: words.spaceBeforeColon, line: "X-Spaced : 1", rule: RULES.noSpaceBeforeColonRequest },
  { what: words.notToken, line: "X[1]: 2", rule: RULES.fieldLineSyntax },
  { what: words.emptyName, line: ": 3", rule: RULES.fieldLineSyntax },
];
const FOLDED = { line: "X-Folded: part-a\r\n  see: also", unfolded: /^part-a +see: also$/ };
/** A NUL and a bare CR inside a value: RFC 9110 §5.5 lets a server refuse the head (400) or read each as a space. */
const CONTROLS = [
  { what: words.nulInValue, line: "X-Test: val\0ue" },
  { what: words.crInValue, line: "X-Test: val\rue" },
];
const CONTROL_REPLACED = "val ue";

/** Whether parseHeaders' result (or /headers' JSON) kept a NUL or CR in X-Test: not null, and not "val ue". */
function controlKept(json: unknown): boolean {
  if (json === null) return false;
  const record = stringRecord(json);
  return !(record && record["x-test"] === CONTROL_REPLACED);
}

export const headersUnitMalformed: Check = {
  id: "headers.unit-malformed",
  ...text.checks["headers.unit-malformed"],
  needsModule: true,
  requires: ["headers.unit-parse"],
  async run(ctx) {
    const start = "GET / HTTP/1.1\r\nHost: localhost\r\n";
    for (const { what, line, rule } of MALFORMED) {
      const input = start + line;
      const called = await callExport(ctx, "parseHeaders", [input]);
      if ("finding" in called) return { ...called.finding, sent: input };
      const value = called.value.value;
      const json = typeof value === "object" && "json" in value ? value.json : undefined;
      if (json !== null) {
        const returned = json === undefined ? (typeof value === "string" ? JSON.stringify(value) : text.parse.aBuffer(Buffer.isBuffer(value) ? value.length : 0)) : JSON.stringify(json);
        return { message: words.acceptedMalformed(shortCall("parseHeaders", input), returned, what), sent: input, expected: "null", rule, hint: words.malformedHint(what) };
      }
    }
    const folded = start + FOLDED.line;
    const called = await callExport(ctx, "parseHeaders", [folded]);
    if ("finding" in called) return { ...called.finding, sent: folded };
    const value = called.value.value;
    const json = typeof value === "object" && "json" in value ? value.json : undefined;
    const record = stringRecord(json);
    if (json !== null && !(record && typeof record["x-folded"] === "string" && FOLDED.unfolded.test(record["x-folded"]) && !("see" in record))) {
      return { message: words.foldMisread(shortCall("parseHeaders", folded), JSON.stringify(json) ?? String(json)), sent: folded, expected: words.foldExpected, rule: RULES.obsFoldRequest, hint: words.foldHint };
    }
    for (const { what, line } of CONTROLS) {
      const input = start + line;
      const called = await callExport(ctx, "parseHeaders", [input]);
      if ("finding" in called) return { ...called.finding, sent: input };
      const value = called.value.value;
      const json = typeof value === "object" && "json" in value ? value.json : undefined;
      if (controlKept(json)) {
        return { message: words.controlKept(shortCall("parseHeaders", input), JSON.stringify(json) ?? String(json), what), sent: input, expected: words.controlUnitExpected, rule: RULES.nulCrInValue, hint: words.controlHint };
      }
    }
    // The look-alike: an empty value is a well-formed field.
    const empty = start + "X-Empty:";
    const emptyCall = await callExport(ctx, "parseHeaders", [empty]);
    if ("finding" in emptyCall) return { ...emptyCall.finding, sent: empty };
    const emptyValue = emptyCall.value.value;
    const emptyRecord = typeof emptyValue === "object" && "json" in emptyValue ? stringRecord(emptyValue.json) : null;
    if (!emptyRecord || emptyRecord["x-empty"] !== "") {
      return { message: words.refusedEmptyValue(shortCall("parseHeaders", empty), JSON.stringify(emptyRecord) ?? "null"), sent: empty, expected: "{\"host\":\"localhost\",\"x-empty\":\"\"}", hint: words.emptyValueHint };
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// The same reading over the wire.

export const headersUserAgent: Check = {
  id: "headers.user-agent",
  ...text.checks["headers.user-agent"],
  requires: ["start"],
  async run(ctx) {
    const agent = `lab-checker/${ctx.rng.word(3)} (probe: ${ctx.rng.word(4)})`;
    const decoy = `decoy-${ctx.rng.word(5)}`;
    const lines = [`GET ${HEADERS_CONTRACT.userAgent} HTTP/1.1`, "Host: localhost", `X-Original-User-Agent: ${decoy}`, `uSeR-aGeNt: \t${agent}  `, "Accept: */*"];
    const answer = await asked(ctx, headOf(lines));
    const wrong = wrongOnWire(ctx, answer, 200, { body: false });
    if (wrong) return { ...wrong, message: prefixed(text.route.forPath(HEADERS_CONTRACT.userAgent), wrong.message) };
    const body = answer.response!.body.toString("utf8");
    if (body !== agent) {
      const why =
        body === ""
          ? { says: words.uaEmpty, hint: words.caseHint, rule: RULES.fieldNamesCaseless }
          : body === decoy
            ? { says: words.uaDecoy, hint: words.substringHint }
            : body.trim() === agent
              ? { says: words.notTrimmed, hint: words.trimHint, rule: RULES.fieldValueTrim }
              : body === agent.split(":")[0]!.trim()
                ? { says: words.cutAtColon, hint: words.firstColonHint }
                : { says: "", hint: undefined };
      return { message: words.uaBody(JSON.stringify(body), why.says), expected: agent, hint: why.hint, rule: why.rule, ...evidence(ctx, answer) };
    }
    const type = header(answer.response!, "content-type") ?? "";
    if (!/^text\/plain\b/i.test(type)) return { message: words.uaType(type), expected: "Content-Type: text/plain; charset=utf-8", ...evidence(ctx, answer) };
    return null;
  },
};

export const headersJson: Check = {
  id: "headers.json",
  ...text.checks["headers.json"],
  requires: ["start"],
  async run(ctx) {
    const { lines, want } = probeFields(ctx, `127.0.0.1:${ctx.port}`);
    const note = `${ctx.rng.word(2)}:${ctx.rng.word(2)}:${ctx.rng.word(2)}`;
    want.fields["x-note"] = note;
    const request = headOf([`GET ${HEADERS_CONTRACT.headers} HTTP/1.1`, ...lines, `X-Note:   ${note}   `]);
    // In two pieces, cut inside a field: the fields are read from the whole head, not one read.
    const segments = inPieces(request, [request.indexOf("X-Tag") + 3], 100);
    const answer = await ask(ctx, segments);
    const wrong = wrongOnWire(ctx, answer, 200);
    if (wrong) return { ...wrong, message: prefixed(text.route.forPath(HEADERS_CONTRACT.headers), wrong.message) };
    const response = answer.response!;
    const body = response.body.toString("utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return { message: words.notJson((error as Error).message), expected: shown(want.fields), hint: words.jsonHint, ...evidence(ctx, answer) };
    }
    const got = stringRecord(parsed);
    if (!got) return { message: words.jsonNotObject(body.slice(0, 80)), expected: shown(want.fields), hint: words.jsonHint, ...evidence(ctx, answer) };
    const found = fieldsFinding(got, want, words.wireShown);
    if (found) return { ...found, expected: shown(want.fields), ...evidence(ctx, answer) };
    const type = header(response, "content-type") ?? "";
    if (!/^application\/json\s*(;|$)/i.test(type)) return { message: words.jsonType(type), expected: "Content-Type: application/json", hint: words.jsonHint, ...evidence(ctx, answer) };
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// The fields of every response.

/** IMF-fixdate (RFC 9110 §5.6.7): "Tue, 01 Dec 2026 16:50:34 GMT". */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** A response's Date, read, with the checker's clock on both sides of the exchange. */
interface Dated {
  answer: Asked;
  /** The Date in ms since 1970, or null when there is none or it is not an IMF-fixdate. */
  date: number | null;
  raw: string | undefined;
  sentAt: number;
  gotAt: number;
}

async function datedAnswer(ctx: CheckContext): Promise<Dated> {
  const sentAt = Date.now();
  const answer = await asked(ctx, request("GET", "/about"));
  const gotAt = Date.now();
  const raw = answer.response ? header(answer.response, "date") : undefined;
  const date = raw !== undefined && IMF_FIXDATE.test(raw.trim()) ? Date.parse(raw) : null;
  return { answer, date, raw, sentAt, gotAt };
}

/**
 * The fields a response lacks of the ones every response carries (Content-Type only with a body).
 * Connection: close is one of them until phase 11; from then on only a response that ends the
 * connection (`closes`) says it (the Connection rule is judged apart, by connectionFinding).
 */
function missingFields(response: ParsedResponse, hasBody: boolean, kept: boolean): Array<{ field: string; rule: Rule; hint: string }> {
  const missing: Array<{ field: string; rule: Rule; hint: string }> = [];
  const date = header(response, "date");
  if (date === undefined) missing.push({ field: "Date", rule: RULES.dateRequired, hint: words.dateHint });
  else if (!IMF_FIXDATE.test(date.trim())) missing.push({ field: words.dateFormat(date), rule: RULES.dateFormat, hint: words.dateFormatHint });
  if (!(header(response, "server") ?? "").trim()) missing.push({ field: "Server", rule: RULES.serverField, hint: words.serverHint });
  if (header(response, "content-length") === undefined) missing.push({ field: "Content-Length", rule: RULES.contentLengthWanted, hint: words.lengthHint });
  if (hasBody && !(header(response, "content-type") ?? "").trim()) missing.push({ field: "Content-Type", rule: RULES.contentTypeField, hint: words.typeHint });
  if (!kept && !/\bclose\b/i.test(header(response, "connection") ?? "")) missing.push({ field: "Connection: close", rule: RULES.connectionClose, hint: words.connectionHint });
  return missing;
}

/** Phase 11 on: a refused head says close; any other answer to an HTTP/1.1 request without close does not. */
function connectionFinding(response: ParsedResponse, label: string, refused: boolean): Pick<Finding, "message" | "rule" | "hint"> | null {
  const close = (header(response, "connection") ?? "").split(",").some((token) => token.trim().toLowerCase() === "close");
  if (refused && !close) return { message: words.refusedNotClose(label), rule: RULES.closeAfterClose, hint: words.refusedCloseHint };
  if (!refused && close) return { message: words.saidCloseToKept(label), rule: RULES.persistentDefault, hint: words.keptCloseHint };
  return null;
}

export const headersEveryResponse: Check = {
  id: "headers.every-response",
  ...text.checks["headers.every-response"],
  requires: ["start"],
  async run(ctx) {
    // The first exchange is kept: 7.x (Date) compares it with a later one.
    const first = await ctx.memo("headers.first-date", () => datedAnswer(ctx));
    const unknown = randomPath(ctx);
    // A second draw, unused: the run's later words (from the same seed) stay as they were recorded.
    randomPath(ctx);
    const probes: Array<{ label: string; answer: () => Promise<Asked>; head?: boolean; refused?: boolean }> = [
      { label: "GET /about", answer: async () => first.answer },
      { label: `GET ${unknown}`, answer: () => asked(ctx, request("GET", unknown)) },
      { label: "POST /about", answer: () => asked(ctx, request("POST", "/about")) },
      { label: "HEAD /about", answer: () => asked(ctx, request("HEAD", "/about"), "HEAD"), head: true },
      { label: words.badLineLabel, answer: () => asked(ctx, "GET /\r\nHost: localhost\r\n\r\n"), refused: true },
    ];
    const kept = ctx.phase.number >= KEEP_ALIVE_FROM_PHASE;
    for (const probe of probes) {
      const answer = await probe.answer();
      const why = whyNoResponse(ctx, answer);
      if (why) return { ...why, message: prefixed(words.forProbe(probe.label), why.message) };
      const response = answer.response!;
      const hasBody = probe.head ? true : response.body.length > 0;
      const missing = missingFields(response, hasBody, kept);
      const expected = kept ? words.everyResponseExpectedKept(new Date().toUTCString()) : words.everyResponseExpected(new Date().toUTCString());
      if (missing.length > 0) {
        return {
          message: words.missing(probe.label, missing.map((each) => each.field)),
          expected,
          rule: missing[0]!.rule,
          hint: missing[0]!.hint,
          ...evidence(ctx, answer),
        };
      }
      const connection = kept ? connectionFinding(response, probe.label, probe.refused === true) : null;
      if (connection) return { ...connection, expected, ...evidence(ctx, answer) };
    }
    return null;
  },
};

/** headers.every-response from phase 11 on: the same check, titled for kept connections. */
export const headersEveryResponseKept: Check = { ...headersEveryResponse, ...text.checks["headers.every-response-kept"] };

const KOLKATA_OFFSET_MS = 5.5 * 3600 * 1000;

export const headersDate: Check = {
  id: "headers.date",
  background: true,
  ...text.checks["headers.date"],
  requires: ["headers.every-response"],
  async run(ctx) {
    const first = await ctx.memo("headers.first-date", () => datedAnswer(ctx));
    // A second answer at least 1.1 s after the first: its Date must have moved on.
    const wait = first.gotAt + 1100 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const second = await datedAnswer(ctx);
    const why = whyNoResponse(ctx, second.answer);
    if (why) return why;
    if (first.date === null || second.date === null) {
      return { message: words.dateUnreadable(second.raw ?? first.raw ?? ""), rule: RULES.dateFormat, hint: words.dateFormatHint, ...evidence(ctx, second.answer) };
    }
    const apart = ((second.sentAt - first.sentAt) / 1000).toFixed(1);
    if (second.date <= first.date) {
      return { message: words.dateFrozen(first.raw!.trim(), second.raw!.trim(), apart), expected: words.dateMovedOnExpected(first.raw!.trim(), new Date(second.sentAt).toUTCString()), hint: words.dateFrozenHint, rule: RULES.dateRequired, ...evidence(ctx, second.answer) };
    }
    // Whole seconds: the Date may be up to 1 s before the request went out, and not after the answer came.
    const low = Math.floor(second.sentAt / 1000) * 1000 - 1000;
    const high = second.gotAt + 1000;
    if (second.date < low || second.date > high) {
      const offsetMs = second.date - second.gotAt;
      const local = Math.abs(Math.abs(offsetMs) - KOLKATA_OFFSET_MS) < 120_000;
      return {
        message: local ? words.dateLocal(second.raw!.trim(), new Date(second.gotAt).toUTCString()) : words.dateOff(second.raw!.trim(), new Date(second.gotAt).toUTCString(), Math.round(offsetMs / 1000)),
        expected: words.dateExpected(new Date(second.gotAt).toUTCString()),
        hint: local ? words.dateLocalHint : words.dateFrozenHint,
        rule: RULES.dateFormat,
        ...evidence(ctx, second.answer),
      };
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// Heads a server must refuse, and their look-alikes that it must serve.

export const headersBad: Check = {
  id: "headers.bad",
  ...text.checks["headers.bad"],
  requires: ["start"],
  async run(ctx) {
    const cases: Array<{ what: string; lines: string[]; rule: Rule; hint?: string }> = [
      ...MALFORMED.map(({ what, line, rule }) => ({ what, lines: ["GET /about HTTP/1.1", "Host: localhost", line], rule })),
      { what: words.noHost, lines: ["GET /about HTTP/1.1", "User-Agent: lab-checker"], rule: RULES.hostRequired },
      { what: words.twoHosts, lines: ["GET /about HTTP/1.1", "Host: localhost", `Host: ${ctx.rng.word(5)}.example`], rule: RULES.hostRequired },
      // One Host, but not host[:port]: what a URL has before the host (user@), after it (a path), or two hosts joined.
      ...[words.hostUserinfo, words.hostPath, words.hostList].map((what, i) => ({
        what,
        lines: ["GET /about HTTP/1.1", `Host: ${["user@127.0.0.1", "127.0.0.1/path", "a, b"][i]}`],
        rule: RULES.hostValid,
        hint: words.hostValueHint,
      })),
    ];
    for (const { what, lines, rule, hint } of cases) {
      const wrong = wrongOnWire(ctx, await asked(ctx, headOf(lines)), 400, { hint: hint ?? words.malformedHint(what) });
      if (wrong) return { ...wrong, message: prefixed(words.forHeadWith(what), wrong.message), rule: wrong.rule ?? rule };
    }
    // Look-alikes: well-formed heads that a server too eager to refuse turns away.
    const good: Array<{ what: string; lines: string[] }> = [
      { what: words.http10NoHost, lines: ["GET /about HTTP/1.0", "User-Agent: lab-checker"] },
      { what: words.emptyValue, lines: ["GET /about HTTP/1.1", "Host: localhost", "X-Empty:", "X-Colons: a:b::c"] },
      { what: words.hostIpv6, lines: ["GET /about HTTP/1.1", `Host: [::1]:${ctx.port}`] },
      // RFC 9112 §3.2: a client whose target has no authority MUST send Host, empty.
      { what: words.hostEmpty, lines: ["GET /about HTTP/1.1", "Host:"] },
    ];
    for (const { what, lines } of good) {
      const wrong = wrongOnWire(ctx, await asked(ctx, headOf(lines)), 200, { hint: words.lookAlikeHint(what) });
      if (wrong) return { ...wrong, message: prefixed(words.forHeadWith(what), wrong.message) };
    }
    return stillServes(ctx, words.afterBad);
  },
};

export const headersObsFold: Check = {
  id: "headers.obs-fold",
  ...text.checks["headers.obs-fold"],
  requires: ["start"],
  async run(ctx) {
    const answer = await asked(ctx, headOf([`GET ${HEADERS_CONTRACT.headers} HTTP/1.1`, "Host: localhost", FOLDED.line]));
    const why = whyNoResponse(ctx, answer);
    if (why) return why;
    const response = answer.response!;
    if (response.statusLine?.status === 400) return null;
    let json: unknown = null;
    try {
      json = JSON.parse(response.body.toString("utf8"));
    } catch {
      // Not JSON: said below with the status.
    }
    const record = stringRecord(json);
    if (response.statusLine?.status === 200 && record && typeof record["x-folded"] === "string" && FOLDED.unfolded.test(record["x-folded"]) && !("see" in record)) return null;
    const asField = record && "see" in record;
    return {
      message: asField ? words.foldAsField : words.foldWire(response.statusLine?.status ?? null, record ? JSON.stringify(record["x-folded"] ?? null) : null),
      expected: words.foldExpected,
      rule: RULES.obsFoldRequest,
      hint: words.foldHint,
      ...evidence(ctx, answer),
    };
  },
};

export const headersControls: Check = {
  id: "headers.controls",
  ...text.checks["headers.controls"],
  requires: ["start"],
  async run(ctx) {
    for (const { what, line } of CONTROLS) {
      const answer = await asked(ctx, headOf([`GET ${HEADERS_CONTRACT.headers} HTTP/1.1`, "Host: localhost", line]));
      const why = whyNoResponse(ctx, answer);
      if (why) return why;
      const response = answer.response!;
      const status = response.statusLine?.status ?? null;
      if (status === 400) continue;
      let json: unknown;
      try {
        json = JSON.parse(response.body.toString("utf8"));
      } catch {
        // Not JSON: said below with the status.
      }
      if (status === 200 && !controlKept(json)) continue;
      const value = stringRecord(json)?.["x-test"];
      return {
        message: words.controlWire(what, status, typeof value === "string" ? JSON.stringify(value) : null),
        expected: words.controlWireExpected,
        rule: RULES.nulCrInValue,
        hint: words.controlHint,
        ...evidence(ctx, answer),
      };
    }
    return null;
  },
};

/** A head of exactly `size` bytes: GET /about with one long field, as a big cookie is. */
function paddedHead(size: number): string {
  const start = `GET /about HTTP/1.1\r\nHost: localhost\r\nUser-Agent: lab-checker\r\nCookie: fill=`;
  return start + "a".repeat(size - start.length - 4) + "\r\n\r\n";
}

/** Heads just over every limit the contract allows (64 KiB), and far over it, in one write. */
const BOUNDARY_HEAD_BYTES = 66_000;
const FLOOD_HEAD_BYTES = 1024 * 1024;

/**
 * The answer to a head over the limit: `status` (431, or 414/501 for a request line too long),
 * with a body, then the server's close, not a reset. Null when so. The server answers before
 * the rest of the head has come: that is not answering early here, it is the point.
 */
function tooBigFinding(ctx: CheckContext, answer: Asked, status: number, what: { label: string; hint: string; rule: Rule; expected: string }): Finding | null {
  // A reset before the FIN, or after it (a server closes for good, and the bytes still coming bounce).
  if (answer.result.ending === "server-reset" || (answer.result.connection?.resetAtMs ?? null) !== null) {
    const got = answer.response?.statusLine?.status ?? null;
    const note = got === null ? text.common.ending.serverResetNothing : text.common.ending.serverReset;
    return { message: prefixed(what.label, words.resetAfterAnswer(got)), expected: words.resetExpected(status), rule: RULES.closeInStages, hint: words.resetHint, ...evidence(ctx, answer), receivedNote: note };
  }
  const whole = { ...answer, result: { ...answer.result, reactedEarly: false } };
  const wrong = wrongOnWire(ctx, whole, status, { hint: what.hint });
  return wrong && { ...wrong, message: prefixed(what.label, wrong.message), expected: what.expected, rule: wrong.rule ?? what.rule };
}


export const headersBig: Check = {
  id: "headers.big",
  ...text.checks["headers.big"],
  requires: ["start"],
  async run(ctx) {
    const served = paddedHead(HEADERS_CONTRACT.servedHeadBytes);
    const small = await ask(ctx, inPieces(served, [4096], 50));
    const status = small.response?.statusLine?.status;
    if (status === 431) return { message: words.limitTooSmall(served.length), expected: words.servedExpected, hint: words.limitTooSmallHint, rule: RULES.headLimitFloor, ...evidence(ctx, small) };
    const wrong = wrongOnWire(ctx, small, 200, { body: false });
    if (wrong) return { ...wrong, message: prefixed(words.forBigHead(served.length), wrong.message) };
    const tooBig = { hint: words.tooBigHint, rule: RULES.fieldsTooLarge, expected: words.tooBigExpected };
    // Far over the limit, in one write: the client is still sending when the 431 goes out, and a
    // server that closes at once (socket.destroy()) resets the connection, whatever the reads.
    const flood = paddedHead(FLOOD_HEAD_BYTES);
    const flooded = await ask(ctx, [{ data: flood }], { afterAnswer: writeAfterClose });
    if (flooded.response?.statusLine?.status === 200) {
      return { message: words.servedTooBig(flood.length), expected: words.tooBigExpected, hint: words.tooBigHint, rule: RULES.headLimitFloor, ...evidence(ctx, flooded) };
    }
    const floodWrong = tooBigFinding(ctx, flooded, 431, { label: words.forBigHead(flood.length), ...tooBig });
    if (floodWrong) return floodWrong;
    // Over every limit allowed, and its first 64 KiB alone in one read: a limit tested only while
    // the end has not come, or with > where >= is meant, lets the rest in as a head that fits.
    const cut = paddedHead(BOUNDARY_HEAD_BYTES);
    const cutAnswer = await ask(ctx, inPieces(cut, [HEADERS_CONTRACT.maxLimitBytes], 50));
    if (cutAnswer.response?.statusLine?.status === 200) {
      return { message: words.servedAfterCut(cut.length, HEADERS_CONTRACT.maxLimitBytes), expected: words.tooBigExpected, hint: words.cutHint, rule: RULES.headLimitFloor, ...evidence(ctx, cutAnswer) };
    }
    const cutWrong = tooBigFinding(ctx, cutAnswer, 431, { label: words.forBigHead(cut.length), ...tooBig });
    if (cutWrong) return cutWrong;
    return stillServes(ctx, words.afterBig);
  },
};

export const headersLongLine: Check = {
  id: "headers.long-line",
  ...text.checks["headers.long-line"],
  requires: ["headers.big"],
  async run(ctx) {
    const query = (bytes: number): string => `/about?q=${"a".repeat(bytes - "/about?q=".length)}`;
    // The look-alike first: a long target the server must still parse.
    const servedTarget = query(HEADERS_CONTRACT.servedTargetBytes);
    const served = await asked(ctx, headOf([`GET ${servedTarget} HTTP/1.1`, "Host: localhost"]));
    const refused = wrongOnWire(ctx, served, 200, { hint: words.longTargetServedHint });
    if (refused) return { ...refused, message: prefixed(words.forTarget(servedTarget.length), refused.message) };
    const probes: Array<{ label: string; request: string; status: number; hint: string; rule: Rule; expected: string }> = [
      // A whole head, well under the head limit, with a target over the longest the server parses.
      { label: words.forTarget(12 * 1024), request: headOf([`GET ${query(12 * 1024)} HTTP/1.1`, "Host: localhost"]), status: 414, hint: words.longTargetHint, rule: RULES.targetTooLong, expected: words.statusExpected(414) },
      // The request line alone is over the head limit: its target, or its method.
      { label: words.forTarget(100 * 1024), request: headOf([`GET ${query(100 * 1024)} HTTP/1.1`, "Host: localhost"]), status: 414, hint: words.longLineHint, rule: RULES.targetTooLong, expected: words.statusExpected(414) },
      { label: words.forMethod(100 * 1000), request: headOf([`${"A".repeat(100 * 1000)} / HTTP/1.1`, "Host: localhost"]), status: 501, hint: words.longMethodHint, rule: RULES.methodTooLong, expected: words.statusExpected(501) },
    ];
    for (const probe of probes) {
      const answer = await asked(ctx, probe.request);
      const wrong = tooBigFinding(ctx, answer, probe.status, probe);
      if (wrong) return wrong;
    }
    return stillServes(ctx, words.afterLongLine);
  },
};

/** How much of a head that never ends the checker sends before it gives up on an answer. */
// Enough that a server busy on a loaded machine has time to answer while it still comes.
const ENDLESS_BYTES = 8 * 1024 * 1024;
const ENDLESS_PIECE = 64 * 1024;

export const headersEndless: Check = {
  id: "headers.endless",
  alone: true,
  ...text.checks["headers.endless"],
  requires: ["headers.big"],
  async run(ctx) {
    const start = `GET ${HEADERS_CONTRACT.userAgent} HTTP/1.1\r\nHost: localhost\r\nX-Endless: `;
    const piece = Buffer.alloc(ENDLESS_PIECE, "a");
    const segments: Segment[] = [{ data: start }, ...Array.from({ length: ENDLESS_BYTES / ENDLESS_PIECE }, () => ({ data: piece, pauseMs: 5 }))];
    const before = ctx.server?.memory() ?? null;
    const result = await exchange({
      host: ctx.host,
      port: ctx.port,
      segments,
      until: (bytes) => isCompleteResponse(bytes),
      replyTimeoutMs: 2000,
      lingerMs: 200,
    });
    const after = ctx.server?.memory() ?? null;
    const grewMiB = before && after ? Math.max(0, (after.peakKiB - before.peakKiB) / 1024) : null;
    // The evidence shows the start of what was sent, not 2 MiB of "a".
    const summary = {
      ...evidence(ctx, { result, segments: [] }),
      sent: Buffer.from(`${start}aaaa… (${result.reactedEarly ? result.sentWhenReacted : result.sent.length} bytes)`),
      tryIt: words.endlessTryIt(`(printf '${start.replaceAll("\r\n", "\\r\\n")}'; yes a | tr -d '\\n') | nc 127.0.0.1 ${ctx.tryPort}`),
      // What was sent is shown in short: it is not the bytes to send the reference.
      noReference: true,
    };
    if (result.connectError) return { message: text.common.couldNotConnect(result.connectError), hint: text.common.isServerRunning };
    const closed = result.ending === "server-closed" || result.ending === "server-reset";
    const response = result.received.length > 0 ? readResponse(result.received, closed) : null;
    // No answer while the checker sent, or a close with none only after more than any limit
    // allows (the server's head deadline ended it): either way the server kept collecting.
    const collected = !result.reactedEarly || (!response && result.sentWhenReacted > HEADERS_CONTRACT.maxLimitBytes + 2 * ENDLESS_PIECE);
    if (collected) {
      const status = response?.statusLine?.status ?? null;
      // Whether it ended with a FIN or a reset depends on what it had read by then: said as one.
      const ended = status === null && result.ending !== "open" ? { receivedNote: words.endlessEndedNote } : {};
      return { message: words.endlessNoAnswer(result.reactedEarly ? result.sentWhenReacted : ENDLESS_BYTES, status, grewMiB), expected: words.endlessExpected, hint: words.endlessHint, rule: RULES.fieldsTooLarge, ...summary, ...ended };
    }
    if (!response || response.statusLine?.status !== 431) {
      return { message: words.endlessNot431(result.sentWhenReacted, response?.statusLine?.status ?? null, result.ending), expected: words.endlessExpected, hint: words.endlessHint, rule: RULES.fieldsTooLarge, ...summary };
    }
    if (result.ending === "server-reset") {
      return { message: prefixed(words.forEndless, words.resetAfterAnswer(431)), expected: words.resetExpected(431), hint: words.resetHint, rule: RULES.closeInStages, ...summary };
    }
    return stillServes(ctx, words.afterEndless);
  },
};

// ---------------------------------------------------------------------------------------------
// Deadlines: a client that sends a byte at a time is let go.

/** The drip's pace: a byte every 100 ms restarts an idle timer ten times a second. */
const DRIP_EVERY_MS = 100;
/**
 * How long a dripping client may be held: the contract's 1 s, and 1 s more for a busy machine.
 * The contract's numbers are short so that this check sees them in about a second (a correct
 * server ends each wait with its close, an event); its two clients drip at the same time.
 */
const LET_GO_SLACK_MS = 1000;

/**
 * Drips a byte at a time until `letGo()` holds, a write fails (the connection is gone), or `untilMs`
 * (on the connection's clock) has passed; true when the server still holds the connection then.
 * (The pause is the drip's pace, not a wait for an event.)
 */
async function drip(connection: WireConnection, untilMs: number, letGo: () => boolean): Promise<boolean> {
  while (!letGo() && connection.elapsed() < untilMs) {
    if (!(await connection.write("a", { afterServerClosed: true }))) return false;
    await sleep(DRIP_EVERY_MS);
  }
  return !letGo();
}

type Dripped = { finding: Finding } | { letGo: true };

/** A head that never ends, a byte every 100 ms: the server must close within its head deadline. */
async function dripHead(ctx: CheckContext): Promise<Dripped> {
  const start = "GET /about HTTP/1.1\r\nHost: localhost\r\nX-Drip: ";
  const opened = await WireConnection.open(ctx.host, ctx.port);
  if (!(opened instanceof WireConnection)) return { finding: { message: text.common.couldNotConnect(opened.error), hint: text.common.isServerRunning } };
  try {
    await opened.write(start);
    const limit = HEADERS_CONTRACT.headTimeoutMs + LET_GO_SLACK_MS;
    if (!(await drip(opened, limit, () => !opened.open))) return { letGo: true };
    return {
      finding: {
        message: words.headHeld(limit),
        expected: words.headHeldExpected(HEADERS_CONTRACT.headTimeoutMs),
        hint: words.headHeldHint,
        rule: RULES.headTimeout,
        sent: Buffer.from(`${start}aaaa… (a byte every 0.1 s)`),
        received: opened.received,
        receivedNote: text.common.ending.openNothing,
        tryIt: words.dripTryIt(`(printf '${start.replaceAll("\r\n", "\\r\\n")}'; while sleep 0.1; do printf a; done) | nc 127.0.0.1 ${ctx.tryPort}`),
        noReference: true,
      },
    };
  } finally {
    opened.close();
  }
}

/** A head over every limit, its answer, then a byte every 100 ms: the server must close within its drain time. */
async function dripAfterAnswer(ctx: CheckContext): Promise<Dripped> {
  const head = `GET /about HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${"a".repeat(HEADERS_CONTRACT.maxLimitBytes)}`;
  const opened = await WireConnection.open(ctx.host, ctx.port);
  if (!(opened instanceof WireConnection)) return { finding: { message: text.common.couldNotConnect(opened.error), hint: text.common.isServerRunning } };
  try {
    await opened.write(head);
    const answered = await opened.waitFor((bytes) => isCompleteResponse(bytes), replyTimeout(ctx));
    // headers.big has seen this server answer such a head: without an answer there is nothing to time here.
    if (!answered && opened.received.length === 0) return { letGo: true };
    const answeredAt = opened.elapsed();
    const limit = answeredAt + HEADERS_CONTRACT.drainMs + LET_GO_SLACK_MS;
    // The answer came with the server's FIN; its full close shows as a reset of the next byte.
    if (!(await drip(opened, limit, () => opened.resetAtMs !== null))) return { letGo: true };
    return {
      finding: {
        message: words.drainHeld(limit - answeredAt),
        expected: words.drainHeldExpected(HEADERS_CONTRACT.drainMs),
        hint: words.drainHeldHint,
        rule: RULES.headTimeout,
        sent: Buffer.from(`GET /about HTTP/1.1\r\nHost: localhost\r\nX-Filler: aaaa… (${head.length} bytes), then aaaa… (a byte every 0.1 s)`),
        received: opened.received,
        receivedNote: words.drainHeldNote,
        tryIt: words.dripTryIt(`(printf 'GET /about HTTP/1.1\\r\\nHost: localhost\\r\\nX-Filler: '; printf 'a%.0s' $(seq ${HEADERS_CONTRACT.maxLimitBytes}); while sleep 0.1; do printf a; done) | nc 127.0.0.1 ${ctx.tryPort}`),
        noReference: true,
      },
    };
  } finally {
    opened.close();
  }
}

export const headersDeadlines: Check = {
  id: "headers.deadlines",
  background: true,
  ...text.checks["headers.deadlines"],
  requires: ["headers.big"],
  async run(ctx) {
    // Both clients at once: the check takes about a second, not two.
    const [head, drain] = await Promise.all([dripHead(ctx), dripAfterAnswer(ctx)]);
    if ("finding" in head) return head.finding;
    if ("finding" in drain) return drain.finding;
    return stillServes(ctx, words.afterDeadlines);
  },
};
