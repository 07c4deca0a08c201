/**
 * Phase 10: request bodies. Content-Length read as digits only; the body read by its length,
 * however the reads cut it, and nothing after it; the framing refused before a byte of body is
 * read (400, 413, 501) and the connection then closed; Expect: 100-continue; POST /api/echo (the
 * same JSON value back) and POST /api/form (a form as JSON); and real clients posting.
 */
import http from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isDeepStrictEqual } from "node:util";
import { header, readResponse, type ParsedResponse } from "../http-reader.ts";
import { RULES } from "../http-rules.ts";
import { curlName, runCurl } from "../curl.ts";
import { MAX_KEPT_BYTES, WireConnection, type Segment } from "../wire.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { ask, evidence, prefixed, replyTimeout, throughOwnConnections, whyNoResponse, writeAfterClose, type Asked } from "./common.ts";
import { callExport } from "./parse.ts";
import { wrongOnWire as wrongOnWireLower } from "./route.ts";
import { cappedBytes } from "./respond.ts";

const words = text.post;

/** wrongOnWire with its message begun as a sentence ("The answer was 400, …"): prefixed() lowers it again after a prefix. */
function wrongOnWire(...args: Parameters<typeof wrongOnWireLower>): Finding | null {
  const wrong = wrongOnWireLower(...args);
  return wrong && { ...wrong, message: wrong.message.charAt(0).toUpperCase() + wrong.message.slice(1) };
}

/** What the contract fixes: the routes, the least every server reads, what the checker asks to be refused. */
export const POST_CONTRACT = {
  echo: "/api/echo",
  form: "/api/form",
  json: "application/json",
  formType: "application/x-www-form-urlencoded",
  /** Every server reads a body this big. */
  leastBodyBytes: 1024 * 1024,
  /** A Content-Length this big is over every server's limit. */
  tooBigBytes: 64 * 1024 * 1024,
  /** How long curl waits for a 100 Continue before it sends the body anyway. */
  curlExpectWaitMs: 1000,
};

/** A request's head with the checker's usual fields; `fields` come last, in order, as given. */
function head(method: string, target: string, fields: string[], version = "HTTP/1.1"): string {
  return `${method} ${target} ${version}\r\nHost: localhost\r\nUser-Agent: http-lab-checker\r\n${fields.map((field) => `${field}\r\n`).join("")}\r\n`;
}

/** A POST of `body` with its Content-Type and, unless `length` says otherwise, its length in bytes. */
function post(target: string, body: Buffer | string, options: { type?: string | null; length?: string[]; more?: string[]; version?: string } = {}): { head: string; body: Buffer } {
  const bytes = Buffer.from(body);
  const type = options.type === undefined ? POST_CONTRACT.json : options.type;
  const lengths = options.length ?? [String(bytes.length)];
  const fields = [...(type === null ? [] : [`Content-Type: ${type}`]), ...lengths.map((value) => `Content-Length: ${value}`), ...(options.more ?? [])];
  return { head: head("POST", target, fields, options.version), body: bytes };
}

const whole = (request: { head: string; body: Buffer }): Segment[] => [{ data: Buffer.concat([Buffer.from(request.head), request.body]) }];

/** The value a JSON body holds, or undefined when it holds none. */
function parsed(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** At most `limit` characters of a JSON text, for a message. */
function shortJson(value: unknown, limit = 120): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > limit ? `${json.slice(0, limit)}…` : json;
}

const isJsonType = (response: ParsedResponse): boolean => (header(response, "content-type") ?? "").split(";")[0]!.trim().toLowerCase() === POST_CONTRACT.json;

/**
 * Null when the answer is 200, JSON, and holds `want`. Otherwise a finding; `why` names the causes
 * that fit a wrong value or a refusal, for the check that knows how this body was sent.
 */
function judgeEcho(
  ctx: CheckContext,
  answer: Asked,
  want: unknown,
  why: { early?: string; refused?: string; differs?: string; hint?: string; differsMessage?: (got: string, want: string) => string } = {},
): Finding | null {
  // A 100 Continue to a request without Expect: the checker's client, like most, takes it for an early answer.
  if (answer.result.reactedEarly && (answer.response?.interim.length ?? 0) > 0) {
    return { message: words.unaskedContinueEarly, expected: words.unaskedContinueExpected, hint: words.unaskedContinueHint, rule: RULES.continueOnlyWhenAsked, ...evidence(ctx, answer) };
  }
  if (answer.result.reactedEarly && why.early) {
    return { message: words.answeredEarly(answer.result.sentWhenReacted, answer.result.sent.length) + why.early, expected: words.echoExpected, hint: why.hint, ...evidence(ctx, answer) };
  }
  const status = answer.response?.statusLine?.status;
  const wrong = wrongOnWire(ctx, answer, 200);
  if (wrong && (status === 404 || status === 405)) return { ...wrong, message: `${wrong.message} ${words.noEchoRoute}`, hint: words.noEchoRouteHint };
  if (wrong && status !== undefined && status !== 200 && why.refused) return { ...wrong, message: `${wrong.message} ${why.refused}`, hint: why.hint ?? wrong.hint };
  if (wrong) return wrong;
  const response = answer.response!;
  if (!isJsonType(response)) return { message: words.notJsonType(header(response, "content-type") ?? null), expected: `Content-Type: ${POST_CONTRACT.json}`, hint: words.jsonTypeHint, ...evidence(ctx, answer) };
  const got = parsed(response.body);
  if (got === undefined) return { message: words.echoNotJson, expected: words.echoExpected, ...evidence(ctx, answer) };
  if (!isDeepStrictEqual(got, want)) {
    return { message: (why.differsMessage ?? words.echoDiffers)(shortJson(got), shortJson(want)) + (why.differs ? ` ${why.differs}` : ""), expected: shortJson(want, 300), hint: why.hint, ...evidence(ctx, answer) };
  }
  return null;
}

