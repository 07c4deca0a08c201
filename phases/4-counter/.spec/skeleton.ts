// Phase 4: counter. The server now remembers something between requests: how many
// times the page "/" was visited. Only "/" counts: a browser also asks for
// /favicon.ico on its own, and that is not a visit.
//
// Run it:   npx tsx phases/4-counter/server.ts
// Try it:   open http://127.0.0.1:8000/ in a browser and reload a few times. The count must
//           go up by one per reload, though the browser also asks for /favicon.ico.
import net from "node:net";
import { pathToFileURL } from "node:url";

// The port comes from the PORT environment variable, so the checker can pick a free one.
const PORT = Number(process.env.PORT ?? 8000);
// "localhost" can mean the IPv6 address ::1 on some machines, so we say which one.
const HOST = "127.0.0.1";

// A client could send header lines forever; past this size we give up on it.
const MAX_HEAD_BYTES = 64 * 1024;

// The blank line that ends the head. HTTP says lines end in "\r\n", but nc (without -C)
// sends a bare "\n", so we accept "\r\n\r\n" or "\n\n", whichever comes first.
const BLANK_LINE = /\r\n\r\n|\n\n/;

// The page we send for every path. The "ö" is there on purpose: it is one character
// but two bytes in UTF-8, so a Content-Length counted in characters would be wrong.
const PAGE = "<h1>Hello, wörld!</h1>";

// How many times "/" was visited. It lives outside the handlers, so every
// connection sees (and adds to) the same number.
let visits = 0;

/**
 * Returns the path from the request line, e.g. "/favicon.ico" from
 * "GET /favicon.ico HTTP/1.1", or "" if the text does not start with a request line.
 */
export function parseRequest(raw: string): string {
  if (!raw) {
    return "";
  }
  // The request line is the first line; it may end in "\r\n", "\n" or not at all.
  const firstLine = raw.split(/\r?\n/)[0];
  // METHOD SP PATH SP HTTP/VERSION: exactly three parts, separated by single spaces.
  const parts = firstLine.split(" ");
  if (parts.length !== 3) {
    return "";
  }
  const [method, path, version] = parts;
  if (method === "" || path === "" || !version.startsWith("HTTP/")) {
    return "";
  }
  return path;
}

/** Builds a complete HTTP response (status line, headers, blank line, body) as bytes. */
export function generateResponse(content: string, status = "200 OK"): Buffer {
  const head =
    `HTTP/1.1 ${status}\r\n` +
    "Content-Type: text/html; charset=utf-8\r\n" +
    // The length of the body in bytes, not characters (see PAGE above). The client
    // reads exactly this many bytes after the blank line.
    `Content-Length: ${Buffer.byteLength(content)}\r\n` +
    // We close the connection after each response, and say so.
    "Connection: close\r\n" +
    "\r\n"; // the blank line: headers end here, the body starts
  return Buffer.from(head + content, "utf8");
}

/** Decides the answer for a path: its status line and its page. Counts visits to "/". */
export function route(path: string): { status: string; body: string } {
  // TODO 1: Choose the answer by path:
  //           "/"         add one to `visits`, then answer "200 OK" with the page
  //                       <h1>This page has been accessed <visits> times.</h1>
  //           ""          (parseRequest could not read the request) "400 Bad Request"
  //           any other   "404 Not Found" with <h1>404 Not Found</h1>, and no counting.
  //                       That includes /favicon.ico: browsers ask for it on their own
  //                       after every page, and it is not a visit.
  return { status: "200 OK", body: PAGE };
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

/** Called once per connection, when the whole head has arrived. */
function handleRequest(socket: net.Socket, head: string): void {
  console.log(`--- Received ---\n${head}\n----------------`);
  const path = parseRequest(head);
  // TODO 2: Let route(path) decide the status and the page for every request, the 400
  //         included, and send generateResponse(body, status). PAGE is then unused.
  if (path === "") {
    console.log("Could not parse the request line");
    socket.end(generateResponse("<h1>400 Bad Request</h1>", "400 Bad Request"));
    return;
  }
  console.log(`path: ${path}`);
  // end(data) sends the response, then closes: one request per connection.
  socket.end(generateResponse(PAGE));
}

export function startServer(): net.Server {
  const server = net.createServer((socket) => {
    console.log(`Connection received from ${socket.remoteAddress}:${socket.remotePort}`);

    // A client can break the connection at any moment (a reset, a network error).
    // Without an "error" listener Node would crash the whole server, so log it and move on.
    socket.on("error", (err) => {
      console.log(`Socket error: ${err.message}`);
    });

    // TCP delivers a stream of bytes, not messages: one request can arrive in several
    // pieces, with pauses between them. So we collect the pieces until the blank line.
    let received = Buffer.alloc(0);
    let done = false; // true once we stop reading: the head is complete, or too big

    socket.on("data", (chunk) => {
      if (done) {
        return; // we have what we need; ignore anything sent after the head
      }
      received = Buffer.concat([received, chunk]);
      const found = findHead(received);
      // The cap counts the whole head, its blank line included, ended or not: a head that ended
      // past it is refused, and so are MAX_HEAD_BYTES with no end yet (the end would make it
      // longer still). So the verdict does not depend on how the reads cut the bytes.
      if (found && found.size <= MAX_HEAD_BYTES) {
        done = true;
        handleRequest(socket, found.head);
      } else if (found || received.length >= MAX_HEAD_BYTES) {
        done = true;
        console.log("Request head too big, closing the connection");
        socket.end();
      }
    });

    // "end": the client closed its side. If the head was not complete yet, no request came.
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
