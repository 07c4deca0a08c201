// Phase 14: chunked. Until now every body's length was known before its first byte. The chunked
// transfer coding (RFC 9112 §7.1) frames a body whose length is not known when it starts: chunks,
// each its size in hex, CRLF, its bytes, CRLF; then a chunk of size 0, optional trailer fields and
// an empty line. GET /stream sends lines as it makes them, framed so; a request's body may come
// framed so too. It frames the message on one connection (a transfer coding), not the content
// (phase 13's gzip), and only HTTP/1.1 knows it: an HTTP/1.0 client gets the body ended by the close.
// Everything else is phase 13's: kept connections, pipelined requests in order, gzip.
import { createReadStream } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
// Named sleep: the global setTimeout (a plain timer, used below) keeps its own name.
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

const PORT = Number(process.env.PORT ?? 8000);
// "localhost" can mean the IPv6 address ::1 on some machines, so we say which one.
const HOST = "127.0.0.1";
// The whole head (request line, fields, line ends) may be this big; a bigger one gets 431.
const MAX_HEAD_BYTES = 32 * 1024;
// The longest target this server parses; a longer one gets 414 (RFC 9112 §3 recommends 8000 at least).
const MAX_TARGET_BYTES = 8 * 1024;
// A request's whole head must have come this long after the connection opened (the first request)
// or after the request's first byte (the next ones); then the server closes.
const HEAD_TIMEOUT_MS = 1000;
// After an answer on a kept connection, the next request's first byte must come this long after it;
// then the server closes the idle connection (a client that wants more opens a new one).
const KEEP_ALIVE_MS = Number(process.env.KEEP_ALIVE_MS ?? 5000);
// After its answer, the server reads (and drops) what the client still sends for this long, then closes.
const DRAIN_MS = 1000;
// The biggest body this server reads. A Content-Length over it gets 413 before a byte is read.
const MAX_BODY_BYTES = 2 * 1024 * 1024;
// The whole body must have come this long after the head; then the server answers 408 and closes.
const BODY_TIMEOUT_MS = 2000;
// The answer to "Expect: 100-continue": an interim response, a status line and an empty line.
const CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n";
// nc (without -C) ends lines with a bare "\n": accept "\r\n\r\n" or "\n\n" as the end of the head.
const BLANK_LINE = /\r\n\r\n|\n\n/;
// What ends each line of chunked framing, and each chunk's data. (A bare LF is refused there: see chunkedLine.)
const CRLF = Buffer.from("\r\n", "latin1");
// Only GET /slow is slow: it keeps phase 5's lesson checked (serve others while waiting).
const SLOW_MS = Number(process.env.SLOW_MS ?? 5000);
const SERVER_NAME = "http-lab/14";
// gzip's frame (header and trailer) is about 20 bytes: below this, compressing gains little or
// makes the body longer ("Hello" becomes 25 bytes).
const MIN_GZIP_BYTES = 1024;
// Compressing needs the whole body in memory, to know its Content-Length before sending it;
// past this, a file is streamed as it is (chunked could frame it compressed; this server keeps it simple).
const MAX_GZIP_BYTES = 8 * 1024 * 1024;
// Media types that are text, and shrink. PNG, JPEG, GIF and WebP are compressed already; PDF, WASM
// and bytes of no known kind are left as they are (this server's choice: the contract leaves them out).
const COMPRESSIBLE = new Set(["application/json", "application/javascript", "application/xml", "image/svg+xml"]);
// gzip runs on libuv's thread pool: the event loop serves other connections meanwhile (gzipSync would stop them).
const gzipAsync = promisify(gzip);
// The folder of files: WEB_ROOT, or phase 9's small site.
const WEB_ROOT = path.resolve(process.env.WEB_ROOT ?? fileURLToPath(new URL("../9-static/public/", import.meta.url)));
// Its real path (symlinks resolved), found once: every file served must be inside it.
const REAL_ROOT = realpath(WEB_ROOT).catch(() => WEB_ROOT);

/** The methods RFC 9110 defines. Any other token is one this server does not implement (501). */
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]);
const LONGEST_METHOD = Math.max(...[...KNOWN_METHODS].map((method) => method.length));
/** Methods and field names are tokens (RFC 9110 §5.6.2): letters, digits and a few marks. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A Host value is host[:port] (RFC 9110 §7.2): a name or IPv4 address, or an IPv6 address in [ ]; no user@, no path, no spaces. */
const HOST_VALUE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:[0-9]*)?$/;
/** "http://127.0.0.1:8000" in the absolute form "http://127.0.0.1:8000/about?x=1": scheme, "://", host and port. */
const SCHEME_AND_HOST = /^https?:\/\/[^/?#]*/i;
/**
 * The characters RFC 3986 lets a path and a query hold: letters, digits, - . _ ~, the marks
 * ! $ & ' ( ) * + , ; = : @ / ?, and % (which must start an escape: decoding checks that). Not "#"
 * (a fragment never leaves the client), no space or control byte, no backslash, no byte over 127.
 */
const TARGET_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/;
const HTML = "text/html; charset=utf-8";
const JSON_TYPE = "application/json";

const REASONS: Record<number, string> = {
  200: "OK",
  301: "Moved Permanently",
  304: "Not Modified",
  403: "Forbidden",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  411: "Length Required",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  505: "HTTP Version Not Supported",
};

/** Field names in lowercase, each with its value (repeated fields joined with ", "). */
export type Headers = Record<string, string>;

/** The query string as a table: each key with its values, in the order they came. */
export type Query = Record<string, string[]>;

export interface Request {
  method: string;
  /** The path, decoded, without the query string. */
  path: string;
  query: Query;
  /** The values of the pattern's :parameters, e.g. { name: "ada" } for /hello/:name. */
  params: Record<string, string>;
  headers: Headers;
  /** The body's bytes; null when the request had neither a Content-Length nor a chunked body. */
  body: Buffer | null;
}

export interface Reply {
  status: number;
  /** Text is sent as UTF-8; bytes (a compressed body) as they are. */
  body: string | Buffer;
  /** The body's media type; HTML unless the handler says otherwise. */
  type?: string;
  headers?: Record<string, string>;
  /**
   * A body made while it is sent (then `body` is ""): its pieces, each sent as soon as it is made.
   * `signal` is aborted when the client leaves, so that the maker stops waiting and making.
   */
  stream?: (signal: AbortSignal) => AsyncIterable<Buffer>;
}

type Handler = (request: Request) => Reply | Promise<Reply>;

interface Route {
  method: string;
  /** The pattern split into segments: "/hello/:name" is ["hello", ":name"]. */
  segments: string[];
  handler: Handler;
}

/** The routing table: data, not code. Adding a page is one more route() call. */
const routes: Route[] = [];

/** Registers a handler for a method and a path pattern (":name" matches one segment). */
export function route(method: string, pattern: string, handler: Handler): void {
  routes.push({ method, segments: pattern.split("/").slice(1), handler });
}

/** The parameters if the path's decoded `parts` fit the pattern's segments, else null. */
function match(segments: string[], parts: string[]): Record<string, string> | null {
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i]!;
    if (segment.startsWith(":")) {
      if (part === "") return null; // a parameter is one segment, and not an empty one
      params[segment.slice(1)] = part;
    } else if (segment !== part) {
      return null;
    }
  }
  return params;
}

