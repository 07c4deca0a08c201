/**
 * Shared steps of the checks: build requests, send them, read what came back, and describe it.
 * Each phase's checks are built from these so that the same mistake gets the same words everywhere.
 */
import { MAX_KEPT_BYTES, exchange, toBytes, type ExchangeResult, type Segment, type WireConnection } from "../wire.ts";
import { header, isCompleteResponse, readResponse, type ParsedResponse } from "../http-reader.ts";
import { RULES } from "../http-rules.ts";
import { printfArgument } from "../visible.ts";
import { RecordingProxy } from "../recording-proxy.ts";
import type { CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";

export type LineEnd = "\r\n" | "\n";

/** Why answering early is worse than it looks: the bytes still coming turn a close into a reset. */
export const UNREAD_BYTES_NOTE = text.common.unreadBytesNote;

/** A GET request head as a browser sends it (or as nc sends it, with bare "\n"). */
export function getRequest(path: string, options: { lineEnd?: LineEnd; extraHeaders?: string[] } = {}): string {
  const end = options.lineEnd ?? "\r\n";
  const lines = [`GET ${path} HTTP/1.1`, "Host: localhost", ...(options.extraHeaders ?? []), "User-Agent: http-lab-checker", "Accept: */*"];
  return lines.join(end) + end + end;
}

/** A finding's message after a prefix ("For GET /about:"), its first letter made small. */
export function prefixed(prefix: string, message: string): string {
  return `${prefix} ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}

/** A random path, e.g. "/k3x9qa/m2pz". */
export function randomPath(ctx: CheckContext): string {
  return `/${ctx.rng.word(6)}/${ctx.rng.word(4)}`;
}

/** A head of at least `size` bytes: the padding is a long header, as big cookies are in real life. */
export function bigRequest(path: string, size: number): string {
  const start = `GET ${path} HTTP/1.1\r\nHost: localhost\r\nX-Padding: `;
  const end = "\r\n\r\n";
  return start + "a".repeat(Math.max(0, size - start.length - end.length)) + end;
}

/** Splits a request into segments sent with a pause between them, so each arrives in its own read. */
export function inPieces(request: string, cuts: number[], pauseMs: number): Segment[] {
  const bytes = Buffer.from(request, "utf8");
  const points = [0, ...cuts.filter((cut) => cut > 0 && cut < bytes.length), bytes.length];
  return points.slice(1).map((end, i) => ({ data: bytes.subarray(points[i], end), pauseMs: i === 0 ? 0 : pauseMs }));
}

/**
 * Lines the student can paste to send the same bytes (with the same pauses) to their own server:
 * printf into nc, and, when there are no pauses, the lab's own client (for those without nc).
 */
export function tryItLine(ctx: CheckContext, segments: Segment[]): string {
  const parts = segments.map((segment) => {
    const bytes = toBytes(segment.data);
    const printf = bytes.length > 300 ? longPrintf(bytes) : `printf ${printfArgument(bytes)}`;
    return segment.pauseMs ? `sleep ${segment.pauseMs / 1000}; ${printf}` : printf;
  });
  // One printf alone goes straight into nc; several (a long run of one byte is printed in three) share the pipe in ( ).
  const input = parts.length === 1 && !parts[0]!.includes("; ") ? parts[0]! : `(${parts.join("; ")})`;
  const nc = `${input} | nc 127.0.0.1 ${ctx.tryPort}`;
  const bytes = Buffer.concat(segments.map((segment) => toBytes(segment.data)));
  if (segments.length > 1 || bytes.length > 300) return nc;
  return `${nc}\nnpm run client -- ${ctx.tryPort} --send ${clientArgument(bytes)} --keep-open`;
}

/**
 * The bytes as a --send argument of `npm run client`, in double quotes that bash, PowerShell and
 * cmd all pass on unchanged: every character any of them treats specially is written as \xNN.
 */
export function clientArgument(bytes: Buffer): string {
  let out = "";
  for (const byte of bytes) {
    if (byte === 0x0d) out += "\\r";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x09) out += "\\t";
    else if (byte >= 0x20 && byte < 0x7f && !`"$\\\`!%'^&|<>`.includes(String.fromCharCode(byte))) out += String.fromCharCode(byte);
    else out += "\\x" + byte.toString(16).padStart(2, "0");
  }
  return `"${out}"`;
}

