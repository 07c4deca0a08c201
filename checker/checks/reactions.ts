/**
 * How a server reacts to a request, by phase: in phase 2 it prints "path: ...", from phase 3 on it
 * answers. These helpers send a request and wait for that reaction, with a bound on every wait.
 */
import { exchange, type ExchangeResult, type Segment } from "../wire.ts";
import type { CheckContext, Finding } from "../types.ts";
import { UNREAD_BYTES_NOTE, ask, endingNote, evidence, getRequest, randomPath, tryItLine, whyNoResponse } from "./common.ts";

export interface Logged {
  result: ExchangeResult;
  segments: Segment[];
  /** The paths of the "path: ..." lines printed for this request. */
  paths: string[];
  /** The server printed only after the checker half-closed its side. */
  loggedAfterClientClosed: boolean;
  /** Everything the server printed meanwhile. */
  output: string[];
}

const PATH_LINE = /^path:\s?(.*)$/i;

export function loggedPaths(lines: string[]): string[] {
  return lines.map((line) => PATH_LINE.exec(line.trim())?.[1]?.trim()).filter((path): path is string => path !== undefined);
}

/** Phase 2: sends a request and waits until the server prints a "path:" line or closes. */
export async function sendAndWatchLog(ctx: CheckContext, segments: Segment[], timeoutMs = 1500 + ctx.slowMs): Promise<Logged> {
  const server = ctx.server!;
  const mark = server.mark();
  const hasPathLine = (line: string): boolean => PATH_LINE.test(line.trim());
  const result = await exchange({ host: ctx.host, port: ctx.port, segments, replyTimeoutMs: 0, keepOpen: true });
  const connection = result.connection;
  let loggedAfterClientClosed = false;
  if (connection) {
    // Either reaction ends the wait: the line is printed, or the server closes the connection.
    await Promise.race([server.waitForOutput(mark, hasPathLine, timeoutMs), connection.waitForEnd(timeoutMs)]);
    await server.waitForOutput(mark, hasPathLine, 300);
    if (!server.outputSince(mark).some(hasPathLine) && connection.open && !result.reactedEarly) {
      connection.endWriting();
      loggedAfterClientClosed = await server.waitForOutput(mark, hasPathLine, 1500);
    }
    await connection.waitForEnd(200);
    result.received = connection.received;
    result.ending = connection.ending ?? "open";
    connection.close();
  }
  const output = server.outputSince(mark);
  return { result, segments, paths: loggedPaths(output), loggedAfterClientClosed, output };
}

/** Phase 2: did the server print exactly `path` for this request? */
export function judgeLogged(ctx: CheckContext, logged: Logged, path: string): Finding | null {
  const base = {
    sent: logged.result.sent,
    received: logged.result.received,
    receivedNote: endingNote(logged.result),
    tryIt: tryItLine(ctx, logged.segments),
  };
  if (logged.result.connectError) {
    return { message: `The checker could not connect to your server (${logged.result.connectError}).`, sent: logged.result.sent };
  }
  if (logged.result.reactedEarly) {
    return {
      ...base,
      message:
        `Your server closed the connection after ${logged.result.sentWhenReacted} of the ${logged.result.sent.length} bytes of the request` +
        (logged.paths.length ? `, and printed "path: ${logged.paths[0]}"` : "") +
        ": it handled the request before all of it had arrived." +
        UNREAD_BYTES_NOTE,
      expected: `"path: ${path}", printed once the empty line that ends the head has arrived`,
      hint:
        "TCP is a stream: one 'data' event can hold part of a request. Add each chunk to a buffer and only " +
        "handle the request once the buffer contains the empty line (\\r\\n\\r\\n, or \\n\\n from nc).",
    };
  }
  if (logged.paths.includes(path)) {
    if (logged.loggedAfterClientClosed) {
      return {
        ...base,
        message:
          "Your server printed the path only after the checker closed its side of the connection (as nc does on Ctrl-D). " +
          "A browser never does that: it keeps the connection open while it waits.",
        expected: `"path: ${path}" as soon as the empty line that ends the head has arrived`,
        hint: "Don't wait for the 'end' event. In the 'data' handler, check whether the buffer holds the empty line yet, and handle the request right there.",
      };
    }
    return null;
  }
  if (logged.paths.length > 0) {
    return {
      ...base,
      message: `Your server printed "path: ${logged.paths[0]}" for a request whose path is ${path}.`,
      expected: `path: ${path}`,
      hint: "The path is the middle part of the first line: GET /the/path HTTP/1.1. Print parseRequest's result for the whole head.",
    };
  }
  const echoed = logged.output.some((line) => line.includes(path));
  return {
    ...base,
    message: echoed
      ? `Your server printed the request, but no line "path: ${path}".`
      : `Your server printed no line "path: ${path}" for this request.`,
    expected: `a line in your server's output: path: ${path}`,
    hint: echoed
      ? "Once the head is complete, call parseRequest on it and print the result: console.log(`path: ${path}`)."
      : "Collect the request's bytes until the empty line, then call parseRequest and print `path: ${path}`.",
  };
}

/** Did the server end? Then say so, and what the checker had just done to it. */
export function crashed(ctx: CheckContext, after: string): Finding | null {
  const exit = ctx.server?.exit;
  if (!exit) return null;
  if (exit.code === 0) {
    return {
      message: `Your server exited (code 0) after ${after}. Nothing crashed: the program ended on its own.`,
      hint: "A Node program ends when nothing is left to wait for. Don't close the server (server.close()) or call process.exit(): only each client's socket gets closed.",
    };
  }
  return {
    message: `Your server crashed (${exit.signal ? `ended by ${exit.signal}` : `exit code ${exit.code}`}) after ${after}. Its output below shows the error.`,
    hint:
      "An exception thrown in an event handler ends the whole server. Look at the first error line below; every " +
      "socket needs socket.on('error', ...), and code that parses a request must handle any bytes at all.",
  };
}

/**
 * After something unusual (a silent client, a reset, garbage): is the server still alive and still
 * doing for the next, normal client what it has already been seen to do? (Only that: a failure
 * here must be about surviving, not repeat an earlier check's failure.)
 */
export async function stillServes(ctx: CheckContext, after: string): Promise<Finding | null> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const crash = crashed(ctx, after);
  if (crash) return crash;
  const path = randomPath(ctx);
  const segments = [{ data: getRequest(path) }];
  const answers = ["respond.answers", "counter.first-visit"].some((id) => ctx.passed(id));
  const logs = ctx.server !== null && ctx.passed("parse.logs-path");
  if (answers) {
    const asked = await ask(ctx, segments);
    const finding = whyNoResponse(ctx, asked);
    if (finding) return { ...finding, message: `After ${after}, the next client was not served. ${finding.message}` };
  } else if (logs) {
    const logged = await sendAndWatchLog(ctx, segments);
    const finding = judgeLogged(ctx, logged, path);
    if (finding) return { ...finding, message: `After ${after}, the next client was not served. ${finding.message}` };
  } else {
    // Nothing more is known to work yet than accepting a connection (and, in phase 1, closing it).
    const closes = ctx.passed("bind.closes");
    const result = await exchange({ host: ctx.host, port: ctx.port, segments, replyTimeoutMs: closes ? 2000 : 300 });
    if (result.connectError) return { message: `After ${after}, your server no longer accepts connections (${result.connectError}).` };
    if (closes && result.ending === "open") {
      return {
        message: `After ${after}, your server did not handle the next client: it never closed that connection.`,
        ...evidence(ctx, { result, segments }),
      };
    }
  }
  return crashed(ctx, after);
}