// How many times "/" was visited (GET only: HEAD asks about the page without visiting it).
let visits = 0;

route("GET", "/", (request) => {
  if (request.method === "GET") visits += 1;
  return { status: 200, body: `<h1>This page has been accessed ${visits} times.</h1>` };
});
route("GET", "/about", () => ({ status: 200, body: "<h1>About</h1><p>A server that decodes what it is asked for.</p>" }));
// Plain text: the decoded name is the client's text ("%3Cscript%3E" is "<script>"), never markup.
route("GET", "/hello/:name", (request) => ({ status: 200, type: "text/plain; charset=utf-8", body: `Hello, ${request.params.name}!` }));
route("GET", "/slow", async () => {
  // `await` hands the thread back to the event loop: other clients are served meanwhile.
  await sleep(SLOW_MS);
  return { status: 200, body: "<h1>Slow</h1>" };
});
route("GET", "/user-agent", (request) => ({ status: 200, type: "text/plain; charset=utf-8", body: request.headers["user-agent"] ?? "" }));
route("GET", "/headers", (request) => ({ status: 200, type: "application/json", body: JSON.stringify(request.headers) }));
route("GET", "/search", (request) => ({ status: 200, type: "application/json", body: JSON.stringify({ path: request.path, query: request.query }) }));

/** The whole number a query key holds: `fallback` when the key is absent; null when it is not one number from `min` to `max`. */
function wholeNumber(values: string[] | undefined, fallback: number, min: number, max: number): number | null {
  if (values === undefined) return fallback;
  // Digits only, once: "5.0", "-1", "1e2", "" and "n=5&n=6" are not one whole number.
  if (values.length !== 1 || !/^[0-9]+$/.test(values[0]!)) return null;
  const value = Number(values[0]);
  return value >= min && value <= max ? value : null;
}

/** The lines of /stream, "chunk 1 of n" to "chunk n of n", `ms` apart: the first at once. */
async function* countedLines(n: number, ms: number, signal: AbortSignal): AsyncGenerator<Buffer> {
  for (let i = 1; i <= n; i += 1) {
    // With the signal, a client that leaves ends the wait at once (it rejects): no timer is left running.
    if (i > 1) await sleep(ms, undefined, { signal });
    yield Buffer.from(`chunk ${i} of ${n}\n`, "utf8");
  }
}

// A body whose length is not known when it starts: each line goes out as soon as it is made.
route("GET", "/stream", (request) => {
  const n = wholeNumber(request.query.n, 5, 1, 100);
  const ms = wholeNumber(request.query.ms, 200, 0, 2000);
  if (n === null || ms === null) return json(400, { error: "n must be a whole number from 1 to 100, ms from 0 to 2000" });
  return { status: 200, type: "text/plain; charset=utf-8", body: "", stream: (signal) => countedLines(n, ms, signal) };
});

/** A JSON answer: the value, serialized. */
function json(status: number, value: unknown): Reply {
  return { status, type: JSON_TYPE, body: JSON.stringify(value) };
}

/** The media type of a Content-Type value, without its parameters, in lowercase: "application/json" for "Application/JSON; charset=UTF-8". */
function mediaType(value: string | undefined): string {
  return (value ?? "").split(";")[0]!.trim().toLowerCase();
}

// fatal: bytes that are not UTF-8 throw, instead of turning quietly into U+FFFD.
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The body as text, or null when its bytes are not UTF-8. */
function bodyText(body: Buffer): string | null {
  try {
    return UTF8.decode(body);
  } catch {
    return null;
  }
}

// The same JSON value back: parsed, then serialized again (so "{ \"a\" : 1 }" comes back as {"a":1}).
route("POST", "/api/echo", (request) => {
  if (request.body === null) return json(411, { error: "A POST here needs a Content-Length" });
  if (mediaType(request.headers["content-type"]) !== JSON_TYPE) return json(415, { error: "Send JSON, with Content-Type: application/json" });
  const text = bodyText(request.body);
  if (text === null) return json(400, { error: "The body is not UTF-8" });
  try {
    // Inside the try too: a value nested too deep for JSON.stringify is refused like one JSON.parse refuses.
    return json(200, JSON.parse(text));
  } catch {
    return json(400, { error: "The body is not valid JSON" });
  }
});

// A form as browsers send it: the same encoding as a query string, so parseQuery reads it.
route("POST", "/api/form", (request) => {
  if (request.body === null) return json(411, { error: "A POST here needs a Content-Length" });
  if (mediaType(request.headers["content-type"]) !== "application/x-www-form-urlencoded") {
    return json(415, { error: "Send a form, with Content-Type: application/x-www-form-urlencoded" });
  }
  const text = bodyText(request.body);
  const fields = text === null ? null : parseQuery(text);
  if (fields === null) return json(400, { error: "The form is not UTF-8, or has a bad %-escape" });
  return json(200, fields);
});

