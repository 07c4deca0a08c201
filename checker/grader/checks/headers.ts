/**
 * Phase 7: request headers read right (parseHeaders, /user-agent, /headers), the heads a server
 * must refuse (400, 431), and the fields every response carries (Date, Server, Content-Type,
 * Content-Length, Connection).
 */
import { exchange, type Segment } from "../wire.ts";
import { header, isCompleteResponse, readResponse, type ParsedResponse } from "../http-reader.ts";
import { RULES, type Rule } from "../http-rules.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { ask, evidence, inPieces, prefixed, randomPath, whyNoResponse, type Asked } from "./common.ts";
import { callExport } from "./parse.ts";
import { stillServes } from "./reactions.ts";
import { asked, request, wrongOnWire } from "./route.ts";

const words = text.headers;

/** The contract's numbers and routes, as the checks ask for them (the lesson states the same). */
export const HEADERS_CONTRACT = {
  userAgent: "/user-agent",
  headers: "/headers",
  /** A head this big (request line and line ends included) must be served. */
  servedHeadBytes: 16 * 1024,
  /** A server's limit is at most this: a bigger head gets 431. */
  maxLimitBytes: 64 * 1024,
};

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
function fieldsFinding(got: Record<string, unknown>, want: Expectation, shown: string): { message: string; hint?: string; rule?: Rule } | null {
  const names = Object.keys(got);
  const upper = names.find((name) => name !== name.toLowerCase());
  if (upper) return { message: words.keptCase(shown, upper), hint: words.caseHint, rule: RULES.fieldNamesCaseless };
  for (const [name, value] of Object.entries(want.fields)) {
    if (!(name in got)) return { message: words.missingField(shown, name), hint: name === want.mixedCase.toLowerCase() ? words.caseHint : undefined };
    const gotValue = got[name];
    if (gotValue === value) continue;
    if (Array.isArray(gotValue)) return { message: words.listValue(shown, name), hint: words.joinHint, rule: RULES.combineFields };
    if (typeof gotValue === "string" && gotValue !== value && gotValue.replace(/^[ \t]+|[ \t]+$/g, "") === value) {
      return { message: words.wrongValue(shown, name, JSON.stringify(gotValue), JSON.stringify(value), words.notTrimmed), hint: words.trimHint, rule: RULES.fieldValueTrim };
    }
    const known = want.wrong[name]?.find((each) => each.value === gotValue);
    if (known) return { message: words.wrongValue(shown, name, JSON.stringify(gotValue), JSON.stringify(value), known.says), hint: known.hint, rule: known.rule };
    return { message: words.wrongValue(shown, name, JSON.stringify(gotValue), JSON.stringify(value), "") };
  }
  const extra = names.find((name) => !(name in want.fields));
  if (extra !== undefined) return { message: words.extraField(shown, extra), hint: words.extraHint };
  return null;
}

/** The fields of a head with a value that has colons, a mixed-case name and a repeated field. */
function probeFields(ctx: CheckContext, host: string): { lines: string[]; want: Expectation } {
  const agent = `lab-checker/${ctx.rng.word(3)} (probe: ${ctx.rng.word(4)})`;
  const tags = [ctx.rng.word(4), ctx.rng.word(4), ctx.rng.word(4)];
  const lines = [`hOsT: ${host}`, `uSeR-aGeNt: \t${agent}  `, `X-Tag: ${tags[0]}`, "Accept: */*", `x-tag: ${tags[1]}`, `X-TAG: ${tags[2]}`];
  const fields = { host, "user-agent": agent, "x-tag": tags.join(", "), accept: "*/*" };
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
  const shown = JSON.stringify(input);
  return `${name}(${shown.length > 90 ? shown.slice(0, 90) + "…\"" : shown})`;
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
      const shown = typeof value === "string" ? JSON.stringify(value) : Buffer.isBuffer(value) ? text.parse.aBuffer(value.length) : value.other;
      return { message: words.notAnObject(call, shown), sent: input, expected: JSON.stringify(want.fields) };
    }
    const found = fieldsFinding(got, want, words.unitShown(call, JSON.stringify(got)));
    return found && { ...found, sent: input, expected: JSON.stringify(want.fields) };
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
        const shown = json === undefined ? (typeof value === "string" ? JSON.stringify(value) : text.parse.aBuffer(Buffer.isBuffer(value) ? value.length : 0)) : JSON.stringify(json);
        return { message: words.acceptedMalformed(shortCall("parseHeaders", input), shown, what), sent: input, expected: "null", rule, hint: words.malformedHint(what) };
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
      return { message: words.notJson((error as Error).message), expected: JSON.stringify(want.fields), hint: words.jsonHint, ...evidence(ctx, answer) };
    }
    const got = stringRecord(parsed);
    if (!got) return { message: words.jsonNotObject(body.slice(0, 80)), expected: JSON.stringify(want.fields), hint: words.jsonHint, ...evidence(ctx, answer) };
    const found = fieldsFinding(got, want, words.wireShown);
    if (found) return { ...found, expected: JSON.stringify(want.fields), ...evidence(ctx, answer) };
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

