// Phase 1: bind. Open a TCP port, accept connections and print what the client sends.
// No HTTP yet: to the server it is just bytes arriving on a socket.
//
// Run it:   npx tsx phases/1-bind/server.ts
// Try it:   nc 127.0.0.1 8000   then type Hello and press Enter.
import net from "node:net";
import { pathToFileURL } from "node:url";

// The port comes from the PORT environment variable, so the checker can pick a free one.
const PORT = Number(process.env.PORT ?? 8000);
// "localhost" can mean the IPv6 address ::1 on some machines, so we say which one.
const HOST = "127.0.0.1";

export function startServer(): net.Server {
  // The callback runs once for every client that connects; `socket` is that connection.
  const server = net.createServer((socket) => {
    // TODO 2: Log who connected, as `Connection received from <address>:<port>`.
    //         The socket knows the client's address and port: socket.remoteAddress, socket.remotePort.

    // A client can break the connection at any moment (a reset, a network error).
    // Without an "error" listener Node would crash the whole server, so log it and move on.
    socket.on("error", (err) => {
      console.log(`Socket error: ${err.message}`);
    });

    // `once`: for now we only look at the first piece of data that arrives.
    socket.once("data", (chunk) => {
      // TODO 3: Print the data between two marker lines, exactly like this:
      //           --- Received ---
      //           <the data>
      //           ----------------
      //         `chunk` is a Buffer (raw bytes): chunk.toString("utf8") turns it into text.

      // TODO 4: Close the connection. socket.end() closes our side; the client sees it
      //         as the end of the data (a piped nc, `printf ... | nc`, exits).
    });

    // "end": the client closed its side. If it never sent anything, say so and close ours.
    socket.on("end", () => {
      if (socket.bytesRead === 0) {
        console.log("Client left without sending anything");
      }
      socket.end();
    });
  });

  // TODO 1: Nothing happens until the server listens on a port. Call
  //         server.listen(port, host, callback) with PORT and HOST, and in the callback
  //         print `Listening on http://127.0.0.1:<port>` (use HOST and PORT).
  //         Until you do, this program starts and exits at once.
  return server;
}

// Start the server only when this file is run directly (npx tsx server.ts).
// The checker imports this file to test its functions, and then no server must start.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  startServer();
}
