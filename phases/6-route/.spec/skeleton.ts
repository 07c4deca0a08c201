// Phase 6: route. Phase 5's route(path) was a chain of ifs on the path alone. This phase makes
// it a table keyed by method and path, with the answers a real server owes for requests it
// cannot serve: 400, 505, 501, 404, 405 (with Allow), and HEAD.
//
// The pages (the routes below) and the socket code are done. Yours: TODO 1 to 4.
// Run it:   npm run serve 6     (or npx tsx phases/6-route/server.ts)
// Try it:   curl -si http://127.0.0.1:8000/about   and   curl -si -X POST http://127.0.0.1:8000/about
import net from "node:net";
import { setTimeout } from "node:timers/promises";
import { pathToFileURL } from "node:url";

const PORT = Number(process.env.PORT ?? 8000);
// "localhost" can mean the IPv6 address ::1 on some machines, so we say which one.
const HOST = "127.0.0.1";
const MAX_HEAD_BYTES = 64 * 1024;
// nc (without -C) ends lines with a bare "\n": accept "\r\n\r\n" or "\n\n" as the end of the head.
const BLANK_LINE = /\r\n\r\n|\n\n/;
// Only GET /slow is slow now: it keeps phase 5's lesson checked (serve others while waiting).
const SLOW_MS = Number(process.env.SLOW_MS ?? 5000);

/** The methods RFC 9110 defines. Any other token is one this server does not implement (501). */
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]);
/** A method is a token (RFC 9110 §5.6.2): letters, digits and a few marks, nothing else. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  501: "Not Implemented",
  500: "Internal Server Error",
  505: "HTTP Version Not Supported",
};

export interface Request {
  method: string;
  /** The path, without the query string. */
  path: string;
  /** The values of the pattern's :parameters, e.g. { name: "ada" } for /hello/:name. */
  params: Record<string, string>;
}

export interface Reply {
  status: number;
  body: string;
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

/**
 * Registers a handler for a method and a path pattern (":name" matches one segment).
 *
 * TODO 1: Add the route to the table: push { method, segments, handler }, where segments is the
 * pattern split at "/" without the empty part before the first "/" ("/hello/:name" gives
 * ["hello", ":name"]).
 */
export function route(method: string, pattern: string, handler: Handler): void {
  void method;
  void pattern;
  void handler;
}

/**
 * The parameters if `path` fits the pattern's segments, else null: "/hello/ada" fits
 * ["hello", ":name"] with { name: "ada" }; "/hello/" and "/hello/a/b" do not fit.
 *
 * TODO 1 (continued): Compare the path's segments with the pattern's, one by one. A ":name"
 * segment fits any one non-empty segment; any other must be equal.
 */
function match(segments: string[], path: string): Record<string, string> | null {
  void segments;
  void path;
  return null;
}

// How many times "/" was visited (GET only: HEAD asks about the page without visiting it).
let visits = 0;

route("GET", "/", (request) => {
  if (request.method === "GET") visits += 1;
  return { status: 200, body: `<h1>This page has been accessed ${visits} times.</h1>` };
});
route("GET", "/about", () => ({ status: 200, body: "<h1>About</h1><p>A server that routes by method and path.</p>" }));
route("GET", "/hello/:name", (request) => ({ status: 200, body: `Hello, ${request.params.name}!` }));
route("GET", "/slow", async () => {
  // `await` hands the thread back to the event loop: other clients are served meanwhile.
  await setTimeout(SLOW_MS);
  return { status: 200, body: "<h1>Slow</h1>" };
});

/** Builds a complete HTTP response as bytes. A response to HEAD has the same head and no body. */
export function generateResponse(reply: Reply, head = false): Buffer {
  const body = Buffer.from(reply.body, "utf8");
  const lines = [
    `HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? ""}`,
    "Content-Type: text/html; charset=utf-8",
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

/**
 * Finds the route for a method and a target, runs it, and returns the whole response.
 *
 * TODO 2: Decide, in this order:
 *   - a method HTTP does not define (KNOWN_METHODS; "get" in lowercase is not GET): 501;
 *   - the path is the target up to the first "?" (the query string is not part of the route);
 *   - no route fits the path: 404;
 *   - routes fit the path, none for this method: 405, with the header Allow listing the
 *     path's methods ("GET, HEAD": a GET route serves HEAD too);
 *   - else run the route's handler with { method, path, params } and build its response.
 * Every error is error(status), a small page; generateResponse builds the bytes.
 *
 * TODO 3: HEAD is served wherever GET is: look the route up as GET, and send the same head
 * with no body (generateResponse(reply, true)).
 */
export async function dispatch(method: string, target: string): Promise<Buffer> {
  void method;
  void target;
  void match;
  void error;
  return Buffer.alloc(0);
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

/** The answer to a whole head: a bad request line and a version we do not speak are answered here. */
async function answer(head: string): Promise<Buffer> {
  const line = parseRequestLine(head);
  // TODO 4: A request line parseRequestLine cannot read is 400 Bad Request; a version other
  // than HTTP/1.x (HTTP/2.0) is 505 HTTP Version Not Supported. Then hand the method and the
  // target to dispatch. (Until then it answers as in phase 5: the counter on /, 404 elsewhere.)
  console.log(line ? `path: ${line.target}` : "Could not parse the request line");
  if (line?.target === "/") {
    visits += 1;
    return generateResponse({ status: 200, body: `<h1>This page has been accessed ${visits} times.</h1>` });
  }
  return generateResponse(error(404));
}

/**
 * Returns the head (the text before the blank line) and its size in bytes, the blank line
 * included; null if the blank line has not arrived yet.
 */
function findHead(data: Buffer): { head: string; size: number } | null {
  // latin1: one character per byte, so the index found is a count of bytes.
  const found = BLANK_LINE.exec(data.toString("latin1"));
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
    socket.end(generateResponse({ status: 500, body: "<h1>500 Internal Server Error</h1>" }));
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
    socket.on("data", (chunk) => {
      if (done) return;
      received = Buffer.concat([received, chunk]);
      const found = findHead(received);
      // The cap counts the whole head, its blank line included, ended or not: a head that ended
      // past it is refused, and so are MAX_HEAD_BYTES with no end yet (the end would make it
      // longer still). So the verdict does not depend on how the reads cut the bytes.
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