/** Null when the answer has `status` and a JSON body {"error": "..."}; `accepted` lists other statuses that pass. */
function judgeJsonError(ctx: CheckContext, answer: Asked, status: number, say: { wrong?: (got: number | null) => string | undefined; hint?: string } = {}): Finding | null {
  const got = answer.response?.statusLine?.status ?? null;
  const wrong = wrongOnWire(ctx, answer, status, { hint: say.hint });
  if (wrong) {
    const extra = got !== status ? say.wrong?.(got) : undefined;
    return extra ? { ...wrong, message: `${wrong.message} ${extra}` } : wrong;
  }
  const response = answer.response!;
  const value = parsed(response.body) as { error?: unknown } | undefined;
  if (!isJsonType(response) || typeof value !== "object" || value === null || typeof value.error !== "string") {
    return { message: words.errorNotJson(status), expected: words.errorExpected(status), hint: words.errorHint, ...evidence(ctx, answer) };
  }
  return null;
}

/** A JSON value with text outside ASCII (ü is 2 bytes in UTF-8, ✓ is 3), so bytes and characters differ. */
function sampleValue(ctx: CheckContext): { name: string; tags: string[]; n: Array<number | boolean | null>; nested: { word: string } } {
  return { name: `Jürgen ✓ ${ctx.rng.word(4)}`, tags: ["ä", "日本", ctx.rng.word(3)], n: [1, 2.5, -3, true, null], nested: { word: ctx.rng.word(6) } };
}

// ---------------------------------------------------------------------------------------------
// contentLength(value) and bodyFraming(headers), called directly.

type Returned = { json: unknown; shown: string };

function returned(value: string | Buffer | { other: string; json?: unknown }): Returned {
  if (typeof value === "string") return { json: value, shown: JSON.stringify(value) };
  if (Buffer.isBuffer(value)) return { json: undefined, shown: text.parse.aBuffer(value.length) };
  return { json: value.json, shown: value.json === undefined ? value.other : JSON.stringify(value.json) };
}

/** Lengths that are not 1*DIGIT, each with what the usual ways of reading a number make of it. */
const NOT_LENGTHS: Array<{ value: string; wrong: Array<{ got: number; says: string }> }> = [
  { value: "1e3", wrong: [{ got: 1000, says: "numberExponent" }, { got: 1, says: "parseIntPrefix" }] },
  { value: "+5", wrong: [{ got: 5, says: "numberSign" }] },
  { value: "-1", wrong: [{ got: -1, says: "negative" }] },
  { value: "0x10", wrong: [{ got: 16, says: "numberHex" }, { got: 0, says: "parseIntPrefix" }] },
  { value: "5abc", wrong: [{ got: 5, says: "parseIntPrefix" }] },
  { value: "4.0", wrong: [{ got: 4, says: "numberDecimal" }] },
  { value: "", wrong: [{ got: 0, says: "numberEmpty" }] },
  { value: "5, 6", wrong: [{ got: 5, says: "firstOfTwo" }, { got: 6, says: "lastOfTwo" }] },
];

export const postUnitLength: Check = {
  id: "post.unit-length",
  ...text.checks["post.unit-length"],
  needsModule: true,
  async run(ctx) {
    const valid: Array<[string, number[]]> = [
      ["42", [42]],
      ["0", [0]],
      ["007", [7]],
      [String(POST_CONTRACT.leastBodyBytes), [POST_CONTRACT.leastBodyBytes]],
    ];
    for (const [value, want] of valid) {
      const called = await callExport(ctx, "contentLength", [value]);
      if ("finding" in called) return called.finding;
      const got = returned(called.value.value);
      if (!want.includes(got.json as number)) {
        return { message: words.unitLengthReturned(`contentLength(${JSON.stringify(value)})`, got.shown), expected: String(want[0]), hint: value === "0" && got.json === null ? words.zeroHint : undefined };
      }
    }
    for (const { value, wrong } of NOT_LENGTHS) {
      const call = `contentLength(${JSON.stringify(value)})`;
      const called = await callExport(ctx, "contentLength", [value]);
      if ("finding" in called) return called.finding;
      const got = returned(called.value.value);
      if (got.json === null) continue;
      const known = wrong.find((each) => each.got === got.json);
      const says = known ? words.lengthMistakes[known.says as keyof typeof words.lengthMistakes] : "";
      return { message: words.unitLengthAccepted(call, got.shown, says), expected: "null", hint: words.digitsOnlyHint, rule: RULES.requestContentLength };
    }
    // The same length twice is that length, or an error: both are allowed (RFC 9110 §8.6).
    const twice = await callExport(ctx, "contentLength", ["5, 5"]);
    if ("finding" in twice) return twice.finding;
    const gotTwice = returned(twice.value.value);
    if (gotTwice.json !== 5 && gotTwice.json !== null) {
      return { message: words.unitLengthReturned('contentLength("5, 5")', gotTwice.shown), expected: words.twiceExpected, rule: RULES.oneContentLength };
    }
    return null;
  },
};