/** Decodes every %XX of `text` once, as UTF-8; null when an escape is not two hex digits or not UTF-8. */
function percentDecode(text: string): string | null {
  try {
    // decodeURIComponent throws URIError on "%zz", a cut "%4", and bytes that are not UTF-8.
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * The target as a path and its query, "/about?x=1"; null when no client may send it (a 400). A
 * client sends the absolute form, "http://127.0.0.1:8000/about?x=1", to a proxy, and a server must
 * accept it too (RFC 9112 §3.2.2): without its scheme and host, it is the same target.
 */
function originForm(target: string): string | null {
  const schemeAndHost = SCHEME_AND_HOST.exec(target)?.[0] ?? "";
  let rest = target.slice(schemeAndHost.length);
  // "http://host" and "http://host?x=1" have an empty path, which is "/" (RFC 9110 §4.2.3).
  if (schemeAndHost !== "" && !rest.startsWith("/")) rest = `/${rest}`;
  // Anything else is in neither form ("about"), or holds a character no target may hold.
  return rest.startsWith("/") && TARGET_CHARACTERS.test(rest) ? rest : null;
}

/**
 * The path's segments, each decoded once: "/hello/a%2Fb" is ["hello", "a/b"], "/" is [""].
 * Split first, decode after: "%2F" is a slash inside a segment, not a separator. Null when an
 * escape is invalid. "+" stays a plus: it means a space only in a query string.
 */
export function decodeSegments(path: string): string[] | null {
  const parts: string[] = [];
  for (const raw of path.split("/").slice(1)) {
    const part = percentDecode(raw);
    if (part === null) return null;
    parts.push(part);
  }
  return parts;
}

/**
 * The query string (the text after "?") as a table: "a=1&b&a=2" is { a: ["1", "2"], b: [""] }.
 * Split on "&" and at the first "=" first, decode after, so "%26" stays a "&" inside a value;
 * "+" is a space here (the form encoding browsers use). Null when an escape is invalid.
 */
export function parseQuery(query: string): Query | null {
  // No prototype: a key named "constructor" or "__proto__" is a key like any other.
  const table: Query = Object.create(null) as Query;
  for (const pair of query.split("&")) {
    if (pair === "") continue; // "a=1&&b=2" has an empty pair: nothing to read
    const equals = pair.indexOf("=");
    const rawKey = equals === -1 ? pair : pair.slice(0, equals);
    const rawValue = equals === -1 ? "" : pair.slice(equals + 1);
    const key = percentDecode(rawKey.replaceAll("+", " "));
    const value = percentDecode(rawValue.replaceAll("+", " "));
    if (key === null || value === null) return null;
    (table[key] ??= []).push(value);
  }
  return table;
}

/**
 * The Connection field of an answer: "close" when the server closes the connection after it,
 * "keep-alive" when it keeps an HTTP/1.0 client's connection (1.0 closes unless told), null (no
 * field) when it keeps an HTTP/1.1 one (1.1 stays open unless told).
 */
export type ConnectionField = "close" | "keep-alive" | null;

/** A response's head: the status line, the fields every response has, and `fields`. */
function responseHead(status: number, fields: Record<string, string>, connection: ConnectionField = "close"): Buffer {
  const lines = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? ""}`,
    // Now, in GMT, as RFC 9110 §5.6.7 spells it: toUTCString() gives "Tue, 01 Dec 2026 16:50:34 GMT".
    `Date: ${new Date().toUTCString()}`,
    `Server: ${SERVER_NAME}`,
    ...Object.entries(fields).map(([name, value]) => `${name}: ${value}`),
    ...(connection === null ? [] : [`Connection: ${connection}`]),
  ];
  return Buffer.from(lines.join("\r\n") + "\r\n\r\n", "utf8");
}

/** Builds a complete HTTP response as bytes. A response to HEAD has the same head and no body. */
export function generateResponse(reply: Reply, head = false, connection: ConnectionField = "close"): Buffer {
  const body = typeof reply.body === "string" ? Buffer.from(reply.body, "utf8") : reply.body;
  const bytes = responseHead(
    reply.status,
    {
      ...(body.length > 0 ? { "Content-Type": reply.type ?? HTML } : {}),
      ...reply.headers,
      // Bytes, not characters; for HEAD, the length the GET body would have.
      "Content-Length": String(body.length),
    },
    connection,
  );
  return head ? bytes : Buffer.concat([bytes, body]);
}

/** A file's answer: the head now, and the file to stream after it (none for HEAD and 304). */
export interface FileAnswer {
  head: Buffer;
  file: string | null;
}

/**
 * A body made while it is sent: the status and fields of its head, and the maker of its pieces
 * (null for HEAD: the head alone). Its framing depends on the request's version: sendStream decides.
 */
export interface StreamAnswer {
  status: number;
  fields: Record<string, string>;
  pieces: ((signal: AbortSignal) => AsyncIterable<Buffer>) | null;
}

/** What a request gets: a whole response, a head and a file to stream, or a body made as it is sent. */
export type Answer = Buffer | FileAnswer | StreamAnswer;

/**
 * One chunk as it goes on the wire (RFC 9112 §7.1): its size in hex, CRLF, its bytes, CRLF. No
 * data gives the last chunk, "0\r\n\r\n": a chunk of size 0 ends the body, and the empty line
 * after it ends an empty trailer section.
 */
export function chunk(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`, "latin1"), data, CRLF]);
}

/** The media types this server knows, by extension; text types say their charset. */
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".wasm": "application/wasm",
  ".pdf": "application/pdf",
};

/** The Content-Type for a file name, by its extension (any case); bytes of no known kind otherwise. */
export function contentType(fileName: string): string {
  return TYPES[path.extname(fileName).toLowerCase()] ?? "application/octet-stream";
}

// A qvalue: 0 to 1, with at most three decimals (RFC 9110 §12.4.2). "0.5" and "1.000" are; "2" and "high" are not.
const QVALUE = /^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/;

/**
 * Whether a request with this Accept-Encoding value accepts gzip (RFC 9110 §12.5.3). The value is
 * a list of codings in any case, each with an optional weight: "deflate, gzip;q=0.5". A weight of
 * 0 means "not acceptable", so "gzip;q=0" refuses gzip. "*" stands for every coding the list does
 * not name. An empty value asks for no coding, and so does no field at all: RFC 9110 would allow
 * gzip then, but nc and curl without --compressed would print it as binary (this lab's rule).
 */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  let gzipWeight: number | null = null;
  let anyWeight: number | null = null;
  for (const entry of (acceptEncoding ?? "").split(",")) {
    const [coding = "", ...parameters] = entry.split(";").map((part) => part.replace(/^[ \t]+|[ \t]+$/g, ""));
    const name = coding.toLowerCase();
    if (name === "") continue; // empty list elements are allowed (RFC 9110 §5.6.1)
    let weight = 1;
    for (const parameter of parameters) {
      const [key = "", value = ""] = parameter.split("=").map((part) => part.replace(/^[ \t]+|[ \t]+$/g, ""));
      if (key.toLowerCase() === "q") weight = QVALUE.test(value) ? Number(value) : NaN;
    }
    if (Number.isNaN(weight)) continue; // a weight that cannot be read: the entry does not count
    // x-gzip is gzip's old name (RFC 9110 §8.4.1.3). Several entries for one coding: the best weight.
    if (name === "gzip" || name === "x-gzip") gzipWeight = Math.max(gzipWeight ?? 0, weight);
    else if (name === "*") anyWeight = Math.max(anyWeight ?? 0, weight);
  }
  if (gzipWeight !== null) return gzipWeight > 0;
  return anyWeight !== null && anyWeight > 0;
}

/** Whether a body of this Content-Type shrinks when compressed: text does; PNG, JPEG or PDF bytes are compressed already. */
export function compressible(type: string): boolean {
  const media = mediaType(type);
  return media.startsWith("text/") || COMPRESSIBLE.has(media);
}

/**
 * Whether a body's coding depends on Accept-Encoding: a compressible type, long enough to be worth
 * it, short enough to compress in memory. Such an answer says Vary: Accept-Encoding, compressed or not.
 */
function negotiable(type: string, size: number): boolean {
  return compressible(type) && size >= MIN_GZIP_BYTES && size <= MAX_GZIP_BYTES;
}

/**
 * The body to send for a request with this Accept-Encoding, and the fields that say how: gzip and
 * Content-Encoding when asked and worth it, Vary whenever the answer could have gone either way.
 */
export async function encodeBody(body: Buffer, type: string, acceptEncoding: string | undefined): Promise<{ body: Buffer; fields: Record<string, string> }> {
  if (!negotiable(type, body.length)) return { body, fields: {} };
  if (!acceptsGzip(acceptEncoding)) return { body, fields: { Vary: "Accept-Encoding" } };
  return { body: await gzipAsync(body), fields: { "Content-Encoding": "gzip", Vary: "Accept-Encoding" } };
}

/** A reply with its body encoded for the request's Accept-Encoding; generateResponse counts the bytes sent. */
async function encodeReply(reply: Reply, acceptEncoding: string | undefined): Promise<Reply> {
  const text = typeof reply.body === "string" ? Buffer.from(reply.body, "utf8") : reply.body;
  const encoded = await encodeBody(text, reply.type ?? HTML, acceptEncoding);
  return { ...reply, body: encoded.body, headers: { ...reply.headers, ...encoded.fields } };
}

