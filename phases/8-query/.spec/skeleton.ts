// Phase 8: query. Phase 7's server matches routes against the path as it came: /hello/J%C3%BCrgen
// greets "J%C3%BCrgen". This phase decodes the path, segment by segment (decodeSegments), reads
// the query string (parseQuery), shows both at GET /search, refuses escapes that do not decode, and
// reads the target a proxy is sent, "http://host/path" (originForm).
//
// dispatch already matches routes against what decodeSegments returns. Yours: TODO 1 to 5.
// Run it:   npm run serve 8     (or npx tsx phases/8-query/server.ts)
// Try it:   curl -s "http://127.0.0.1:8000/hello/J%C3%BCrgen"   and   curl -s "http://127.0.0.1:8000/search?q=a+b&tag=x&tag=y"
import net from "node:net";
// Named sleep: the global setTimeout (a plain timer, used below) keeps its own name.
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";

const PORT = Number(process.env.PORT ?? 8000);
// "localhost" can mean the IPv6 address ::1 on some machines, so we say which one.
const HOST = "127.0.0.1";
// The whole head (request line, fields, line ends) may be this big; a bigger one gets 431.
const MAX_HEAD_BYTES = 32 * 1024;
// The longest target this server parses; a longer one gets 414 (RFC 9112 §3 recommends 8000 at least).
const MAX_TARGET_BYTES = 8 * 1024;
// The whole head must have come this long after the connection opened; then the server closes.
const HEAD_TIMEOUT_MS = 1000;
// After its answer, the server reads (and drops) what the client still sends for this long, then closes.
const DRAIN_MS = 1000;
// nc (without -C) ends lines with a bare "\n": accept "\r\n\r\n" or "\n\n" as the end of the head.
const BLANK_LINE = /\r\n\r\n|\n\n/;
// Only GET /slow is slow: it keeps phase 5's lesson checked (serve others while waiting).
const SLOW_MS = Number(process.env.SLOW_MS ?? 5000);
const SERVER_NAME = "http-lab/8";

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

const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  414: "URI Too Long",
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
}