/** printf for a long run of one repeated byte, so the line stays short enough to paste. */
function longPrintf(bytes: Buffer): string {
  const text = bytes.toString("latin1");
  const run = /(.)\1{99,}/s.exec(text);
  if (!run) return `printf ${printfArgument(bytes)}`;
  const before = text.slice(0, run.index);
  const after = text.slice(run.index + run[0].length);
  return [
    before && `printf ${printfArgument(Buffer.from(before, "latin1"))}`,
    `printf '${run[1]}%.0s' $(seq ${run[0].length})`,
    after && `printf ${printfArgument(Buffer.from(after, "latin1"))}`,
  ]
    .filter(Boolean)
    .join("; ");
}

export function endingNote(result: ExchangeResult): string {
  if (result.cutOffBytes > 0) return text.common.ending.cutOff(MAX_KEPT_BYTES / 1024 / 1024);
  switch (result.ending) {
    case "server-closed":
      return result.received.length === 0 ? text.common.ending.serverClosedNothing : text.common.ending.serverClosed;
    case "server-reset":
      return result.received.length === 0 ? text.common.ending.serverResetNothing : text.common.ending.serverReset;
    case "open":
      return result.received.length === 0 ? text.common.ending.openNothing : text.common.ending.open;
    default:
      return "";
  }
}

function seconds(ms: number): string {
  return text.common.seconds((ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1));
}

/** How long a server may take to answer one request in this phase. */
export function replyTimeout(ctx: CheckContext, base = 2000): number {
  return base + ctx.slowMs;
}

/**
 * After the server's FIN, a byte and then another 0.1 s apart, as a client still busy sending
 * does. A server that closed in stages reads and drops them; one that closed for good at once
 * answers them with a reset, which the second write meets. Stops at the first reset.
 */
export async function writeAfterClose(connection: WireConnection): Promise<void> {
  for (let i = 0; i < 2 && connection.resetAtMs === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!(await connection.write("a", { afterServerClosed: true }))) return;
  }
}

export interface Asked {
  result: ExchangeResult;
  segments: Segment[];
  response: ParsedResponse | null;
  /** The server answered only after we half-closed our side (it waits for end-of-stream). */
  answeredAfterClientClosed: boolean;
  timeoutMs: number;
  /** A whole response said Connection: close, and the connection was still open this many ms later (phase 7 on); else null. */
  openAfterCloseMs: number | null;
  /** The wait for that close was the short one: a server of this run had already been seen not to close. */
  closeWaitShortened: boolean;
}

/**
 * From this phase on, every exchange holds a server to its Connection: close (RFC 9112 §9.6: it
 * MUST close after that response). Phase 3 has a check of its own for it (3.11), which also lets a
 * server keep the connection open when it does not say close.
 */
const CLOSE_JUDGED_FROM_PHASE = 7;
/**
 * How long the checker waits for that close. A server that calls socket.end(response) sends its FIN
 * right behind the last byte, and the wait ends on it (an event), so a correct server costs nothing;
 * a second leaves room for a busy machine. Once a server of this run has been seen not to close,
 * later exchanges wait CLOSE_WAIT_AGAIN_MS: the finding is made, and the run stays short. That wait
 * is not zero: a server's FIN can reach the checker a moment after its last byte, and judging at the
 * last byte would call a close that is on its way "none".
 */
const CLOSE_WAIT_MS = 1000;
const CLOSE_WAIT_AGAIN_MS = 300;
/**
 * From this phase on an HTTP/1.1 connection stays open after its answer (RFC 9112 §9.3): a whole
 * response that does not say close is judged where its framing ends, without waiting to see
 * whether the server closes (it should not). Before, the wait (300 ms) tells a close from none.
 */
export const KEEP_ALIVE_FROM_PHASE = 11;
/**
 * From this phase on a server frames bodies with chunked too (RFC 9112 §7.1): an answer framed by
 * chunked is as good as one with Content-Length, and a chunked request body is read, not refused.
 */
export const CHUNKED_FROM_PHASE = 14;
const LINGER_MS = 300;
const seenNotClosing = new WeakSet<CheckContext>();
/**
 * How long a kept connection's polite end waits for the server's FIN after the checker's (see
 * WireConnection.leave). A server that read the FIN closes at once; a thread of a Python server on a
 * busy machine may take some ms to wake. A server seen not to close is not waited for again.
 */
const LEAVE_WAIT_MS = 300;
const seenKeepingAfterFin = new WeakSet<CheckContext>();

function saysClose(response: ParsedResponse): boolean {
  return (header(response, "connection") ?? "").split(",").some((token) => token.trim().toLowerCase() === "close");
}

/**
 * Sends a request and reads the response the way a patient client does: until a whole response
 * has arrived (by Content-Length) or the server closes. If nothing comes, it half-closes its side,
 * as nc does on Ctrl-D, to tell "never answers" from "waits for the client to close first".
 */
