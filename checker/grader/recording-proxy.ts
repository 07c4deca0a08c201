/**
 * A recording proxy for the real-client checks: fetch, curl and node:http talk to the student's
 * server through it, and it keeps what the server sent on each connection. Then a check can compare
 * what a client got with what the server sent (a client that trusts a short Content-Length shows
 * "…</h1" where the server sent "…</h1>"). Bytes pass unchanged, and so do closes and resets.
 */
import net from "node:net";
import { MAX_KEPT_BYTES } from "./wire.ts";

export interface ProxiedConnection {
  /** The server's bytes, at most MAX_KEPT_BYTES of them. */
  fromServer: Buffer[];
  kept: number;
  /** The server closed (or reset) its side. */
  serverEnded: boolean;
}

export class RecordingProxy {
  readonly connections: ProxiedConnection[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly upstreams = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(host: string, port: number): Promise<RecordingProxy> {
    const proxy: { current?: RecordingProxy } = {};
    const server = net.createServer({ allowHalfOpen: true }, (client) => proxy.current?.relay(client, host, port));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    proxy.current = new RecordingProxy(server, (server.address() as net.AddressInfo).port);
    return proxy.current;
  }

  private relay(client: net.Socket, host: string, port: number): void {
    const record: ProxiedConnection = { fromServer: [], kept: 0, serverEnded: false };
    this.connections.push(record);
    const upstream = net.connect({ host, port, allowHalfOpen: true });
    this.upstreams.add(upstream);
    upstream.on("close", () => this.upstreams.delete(upstream));
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    }
    upstream.on("data", (bytes: Buffer) => {
      const room = MAX_KEPT_BYTES - record.kept;
      if (room > 0) {
        record.fromServer.push(bytes.subarray(0, room));
        record.kept += Math.min(room, bytes.length);
      }
      // Back-pressure: a client that reads slowly (or has stopped) slows the server down, instead of
      // the proxy holding everything the server floods in.
      if (!client.write(bytes)) {
        upstream.pause();
        client.once("drain", () => upstream.resume());
      }
    });
    client.on("data", (bytes: Buffer) => {
      if (!upstream.write(bytes)) {
        client.pause();
        upstream.once("drain", () => client.resume());
      }
    });
    // A close passes on as a close (FIN), a reset as a reset: the client must see what the server did.
    upstream.on("end", () => {
      record.serverEnded = true;
      client.end();
    });
    client.on("end", () => upstream.end());
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      record.serverEnded = true;
      if (error.code === "ECONNRESET") client.resetAndDestroy();
      else client.destroy();
    });
    client.on("error", () => upstream.destroy());
    upstream.on("close", () => {
      if (!client.writableEnded) client.end();
    });
    // A client gone without an error has sent its FIN, and the server has it (or is about to):
    // the upstream connection then ends when the server closes its side (see close()).
    client.on("close", (hadError) => (hadError ? upstream.destroy() : upstream.end()));
  }

  /** Everything the server sent on connection `index`. */
  sent(index: number): Buffer {
    return Buffer.concat(this.connections[index]?.fromServer ?? []);
  }

  /**
   * Ends every connection politely: our FIN to the server, then (at most `waitMs`) the server's
   * close, then the rest is destroyed. A server prints what it saw of a client leaving before it
   * closes its side; waited for, that line is in its output ahead of the next check's lines.
   * False when some connection was still open at `waitMs`.
   */
  async close(waitMs = 300): Promise<boolean> {
    for (const upstream of this.upstreams) upstream.end();
    if (this.upstreams.size > 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        const gone = (): void => {
          if (this.upstreams.size > 0) return;
          clearTimeout(timer);
          resolve();
        };
        for (const upstream of this.upstreams) upstream.once("close", () => setImmediate(gone));
      });
    }
    const allEnded = this.upstreams.size === 0;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    return allEnded;
  }
}