/** Heads' fields, and the framing each must get; `or` lists other answers that pass. */
const FRAMINGS: Array<{ headers: Record<string, string>; want: object; or?: object[]; says: string }> = [
  { headers: {}, want: { length: null }, says: "noLength" },
  { headers: { "content-length": "12" }, want: { length: 12 }, says: "length" },
  { headers: { "content-length": "0" }, want: { length: 0 }, says: "zero" },
  { headers: { "content-length": "1e3" }, want: { status: 400 }, says: "invalid" },
  { headers: { "content-length": String(POST_CONTRACT.tooBigBytes) }, want: { status: 413 }, says: "tooBig" },
  { headers: { "transfer-encoding": "chunked" }, want: { status: 501 }, or: [{ status: 400 }], says: "chunked" },
  { headers: { "transfer-encoding": "chunked", "content-length": "3" }, want: { status: 400 }, says: "both" },
];

export const postUnitFraming: Check = {
  id: "post.unit-framing",
  ...text.checks["post.unit-framing"],
  needsModule: true,
  requires: ["post.unit-length"],
  async run(ctx) {
    for (const { headers, want, or, says } of FRAMINGS) {
      const called = await callExport(ctx, "bodyFraming", [headers]);
      if ("finding" in called) return called.finding;
      const got = returned(called.value.value);
      if ([want, ...(or ?? [])].some((each) => isDeepStrictEqual(got.json, each))) continue;
      const reason = words.framingCases[says as keyof typeof words.framingCases];
      return { message: words.unitFramingReturned(`bodyFraming(${JSON.stringify(headers)})`, got.shown, reason), expected: JSON.stringify(want), hint: words.framingHints[says as keyof typeof words.framingHints] };
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// The echo, over the wire.

export const postEcho: Check = {
  id: "post.echo",
  ...text.checks["post.echo"],
  requires: ["start"],
  async run(ctx) {
    const value = sampleValue(ctx);
    const request = post(POST_CONTRACT.echo, JSON.stringify(value));
    const answer = await ask(ctx, whole(request));
    // A 408, or silence, when every byte of the body came: the server waits for more than Content-Length says.
    const chars = JSON.stringify(value).length;
    if (answer.response?.statusLine?.status === 408 || (answer.response === null && answer.result.timedOut)) {
      const wrong = wrongOnWire(ctx, answer, 200)!;
      return { ...wrong, message: `${wrong.message} ${words.waitedForWholeBody(request.body.length, chars)}`, hint: words.countBytesHint };
    }
    return judgeEcho(ctx, answer, value, { refused: words.refusedWholeBody, hint: words.echoHint });
  },
};

export const postBodyPieces: Check = {
  id: "post.body-pieces",
  ...text.checks["post.body-pieces"],
  requires: ["post.echo"],
  async run(ctx) {
    const value = sampleValue(ctx);
    const request = post(POST_CONTRACT.echo, JSON.stringify(value));
    // The head alone first, then the body: the head's read holds no byte of it.
    const after: Segment[] = [{ data: request.head }, { data: request.body, pauseMs: 50 }];
    const afterAnswer = await ask(ctx, after);
    const afterWrong = judgeEcho(ctx, afterAnswer, value, { early: words.tookHeadReadAsBody, refused: words.bodyAfterHeadRefused, differs: words.bodyAfterHeadDiffers, hint: words.waitForBodyHint });
    if (afterWrong) return { ...afterWrong, message: prefixed(words.forBodyAfterHead, afterWrong.message) };
    // Then in eight pieces, two of them cut inside a character: "ü" and "✓" are 2 and 3 bytes.
    // Spaces end the body (JSON allows them after the value), all in the last piece: a server that
    // turns each piece into text counts a U+FFFD (3 bytes) for each broken half, so it reaches
    // Content-Length early and loses only spaces; its answer then shows the U+FFFD, not a cut body.
    const padding = 48;
    const padded = post(POST_CONTRACT.echo, JSON.stringify(value) + " ".repeat(padding));
    const bytes = padded.body;
    const inside = [bytes.indexOf("ü") + 1, bytes.indexOf("✓") + 2];
    const cuts = [...new Set([...inside, ...[1, 2, 3, 4, 5].map((i) => Math.floor(((bytes.length - padding) * i) / 6))])].sort((a, b) => a - b);
    const points = [0, ...cuts, bytes.length];
    const pieces: Segment[] = [{ data: Buffer.concat([Buffer.from(padded.head), bytes.subarray(0, points[1])]) }];
    for (let i = 1; i < points.length - 1; i++) pieces.push({ data: bytes.subarray(points[i], points[i + 1]), pauseMs: 30 });
    const piecesAnswer = await ask(ctx, pieces);
    const mangled = (piecesAnswer.response?.body.toString("utf8") ?? "").includes("\ufffd");
    const piecesWrong = judgeEcho(ctx, piecesAnswer, value, {
      early: words.tookFirstReadsAsBody,
      refused: words.piecesRefused,
      differs: mangled ? words.decodedEachPiece : words.piecesDiffer,
      hint: mangled ? words.joinBuffersHint : words.waitForBodyHint,
    });
    return piecesWrong && { ...piecesWrong, message: prefixed(words.forPieces(pieces.length), piecesWrong.message) };
  },
};

export const postLarge: Check = {
  id: "post.large",
  ...text.checks["post.large"],
  requires: ["post.echo"],
  async run(ctx) {
    // 1 MiB, half of it a string and half the spaces JSON allows between tokens: the echo (spaces
    // dropped) stays well under what the checker keeps of an answer.
    const word = ctx.rng.word(8);
    const data = word.repeat(Math.floor(POST_CONTRACT.leastBodyBytes / 2 / word.length));
    const start = `{"data": "${data}"`;
    const body = start + " ".repeat(POST_CONTRACT.leastBodyBytes - start.length - 1) + "}";
    const request = post(POST_CONTRACT.echo, body);
    const answer = await ask(ctx, whole(request), { timeoutMs: replyTimeout(ctx, 4000) });
    // A 413 is a limit under the 1 MiB every server reads, not a body read wrong.
    const limit = answer.response?.statusLine?.status === 413;
    const wrong = judgeEcho(ctx, answer, { data }, { early: words.tookFirstReadsAsBody, refused: limit ? words.limitUnder1MiB : words.largeRefused, hint: limit ? words.limitHint : words.waitForBodyHint });
    // The try-it line makes the same 1 MiB with node, not by spelling it out (-H 'Expect:': no 100 to wait for).
    const tryIt = `node -e "const s = JSON.stringify({ data: '${word}'.repeat(${data.length / word.length}) }).slice(0, -1); process.stdout.write(s.padEnd(${POST_CONTRACT.leastBodyBytes - 1}) + '}')" | curl -s -H 'Content-Type: application/json' -H 'Expect:' --data-binary @- http://127.0.0.1:${ctx.tryPort}${POST_CONTRACT.echo} | head -c 300`;
    return wrong && { ...wrong, sent: `${request.head}${start.slice(0, 60)}… (${request.body.length} bytes of body)`, tryIt, noReference: true };
  },
};

export const postExactLength: Check = {
  id: "post.exact-length",
  ...text.checks["post.exact-length"],
  requires: ["post.echo"],
  async run(ctx) {
    // The body, then more bytes in the same write. Counted in characters, the body's length
    // reaches into them (ü and ✓ take more bytes than characters).
    const value = sampleValue(ctx);
    const request = post(POST_CONTRACT.echo, JSON.stringify(value));
    const after = `{"${ctx.rng.word(5)}": 1}`;
    const answer = await ask(ctx, [{ data: Buffer.concat([Buffer.from(request.head), request.body, Buffer.from(after)]) }]);
    const wrong = judgeEcho(ctx, answer, value, { refused: words.readPastLength, differs: words.readPastLength, hint: words.exactHint });
    return wrong && { ...wrong, rule: RULES.requestContentLength };
  },
};

export const postBadJson: Check = {
  id: "post.bad-json",
  ...text.checks["post.bad-json"],
  requires: ["post.echo"],
  async run(ctx) {
    const cases: Array<{ body: Buffer; what: string; got200?: string; got411?: string }> = [
      { body: Buffer.from(`{"name": "${ctx.rng.word(4)}",`), what: words.cutJson },
      // A 411 here: Content-Length: 0 was taken for no Content-Length (a falsy test of the length).
      { body: Buffer.alloc(0), what: words.emptyBody, got411: words.zeroAsNoBody },
      // A string with the byte FF in it: no UTF-8 text has it. toString("utf8") makes it U+FFFD.
      { body: Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xff]), Buffer.from('"}')]), what: words.notUtf8, got200: words.replacedBadByte },
    ];
    for (const { body, what, got200, got411 } of cases) {
      const answer = await ask(ctx, whole(post(POST_CONTRACT.echo, body)));
      const status = answer.response?.statusLine?.status;
      const wrong = judgeJsonError(ctx, answer, 400, {
        wrong: (got) => (got === 500 ? words.parseThrew : got === 200 ? got200 : got === 411 ? got411 : undefined),
        hint: got200 && status === 200 ? words.fatalHint : got411 && status === 411 ? words.zeroHint : words.catchHint,
      });
      if (wrong) return { ...wrong, message: prefixed(what, wrong.message) };
    }
    return null;
  },
};

