/**
 * The raw wire client: one TCP connection, bytes in and bytes out, nothing interpreted. It records
 * every chunk that comes back with its time, and how the connection ended: the server closed it
 * (FIN), the server reset it (RST), or we gave up waiting. Every wait here has a bound.
 */
import net from "node:net";
import { News } from "./news.ts";
import { text } from "../text.ts";

const WRITE_TIMEOUT_MS = 5000;
/** At most this much of any one connection's bytes is kept: the rest is counted, and the connection dropped. */
export const MAX_KEPT_BYTES = 1024 * 1024;

export type Ending = "server-closed" | "server-reset" | "client-closed";

export interface Chunk {
  atMs: number;
  bytes: Buffer;
}

export class WireConnection {
  readonly startedAt = performance.now();
  readonly chunks: Chunk[] = [];
  /** How the connection ended, or null while it is open. */
  ending: Ending | null = null;
  endedAtMs: number | null = null;
  /** Bytes we managed to hand to the kernel. */
  sentBytes = 0;
  /** Bytes that came after the first MAX_KEPT_BYTES (counted, not kept); the connection was then dropped. */
  cutOffBytes = 0;
  /** When a reset (ECONNRESET, EPIPE) came, whatever came before it (a FIN leaves `ending` at "server-closed"). */
  resetAtMs: number | null = null;
  private keptBytes = 0;
  private joined: Buffer | null = null;
  private readonly news = new News();

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (bytes: Buffer) => {
      // Whatever a server sends (an endless body, a flood), the checker's memory stays bounded.
      const room = MAX_KEPT_BYTES - this.keptBytes;
      if (bytes.length > room) {
        if (room > 0) this.keep(bytes.subarray(0, room));
        this.cutOffBytes += bytes.length - room;
        if (!socket.destroyed) socket.destroy();
        this.finish("client-closed");
        return;
      }
      this.keep(bytes);
    });
    socket.on("end", () => this.finish("server-closed"));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // A reset shows up as ECONNRESET on read, or EPIPE when we write into a closed connection.
      const reset = error.code === "ECONNRESET" || error.code === "EPIPE";
      if (reset) this.resetAtMs ??= this.elapsed();
      this.finish(reset ? "server-reset" : "server-closed");
    });
    socket.on("close", () => this.finish("client-closed"));
  }

  /** Connects, or resolves with the reason it could not (refused, timed out). */
  static open(host: string, port: number, timeoutMs = 2000): Promise<WireConnection | { error: string }> {
    return new Promise((resolve) => {
      // allowHalfOpen: when the server closes its side we want to see it, not close ours for it.
      const socket = net.connect({ host, port, allowHalfOpen: true });
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ error: text.tools.noConnectionAfter(timeoutMs) });
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new WireConnection(socket));
      });
      socket.once("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ error: error.code === "ECONNREFUSED" ? text.tools.connectionRefused : error.message });
      });
    });
  }

  private keep(bytes: Buffer): void {
    this.chunks.push({ atMs: this.elapsed(), bytes });
    this.keptBytes += bytes.length;
    this.joined = null;
    this.news.tell();
  }

  /** Everything kept so far, in one Buffer (joined once per new chunk: a drip of bytes stays cheap). */
  get received(): Buffer {
    this.joined ??= Buffer.concat(this.chunks.map((chunk) => chunk.bytes));
    return this.joined;
  }

  get open(): boolean {
    return this.ending === null;
  }

  elapsed(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  /**
   * Writes bytes; false when the connection is already closed or the write failed. With
   * `afterServerClosed`, a write still goes out after the server's FIN (its side is closed, ours is
   * open): what a client that goes on sending does.
   */
  write(data: Buffer | string, options: { afterServerClosed?: boolean } = {}): Promise<boolean> {
    const open = this.open || (options.afterServerClosed === true && this.ending === "server-closed");
    if (!open || this.socket.destroyed || !this.socket.writable) return Promise.resolve(false);
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    return new Promise((resolve) => {
      // A server that never reads could leave a big write pending forever: bound it too.
      const timer = setTimeout(() => resolve(false), WRITE_TIMEOUT_MS);
      this.socket.write(bytes, (error) => {
        clearTimeout(timer);
        if (!error) this.sentBytes += bytes.length;
        else if (["EPIPE", "ECONNRESET"].includes((error as NodeJS.ErrnoException).code ?? "")) this.resetAtMs ??= this.elapsed();
        resolve(!error);
      });
    });
  }

  /** Half-closes our side (what nc does on Ctrl-D): the server reads end-of-stream. */
  endWriting(): void {
    if (this.open && !this.socket.destroyed) this.socket.end();
  }

  /** Aborts with a TCP reset, as a browser tab closed mid-request does. */
  reset(): void {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
    this.finish("client-closed");
  }

  close(): void {
    if (!this.socket.destroyed) this.socket.destroy();
    this.finish("client-closed");
  }

  /**
   * Our FIN, then the server's (at most `waitMs`), then closed: a polite end. A server prints what
   * it saw of the client leaving before it closes its side, so once its FIN is in, that line is in
   * its output ahead of anything a later connection makes it print. False when no FIN came in time.
   */
  async leave(waitMs: number): Promise<boolean> {
    if (this.open) {
      this.endWriting();
      await this.waitForEnd(waitMs);
    }
    const serverEnded = !this.open;
    this.close();
    return serverEnded;
  }

  /** Waits until `done(received)` holds or the connection ends; false on timeout. */
  async waitFor(done: (received: Buffer) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!done(this.received)) {
      if (!this.open) return false;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await this.news.next(left);
    }
    return true;
  }

  /** Waits for the connection to end; false if it is still open after `timeoutMs`. */
  async waitForEnd(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.open) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await this.news.next(left);
    }
    return true;
  }

  private finish(ending: Ending): void {
    if (this.ending === null) {
      this.ending = ending;
      this.endedAtMs = this.elapsed();
    }
    // After the server's FIN our side stays open: a check may still write, or reset, on purpose.
    if (ending === "server-reset" && !this.socket.destroyed) this.socket.destroy();
    this.news.tell();
  }
}

