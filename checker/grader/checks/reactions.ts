/**
 * How a server reacts to a request, by phase: in phase 2 it prints "path: ...", from phase 3 on it
 * answers. These helpers send a request and wait for that reaction, with a bound on every wait.
 */
import { exchange, type ExchangeResult, type Segment } from "../wire.ts";
import type { CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { UNREAD_BYTES_NOTE, ask, endingNote, evidence, getRequest, randomPath, tryItLine, whyNoResponse } from "./common.ts";

export interface Logged {
  result: ExchangeResult;
  segments: Segment[];
  /** The paths of the "path: ..." lines printed for this request. */
  paths: string[];
  /** The server printed only after the checker half-closed its side. */
  loggedAfterClientClosed: boolean;
  /** The checker half-closed its side (as nc does on Ctrl-D) before the server closed, this many ms in. */
  halfClosedAtMs: number | null;
  /** Everything the server printed meanwhile. */
  output: string[];
  /** Bytes sent after the head, once the server had printed its path line (a body); 0 if none. */
  followedBy: number;
}

const PATH_LINE = /^path:\s?(.*)$/i;

export function loggedPaths(lines: string[]): string[] {
  return lines.map((line) => PATH_LINE.exec(line.trim())?.[1]?.trim()).filter((path): path is string => path !== undefined);
}

/**
 * How long the checker watches at most for a second "path:" line after sending bytes that follow
 * the head. A server that handles the head again does it on the 'data' event those bytes cause:
 * the watch ends once the server is waiting again (ServerProcess.settled, which reads /proc), and
 * the bound leaves room for a busy machine, or is the whole watch where there is no /proc.
 */
const SECOND_LINE_MS = 500;
/** The same, for a "path:" line after a close that came without one. */
const AFTER_CLOSE_MS = 300;

/**
 * Phase 2: sends a request and waits until the server prints a "path:" line or closes. With `then`,
 * those bytes follow once the path line is out (a body after the head), as their own read.
 */
export async function sendAndWatchLog(ctx: CheckContext, segments: Segment[], timeoutMs = 1500 + ctx.slowMs, then?: string): Promise<Logged> {
  const server = ctx.server!;
  const mark = server.mark();
  const hasPathLine = (line: string): boolean => PATH_LINE.test(line.trim());
  const beforeRequest = server.activity();
  const result = await exchange({ host: ctx.host, port: ctx.port, segments, replyTimeoutMs: 0, keepOpen: true });
  const connection = result.connection;
  let loggedAfterClientClosed = false;
  let halfClosedAtMs: number | null = null;
  let followedBy = 0;
  if (connection) {
    // Either reaction ends the wait: the line is printed, or the server closes the connection.
    await Promise.race([server.waitForOutput(mark, hasPathLine, timeoutMs), connection.waitForEnd(timeoutMs)]);
    // A close may come before the line (a server that closes, then prints): once the server is
    // waiting again, all it prints about this request is out (see ServerProcess.settled).
    if (!server.outputSince(mark).some(hasPathLine)) await server.settled(AFTER_CLOSE_MS, beforeRequest);
    if (then !== undefined && server.outputSince(mark).some(hasPathLine)) {
      // The server may have closed its side already (its FIN): a client still sends what it has.
      const beforeBody = server.activity();
      if (await connection.write(then, { afterServerClosed: true })) followedBy = Buffer.byteLength(then);
      // A second line comes, if at all, on the read the body makes: by the time the server waits again.
      if (followedBy > 0) await server.settled(SECOND_LINE_MS, beforeBody);
    }
    if (!server.outputSince(mark).some(hasPathLine) && connection.open && !result.reactedEarly) {
      connection.endWriting();
      // The planned moment (the wait for a reaction ran out), not the measured one: the report
      // reads the same on every run.
      halfClosedAtMs = timeoutMs;
      loggedAfterClientClosed = await server.waitForOutput(mark, hasPathLine, 1500);
    }
    await connection.waitForEnd(200);
    result.received = connection.received;
    result.ending = connection.ending ?? "open";
    connection.close();
  }
  const output = server.outputSince(mark);
  // What the checker sent is the request and, if they went out, the bytes that followed it.
  if (followedBy > 0) result.sent = Buffer.concat([result.sent, Buffer.from(then!)]);
  // The "try it" line sends them the same way: the body a moment after the head, in a read of its own.
  const sentSegments = followedBy > 0 ? [...segments, { data: then!, pauseMs: 100 }] : segments;
  return { result, segments: sentSegments, paths: loggedPaths(output), loggedAfterClientClosed, halfClosedAtMs, output, followedBy };
}

/** Phase 2: did the server print exactly `path` for this request? */
export function judgeLogged(ctx: CheckContext, logged: Logged, path: string): Finding | null {
  // A close that came only after the checker stopped sending is the server's answer to that, not to the request.
  const closedLate = logged.halfClosedAtMs !== null && logged.result.ending !== "open";
  const base = {
    sent: logged.result.sent,
    received: logged.result.received,
    receivedNote: closedLate && logged.result.received.length === 0 ? text.reactions.closedAfterHalfClose((logged.halfClosedAtMs! / 1000).toFixed(1)) : endingNote(logged.result),
    tryIt: tryItLine(ctx, logged.segments),
  };
  if (logged.result.connectError) {
    return { message: text.common.couldNotConnect(logged.result.connectError), sent: logged.result.sent };
  }
  if (logged.result.reactedEarly) {
    return {
      ...base,
      message: text.reactions.closedEarly(logged.result.sentWhenReacted, logged.result.sent.length, logged.paths[0]) + UNREAD_BYTES_NOTE,
      expected: text.reactions.closedEarlyExpected(path),
      hint: text.common.bufferUntilEmptyLine,
    };
  }
  if (logged.paths.includes(path)) {
    const times = logged.paths.filter((printed) => printed === path).length;
    if (times > 1) {
      return {
        ...base,
        message: logged.followedBy > 0 ? text.reactions.printedAgainForBody(path, times, logged.followedBy) : text.reactions.printedTwice(path, times),
        expected: text.reactions.printedOnceExpected(path),
        hint: text.reactions.printedTwiceHint,
      };
    }
    if (logged.loggedAfterClientClosed) {
      return {
        ...base,
        message: text.reactions.printedAfterClientClosed,
        expected: text.reactions.printedAfterClientClosedExpected(path),
        hint: text.reactions.printedAfterClientClosedHint,
      };
    }
    return null;
  }
  if (logged.paths.length > 0) {
    // U+FFFD, the replacement character, where the request had a character of several bytes: those
    // bytes were turned into text apart (a read ended between them).
    const broken = logged.paths.find((printed) => printed.includes("\uFFFD") && !path.includes("\uFFFD"));
    const wide = [...path].find((character) => character.charCodeAt(0) > 0x7f);
    if (broken !== undefined && wide !== undefined) {
      return {
        ...base,
        message: text.reactions.brokenCharacter(broken, path, wide, [...Buffer.from(wide)].map((byte) => byte.toString(16).toUpperCase()).join(" ")),
        expected: text.reactions.wrongPathExpected(path),
        hint: text.reactions.brokenCharacterHint,
      };
    }
    return {
      ...base,
      message: text.reactions.wrongPath(logged.paths[0]!, path),
      expected: text.reactions.wrongPathExpected(path),
      hint: text.reactions.wrongPathHint,
    };
  }
  const echoed = logged.output.some((line) => line.includes(path));
  return {
    ...base,
    message: echoed ? text.reactions.echoedNoPathLine(path) : text.reactions.noPathLine(path),
    expected: text.reactions.noPathLineExpected(path),
    hint: echoed ? text.reactions.echoedNoPathLineHint : text.reactions.noPathLineHint,
  };
}

/** Did the server end? Then say so, and what the checker had just done to it. */
export function crashed(ctx: CheckContext, after: string): Finding | null {
  const exit = ctx.server?.exit;
  if (!exit) return null;
  if (exit.code === 0) {
    return {
      message: text.reactions.exitedCleanly(after),
      hint: text.reactions.exitedCleanlyHint,
    };
  }
  return {
    message: text.reactions.crashed(exit.signal ? text.reactions.endedBy(exit.signal) : text.reactions.exitCode(exit.code), after),
    hint: text.reactions.crashedHint,
  };
}

/**
 * After something unusual (a silent client, a reset, garbage): is the server still alive and still
 * doing for the next, normal client what it has already been seen to do? (Only that: a failure
 * here must be about surviving, not repeat an earlier check's failure.)
 */
export async function stillServes(ctx: CheckContext, after: string): Promise<Finding | null> {
  // A server that dies of what came before is named here when its end is quick; a slower one is
  // caught below, by the next client it fails. 50 ms at most: a server waiting again is not dying.
  if (ctx.server) await ctx.server.settled(50);
  else await new Promise((resolve) => setTimeout(resolve, 50));
  const crash = crashed(ctx, after);
  if (crash) return crash;
  const finding = await nextServed(ctx, after);
  // A server that is dying refuses or drops the next client before its exit is seen: on a busy
  // machine a crash can take longer than the 50 ms above. Name the crash, not its symptom.
  if (finding && (await ctx.server?.exitsWithin(1000))) return crashed(ctx, after);
  return finding ?? crashed(ctx, after);
}

async function nextServed(ctx: CheckContext, after: string): Promise<Finding | null> {
  const path = randomPath(ctx);
  const segments = [{ data: getRequest(path) }];
  const answers = ["respond.answers", "counter.first-visit"].some((id) => ctx.passed(id));
  const logs = ctx.server !== null && ctx.passed("parse.logs-path");
  if (answers) {
    const asked = await ask(ctx, segments);
    const finding = whyNoResponse(ctx, asked);
    if (finding) return { ...finding, message: text.reactions.nextNotServed(after, finding.message) };
  } else if (logs) {
    const logged = await sendAndWatchLog(ctx, segments);
    const finding = judgeLogged(ctx, logged, path);
    if (finding) return { ...finding, message: text.reactions.nextNotServed(after, finding.message) };
  } else {
    // Nothing more is known to work yet than accepting a connection (and, in phase 1, closing it).
    const closes = ctx.passed("bind.closes");
    const result = await exchange({ host: ctx.host, port: ctx.port, segments, replyTimeoutMs: closes ? 2000 : 300 });
    if (result.connectError) return { message: text.reactions.noLongerAccepts(after, result.connectError) };
    if (closes && result.ending === "open") {
      return {
        message: text.reactions.nextNeverClosed(after),
        ...evidence(ctx, { result, segments }),
      };
    }
  }
  return null;
}