export const postContentType: Check = {
  id: "post.content-type",
  ...text.checks["post.content-type"],
  requires: ["post.echo"],
  async run(ctx) {
    const value = { word: ctx.rng.word(6) };
    const json = JSON.stringify(value);
    for (const type of ["text/plain", null]) {
      const answer = await ask(ctx, whole(post(POST_CONTRACT.echo, json, { type })));
      const wrong = judgeJsonError(ctx, answer, 415, { wrong: (got) => (got === 200 ? words.typeIgnored : undefined), hint: words.typeHint });
      if (wrong) return { ...wrong, message: prefixed(type === null ? words.forNoType : words.forType(type), wrong.message), rule: RULES.unsupportedMediaType };
    }
    // A look-alike: the media type is case-insensitive, and a charset parameter may follow it.
    const lookAlike = "Application/JSON; charset=UTF-8";
    const answer = await ask(ctx, whole(post(POST_CONTRACT.echo, json, { type: lookAlike })));
    const wrong = judgeEcho(ctx, answer, value, { refused: words.lookAlikeRefused, hint: words.mediaTypeHint });
    return wrong && { ...wrong, message: prefixed(words.forType(lookAlike), wrong.message), rule: RULES.mediaTypeCaseless };
  },
};

export const postLengthRequired: Check = {
  id: "post.length-required",
  ...text.checks["post.length-required"],
  requires: ["post.echo"],
  async run(ctx) {
    const answer = await ask(ctx, [{ data: head("POST", POST_CONTRACT.echo, [`Content-Type: ${POST_CONTRACT.json}`]) }]);
    return judgeJsonError(ctx, answer, 411, { wrong: (got) => (got === 400 ? words.noLengthAsEmpty : undefined), hint: words.lengthRequiredHint });
  },
};