/**
 * The real path of the file the decoded segments name, or null when it is not a file or folder
 * inside WEB_ROOT. Each defence stops its own attack: ".." climbs; a "/" or "\\" decoded from
 * %2F or %5C would make one segment several; a NUL byte makes fs throw; and the real-path check
 * catches a symlink that points out. The check is root + separator, not a string prefix:
 * "/srv/public-old/x" starts with "/srv/public" too.
 */
async function resolveFile(segments: string[]): Promise<string | null> {
  if (segments.some((segment) => segment === ".." || /[/\\\0]/.test(segment))) return null;
  // path.join, never path.resolve: resolve(root, "/etc/passwd") would leave the root behind.
  const joined = path.join(WEB_ROOT, ...segments.filter((segment) => segment !== "."));
  let real: string;
  try {
    real = await realpath(joined);
  } catch {
    return null; // not there (or not readable): a 404
  }
  const root = await REAL_ROOT;
  return real === root || real.startsWith(root + path.sep) ? real : null;
}

/** GET or HEAD of a path no route has: the file under WEB_ROOT, a folder's index.html, or 404. */
async function serveFile(method: string, rawPath: string, parts: string[], headers: Headers, connection: ConnectionField = "close"): Promise<Answer> {
  const head = method === "HEAD";
  // Every answer here carries the same Connection field, and its body the coding the client accepts.
  const respond = async (reply: Reply) => generateResponse(await encodeReply(reply, headers["accept-encoding"]), head, connection);
  let file = await resolveFile(parts);
  let info = file ? await stat(file).catch(() => null) : null;
  if (!file || !info) return respond(error(404));
  if (info.isDirectory()) {
    // A folder's links are relative to it: /docs must become /docs/ before its index is served.
    if (parts.at(-1) !== "") return respond({ status: 301, body: "<h1>301 Moved Permanently</h1>", headers: { Location: `${rawPath}/` } });
    file = await resolveFile([...parts.slice(0, -1), "index.html"]);
    info = file ? await stat(file).catch(() => null) : null;
    if (!file || !info) return respond(error(404)); // no index: no listing either
  }
  if (!info.isFile()) return respond(error(404));
  if (method !== "GET" && method !== "HEAD") return respond(error(405, { Allow: "GET, HEAD" }));
  // Whole seconds: that is all an HTTP date can say, and what If-Modified-Since is compared with.
  const modified = Math.floor(info.mtimeMs / 1000) * 1000;
  const lastModified = new Date(modified).toUTCString();
  const type = contentType(file);
  const since = Date.parse(headers["if-modified-since"] ?? "");
  if (!Number.isNaN(since) && modified <= since) {
    // The client's copy is current: 304, and no body (RFC 9110 §15.4.5), but the Vary a 200 would
    // have (MUST): a cache stores the 304's fields with the copy it refreshes.
    const vary: Record<string, string> = negotiable(type, info.size) ? { Vary: "Accept-Encoding" } : {};
    return { head: responseHead(304, { "Last-Modified": lastModified, ...vary }, connection), file: null };
  }
  if (negotiable(type, info.size)) {
    // Read whole and compressed (or not) before the head: its Content-Length is the bytes sent.
    // HEAD compresses too, to say the length the GET would have.
    const encoded = await encodeBody(await readFile(file), type, headers["accept-encoding"]);
    const fields = { "Content-Type": type, ...encoded.fields, "Content-Length": String(encoded.body.length), "Last-Modified": lastModified };
    const bytes = responseHead(200, fields, connection);
    return head ? bytes : Buffer.concat([bytes, encoded.body]);
  }
  const fields = { "Content-Type": type, "Content-Length": String(info.size), "Last-Modified": lastModified };
  return { head: responseHead(200, fields, connection), file: head ? null : file };
}

function error(status: number, headers?: Record<string, string>): Reply {
  return { status, body: `<h1>${status} ${REASONS[status]}</h1>`, headers };
}

/**
 * Finds the route for a method and a target, runs it, and returns the whole response, with
 * `connection` as its Connection field.
 */
export async function dispatch(
  method: string,
  target: string,
  headers: Headers = {},
  body: Buffer | null = null,
  connection: ConnectionField = "close",
): Promise<Answer> {
  const head = method === "HEAD";
  // Every answer here carries the same Connection field, and its body the coding the client accepts.
  const respond = async (reply: Reply): Promise<Answer> => {
    // A body made as it is sent is never compressed: the point is to see its pieces as they come.
    if (reply.stream) return { status: reply.status, fields: { "Content-Type": reply.type ?? HTML, ...reply.headers }, pieces: head ? null : reply.stream };
    return generateResponse(await encodeReply(reply, headers["accept-encoding"]), head, connection);
  };
  if (!KNOWN_METHODS.has(method)) return respond(error(501));
  // Then the target: its form and characters, then its escapes. What cannot be read is a 400.
  const origin = originForm(target);
  if (origin === null) return respond(error(400));
  // The query string is not part of the route: /about?x=1 is /about.
  const at = origin.indexOf("?");
  const parts = decodeSegments(at === -1 ? origin : origin.slice(0, at));
  const query = parseQuery(at === -1 ? "" : origin.slice(at + 1));
  if (parts === null || query === null) return respond(error(400));
  const path = "/" + parts.join("/");
  // HEAD is served wherever GET is: the same answer, without the body.
  const wanted = head ? "GET" : method;
  const found = routes.filter((each) => match(each.segments, parts) !== null);
  // No route has this path: it may be a file.
  if (found.length === 0) return serveFile(method, at === -1 ? origin : origin.slice(0, at), parts, headers, connection);
  const chosen = found.find((each) => each.method === wanted);
  if (!chosen) {
    // The page exists, not for this method: say which methods it has (RFC 9110 §15.5.6).
    const allowed = [...new Set(found.flatMap((each) => (each.method === "GET" ? ["GET", "HEAD"] : [each.method])))];
    return respond(error(405, { Allow: allowed.join(", ") }));
  }
  return respond(await chosen.handler({ method, path, query, params: match(chosen.segments, parts)!, headers, body }));
}

/**
 * The request line's three parts, or null when it is not METHOD SP TARGET SP HTTP/d.d, the target
 * a path ("/...") or in the absolute form ("http://..."). What the target holds, originForm reads.
 */
export function parseRequestLine(head: string): { method: string; target: string; version: string } | null {
  const line = head.split(/\r?\n/)[0] ?? "";
  // Exactly three parts, separated by single spaces: "GET  / HTTP/1.1" has an empty part.
  const parts = line.split(" ");
  if (parts.length !== 3) return null;
  const [method, target, version] = parts as [string, string, string];
  const form = target.startsWith("/") || SCHEME_AND_HOST.test(target);
  if (!TOKEN.test(method) || !form || !/^HTTP\/\d\.\d$/.test(version)) return null;
  return { method, target, version };
}

/**
 * The header fields of a head, in the order they came, as [name in lowercase, value] pairs; null
 * when a line is not a well-formed field. (parseHeaders joins them; answer() counts the Hosts.)
 */
