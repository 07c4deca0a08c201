// Phase 15: framework. Until now this server decided every answer itself: a routing table, files,
// gzip, a stream. From now on it runs someone else's app. The app is a Hono app (./app.ts), and
// like every app of its kind it is one function: fetch(request: Request): Promise<Response>, the
// Fetch API's Request and Response, the same objects fetch() in a browser uses. This server keeps
// what only a server can do: read requests off the socket with their limits, deadlines and
// framing (Content-Length or chunked), keep connections, answer pipelined requests in order.
// Between the two sits the adapter: toRequest turns a request read off the wire into a Request;
// writeResponse writes the app's Response back on the wire, its body framed by this server.
// Everything else is phase 14's: kept connections, pipelines, chunked both ways, HTTP/1.0.
//
// Phase 14's protocol layer is done (its routes, files, gzip and /stream are gone: the app has its
// own), and so is the adapter's plumbing: ReadHead keeps every field line in `fields`;
// handleRequest refuses what no app can be asked (501, 400), and answers 400 when toRequest
// throws; writeResponse writes the head and hands the body to sendBody, which sends it piece by
// piece as the app makes it (the reader, the cancel when the client leaves, drained), as
// framingFor says. Yours: TODO 1 to 4.
// Run it:   npm run serve 15     (or npx tsx phases/15-framework/server.ts)
// Try it:   curl -i http://127.0.0.1:8000/users/ada
//           curl -i -H 'Content-Type: application/json' -d '{"a": 1}' http://127.0.0.1:8000/echo
import net from "node:net";
import { pathToFileURL } from "node:url";
import { app } from "./app.ts";

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
const SERVER_NAME = "http-lab/15";
/** The methods RFC 9110 defines. Any other token is one this server does not implement (501). */
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]);
const LONGEST_METHOD = Math.max(...[...KNOWN_METHODS].map((method) => method.length));
/**
 * Two of them no Request can carry: new Request() throws for CONNECT (a tunnel, not a request for
 * a resource) and TRACE (an echo that could show a page's cookies to its scripts). No app ever sees
 * them, so this server does not implement them (501).
 */
const FETCH_REFUSES = new Set(["CONNECT", "TRACE"]);
/** Methods and field names are tokens (RFC 9110 §5.6.2): letters, digits and a few marks. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A Host value is host[:port] (RFC 9110 §7.2): a name or IPv4 address, or an IPv6 address in [ ]; no user@, no path, no spaces. */
const HOST_VALUE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:[0-9]*)?$/;
/** "http://127.0.0.1:8000" in the absolute form "http://127.0.0.1:8000/about?x=1": scheme, "://", host and port. */
const SCHEME_AND_HOST = /^https?:\/\/[^/?#]*/i;
/**
 * The characters RFC 3986 lets a path and a query hold: letters, digits, - . _ ~, the marks
 * ! $ & ' ( ) * + , ; = : @ / ?, and % (which starts an escape: the app decodes them). Not "#"
 * (a fragment never leaves the client), no space or control byte, no backslash, no byte over 127.
 */
const TARGET_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/;
const HTML = "text/html; charset=utf-8";
/**
 * The reason phrase of each status RFC 9110 §15 defines. An app gives a status; the words are the
 * server's (a Response's statusText is "" unless the app set one, and clients ignore the phrase
 * anyway, RFC 9112 §4). A status not in the table gets an empty phrase: "HTTP/1.1 299 ".
 */
const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  421: "Misdirected Request",
  422: "Unprocessable Content",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
};

/** Field names in lowercase, each with its value (repeated fields joined with ", "). */
export type Fields = Record<string, string>;

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
 * The Connection field of an answer: "close" when the server closes the connection after it,
 * "keep-alive" when it keeps an HTTP/1.0 client's connection (1.0 closes unless told), null (no
 * field) when it keeps an HTTP/1.1 one (1.1 stays open unless told).
 */
export type ConnectionField = "close" | "keep-alive" | null;

/**
 * A response's head: the status line, the fields every response has, then `fields` in their order.
 * A list of pairs, not a table: one name may come several times (Set-Cookie).
 */