export const postBadLength: Check = {
  id: "post.bad-length",
  ...text.checks["post.bad-length"],
  requires: ["post.echo"],
  async run(ctx) {
    // A five-byte body that is JSON: a server that takes a wrong length for 5 echoes it.
    const body = "[1,2]";
    const invalid: string[][] = [["1e3"], ["+5"], ["-1"], ["0x5"], ["5abc"], [""], ["5, 6"], ["5", "6"]];
    for (const lengths of invalid) {
      const answer = await ask(ctx, whole(post(POST_CONTRACT.echo, body, { length: lengths })));
      const what = words.forLengths(lengths);
      const got = answer.response?.statusLine?.status;
      if (got === 200) return { message: prefixed(what, words.servedBadLength), expected: words.badLengthExpected, hint: words.badLengthHint, rule: RULES.requestContentLength, ...evidence(ctx, answer) };
      // The right 400, kept open: this rule's words (before wrongOnWire's, which are about Connection: close).
      if (got === 400 && answer.openAfterCloseMs !== null) {
        return { message: prefixed(what, words.keptOpenAfterBadLength), expected: words.badLengthExpected, hint: text.common.saidCloseStayedOpenHint, rule: RULES.requestContentLength, ...evidence(ctx, answer) };
      }
      const wrong = wrongOnWire(ctx, answer, 400, { hint: words.badLengthHint });
      // A 408, or silence: the server read a length out of the value and waited for that much body.
      const waited = got === 408 || (answer.response === null && answer.result.timedOut);
      if (wrong) return { ...wrong, message: prefixed(what, waited ? `${wrong.message} ${words.waitedForBadLength}` : wrong.message), rule: RULES.requestContentLength };
    }
    // Look-alikes: leading zeros are digits; the same length twice may be served or refused.
    const zeros = await ask(ctx, whole(post(POST_CONTRACT.echo, "[1,2,3]", { length: ["007"] })));
    const zerosWrong = judgeEcho(ctx, zeros, [1, 2, 3], { refused: words.zerosRefused, hint: words.digitsOnlyHint });
    if (zerosWrong) return { ...zerosWrong, message: prefixed(words.forLengths(["007"]), zerosWrong.message) };
    for (const lengths of [["5, 5"], ["5", "5"]]) {
      const answer = await ask(ctx, whole(post(POST_CONTRACT.echo, body, { length: lengths })));
      if (answer.response?.statusLine?.status === 400) continue;
      const wrong = judgeEcho(ctx, answer, [1, 2], { hint: words.sameTwiceHint });
      if (wrong) return { ...wrong, message: prefixed(words.forLengths(lengths), wrong.message), rule: RULES.oneContentLength };
    }
    return null;
  },
};

export const postTooLarge: Check = {
  id: "post.too-large",
  ...text.checks["post.too-large"],
  requires: ["post.echo"],
  async run(ctx) {
    // The head says 64 MiB; 256 KiB of it follow at once. The 413 is known from the head alone.
    const request = post(POST_CONTRACT.echo, "", { length: [String(POST_CONTRACT.tooBigBytes)] });
    const sentBody = Buffer.alloc(256 * 1024, "a");
    const answer = await ask(ctx, [{ data: Buffer.concat([Buffer.from(request.head), sentBody]) }], { afterAnswer: writeAfterClose });
    const shown = { ...evidence(ctx, answer), sent: `${request.head}aaaa… (${sentBody.length} bytes of the ${POST_CONTRACT.tooBigBytes} promised)`, noReference: true };
    const status = answer.response?.statusLine?.status ?? null;
    if (answer.result.ending === "server-reset" || (answer.result.connection?.resetAtMs ?? null) !== null) {
      return { ...shown, message: words.resetAfter413(status), expected: words.tooLargeExpected, hint: words.resetHint, rule: RULES.closeInStages, receivedNote: status === null ? text.common.ending.serverResetNothing : text.common.ending.serverReset };
    }
    // No answer, or a 408 once the server's own body deadline passed: it waited for the 64 MiB.
    if ((answer.response === null && answer.result.ending === "open") || status === 408) {
      return { ...shown, message: words.waitedForHugeBody(sentBody.length, status), expected: words.tooLargeExpected, hint: words.tooLargeHint, rule: RULES.contentTooLarge };
    }
    const wrong = wrongOnWire(ctx, answer, 413, { hint: words.tooLargeHint });
    if (wrong) return { ...wrong, ...shown, message: wrong.message, rule: RULES.contentTooLarge };
    return null;
  },
};

