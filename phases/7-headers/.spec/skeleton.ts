// Phase 7: headers. Phase 6's server routes by method and path, and never looks at the lines
// after the request line. This phase reads them (parseHeaders), refuses the heads a server must
// refuse (400, 431, 414), sends the fields every response needs (Date, Server, ...), and lets go
// of clients that take too long.
//
// The routing of phase 6 is done, and dispatch already hands request.headers to the handlers.
// Yours: TODO 1 to 6.
// Run it:   npm run serve 7     (or npx tsx phases/7-headers/server.ts)
// Try it:   curl -si http://127.0.0.1:8000/headers -H "X-Tag: a" -H "x-tag: b"
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
const SERVER_NAME = "http-lab/7";

/** The methods RFC 9110 defines. Any other token is one this server does not implement (501). */
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]);
const LONGEST_METHOD = Math.max(...[...KNOWN_METHODS].map((method) => method.length));
/** Methods and field names are tokens (RFC 9110 §5.6.2): letters, digits and a few marks. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A Host value is host[:port] (RFC 9110 §7.2): a name or IPv4 address, or an IPv6 address in [ ]; no user@, no path, no spaces. */
const HOST_VALUE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:[0-9]*)?$/;
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

export interface Request {
  method: string;
  /** The path, without the query string. */
  path: string;
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

/** The parameters if `path` fits the pattern's segments, else null. */
function match(segments: string[], path: string): Record<string, string> | null {
  const parts = path.split("/").slice(1);
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
route("GET", "/about", () => ({ status: 200, body: "<h1>About</h1><p>A server that reads and sends headers.</p>" }));
route("GET", "/hello/:name", (request) => ({ status: 200, body: `Hello, ${request.params.name}!` }));
route("GET", "/slow", async () => {
  // `await` hands the thread back to the event loop: other clients are served meanwhile.
  await sleep(SLOW_MS);
  return { status: 200, body: "<h1>Slow</h1>" };
});
// TODO 3: two routes that answer from the request's fields:
//   GET /user-agent: 200, type "text/plain; charset=utf-8", body the User-Agent value ("" if none);
//   GET /headers: 200, type "application/json", body JSON.stringify(request.headers).

/**
 * Builds a complete HTTP response as bytes. A response to HEAD has the same head and no body.
 *
 * TODO 4: Every response carries Date (now, in GMT: "Tue, 01 Dec 2026 16:50:34 GMT", made again
 * for each response) and Server (SERVER_NAME). Add both lines after the status line.
 */
export function generateResponse(reply: Reply, head = false): Buffer {
  const body = Buffer.from(reply.body, "utf8");
  const lines = [
    `HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? ""}`,
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
  // The query string is not part of the route: /about?x=1 is /about.
  const path = target.split("?")[0]!;
  // HEAD is served wherever GET is: the same answer, without the body.
  const wanted = head ? "GET" : method;
  const found = routes.filter((each) => match(each.segments, path) !== null);
  if (found.length === 0) return generateResponse(error(404), head);
  const chosen = found.find((each) => each.method === wanted);
  if (!chosen) {
    // The page exists, not for this method: say which methods it has (RFC 9110 §15.5.6).
    const allowed = [...new Set(found.flatMap((each) => (each.method === "GET" ? ["GET", "HEAD"] : [each.method])))];
    return generateResponse(error(405, { Allow: allowed.join(", ") }), head);
  }
  const reply = await chosen.handler({ method, path, params: match(chosen.segments, path)!, headers });
  return generateResponse(reply, head);
}

/** The request line's three parts, or null when it is not METHOD SP TARGET SP HTTP/d.d. */
export function parseRequestLine(head: string): { method: string; target: string; version: string } | null {
  const line = head.split(/\r?\n/)[0] ?? "";
  // Exactly three parts, separated by single spaces: "GET  / HTTP/1.1" has an empty part.
  const parts = line.split(" ");
  if (parts.length !== 3) return null;
  const [method, target, version] = parts as [string, string, string];
  if (!TOKEN.test(method) || !target.startsWith("/") || !/^HTTP\/\d\.\d$/.test(version)) return null;
  return { method, target, version };
}

/**
 * The header fields of a head, in the order they came, as [name in lowercase, value] pairs; null
 * when a line is not a well-formed field. (parseHeaders joins them; answer() counts the Hosts.)
 *
 * TODO 1: For each line after the request line:
 *   - split it at its FIRST colon ("Host: 127.0.0.1:8000" has one in its value);
 *   - the name is the part before, in lowercase; the value the part after, without the spaces
 *     and tabs around it (only those: not .trim(), which takes a no-break space too);
 *   - return null when the line has no colon, or the name is not a TOKEN (an empty name, or a
 *     space before the colon: "Host : x"), or the line starts with a space or tab (an obs-fold),
 *     or it holds a NUL (\0) or a CR (\r).
 */
function fieldLines(head: string): Array<[string, string]> | null {
  void head;
  return [];
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
  // TODO 5 (also here): a target longer than MAX_TARGET_BYTES gets 414 (RFC 9112 §3).
  if (!line.version.startsWith("HTTP/1.")) return generateResponse(error(505), isHead);
  // TODO 2: The fields decide too. fieldLines(head) is null: 400. Count the Host fields: an
  // HTTP/1.1 request needs exactly one (HTTP/1.0 may have none), else 400 (RFC 9112 §3.2). And
  // one Host whose value is not host[:port] (HOST_VALUE), such as "user@host": 400 too.
  return dispatch(line.method, line.target, parseHeaders(head) ?? {});
}

/**
 * The status for a head over the limit. Its request line decides when that alone is too long to
 * read (RFC 9112 §3): a method longer than any this server knows gets 501, a target longer than
 * it parses 414; any other head, 431.
 *
 * TODO 5 (also here): look at the request line so far (up to its "\n", or all of `received`):
 * its first word longer than LONGEST_METHOD is 501; the target (from after the first space to the
 * next space, or to the end) longer than MAX_TARGET_BYTES is 414; else 431.
 */
function tooBigStatus(received: Buffer): number {
  void received;
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
    // TODO 6: Two deadlines, with plain timers (the global setTimeout: node:timers/promises' one is
    // imported as sleep). Not socket.setTimeout: that is an idle timer, which every byte starts
    // again, so a client that sends one byte a second would hold the connection for ever.
    //   - The whole head has HEAD_TIMEOUT_MS from now: then, unless done, destroy the socket.
    //   - Once the answer is out (the socket's "finish" event: all of it handed to the kernel, our
    //     FIN sent), what still comes is read and dropped for DRAIN_MS; then destroy the socket.
    socket.on("data", (chunk) => {
      // After the answer, what the client still sends is read and dropped.
      if (done) return;
      received = Buffer.concat([received, chunk]);
      const found = findHead(received);
      // The cap counts the whole head, its blank line included, ended or not: a head that ended
      // past it is refused, and so are MAX_HEAD_BYTES with no end yet (the end would make it
      // longer still). So the verdict does not depend on how the reads cut the bytes.
      // TODO 5: A head too big gets an answer, not a silent close: error(tooBigStatus(received)),
      // sent with socket.end (not socket.destroy: the client is still sending, and its next bytes
      // would get a reset, which can destroy the answer). Empty received: a client may send a
      // head that never ends. done stays true, so that what still comes is read and dropped.
      if (found && found.size <= MAX_HEAD_BYTES) {
        done = true;
        void handleRequest(socket, found.head);
      } else if (found || received.length >= MAX_HEAD_BYTES) {
        done = true;
        console.log("Request head too big, closing the connection");
        socket.end();
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