function responseHead(status: number, fields: Array<[string, string]>, connection: ConnectionField = "close"): Buffer {
  const lines = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? ""}`,
    // Now, in GMT, as RFC 9110 §5.6.7 spells it: toUTCString() gives "Tue, 01 Dec 2026 16:50:34 GMT".
    `Date: ${new Date().toUTCString()}`,
    `Server: ${SERVER_NAME}`,
    ...fields.map(([name, value]) => `${name}: ${value}`),
    ...(connection === null ? [] : [`Connection: ${connection}`]),
  ];
  // latin1: one byte per character, as field values are held (see findHead).
  return Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1");
}

/** An answer this server makes itself (a refusal, or the 500 of an app that failed). */
export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** Builds a complete HTTP response as bytes. A response to HEAD has the same head and no body. */
export function generateResponse(reply: Reply, head = false, connection: ConnectionField = "close"): Buffer {
  const body = Buffer.from(reply.body, "utf8");
  const fields: Array<[string, string]> = [
    ["Content-Type", HTML],
    ...Object.entries(reply.headers ?? {}),
    // Bytes, not characters; for HEAD, the length the GET body would have.
    ["Content-Length", String(body.length)],
  ];
  const bytes = responseHead(reply.status, fields, connection);
  return head ? bytes : Buffer.concat([bytes, body]);
}

function error(status: number, headers?: Record<string, string>): Reply {
  return { status, body: `<h1>${status} ${REASONS[status]}</h1>`, headers };
}

/**
 * One chunk as it goes on the wire (RFC 9112 §7.1): its size in hex, CRLF, its bytes, CRLF. No
 * data gives the last chunk, "0\r\n\r\n": a chunk of size 0 ends the body, and the empty line
 * after it ends an empty trailer section.
 */
export function chunk(data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`, "latin1"), data, CRLF]);
}

// The adapter, from here to sendBody: the request read off the wire becomes the app's Request
// (toRequest), and the app's Response goes back on the wire (appFields, writeResponse, sendBody).

/**
 * The Request the app gets for a request read off the wire: its method; its URL, absolute, as the
 * Fetch API wants it; every field line, in the order it came; and its body, read whole already
 * (by Content-Length or chunked). Throws (TypeError) when no URL can be made of the target and the
 * Host, such as a Host "a%zz": the server answers 400 then.
 */
export function toRequest(head: ReadHead, body: Buffer | null): Request {
  // TODO 1: Build the Request: new Request(url, { method, headers, body }).
  //         - url: absolute. An absolute-form target (SCHEME_AND_HOST.test(target)) is the URL as
  //           it is; else `http://${host}${target}`, the host being head.headers.host as sent, or,
  //           when there is none or it is empty (HTTP/1.0 may send none), `${HOST}:${PORT}`;
  //         - headers: a new Headers(), and headers.append(name, value) for each pair of
  //           head.fields, in order (append, not set: two X-Tag lines must read "a, b");
  //         - body: the body for any method but GET and HEAD (new Request throws for those), and
  //           null when there is none. A Buffer is a body as it is: no duplex option needed.
  //         For now: the method and the target on a made-up host; no fields, no body.
  void body;
  return new Request(new URL(head.line.target, "http://localhost"), { method: head.line.method });
}

/**
 * Fields of the app's answer that the server decides itself: its clock and its name, and how the
 * message is framed and the connection kept (RFC 9112 §6, §9.6). The app's own would make them twice.
 */
const SERVERS_OWN = new Set(["date", "server", "connection", "keep-alive", "transfer-encoding", "content-length"]);

/**
 * The app's fields as lines of the head: every field of `headers` but the server's own, then each
 * Set-Cookie on a line of its own. A Headers object joins repeated names with ", " for get(), and
 * that is wrong for Set-Cookie only: an Expires date holds a comma ("Expires=Wed, 21 Oct 2026
 * 07:28:00 GMT"), so joined cookies cannot be split again (RFC 9110 §5.3, RFC 6265 §3).
 */
export function appFields(headers: Headers): Array<[string, string]> {
  // TODO 3: Every field of the app's answer, as [name, value] pairs: for (const [name, value] of
  //         headers) gives each name in lowercase. Leave out the names in SERVERS_OWN (the server
  //         writes those itself) and "set-cookie"; then push one ["set-cookie", cookie] pair for
  //         each value of headers.getSetCookie(), in order, never joined.
  //         For now only the Content-Type goes: the app's Location, cookies and the rest are lost.
  const type = headers.get("content-type");
  return type === null ? [] : [["content-type", type]];
}