export const postTransferEncoding: Check = {
  id: "post.transfer-encoding",
  ...text.checks["post.transfer-encoding"],
  requires: ["post.echo"],
  async run(ctx) {
    // "[1]" as one chunk. Read by a Content-Length of 3 instead, the body is "3\r\n": also JSON (3).
    const chunked = "3\r\n[1]\r\n0\r\n\r\n";
    const cases: Array<{ fields: string[]; refusals: number[]; what: string; ignored: number[]; says: string }> = [
      { fields: [`Content-Type: ${POST_CONTRACT.json}`, "Transfer-Encoding: chunked"], refusals: [501, 400], what: words.forChunked, ignored: [411], says: words.chunkedIgnored },
      { fields: [`Content-Type: ${POST_CONTRACT.json}`, "Content-Length: 3", "Transfer-Encoding: chunked"], refusals: [400, 501], what: words.forBoth, ignored: [200], says: words.lengthWonOverChunked },
    ];
    for (const { fields, refusals, what, ignored, says } of cases) {
      const answer = await ask(ctx, [{ data: head("POST", POST_CONTRACT.echo, fields) + chunked }]);
      const status = answer.response?.statusLine?.status ?? null;
      // A server that reads chunked bodies (as phase 14 does) echoes [1]; then it must close, as after a refusal.
      const readChunked = status === 200 && isDeepStrictEqual(parsed(answer.response!.body), [1]);
      // A refusal (or the chunked body read), kept open: this rule's words, before wrongOnWire's about Connection: close.
      if ((readChunked || (status !== null && refusals.includes(status))) && answer.openAfterCloseMs !== null) {
        return { message: prefixed(what, words.keptOpenAfterChunked), expected: words.chunkedExpected, hint: text.common.saidCloseStayedOpenHint, rule: RULES.closeAfterTransferEncoding, ...evidence(ctx, answer) };
      }
      if (!readChunked) {
        if (status !== null && ignored.includes(status)) {
          return { message: prefixed(what, says), expected: words.chunkedExpected, hint: words.chunkedHint, rule: RULES.requestTransferEncoding, ...evidence(ctx, answer) };
        }
        const wrong = wrongOnWire(ctx, answer, status !== null && refusals.includes(status) ? status : refusals[0]!, { hint: words.chunkedHint });
        if (wrong) return { ...wrong, message: prefixed(what, wrong.message), expected: words.chunkedExpected, rule: wrong.rule ?? RULES.requestTransferEncoding };
      }
      const closed = answer.result.ending === "server-closed" || answer.result.ending === "server-reset";
      if (!closed) return { message: prefixed(what, words.keptOpenAfterChunked), expected: words.chunkedExpected, hint: text.common.saidCloseStayedOpenHint, rule: RULES.closeAfterTransferEncoding, ...evidence(ctx, answer) };
    }
    return null;
  },
};

/** Bytes that hold one whole interim or final response head, or more. */
const hasHead = (bytes: Buffer): boolean => bytes.includes("\r\n\r\n") || bytes.includes("\n\n");

export const postExpect: Check = {
  id: "post.expect",
  long: true,
  ...text.checks["post.expect"],
  requires: ["post.echo"],
  async run(ctx) {
    const value = sampleValue(ctx);
    const request = post(POST_CONTRACT.echo, JSON.stringify(value), { more: ["Expect: 100-continue"] });
    const tryIt = `curl -v -H 'Content-Type: application/json' -H 'Expect: 100-continue' --data-binary '${JSON.stringify(value)}' http://127.0.0.1:${ctx.tryPort}${POST_CONTRACT.echo}`;
    const opened = await WireConnection.open(ctx.host, ctx.port);
    if (!(opened instanceof WireConnection)) return { message: text.common.couldNotConnect(opened.error) };
    const connection = opened;
    try {
      await connection.write(request.head);
      // As long as curl waits: a 100 (or an early final answer) comes at once from a server that knows Expect.
      await connection.waitFor(hasHead, POST_CONTRACT.curlExpectWaitMs);
      const first = readResponse(connection.received, !connection.open);
      let sentBody = false;
      const shown = (): Pick<Finding, "sent" | "received" | "tryIt"> => ({ sent: Buffer.concat([Buffer.from(request.head), ...(sentBody ? [request.body] : [])]), received: connection.received, tryIt });
      if (connection.received.length === 0) {
        return { ...shown(), message: words.noContinue(POST_CONTRACT.curlExpectWaitMs / 1000), expected: words.continueExpected, hint: words.continueHint, rule: RULES.expectContinue };
      }
      if (first.interim.length === 0) {
        // A final answer before the body: allowed for a refusal known from the head, not for a body it would take.
        return { ...shown(), message: words.finalBeforeBody(first.statusLine?.status ?? null), expected: words.continueExpected, hint: words.continueHint, rule: RULES.expectContinue };
      }
      if (first.interim[0]!.status !== 100) {
        return { ...shown(), message: words.interimNot100(first.interim[0]!.status), expected: words.continueExpected, hint: words.continueHint };
      }
      sentBody = true;
      await connection.write(request.body);
      await connection.waitFor((bytes) => readResponse(bytes, false).complete, replyTimeout(ctx));
      await connection.waitForEnd(300);
      const answer = readResponse(connection.received, !connection.open);
      if (!answer.complete || answer.statusLine?.status !== 200 || !isDeepStrictEqual(parsed(answer.body), value)) {
        return { ...shown(), message: words.afterContinue(answer.statusLine?.status ?? null), expected: words.echoExpected, hint: words.continueThenBodyHint };
      }
    } finally {
      connection.close();
    }
    // HTTP/1.0 knows no 100: the server MUST ignore the expectation. The body follows a moment after the head.
    const old = post(POST_CONTRACT.echo, JSON.stringify(value), { more: ["Expect: 100-continue"], version: "HTTP/1.0" });
    const answer = await ask(ctx, [{ data: old.head }, { data: old.body, pauseMs: 50 }]);
    if (answer.response && answer.response.interim.length > 0) {
      return { message: words.continueToHttp10, expected: words.http10Expected, hint: words.http10Hint, rule: RULES.expectHttp10, ...evidence(ctx, answer) };
    }
    const wrong = judgeEcho(ctx, answer, value, {});
    return wrong && { ...wrong, message: prefixed(words.forHttp10, wrong.message) };
  },
};