function fieldLines(head: string): Array<[string, string]> | null {
  const fields: Array<[string, string]> = [];
  for (const line of head.split(/\r?\n/).slice(1)) {
    // A line that starts with a space or tab continues the one before (obs-fold): RFC 9112 §5.2
    // lets a server reject it, and rejecting is the simple, safe choice.
    if (/^[ \t]/.test(line)) return null;
    // NUL and a CR inside a line are read differently by different programs: RFC 9110 §5.5 and RFC
    // 9112 §2.2 say reject them, or replace each with a space. Rejecting is simpler.
    if (/[\0\r]/.test(line)) return null;
    // Split at the first colon only: "Host: 127.0.0.1:8000" has a colon in its value.
    const colon = line.indexOf(":");
    if (colon === -1) return null;
    const name = line.slice(0, colon);
    // "Host : x" is refused: no whitespace is allowed between a name and its colon (RFC 9112 §5.1).
    if (!TOKEN.test(name)) return null;
    fields.push([name.toLowerCase(), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "")]);
  }
  return fields;
}

/**
 * The request's header fields: lowercase name -> value, the value trimmed of the spaces and tabs
 * around it; a field sent several times gets its values joined with ", " (RFC 9110 §5.3). Null
 * when a line is malformed.
 */
export function parseHeaders(head: string): Headers | null {
  const fields = fieldLines(head);
  if (!fields) return null;
  // No prototype: a field named "constructor" or "__proto__" is a field like any other.
  const headers: Headers = Object.create(null) as Headers;
  for (const [name, value] of fields) {
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

/** A head that can be answered: its request line and its fields. */
export interface ReadHead {
  line: { method: string; target: string; version: string };
  headers: Headers;
}

/** The request line and fields of a whole head, or the error response that refuses it. */
function readHead(head: string): ReadHead | Buffer {
  const line = parseRequestLine(head);
  if (!line) {
    console.log("Could not parse the request line");
    return generateResponse(error(400));
  }
  console.log(`path: ${line.target}`);
  const isHead = line.method === "HEAD";
  if (Buffer.byteLength(line.target) > MAX_TARGET_BYTES) return generateResponse(error(414), isHead);
  if (!line.version.startsWith("HTTP/1.")) return generateResponse(error(505), isHead);
  const fields = fieldLines(head);
  if (!fields) {
    console.log("A header line is malformed");
    return generateResponse(error(400), isHead);
  }
  // HTTP/1.1 requires exactly one Host (RFC 9112 §3.2); HTTP/1.0 clients may send none.
  const hosts = fields.filter(([name]) => name === "host");
  if (line.version === "HTTP/1.1" ? hosts.length !== 1 : hosts.length > 1) {
    console.log(`A request with ${hosts.length} Host fields`);
    return generateResponse(error(400), isHead);
  }
  // One Host, but one that is not host[:port], such as "user@host" or "host/path": 400 too (RFC 9112 §3.2).
  if (hosts.length === 1 && !HOST_VALUE.test(hosts[0]![1])) {
    console.log(`An invalid Host: ${hosts[0]![1]}`);
    return generateResponse(error(400), isHead);
  }
  return { line, headers: parseHeaders(head)! };
}

/**
 * The body's length from a Content-Length value: digits only, so "42" is 42 and "007" is 7. Null
 * for anything else: "-1", "+5", "1e3", "0x10", "" and "5abc" (Number() or parseInt() would take
 * some of them). The field sent twice arrives joined, "5, 5": the same length twice is that length,
 * two different ones are an error (RFC 9110 §8.6).
 */
export function contentLength(value: string): number | null {
  // The spaces and tabs around each are optional whitespace (RFC 9110 §5.6.1), nothing more: trim() would take any Unicode space.
  const lengths = new Set(value.split(",").map((each) => each.replace(/^[ \t]+|[ \t]+$/g, "")));
  if (lengths.size !== 1) return null;
  const [digits] = [...lengths] as [string];
  if (!/^[0-9]+$/.test(digits)) return null;
  const length = Number(digits);
  // Past 2^53 a number is no longer exact: no body is that big anyway.
  return Number.isSafeInteger(length) ? length : null;
}

/** How a request's body is framed: its length (null: no body at all), chunked, or the status that refuses it. */
export type Framing = { length: number | null } | { chunked: true } | { status: number };

/**
 * Reads the framing from the head's fields, before any of the body is read (RFC 9112 §6.3). A
 * request whose body length cannot be known for sure is refused, and the connection closed:
 * guessing would read the next request's bytes as this body, or this body as a request.
 */
export function bodyFraming(headers: Headers, version = "HTTP/1.1"): Framing {
  const encoding = headers["transfer-encoding"];
  const length = headers["content-length"];
  if (encoding !== undefined) {
    // HTTP/1.0 has no transfer codings: its framing is faulty (RFC 9112 §6.1, MUST close after).
    if (version === "HTTP/1.0") return { status: 400 };
    // Which of the two ends the body? RFC 9112 §6.1 lets a server read chunked and close after; this
    // one refuses: a proxy on the way may have read the Content-Length instead (smuggling, §11.2).
    if (length !== undefined) return { status: 400 };
    // A list, in the order the codings were applied (RFC 9112 §6.1): "gzip, chunked". Two field
    // lines arrive joined, so "chunked" and then "identity" is the list "chunked, identity".
    const codings = encoding.split(",").map((each) => each.replace(/^[ \t]+|[ \t]+$/g, "").toLowerCase()).filter((each) => each !== "");
    // Only chunked says where the body ends: without it last, nothing does (RFC 9112 §6.3, MUST 400 and close).
    if (codings.at(-1) !== "chunked") return { status: 400 };
    // Chunked applied twice is not allowed (RFC 9112 §6.1, MUST NOT); any other coding before it
    // is one this server cannot undo (RFC 9112 §6.1, SHOULD 501).
    const before = codings.slice(0, -1);
    if (before.includes("chunked")) return { status: 400 };
    if (before.length > 0) return { status: 501 };
    return { chunked: true };
  }
  if (length === undefined) return { length: null };
  const bytes = contentLength(length);
  if (bytes === null) return { status: 400 };
  if (bytes > MAX_BODY_BYTES) return { status: 413 };
  return { length: bytes };
}

/**
 * A chunk's size line, without its CRLF (RFC 9112 §7.1): 1 to 16 hex digits in any case, then any
 * chunk extensions (§7.1.1), each ";name" or ";name=value", the value a token or a quoted string,
 * with optional whitespace around ";" and "=". Nothing before the digits: no space, sign or "0x".
 */
const CHUNK_SIZE_LINE = /^([0-9A-Fa-f]{1,16})(?:[ \t]*;[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*=[ \t]*(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+|"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"))?)*$/;

/**
 * The line of chunked framing that starts at `at`, without its CRLF, and where the next one
 * starts; null while its end has not come. 400 when it ends in a bare LF (the framing is exact,
 * unlike a head typed into nc), or when it is longer than `max` bytes with its CRLF: waiting for
 * the end of an endless line would fill the memory.
 */
function chunkedLine(data: Buffer, at: number, max: number): { line: string; next: number } | { status: number } | null {
  // Only the first `max` bytes are searched: the chunk data after a size line may be long.
  const lf = data.subarray(at, at + max).indexOf(0x0a);
  if (lf === -1) return data.length - at >= max ? { status: 400 } : null;
  if (lf === 0 || data[at + lf - 1] !== 0x0d) return { status: 400 };
  return { line: data.toString("latin1", at, at + lf - 1), next: at + lf + 1 };
}

/**
 * Where the trailer section that starts at `at` ends (after its empty line); null while its end
 * has not come; 400 when a line is not a field, or the section is longer than MAX_HEAD_BYTES.
 * The fields are read only to find the end: this server keeps none (RFC 9112 §7.1.2 allows it).
 */
function trailerEnd(data: Buffer, at: number): number | { status: number } | null {
  let next = at;
  for (;;) {
    const field = chunkedLine(data, next, MAX_HEAD_BYTES - (next - at));
    if (field === null || "status" in field) return field;
    next = field.next;
    if (field.line === "") return next;
    // Name, colon, value, as in the head (see fieldLines): no space before the colon, no NUL or CR.
    const colon = field.line.indexOf(":");
    if (colon === -1 || !TOKEN.test(field.line.slice(0, colon)) || /[\0\r]/.test(field.line)) return { status: 400 };
  }
}

/**
 * How far readChunked has read a chunked body that comes a read at a time: where the next chunk
 * starts, and the data of the chunks before it. The server keeps one per body, so that each
 * chunk is read once, and not again with every read that comes after it.
 */
export interface ChunkedProgress {
  offset: number;
  pieces: Buffer[];
  size: number;
}

/**
 * The chunked body at the start of `data` (the bytes after the head, RFC 9112 §7.1): its data,
 * and how many bytes of `data` its framing took, up to and including the empty line that ends it.
 * Null while more bytes are needed; a status when the framing is broken (400) or the data too big
 * (413). With `progress`, reading goes on where the last call on the same bytes (now more of them)
 * stopped, and `progress` is moved past the whole chunks read; without, it starts at the first byte.
 */
export function readChunked(data: Buffer, progress: ChunkedProgress = { offset: 0, pieces: [], size: 0 }): { body: Buffer; size: number } | { status: number } | null {
  // The data of the chunks this call reads: views into `data`, copied once, when the call ends.
  const pieces: Buffer[] = [];
  let at = progress.offset;
  let size = progress.size;
  /** The rest has not come: note how far this call got, for the next one. */
  const wait = () => {
    if (pieces.length > 0) progress.pieces.push(Buffer.concat(pieces));
    progress.offset = at;
    progress.size = size;
    return null;
  };
  for (;;) {
    const line = chunkedLine(data, at, MAX_HEAD_BYTES);
    if (line === null) return wait();
    if ("status" in line) return line;
    // Not hex, no digits, too many, a space or sign before them, a broken extension: 400. A reader
    // that guesses here ends the body where another reader does not (request smuggling, §11.2).
    const found = CHUNK_SIZE_LINE.exec(line.line);
    if (!found) return { status: 400 };
    // Hex in any case: "1a" and "1A" are 26. (Sixteen digits can pass 2^53: over the cap anyway.)
    const length = parseInt(found[1]!, 16);
    if (length === 0) {
      // The last chunk: then the trailer section, and the body ends after its empty line.
      const end = trailerEnd(data, line.next);
      if (end === null) return wait();
      if (typeof end !== "number") return end;
      return { body: Buffer.concat([...progress.pieces, ...pieces]), size: end };
    }
    // Too big as soon as a size says so: the data itself is never read.
    if (size + length > MAX_BODY_BYTES) return { status: 413 };
    const end = line.next + length;
    // Then CRLF: what has come of it must be CR, then LF, so that a wrong byte is a 400 at once.
    const after = data.subarray(end, end + 2);
    if (!after.equals(CRLF.subarray(0, after.length))) return { status: 400 };
    if (after.length < 2) return wait();
    pieces.push(data.subarray(line.next, end));
    size += length;
    at = end + 2;
  }
}

/**
 * The status for a head over the limit. Its request line decides when that alone is too long to
 * read (RFC 9112 §3): a method longer than any this server knows gets 501, a target longer than
 * it parses 414; any other head, 431.
 */
function tooBigStatus(received: Buffer): number {
  const end = received.indexOf("\n");
  const line = end === -1 ? received : received.subarray(0, end);
  const methodEnd = line.indexOf(" ");
  if ((methodEnd === -1 ? line.length : methodEnd) > LONGEST_METHOD) return 501;
  const targetEnd = line.indexOf(" ", methodEnd + 1);
  if ((targetEnd === -1 ? line.length : targetEnd) - (methodEnd + 1) > MAX_TARGET_BYTES) return 414;
  return 431;
}

/**
 * Returns the head (the text before the blank line), or null if the blank line has not arrived yet.
 * Only the first MAX_HEAD_BYTES are searched: a head that ends later is too big anyway, and with
 * many pipelined requests behind this one, reading them all for each request would cost time in
 * proportion to the whole pipeline, again and again.
 */
function findHead(data: Buffer): { head: string; size: number } | null {
  const text = data.subarray(0, MAX_HEAD_BYTES).toString("latin1");
  const found = BLANK_LINE.exec(text);
  if (!found) return null;
  return { head: data.subarray(0, found.index).toString("utf8"), size: found.index + found[0].length };
}

/**
 * The bytes without the empty lines ("\r\n" or "\n") at their start. Some clients send one after
 * a body, and a server that expects a request line SHOULD ignore it (RFC 9112 §2.2).
 */
function skipEmptyLines(data: Buffer): Buffer {
  let start = 0;
  while (data[start] === 0x0a || (data[start] === 0x0d && data[start + 1] === 0x0a)) {
    start += data[start] === 0x0d ? 2 : 1;
  }
  return data.subarray(start);
}

/**
 * Whether the connection stays open after the answer to a request with this version and this
 * Connection value (RFC 9112 §9.3). The value is a list of tokens in any case, "Keep-Alive, TE";
 * only whole tokens count ("closed" is not "close"). "close" always closes; otherwise HTTP/1.0
 * closes unless it says "keep-alive", and HTTP/1.1 stays open.
 */
export function persistent(version: string, connection: string | undefined): boolean {
  // The spaces and tabs around each token are optional whitespace (RFC 9110 §5.6.1): trim() would take any Unicode space.
  const tokens = (connection ?? "").split(",").map((each) => each.replace(/^[ \t]+|[ \t]+$/g, "").toLowerCase());
  if (tokens.includes("close")) return false;
  if (version === "HTTP/1.0") return tokens.includes("keep-alive");
  return true;
}

/**
 * The answer to a whole request, with `connection` as its Connection field. What is wrong with its
 * head was answered by readHead, before the body was read; what is left is the route's answer.
 */
async function answer(request: ReadHead, body: Buffer | null, connection: ConnectionField): Promise<Answer> {
  return dispatch(request.line.method, request.line.target, request.headers, body, connection);
}

/**
 * Answers a whole request: its head, read, and its body (null when it has none). Resolves once
 * the whole answer has been handed to the socket: true when the connection stays open for the
 * next request, false when the answer ended it. It never ends the socket itself: serve() does,
 * once the answer is out, so that nothing can be answered after the last answer.
 */
async function handleRequest(socket: net.Socket, request: ReadHead, body: Buffer | null): Promise<boolean> {
  const { version } = request.line;
  // The answer tells the client what happens next (RFC 9112 §9.6). Each version has its own
  // default: HTTP/1.1 stays open unless told, so its answer needs no field to stay; HTTP/1.0
  // closes unless told, so its answer says "keep-alive" when it stays.
  let connection: ConnectionField = "close";
  if (persistent(version, request.headers.connection)) connection = version === "HTTP/1.0" ? "keep-alive" : null;
  const keep = connection !== "close";
  let reply: Answer;
  try {
    reply = await answer(request, body, connection);
  } catch (err) {
    // A handler that throws must not take the server down with it: this client gets a 500, and
    // the connection closes (what the handler left half done is in doubt).
    console.log(`Handler failed: ${err instanceof Error ? err.message : String(err)}`);
    socket.write(generateResponse(error(500)));
    return false;
  }
  if (Buffer.isBuffer(reply)) {
    socket.write(reply);
    return keep;
  }
  if ("pieces" in reply) return sendStream(socket, reply, version, connection);
  socket.write(reply.head);
  if (reply.file === null) return keep;
  const file = reply.file;
  const stream = createReadStream(file);
  // A client that leaves in the middle of the file: pipe stops, but only destroy() closes the file.
  const stop = () => stream.destroy();
  socket.once("close", stop);
  return new Promise((resolve) => {
    stream.on("error", (err) => {
      console.log(`Could not read ${file}: ${err.message}`);
      socket.destroy();
    });
    // "end": the last piece has been handed to the socket.
    stream.on("end", () => resolve(keep));
    // "close" comes after "end" (then this changes nothing), or instead of it: an error, or the client left.
    stream.on("close", () => {
      socket.off("close", stop);
      resolve(false);
    });
    // pipe reads the file 64 KiB at a time and waits while the socket's buffer is full: memory
    // stays small whatever the file's size. It leaves the socket open ({ end: false }): the next
    // answer, or the close, is serve()'s to decide.
    stream.pipe(socket, { end: false });
  });
}

/**
 * Sends a body made while it is sent, each piece as soon as it is made. HTTP/1.1 frames it with
 * chunked: Transfer-Encoding in the head and never a Content-Length (RFC 9112 §6.2, MUST NOT send
 * both), each piece a chunk, then the last chunk; the connection stays as the request asked. An
 * HTTP/1.0 client cannot read chunked (§6.1, MUST NOT send it): its body ends where the connection
 * ends (§6.3), so its answer says Connection: close. Resolves as handleRequest does.
 */
async function sendStream(socket: net.Socket, reply: StreamAnswer, version: string, connection: ConnectionField): Promise<boolean> {
  const chunked = version !== "HTTP/1.0";
  const fields = chunked ? { ...reply.fields, "Transfer-Encoding": "chunked" } : reply.fields;
  socket.write(responseHead(reply.status, fields, chunked ? connection : "close"));
  const keep = chunked && connection !== "close";
  if (reply.pieces === null) return keep; // HEAD: the head alone, at once
  // The client leaves: the maker's signal is aborted, so it stops at once (its wait included).
  const stop = new AbortController();
  const leave = () => stop.abort();
  socket.once("close", leave);
  try {
    for await (const piece of reply.pieces(stop.signal)) {
      // An empty chunk would say "the end": an empty piece is nothing to send.
      if (piece.length === 0) continue;
      socket.write(chunked ? chunk(piece) : piece);
      // A client that reads slowly: the next piece waits until this one has left (memory stays small).
      await drained(socket);
      if (stop.signal.aborted) return false;
    }
  } catch (err) {
    // The client left during a wait (the abort), or the maker failed half-way: the head is out, so
    // no 500 can follow. Closing without the last chunk tells the client the body is cut (§8).
    if (!stop.signal.aborted) console.log(`Stream failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  } finally {
    socket.off("close", leave);
  }
  if (chunked) socket.write(chunk(Buffer.alloc(0)));
  return keep;
}

/**
 * Resolves once the socket has handed what it holds to the kernel ("drain"), or is closed. A
 * write returns false, and writableNeedDrain is true, once the socket holds writableHighWaterMark
 * bytes (64 KiB) or more that the kernel could not take: the client is not reading as fast as the
 * server answers.
 */
function drained(socket: net.Socket): Promise<void> {
  if (!socket.writableNeedDrain || socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.on("drain", done);
    socket.on("close", done);
  });
}

export function startServer(): net.Server {
  // allowHalfOpen: a client may close its sending side as soon as its request is out, and
  // still wait for the answer (a slow one, for /slow).
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    console.log(`Connection received from ${socket.remoteAddress}:${socket.remotePort}`);
    socket.on("error", (err) => {
      console.log(`Socket error: ${err.message}`);
    });
    // The bytes that have come and are not read yet: the rest of this request, and maybe the start of the next.
    let received: Buffer = Buffer.alloc(0);
    // Once the head has come: what it asks for, and how its body is framed: how many bytes follow
    // it, or (chunked) how far its chunks have been read.
    let request: ReadHead | null = null;
    let bodyLength: number | null = null;
    let chunks: ChunkedProgress | null = null;
    // The client asked for "100 Continue" before it sends the body, and has not had it yet.
    let continueOwed = false;
    // A request is being answered (until the client has taken its answer): one at a time.
    let answering = false;
    // A kept connection waits for the next request's first byte.
    let idle = false;
    // The client has sent its FIN: no more bytes will come.
    let clientDone = false;
    // The connection is closing: what still comes is read and dropped.
    let done = false;

    // Deadlines, kept with plain timers. (socket.setTimeout is an idle timer: every byte starts it
    // again, so a client that sends one byte a second would hold the connection for ever.) One
    // runs at a time: the head's, the body's, the wait for the next request, or the drain.
    let timer: NodeJS.Timeout | undefined;
    /** In `ms`, `expire` runs, unless another deadline replaces this one first. */
    const deadline = (ms: number, expire: () => void) => {
      clearTimeout(timer);
      timer = setTimeout(expire, ms);
    };
    const headTimeout = () => {
      console.log(`No whole head within ${HEAD_TIMEOUT_MS} ms: closing the connection`);
      done = true;
      socket.destroy();
    };
    const idleTimeout = () => {
      console.log(`No new request within ${KEEP_ALIVE_MS} ms: closing the idle connection`);
      done = true;
      socket.end();
    };
    // The first request's whole head has HEAD_TIMEOUT_MS from now.
    deadline(HEAD_TIMEOUT_MS, headTimeout);
    // Once our side is closed ("finish": all of it handed to the kernel, our FIN sent), what still
    // comes is read and dropped for DRAIN_MS; then the connection closes for good. (Closing at
    // once, with bytes unread, would make the kernel send a reset, which can destroy the answer.)
    socket.once("finish", () => deadline(DRAIN_MS, () => socket.destroy()));
    // Closed: no deadline is left to run, and nothing keeps this connection's state alive.
    socket.once("close", () => clearTimeout(timer));

    /** Answers at once and closes: this request's bytes, and any after them, are not read. */
    const refuse = (response: Buffer) => {
      done = true;
      clearTimeout(timer);
      received = Buffer.alloc(0);
      socket.end(response);
    };
    /** The client will send nothing more, and nothing is being answered: close our side too. */
    const clientLeft = () => {
      console.log(request !== null || received.length > 0 ? "Client left before the request was complete" : "Client closed the connection");
      done = true;
      clearTimeout(timer);
      socket.end();
    };

    /** Reads the request at the front of `received` as far as it has come, and answers it once it is whole. */
    const readRequest = () => {
      if (request === null) {
        received = skipEmptyLines(received);
        if (received.length === 0) return; // nothing of the next request yet
        if (idle) {
          // The next request's first byte: its whole head has HEAD_TIMEOUT_MS from now.
          idle = false;
          deadline(HEAD_TIMEOUT_MS, headTimeout);
        }
        const found = findHead(received);
        if (found && found.size <= MAX_HEAD_BYTES) {
          console.log(`--- Received ---\n${found.head}\n----------------`);
          const read = readHead(found.head);
          if (Buffer.isBuffer(read)) return refuse(read);
          const framing = bodyFraming(read.headers, read.line.version);
          if ("status" in framing) {
            console.log(`Cannot read this body: ${framing.status}`);
            return refuse(generateResponse(error(framing.status), read.line.method === "HEAD"));
          }
          request = read;
          bodyLength = "length" in framing ? framing.length : null;
          chunks = "chunked" in framing ? { offset: 0, pieces: [], size: 0 } : null;
          // What came after the head is the start of the body.
          received = received.subarray(found.size);
          // The whole body has BODY_TIMEOUT_MS from now.
          deadline(BODY_TIMEOUT_MS, () => {
            console.log(`No whole body within ${BODY_TIMEOUT_MS / 1000} s: 408`);
            refuse(generateResponse(error(408), read.line.method === "HEAD"));
          });
          // A client that asks first waits for this before it sends the body (RFC 9110 §10.1.1);
          // an HTTP/1.0 client cannot know the 100, and its Expect is ignored. It is sent below,
          // once what came with the head turns out not to be the whole body.
          continueOwed = request.headers.expect?.toLowerCase() === "100-continue" && request.line.version === "HTTP/1.1";
        } else if (found || received.length >= MAX_HEAD_BYTES) {
          // Too big, ended or not (MAX_HEAD_BYTES with no end yet: the end makes it bigger still).
          // Answer now, and keep no more of it: the client may never stop.
          const status = tooBigStatus(received);
          console.log(`Request head over ${MAX_HEAD_BYTES} bytes: ${status}`);
          return refuse(generateResponse(error(status)));
        } else {
          return; // the head is not complete yet
        }
      }
      // The body, however the reads cut it: exactly Content-Length bytes, or chunks up to the last.
      const body = chunks === null ? lengthBody() : chunkedBody(chunks);
      if (body === undefined) {
        // Not all here yet. The client that asked first sends the rest once it has the 100.
        if (continueOwed) socket.write(CONTINUE);
        continueOwed = false;
        return;
      }
      if (body !== null && "status" in body) {
        console.log(`Cannot read this chunked body: ${body.status}`);
        return refuse(generateResponse(error(body.status), request.line.method === "HEAD"));
      }
      clearTimeout(timer); // whole: no deadline while it is answered (GET /slow takes its time)
      // This request goes to serve(); the next one starts from nothing.
      const whole = request;
      request = null;
      bodyLength = null;
      chunks = null;
      void serve(whole, body);
    };

    /**
     * The body of Content-Length bytes (null: no body at all), once all of it has come (else
     * undefined), taken from `received`: the bytes after it are the start of the next request.
     */
    const lengthBody = (): Buffer | null | undefined => {
      if (bodyLength === null) return null;
      if (received.length < bodyLength) return undefined;
      const body = received.subarray(0, bodyLength);
      received = received.subarray(bodyLength);
      return body;
    };
    /**
     * The chunked body, once its last chunk and trailers have come (else undefined), taken from
     * `received` as lengthBody does; or the status that refuses it.
     */
    const chunkedBody = (progress: ChunkedProgress): Buffer | { status: number } | undefined => {
      const read = readChunked(received, progress);
      if (read === null) {
        // The whole chunks are in `progress` now: their bytes are not kept twice, and the next
        // read starts where this one stopped (so a body in many pieces is read once, in all).
        received = received.subarray(progress.offset);
        progress.offset = 0;
        return undefined;
      }
      if ("status" in read) return read;
      received = received.subarray(read.size);
      return read.body;
    };

    /**
     * Answers one request; then, if the connection stays open, goes on to the next. One request
     * is answered at a time, so the answers go out in the order the requests came (RFC 9112
     * §9.3.2, MUST), whenever and however the requests came.
     */
    const serve = async (read: ReadHead, body: Buffer | null) => {
      answering = true;
      const keep = await handleRequest(socket, read, body);
      // A client that pipelines and does not read its answers: the next answer waits until this
      // one has left the socket, so the server holds one answer for it, not all of them.
      if (keep) await drained(socket);
      answering = false;
      // Reading goes on (it stopped in "data" if more than a head's worth came meanwhile).
      socket.resume();
      if (!keep || socket.destroyed) {
        // This answer is the last: it said Connection: close (or a 500 ended the connection), or
        // the client is gone. The requests behind it are never answered (RFC 9112 §9.6: MUST NOT
        // process them): drop them, send our FIN, and read and drop what still comes ("finish").
        done = true;
        received = Buffer.alloc(0);
        socket.end();
        return;
      }
      // Until the next request's first byte comes, the connection is idle, for KEEP_ALIVE_MS at most.
      idle = true;
      deadline(KEEP_ALIVE_MS, idleTimeout);
      // The requests that came with this one, or during its answer, are in `received` already, and
      // no more bytes may come for them: answer the next one now, if it is whole.
      readRequest();
      // The client sent its FIN meanwhile: if what it sent before holds no whole request, none will come.
      if (clientDone && !answering && !done) clientLeft();
    };

    socket.on("data", (chunk) => {
      // The connection is closing: what the client still sends is read and dropped.
      if (done) return;
      received = Buffer.concat([received, chunk]);
      if (answering) {
        // One request at a time: what comes during an answer (the next requests of a pipeline)
        // waits here for its turn, and serve() reads it once the answer in front of it is out.
        // Nothing of it is read before then, so keep no more than a head's worth: past that, stop
        // reading. The kernel holds the rest, and once its buffers are full, TCP stops the client
        // from sending (flow control). serve() starts reading again after the answer.
        if (received.length > MAX_HEAD_BYTES) socket.pause();
        return;
      }
      readRequest();
    });
    socket.on("end", () => {
      clientDone = true;
      // During an answer, that answer and those of the whole requests behind it go out first
      // (allowHalfOpen); then serve() sees clientDone.
      if (!done && !answering) clientLeft();
    });
  });
  server.listen(PORT, HOST, () => {
    console.log(`Listening on http://${HOST}:${PORT}`);
  });
  return server;
}

// Start the server only when this file is run directly (npx tsx server.ts).
// The checker imports this file to test its functions, and then no server must start.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  startServer();
}
