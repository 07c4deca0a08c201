/**
 * The strict response reader: reads the bytes a server sent the way RFC 9112 tells a client to,
 * and lists every problem it finds, each with a code the checks can name and the rule it breaks.
 *
 * Framing follows RFC 9112 §6.3 in order: interim 1xx responses are read and skipped; a response
 * to HEAD, a 204 and a 304 end with their head; Transfer-Encoding with chunked last is read chunk
 * by chunk; otherwise one valid Content-Length counts the body; otherwise the body runs to the
 * close. A response is complete only when its framing says so. It never throws: whatever the
 * bytes, it returns what it could read and what is wrong.
 */
import { RULES, type Rule } from "./http-rules.ts";
import { text } from "../text.ts";
import { printable } from "./visible.ts";

export type ProblemCode =
  | "empty"
  | "no-status-line"
  | "bad-status-line"
  | "bad-version"
  | "bad-status-code"
  | "bare-lf"
  | "bare-cr"
  | "no-blank-line"
  | "bad-header"
  | "obs-fold"
  | "control-in-value"
  | "no-content-length"
  | "chunked-not-length"
  | "bad-content-length"
  | "duplicate-content-length"
  | "length-on-no-content"
  | "te-and-length"
  | "bad-transfer-encoding"
  | "bad-chunk"
  | "unasked-upgrade"
  | "length-in-characters"
  | "body-longer"
  | "body-shorter"
  | "content-after-head"
  | "incomplete";

export interface Problem {
  code: ProblemCode;
  message: string;
  rule: Rule;
}

export interface StatusLine {
  text: string;
  version: string;
  status: number;
  reason: string;
}

/** How the body's end is known (RFC 9112 §6.3); "none": the response has no content at all. */
export type Framing = "none" | "length" | "chunked" | "close";

export interface ParsedResponse {
  /** The final response's status line, if it is one. */
  statusLine: StatusLine | null;
  /** The final response's first line as sent (escaped only when shown), without its line end. */
  firstLine: string;
  /** Interim 1xx responses read before the final one (RFC 9110 §15.2). */
  interim: StatusLine[];
  /** Field lines as read, obs-folds joined with a space (RFC 9112 §5.2). */
  headers: Array<[name: string, value: string]>;
  trailers: Array<[name: string, value: string]>;
  /** Where the final response's body starts, or null while its head has not ended. */
  bodyStart: number | null;
  framing: Framing | null;
  /** The body: Content-Length bytes, the chunks' data joined, or everything to the close. */
  body: Buffer;
  /** Bytes after the response's end: on a kept-alive connection, the start of a next response. */
  extra: Buffer;
  contentLength: number | null;
  /** The framing says the response has ended. */
  complete: boolean;
  /** The framing is broken: waiting for more bytes cannot make this response whole. */
  broken: boolean;
  problems: Problem[];
}

export interface ReadOptions {
  /** The request's method: a response to HEAD has no content (RFC 9112 §6.3 (1)). */
  method?: string;
  /** More requests were sent on the connection: bytes after this response are the next one's. */
  more?: boolean;
  /** Only say where the response ends: a chunked body's data is walked, not joined (a flood of tiny chunks stays cheap). */
  framingOnly?: boolean;
}

export function header(response: Pick<ParsedResponse, "headers">, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return response.headers.find(([key]) => key.toLowerCase() === wanted)?.[1];
}

export function hasProblem(response: ParsedResponse, code: ProblemCode): Problem | undefined {
  return response.problems.find((problem) => problem.code === code);
}

/** The problems that break a MUST of the RFCs (not SHOULDs, not the lab's own rules). */
export function mustProblems(response: ParsedResponse): Problem[] {
  return response.problems.filter((problem) => problem.rule.level === "MUST");
}

/** True once `bytes` hold a whole response, or one whose framing is so broken that more bytes cannot mend it. */
export function isCompleteResponse(bytes: Buffer, options: ReadOptions = {}): boolean {
  const response = readResponse(bytes, false, { ...options, framingOnly: true });
  return response.complete || response.broken;
}