export interface Reply {
  status: number;
  body: string;
  /** The body's media type; HTML unless the handler says otherwise. */
  type?: string;
  headers?: Record<string, string>;
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
// TODO 3: GET /search answers, as "application/json", JSON.stringify({ path: request.path,
// query: request.query }): the decoded path and the table parseQuery made.

/**
 * The target as a path and its query, "/about?x=1"; null when no client may send it (a 400). A
 * client sends the absolute form, "http://127.0.0.1:8000/about?x=1", to a proxy, and a server must
 * accept it too (RFC 9112 §3.2.2): without its scheme and host, it is the same target.
 */
function originForm(target: string): string | null {
  // TODO 5: Cut SCHEME_AND_HOST off the start of the target (an empty path left over is "/").
  // Return what is left if it starts with "/" and TARGET_CHARACTERS matches it; else null.
  return target.startsWith("/") ? target : null;
}

/**
 * The path's segments, each decoded once: "/hello/a%2Fb" is ["hello", "a/b"], "/" is [""].
 * Split first, decode after: "%2F" is a slash inside a segment, not a separator. Null when an
 * escape is invalid. "+" stays a plus: it means a space only in a query string.
 */
export function decodeSegments(path: string): string[] | null {
  // TODO 1: Decode each segment once with decodeURIComponent, after the split. It throws
  // URIError for an escape that does not decode ("%zz", "%4", "%C3" alone): return null then.
  return path.split("/").slice(1);
}

/**
 * The query string (the text after "?") as a table: "a=1&b&a=2" is { a: ["1", "2"], b: [""] }.
 * Split on "&" and at the first "=" first, decode after, so "%26" stays a "&" inside a value;
 * "+" is a space here (the form encoding browsers use). Null when an escape is invalid.
 */
export function parseQuery(query: string): Query | null {
  // No prototype: a key named "constructor" or "__proto__" is a key like any other.
  const table: Query = Object.create(null) as Query;
  // TODO 2: For each pair of query.split("&"): skip an empty one; split it at its first "=" (no
  // "=": the value is ""); in key and value turn "+" into " ", then decode (null if one does not
  // decode); push the value on the key's list: (table[key] ??= []).push(value).
  void query;
  return table;
}

/** Builds a complete HTTP response as bytes. A response to HEAD has the same head and no body. */
export function generateResponse(reply: Reply, head = false): Buffer {
  const body = Buffer.from(reply.body, "utf8");
  const lines = [
    `HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? ""}`,
    // Now, in GMT, as RFC 9110 §5.6.7 spells it: toUTCString() gives "Tue, 01 Dec 2026 16:50:34 GMT".
    `Date: ${new Date().toUTCString()}`,
    `Server: ${SERVER_NAME}`,
    ...(body.length > 0 ? [`Content-Type: ${reply.type ?? HTML}`] : []),
    ...Object.entries(reply.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    // Bytes, not characters; for HEAD, the length the GET body would have.
    `Content-Length: ${body.length}`,
    "Connection: close",
  ];
  const bytes = Buffer.from(lines.join("\r\n") + "\r\n\r\n", "utf8");
  return head ? bytes : Buffer.concat([bytes, body]);
}

function error(status: number, headers?: Record<string, string>): Reply {
  return { status, body: `<h1>${status} ${REASONS[status]}</h1>`, headers };
}

/** Finds the route for a method and a target, runs it, and returns the whole response. */
export async function dispatch(method: string, target: string, headers: Headers = {}): Promise<Buffer> {
  const head = method === "HEAD";
  if (!KNOWN_METHODS.has(method)) return generateResponse(error(501), false);
  // Then the target: its form and characters, then its escapes. What cannot be read is a 400.
  const origin = originForm(target);
  if (origin === null) return generateResponse(error(400), head);
  // The query string is not part of the route: /about?x=1 is /about.
  const at = origin.indexOf("?");
  const parts = decodeSegments(at === -1 ? origin : origin.slice(0, at));
  const query = parseQuery(at === -1 ? "" : origin.slice(at + 1));
  // TODO 4: When parts or query is null, an escape did not decode: answer error(400) (for HEAD,
  // the head alone). Until then, a path that does not decode is treated as not found.
  if (parts === null || query === null) return generateResponse(error(404), head);
  const path = "/" + parts.join("/");
  // HEAD is served wherever GET is: the same answer, without the body.
  const wanted = head ? "GET" : method;
  const found = routes.filter((each) => match(each.segments, parts) !== null);
  if (found.length === 0) return generateResponse(error(404), head);
  const chosen = found.find((each) => each.method === wanted);
  if (!chosen) {
    // The page exists, not for this method: say which methods it has (RFC 9110 §15.5.6).
    const allowed = [...new Set(found.flatMap((each) => (each.method === "GET" ? ["GET", "HEAD"] : [each.method])))];
    return generateResponse(error(405, { Allow: allowed.join(", ") }), head);
  }
  const reply = await chosen.handler({ method, path, query, params: match(chosen.segments, parts)!, headers });
  return generateResponse(reply, head);
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

/** The answer to a whole head: what is wrong with the request itself is answered here. */
async function answer(head: string): Promise<Buffer> {
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
  return dispatch(line.method, line.target, parseHeaders(head)!);
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

/** Returns the head (the text before the blank line), or null if the blank line has not arrived yet. */
function findHead(data: Buffer): { head: string; size: number } | null {
  const text = data.toString("latin1");
  const found = BLANK_LINE.exec(text);
  if (!found) return null;
  return { head: data.subarray(0, found.index).toString("utf8"), size: found.index + found[0].length };
}

async function handleRequest(socket: net.Socket, head: string): Promise<void> {
  console.log(`--- Received ---\n${head}\n----------------`);
  try {
    socket.end(await answer(head));
  } catch (err) {
    // A handler that throws must not take the server down with it: this client gets a 500.
    console.log(`Handler failed: ${err instanceof Error ? err.message : String(err)}`);
    socket.end(generateResponse(error(500)));
  }
}

export function startServer(): net.Server {
  // allowHalfOpen: a client may close its sending side as soon as its request is out, and
  // still wait for the answer (a slow one, for /slow).
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    console.log(`Connection received from ${socket.remoteAddress}:${socket.remotePort}`);
    socket.on("error", (err) => {
      console.log(`Socket error: ${err.message}`);
    });
    let received = Buffer.alloc(0);
    let done = false;
    // Deadlines, kept with plain timers. (socket.setTimeout is an idle timer: every byte starts it
    // again, so a client that sends one byte a second would hold the connection for ever.)
    // The whole head has HEAD_TIMEOUT_MS from now.
    setTimeout(() => {
      if (done) return;
      console.log(`No whole head within ${HEAD_TIMEOUT_MS} ms: closing the connection`);
      socket.destroy();
    }, HEAD_TIMEOUT_MS);
    // Once the answer is out ("finish": all of it handed to the kernel, our FIN sent), what still
    // comes is read and dropped for DRAIN_MS; then the connection closes for good. (Closing at
    // once, with bytes unread, would make the kernel send a reset, which can destroy the answer.)
    socket.once("finish", () => setTimeout(() => socket.destroy(), DRAIN_MS));
    socket.on("data", (chunk) => {
      // After the answer, what the client still sends is read and dropped.
      if (done) return;
      received = Buffer.concat([received, chunk]);
      const found = findHead(received);
      if (found && found.size <= MAX_HEAD_BYTES) {
        done = true;
        void handleRequest(socket, found.head);
      } else if (found || received.length >= MAX_HEAD_BYTES) {
        // Too big, ended or not (MAX_HEAD_BYTES with no end yet: the end makes it bigger still).
        // Answer now, and keep no more of it: the client may never stop.
        done = true;
        const status = tooBigStatus(received);
        received = Buffer.alloc(0);
        console.log(`Request head over ${MAX_HEAD_BYTES} bytes: ${status}`);
        socket.end(generateResponse(error(status)));
      }
    });
    socket.on("end", () => {
      if (!done) {
        console.log("Client left before the request was complete");
        socket.end();
      }
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
