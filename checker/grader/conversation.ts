/**
 * A kept connection, seen from the client: requests written one after another on one TCP
 * connection, each response read off the stream by its own framing (RFC 9112 §6.3), so that the
 * checker knows which bytes answer which request. Nothing here judges: the checks of phase 11 on
 * do, from the exchanges it records.
 */
import { readResponse, type ParsedResponse } from "./http-reader.ts";
import { WireConnection, toBytes, type Segment } from "./wire.ts";

/** In a "try it" line, the pause after an answer before the next request: enough for a server to answer by hand. */
const ANSWER_PAUSE_MS = 300;

export interface Exchange {
  /** What was written for this step (a request, or several in one write). */
  sent: Buffer;
  /** The whole response that came for it, or null (none within the wait, or the connection ended). */
  response: ParsedResponse | null;
  /** The bytes of that response as they came. */
  bytes: Buffer;
}

export class Conversation {
  readonly exchanges: Exchange[] = [];
  /** Every write, with the pause before it, for a "try it" line that repeats the conversation. */
  readonly segments: Segment[] = [];
  /** How many received bytes belong to responses already read. */
  private read = 0;
  private readSinceWrite = false;
  /** The last whole response read, to know whether it announced a close. */
  last: ParsedResponse | null = null;

  private constructor(readonly connection: WireConnection) {}

  static async open(host: string, port: number): Promise<Conversation | { error: string }> {
    const opened = await WireConnection.open(host, port);
    return opened instanceof WireConnection ? new Conversation(opened) : opened;
  }

  get open(): boolean {
    return this.connection.open;
  }

  /** Everything written so far. */
  get sent(): Buffer {
    return Buffer.concat(this.segments.map((segment) => toBytes(segment.data)));
  }

  /** Bytes that came after the last response read: the start of an answer nobody asked for yet. */
  get unread(): Buffer {
    return this.connection.received.subarray(this.read);
  }

  /**
   * Writes bytes as they are (no response is read). `pauseMs` is the pause the check means before
   * them, for the "try it" line; left out, it is ANSWER_PAUSE_MS after an answer was read, else 0.
   * (The pauses measured on the clock would make a report differ from run to run.)
   */
  async write(data: Buffer | string, pauseMs?: number): Promise<boolean> {
    const pause = pauseMs ?? (this.readSinceWrite ? ANSWER_PAUSE_MS : 0);
    this.segments.push({ data, pauseMs: this.segments.length === 0 ? 0 : pause });
    this.readSinceWrite = false;
    return this.connection.write(data);
  }

  /**
   * Reads the next response off the connection, waiting at most `timeoutMs` for it to be whole.
   * `method` is the method of the request it answers (a response to HEAD ends with its head).
   */
  async next(timeoutMs: number, method?: string): Promise<ParsedResponse | null> {
    const whole = (bytes: Buffer): boolean => {
      const response = readResponse(bytes.subarray(this.read), false, { method, more: true, framingOnly: true });
      return response.complete || response.broken;
    };
    await this.connection.waitFor(whole, timeoutMs);
    const rest = this.connection.received.subarray(this.read);
    if (rest.length === 0) return null;
    const response = readResponse(rest, !this.connection.open, { method, more: true });
    if (!response.complete) return null;
    this.read += rest.length - response.extra.length;
    this.readSinceWrite = true;
    this.last = response;
    return response;
  }

  /** Writes a request and reads its response. */
  async ask(data: Buffer | string, timeoutMs: number, method?: string): Promise<Exchange> {
    const before = this.read;
    await this.write(data);
    const response = await this.next(timeoutMs, method);
    const exchange: Exchange = { sent: toBytes(data), response, bytes: this.connection.received.subarray(before, response ? this.read : undefined) };
    this.exchanges.push(exchange);
    return exchange;
  }

  /**
   * The end of a conversation: when the last answer said close, waits (at most 1 s) for that close,
   * so the evidence shows it; then sends our FIN and waits briefly for the server's, so that what
   * it prints about the client leaving is in its output before the output is read.
   */
  async settle(): Promise<void> {
    const saidClose = this.last !== null && (this.last.headers.find(([name]) => name.toLowerCase() === "connection")?.[1] ?? "").split(",").some((token) => token.trim().toLowerCase() === "close");
    if (saidClose) await this.connection.waitForEnd(1000);
  }

  /**
   * Our FIN, then the server's (at most `waitMs`): a polite end that the server sees as one. False
   * when the server had not closed by then.
   */
  finish(waitMs = 300): Promise<boolean> {
    // What the server printed as it saw our FIN may still be in the pipe when its FIN is in: a
    // failing check's tail is read once the output has been quiet for a while after the check
    // (run.ts, ServerProcess.settleOutput), which gives it time to arrive.
    return this.connection.leave(waitMs);
  }

  /** Waits for the server to end the connection; false if it is still open after `timeoutMs`. */
  waitForEnd(timeoutMs: number): Promise<boolean> {
    return this.connection.waitForEnd(timeoutMs);
  }

  close(): void {
    this.connection.close();
  }
}