/** The fields a response lacks of the ones every response carries (Content-Type only with a body). */
function missingFields(response: ParsedResponse, hasBody: boolean): Array<{ field: string; rule: Rule; hint: string }> {
  const missing: Array<{ field: string; rule: Rule; hint: string }> = [];
  const date = header(response, "date");
  if (date === undefined) missing.push({ field: "Date", rule: RULES.dateRequired, hint: words.dateHint });
  else if (!IMF_FIXDATE.test(date.trim())) missing.push({ field: words.dateFormat(date), rule: RULES.dateFormat, hint: words.dateFormatHint });
  if (!(header(response, "server") ?? "").trim()) missing.push({ field: "Server", rule: RULES.serverField, hint: words.serverHint });
  if (header(response, "content-length") === undefined) missing.push({ field: "Content-Length", rule: RULES.contentLengthWanted, hint: words.lengthHint });
  if (hasBody && !(header(response, "content-type") ?? "").trim()) missing.push({ field: "Content-Type", rule: RULES.contentTypeField, hint: words.typeHint });
  if (!/\bclose\b/i.test(header(response, "connection") ?? "")) missing.push({ field: "Connection: close", rule: RULES.connectionClose, hint: words.connectionHint });
  return missing;
}

export const headersEveryResponse: Check = {
  id: "headers.every-response",
  ...text.checks["headers.every-response"],
  requires: ["start"],
  async run(ctx) {
    // The first exchange is kept: 7.x (Date) compares it with a later one.
    const first = await ctx.memo("headers.first-date", () => datedAnswer(ctx));
    const probes: Array<{ label: string; answer: () => Promise<Asked>; head?: boolean }> = [
      { label: "GET /about", answer: async () => first.answer },
      { label: `GET ${randomPath(ctx)}`, answer: () => asked(ctx, request("GET", randomPath(ctx))) },
      { label: "POST /about", answer: () => asked(ctx, request("POST", "/about")) },
      { label: "HEAD /about", answer: () => asked(ctx, request("HEAD", "/about"), "HEAD"), head: true },
      { label: words.badLineLabel, answer: () => asked(ctx, "GET /\r\nHost: localhost\r\n\r\n") },
    ];
    for (const probe of probes) {
      const answer = await probe.answer();
      const why = whyNoResponse(ctx, answer);
      if (why) return { ...why, message: prefixed(words.forProbe(probe.label), why.message) };
      const response = answer.response!;
      const hasBody = probe.head ? true : response.body.length > 0;
      const missing = missingFields(response, hasBody);
      if (missing.length > 0) {
        return {
          message: words.missing(probe.label, missing.map((each) => each.field)),
          expected: words.everyResponseExpected(new Date().toUTCString()),
          rule: missing[0]!.rule,
          hint: missing[0]!.hint,
          ...evidence(ctx, answer),
        };
      }
    }
    return null;
  },
};

const KOLKATA_OFFSET_MS = 5.5 * 3600 * 1000;

