/**
 * Phase 13: gzip. acceptsGzip() over a table; then the site's long text file asked for with
 * Accept-Encoding in every spelling a client may use, refused in every way it may be refused, and
 * not asked for at all; what is not worth compressing (a few bytes, a PNG); HEAD, 304 and a route's
 * answer; compressed answers in a pipeline; and real clients that decompress (curl, fetch). Each
 * body is decoded with zlib and compared with the file's bytes.
 */
import zlib, { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
import { BrowserError, Chromium } from "../chromium.ts";
import { Conversation } from "../conversation.ts";
import { curlName, runCurl } from "../curl.ts";
import { header, type ParsedResponse } from "../http-reader.ts";
import { RULES } from "../http-rules.ts";
import { RecordingProxy } from "../recording-proxy.ts";
import type { Site, SiteFile } from "../site.ts";
import { MAX_KEPT_BYTES } from "../wire.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { ask, evidence, fetchIdempotent, replyTimeout, throughOwnConnections, whyNoResponse, type Asked, leavePolitely } from "./common.ts";
import { conversationEvidence, get, head } from "./keep.ts";
import { callExport } from "./parse.ts";
import { loadText, startChromium, type TextLoad } from "./browser.ts";
import { quiet } from "./pipeline.ts";
import { cappedBytes } from "./respond.ts";
import { wrongOnWire } from "./route.ts";

const words = text.gzip;

/** What the contract fixes. */
export const GZIP_CONTRACT = {
  /** The solutions' threshold; the checks ask only for bodies well below or well above any threshold a server may choose. */
  minBytes: 1024,
  /** A body shorter than this is never worth compressing. */
  smallBelow: 150,
  /** A text body longer than this is always worth it. */
  largeAbove: 4096,
  echo: "/api/echo",
};

/** Bytes a decoder may make of one body: a server's gzip bomb must not fill the checker's memory. */
const MAX_DECODED_BYTES = 16 * 1024 * 1024;

function siteOf(ctx: CheckContext): Site | Finding {
  return ctx.site ?? { status: "skip", message: text.static.noSite };
}

// ---------------------------------------------------------------------------------------------
// The checker's own reading of Accept-Encoding and Content-Encoding.

/** Each coding's weight in an Accept-Encoding value (lowercase names, x-gzip read as gzip); null for no field. */
function weights(acceptEncoding: string | null): Map<string, number> | null {
  if (acceptEncoding === null) return null;
  const found = new Map<string, number>();
  for (const entry of acceptEncoding.split(",")) {
    const [coding = "", ...parameters] = entry.split(";").map((part) => part.trim());
    const name = coding.toLowerCase() === "x-gzip" ? "gzip" : coding.toLowerCase();
    if (name === "") continue;
    const q = parameters.map((parameter) => /^q\s*=\s*(.*)$/i.exec(parameter)?.[1]).find((value) => value !== undefined);
    // A weight that is not a qvalue (RFC 9110 §12.4.2: 0 to 1, three decimals at most): the entry does not count.
    if (q !== undefined && !/^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(q)) continue;
    found.set(name, Math.max(found.get(name) ?? 0, q === undefined ? 1 : Number(q)));
  }
  return found;
}

/** Whether a request with this Accept-Encoding accepts a response in `coding` (RFC 9110 §12.5.3; no field: the lab's rule, no coding). */
function accepts(acceptEncoding: string | null, coding: string): boolean {
  const table = weights(acceptEncoding);
  const name = coding === "x-gzip" ? "gzip" : coding;
  if (table === null) return false;
  const weight = table.get(name) ?? table.get("*");
  return weight !== undefined && weight > 0;
}

/** The codings a Content-Encoding lists, in the order they were applied, in lowercase. */
export function codingsOf(response: ParsedResponse): string[] {
  // Field lines of one name make one list, in order (RFC 9110 §5.3): "deflate" then "gzip" is "deflate, gzip".
  return response.headers
    .filter(([name]) => name.toLowerCase() === "content-encoding")
    .flatMap(([, value]) => value.split(","))
    .map((coding) => coding.trim().toLowerCase())
    .filter(Boolean);
}

const DECODERS: Record<string, (bytes: Buffer) => Buffer> = {
  gzip: (bytes) => gunzipSync(bytes, { maxOutputLength: MAX_DECODED_BYTES }),
  "x-gzip": (bytes) => gunzipSync(bytes, { maxOutputLength: MAX_DECODED_BYTES }),
  // "deflate" is the zlib format (RFC 9110 §8.4.1.2). Raw deflate, without the zlib wrapper, is
  // what some servers send and some clients guess at: the RFC calls it non-conformant.
  deflate: (bytes) => {
    try {
      return inflateSync(bytes, { maxOutputLength: MAX_DECODED_BYTES });
    } catch (error) {
      let raw = false;
      try {
        inflateRawSync(bytes, { maxOutputLength: MAX_DECODED_BYTES });
        raw = true;
      } catch {
        // Neither: the zlib error says what is wrong.
      }
      throw raw ? new Error(words.rawDeflate) : error;
    }
  },
  br: (bytes) => brotliDecompressSync(bytes, { maxOutputLength: MAX_DECODED_BYTES }),
  // zstd (RFC 8878) where this Node's zlib has it (22.15 and later): curl, Chromium and fetch on Node 24 read it too.
  ...(typeof zlib.zstdDecompressSync === "function" ? { zstd: (bytes: Buffer) => zlib.zstdDecompressSync(bytes, { maxOutputLength: MAX_DECODED_BYTES }) } : {}),
};

/** More codings than this on one body: fetch and curl refuse the answer (the RFC sets no limit; this lab's rule follows the clients). */
const MAX_CODINGS = 5;

/**
 * The body with its codings undone, last applied first, as the checker reads it (the differential
 * test compares this with fetch and curl). Throws on a coding it does not know or bytes that do
 * not decode.
 */
export function decodeContent(codings: string[], body: Buffer): Buffer {
  if (codings.length > MAX_CODINGS) throw new Error(words.tooManyCodings(codings.length, MAX_CODINGS));
  let decoded = body;
  for (const coding of [...codings].reverse()) {
    const decoder = DECODERS[coding];
    if (!decoder) throw new Error(words.unknownCoding(coding));
    decoded = decoder(decoded);
  }
  return decoded;
}

const isGzip = (bytes: Buffer): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Up to 8 bytes as hex: "1F 8B 08 00". */
function hex(bytes: Buffer): string {
  return [...bytes.subarray(0, 8)].map((byte) => byte.toString(16).toUpperCase().padStart(2, "0")).join(" ") || "none";
}

/** The media type of a Content-Type, in lowercase. */
const mediaType = (value: string | undefined): string => (value ?? "").split(";")[0]!.trim().toLowerCase();

/** Whether a Vary value names Accept-Encoding (in any case, in a list) or is *. */
function variesOnEncoding(response: ParsedResponse): boolean {
  const names = response.headers
    .filter(([name]) => name.toLowerCase() === "vary")
    .flatMap(([, value]) => value.split(","))
    .map((name) => name.trim().toLowerCase());
  return names.includes("accept-encoding") || names.includes("*");
}

/** What a body is judged against. */
interface Wanted {
  /** The body as it is (the file, or the JSON that was sent). */
  bytes: Buffer;
  /** The request's Accept-Encoding; null when it had none. */
  acceptEncoding: string | null;
  /** "compressed": in a coding the request accepts; "as-is": no coding; "either": as it is, or a coding the request still accepts. */
  want: "compressed" | "as-is" | "either";
  /** The Content-Type the body has as it is: a compressed answer keeps it. */
  type?: string;
  /** Vary: Accept-Encoding is required. */
  vary?: boolean;
  /** Words for a body compressed where it should not be (a small body, an image), with its length before and after. */
  wronglyCompressed?: (size: number, compressed: number) => string;
  /** Compare the decoded body as JSON (a route's answer is JSON serialized again). */
  json?: boolean;
}

type Problem = Pick<Finding, "message" | "expected" | "rule" | "hint">;

/** Null when the body fits `wanted`; else what is wrong, in words. */
function bodyProblem(response: ParsedResponse, wanted: Wanted, expected: string): Problem | null {
  const codings = codingsOf(response);
  const body = response.body;
  const same = (decoded: Buffer): boolean => (wanted.json ? sameJson(decoded, wanted.bytes) : decoded.equals(wanted.bytes));
  if (codings.includes("identity")) return { message: words.identityLabel, expected, rule: RULES.identityNotALabel };
  if (codings.length === 0) {
    if (isGzip(body) && !isGzip(wanted.bytes)) return { message: words.unlabelled(hex(body)), expected, rule: RULES.contentEncodingSaid };
    if (!same(body)) return { message: words.otherBody(body.length, wanted.bytes.length), expected, rule: RULES.fileBytes };
    if (wanted.want === "compressed") return { message: words.notCompressed(body.length), expected, rule: RULES.gzipWhenAsked };
    return null;
  }
  // A coding was applied.
  if (wanted.acceptEncoding === null) return { message: words.sentUnasked(codings.join(", ")), expected, rule: RULES.gzipOnlyWhenAsked, hint: words.unaskedHint };
  for (const coding of codings) {
    if (accepts(wanted.acceptEncoding, coding)) continue;
    const gzip = coding === "gzip" || coding === "x-gzip";
    return { message: gzip ? words.refusedGzip(wanted.acceptEncoding) : words.codingNotAccepted(coding), expected, rule: RULES.codingAccepted };
  }
  if (codings.length > MAX_CODINGS) return { message: words.tooManyCodings(codings.length, MAX_CODINGS), expected, rule: RULES.fewCodings };
  let decoded = body;
  for (const coding of [...codings].reverse()) {
    const decoder = DECODERS[coding];
    if (!decoder) return { message: words.unknownCoding(coding), expected, rule: RULES.codingAccepted };
    try {
      decoded = decoder(decoded);
    } catch (error) {
      return { message: words.notDecoded(coding, (error as Error).message, hex(decoded)), expected, rule: RULES.contentEncodingSaid };
    }
  }
  if (!same(decoded)) {
    if (isGzip(decoded) && !isGzip(wanted.bytes)) return { message: words.compressedTwice(codings.at(-1)!), expected, rule: RULES.contentEncodingSaid };
    return { message: wanted.json ? words.echoNotJson(codings.join(", ")) : words.decodedOther(codings.join(", "), decoded.length, wanted.bytes.length), expected, rule: RULES.fileBytes };
  }
  if (wanted.want === "as-is") return { message: (wanted.wronglyCompressed ?? ((size, compressed) => words.compressedSmall(size, compressed)))(wanted.bytes.length, body.length), expected, rule: RULES.gzipWorthIt };
  if (wanted.type !== undefined && mediaType(header(response, "content-type")) !== mediaType(wanted.type)) {
    return { message: words.typeChanged(header(response, "content-type") ?? "(none)", wanted.type), expected, rule: RULES.typeOfTheContent };
  }
  return null;
}

function sameJson(got: Buffer, sent: Buffer): boolean {
  try {
    return JSON.stringify(JSON.parse(got.toString("utf8"))) === JSON.stringify(JSON.parse(sent.toString("utf8")));
  } catch {
    return false;
  }
}

/** Null when `response` (all of it came) is right for `wanted`, Vary included. */
function answerProblem(response: ParsedResponse, wanted: Wanted, expected: string): Problem | null {
  const problem = bodyProblem(response, wanted, expected);
  if (problem) return problem;
  if (wanted.vary && !variesOnEncoding(response)) return { message: words.noVary(header(response, "vary")), expected, rule: RULES.varyAcceptEncoding, hint: words.varyHint };
  return null;
}

/**
 * A compressed answer whose Content-Length is the file's length before compressing: the reader
 * waits for bytes that never come (or, on a closed connection, finds the body short). Named before
 * the framing it breaks.
 */
function originalLength(response: ParsedResponse | null, wanted: Wanted, expected: string): Problem | null {
  if (!response || response.bodyStart === null || codingsOf(response).length === 0) return null;
  const length = header(response, "content-length")?.trim();
  if (length !== String(wanted.bytes.length) || response.body.length >= wanted.bytes.length) return null;
  return { message: words.lengthOfOriginal(length, wanted.bytes.length), expected, rule: RULES.incomplete, hint: words.lengthHint };
}

/** A curl line that shows the head of the same request (its body may be binary). */
function curlHead(ctx: CheckContext, url: string, acceptEncoding: string | null, method = "GET", more: string[] = []): string {
  const fields = [...(acceptEncoding === null ? [] : [`Accept-Encoding: ${acceptEncoding}`]), ...more];
  const shown = fields.map((field) => ` -H '${field}'`).join("");
  return `curl -s -o /dev/null -D -${method === "HEAD" ? " -I" : ""}${shown} http://127.0.0.1:${ctx.tryPort}${url}`;
}

/** Asks for `url` with this Accept-Encoding (none when null) and judges the answer. */
async function askFor(ctx: CheckContext, url: string, acceptEncoding: string | null, wanted: Omit<Wanted, "acceptEncoding">, expected: string, lead: string): Promise<Finding | null> {
  const request = get(url, acceptEncoding === null ? [] : [`Accept-Encoding: ${acceptEncoding}`]);
  const answer = await ask(ctx, [{ data: request }]);
  return judged(ctx, answer, { ...wanted, acceptEncoding }, expected, lead, curlHead(ctx, url, acceptEncoding));
}

/**
 * What a compressed body holds, in words, for the evidence: its bytes on the wire are binary, and
 * a student reads "decodes to 26492 bytes: 1. jfs6 dhk…" where the raw bytes say nothing.
 */
function decodedNote(response: ParsedResponse | null): string | null {
  if (!response || response.body.length === 0) return null;
  const codings = codingsOf(response);
  if (codings.length === 0) return null;
  try {
    const decoded = decodeContent(codings, response.body);
    return words.decodedNote(codings.join(", "), response.body.length, decoded.length, decoded.subarray(0, 60).toString("utf8").replace(/\uFFFD/g, "?"));
  } catch {
    return null;
  }
}

function judged(ctx: CheckContext, answer: Asked, wanted: Wanted, expected: string, lead: string, tryIt: string): Finding | null {
  const base = evidence(ctx, answer);
  const note = decodedNote(answer.response);
  const shown = { ...base, receivedNote: note === null ? base.receivedNote : base.receivedNote ? `${base.receivedNote}; ${note}` : note, tryIt };
  const long = originalLength(answer.response, wanted, expected);
  if (long) return { ...long, message: `${lead} ${long.message}`, ...shown };
  const wrong = wrongOnWire(ctx, answer, 200, { body: wanted.bytes.length > 0 });
  if (wrong) return { ...wrong, message: `${lead} ${lowerFirst(wrong.message)}`, tryIt };
  const problem = answerProblem(answer.response!, wanted, expected);
  return problem && { ...problem, message: `${lead} ${problem.message}`, ...shown };
}

const lowerFirst = (message: string): string => message.charAt(0).toLowerCase() + message.slice(1);

// ---------------------------------------------------------------------------------------------
// acceptsGzip()

/** Each value, the answer, and why (the words of a wrong answer). */
const ACCEPTS: Array<{ value: string | undefined; want: boolean; why: string }> = [
  { value: "gzip", want: true, why: "plain" },
  { value: "GZIP", want: true, why: "caseless" },
  { value: "deflate, gzip;q=0.5", want: true, why: "list" },
  { value: "br;q=1.0,\tgzip ; q=0.8", want: true, why: "spaces" },
  { value: "gzip;q=0", want: false, why: "qZero" },
  { value: "gzip;q=0.000", want: false, why: "qZeroDecimals" },
  { value: "deflate, GZIP;Q=0", want: false, why: "qCaseless" },
  { value: "*", want: true, why: "star" },
  { value: "*;q=0", want: false, why: "starZero" },
  { value: "gzip;q=0, *", want: false, why: "starButGzipZero" },
  { value: "*;q=0, gzip;q=0.1", want: true, why: "gzipOverStarZero" },
  { value: "identity", want: false, why: "notListed" },
  { value: "deflate, br", want: false, why: "notListed" },
  { value: "x-gzip2, gzipper", want: false, why: "substring" },
  { value: "x-gzip", want: true, why: "xGzip" },
  { value: "", want: false, why: "empty" },
  { value: undefined, want: false, why: "missing" },
];

export const gzipUnitAccepts: Check = {
  id: "gzip.unit-accepts",
  ...text.checks["gzip.unit-accepts"],
  needsModule: true,
  async run(ctx) {
    for (const { value, want, why } of ACCEPTS) {
      // Called with no argument when there is no field: the value is then undefined, as the server passes it.
      const called = await callExport(ctx, "acceptsGzip", value === undefined ? [] : [value]);
      if ("finding" in called) return called.finding;
      const returned = called.value.value;
      const got = typeof returned === "object" && !Buffer.isBuffer(returned) ? returned.json : returned;
      const call = `acceptsGzip(${value === undefined ? "" : JSON.stringify(value)})`;
      if (typeof got !== "boolean") return { message: words.unitReturned(call, JSON.stringify(got) ?? String(got), words.notBoolean), expected: String(want) };
      if (got !== want) {
        // Saying no where gzip is accepted only forgoes compression (the contract's rule); saying yes
        // where it is refused sends a coding the client cannot use (the RFC's SHOULD).
        const rule = why === "missing" ? RULES.gzipOnlyWhenAsked : why === "xGzip" ? RULES.xGzip : want ? RULES.gzipWhenAsked : RULES.codingAccepted;
        return { message: words.unitReturned(call, String(got), words.unitWhy[why]!), expected: String(want), rule };
      }
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// The long text file, asked for in every way.

export const gzipCompressed: Check = {
  id: "gzip.compressed",
  ...text.checks["gzip.compressed"],
  requires: ["start"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const file = site.long;
    return askFor(ctx, file.url, "gzip", { bytes: file.bytes, want: "compressed", type: file.type, vary: true }, words.compressedExpected("gzip"), words.forAsked(file.url, "gzip"));
  },
};

export const gzipNotAsked: Check = {
  id: "gzip.not-asked",
  ...text.checks["gzip.not-asked"],
  requires: ["start"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const file = site.long;
    return askFor(ctx, file.url, null, { bytes: file.bytes, want: "as-is", vary: true }, words.notAskedExpected, words.forAsked(file.url, null));
  },
};

/** Spellings of "gzip, please", as real clients and the RFC write them. */
const SPELLINGS = ["GZIP", "deflate, gzip;q=0.5", "br;q=0.9,\tgzip ; q=1.0", "*", "identity;q=0.5, gzip"];

export const gzipAnySpelling: Check = {
  id: "gzip.any-spelling",
  ...text.checks["gzip.any-spelling"],
  requires: ["gzip.compressed"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const file = site.long;
    for (const acceptEncoding of SPELLINGS) {
      const found = await askFor(ctx, file.url, acceptEncoding, { bytes: file.bytes, want: "compressed", type: file.type }, words.compressedExpected("gzip"), words.forAsked(file.url, acceptEncoding));
      if (found) return found;
    }
    return null;
  },
};

/** Ways of saying "no gzip". A server may still send a coding the value accepts (gzip;q=0, * accepts br). */
const REFUSALS = ["gzip;q=0", "deflate, GZIP;Q=0.000", "identity", "", "gzip;q=0, *", "*;q=0, identity"];
/** Refuses every coding, and the body as it is too: the body as it is, or 406, both pass. */
const NOTHING_ACCEPTABLE = "identity;q=0, *;q=0";

export const gzipRefused: Check = {
  id: "gzip.refused",
  ...text.checks["gzip.refused"],
  requires: ["gzip.compressed"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const file = site.long;
    for (const acceptEncoding of [...REFUSALS, NOTHING_ACCEPTABLE]) {
      const answer = await ask(ctx, [{ data: get(file.url, [`Accept-Encoding: ${acceptEncoding}`]) }]);
      // Nothing acceptable is left, not even the body as it is: 406 passes too (RFC 9110 §12.5.3, §15.5.7).
      if (acceptEncoding === NOTHING_ACCEPTABLE && answer.response?.statusLine?.status === 406) continue;
      const found = judged(ctx, answer, { bytes: file.bytes, acceptEncoding, want: "either" }, words.refusedExpected, words.forAsked(file.url, acceptEncoding), curlHead(ctx, file.url, acceptEncoding));
      if (found) return found;
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// What is not worth compressing.

export const gzipSmallBody: Check = {
  id: "gzip.small-body",
  ...text.checks["gzip.small-body"],
  requires: ["start"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const name = ctx.rng.word(5);
    const hello = Buffer.from(`Hello, ${name}!`);
    for (const [url, bytes] of [[site.text.url, site.text.bytes], [`/hello/${name}`, hello]] as const) {
      const found = await askFor(ctx, url, "gzip", { bytes, want: "as-is" }, words.asIsExpected, words.forBody(`GET ${url} (${bytes.length} bytes)`));
      if (found) return found;
    }
    return null;
  },
};

export const gzipNotImages: Check = {
  id: "gzip.not-images",
  ...text.checks["gzip.not-images"],
  requires: ["start"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const file: SiteFile = site.photo;
    return askFor(ctx, file.url, "gzip", { bytes: file.bytes, want: "as-is", wronglyCompressed: (size, compressed) => words.compressedImage("PNG", size, compressed) }, words.asIsExpected, words.forBody(`GET ${file.url} (a PNG of ${file.bytes.length} bytes)`));
  },
};

// ---------------------------------------------------------------------------------------------
// HEAD, 304, a route's answer.

export const gzipHead: Check = {
  id: "gzip.head",
  ...text.checks["gzip.head"],
  requires: ["gzip.compressed"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const url = site.long.url;
    const fields = ["Accept-Encoding: gzip"];
    const full = await ask(ctx, [{ data: get(url, fields) }]);
    const headOnly = await ask(ctx, [{ data: head("HEAD", url, fields) }], { method: "HEAD" });
    const tryIt = curlHead(ctx, url, "gzip", "HEAD");
    const why = whyNoResponse(ctx, headOnly) ?? whyNoResponse(ctx, full);
    if (why) return { ...why, tryIt };
    const shown = { ...evidence(ctx, headOnly), tryIt };
    for (const field of ["content-encoding", "content-length", "vary"]) {
      const a = header(headOnly.response!, field)?.trim();
      const b = header(full.response!, field)?.trim();
      if (a?.toLowerCase() !== b?.toLowerCase()) return { message: words.headDiffers(canonical(field), a, b), expected: words.headExpected, rule: RULES.headSameHead, hint: words.headHint, ...shown };
    }
    const after = headOnly.response!.bodyStart === null ? 0 : headOnly.result.received.length - headOnly.response!.bodyStart;
    if (after > 0) return { message: words.headBody(after), expected: words.headExpected, rule: RULES.noContent, ...shown };
    return null;
  },
};

const canonical = (field: string): string => field.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());

export const gzipVary304: Check = {
  id: "gzip.vary-304",
  ...text.checks["gzip.vary-304"],
  requires: ["gzip.compressed"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const url = site.long.url;
    // The file's own date: the client's copy is as new as the file.
    const since = new Date(site.mtimeMs).toUTCString();
    const fields = ["Accept-Encoding: gzip", `If-Modified-Since: ${since}`];
    const answer = await ask(ctx, [{ data: get(url, fields) }]);
    const tryIt = curlHead(ctx, url, "gzip", "GET", [`If-Modified-Since: ${since}`]);
    const why = whyNoResponse(ctx, answer);
    if (why) return { ...why, tryIt };
    const response = answer.response!;
    const shown = { ...evidence(ctx, answer), tryIt };
    if (response.statusLine?.status !== 304) return { message: words.not304(response.statusLine?.status ?? null), expected: words.vary304Expected, rule: RULES.notModified, ...shown };
    if (!variesOnEncoding(response)) return { message: words.noVary304(header(response, "vary")), expected: words.vary304Expected, rule: RULES.vary304, hint: words.varyHint, ...shown };
    return null;
  },
};

/** A JSON value of several KiB, with text that repeats (as real JSON does) and the run's own words. */
function largeValue(ctx: CheckContext): unknown {
  const name = ctx.rng.word(6);
  return { name: `Jürgen ✓ ${name}`, items: Array.from({ length: 120 }, (_, i) => ({ id: i, word: ctx.rng.word(5), tags: ["ä", "日本"], done: i % 3 === 0 })) };
}

export const gzipEcho: Check = {
  id: "gzip.echo",
  ...text.checks["gzip.echo"],
  requires: ["start"],
  async run(ctx) {
    const body = Buffer.from(JSON.stringify(largeValue(ctx)));
    const request = Buffer.concat([Buffer.from(head("POST", GZIP_CONTRACT.echo, ["Content-Type: application/json", `Content-Length: ${body.length}`, "Accept-Encoding: gzip"])), body]);
    const answer = await ask(ctx, [{ data: request }]);
    const tryIt = `node -e "process.stdout.write(JSON.stringify({ items: Array.from({ length: 120 }, (_, id) => ({ id, word: 'ab' + id })) }))" | curl -s -o /dev/null -D - -H 'Content-Type: application/json' -H 'Accept-Encoding: gzip' --data-binary @- http://127.0.0.1:${ctx.tryPort}${GZIP_CONTRACT.echo}`;
    return judged(ctx, answer, { bytes: body, acceptEncoding: "gzip", want: "compressed", type: "application/json", vary: true, json: true }, words.echoExpected, words.forEcho(body.length), tryIt);
  },
};

// ---------------------------------------------------------------------------------------------
// A pipeline of compressed and plain answers.

export const gzipPipelined: Check = {
  id: "gzip.pipelined",
  ...text.checks["gzip.pipelined"],
  requires: ["gzip.compressed"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const file = site.long;
    const opened = await Conversation.open(ctx.host, ctx.port);
    if (!(opened instanceof Conversation)) return { message: text.common.couldNotConnect(opened.error), hint: text.common.isServerRunning };
    const talk = opened;
    const steps: Array<{ request: string; label: string; method?: string; wanted?: Wanted; about?: true }> = [
      { request: get(file.url, ["Accept-Encoding: gzip"]), label: `GET ${file.url} with gzip`, wanted: { bytes: file.bytes, acceptEncoding: "gzip", want: "compressed", type: file.type } },
      { request: get(file.url), label: `GET ${file.url}`, wanted: { bytes: file.bytes, acceptEncoding: null, want: "as-is" } },
      { request: head("HEAD", file.url, ["Accept-Encoding: gzip"]), label: `HEAD ${file.url} with gzip`, method: "HEAD" },
      { request: get("/about"), label: "GET /about", about: true },
    ];
    try {
      await talk.write(steps.map((step) => step.request).join(""));
      const waitMs = replyTimeout(ctx);
      let compressedLength: string | undefined;
      for (const [i, step] of steps.entries()) {
        const n = i + 1;
        const response = await talk.next(waitMs, step.method);
        const fail = async (problem: Problem): Promise<Finding> => {
          await quiet(talk);
          return { ...problem, expected: words.pipelineExpected, ...conversationEvidence(ctx, talk) };
        };
        if (response === null) {
          const start = talk.unread.subarray(0, 5).toString("latin1");
          if (start.length > 0 && !"HTTP/".startsWith(start)) return fail({ message: words.notAResponse(n, talk.unread.length, hex(talk.unread)), rule: RULES.extraBytes, hint: words.lengthHint });
          return fail({ message: words.noAnswer(n, step.label, talk.open) });
        }
        if (response.statusLine?.status !== 200) return fail({ message: `${words.forAnswer(n, step.label)} ${text.route.wireStatus(response.statusLine?.status ?? null, 200)}` });
        if (step.wanted) {
          const problem = bodyProblem(response, step.wanted, words.pipelineExpected);
          if (problem) return fail({ ...problem, message: `${words.forAnswer(n, step.label)} ${problem.message}` });
          if (i === 0) compressedLength = header(response, "content-length")?.trim();
        } else if (step.method === "HEAD") {
          const length = header(response, "content-length")?.trim();
          if (length !== compressedLength) return fail({ message: `${words.forAnswer(n, step.label)} ${words.headDiffers("Content-Length", length, compressedLength)}`, rule: RULES.headSameHead, hint: words.headHint });
        }
      }
      return null;
    } finally {
      await leavePolitely(ctx, (waitMs) => talk.finish(waitMs));
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Real clients.

export const clientCurlCompressed: Check = {
  id: "client.curl-compressed",
  ...text.checks["client.curl-compressed"],
  requires: ["start"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const file = site.long;
    const tryIt = `curl -sv --compressed -o /dev/null http://127.0.0.1:${ctx.tryPort}${file.url}`;
    const proxy = await RecordingProxy.start(ctx.host, ctx.port);
    try {
      const seconds = replyTimeout(ctx) / 1000;
      const ran = await runCurl(["-sS", "--compressed", "--max-time", String(seconds), `http://127.0.0.1:${proxy.port}${file.url}`], seconds * 1000 + 2000);
      if (ran.missing) return { status: "skip", message: text.respond.noCurl };
      const client = curlName();
      // 61: "Unrecognized transfer encoding", curl's words for a body that does not decode.
      if (ran.code === 61) return { message: words.curlBadEncoding(client, ran.stderr.trim()), expected: words.clientExpected, rule: RULES.contentEncodingSaid, tryIt };
      if (ran.code !== 0) return { message: words.clientFailed(client, ran.stderr.trim().replaceAll(`:${proxy.port}`, `:${ctx.port}`) || `exit ${ran.code}`), expected: words.clientExpected, tryIt };
      if (!ran.stdout.equals(file.bytes)) return { message: words.clientGotOther(client, ran.stdout.length, file.bytes.length), expected: words.clientExpected, tryIt };
      const sent = Buffer.concat(proxy.connections[0]?.fromServer ?? []);
      if (!/\r\ncontent-encoding:[ \t]*\S/i.test(sent.subarray(0, sent.indexOf("\r\n\r\n") + 2).toString("latin1"))) {
        return { message: words.clientNotCompressed(client, "deflate, gzip"), expected: words.clientExpected, rule: RULES.gzipWhenAsked, tryIt };
      }
      return null;
    } finally {
      await leavePolitely(ctx, (waitMs) => proxy.close(waitMs));
    }
  },
};

export const clientFetchCompressed: Check = {
  id: "client.fetch-compressed",
  ...text.checks["client.fetch-compressed"],
  requires: ["start"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const file = site.long;
    const client = `Node ${process.versions.node.split(".").slice(0, 2).join(".")}'s fetch`;
    const tryIt = `node -e "fetch('http://127.0.0.1:${ctx.tryPort}${file.url}').then(async r => console.log(r.status, r.headers.get('content-encoding'), (await r.arrayBuffer()).byteLength), console.error)"`;
    try {
      const { response, body } = await throughOwnConnections(ctx, async (origin) => {
        const response = await fetchIdempotent(`${origin}${file.url}`, { signal: AbortSignal.timeout(replyTimeout(ctx, 3000)) });
        return { response, body: (await cappedBytes(response)) ?? Buffer.alloc(MAX_KEPT_BYTES + 1) };
      });
      if (response.status !== 200 || !body.equals(file.bytes)) return { message: words.clientGotOther(client, body.length, file.bytes.length), expected: words.clientExpected, tryIt };
      if (response.headers.get("content-encoding") === null) return { message: words.clientNotCompressed(client, "gzip, deflate"), expected: words.clientExpected, rule: RULES.gzipWhenAsked, tryIt };
      return null;
    } catch (error) {
      const reason = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ""}` : String(error);
      return { message: words.clientFailed(client, reason), expected: words.clientExpected, tryIt };
    }
  },
};

export const clientChromiumCompressed: Check = {
  id: "client.chromium-compressed",
  ...text.checks["client.chromium-compressed"],
  needsBrowser: true,
  requires: ["start"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const file = site.long;
    const browser = await startChromium();
    if (!(browser instanceof Chromium)) return browser;
    const tryIt = words.chromiumTryIt(ctx.tryPort, file.url);
    let load: TextLoad;
    try {
      load = await loadText(browser, `http://${ctx.host}:${ctx.port}${file.url}`);
    } catch (error) {
      if (!(error instanceof BrowserError)) throw error;
      return { status: "skip", message: text.browser.stopped(error.message) };
    } finally {
      await browser.close();
    }
    const { failed, shown } = load;
    const coding = Object.entries(load.headers ?? {}).find(([name]) => name.toLowerCase() === "content-encoding")?.[1]?.slice(0, 100) ?? null;
    const client = "Chromium";
    const want = file.bytes.toString("utf8");
    if (failed !== null) return { message: words.clientFailed(client, failed), expected: words.clientExpected, rule: /DECODING|LENGTH/.test(failed) ? RULES.contentEncodingSaid : undefined, tryIt };
    // A text document is shown in a <pre>: its text is the file's, give or take the last line end.
    if (shown.replace(/\n$/, "") !== want.replace(/\n$/, "")) return { message: words.clientGotOther(client, Buffer.byteLength(shown), file.bytes.length), expected: words.clientExpected, tryIt };
    if (coding === null) return { message: words.clientNotCompressed(client, "gzip, deflate, br, zstd"), expected: words.clientExpected, rule: RULES.gzipWhenAsked, tryIt };
    return null;
  },
};

/** Phase 13's own checks, in the order they run. */
export const gzipChecks: Check[] = [
  gzipUnitAccepts,
  gzipCompressed,
  gzipNotAsked,
  gzipAnySpelling,
  gzipRefused,
  gzipSmallBody,
  gzipNotImages,
  gzipHead,
  gzipVary304,
  gzipEcho,
  gzipPipelined,
  clientCurlCompressed,
  clientFetchCompressed,
  clientChromiumCompressed,
];
