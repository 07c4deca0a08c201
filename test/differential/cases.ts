/**
 * Responses to feed the reader and real clients: one or more for every framing rule the reader
 * knows (each broken rule beside a correct look-alike), then seeded random mutations of valid
 * responses. The same seed gives the same cases.
 */
import { createRng, type Rng } from "../../checker/grader/rng.ts";

export interface Case {
  name: string;
  bytes: Buffer;
  method: "GET" | "HEAD";
}

const bytes = (text: string): Buffer => Buffer.from(text, "latin1");
const utf8 = (text: string): Buffer => Buffer.from(text, "utf8");
const ok = (head: string, body = ""): string => `HTTP/1.1 200 OK\r\n${head}\r\n${body}`;

/** Cases named for the rule they hold, written by hand. */
export function ruleCases(): Case[] {
  const page = "<h1>Hello, w\xc3\xb6rld!</h1>"; // UTF-8 bytes, as latin1 text: 23 bytes, 22 characters
  const list: Array<[string, string | Buffer, ("GET" | "HEAD")?]> = [
    ["valid: Content-Length", ok(`Content-Type: text/html; charset=utf-8\r\nContent-Length: 23\r\nConnection: close\r\n`, page)],
    ["valid: Content-Length 0", ok("Content-Length: 0\r\n")],
    ["valid: leading zeros in Content-Length", ok("Content-Length: 005\r\n", "hello")],
    ["valid: close-delimited body", ok("Content-Type: text/plain\r\n", "to the close")],
    ["valid: empty close-delimited body", ok("Content-Type: text/plain\r\n")],
    ["valid: chunked", ok("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n")],
    ["valid: chunked, upper-case hex and an extension", ok("Transfer-Encoding: chunked\r\n", "A;x=1\r\n0123456789\r\n0\r\n\r\n")],
    ["valid: chunked, lower-case hex, quoted extension", ok("Transfer-Encoding: chunked\r\n", "a;x=\"q v\"\r\n0123456789\r\n0\r\n\r\n")],
    ["valid: chunked with a trailer", ok("Transfer-Encoding: chunked\r\n", "2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n")],
    ["valid: chunked, name in capitals", ok("Transfer-Encoding: CHUNKED\r\n", "2\r\nhi\r\n0\r\n\r\n")],
    ["valid: chunked, leading zeros in a size", ok("Transfer-Encoding: chunked\r\n", "002\r\nhi\r\n000\r\n\r\n")],
    ["valid: 100 Continue first", `HTTP/1.1 100 Continue\r\n\r\n${ok("Content-Length: 2\r\n", "hi")}`],
    ["valid: two 1xx first", `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n${ok("Content-Length: 2\r\n", "hi")}`],
    ["valid: 204", "HTTP/1.1 204 No Content\r\n\r\n"],
    ["valid: 304 with a Content-Length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"],
    ["valid: HEAD with a Content-Length", ok("Content-Length: 10\r\n"), "HEAD"],
    ["valid: HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi"],
    ["valid: 404 with a body", "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"],
    ["valid: empty reason", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n"],
    ["valid: obs-text in reason and value", "HTTP/1.1 200 \xe9t\xe9\r\nX: \xfc\r\nContent-Length: 0\r\n\r\n"],
    ["valid: tab in a value", ok("X: a\tb\r\nContent-Length: 0\r\n")],
    ["valid: colon in a value", ok("Location: http://127.0.0.1:8000/\r\nContent-Length: 0\r\n")],
    ["valid: no space after the colon", ok("Content-Length:2\r\n", "hi")],
    ["valid: trailing whitespace in a value", ok("Content-Length: 2 \t\r\n", "hi")],
    ["valid: a space after the Content-Length value", ok("Content-Length: 2 \r\n", "hi")],
    ["valid: 205 with Content-Length 0", "HTTP/1.1 205 Reset Content\r\nContent-Length: 0\r\n\r\n"],
    ["valid: a name with marks", ok("X-A.b_c~!#$%&'*+^`|: 1\r\nContent-Length: 0\r\n")],
    ["valid: status 599", "HTTP/1.1 599 Odd\r\nContent-Length: 0\r\n\r\n"],
    ["valid: status 100 ... final 200 with a chunked body", `HTTP/1.1 100 Continue\r\n\r\n${ok("Transfer-Encoding: chunked\r\n", "1\r\na\r\n0\r\n\r\n")}`],
    ["lf: bare LF everywhere", "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi"],
    ["lf: bare LF on one header", "HTTP/1.1 200 OK\r\nContent-Length: 2\nX: y\r\n\r\nhi"],
    ["lf: bare LF as the empty line", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\nhello"],
    ["lf: bare LF after the status line", "HTTP/1.1 200 OK\nContent-Length: 2\r\n\r\nhi"],
    ["cr: bare CR in a value", ok("X: a\rb\r\nContent-Length: 0\r\n")],
    ["start: empty line first", `\r\n${ok("Content-Length: 0\r\n")}`],
    ["start: garbage", "<h1>hi</h1>"],
    ["start: NUL bytes", "\x00\x00\x00\x00\r\n\r\n"],
    ["start: TLS alert", "\x15\x03\x03\x00\x02\x02\x32"],
    ["start: HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"],
    ["status: no reason, no space", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"],
    ["status: two-digit code", "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n"],
    ["status: code 600", "HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n"],
    ["status: code 099", "HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n"],
    ["status: code 000", "HTTP/1.1 000 Odd\r\nContent-Length: 0\r\n\r\n"],
    ["status: HTTP/1.2", "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n"],
    ["status: HTTP/1.9", "HTTP/1.9 200 OK\r\nContent-Length: 0\r\n\r\n"],
    ["status: HTTP/2.0", "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"],
    ["status: HTTP/0.9", "HTTP/0.9 200 OK\r\nContent-Length: 0\r\n\r\n"],
    ["status: lower-case http", "http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"],
    ["status: control byte in reason", "HTTP/1.1 200 O\x01K\r\nContent-Length: 0\r\n\r\n"],
    ["status: two spaces", "HTTP/1.1  200 OK\r\nContent-Length: 0\r\n\r\n"],
    ["header: space before colon", ok("Content-Length : 2\r\n", "hi")],
    ["header: no colon", ok("No colon\r\nContent-Length: 2\r\n", "hi")],
    ["header: space in name", ok("Bad Name: 1\r\nContent-Length: 2\r\n", "hi")],
    ["header: empty name", ok(": 1\r\nContent-Length: 2\r\n", "hi")],
    ["header: whitespace line after status line", ok(" X: 1\r\nContent-Length: 2\r\n", "hi")],
    ["header: obs-fold", ok("X-Long: one\r\n two\r\nContent-Length: 2\r\n", "hi")],
    ["header: control byte in value", ok("X: a\x01b\r\nContent-Length: 2\r\n", "hi")],
    ["header: NUL in value", ok("X: a\x00b\r\nContent-Length: 2\r\n", "hi")],
    ["header: DEL in value", ok("X: a\x7fb\r\nContent-Length: 2\r\n", "hi")],
    ["header: head never ends", ok("Content-Length: 2\r\n").slice(0, -2)],
    ["length: in characters", ok("Content-Length: 22\r\n", page)],
    ["length: too short", ok("Content-Length: 20\r\n", page)],
    ["length: too long", ok("Content-Length: 30\r\n", page)],
    ["length: not a number", ok("Content-Length: two\r\n", "hi")],
    ["length: negative", ok("Content-Length: -2\r\n", "hi")],
    ["length: plus sign", ok("Content-Length: +2\r\n", "hi")],
    ["length: hex", ok("Content-Length: 0x2\r\n", "hi")],
    ["length: empty", ok("Content-Length: \r\n", "hi")],
    ["length: huge", ok("Content-Length: 99999999999999999999\r\n", "hi")],
    ["length: two different", ok("Content-Length: 2\r\nContent-Length: 3\r\n", "hi")],
    ["length: two the same", ok("Content-Length: 2\r\nContent-Length: 2\r\n", "hi")],
    ["length: a list of the same", ok("Content-Length: 2, 2\r\n", "hi")],
    ["length: a list of different", ok("Content-Length: 2, 3\r\n", "hi")],
    ["length: tab after the value", ok("Content-Length: 2\t\r\n", "hi")],
    ["te: chunked and Content-Length", ok("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "2\r\nhi\r\n0\r\n\r\n")],
    ["te: Content-Length and chunked", ok("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "2\r\nhi\r\n0\r\n\r\n")],
    ["te: chunked twice", ok("Transfer-Encoding: chunked, chunked\r\n", "2\r\nhi\r\n0\r\n\r\n")],
    ["te: chunked on two lines", ok("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "2\r\nhi\r\n0\r\n\r\n")],
    ["te: gzip alone", ok("Transfer-Encoding: gzip\r\n", "xyz")],
    ["te: chunked then gzip", ok("Transfer-Encoding: chunked, gzip\r\n", "xyz")],
    ["te: unknown coding then chunked", ok("Transfer-Encoding: foo, chunked\r\n", "2\r\nhi\r\n0\r\n\r\n")],
    ["te: on HTTP/1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"],
    ["te: an empty list element", ok("Transfer-Encoding: chunked,\r\n", "2\r\nhi\r\n0\r\n\r\n")],
    ["te: chunked with a parameter", ok("Transfer-Encoding: chunked;x=1\r\n", "2\r\nhi\r\n0\r\n\r\n")],
    ["te: identity", ok("Transfer-Encoding: identity\r\n", "hi")],
    ["chunk: size too small", ok("Transfer-Encoding: chunked\r\n", "1\r\nhi\r\n0\r\n\r\n")],
    ["chunk: size too big", ok("Transfer-Encoding: chunked\r\n", "3\r\nhi\r\n0\r\n\r\n")],
    ["chunk: not hex", ok("Transfer-Encoding: chunked\r\n", "zz\r\nhi\r\n0\r\n\r\n")],
    ["chunk: empty size line", ok("Transfer-Encoding: chunked\r\n", "\r\nhi\r\n0\r\n\r\n")],
    ["chunk: bare LF after size", ok("Transfer-Encoding: chunked\r\n", "2\nhi\r\n0\r\n\r\n")],
    ["chunk: bare LF after data", ok("Transfer-Encoding: chunked\r\n", "2\r\nhi\n0\r\n\r\n")],
    ["chunk: no last chunk", ok("Transfer-Encoding: chunked\r\n", "2\r\nhi\r\n")],
    ["chunk: no final CRLF", ok("Transfer-Encoding: chunked\r\n", "2\r\nhi\r\n0\r\n")],
    ["chunk: space after size", ok("Transfer-Encoding: chunked\r\n", "2 \r\nhi\r\n0\r\n\r\n")],
    ["chunk: space before extension", ok("Transfer-Encoding: chunked\r\n", "2 ;a=b\r\nhi\r\n0\r\n\r\n")],
    ["chunk: size overflow", ok("Transfer-Encoding: chunked\r\n", "fffffffffffffffff\r\nhi\r\n0\r\n\r\n")],
    ["chunk: bytes after the end", ok("Transfer-Encoding: chunked\r\n", "2\r\nhi\r\n0\r\n\r\nextra")],
    ["nobody: 204 with a body", "HTTP/1.1 204 No Content\r\n\r\nhello"],
    ["nobody: 204 with Content-Length 0", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"],
    ["nobody: 304 with a body", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello"],
    ["nobody: HEAD with a body", ok("Content-Length: 5\r\n", "hello"), "HEAD"],
    ["nobody: HEAD, chunked", ok("Transfer-Encoding: chunked\r\n"), "HEAD"],
    ["1xx: 100 with Content-Length", `HTTP/1.1 100 Continue\r\nContent-Length: 2\r\n\r\n${ok("Content-Length: 2\r\n", "hi")}`],
    ["1xx: only a 100", "HTTP/1.1 100 Continue\r\n\r\n"],
    ["1xx: 101 unasked", "HTTP/1.1 101 Switching Protocols\r\n\r\n"],
  ];
  return list.map(([name, data, method]) => ({ name, bytes: typeof data === "string" ? bytes(data) : data, method: method ?? "GET" }));
}

/** Valid responses that mutations start from. */
function bases(rng: Rng): Case[] {
  const word = rng.word(rng.int(1, 12));
  const body = rng.next() < 0.3 ? utf8(`<p>Grüße ${word}</p>`).toString("latin1") : word;
  const size = Buffer.byteLength(body, "latin1");
  return [
    { name: "length", bytes: bytes(ok(`Content-Type: text/plain\r\nContent-Length: ${size}\r\n`, body)), method: "GET" },
    { name: "chunked", bytes: bytes(ok("Transfer-Encoding: chunked\r\n", `${size.toString(16)}\r\n${body}\r\n0\r\n\r\n`)), method: "GET" },
    { name: "close", bytes: bytes(ok("Content-Type: text/plain\r\n", body)), method: "GET" },
    { name: "interim", bytes: bytes(`HTTP/1.1 100 Continue\r\n\r\n${ok(`Content-Length: ${size}\r\n`, body)}`), method: "GET" },
    { name: "204", bytes: bytes("HTTP/1.1 204 No Content\r\nX: 1\r\n\r\n"), method: "GET" },
    { name: "head", bytes: bytes(ok(`Content-Length: ${size}\r\n`)), method: "HEAD" },
  ];
}

/** Bytes a mutation puts in: the ones framing hangs on, and a few that should never appear. */
const INTERESTING = [0x0d, 0x0a, 0x00, 0x01, 0x09, 0x20, 0x3a, 0x2c, 0x3b, 0x7f, 0xff, 0x30, 0x61, 0x41];

function mutate(rng: Rng, input: Buffer): { bytes: Buffer; how: string } {
  const data = Buffer.from(input);
  const at = rng.int(0, Math.max(0, data.length - 1));
  const pick = (): number => INTERESTING[rng.int(0, INTERESTING.length - 1)]!;
  const hex = (byte: number): string => byte.toString(16).padStart(2, "0");
  switch (rng.int(0, 6)) {
    case 0: {
      const byte = pick();
      data[at] = byte;
      return { bytes: data, how: `byte ${at} = 0x${hex(byte)}` };
    }
    case 1: {
      const byte = pick();
      return { bytes: Buffer.concat([data.subarray(0, at), Buffer.from([byte]), data.subarray(at)]), how: `insert 0x${hex(byte)} at ${at}` };
    }
    case 2:
      return { bytes: Buffer.concat([data.subarray(0, at), data.subarray(at + 1)]), how: `delete byte ${at}` };
    case 3: {
      // Duplicate a line of the head.
      const lines = data.toString("latin1").split("\r\n");
      const index = rng.int(1, Math.max(1, lines.length - 3));
      lines.splice(index, 0, lines[index] ?? "");
      return { bytes: bytes(lines.join("\r\n")), how: `repeat line ${index}` };
    }
    case 4: {
      // Change a number by one.
      const text = data.toString("latin1");
      const numbers = [...text.matchAll(/\d+/g)];
      const number = numbers[rng.int(0, Math.max(0, numbers.length - 1))];
      if (!number) return { bytes: data, how: "unchanged" };
      const changed = String(Math.max(0, Number(number[0]) + (rng.next() < 0.5 ? -1 : 1)));
      return { bytes: bytes(text.slice(0, number.index) + changed + text.slice(number.index! + number[0].length)), how: `number at ${number.index} ${number[0]} -> ${changed}` };
    }
    case 5: {
      // Cut the response short.
      return { bytes: data.subarray(0, at), how: `cut at ${at}` };
    }
    default: {
      // Add a header line from a small set of troublemakers.
      const extra = ["Content-Length: 3", "Transfer-Encoding: chunked", "Content-Length: 0", "X:  ", "X-Y: a,b", "Connection: keep-alive", "Transfer-Encoding: gzip"][rng.int(0, 6)]!;
      const text = data.toString("latin1");
      const end = text.indexOf("\r\n");
      if (end === -1) return { bytes: data, how: "unchanged" };
      return { bytes: bytes(`${text.slice(0, end + 2)}${extra}\r\n${text.slice(end + 2)}`), how: `add "${extra}"` };
    }
  }
}

/** The rule cases, then `count` mutations of valid responses made from `seed`. */
export function generateCases(seed: number, count: number): Case[] {
  const rng = createRng(seed);
  const cases = ruleCases();
  for (let i = 0; i < count; i++) {
    const base = bases(rng)[rng.int(0, 5)]!;
    let mutated = { bytes: base.bytes, how: "" };
    const steps = rng.int(1, 2);
    const hows: string[] = [];
    for (let step = 0; step < steps; step++) {
      mutated = mutate(rng, mutated.bytes);
      hows.push(mutated.how);
    }
    cases.push({ name: `mutation ${seed}/${i}: ${base.name}, ${hows.join("; ")}`, bytes: mutated.bytes, method: base.method });
  }
  return cases;
}