/** How an answer's body is framed on the wire (RFC 9112 §6.3): the fields that say so, and where it ends. */
export interface AnswerFraming {
  /** Content-Length, Transfer-Encoding: chunked, or nothing. */
  fields: Array<[string, string]>;
  /** After this many bytes, after the last chunk, or at the close of the connection. */
  end: number | "chunked" | "close";
}

/**
 * The framing of the app's answer to a request with this method and version. A Response says its
 * length only when the app wrote a Content-Length (a file's size, say); for most bodies nobody knows
 * it when the head goes out, as with phase 14's /stream.
 */
export function framingFor(response: Response, method: string, version: string): AnswerFraming {
  // TODO 4: Choose the framing, in this order (response.status, and the app's Content-Length:
  //         response.headers.get("content-length"), read with contentLength, null if unreadable):
  //         - status 204: { fields: [], end: 0 } (no length, no chunked: RFC 9110 §8.6);
  //         - a length from the app: { fields: [["Content-Length", String(length)]], end: length };
  //         - status 304: { fields: [], end: 0 };
  //         - no body (response.body === null) and the method is not HEAD: a Content-Length of "0";
  //         - version "HTTP/1.0": { fields: [], end: "close" } (no chunks for HTTP/1.0);
  //         - else: { fields: [["Transfer-Encoding", "chunked"]], end: "chunked" }.
  //         HEAD goes through the same steps, so its head says what its GET's would.
  //         For now every answer goes as only HTTP/1.0's may: no length, its end the close.
  void response;
  void method;
  void version;
  return { fields: [], end: "close" };
}

/**
 * Writes the app's Response on the socket: the head, then the body, framed by framingFor.
 * Resolves once the last byte is handed to the socket: true when the connection stays open for the
 * next request, false when this answer ends it (as handleRequest does).
 */
export async function writeResponse(socket: net.Socket, response: Response, method: string, version: string, connection: ConnectionField): Promise<boolean> {
  const { status } = response;
  const framing = framingFor(response, method, version);
  // A body that ends with the connection says so, whatever the request asked (RFC 9112 §9.6).
  const endsWithClose = framing.end === "close";
  socket.write(responseHead(status, [...appFields(response.headers), ...framing.fields], endsWithClose ? "close" : connection));
  const keep = !endsWithClose && connection !== "close";
  // No body: the answer to HEAD has the fields a GET gets, framing included (RFC 9110 §9.3.2), and
  // none of its body; 204 and 304 never have one (RFC 9112 §6.3). A Response may still hold a body
  // (Hono's answer to HEAD holds none): it is never read, so it is cancelled.
  if (method === "HEAD" || status === 204 || status === 304 || response.body === null) {
    void response.body?.cancel().catch(() => {});
    return keep;
  }
  const whole = await sendBody(socket, response.body, framing.end);
  return whole && keep;
}

/**
 * Sends a body as the app makes it, each piece as soon as it comes, until its `end`: after that
 * many bytes (sent as they are, and no more), after the last chunk (each piece a chunk), or at the
 * close (sent as they are). Resolves true once all of it is out; false when it could not be sent
 * whole: the client left, the app's body failed, or it did not match its length. The head is out
 * then, so no 500 can follow: only the close tells the client that the body is cut (RFC 9112 §8).
 */