export const headersDate: Check = {
  id: "headers.date",
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
      return { message: words.dateFrozen(first.raw!.trim(), second.raw!.trim(), apart), expected: words.dateExpected(new Date(second.sentAt).toUTCString()), hint: words.dateFrozenHint, rule: RULES.dateRequired, ...evidence(ctx, second.answer) };
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
    const cases: Array<{ what: string; lines: string[]; rule: Rule }> = [
      ...MALFORMED.map(({ what, line, rule }) => ({ what, lines: ["GET /about HTTP/1.1", "Host: localhost", line], rule })),
      { what: words.noHost, lines: ["GET /about HTTP/1.1", "User-Agent: lab-checker"], rule: RULES.hostRequired },
      { what: words.twoHosts, lines: ["GET /about HTTP/1.1", "Host: localhost", `Host: ${ctx.rng.word(5)}.example`], rule: RULES.hostRequired },
    ];
    for (const { what, lines, rule } of cases) {
      const wrong = wrongOnWire(ctx, await asked(ctx, headOf(lines)), 400, { hint: words.malformedHint(what) });
      if (wrong) return { ...wrong, message: prefixed(words.forHeadWith(what), wrong.message), rule: wrong.rule ?? rule };
    }
    // Look-alikes: well-formed heads that a server too eager to refuse turns away.
    const good: Array<{ what: string; lines: string[] }> = [
      { what: words.http10NoHost, lines: ["GET /about HTTP/1.0", "User-Agent: lab-checker"] },
      { what: words.emptyValue, lines: ["GET /about HTTP/1.1", "Host: localhost", "X-Empty:", "X-Colons: a:b::c"] },
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

/** A head of exactly `size` bytes: GET /user-agent with one long field, as a big cookie is. */
function paddedHead(size: number): string {
  const start = `GET ${HEADERS_CONTRACT.userAgent} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: lab-checker\r\nCookie: fill=`;
  return start + "a".repeat(size - start.length - 4) + "\r\n\r\n";
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
    const tooBig = paddedHead(HEADERS_CONTRACT.maxLimitBytes + 6 * 1024);
    const big = await ask(ctx, [{ data: tooBig }]);
    if (big.response?.statusLine?.status === 200) {
      return { message: words.servedTooBig(tooBig.length), expected: words.tooBigExpected, hint: words.tooBigHint, rule: RULES.headLimitFloor, ...evidence(ctx, big) };
    }
    const not431 = wrongOnWire(ctx, big, 431, { hint: words.tooBigHint });
    if (not431) return { ...not431, message: prefixed(words.forBigHead(tooBig.length), not431.message), expected: words.tooBigExpected, hint: words.tooBigHint, rule: not431.rule ?? RULES.fieldsTooLarge };
    return stillServes(ctx, words.afterBig);
  },
};

/** How much of a head that never ends the checker sends before it gives up on an answer. */
// Enough that a server busy on a loaded machine has time to answer while it still comes.
const ENDLESS_BYTES = 8 * 1024 * 1024;
const ENDLESS_PIECE = 64 * 1024;

export const headersEndless: Check = {
  id: "headers.endless",
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
    const shown = {
      ...evidence(ctx, { result, segments: [] }),
      sent: Buffer.from(`${start}aaaa… (${result.reactedEarly ? result.sentWhenReacted : result.sent.length} bytes)`),
      tryIt: words.endlessTryIt(`(printf '${start.replaceAll("\r\n", "\\r\\n")}'; yes a | tr -d '\\n') | nc 127.0.0.1 ${ctx.tryPort}`),
      // What was sent is shown in short: it is not the bytes to send the reference.
      noReference: true,
    };
    if (result.connectError) return { message: text.common.couldNotConnect(result.connectError), hint: text.common.isServerRunning };
    const closed = result.ending === "server-closed" || result.ending === "server-reset";
    const response = result.received.length > 0 ? readResponse(result.received, closed) : null;
    if (!result.reactedEarly) {
      const status = response?.statusLine?.status ?? null;
      return { message: words.endlessNoAnswer(ENDLESS_BYTES, status, grewMiB), expected: words.endlessExpected, hint: words.endlessHint, rule: RULES.fieldsTooLarge, ...shown };
    }
    if (!response || response.statusLine?.status !== 431) {
      return { message: words.endlessNot431(result.sentWhenReacted, response?.statusLine?.status ?? null, result.ending), expected: words.endlessExpected, hint: words.endlessHint, rule: RULES.fieldsTooLarge, ...shown };
    }
    return stillServes(ctx, words.afterEndless);
  },
};