export async function ask(
  ctx: CheckContext,
  segments: Segment[],
  options: {
    timeoutMs?: number;
    lingerMs?: number;
    connectTimeoutMs?: number;
    method?: string;
    /** What the client does once the answer is in, before it closes (a check that goes on sending). */
    afterAnswer?: (connection: WireConnection) => Promise<void>;
  } = {},
): Promise<Asked> {
  const timeoutMs = options.timeoutMs ?? replyTimeout(ctx);
  const lingerMs = options.lingerMs ?? (ctx.phase.number >= KEEP_ALIVE_FROM_PHASE ? 0 : LINGER_MS);
  // A response to HEAD ends with its head: the reader must know the method to know where it ends.
  const complete = (bytes: Buffer): boolean => isCompleteResponse(bytes, { method: options.method });
  const result = await exchange({
    host: ctx.host,
    port: ctx.port,
    segments,
    until: complete,
    replyTimeoutMs: timeoutMs,
    lingerMs,
    keepOpen: true,
    connectTimeoutMs: options.connectTimeoutMs,
  });
  let answeredAfterClientClosed = false;
  const connection = result.connection;
  if (connection && result.timedOut && result.received.length === 0) {
    connection.endWriting();
    await connection.waitFor(complete, 1500);
    if (connection.received.length > 0) {
      answeredAfterClientClosed = true;
      await connection.waitForEnd(300);
      result.received = connection.received;
      result.ending = connection.ending ?? "open";
      result.replyMs = Math.max(0, (connection.chunks.at(-1)?.atMs ?? 0) - result.lastSentAtMs);
    }
  }
  let openAfterCloseMs: number | null = null;
  let closeWaitShortened = false;
  if (connection?.open && ctx.phase.number >= CLOSE_JUDGED_FROM_PHASE && complete(connection.received) && saysClose(readResponse(connection.received, false, { method: options.method }))) {
    // exchange() has waited lingerMs for the close already: the rest of CLOSE_WAIT_MS now.
    closeWaitShortened = seenNotClosing.has(ctx);
    const moreMs = Math.max(0, (closeWaitShortened ? CLOSE_WAIT_AGAIN_MS : CLOSE_WAIT_MS) - lingerMs);
    if (moreMs > 0) await connection.waitForEnd(moreMs);
    if (connection.open) {
      seenNotClosing.add(ctx);
      openAfterCloseMs = lingerMs + moreMs;
    }
    result.received = connection.received;
    result.ending = connection.ending ?? "open";
  }
  if (connection?.open && ctx.phase.number >= KEEP_ALIVE_FROM_PHASE && complete(connection.received)) {
    // A kept connection: bytes after the whole response belong to what comes next on it, and
    // whether they have come yet when the checker stops reading is a matter of microseconds. The
    // evidence ends where the response does; the checks of kept connections judge what follows.
    const whole = readResponse(connection.received, false, { method: options.method, more: true });
    if (whole.complete && whole.extra.length > 0) result.received = connection.received.subarray(0, connection.received.length - whole.extra.length);
  }
  if (connection && options.afterAnswer) await options.afterAnswer(connection);
  if (connection?.open && ctx.server && ctx.phase.number >= KEEP_ALIVE_FROM_PHASE && complete(connection.received)) {
    // A kept connection ends politely when the server's output is read: with a thread per
    // connection, the line it prints as this client leaves would otherwise race the lines the next
    // connection's request makes it print, and a finding's tail of the output would change order.
    await leavePolitely(ctx, (waitMs) => connection.leave(waitMs));
  }
  connection?.close();
  const closed = result.ending === "server-closed" || result.ending === "server-reset";
  const response = result.received.length > 0 ? readResponse(result.received, closed, { method: options.method }) : null;
  return { result, segments, response, answeredAfterClientClosed, timeoutMs, openAfterCloseMs, closeWaitShortened };
}

/**
 * A polite end (`end(waitMs)`: our FIN, then at most waitMs for the server's), with no wait once a
 * server of this run has been seen not to close after a FIN: a server that never does would
 * otherwise cost LEAVE_WAIT_MS on every connection of the run (20 s in phase 12, measured).
 */
export async function leavePolitely(ctx: CheckContext, end: (waitMs: number) => Promise<boolean>): Promise<void> {
  const waitMs = seenKeepingAfterFin.has(ctx) ? 0 : LEAVE_WAIT_MS;
  if (!(await end(waitMs)) && waitMs > 0) seenKeepingAfterFin.add(ctx);
}

/**
 * Runs `use` with an origin ("http://127.0.0.1:<port>") that reaches the server through a proxy of
 * this check's own, closed when `use` is done. Node's fetch keeps its connections in one pool for
 * the whole process: left there, a connection would be closed by the server's idle deadline in
 * the middle of a later check, and that check's tail of the server's output would hold the close
 * or not, by the clock. Closed with the check, the connections end with it, every time.
 */
