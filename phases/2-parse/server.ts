// Phase 2: parse. Read the whole request head, then take the path out of its first line.
//
// A browser sends a request head like this; each line ends in "\r\n" and an empty
// line marks the end of the head:
//
//   GET /favicon.ico HTTP/1.1
//   Host: 127.0.0.1:8000
//   User-Agent: Mozilla/5.0 ...
//   (empty line)
//
// Run it:   npx tsx phases/2-parse/server.ts
// Try it:   open http://127.0.0.1:8000/hello in a browser, or
//           nc 127.0.0.1 8000   then type  GET /hello HTTP/1.1  and press Enter twice.
import net from "node:net";
import { pathToFileURL } from "node:url";

// The port comes from the PORT environment variable, so the checker can pick a free one.
const PORT = Number(process.env.PORT ?? 8000);
// "localhost" can mean the IPv6 address ::1 on some machines, so we say which one.
const HOST = "127.0.0.1";

// A client could send header lines forever; past this size we give up on it.
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Returns the path from the request line, e.g. "/favicon.ico" from
 * "GET /favicon.ico HTTP/1.1", or "" if the text does not start with a request line.
 */
export function parseRequest(raw: string): string {
  // TODO 1: Take the first line of `raw`. Lines end in "\r\n", or in a bare "\n" when
  //         the client is nc; the first line may also have no line end at all.
  //         Split that line on spaces: a request line has exactly three parts,
  //         METHOD PATH HTTP/VERSION (the last one starts with "HTTP/"). Return the middle one.
  //         For anything else ("", "Hello", "hello there friend") return "". Never throw.
  //         Useful: string.split(...) (it also takes a regular expression), string.startsWith(...).
  return "";
}

export function startServer(): net.Server {
  // The callback runs once for every client that connects; `socket` is that connection.
  const server = net.createServer((socket) => {
    console.log(`Connection received from ${socket.remoteAddress}:${socket.remotePort}`);

    // A client can break the connection at any moment (a reset, a network error).
    // Without an "error" listener Node would crash the whole server, so log it and move on.
    socket.on("error", (err) => {
      console.log(`Socket error: ${err.message}`);
    });

    // TODO 2: One "data" event is not one request. TCP delivers a stream of bytes: a request
    //         can arrive in several pieces, with pauses between them, and a big one always
    //         does. Replace the `once` below with socket.on("data", ...) that appends each
    //         chunk to a Buffer (Buffer.concat) until the head is complete: it ends at the
    //         first blank line, "\r\n\r\n", or "\n\n" when the client is nc (buffer.indexOf
    //         finds them; take whichever comes first). Keep bytes until then: one character
    //         ("é" is two bytes) can be cut between two chunks. Ignore any data after the head
    //         (a flag, done, set once you handle it). The cap counts the whole head, its blank
    //         line included: close the connection, with no path line, when a head that ended is
    //         bigger than MAX_HEAD_BYTES, and when MAX_HEAD_BYTES arrive without a blank line
    //         (>=, not >: the blank line would make it bigger still).
    // TODO 3: Once the head is complete (never before): print it between the markers as
    //         now, give it to parseRequest, and print the path it returns as `path: <path>`
    //         (if it returns "", print a line saying the request could not be parsed
    //         instead). Then close the connection.
    // `once`: for now we only look at the first piece of data that arrives.
    socket.once("data", (chunk) => {
      // The data is a Buffer (raw bytes); turn it into text to print it.
      console.log(`--- Received ---\n${chunk.toString("utf8")}\n----------------`);
      socket.end(); // close our side of the connection
    });

    // "end": the client closed its side. If it never sent anything, say so and close ours.
    // TODO 4: A client can also leave halfway through its request: if the head was not
    //         complete when "end" comes, log that and close, without any path line.
    socket.on("end", () => {
      if (socket.bytesRead === 0) {
        console.log("Client left without sending anything");
      }
      socket.end();
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
