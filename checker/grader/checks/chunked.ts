/**
 * Phase 14: chunked. chunk() and readChunked() over tables; GET /stream judged chunk by chunk as
 * the bytes arrive (chunked framing, no Content-Length, each line sent as it is made), its HEAD,
 * its HTTP/1.0 form (no chunks, the close ends it), its bad queries, and the connection after it;
 * chunked request bodies read whole, cut anywhere, in every legal form, refused when the framing is
 * broken or too big or in doubt; a pipeline of them; and real clients (curl, fetch) on both sides.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { isDeepStrictEqual } from "node:util";
import { BrowserError, Chromium } from "../chromium.ts";
import { Conversation } from "../conversation.ts";
import { curlName, runCurl } from "../curl.ts";
import { header, mustProblems, type ParsedResponse } from "../http-reader.ts";
import { RULES } from "../http-rules.ts";
import { MAX_KEPT_BYTES, type Segment } from "../wire.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { ask, evidence, fetchIdempotent, replyTimeout, throughOwnConnections, whyNoResponse, type Asked, leavePolitely } from "./common.ts";
import { conversationEvidence, get, head, refusedAndClosed } from "./keep.ts";
import { loadText, startChromium, type TextLoad } from "./browser.ts";
import { callExport } from "./parse.ts";
import { quiet } from "./pipeline.ts";
import { cappedBytes, problemHints, problemMessage } from "./respond.ts";
import { wrongOnWire } from "./route.ts";

const words = text.chunked;

/** What the contract fixes. */
export const CHUNKED_CONTRACT = {
  echo: "/api/echo",
  maxBodyBytes: 2 * 1024 * 1024,
  /** The lines /stream sends: "chunk 1 of 3\n" and so on. */
  lines: (n: number): string => Array.from({ length: n }, (_, i) => `chunk ${i + 1} of ${n}\n`).join(""),
};

const lowerFirst = (message: string): string => message.charAt(0).toLowerCase() + message.slice(1);
const prefixed = (what: string, message: string): string => `${what} ${lowerFirst(message)}`;

