/** The raw client against tiny real servers on 127.0.0.1: what it records and how it ends. */
import net from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { WireConnection, exchange } from "../../checker/grader/wire.ts";

const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

function serve(onConnection: (socket: net.Socket) => void): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      socket.on("error", () => {});
      onConnection(socket);
    });
    servers.push(server);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
  });
}

describe("exchange", () => {
  test("records the reply and a close by the server", async () => {
    const port = await serve((socket) => socket.once("data", () => socket.end("pong\r\n")));
    const result = await exchange({ host: "127.0.0.1", port, segments: [{ data: "ping\n" }], replyTimeoutMs: 2000 });
    expect(result.received.toString()).toBe("pong\r\n");
    expect(result.ending).toBe("server-closed");
    expect(result.timedOut).toBe(false);
  });

  test("tells a reset from a close", async () => {
    const port = await serve((socket) => socket.once("data", () => socket.resetAndDestroy()));
    const result = await exchange({ host: "127.0.0.1", port, segments: [{ data: "ping\n" }], replyTimeoutMs: 2000 });
    expect(result.ending).toBe("server-reset");
  });

  test("gives up on a server that never answers, within its bound", async () => {
    const port = await serve(() => {});
    const result = await exchange({ host: "127.0.0.1", port, segments: [{ data: "ping\n" }], replyTimeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.ending).toBe("open");
    expect(result.received.length).toBe(0);
  });

  test("notices a server that reacts before the last segment", async () => {
    const port = await serve((socket) => socket.once("data", () => socket.end("too early")));
    const result = await exchange({
      host: "127.0.0.1",
      port,
      segments: [{ data: "GET /a" }, { data: "bc HTTP/1.1\r\n\r\n", pauseMs: 100 }],
      replyTimeoutMs: 1000,
    });
    expect(result.reactedEarly).toBe(true);
    expect(result.sentWhenReacted).toBe(6);
  });

  test("stops waiting once `until` holds", async () => {
    const port = await serve((socket) => socket.once("data", () => socket.write("done")));
    const result = await exchange({
      host: "127.0.0.1",
      port,
      segments: [{ data: "x" }],
      until: (bytes) => bytes.toString().includes("done"),
      replyTimeoutMs: 5000,
    });
    expect(result.timedOut).toBe(false);
    expect(result.ending).toBe("open");
  });

  test("reports a refused connection instead of throwing", async () => {
    const port = await serve(() => {});
    servers.splice(0).forEach((server) => server.close());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const result = await exchange({ host: "127.0.0.1", port, segments: [{ data: "x" }], replyTimeoutMs: 500 });
    expect(result.connectError).toBe("connection refused");
  });
});

describe("WireConnection", () => {
  test("half-closes, as nc does on Ctrl-D, and sees the server's answer after it", async () => {
    const port = await serve((socket) => {
      const chunks: Buffer[] = [];
      socket.on("data", (chunk) => chunks.push(chunk));
      socket.on("end", () => socket.end(`got ${Buffer.concat(chunks).length} bytes`));
    });
    const connection = await WireConnection.open("127.0.0.1", port);
    if (!(connection instanceof WireConnection)) throw new Error(connection.error);
    await connection.write("hello");
    expect(await connection.waitForEnd(200)).toBe(false);
    connection.endWriting();
    expect(await connection.waitForEnd(2000)).toBe(true);
    expect(connection.received.toString()).toBe("got 5 bytes");
    expect(connection.ending).toBe("server-closed");
  });
});