export async function throughOwnConnections<T>(ctx: CheckContext, use: (origin: string) => Promise<T>): Promise<T> {
  const proxy = await RecordingProxy.start(ctx.host, ctx.port);
  try {
    return await use(`http://127.0.0.1:${proxy.port}`);
  } finally {
    await leavePolitely(ctx, (waitMs) => proxy.close(waitMs));
  }
}

/**
 * Node's fetch, asked once more when the kept connection it took from its pool was closed by the
 * server as the request went out ("other side closed" before any answer): a client MAY retry an
 * idempotent request then (RFC 9112 §9.3.1), and browsers do. The pool is shared by the checks of
 * a run, so a connection one check left idle can meet the server's idle close in the next.
 */
export async function fetchIdempotent(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
    const method = (init.method ?? "GET").toUpperCase();
    if (cause?.code !== "UND_ERR_SOCKET" || (method !== "GET" && method !== "HEAD") || init.signal?.aborted) throw error;
    return fetch(url, init);
  }
}

/** Evidence fields for a finding, from one exchange. */
export function evidence(ctx: CheckContext, asked: { result: ExchangeResult; segments: Segment[] }): Pick<Finding, "sent" | "received" | "receivedNote" | "tryIt"> {
  return {
    sent: asked.result.sent,
    received: asked.result.received,
    receivedNote: endingNote(asked.result),
    tryIt: tryItLine(ctx, asked.segments),
  };
}

/**
 * Why no usable response came back, or null if one did. The first thing to fix when a server
 * "does not answer" differs a lot by cause, so each cause gets its own words and hint.
 */
export function whyNoResponse(ctx: CheckContext, asked: Asked): Finding | null {
  const { result } = asked;
  if (result.connectError) {
    return {
      message: text.common.couldNotConnect(result.connectError),
      hint: text.common.isServerRunning,
      sent: result.sent,
    };
  }
  if (result.reactedEarly) {
    const total = result.sent.length;
    return {
      message: text.common.reactedEarly(result.sentWhenReacted, total, result.received.length > 0) + UNREAD_BYTES_NOTE,
      expected: text.common.reactedEarlyExpected,
      hint: text.common.bufferUntilEmptyLine,
      ...evidence(ctx, asked),
    };
  }
  if (asked.answeredAfterClientClosed) {
    return {
      message: text.common.answeredAfterClientClosed,
      expected: text.common.answeredAfterClientClosedExpected,
      hint: text.common.answeredAfterClientClosedHint,
      ...evidence(ctx, asked),
    };
  }
  if (result.received.length === 0) {
    if (result.ending === "server-reset") {
      return {
        message: text.common.resetWithoutAnswer,
        hint: text.common.resetWithoutAnswerHint,
        ...evidence(ctx, asked),
      };
    }
    if (result.ending === "server-closed") {
      return {
        message: text.common.closedWithoutAnswer,
        expected: text.common.closedWithoutAnswerExpected,
        hint: text.common.closedWithoutAnswerHint,
        ...evidence(ctx, asked),
      };
    }
    return {
      message: text.common.noAnswer(seconds(asked.timeoutMs)),
      expected: text.common.noAnswerExpected,
      hint: text.common.noAnswerHint,
      ...evidence(ctx, asked),
    };
  }
  // Bytes came, but not a whole head, and the connection is still open: no answer yet, whatever the start looks like.
  const response = asked.response;
  if (response && result.ending === "open" && result.cutOffBytes === 0 && response.bodyStart === null && !response.broken) {
    const last = result.connection?.chunks.at(-1)?.atMs ?? 0;
    const trickling = last - result.lastSentAtMs > asked.timeoutMs / 2;
    return {
      message: text.common.headIncomplete(result.received.length, seconds(asked.timeoutMs), trickling),
      expected: text.common.headIncompleteExpected,
      hint: text.common.headIncompleteHint,
      ...evidence(ctx, asked),
    };
  }
  if (asked.openAfterCloseMs !== null) {
    return {
      // A server of this run was seen not to close before, and this time the checker waited less.
      message: asked.closeWaitShortened ? text.common.saidCloseStayedOpenAgain(seconds(asked.openAfterCloseMs), seconds(CLOSE_WAIT_MS)) : text.common.saidCloseStayedOpen(seconds(asked.openAfterCloseMs)),
      expected: text.common.saidCloseStayedOpenExpected,
      hint: text.common.saidCloseStayedOpenHint,
      rule: RULES.closeAfterClose,
      ...evidence(ctx, asked),
    };
  }
  return null;
}