export interface Segment {
  data: Buffer | string;
  /** Pause before sending this segment, so it arrives in its own TCP read. */
  pauseMs?: number;
}

export interface ExchangeOptions {
  host: string;
  port: number;
  segments: Segment[];
  /** Stop waiting once this holds for the bytes received (e.g. a complete response). */
  until?: (received: Buffer) => boolean;
  /** How long to wait for `until` (or for the server to close) after the last segment. */
  replyTimeoutMs: number;
  /** After `until` holds, wait this long to see whether the server closes the connection. */
  lingerMs?: number;
  /** Half-close our side after sending, as nc does on Ctrl-D. */
  endAfterSending?: boolean;
  /** Keep the connection open afterwards (the caller closes it). */
  keepOpen?: boolean;
  /** How long connecting may take (2 s unless said). */
  connectTimeoutMs?: number;
}

export interface ExchangeResult {
  connectError?: string;
  connection?: WireConnection;
  sent: Buffer;
  received: Buffer;
  /** How it ended; "open" when we stopped waiting with the connection still open. */
  ending: Ending | "open";
  /** The server sent bytes or closed before our last segment went out. */
  reactedEarly: boolean;
  /** Bytes of the request the server had when it reacted, if it reacted early. */
  sentWhenReacted: number;
  /** Milliseconds from the last byte sent to the last byte received. */
  replyMs: number;
  /** Bytes beyond MAX_KEPT_BYTES: not kept; the checker closed the connection there. */
  cutOffBytes: number;
  /** When the last byte was sent, in milliseconds since the connection opened. */
  lastSentAtMs: number;
  timedOut: boolean;
}

/** Sends segments (with pauses), then reads until `until`, a close, or the timeout. */
export async function exchange(options: ExchangeOptions): Promise<ExchangeResult> {
  const sent = Buffer.concat(options.segments.map((segment) => toBytes(segment.data)));
  const opened = await WireConnection.open(options.host, options.port, options.connectTimeoutMs);
  if (!(opened instanceof WireConnection)) {
    return {
      connectError: opened.error,
      sent,
      received: Buffer.alloc(0),
      ending: "client-closed",
      reactedEarly: false,
      sentWhenReacted: 0,
      replyMs: 0,
      cutOffBytes: 0,
      lastSentAtMs: 0,
      timedOut: false,
    };
  }
  const connection = opened;
  let reactedEarly = false;
  let sentWhenReacted = 0;
  let lastSentAt = connection.elapsed();
  for (const [index, segment] of options.segments.entries()) {
    if (segment.pauseMs) await connection.waitFor(() => false, segment.pauseMs);
    if (index > 0 && (connection.chunks.length > 0 || !connection.open)) {
      reactedEarly = true;
      sentWhenReacted = connection.sentBytes;
      break;
    }
    // Taken before the write: its callback can come late on a busy machine, after the server has
    // the bytes, and a reply timed from there would look faster than it was (threads.slow).
    lastSentAt = connection.elapsed();
    const ok = await connection.write(segment.data);
    if (!ok) {
      reactedEarly = true;
      sentWhenReacted = connection.sentBytes;
      break;
    }
  }
  if (options.endAfterSending) connection.endWriting();
  const until = options.until ?? (() => false);
  const matched = await connection.waitFor(until, options.replyTimeoutMs);
  if (matched && options.lingerMs) await connection.waitForEnd(options.lingerMs);
  const lastChunk = connection.chunks.at(-1);
  const result: ExchangeResult = {
    connection,
    sent,
    received: connection.received,
    ending: connection.ending ?? "open",
    reactedEarly,
    sentWhenReacted,
    replyMs: lastChunk ? Math.max(0, lastChunk.atMs - lastSentAt) : 0,
    cutOffBytes: connection.cutOffBytes,
    lastSentAtMs: lastSentAt,
    timedOut: !matched && connection.open,
  };
  if (!options.keepOpen) connection.close();
  return result;
}

export function toBytes(data: Buffer | string): Buffer {
  return typeof data === "string" ? Buffer.from(data, "utf8") : data;
}
