/**
 * The strict response reader: reads the bytes a server sent the way a strict HTTP/1.1 client
 * (RFC 9112) must, and lists every framing problem it finds, each with a code the checks can name.
 * It never throws: whatever the bytes, it returns what it could read and what is wrong.
 */
import { text } from "./text.ts";
import { printable } from "./visible.ts";

export type ProblemCode =
  | "empty"
  | "no-status-line"
  | "bad-status-line"
  | "bare-lf"
  | "no-blank-line"
  | "bad-header"
  | "no-content-length"
  | "bad-content-length"
  | "length-in-characters"
  | "body-longer"
  | "body-shorter";

export interface Problem {
  code: ProblemCode;
  message: string;
}

export interface StatusLine {
  text: string;
  version: string;
  status: number;
  reason: string;
}

export interface ParsedResponse {
  /** The first line, if it is a valid status line. */
  statusLine: StatusLine | null;
  /** The first line as sent, without its line end. */
  firstLine: string;
  headers: Array<[name: string, value: string]>;
  /** Where the head ends and the body starts, or null if no blank line was found. */
  bodyStart: number | null;
  /** The body as framed by Content-Length when that is valid, else everything after the head. */
  body: Buffer;
  /** Bytes after the framed body: on a kept-alive connection, the start of a next response. */
  extra: Buffer;
  contentLength: number | null;
  problems: Problem[];
}

export function header(response: ParsedResponse, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return response.headers.find(([key]) => key.toLowerCase() === wanted)?.[1];
}

export function hasProblem(response: ParsedResponse, code: ProblemCode): Problem | undefined {
  return response.problems.find((problem) => problem.code === code);
}

const STATUS_LINE = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;

/** Index of the first byte of the body: after "\r\n\r\n", or after a blank line made of bare "\n". */
export function findBodyStart(bytes: Buffer): number | null {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return null;
}

/**
 * True once `bytes` hold a whole response: a head, and as many body bytes as Content-Length says.
 * Without a usable Content-Length a response only ends when the server closes.
 */
export function isCompleteResponse(bytes: Buffer): boolean {
  const bodyStart = findBodyStart(bytes);
  if (bodyStart === null) return false;
  const lines = bytes.subarray(0, bodyStart).toString("latin1").split("\n");
  const lengthLine = lines.find((line) => /^content-length\s*:/i.test(line));
  if (!lengthLine) return false;
  const length = Number(lengthLine.slice(lengthLine.indexOf(":") + 1).trim());
  if (!Number.isInteger(length) || length < 0) return false;
  return bytes.length - bodyStart >= length;
}

/**
 * Reads one response. `closed` says whether the server closed the connection after these bytes,
 * which decides whether a short body is cut off or simply not here yet.
 */
export function readResponse(bytes: Buffer, closed: boolean): ParsedResponse {
  const problems: Problem[] = [];
  const result: ParsedResponse = {
    statusLine: null,
    firstLine: "",
    headers: [],
    bodyStart: null,
    body: Buffer.alloc(0),
    extra: Buffer.alloc(0),
    contentLength: null,
    problems,
  };
  if (bytes.length === 0) {
    problems.push({ code: "empty", message: text.reader.empty });
    return result;
  }

  const bodyStart = findBodyStart(bytes);
  result.bodyStart = bodyStart;
  // Without a blank line we still read the lines we have, to say as much as we can.
  const headEnd = bodyStart ?? bytes.length;
  const headText = bytes.subarray(0, headEnd).toString("latin1");
  const rawLines = headText.split("\n");
  if (bodyStart !== null) rawLines.splice(-2); // the blank line and the empty rest after it

  const bareLfLine = rawLines.findIndex((line, index) => !line.endsWith("\r") && (index < rawLines.length - 1 || bodyStart !== null));
  if (bareLfLine !== -1) {
    problems.push({
      code: "bare-lf",
      message: text.reader.bareLf(bareLfLine + 1),
    });
  }
  const lines = rawLines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));

  const first = Buffer.from(lines[0] ?? "", "latin1").toString("utf8");
  result.firstLine = first;
  const status = STATUS_LINE.exec(first);
  if (status) {
    result.statusLine = {
      text: first,
      version: `${status[1]}.${status[2]}`,
      status: Number(status[3]),
      reason: status[4] ?? "",
    };
    if (status[1] !== "1") {
      problems.push({ code: "bad-status-line", message: text.reader.badVersion(result.statusLine.version) });
    }
  } else if (/^HTTP\//i.test(first)) {
    problems.push({
      code: "bad-status-line",
      message: text.reader.badStatusLine(quoted(first)),
    });
  } else {
    problems.push({
      code: "no-status-line",
      message: first === "" ? text.reader.noStatusLine : text.reader.startsWith(quoted(first)),
    });
  }

  // Header lines: only when the first line was meant as a status line; otherwise they are noise.
  if (result.statusLine || /^HTTP\//i.test(first)) {
    const headerLines = bodyStart === null ? lines.slice(1).filter((line, i, all) => i < all.length - 1 || line !== "") : lines.slice(1);
    for (const line of headerLines) {
      const match = HEADER_LINE.exec(line);
      if (match) {
        result.headers.push([match[1]!, match[2]!]);
      } else if (bodyStart !== null) {
        problems.push({ code: "bad-header", message: text.reader.badHeader(quoted(line)) });
      }
    }
  }

  if (bodyStart === null) {
    if (result.statusLine || /^HTTP\//i.test(first)) {
      problems.push({
        code: "no-blank-line",
        message: closed ? text.reader.headNeverEnds : text.reader.headNotEnded,
      });
    }
    return result;
  }

  const afterHead = bytes.subarray(bodyStart);
  const lengths = result.headers.filter(([name]) => name.toLowerCase() === "content-length").map(([, value]) => value);
  if (lengths.length === 0) {
    problems.push({ code: "no-content-length", message: text.reader.noContentLength });
    result.body = afterHead;
    return result;
  }
  const distinct = [...new Set(lengths)];
  if (distinct.length > 1 || !/^\d+$/.test(distinct[0]!)) {
    problems.push({
      code: "bad-content-length",
      message: distinct.length > 1 ? text.reader.twoLengths(distinct.map((value) => quoted(value)).join(", ")) : text.reader.notANumber(quoted(distinct[0]!)),
    });
    result.body = afterHead;
    return result;
  }
  // Quoted in messages as written: Number() would show 99999999999999999999 as 100000000000000000000.
  const length = Number(distinct[0]);
  result.contentLength = length;
  result.body = afterHead.subarray(0, length);
  result.extra = afterHead.subarray(length);

  if (afterHead.length < length) {
    if (closed) {
      problems.push({
        code: "body-shorter",
        message: text.reader.bodyShorter(quoted(distinct[0]!), afterHead.length),
      });
    }
  } else if (afterHead.length > length && closed) {
    const characters = afterHead.toString("utf8").length;
    problems.push(
      characters === length
        ? {
            code: "length-in-characters",
            message: text.reader.lengthInCharacters(quoted(distinct[0]!), afterHead.length),
          }
        : {
            code: "body-longer",
            message: text.reader.bodyLonger(quoted(distinct[0]!), afterHead.length, afterHead.length - length),
          },
    );
  }
  return result;
}

/** A line of the server's, as a message quotes it: escaped (no raw control byte reaches the terminal), and cut. */
function quoted(line: string, max = 60): string {
  const cut = line.length > max ? line.slice(0, max) + "…" : line;
  return printable(cut, { backslashes: true });
}