/** Index of the first byte after the first empty line ("\r\n\r\n", or one made of a bare "\n"). */
export function findBodyStart(bytes: Buffer, from = 0): number | null {
  for (let i = bytes.indexOf(0x0a, from); i !== -1; i = bytes.indexOf(0x0a, i + 1)) {
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return null;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const STATUS_LINE = /^HTTP\/(\d)\.(\d) (\d{3})(?:( )(.*))?$/s;
/** Control bytes a field value or a reason phrase may not hold (HTAB is allowed; a stray CR is "bare-cr"). */
const CONTROL = /[\x00-\x08\x0a-\x0c\x0e-\x1f\x7f]/;
const HTTP_NAME = Buffer.from("HTTP/", "latin1");

interface Line {
  text: string;
  /** Ended by "\n" alone. */
  bareLf: boolean;
}

/** The lines of one head from `from`, up to and including its empty line; end is null while it has not come. */
function scanHead(bytes: Buffer, from: number): { lines: Line[]; end: number | null; blankBareLf: boolean; partial: string } {
  const lines: Line[] = [];
  let pos = from;
  for (;;) {
    const lf = bytes.indexOf(0x0a, pos);
    if (lf === -1) return { lines, end: null, blankBareLf: false, partial: bytes.subarray(pos).toString("latin1") };
    const crlf = lf > pos && bytes[lf - 1] === 0x0d;
    const line = bytes.subarray(pos, crlf ? lf - 1 : lf).toString("latin1");
    pos = lf + 1;
    if (line === "" && lines.length > 0) return { lines, end: pos, blankBareLf: !crlf, partial: "" };
    lines.push({ text: line, bareLf: !crlf });
  }
}

function readStatusLine(line: string, problems: Problem[]): StatusLine | null {
  const match = STATUS_LINE.exec(line);
  if (!match) {
    problems.push(
      // "HTTP1.1 200 OK" and "http/1.1 200 OK" are status lines gone wrong; "<h1>" is no status line at all.
      /^HTTP/i.test(line)
        ? { code: "bad-status-line", message: text.reader.badStatusLine(quoted(line)), rule: RULES.statusLine }
        : { code: "no-status-line", message: line === "" ? text.reader.noStatusLine : text.reader.startsWith(quoted(line)), rule: RULES.messageFormat },
    );
    return null;
  }
  const status = Number(match[3]);
  const statusLine: StatusLine = { text: Buffer.from(line, "latin1").toString("utf8"), version: `${match[1]}.${match[2]}`, status, reason: match[5] ?? "" };
  if (match[4] === undefined) {
    problems.push({ code: "bad-status-line", message: text.reader.noSpaceAfterCode(quoted(line)), rule: RULES.statusLine });
  }
  if (statusLine.version !== "1.1" && statusLine.version !== "1.0") {
    problems.push({ code: "bad-version", message: text.reader.badVersion(statusLine.version), rule: RULES.version });
  }
  if (status < 100 || status > 599) {
    problems.push({ code: "bad-status-code", message: text.reader.badStatusCode(match[3]!), rule: RULES.statusCode });
  }
  if (CONTROL.test(statusLine.reason)) {
    problems.push({ code: "bad-status-line", message: text.reader.controlInReason(quoted(statusLine.reason)), rule: RULES.statusLine });
  }
  return statusLine;
}

/** Field lines (headers or trailers): each "name: value", the name a token, the value without control bytes. */
function readFields(lines: Line[], problems: Problem[], afterStartLine: boolean): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const [index, { text: line }] of lines.entries()) {
    if (/^[ \t]/.test(line)) {
      const previous = fields.at(-1);
      if (index === 0 || !previous) {
        // RFC 9112 §2.2: whitespace between the start-line and the first field is an attack, not a fold.
        problems.push({ code: "bad-header", message: afterStartLine ? text.reader.spaceAfterStartLine(quoted(line)) : text.reader.badHeader(quoted(line)), rule: RULES.lineEnds });
        continue;
      }
      // A user agent MUST replace an obs-fold with a space (RFC 9112 §5.2); the server MUST NOT send one.
      problems.push({ code: "obs-fold", message: text.reader.obsFold(quoted(previous[0]), quoted(line)), rule: RULES.obsFold });
      previous[1] = `${previous[1]} ${trimOws(line)}`.trim();
      continue;
    }
    const colon = line.indexOf(":");
    const name = colon === -1 ? "" : line.slice(0, colon);
    if (colon === -1 || name === "") {
      problems.push({ code: "bad-header", message: text.reader.badHeader(quoted(line)), rule: RULES.fieldLine });
      continue;
    }
    if (/[ \t]$/.test(name) && TOKEN.test(name.trimEnd())) {
      problems.push({ code: "bad-header", message: text.reader.spaceBeforeColon(quoted(line)), rule: RULES.noSpaceBeforeColon });
      continue;
    }
    if (!TOKEN.test(name)) {
      problems.push({ code: "bad-header", message: text.reader.badFieldName(quoted(name)), rule: RULES.fieldLine });
      continue;
    }
    const value = trimOws(line.slice(colon + 1));
    if (CONTROL.test(value)) {
      problems.push({ code: "control-in-value", message: text.reader.controlInValue(quoted(name), quoted(value)), rule: RULES.fieldValue });
    }
    fields.push([name, value]);
  }
  return fields;
}

function trimOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, "");
}

function values(fields: Array<[string, string]>, name: string): string[] {
  return fields.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
}

/**
 * Reads one response (after any interim 1xx ones). `closed` says whether the server closed the
 * connection after these bytes: it decides whether a short body is cut off or not here yet.
 */
export function readResponse(bytes: Buffer, closed: boolean, options: ReadOptions = {}): ParsedResponse {
  const problems: Problem[] = [];
  const result: ParsedResponse = {
    statusLine: null,
    firstLine: "",
    interim: [],
    headers: [],
    trailers: [],
    bodyStart: null,
    framing: null,
    body: Buffer.alloc(0),
    extra: Buffer.alloc(0),
    contentLength: null,
    complete: false,
    broken: false,
    problems,
  };
  if (bytes.length === 0) {
    problems.push({ code: "empty", message: text.reader.empty, rule: RULES.messageFormat });
    return result;
  }

  let start = 0;
  for (;;) {
    // RFC 9112 §2.2 lets a server skip empty lines before a request; a response has no such leeway.
    if (start === 0 && (bytes[0] === 0x0d || bytes[0] === 0x0a)) {
      problems.push({ code: "no-status-line", message: text.reader.startsWithEmptyLine, rule: RULES.messageFormat });
      result.broken = true;
      result.firstLine = "";
      return result;
    }
    const head = scanHead(bytes, start);
    const first = head.lines[0];
    if (!first) {
      // The first line has not ended yet: it may still become a status line, unless it cannot.
      result.firstLine = Buffer.from(head.partial, "latin1").toString("utf8");
      const prefix = bytes.subarray(start, start + HTTP_NAME.length);
      if (!HTTP_NAME.subarray(0, prefix.length).equals(prefix)) {
        problems.push({ code: "no-status-line", message: text.reader.startsWith(quoted(head.partial)), rule: RULES.messageFormat });
        result.broken = true;
      } else if (closed) {
        problems.push({ code: "no-blank-line", message: text.reader.headNeverEnds, rule: RULES.messageFormat });
      } else {
        problems.push({ code: "no-blank-line", message: text.reader.headNotEnded, rule: RULES.messageFormat });
      }
      return result;
    }
    result.firstLine = Buffer.from(first.text, "latin1").toString("utf8");
    const statusLine = readStatusLine(first.text, problems);
    if (!statusLine && !/^HTTP/i.test(first.text)) {
      // Not HTTP at all (a page without a head, TLS, HTTP/2): nothing after this line means anything.
      result.broken = true;
      return result;
    }
    const allLines = head.lines;
    const bareLf = allLines.findIndex((line) => line.bareLf);
    if (bareLf !== -1 || (head.end !== null && head.blankBareLf)) {
      const line = bareLf === -1 ? allLines.length + 1 : bareLf + 1;
      problems.push({ code: "bare-lf", message: line > allLines.length ? text.reader.bareLfBlankLine : text.reader.bareLf(line), rule: RULES.lineEnds });
    }
    if (allLines.some((line) => line.text.includes("\r"))) {
      problems.push({ code: "bare-cr", message: text.reader.bareCr, rule: RULES.lineEnds });
    }
    result.headers = readFields(allLines.slice(1), problems, true);
    if (head.end === null) {
      problems.push({ code: "no-blank-line", message: closed ? text.reader.headNeverEnds : text.reader.headNotEnded, rule: RULES.messageFormat });
      return result;
    }
    if (!statusLine) {
      // A status line gone wrong ("HTTP1.1 200 OK"): no client takes it, but the rest is read as
      // if it were a 200, so that the report can say everything else that is wrong too.
      result.bodyStart = head.end;
      frame(bytes, closed, options, result);
      result.broken = true;
      return result;
    }
    if (statusLine.status >= 100 && statusLine.status < 200 && statusLine.status !== 101) {
      result.interim.push(statusLine);
      noFramingFields(result.headers, statusLine.status, problems);
      result.headers = [];
      start = head.end;
      if (start >= bytes.length) {
        // Only the interim response so far: the final one is still to come.
        result.statusLine = null;
        result.firstLine = "";
        if (closed) problems.push({ code: "empty", message: text.reader.onlyInterim(statusLine.status), rule: RULES.messageFormat });
        return result;
      }
      continue;
    }
    result.statusLine = statusLine;
    result.bodyStart = head.end;
    break;
  }

  frame(bytes, closed, options, result);
  return result;
}