export const postForm: Check = {
  id: "post.form",
  ...text.checks["post.form"],
  requires: ["post.echo"],
  async run(ctx) {
    const [a, b] = [ctx.rng.word(4), ctx.rng.word(5)];
    const body = `name=J%C3%BCrgen+${a}&lang=ts&lang=py%2B3&note=${b}%26co&empty=&flag`;
    const want = { name: [`Jürgen ${a}`], lang: ["ts", "py+3"], note: [`${b}&co`], empty: [""], flag: [""] };
    const answer = await ask(ctx, whole(post(POST_CONTRACT.form, body, { type: POST_CONTRACT.formType })));
    const status = answer.response?.statusLine?.status;
    if (status === 404 || status === 405) {
      const wrong = wrongOnWire(ctx, answer, 200)!;
      return { ...wrong, message: `${wrong.message} ${words.noFormRoute}`, hint: words.noFormRouteHint };
    }
    // %26 split a value, or %2B became a space: the form was decoded before it was split.
    const value = answer.response ? (parsed(answer.response.body) as Record<string, unknown> | undefined) : undefined;
    const decodedFirst = typeof value === "object" && value !== null && ("co" in value || isDeepStrictEqual(value.lang, ["ts", "py 3"]));
    const wrong = judgeEcho(ctx, answer, want, { differsMessage: words.formDiffers, differs: decodedFirst ? words.formDecodedFirst : undefined, hint: decodedFirst ? words.formSplitFirstHint : words.formHint });
    if (wrong) return { ...wrong, message: prefixed(words.forForm(body), wrong.message) };
    const bad = await ask(ctx, whole(post(POST_CONTRACT.form, `name=${a}%zz`, { type: POST_CONTRACT.formType })));
    const badWrong = judgeJsonError(ctx, bad, 400, { hint: words.formEscapeHint });
    if (badWrong) return { ...badWrong, message: prefixed(words.forForm(`name=${a}%zz`), badWrong.message) };
    const json = await ask(ctx, whole(post(POST_CONTRACT.form, `{"name": "${a}"}`)));
    const jsonWrong = judgeJsonError(ctx, json, 415, { hint: words.formTypeHint });
    return jsonWrong && { ...jsonWrong, message: prefixed(words.forJsonToForm, jsonWrong.message), rule: RULES.unsupportedMediaType };
  },
};

// ---------------------------------------------------------------------------------------------
// Real clients, posting.

/** The real clients run inside the checker, so their version is this Node's: reports name it. */
const THIS_NODE = `Node ${process.versions.node.split(".").slice(0, 2).join(".")}`;