/** The bytes of a chunked body: each piece a chunk (size in lowercase hex), then the last chunk and `trailers`. */
function chunked(pieces: Array<string | Buffer>, trailers: string[] = []): Buffer {
  const parts = pieces.map((piece) => {
    const bytes = Buffer.isBuffer(piece) ? piece : Buffer.from(piece, "utf8");
    return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`, "latin1"), bytes, Buffer.from("\r\n", "latin1")]);
  });
  return Buffer.concat([...parts, Buffer.from(`0\r\n${trailers.map((field) => `${field}\r\n`).join("")}\r\n`, "latin1")]);
}

/** A POST of a chunked JSON body to the echo, with these extra fields. */
function chunkedPost(body: Buffer | string, fields: string[] = ["Transfer-Encoding: chunked"], version?: string): Buffer {
  return Buffer.concat([Buffer.from(head("POST", CHUNKED_CONTRACT.echo, ["Content-Type: application/json", ...fields], version), "latin1"), Buffer.isBuffer(body) ? body : Buffer.from(body, "latin1")]);
}

/** A JSON value with the run's own words, split into `count` pieces at places that differ each run. */
function jsonPieces(ctx: CheckContext, count: number): { value: unknown; pieces: string[] } {
  const value = { name: `Zoë ${ctx.rng.word(6)}`, items: [ctx.rng.word(4), ctx.rng.word(7), "日本"], n: ctx.rng.int(1, 1000) };
  const bytes = Buffer.from(JSON.stringify(value), "utf8");
  const cuts = new Set<number>();
  while (cuts.size < count - 1) cuts.add(ctx.rng.int(1, bytes.length - 1));
  const at = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
  // Cut in bytes, so a piece may end inside a character: chunk data is bytes, not text.
  return { value, pieces: at.slice(1).map((end, i) => bytes.subarray(at[i], end).toString("latin1")) };
}

/** The pieces as bytes (they hold latin1 views of UTF-8). */
const asBytes = (pieces: string[]): Buffer[] => pieces.map((piece) => Buffer.from(piece, "latin1"));

function parsedJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** A body as shown in a finding: its first 80 characters, quoted. */
const shownBody = (body: Buffer): string => (body.length === 0 ? "empty" : JSON.stringify(body.subarray(0, 80).toString("utf8")) + (body.length > 80 ? "…" : ""));

/** Whether `response` says Connection: close. */
const saysClose = (response: ParsedResponse): boolean => (header(response, "connection") ?? "").split(",").some((token) => token.trim().toLowerCase() === "close");

/** The answer said close, and the server closed (or closes within a second): the conversation ends there, as allowed. */
function closedAsSaid(talk: Conversation, response: ParsedResponse): boolean {
  return saysClose(response) && talk.unread.length === 0;
}

// ---------------------------------------------------------------------------------------------
// chunk()

/** The bytes a function returned: a Buffer as it is, a string as UTF-8; null for anything else. */
function bytesOf(value: unknown): Buffer | null {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === "string") return Buffer.from(value, "utf8");
  return null;
}

/** Whether `got` is one chunk of `data`: 1*HEXDIG (any case, leading zeros allowed), CRLF, data, CRLF; or the last chunk for no data. */
function isChunkOf(got: Buffer, data: Buffer): boolean {
  const line = /^([0-9A-Fa-f]+)\r\n/.exec(got.subarray(0, 40).toString("latin1"));
  if (!line) return false;
  const size = parseInt(line[1]!, 16);
  if (data.length === 0) return size === 0 && got.length === line[0].length + 2 && got.subarray(line[0].length).toString("latin1") === "\r\n";
  return size === data.length && got.length === line[0].length + size + 2 && got.subarray(line[0].length, line[0].length + size).equals(data) && got.subarray(-2).toString("latin1") === "\r\n";
}

const CHUNKS: Array<{ data: Buffer; shown: string; want: string; why: string }> = [
  { data: Buffer.from("hello"), shown: 'Buffer.from("hello")', want: "5\\r\\nhello\\r\\n", why: "plain" },
  { data: Buffer.from("abcdefghijklmnopqrstuvwxyz"), shown: 'Buffer.from("abcdefghijklmnopqrstuvwxyz")', want: "1a\\r\\nabcdefghijklmnopqrstuvwxyz\\r\\n", why: "hex" },
  { data: Buffer.from("ü".repeat(150)), shown: 'Buffer.from("ü".repeat(150))', want: '12c\\r\\n (300 bytes of "ü") \\r\\n', why: "bytes" },
  { data: Buffer.alloc(0), shown: "Buffer.alloc(0)", want: "0\\r\\n\\r\\n", why: "last" },
];

export const chunkedUnitChunk: Check = {
  id: "chunked.unit-chunk",
  ...text.checks["chunked.unit-chunk"],
  needsModule: true,
  async run(ctx) {
    for (const { data, shown, want, why } of CHUNKS) {
      const called = await callExport(ctx, "chunk", [data]);
      if ("finding" in called) return called.finding;
      const returned = called.value.value;
      const got = bytesOf(returned);
      const call = `chunk(${shown})`;
      if (got === null) return { message: words.unitChunkReturned(call, typeof returned === "object" && !Buffer.isBuffer(returned) ? returned.other : String(returned), words.notBytes), expected: want };
      if (!isChunkOf(got, data)) {
        const gotShown = JSON.stringify(got.subarray(0, 60).toString("utf8")) + (got.length > 60 ? "…" : "");
        return { message: words.unitChunkReturned(call, gotShown, words.chunkWhy[why]!), expected: want, rule: RULES.chunked };
      }
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// readChunked()

type ReadWant = { body: string; size: number } | { status: number } | null;

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
/** Each call's bytes (a whole body: its framing, then `after`, bytes that are not part of it), and what it must return. */
const READS: Array<{ data: string; after?: string; want: { body: string } | { status: number } | null; why: string }> = [
  { data: "5\r\nhello\r\n0\r\n\r\n", want: { body: "hello" }, why: "one" },
  { data: "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", after: "GET / HTTP/1.1\r\n", want: { body: "hello world" }, why: "two" },
  { data: `1A\r\n${LETTERS}\r\n0\r\n\r\n`, want: { body: LETTERS }, why: "capitals" },
  { data: "005\r\nhello\r\n000\r\n\r\n", want: { body: "hello" }, why: "zeros" },
  { data: '5;name=value\r\nhello\r\n1 ; q="a;b"\r\n!\r\n0;last\r\n\r\n', want: { body: "hello!" }, why: "extensions" },
  { data: "5\r\nhello\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n", want: { body: "hello" }, why: "trailers" },
  { data: "0\r\n\r\n", want: { body: "" }, why: "empty" },
  { data: "", want: null, why: "nothing" },
  { data: "1", want: null, why: "cutSize" },
  { data: "5\r\nhel", want: null, why: "cutData" },
  { data: "5\r\nhello\r", want: null, why: "cutCrlf" },
  { data: "5\r", want: null, why: "cutSizeCrlf" },
  { data: "5\r\nhello\r\n0\r\nExpires: never\r\n", want: null, why: "cutTrailer" },
  { data: "zz\r\nhello\r\n0\r\n\r\n", want: { status: 400 }, why: "notHex" },
  { data: "0x5\r\nhello\r\n0\r\n\r\n", want: { status: 400 }, why: "prefix" },
  { data: " 5\r\nhello\r\n0\r\n\r\n", want: { status: 400 }, why: "space" },
  { data: "+5\r\nhello\r\n0\r\n\r\n", want: { status: 400 }, why: "sign" },
  { data: "5\nhello\r\n0\r\n\r\n", want: { status: 400 }, why: "bareLf" },
  { data: "3\r\nhello0\r\n\r\n", want: { status: 400 }, why: "longer" },
  { data: "5 \r\nhello\r\n0\r\n\r\n", want: { status: 400 }, why: "spaceAfter" },
  { data: "5;\r\nhello\r\n0\r\n\r\n", want: { status: 400 }, why: "noExtensionName" },
  { data: "200001\r\n", want: { status: 413 }, why: "tooBig" },
];

/** What a readChunked() call returned, as { body, size }, { status } or null; undefined for anything else. */
function readResult(value: string | Buffer | { other: string; json?: unknown }): ReadWant | undefined {
  if (typeof value !== "object" || Buffer.isBuffer(value)) return undefined;
  const json = value.json as Record<string, unknown> | null | undefined;
  if (json === null) return null;
  if (typeof json !== "object" || json === undefined) return undefined;
  if (typeof json.status === "number" && Object.keys(json).length === 1) return { status: json.status };
  const body = json.body as { type?: string; data?: number[] } | string | undefined;
  if (typeof json.size !== "number" || body === undefined) return undefined;
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body.type === "Buffer" && Array.isArray(body.data) ? Buffer.from(body.data) : null;
  return bytes === null ? undefined : { body: bytes.toString("latin1"), size: json.size };
}

const shownRead = (result: ReadWant): string =>
  result === null ? "null" : "status" in result ? `{ status: ${result.status} }` : `{ body: ${JSON.stringify(result.body)}, size: ${result.size} }`;

export const chunkedUnitRead: Check = {
  id: "chunked.unit-read",
  ...text.checks["chunked.unit-read"],
  needsModule: true,
  requires: ["chunked.unit-chunk"],
  async run(ctx) {
    for (const read of READS) {
      const data = read.data + (read.after ?? "");
      // A whole body's framing takes every byte of `read.data` (Buffer.byteLength: they are ASCII).
      const want: ReadWant = read.want !== null && "body" in read.want ? { body: read.want.body, size: read.data.length } : read.want;
      const why = read.why;
      const called = await callExport(ctx, "readChunked", [Buffer.from(data, "latin1")]);
      if ("finding" in called) return called.finding;
      const got = readResult(called.value.value);
      const call = `readChunked(Buffer.from(${JSON.stringify(data)}))`;
      if (got === undefined) {
        const returned = called.value.value;
        return { message: words.unitReadReturned(call, typeof returned === "object" && !Buffer.isBuffer(returned) ? returned.other : JSON.stringify(returned), words.notAResult), expected: shownRead(want) };
      }
      if (!isDeepStrictEqual(got, want)) {
        const rule = want !== null && "status" in want && want.status === 413 ? RULES.contentTooLarge : RULES.chunked;
        return { message: words.unitReadReturned(call, shownRead(got), words.readWhy[why]!), expected: shownRead(want), rule };
      }
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// GET /stream

/** Null when an answer came with this status; else why not (the framing is judged by the caller). */
function wrongStatus(ctx: CheckContext, answer: Asked, status: number): Finding | null {
  const why = whyNoResponse(ctx, answer);
  if (why) return why;
  const got = answer.response!.statusLine?.status ?? null;
  if (got !== status) return { message: text.route.wireStatus(got, status), expected: text.route.statusExpected(status), ...evidence(ctx, answer) };
  return null;
}

/** The stream asked for by the timing check: three lines STREAM_MS apart, the first at once. */
const STREAM_N = 3;
const STREAM_MS = 400;

/** When (ms after the connection opened) the bytes of `connection` first passed `offset`. */
export function arrivedAt(chunks: Array<{ atMs: number; bytes: Buffer }>, offset: number): number | null {
  let total = 0;
  for (const chunk of chunks) {
    total += chunk.bytes.length;
    if (total > offset) return chunk.atMs;
  }
  return null;
}

const curlStream = (ctx: CheckContext, target: string, more = ""): string => `curl -sN --raw -D -${more} 'http://127.0.0.1:${ctx.tryPort}${target}'`;

/** Null when `response` is /stream's chunked answer with these lines; else what is wrong. */
function streamProblem(response: ParsedResponse, n: number): Pick<Finding, "message" | "rule" | "hint"> | null {
  const te = header(response, "transfer-encoding");
  const length = header(response, "content-length");
  if (response.framing !== "chunked") return { message: words.notChunked(length), rule: RULES.streamChunked, hint: words.streamHint };
  if (length !== undefined || te === undefined) return { message: words.withLength, rule: RULES.teWithLength };
  // Broken chunks, a body cut short: the reader's words.
  const broken = response.problems.find((problem) => problem.code !== "chunked-not-length");
  if (broken) {
    // The reader's hints speak of Content-Length; a chunked body is cut or framed wrong for its own reasons.
    const hint = broken.code === "body-shorter" || broken.code === "incomplete" ? words.lastChunkHint : broken.code === "bad-chunk" ? words.frameHint : problemHints[broken.code];
    return { message: problemMessage(broken), rule: broken.rule, hint };
  }
  const type = header(response, "content-type");
  if (!/^text\/plain\s*;\s*charset=utf-8$/i.test((type ?? "").trim())) return { message: words.streamType(type), rule: RULES.streamChunked };
  const want = CHUNKED_CONTRACT.lines(n);
  if (response.body.toString("utf8") !== want) return { message: words.streamBody(shownBody(response.body), JSON.stringify(want)), rule: RULES.streamChunked };
  return null;
}

export const chunkedStream: Check = {
  id: "chunked.stream",
  background: true,
  ...text.checks["chunked.stream"],
  requires: ["start"],
  async run(ctx) {
    const target = `/stream?n=${STREAM_N}&ms=${STREAM_MS}`;
    const answer = await ask(ctx, [{ data: get(target) }], { timeoutMs: replyTimeout(ctx) + STREAM_N * STREAM_MS });
    const what = words.forStream(target);
    const tryIt = curlStream(ctx, target);
    const expected = words.streamExpected(STREAM_N, STREAM_MS);
    const wrong = wrongStatus(ctx, answer, 200);
    if (wrong) return { ...wrong, message: prefixed(what, wrong.message), expected, tryIt };
    const response = answer.response!;
    const shown = { ...evidence(ctx, answer), tryIt, expected };
    const problem = streamProblem(response, STREAM_N);
    if (problem) return { ...problem, message: prefixed(what, problem.message), ...shown };
    // As made: the first line's bytes come well before the last chunk. Lines kept until the last is
    // made come together; the bar is half the 2 × STREAM_MS the lines take, for a busy machine.
    const chunks = answer.result.connection?.chunks ?? [];
    const firstBody = arrivedAt(chunks, response.bodyStart!);
    const last = chunks.at(-1)?.atMs ?? 0;
    const gapMs = firstBody === null ? 0 : Math.round(last - firstBody);
    if (gapMs < STREAM_MS) return { message: prefixed(what, words.allAtOnce(gapMs, STREAM_MS, Math.round(last - answer.result.lastSentAtMs))), rule: RULES.streamAsMade, hint: words.streamHint, ...shown };
    return null;
  },
};

export const chunkedStreamHead: Check = {
  id: "chunked.stream-head",
  ...text.checks["chunked.stream-head"],
  requires: ["chunked.stream"],
  async run(ctx) {
    const target = "/stream?n=2&ms=100";
    const opened = await Conversation.open(ctx.host, ctx.port);
    if (!(opened instanceof Conversation)) return { message: text.common.couldNotConnect(opened.error), hint: text.common.isServerRunning };
    const talk = opened;
    const tryIt = curlStream(ctx, target, " -I");
    try {
      // The HEAD, then a GET behind it: bytes after the HEAD's head would be read as the GET's answer.
      await talk.write(head("HEAD", target) + get("/about"));
      const waitMs = replyTimeout(ctx);
      const fail = async (finding: Omit<Finding, "sent" | "received">): Promise<Finding> => {
        await quiet(talk);
        return { expected: words.headExpected, tryIt, ...finding, ...conversationEvidence(ctx, talk) };
      };
      const first = await talk.next(waitMs, "HEAD");
      if (first === null) return fail({ message: words.noAnswer(1, `HEAD ${target}`, talk.open) });
      if (first.statusLine?.status !== 200) return fail({ message: `${words.forAnswer(1, `HEAD ${target}`)} ${text.route.wireStatus(first.statusLine?.status ?? null, 200)}` });
      const te = header(first, "transfer-encoding");
      const length = header(first, "content-length");
      // Transfer-Encoding may be left out of a HEAD's head (RFC 9110 §9.3.2: a field known only while
      // making the content; RFC 9112 §6.1); a Content-Length the GET does not have may not be there.
      if ((te !== undefined && !/^\s*chunked\s*$/i.test(te)) || length !== undefined) return fail({ message: words.headNoChunked(te, length), rule: RULES.headSameHead });
      // A close announced after the HEAD is the server's right (RFC 9112 §9.6): nothing more to judge.
      if (closedAsSaid(talk, first)) return null;
      const second = await talk.next(waitMs);
      if (second === null || second.statusLine?.status !== 200) {
        const start = talk.unread.subarray(0, 5).toString("latin1");
        if (start.length > 0 && !"HTTP/".startsWith(start)) return fail({ message: words.headBody("GET /about"), rule: RULES.noContent });
        if (second === null) return fail({ message: words.noAnswer(2, "GET /about", talk.open) });
        return fail({ message: `${words.forAnswer(2, "GET /about")} ${text.route.wireStatus(second.statusLine?.status ?? null, 200)}` });
      }
      return null;
    } finally {
      await leavePolitely(ctx, (waitMs) => talk.finish(waitMs));
    }
  },
};

export const chunkedStreamHttp10: Check = {
  id: "chunked.stream-http10",
  ...text.checks["chunked.stream-http10"],
  requires: ["chunked.stream"],
  async run(ctx) {
    const n = 3;
    const target = `/stream?n=${n}&ms=100`;
    const answer = await ask(ctx, [{ data: get(target, [], "HTTP/1.0") }], { timeoutMs: replyTimeout(ctx) + n * 100 });
    const what = words.forStream(target, "HTTP/1.0");
    const expected = words.http10Expected(n);
    const tryIt = curlStream(ctx, target, " --http1.0");
    const why = whyNoResponse(ctx, answer);
    if (why) return { ...why, message: prefixed(what, why.message), expected, tryIt };
    const response = answer.response!;
    const shown = { ...evidence(ctx, answer), tryIt, expected };
    if (header(response, "transfer-encoding") !== undefined) return { message: prefixed(what, words.chunkedTo10), rule: RULES.teOnHttp10, hint: words.http10Hint, ...shown };
    const closed = answer.result.ending === "server-closed" || answer.result.ending === "server-reset";
    if (response.framing === "close" && !closed) return { message: prefixed(what, words.http10NotClosed), rule: RULES.incomplete, hint: words.http10Hint, ...shown };
    const wrong = wrongStatus(ctx, answer, 200);
    if (wrong) return { ...wrong, message: prefixed(what, wrong.message), expected, tryIt };
    // Framed by the close (or by a Content-Length): only the RFC's MUSTs count here, not the lab's wish for a length.
    const broken = mustProblems(response)[0];
    if (broken) return { message: prefixed(what, problemMessage(broken)), rule: broken.rule, hint: problemHints[broken.code], ...shown };
    const want = CHUNKED_CONTRACT.lines(n);
    if (response.body.toString("utf8") !== want) return { message: prefixed(what, words.streamBody(shownBody(response.body), JSON.stringify(want))), rule: RULES.streamChunked, ...shown };
    return null;
  },
};

export const chunkedStreamQuery: Check = {
  id: "chunked.stream-query",
  ...text.checks["chunked.stream-query"],
  requires: ["chunked.stream"],
  async run(ctx) {
    // ms=0 where n is wrong: a server that streams anyway is done at once.
    for (const target of ["/stream?n=0&ms=0", "/stream?n=101&ms=0", "/stream?n=abc&ms=0", "/stream?n=2.5&ms=0", "/stream?n=2&ms=-1", "/stream?n=2&ms=2001"]) {
      const answer = await ask(ctx, [{ data: get(target) }]);
      const wrong = wrongOnWire(ctx, answer, 400, { hint: words.queryHint });
      if (wrong) return { ...wrong, message: prefixed(words.forQuery(target), wrong.message), expected: words.queryExpected, tryIt: `curl -si 'http://127.0.0.1:${ctx.tryPort}${target}'` };
    }
    return null;
  },
};

export const chunkedStreamKept: Check = {
  id: "chunked.stream-kept",
  ...text.checks["chunked.stream-kept"],
  requires: ["chunked.stream"],
  async run(ctx) {
    const target = "/stream?n=2&ms=100";
    const waitMs = replyTimeout(ctx);
    const opened = await Conversation.open(ctx.host, ctx.port);
    if (!(opened instanceof Conversation)) return { message: text.common.couldNotConnect(opened.error), hint: text.common.isServerRunning };
    const talk = opened;
    try {
      await talk.write(get(target) + get("/about"));
      const fail = async (message: string): Promise<Finding> => {
        await quiet(talk);
        return { message, expected: words.pipelineExpected, ...conversationEvidence(ctx, talk) };
      };
      const first = await talk.next(waitMs + 200);
      if (first === null) return fail(words.noAnswer(1, `GET ${target}`, talk.open));
      const problem = streamProblem(first, 2);
      if (problem) return { ...(await fail(`${words.forAnswer(1, `GET ${target}`)} ${lowerFirst(problem.message)}`)), rule: problem.rule };
      const second = closedAsSaid(talk, first) ? "closed" : await talk.next(waitMs);
      if (second === "closed") return null;
      if (second === null) return fail(words.noAnswer(2, "GET /about", talk.open));
      if (second.statusLine?.status !== 200) return fail(`${words.forAnswer(2, "GET /about")} ${text.route.wireStatus(second.statusLine?.status ?? null, 200)}`);
    } finally {
      await leavePolitely(ctx, (waitMs) => talk.finish(waitMs));
    }
    // A client that leaves after the first chunk of a long stream; then another client.
    const leaving = await Conversation.open(ctx.host, ctx.port);
    if (!(leaving instanceof Conversation)) return { message: text.common.couldNotConnect(leaving.error), hint: text.common.isServerRunning };
    await leaving.write(get("/stream?n=20&ms=200"));
    await leaving.connection.waitFor((bytes) => bytes.includes("chunk 1 of 20"), waitMs);
    leaving.close();
    // Two lines' time: a stream that writes on to the closed socket has met the close by then.
    await sleep(450);
    const after = await ask(ctx, [{ data: get("/about") }]);
    const status = after.response?.statusLine?.status ?? null;
    if (status !== 200) return { message: words.afterLeaving(status), expected: words.leftExpected, hint: words.leftHint, ...evidence(ctx, after) };
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// Chunked request bodies.

/**
 * Sends `request` (a chunked POST to the echo, in `segments` when given), then GET /about on the
 * same connection. Null when the echo is `value` and /about answers 200; else the finding.
 */
async function echoThenNext(ctx: CheckContext, what: string, value: unknown, segments: Segment[], tryIt: string): Promise<Finding | null> {
  const opened = await Conversation.open(ctx.host, ctx.port);
  if (!(opened instanceof Conversation)) return { message: text.common.couldNotConnect(opened.error), hint: text.common.isServerRunning };
  const talk = opened;
  const waitMs = replyTimeout(ctx);
  try {
    const fail = async (finding: Omit<Finding, "sent" | "received">): Promise<Finding> => {
      await quiet(talk);
      return { expected: words.echoExpected, hint: words.requestHint, tryIt, ...finding, ...conversationEvidence(ctx, talk) };
    };
    for (const segment of segments) {
      // The pause is real: each piece arrives in a read of its own (write() only notes it for the try-it line).
      if (segment.pauseMs) await sleep(segment.pauseMs);
      await talk.write(segment.data, segment.pauseMs);
    }
    const echo = await talk.next(waitMs);
    if (echo === null) return fail({ message: prefixed(what, words.noAnswer(1, "POST /api/echo", talk.open)) });
    const status = echo.statusLine?.status ?? null;
    if (status === 501 || status === 400 || status === 411 || status === 413) return fail({ message: prefixed(what, words.refusedChunked(status)), rule: RULES.readChunked });
    if (status !== 200) return fail({ message: prefixed(what, text.route.wireStatus(status, 200)) });
    if (!isDeepStrictEqual(parsedJson(echo.body), value)) return fail({ message: prefixed(what, words.echoOther(shownBody(echo.body))), rule: RULES.readChunked });
    // Closing after a body read whole is the server's right, but not this lab's way (phase 11).
    if (saysClose(echo)) return fail({ message: prefixed(what, words.echoSaysClose), rule: RULES.persistentDefault, hint: words.echoSaysCloseHint });
    const next = await talk.ask(get("/about"), waitMs);
    if (next.response?.statusLine?.status !== 200) return fail({ message: prefixed(what, words.afterEcho(next.response?.statusLine?.status ?? null, talk.open)), rule: RULES.bodyThenNext });
    return null;
  } finally {
    await leavePolitely(ctx, (waitMs) => talk.finish(waitMs));
  }
}

/** A shell line that sends `body` chunked by curl. */
const curlChunked = (ctx: CheckContext, json: string): string =>
  `printf '%s' '${json.replace(/'/g, "'\\''")}' | curl -si -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @- http://127.0.0.1:${ctx.tryPort}${CHUNKED_CONTRACT.echo}`;

export const chunkedRequest: Check = {
  id: "chunked.request",
  ...text.checks["chunked.request"],
  requires: ["start"],
  async run(ctx) {
    const { value, pieces } = jsonPieces(ctx, 3);
    const request = chunkedPost(chunked(asBytes(pieces)));
    return echoThenNext(ctx, words.forPost(`a JSON body in ${pieces.length} chunks`), value, [{ data: request }], curlChunked(ctx, JSON.stringify(value)));
  },
};

export const chunkedRequestCut: Check = {
  id: "chunked.request-cut",
  long: true,
  ...text.checks["chunked.request-cut"],
  requires: ["chunked.request"],
  async run(ctx) {
    const { value, pieces } = jsonPieces(ctx, 2);
    const [a, b] = asBytes(pieces) as [Buffer, Buffer];
    const headBytes = head("POST", CHUNKED_CONTRACT.echo, ["Content-Type: application/json", "Transfer-Encoding: chunked"]);
    const sizeA = a.length.toString(16);
    // Every place a read may end: inside a size line, between CR and LF, inside the data, after the last chunk's 0, inside a trailer, before the final CRLF.
    const half = Math.max(1, Math.floor(b.length / 2));
    const segments: Segment[] = [
      { data: headBytes + (sizeA.length > 1 ? sizeA.slice(0, 1) : "") },
      { data: `${sizeA.length > 1 ? sizeA.slice(1) : sizeA}\r`, pauseMs: 60 },
      { data: Buffer.concat([Buffer.from("\n"), a, Buffer.from(`\r\n${b.length.toString(16)}\r\n`), b.subarray(0, half)]), pauseMs: 60 },
      { data: Buffer.concat([b.subarray(half), Buffer.from("\r\n0")]), pauseMs: 60 },
      { data: "\r\nX-Trai", pauseMs: 60 },
      { data: "ler: done\r\n", pauseMs: 60 },
      { data: "\r\n", pauseMs: 60 },
    ];
    return echoThenNext(ctx, words.forPost(words.cutSegments(segments.length)), value, segments, curlChunked(ctx, JSON.stringify(value)));
  },
};

/** Legal forms of a chunked body, each with the JSON it carries. */
function forms(ctx: CheckContext): Array<{ what: string; fields?: string[]; body: Buffer; value: unknown }> {
  const value = { word: ctx.rng.word(8), list: Array.from({ length: 6 }, () => ctx.rng.word(3)) };
  const json = Buffer.from(JSON.stringify(value));
  const half = Math.floor(json.length / 2);
  const [a, b] = [json.subarray(0, half), json.subarray(half)];
  const hex = (bytes: Buffer): string => bytes.length.toString(16).toUpperCase().padStart(4, "0");
  const chunkOf = (size: string, bytes: Buffer): Buffer => Buffer.concat([Buffer.from(`${size}\r\n`), bytes, Buffer.from("\r\n")]);
  return [
    { what: "capitals", body: Buffer.concat([chunkOf(hex(a), a), chunkOf(hex(b), b), Buffer.from("0000\r\n\r\n")]), value },
    { what: "extensions", body: Buffer.concat([chunkOf(`${a.length.toString(16)};name=value`, a), chunkOf(`${b.length.toString(16)} ; note="a; b" ;flag`, b), Buffer.from("0;last\r\n\r\n")]), value },
    { what: "trailers", body: chunked([a, b], ["X-Checksum: 1234", "Expires: never"]), value },
    { what: "caseless", fields: ["Transfer-Encoding:  Chunked "], body: chunked([a, b]), value },
    { what: "tiny", body: chunked([...json].map((byte) => Buffer.from([byte]))), value },
  ];
}

export const chunkedRequestForms: Check = {
  id: "chunked.request-forms",
  ...text.checks["chunked.request-forms"],
  requires: ["chunked.request"],
  async run(ctx) {
    for (const form of forms(ctx)) {
      const request = chunkedPost(form.body, form.fields);
      const found = await echoThenNext(ctx, words.forPost(words.form[form.what]!), form.value, [{ data: request }], curlChunked(ctx, JSON.stringify(form.value)));
      if (found) return found;
    }
    return null;
  },
};

/** Broken framings: each must get 400 and the close, and the request behind it no answer. */
const BAD: Array<{ what: string; body: string }> = [
  { what: "notHex", body: "zz\r\nhello\r\n0\r\n\r\n" },
  { what: "prefix", body: "0x5\r\nhello\r\n0\r\n\r\n" },
  { what: "space", body: " 5\r\nhello\r\n0\r\n\r\n" },
  { what: "sign", body: "+5\r\nhello\r\n0\r\n\r\n" },
  { what: "bareLf", body: "5\nhello\r\n0\r\n\r\n" },
  { what: "longer", body: "3\r\nhello0\r\n\r\n" },
  { what: "spaceAfter", body: "5 \r\nhello\r\n0\r\n\r\n" },
  { what: "noExtensionName", body: "5;\r\nhello\r\n0\r\n\r\n" },
  { what: "huge", body: "10000000000000005\r\nhello\r\n0\r\n\r\n" },
];

export const chunkedRequestBad: Check = {
  id: "chunked.request-bad",
  ...text.checks["chunked.request-bad"],
  requires: ["chunked.request"],
  async run(ctx) {
    for (const bad of BAD) {
      const hiddenPath = `/smuggled-${ctx.rng.word(6)}`;
      // A size too big to be read may also be refused as too big.
      const allowed = bad.what === "huge" ? [400, 413] : [400];
      const found = await refusedAndClosed(ctx, {
        what: words.forPost(words.badForm[bad.what]!),
        attack: chunkedPost(bad.body + get(hiddenPath)).toString("latin1"),
        hiddenPath,
        allowed,
        rule: RULES.chunked,
        hint: words.badHint,
        expected: words.badExpected,
      });
      if (found) return found;
    }
    return null;
  },
};

export const chunkedRequestTooBig: Check = {
  id: "chunked.request-too-big",
  ...text.checks["chunked.request-too-big"],
  requires: ["chunked.request"],
  async run(ctx) {
    const mib = 1024 * 1024;
    const cases = [
      { what: "one", data: Buffer.concat([Buffer.from((3 * mib).toString(16) + "\r\n"), Buffer.alloc(64 * 1024, "a")]) },
      { what: "sum", data: Buffer.concat([Buffer.from(`${mib.toString(16)}\r\n`), Buffer.alloc(mib, "a"), Buffer.from(`\r\n${(mib + 1).toString(16)}\r\n`), Buffer.alloc(64 * 1024, "b")]) },
    ];
    for (const { what, data } of cases) {
      // The rest of the body is never sent: a 413 must come from the sizes alone.
      const answer = await ask(ctx, [{ data: chunkedPost(data) }]);
      const shown = { ...evidence(ctx, answer), sent: `${head("POST", CHUNKED_CONTRACT.echo, ["Content-Type: application/json", "Transfer-Encoding: chunked"])}${words.tooBigWhat[what]}`, noReference: true };
      const status = answer.response?.statusLine?.status ?? null;
      const message = (text: string): string => prefixed(words.forPost(words.tooBigWhat[what]!), text);
      if (answer.response === null || status === 408) return { message: message(words.tooBigWaited(status)), expected: words.tooBigExpected, rule: RULES.contentTooLarge, hint: words.tooBigHint, ...shown };
      const wrong = wrongOnWire(ctx, answer, 413, { hint: words.tooBigHint });
      if (wrong) return { ...wrong, ...shown, message: message(wrong.message), expected: words.tooBigExpected, rule: RULES.contentTooLarge };
    }
    return null;
  },
};

export const chunkedTeRefused: Check = {
  id: "chunked.te-refused",
  ...text.checks["chunked.te-refused"],
  requires: ["chunked.request"],
  async run(ctx) {
    // [1] as one chunk; read by a Content-Length of 4 instead, the body is "3\r\n[": no JSON.
    const body = "3\r\n[1]\r\n0\r\n\r\n";
    const cases: Array<{ what: string; fields: string[]; version?: string; allowed: number[]; rule: typeof RULES.chunked; readAndClosed?: true }> = [
      { what: "withLength", fields: ["Transfer-Encoding: chunked", "Content-Length: 4"], allowed: [400], rule: RULES.closeAfterTransferEncoding, readAndClosed: true },
      { what: "chunkedIdentity", fields: ["Transfer-Encoding: chunked, identity"], allowed: [400], rule: RULES.teNotFinalChunked },
      { what: "identity", fields: ["Transfer-Encoding: identity"], allowed: [400], rule: RULES.teNotFinalChunked },
      { what: "twice", fields: ["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], allowed: [400], rule: RULES.chunkedOnce },
      // RFC 9112 §6.1: a coding the server does not know SHOULD get 501; 400 breaks no MUST (phases 10 and 11 take it too).
      { what: "gzip", fields: ["Transfer-Encoding: gzip, chunked"], allowed: [501, 400], rule: RULES.requestTransferEncoding },
      { what: "http10", fields: ["Transfer-Encoding: chunked"], version: "HTTP/1.0", allowed: [400], rule: RULES.teOnHttp10Request },
    ];
    for (const form of cases) {
      const hiddenPath = `/smuggled-${ctx.rng.word(6)}`;
      const want = form.allowed.join(" or ");
      const found = await refusedAndClosed(ctx, {
        what: words.forPost(words.teForm[form.what]!),
        attack: chunkedPost(body + get(hiddenPath), form.fields, form.version).toString("latin1"),
        hiddenPath,
        allowed: form.allowed,
        rule: form.rule,
        hint: words.teHint,
        expected: words.teExpected(want),
        // RFC 9112 §6.1 lets a server read such a body by chunked, if it closes after: [1] echoed, then the close.
        alsoAllowed: form.readAndClosed ? (response) => response.statusLine?.status === 200 && isDeepStrictEqual(parsedJson(response.body), [1]) : undefined,
      });
      if (found) return found;
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// A pipeline of chunked bodies.

export const chunkedPipelined: Check = {
  id: "chunked.pipelined",
  ...text.checks["chunked.pipelined"],
  requires: ["chunked.request"],
  async run(ctx) {
    const first = jsonPieces(ctx, 2);
    const second = jsonPieces(ctx, 3);
    const steps = [
      { label: words.pipelineLabel.first!, request: chunkedPost(chunked(asBytes(first.pieces))), value: first.value as unknown },
      { label: words.pipelineLabel.second!, request: chunkedPost(chunked(asBytes(second.pieces), ["X-Sum: 7"])), value: second.value as unknown },
      { label: words.pipelineLabel.third!, request: Buffer.from(get("/about")), value: undefined },
    ];
    const opened = await Conversation.open(ctx.host, ctx.port);
    if (!(opened instanceof Conversation)) return { message: text.common.couldNotConnect(opened.error), hint: text.common.isServerRunning };
    const talk = opened;
    try {
      await talk.write(Buffer.concat(steps.map((step) => step.request)));
      const waitMs = replyTimeout(ctx);
      for (const [i, step] of steps.entries()) {
        const n = i + 1;
        const fail = async (message: string): Promise<Finding> => {
          await quiet(talk);
          return { message, expected: words.pipelinedExpected, rule: RULES.bodyThenNext, hint: text.checks["chunked.pipelined"].hints[1], ...conversationEvidence(ctx, talk) };
        };
        const response = await talk.next(waitMs);
        if (response === null) return fail(words.noAnswer(n, step.label, talk.open));
        if (response.statusLine?.status !== 200) return fail(`${words.forAnswer(n, step.label)} ${text.route.wireStatus(response.statusLine?.status ?? null, 200)}`);
        if (step.value !== undefined && !isDeepStrictEqual(parsedJson(response.body), step.value)) return fail(`${words.forAnswer(n, step.label)} ${words.echoOther(shownBody(response.body))}`);
        // An answer that says close ends the pipeline, as RFC 9112 §9.6 allows (phase 12's checks take it too).
        if (closedAsSaid(talk, response)) return null;
      }
      return null;
    } finally {
      await leavePolitely(ctx, (waitMs) => talk.finish(waitMs));
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Real clients.

export const clientCurlChunked: Check = {
  id: "client.curl-chunked",
  ...text.checks["client.curl-chunked"],
  requires: ["start"],
  async run(ctx) {
    const value = { from: "curl", word: ctx.rng.word(7), n: ctx.rng.int(1, 99) };
    const json = JSON.stringify(value);
    const seconds = replyTimeout(ctx) / 1000;
    const client = curlName();
    const url = `http://127.0.0.1:${ctx.port}${CHUNKED_CONTRACT.echo}`;
    const sent = await runCurl(["-sS", "--max-time", String(seconds), "-H", "Content-Type: application/json", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-", url], seconds * 1000 + 2000, Buffer.from(json));
    if (sent.missing) return { status: "skip", message: text.respond.noCurl };
    const tryUpload = curlChunked(ctx, json);
    if (sent.code !== 0) return { message: words.clientFailed(client, sent.stderr.trim() || `exit ${sent.code}`), expected: words.curlUploadExpected, tryIt: tryUpload };
    if (!isDeepStrictEqual(parsedJson(sent.stdout), value)) return { message: words.clientGotOther(client, shownBody(sent.stdout), json), expected: words.curlUploadExpected, rule: RULES.readChunked, tryIt: tryUpload };
    const target = "/stream?n=3&ms=50";
    const streamed = await runCurl(["-sSN", "--max-time", String(seconds + 1), `http://127.0.0.1:${ctx.port}${target}`], seconds * 1000 + 3000);
    const tryStream = `curl -sN http://127.0.0.1:${ctx.tryPort}${target}`;
    if (streamed.code !== 0) return { message: words.clientFailed(client, streamed.stderr.trim() || `exit ${streamed.code}`), expected: words.curlStreamExpected, tryIt: tryStream };
    const want = CHUNKED_CONTRACT.lines(3);
    if (streamed.stdout.toString("utf8") !== want) return { message: words.clientGotOther(client, shownBody(streamed.stdout), JSON.stringify(want)), expected: words.curlStreamExpected, tryIt: tryStream };
    return null;
  },
};

export const clientFetchStream: Check = {
  id: "client.fetch-stream",
  background: true,
  ...text.checks["client.fetch-stream"],
  requires: ["start"],
  async run(ctx) {
    const client = `Node ${process.versions.node.split(".").slice(0, 2).join(".")}'s fetch`;
    const n = 3;
    const target = `/stream?n=${n}&ms=${STREAM_MS}`;
    const tryStream = `node -e "fetch('http://127.0.0.1:${ctx.tryPort}${target}').then(async r => { for await (const piece of r.body) console.log(Date.now() % 100000, JSON.stringify(new TextDecoder().decode(piece))) })"`;
    const want = CHUNKED_CONTRACT.lines(n);
    const reason = (error: unknown): string => (error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ""}` : String(error));
    try {
      const { response, pieces } = await throughOwnConnections(ctx, async (origin) => {
        const response = await fetchIdempotent(`${origin}${target}`, { signal: AbortSignal.timeout(replyTimeout(ctx) + n * STREAM_MS) });
        const reader = response.body!.getReader();
        const pieces: Buffer[] = [];
        let size = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          pieces.push(Buffer.from(value));
          size += value.length;
          if (size > MAX_KEPT_BYTES) {
            // A body that never ends: stop reading it, and let the connection go.
            await reader.cancel().catch(() => {});
            break;
          }
        }
        return { response, pieces };
      });
      const body = Buffer.concat(pieces);
      if (response.status !== 200 || body.toString("utf8") !== want) return { message: words.clientGotOther(client, `${response.status} ${shownBody(body)}`, `200 ${JSON.stringify(want)}`), expected: words.fetchStreamExpected, tryIt: tryStream };
      if (pieces[0]!.toString("utf8") === want) return { message: words.fetchAllAtOnce(client), expected: words.fetchStreamExpected, rule: RULES.streamAsMade, tryIt: tryStream };
    } catch (error) {
      return { message: words.clientFailed(client, reason(error)), expected: words.fetchStreamExpected, tryIt: tryStream };
    }
    // fetch sends a ReadableStream body with Transfer-Encoding: chunked, a chunk per piece.
    const uploadHint = text.checks["client.fetch-stream"].hints[1];
    const value = { from: "fetch", word: ctx.rng.word(7) };
    const json = Buffer.from(JSON.stringify(value));
    const tryUpload = `node -e "fetch('http://127.0.0.1:${ctx.tryPort}${CHUNKED_CONTRACT.echo}', { method: 'POST', headers: { 'content-type': 'application/json' }, duplex: 'half', body: new Blob(['[1,', '2]']).stream() }).then(async r => console.log(r.status, await r.text()), console.error)"`;
    try {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(json.subarray(0, 5));
          controller.enqueue(json.subarray(5));
          controller.close();
        },
      });
      const { response, body } = await throughOwnConnections(ctx, async (origin) => {
        const response = await fetch(`${origin}${CHUNKED_CONTRACT.echo}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: stream,
          duplex: "half",
          signal: AbortSignal.timeout(replyTimeout(ctx, 3000)),
        } as RequestInit);
        return { response, body: (await cappedBytes(response)) ?? Buffer.alloc(0) };
      });
      if (response.status !== 200 || !isDeepStrictEqual(parsedJson(body), value)) {
        return { message: words.clientGotOther(client, `${response.status} ${shownBody(body)}`, `200 ${JSON.stringify(value)}`), expected: words.fetchUploadExpected, rule: RULES.readChunked, hint: uploadHint, tryIt: tryUpload };
      }
      return null;
    } catch (error) {
      return { message: words.clientFailed(client, reason(error)), expected: words.fetchUploadExpected, hint: uploadHint, tryIt: tryUpload };
    }
  },
};

export const clientChromiumStream: Check = {
  id: "client.chromium-stream",
  ...text.checks["client.chromium-stream"],
  needsBrowser: true,
  requires: ["start"],
  async run(ctx) {
    const n = 3;
    const target = `/stream?n=${n}&ms=50`;
    const browser = await startChromium();
    if (!(browser instanceof Chromium)) return browser;
    const tryIt = words.chromiumTryIt(ctx.tryPort);
    let load: TextLoad;
    try {
      load = await loadText(browser, `http://${ctx.host}:${ctx.port}${target}`);
    } catch (error) {
      if (!(error instanceof BrowserError)) throw error;
      return { status: "skip", message: text.browser.stopped(error.message) };
    } finally {
      await browser.close();
    }
    const want = CHUNKED_CONTRACT.lines(n);
    // net::ERR_INCOMPLETE_CHUNKED_ENCODING: the connection ended before the last chunk (RFC 9112 §8: an incomplete message).
    if (load.failed !== null) return { message: words.clientFailed("Chromium", load.failed), expected: words.chromiumExpected, rule: /CHUNKED/.test(load.failed) ? RULES.incomplete : undefined, tryIt };
    // A text document is shown in a <pre>: its text is the body's, give or take the last line end.
    if (load.shown.replace(/\n$/, "") !== want.replace(/\n$/, "")) return { message: words.clientGotOther("Chromium", JSON.stringify(load.shown.slice(0, 80)), JSON.stringify(want)), expected: words.chromiumExpected, tryIt };
    return null;
  },
};

/** Phase 14's own checks, in the order they run. */
export const chunkedChecks: Check[] = [
  chunkedUnitChunk,
  chunkedUnitRead,
  chunkedStream,
  chunkedStreamHead,
  chunkedStreamHttp10,
  chunkedStreamQuery,
  chunkedStreamKept,
  chunkedRequest,
  chunkedRequestCut,
  chunkedRequestForms,
  chunkedRequestBad,
  chunkedRequestTooBig,
  chunkedTeRefused,
  chunkedPipelined,
  clientCurlChunked,
  clientFetchStream,
  clientChromiumStream,
];