/** 1xx and 204 responses carry neither Content-Length nor Transfer-Encoding (RFC 9110 §8.6, RFC 9112 §6.1). */
function noFramingFields(headers: Array<[string, string]>, status: number, problems: Problem[]): void {
  if (values(headers, "content-length").length > 0) {
    problems.push({ code: "length-on-no-content", message: text.reader.lengthOnNoContent(status, "Content-Length"), rule: RULES.noLengthOn1xx204 });
  }
  if (values(headers, "transfer-encoding").length > 0) {
    problems.push({ code: "length-on-no-content", message: text.reader.lengthOnNoContent(status, "Transfer-Encoding"), rule: RULES.noTeOn1xx204 });
  }
}

/** Finds where the final response's body ends, by RFC 9112 §6.3, and what is wrong with it. */
function frame(bytes: Buffer, closed: boolean, options: ReadOptions, result: ParsedResponse): void {
  const { problems } = result;
  const status = result.statusLine?.status ?? 200;
  const version = result.statusLine?.version ?? "1.1";
  const bodyStart = result.bodyStart!;
  const afterHead = bytes.subarray(bodyStart);
  const method = (options.method ?? "GET").toUpperCase();
  const codings = values(result.headers, "transfer-encoding");
  const lengths = values(result.headers, "content-length");

  // The framing fields must be right in every response, whether or not it has content.
  let length: string | null = null;
  let lengthInvalid = false;
  if (lengths.length > 0) {
    const list = lengths.flatMap((value) => value.split(",")).map((value) => value.trim());
    const distinct = [...new Set(list)];
    if (distinct.length > 1 || !/^\d+$/.test(distinct[0]!)) {
      lengthInvalid = true;
      problems.push({
        code: "bad-content-length",
        message: distinct.length > 1 ? text.reader.twoLengths(distinct.map((value) => quoted(value)).join(", ")) : text.reader.notANumber(quoted(distinct[0]!)),
        rule: RULES.contentLength,
      });
    } else {
      length = distinct[0]!;
      if (list.length > 1) problems.push({ code: "duplicate-content-length", message: text.reader.sameLengthTwice(quoted(length), list.length), rule: RULES.oneContentLength });
    }
  }
  if (codings.length > 0 && lengths.length > 0) problems.push({ code: "te-and-length", message: text.reader.teAndLength, rule: RULES.teWithLength });

  // (1) No content, whatever the fields say.
  if (method === "HEAD" || status === 204 || status === 304 || status === 101) {
    if (status === 204) noFramingFields(result.headers, status, problems);
    if (status === 101) problems.push({ code: "unasked-upgrade", message: text.reader.unaskedUpgrade, rule: RULES.upgrade });
    result.framing = "none";
    result.complete = true;
    result.extra = afterHead;
    if (afterHead.length > 0 && !options.more && status !== 101) {
      problems.push({ code: "content-after-head", message: text.reader.contentAfterHead(method === "HEAD" ? "HEAD" : String(status), afterHead.length), rule: RULES.noContent });
    }
    return;
  }

  if (codings.length > 0) {
    // "chunked;x=1" is not chunked: the chunked coding has no parameters (RFC 9112 §7), and llhttp reads on to the close.
    const members = codings.flatMap((value) => value.split(",")).map((coding) => coding.trim().toLowerCase());
    // A recipient MUST ignore empty list elements, and a sender MUST NOT send them (RFC 9110 §5.6.1).
    const list = members.filter(Boolean);
    if (list.length < members.length) {
      problems.push({ code: "bad-transfer-encoding", message: text.reader.emptyListElement(quoted(codings.join(", "))), rule: RULES.listSyntax });
    }
    if (version === "1.0") {
      problems.push({ code: "bad-transfer-encoding", message: text.reader.teOnHttp10, rule: RULES.teOnHttp10 });
    }
    const chunkedCount = list.filter((coding) => coding === "chunked").length;
    if (chunkedCount > 1) {
      problems.push({ code: "bad-transfer-encoding", message: text.reader.chunkedTwice(quoted(codings.join(", "))), rule: RULES.chunkedOnce });
    }
    // Chunked not last is allowed in a response that then ends with the close (RFC 9112 §6.1):
    // what is wrong there is the other coding, which the request never offered to accept.
    const others = list.filter((coding) => coding !== "chunked");
    if (others.length > 0) {
      problems.push({ code: "bad-transfer-encoding", message: text.reader.unknownCoding(quoted(others.join(", "))), rule: RULES.transferCoding });
    }
    if (list.at(-1) === "chunked" && chunkedCount === 1 && version !== "1.0") {
      problems.push({ code: "chunked-not-length", message: text.reader.chunked, rule: RULES.contentLengthWanted });
      result.framing = "chunked";
      readChunks(bytes, bodyStart, closed, options, result);
      return;
    }
    // RFC 9112 §6.3 (4): any other coding, the body runs to the close; faulty framing, likewise.
    toTheClose(afterHead, closed, result);
    return;
  }

  if (lengthInvalid) {
    // RFC 9112 §6.3 (5): an unrecoverable error; a client closes and discards what came.
    result.broken = true;
    result.body = afterHead;
    return;
  }
  if (length !== null) {
    withLength(afterHead, length, closed, options, result);
    return;
  }

  problems.push({ code: "no-content-length", message: text.reader.noContentLength, rule: RULES.contentLengthWanted });
  toTheClose(afterHead, closed, result);
}