async function sendBody(socket: net.Socket, body: ReadableStream<Uint8Array>, end: AnswerFraming["end"]): Promise<boolean> {
  const reader = body.getReader();
  // The client leaves: cancel the body, so that the app stops making it (Hono's stream() sees an abort).
  const leave = () => void reader.cancel().catch(() => {});
  socket.once("close", leave);
  let sent = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (socket.destroyed) {
        // Gone before this piece (maybe before the head): "close" will not come again to cancel.
        leave();
        return false;
      }
      // An empty chunk would say "the end": an empty piece is nothing to send.
      if (value.length === 0) continue;
      sent += value.length;
      if (typeof end === "number" && sent > end) {
        // More than the head said: the rest would be read as the start of the next answer.
        console.log(`The app's body is longer than its Content-Length, ${end}: closing`);
        leave();
        return false;
      }
      socket.write(end === "chunked" ? chunk(value) : value);
      // A client that reads slowly: the next piece waits until this one has left (memory stays small).
      await drained(socket);
    }
  } catch (err) {
    // The app's body failed half-way.
    console.log(`The app's body failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  } finally {
    socket.off("close", leave);
  }
  if (socket.destroyed) return false;
  if (typeof end === "number" && sent < end) {
    console.log(`The app's body is shorter than its Content-Length, ${end}: closing`);
    return false;
  }
  if (end === "chunked") socket.write(chunk(new Uint8Array(0)));
  return end !== "close";
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
 * when a line is not a well-formed field. (parseHeaders joins them; readHead counts the Hosts; toRequest hands them to the app.)
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
export function parseHeaders(head: string): Fields | null {
  const fields = fieldLines(head);
  if (!fields) return null;
  // No prototype: a field named "constructor" or "__proto__" is a field like any other.
  const headers: Fields = Object.create(null) as Fields;
  for (const [name, value] of fields) {
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

/** A head that can be answered: its request line and its fields, joined and as they came. */
export interface ReadHead {
  line: { method: string; target: string; version: string };
  /** Each name once, for the server's own rules (Host, Connection, framing, Expect). */
  headers: Fields;
  /** Every field line, in order, [name in lowercase, value]: what the app gets. */
  fields: Array<[string, string]>;
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
  if (Buffer.byteLength(line.target, "latin1") > MAX_TARGET_BYTES) return generateResponse(error(414), isHead);
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
  return { line, headers: parseHeaders(head)!, fields };
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
export function bodyFraming(headers: Fields, version = "HTTP/1.1"): Framing {
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
 * proportion to the whole pipeline, again and again. The head is read as latin1, one character per
 * byte: that is how a Headers object holds a value (a ByteString), so the app gets the bytes that
 * came, whatever they are (RFC 9110 §5.5: a recipient treats bytes over 127 as opaque data).
 */
function findHead(data: Buffer): { head: string; size: number } | null {
  const text = data.subarray(0, MAX_HEAD_BYTES).toString("latin1");
  const found = BLANK_LINE.exec(text);
  if (!found) return null;
  return { head: text.slice(0, found.index), size: found.index + found[0].length };
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
 * Answers a whole request: its head, read, and its body (null when it has none). Resolves once
 * the whole answer has been handed to the socket: true when the connection stays open for the
 * next request, false when the answer ended it. It never ends the socket itself: serve() does,
 * once the answer is out, so that nothing can be answered after the last answer.
 */
async function handleRequest(socket: net.Socket, request: ReadHead, body: Buffer | null): Promise<boolean> {
  const { method, target, version } = request.line;
  // The answer tells the client what happens next (RFC 9112 §9.6). Each version has its own
  // default: HTTP/1.1 stays open unless told, so its answer needs no field to stay; HTTP/1.0
  // closes unless told, so its answer says "keep-alive" when it stays.
  let connection: ConnectionField = "close";
  if (persistent(version, request.headers.connection)) connection = version === "HTTP/1.0" ? "keep-alive" : null;
  const keep = connection !== "close";
  // An answer of this server's own, such as a refusal: whole, with a length, so the connection goes on.
  const answerHere = (status: number): boolean => {
    socket.write(generateResponse(error(status), method === "HEAD", connection));
    return keep;
  };
  // What no app can be asked: a method this server does not implement, or no Request can carry
  // (RFC 9110 §9.1, SHOULD 501); a target in neither form, or with a character no target may hold.
  if (!KNOWN_METHODS.has(method) || FETCH_REFUSES.has(method)) return answerHere(501);
  if (originForm(target) === null) return answerHere(400);
  let fetchRequest: Request;
  try {
    fetchRequest = toRequest(request, body);
  } catch (err) {
    console.log(`No Request can be made of this one: ${err instanceof Error ? err.message : String(err)}`);
    return answerHere(400);
  }
  // TODO 2: Ask the app: const response = await app.fetch(fetchRequest), inside a try. When it
  //         throws or rejects (GET /crash: the app's own error handler fails too), no Response
  //         comes: log the error with console.log, and return answerHere(500). The request was
  //         read whole, so the connection goes on.
  //         For now the app is never asked: every request gets this 501.
  void app;
  void fetchRequest;
  const response = new Response("Not implemented yet: this server does not ask the app (TODO 2).\n", { status: 501 });
  return writeResponse(socket, response, method, version, connection);
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
  // still wait for the answer (a slow one, or a stream).
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
      clearTimeout(timer); // whole: no deadline while it is answered (the app takes its time)
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