export const clientCurlPost: Check = {
  id: "client.curl-post",
  ...text.checks["client.curl-post"],
  requires: ["post.echo"],
  async run(ctx) {
    // 300 KiB, sent with Expect: 100-continue, as curl does by itself for bigger bodies.
    const value = { data: ctx.rng.word(8).repeat(300 * 128), name: "Jürgen ✓" };
    const folder = mkdtempSync(path.join(tmpdir(), "http-lab-post-"));
    const file = path.join(folder, "body.json");
    writeFileSync(file, JSON.stringify(value));
    const seconds = String(Math.ceil(replyTimeout(ctx, 4000) / 1000));
    const target = `http://127.0.0.1:${ctx.port}${POST_CONTRACT.echo}`;
    const tryIt = `curl -v -H 'Content-Type: application/json' -H 'Expect: 100-continue' --data-binary @body.json http://127.0.0.1:${ctx.tryPort}${POST_CONTRACT.echo}`;
    try {
      const args = ["-sS", "-v", "--http1.1", "--max-time", seconds, "-H", `Content-Type: ${POST_CONTRACT.json}`, "-H", "Expect: 100-continue", "--data-binary", `@${file}`, "-o", "-", target];
      const outcome = await runCurl(args, Number(seconds) * 1000 + 2000);
      if (outcome.missing) return { status: "skip", message: text.respond.noCurl };
      const stderr = outcome.stderr.replaceAll(`:${ctx.port}`, `:${ctx.tryPort}`);
      if (outcome.code !== 0) return { message: text.respond.curlFailed(curlName(), outcome.code, lastLines(stderr)), tryIt };
      if (/Done waiting for 100-continue/i.test(stderr)) {
        return { message: words.curlWaited(curlName(), POST_CONTRACT.curlExpectWaitMs / 1000), expected: words.continueExpected, hint: words.continueHint, rule: RULES.expectContinue, tryIt };
      }
      const status = /< HTTP\/1\.[01] (\d{3})(?![\s\S]*< HTTP\/1\.[01] \d{3})/.exec(stderr)?.[1];
      const got = outcome.stdout.length > MAX_KEPT_BYTES ? undefined : parsed(outcome.stdout);
      if (status !== "200" || !isDeepStrictEqual(got, value)) return { message: words.clientGotOther(curlName(), status ?? "?", got === undefined ? words.notJsonBody : shortJson(got)), expected: words.echoExpected, tryIt };
      return null;
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
};

/** The last lines of curl's -v output: where it says what went wrong. */
function lastLines(stderr: string): string {
  return stderr.trim().split("\n").slice(-4).join("\n");
}

export const clientFetchPost: Check = {
  id: "client.fetch-post",
  ...text.checks["client.fetch-post"],
  requires: ["post.echo"],
  async run(ctx) {
    const value = sampleValue(ctx);
    const client = `${THIS_NODE}'s fetch`;
    const tryIt = `node -e "fetch('http://127.0.0.1:${ctx.tryPort}${POST_CONTRACT.echo}', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 'ü' }) }).then(r => r.text()).then(console.log, console.error)"`;
    try {
      const { response, body } = await throughOwnConnections(ctx, async (origin) => {
        const response = await fetch(`${origin}${POST_CONTRACT.echo}`, {
          method: "POST",
          headers: { "content-type": POST_CONTRACT.json },
          body: JSON.stringify(value),
          signal: AbortSignal.timeout(replyTimeout(ctx, 3000)),
        });
        // Capped: a server that streams without end must not fill the checker's memory before the deadline.
        return { response, body: (await cappedBytes(response)) ?? Buffer.alloc(MAX_KEPT_BYTES + 1) };
      });
      const got = body.length > MAX_KEPT_BYTES ? undefined : parsed(body);
      if (response.status !== 200 || !isDeepStrictEqual(got, value)) return { message: words.clientGotOther(client, String(response.status), got === undefined ? words.notJsonBody : shortJson(got)), expected: words.echoExpected, tryIt };
      return null;
    } catch (error) {
      const reason = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ""}` : String(error);
      // fetch knows no 100 Continue, and fails on one it did not ask for ("bad response"): the same
      // request, sent by the checker, shows whether the server sent one.
      const raw = await ask(ctx, whole(post(POST_CONTRACT.echo, JSON.stringify(value))));
      if ((raw.response?.interim.length ?? 0) > 0) {
        return { message: words.unaskedContinue(client, reason), expected: words.unaskedContinueExpected, hint: words.unaskedContinueHint, rule: RULES.continueOnlyWhenAsked, ...evidence(ctx, raw), tryIt };
      }
      return { message: words.clientFailed(client, reason), tryIt };
    }
  },
};

export const clientHttpPieces: Check = {
  id: "client.http-pieces",
  ...text.checks["client.http-pieces"],
  requires: ["post.echo"],
  async run(ctx) {
    const value = sampleValue(ctx);
    // Spaces after the value, as in post.body-pieces: a server that decodes each piece loses only them, and its answer shows the U+FFFD.
    const bytes = Buffer.from(JSON.stringify(value) + " ".repeat(16));
    // Three writes, the second cut inside "✓": node:http sends each as it comes.
    const cut = bytes.indexOf("✓") + 1;
    const pieces = [bytes.subarray(0, 10), bytes.subarray(10, cut), bytes.subarray(cut)];
    const client = `${THIS_NODE}'s http.request`;
    const tryIt = `node -e "const r=require('http').request('http://127.0.0.1:${ctx.tryPort}${POST_CONTRACT.echo}',{method:'POST',headers:{'content-type':'application/json','content-length':7}},s=>s.pipe(process.stdout));r.write('{\\"a\\"');setTimeout(()=>r.end(':1}'),100)"`;
    const outcome = await new Promise<{ status: number; body: Buffer } | { error: string }>((resolve) => {
      const request = http.request(
        { host: ctx.host, port: ctx.port, path: POST_CONTRACT.echo, method: "POST", headers: { "content-type": POST_CONTRACT.json, "content-length": bytes.length }, agent: false },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_KEPT_BYTES) chunks.push(chunk);
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
          response.on("error", (error) => resolve({ error: error.message }));
        },
      );
      const deadline = setTimeout(() => request.destroy(new Error(text.respond.noAnswerWithin(replyTimeout(ctx) / 1000))), replyTimeout(ctx));
      request.on("close", () => clearTimeout(deadline));
      request.on("error", (error) => resolve({ error: error.message }));
      void (async () => {
        for (const [i, piece] of pieces.entries()) {
          if (i > 0) await sleep(40);
          if (request.destroyed) return;
          request.write(piece);
        }
        request.end();
      })();
    });
    if ("error" in outcome) return { message: words.clientFailed(client, outcome.error), tryIt };
    const got = parsed(outcome.body);
    if (outcome.status !== 200 || !isDeepStrictEqual(got, value)) {
      const mangled = outcome.body.toString("utf8").includes("\ufffd");
      return { message: words.clientGotOther(client, String(outcome.status), got === undefined ? words.notJsonBody : shortJson(got)) + (mangled ? ` ${words.decodedEachPiece}` : ""), expected: words.echoExpected, hint: mangled ? words.joinBuffersHint : words.waitForBodyHint, tryIt };
    }
    return null;
  },
};