function toTheClose(afterHead: Buffer, closed: boolean, result: ParsedResponse): void {
  result.framing = "close";
  result.body = afterHead;
  result.complete = closed;
  if (!closed) result.problems.push({ code: "incomplete", message: text.reader.untilCloseStillOpen(afterHead.length), rule: RULES.incomplete });
}

function withLength(afterHead: Buffer, written: string, closed: boolean, options: ReadOptions, result: ParsedResponse): void {
  // Quoted in messages as written: Number() would show 99999999999999999999 as 100000000000000000000.
  const length = Number(written);
  result.framing = "length";
  result.contentLength = length;
  result.body = afterHead.subarray(0, length);
  result.extra = afterHead.subarray(length);
  if (afterHead.length < length) {
    result.problems.push(
      closed
        ? { code: "body-shorter", message: text.reader.bodyShorter(quoted(written), afterHead.length), rule: RULES.incomplete }
        : { code: "incomplete", message: text.reader.lengthStillOpen(quoted(written), afterHead.length), rule: RULES.incomplete },
    );
    return;
  }
  result.complete = true;
  if (afterHead.length > length && !options.more) {
    const characters = afterHead.toString("utf8").length;
    result.problems.push(
      characters === length
        ? { code: "length-in-characters", message: text.reader.lengthInCharacters(quoted(written), afterHead.length), rule: RULES.extraBytes }
        : { code: "body-longer", message: text.reader.bodyLonger(quoted(written), afterHead.length, afterHead.length - length), rule: RULES.extraBytes },
    );
  }
}

/** chunk-size [ chunk-ext ], where chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ); `ws` is the BWS allowed. */
const chunkSizeLine = (ws: string): RegExp =>
  new RegExp(`^([0-9A-Fa-f]+)((?:${ws};${ws}[!#$%&'*+.^_\`|~0-9A-Za-z-]+(?:${ws}=${ws}(?:[!#$%&'*+.^_\`|~0-9A-Za-z-]+|"(?:[^"\\\\\\x00-\\x08\\x0a-\\x1f\\x7f]|\\\\[^\\x00-\\x08\\x0a-\\x1f\\x7f])*"))?)*)$`);
const CHUNK_SIZE_LINE = chunkSizeLine("");
/** A recipient MUST parse BWS and a sender MUST NOT send it (RFC 9110 §5.6.3). */
const CHUNK_SIZE_LINE_WITH_BWS = chunkSizeLine("[ \\t]*");

/** The size when bytes[from, to) are 1 to 13 hex digits and nothing else, else null (the slow path decides). */
function plainHexSize(bytes: Buffer, from: number, to: number): number | null {
  if (to <= from || to - from > 13) return null;
  let size = 0;
  for (let i = from; i < to; i++) {
    const byte = bytes[i]!;
    const digit = byte >= 0x30 && byte <= 0x39 ? byte - 0x30 : byte >= 0x61 && byte <= 0x66 ? byte - 0x57 : byte >= 0x41 && byte <= 0x46 ? byte - 0x37 : -1;
    if (digit < 0) return null;
    size = size * 16 + digit;
  }
  return size;
}

/** RFC 9112 §7.1: chunk-size [ext] CRLF data CRLF ..., then "0" CRLF, trailer fields, CRLF. */
function readChunks(bytes: Buffer, bodyStart: number, closed: boolean, options: ReadOptions, result: ParsedResponse): void {
  const data: Buffer[] = [];
  let chunks = 0;
  const keep = (piece: Buffer): void => {
    chunks++;
    if (!options.framingOnly) data.push(piece);
  };
  let pos = bodyStart;
  const fail = (message: string): void => {
    result.problems.push({ code: "bad-chunk", message, rule: RULES.chunked });
    result.broken = true;
    result.body = Buffer.concat(data);
  };
  const unfinished = (): void => {
    result.body = Buffer.concat(data);
    result.problems.push(
      closed
        ? { code: "body-shorter", message: text.reader.chunksCut(chunks), rule: RULES.incomplete }
        : { code: "incomplete", message: text.reader.chunksStillOpen(chunks), rule: RULES.incomplete },
    );
  };
  for (;;) {
    const lf = bytes.indexOf(0x0a, pos);
    if (lf === -1) {
      if (bytes.length - pos > 4096) return fail(text.reader.chunkSizeLineTooLong);
      return unfinished();
    }
    if (bytes[lf - 1] !== 0x0d || lf === pos) return fail(text.reader.chunkLineBareLf(chunks + 1));
    // Most size lines are hex digits alone: read those from the bytes, without a string per chunk.
    let size = plainHexSize(bytes, pos, lf - 1);
    if (size === null) {
      const line = bytes.subarray(pos, lf - 1).toString("latin1");
      let match = CHUNK_SIZE_LINE.exec(line);
      if (!match) {
        match = CHUNK_SIZE_LINE_WITH_BWS.exec(line);
        if (!match) return fail(text.reader.badChunkSize(chunks + 1, quoted(line)));
        result.problems.push({ code: "bad-chunk", message: text.reader.chunkBws(chunks + 1, quoted(line)), rule: RULES.noBws });
      }
      const hex = match[1]!.replace(/^0+(?=.)/, "");
      if (hex.length > 13) return fail(text.reader.chunkTooBig(quoted(match[1]!)));
      size = parseInt(hex, 16);
    }
    pos = lf + 1;
    if (size === 0) break;
    if (bytes.length < pos + size + 2) {
      keep(bytes.subarray(pos, Math.min(bytes.length, pos + size)));
      return unfinished();
    }
    keep(bytes.subarray(pos, pos + size));
    pos += size;
    if (bytes[pos] !== 0x0d || bytes[pos + 1] !== 0x0a) return fail(text.reader.noCrlfAfterChunk(chunks, size));
    pos += 2;
  }
  // The trailer section: field lines, then the empty line that ends the message.
  const trailerLines: Line[] = [];
  for (;;) {
    const lf = bytes.indexOf(0x0a, pos);
    if (lf === -1) return unfinished();
    if (bytes[lf - 1] !== 0x0d || lf === pos) return fail(text.reader.trailerLineBareLf);
    const line = bytes.subarray(pos, lf - 1).toString("latin1");
    pos = lf + 1;
    if (line === "") break;
    trailerLines.push({ text: line, bareLf: false });
  }
  result.trailers = readFields(trailerLines, result.problems, false);
  result.body = Buffer.concat(data);
  result.complete = true;
  result.extra = bytes.subarray(pos);
  if (result.extra.length > 0 && !options.more) {
    result.problems.push({ code: "body-longer", message: text.reader.afterLastChunk(result.extra.length), rule: RULES.extraBytes });
  }
}

/** A line of the server's, as a message quotes it: escaped (no raw control byte reaches the terminal), and cut. */
function quoted(latin1: string, max = 60): string {
  const line = Buffer.from(latin1, "latin1").toString("utf8");
  const cut = line.length > max ? line.slice(0, max) + "…" : line;
  return printable(cut, { backslashes: true });
}
