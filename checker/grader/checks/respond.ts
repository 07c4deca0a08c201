/** Phase 3: answer with a response a strict HTTP/1.1 client accepts, then close (or keep serving). */
import http from "node:http";
import { spawn, spawnSync } from "node:child_process";
import { devNull } from "node:os";
import { MAX_KEPT_BYTES, WireConnection } from "../wire.ts";
import { RecordingProxy } from "../recording-proxy.ts";
import { RULES, type Rule } from "../http-rules.ts";
import { visibleTail } from "../visible.ts";
import { hasProblem, header, isCompleteResponse, readResponse, type ParsedResponse, type Problem, type ProblemCode } from "../http-reader.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { ask, evidence, getRequest, randomPath, replyTimeout, tryItLine, whyNoResponse, writeAfterClose, type Asked, leavePolitely } from "./common.ts";
import { callExport } from "./parse.ts";
import { crashed } from "./reactions.ts";

// ---------------------------------------------------------------------------------------------
// generateResponse, called directly

async function generated(ctx: CheckContext, args: string[]): Promise<{ bytes: Buffer } | { finding: Finding }> {
  const called = await callExport(ctx, "generateResponse", args);
  if ("finding" in called) return called;
  const value = called.value.value;
  if (Buffer.isBuffer(value)) return { bytes: value };
  if (typeof value === "string") return { bytes: Buffer.from(value, "utf8") };
  return {
    finding: {
      message: text.respond.returnedOther(`generateResponse(${args.map((arg) => JSON.stringify(arg)).join(", ")})`, value.other),
      expected: text.respond.returnedOtherExpected,
    },
  };
}

export const respondUnitFormat: Check = {
  id: "respond.unit-format",
  ...text.checks["respond.unit-format"],
  needsModule: true,
  async run(ctx) {
    const content = `<h1>Lab ${ctx.rng.word(6)}</h1>`;
    for (const [args, status] of [
      [[content], "200 OK"],
      [[content, "404 Not Found"], "404 Not Found"],
    ] as const) {
      const call = `generateResponse(${args.map((arg) => JSON.stringify(arg)).join(", ")})`;
      const made = await generated(ctx, [...args]);
      if ("finding" in made) return made.finding;
      if (made.bytes.length === 0) {
        return { message: text.respond.returnedNothing(call), expected: text.respond.returnedNothingExpected(status) };
      }
      const response = readResponse(made.bytes, true);
      const problem = response.problems[0];
      if (problem) {
        return {
          message: text.respond.builtWithProblem(call, problem.message),
          received: made.bytes,
          rule: problem.rule,
          hint: problemHints[problem.code],
        };
      }
      if (response.statusLine?.text !== `HTTP/1.1 ${status}`) {
        return { message: text.respond.startsWith(call, response.firstLine), received: made.bytes, expected: `HTTP/1.1 ${status}` };
      }
      if (!/^text\/html\b/i.test(header(response, "content-type") ?? "")) {
        return { message: text.respond.noHtmlContentType(call), received: made.bytes, expected: text.respond.contentTypeExpected };
      }
      if (!response.body.equals(Buffer.from(content, "utf8"))) {
        return { message: text.respond.bodyNotContent(call), received: made.bytes, expected: text.respond.bodyExpected(content) };
      }
    }
    return null;
  },
};

export const respondUnitBytes: Check = {
  id: "respond.unit-bytes",
  ...text.checks["respond.unit-bytes"],
  needsModule: true,
  async run(ctx) {
    const content = `<p>Grüße aus ${ctx.rng.word(5)} ✓</p>`;
    const bytes = Buffer.byteLength(content, "utf8");
    const made = await generated(ctx, [content]);
    if ("finding" in made) return made.finding;
    const response = readResponse(made.bytes, true);
    if (response.contentLength === bytes) return null;
    // No body to count: the format check before this one names why, and a length is not the cause.
    if (made.bytes.length === 0) return { status: "skip", message: text.respond.unitReturnedNothingSkip };
    if (hasProblem(response, "no-status-line")) return { status: "skip", message: text.respond.unitNotHttpSkip };
    if (response.bodyStart === null) return { status: "skip", message: text.respond.unitHeadNeverEndedSkip };
    return {
      message:
        response.contentLength === content.length
          ? text.respond.lengthInCharacters(`generateResponse(${JSON.stringify(content)})`, content.length, bytes)
          : text.respond.wrongLength(`generateResponse(${JSON.stringify(content)})`, header(response, "content-length"), bytes),
      received: made.bytes,
      expected: text.respond.lengthExpected(bytes),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// One ordinary request, read strictly; several checks judge the same exchange.

export function basicExchange(ctx: CheckContext): Promise<Asked> {
  return ctx.memo("respond.basic", async () => {
    const before = ctx.server?.activity() ?? null;
    const asked = await ask(ctx, [{ data: getRequest(randomPath(ctx)) }]);
    // A server that exits after its first answer: let the verdict name that here, whatever the
    // machine's speed. It runs until its exit; a server waiting for the next client is not exiting.
    if (asked.result.ending === "server-closed") await ctx.server?.settled(300, before);
    return asked;
  });
}

export const problemHints: Record<ProblemCode, string> = text.respond.problemHints;

/** Why a response's head cannot be read (not HTTP, or no end), or null when it can. */
function headUnread(response: ParsedResponse): Finding | null {
  if (hasProblem(response, "no-status-line")) return { status: "skip", message: text.respond.notHttpSkip };
  if (response.bodyStart === null) return { status: "skip", message: text.respond.headNeverEndedSkip };
  return null;
}

/** Why a response's body (or length) cannot be judged, or null when it can. */
function notJudged(response: ParsedResponse): Finding | null {
  const unread = headUnread(response);
  if (unread) return unread;
  if (!response.complete || response.broken) return { status: "skip", message: text.respond.incompleteSkip };
  return null;
}

/** "The response is not valid HTTP/1.1: …", or, for the lab's own rules, "… breaks this lab's rule: …". */
export function problemMessage(problem: Problem): string {
  return problem.rule.level === "lab" ? text.respond.breaksLabRule(problem.message) : text.respond.notValid(problem.message);
}

function problemCheck(id: string, title: string, codes: ProblemCode[], hints: string[], needsHead = false): Check {
  return {
    id,
    title,
    requires: ["respond.answers"],
    hints,
    async run(ctx) {
      const asked = await basicExchange(ctx);
      const response = asked.response;
      // Bytes that are not HTTP at all (no status line) say nothing about line ends, head or length.
      if (response && !codes.includes("no-status-line") && hasProblem(response, "no-status-line")) {
        return { status: "skip", message: text.respond.notHttpSkip };
      }
      // Where the body starts and ends means nothing before the head has ended.
      if (response && needsHead && response.bodyStart === null) return { status: "skip", message: text.respond.headNeverEndedSkip };
      // A broken MUST says more than the lab's own rule: an endless chunked body is named as endless first.
      const mine = response?.problems.filter((p) => codes.includes(p.code)) ?? [];
      const problem = mine.find((p) => p.rule.level === "MUST") ?? mine[0];
      if (!problem) return null;
      return { message: problemMessage(problem), rule: problem.rule, hint: problemHints[problem.code], ...evidence(ctx, asked) };
    },
  };
}

export const respondAnswers: Check = {
  id: "respond.answers",
  alone: true,
  ...text.checks["respond.answers"],
  stopOnFail: true,
  async run(ctx) {
    return whyNoResponse(ctx, await basicExchange(ctx));
  },
};

// Each framing check's first hint is the hint for its most telling problem.
const framingCheck = (id: keyof typeof text.checks, codes: ProblemCode[], first: ProblemCode, needsHead = false): Check =>
  problemCheck(id, text.checks[id].title, codes, [problemHints[first], ...text.checks[id].hints], needsHead);

export const respondStatusLine = framingCheck(
  "respond.status-line",
  ["no-status-line", "bad-status-line", "bad-version", "bad-status-code", "unasked-upgrade"],
  "bad-status-line",
);
export const respondCrlf = framingCheck("respond.crlf", ["bare-lf", "bare-cr"], "bare-lf");
export const respondBlankLine = framingCheck("respond.blank-line", ["no-blank-line", "bad-header", "obs-fold", "control-in-value"], "no-blank-line");
export const respondContentLength = framingCheck(
  "respond.content-length",
  [
    "no-content-length",
    "chunked-not-length",
    "bad-content-length",
    "duplicate-content-length",
    "te-and-length",
    "bad-transfer-encoding",
    "bad-chunk",
    "length-on-no-content",
    "content-after-head",
    "length-in-characters",
    "body-longer",
    "body-shorter",
    "incomplete",
  ],
  "length-in-characters",
  true,
);

export const respondPage: Check = {
  id: "respond.page",
  ...text.checks["respond.page"],
  requires: ["respond.answers", "respond.status-line"],
  async run(ctx) {
    const asked = await basicExchange(ctx);
    const response = asked.response!;
    // A body is judged only when the response is whole: a part of a page is not the page.
    const unjudged = notJudged(response);
    if (unjudged) return unjudged;
    if (response.statusLine?.status !== 200) {
      return { message: text.respond.statusIs(response.statusLine?.status), expected: text.respond.ok, ...evidence(ctx, asked) };
    }
    if (!response.body.some((byte) => byte >= 0x80)) {
      return {
        message: text.respond.noNonAscii,
        expected: text.respond.page,
        ...evidence(ctx, asked),
      };
    }
    return null;
  },
};

export const respondContentType: Check = {
  id: "respond.content-type",
  ...text.checks["respond.content-type"],
  requires: ["respond.answers"],
  async run(ctx) {
    const asked = await basicExchange(ctx);
    const response = asked.response!;
    // A body is judged only when the response is whole: a part of a page is not the page.
    const unjudged = notJudged(response);
    if (unjudged) return unjudged;
    const type = header(response, "content-type");
    if (!type || !/^text\/html\b/i.test(type)) {
      return { message: type ? text.respond.contentTypeIs(type) : text.respond.noContentType, expected: text.respond.contentTypeExpected, ...evidence(ctx, asked) };
    }
    if (response.body.some((byte) => byte >= 0x80) && !/charset=["']?utf-8/i.test(type)) {
      return {
        message: text.respond.noCharset(type),
        expected: text.respond.contentTypeExpected,
        ...evidence(ctx, asked),
      };
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// After the response: close and say so, or keep the connection and serve the next request.

export const respondConnection: Check = {
  id: "respond.connection",
  ...text.checks["respond.connection"],
  requires: ["respond.answers"],
  async run(ctx) {
    const opened = await WireConnection.open(ctx.host, ctx.port);
    if (!(opened instanceof WireConnection)) return { message: text.common.couldNotConnect(opened.error) };
    const connection = opened;
    try {
      const first = getRequest(randomPath(ctx));
      await connection.write(first);
      await connection.waitFor(isCompleteResponse, replyTimeout(ctx));
      await connection.waitForEnd(500);
      const response = readResponse(connection.received, !connection.open);
      const says = (header(response, "connection") ?? "").toLowerCase();
      const shown = { sent: first, received: connection.received, tryIt: tryItLine(ctx, [{ data: first }]) };
      if (!connection.open && connection.received.length === 0) {
        // No response at all: whether it said Connection: close is not the question.
        return { ...shown, receivedNote: text.common.ending.serverClosedNothing, message: text.common.closedWithoutAnswer, hint: text.common.closedWithoutAnswerHint };
      }
      if (!connection.open) {
        // Bytes that are not a response, or a head that never ends, say nothing about Connection: the checks before name why.
        const unread = headUnread(response);
        if (unread) return unread;
        if (!says.split(",").map((token) => token.trim()).includes("close")) {
          return {
            ...shown,
            receivedNote: text.respond.serverClosed,
            message: text.respond.closedWithoutSaying,
            rule: RULES.connectionClose,
            expected: text.respond.closedWithoutSayingExpected,
          };
        }
        // Closed, and said so. Now a client still sending: its bytes must be read and dropped, not
        // answered with a reset (the server closed for good at once: socket.destroy()).
        const finFirst = connection.ending === "server-closed";
        if (finFirst) await writeAfterClose(connection);
        if (!finFirst || connection.resetAtMs !== null) {
          return {
            ...shown,
            receivedNote: text.respond.resetAfterCloseNote(finFirst),
            message: text.respond.resetAfterClose(finFirst),
            rule: RULES.closeInStages,
            expected: text.respond.resetAfterCloseExpected,
            hint: text.respond.resetAfterCloseHint,
            tryIt: text.respond.resetAfterCloseTryIt(writeAfterCloseLine(ctx, first)),
          };
        }
        return null;
      }
      if (says.includes("close")) {
        return {
          ...shown,
          receivedNote: text.respond.stillOpenLater,
          message: text.respond.saysCloseButOpen,
          expected: text.respond.saysCloseButOpenExpected,
          hint: text.respond.saysCloseButOpenHint,
        };
      }
      // Kept open: then it must serve the next request on the same connection.
      const before = connection.received.length;
      const second = getRequest(randomPath(ctx));
      await connection.write(second);
      const answered = await connection.waitFor((bytes) => isCompleteResponse(bytes.subarray(before)), replyTimeout(ctx));
      if (answered) return null;
      return {
        sent: first + second,
        received: connection.received,
        receivedNote: connection.open ? text.respond.stillOpen : text.respond.serverClosed,
        tryIt: tryItLine(ctx, [{ data: first }, { data: second, pauseMs: 500 }]),
        message: text.respond.secondUnanswered,
        expected: text.respond.secondUnansweredExpected,
      };
    } finally {
      connection.close();
    }
  },
};

/** A node one-liner that sends the request, then a byte twice 0.1 s apart after the server's FIN, and prints what came (nc cannot show a reset). */
function writeAfterCloseLine(ctx: CheckContext, request: string): string {
  const sent = request.replaceAll("\r", "\\r").replaceAll("\n", "\\n");
  return (
    `node -e "const s=require('net').connect({port:${ctx.tryPort},host:'127.0.0.1',allowHalfOpen:true});` +
    `s.on('data',d=>process.stdout.write(d));s.on('error',e=>console.log('\\n'+e.code));` +
    `s.on('end',()=>setTimeout(()=>s.write('a',()=>setTimeout(()=>s.write('a',e=>e||(console.log('\\nno reset'),s.destroy())),100)),100));` +
    `s.write('${sent}')"`
  );
}

/** The problems that leave a response without a status to read. */
const UNREADABLE: ProblemCode[] = ["no-status-line", "bad-status-line", "no-blank-line"];

/** TODO 3: a request line parseRequest cannot read gets 400 Bad Request, not the page. */
export const respondBadRequest: Check = {
  id: "respond.bad-request",
  ...text.checks["respond.bad-request"],
  requires: ["respond.answers", "respond.status-line"],
  async run(ctx) {
    const asked = await ask(ctx, [{ data: "Hello\n\n" }]);
    const why = whyNoResponse(ctx, asked);
    if (why) {
      // A server that dies of the garbage: name the crash, not the missing answer.
      if (!asked.response && ctx.server && (await ctx.server.exitsWithin(300))) {
        await ctx.server.exited;
        const crash = crashed(ctx, text.survive.typedHello);
        if (crash) return { ...crash, ...evidence(ctx, asked) };
      }
      return why;
    }
    const response = asked.response!;
    const status = response.statusLine?.status ?? null;
    if (status === 400) return null;
    if (status === null) {
      // No status to read. When the page's answer has the same problem, the checks above name it.
      const problem = response.problems.find((each) => UNREADABLE.includes(each.code)) ?? response.problems[0];
      const page = (await basicExchange(ctx)).response;
      if (problem && page && hasProblem(page, problem.code)) return headUnread(response) ?? { status: "skip", message: text.respond.notHttpSkip };
      return {
        message: text.respond.garbageUnreadable(problem?.message ?? text.respond.firstLineIs(response.firstLine)),
        expected: text.respond.badRequest,
        rule: problem?.rule,
        hint: problem && problemHints[problem.code],
        ...evidence(ctx, asked),
      };
    }
    return {
      message: text.respond.garbageGot(status) + (status === 200 ? text.respond.garbageGotPage : ""),
      expected: text.respond.badRequest,
      rule: RULES.invalidTarget,
      ...evidence(ctx, asked),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Real clients: they are stricter or more forgiving than the checker in their own ways.

function url(ctx: CheckContext, path: string): string {
  const host = ctx.host.includes(":") ? `[${ctx.host}]` : ctx.host;
  return `http://${host}:${ctx.port}${path}`;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  // Only a named code (ECONNRESET, UND_ERR_...): a DOMException's code is a number (23 for a timeout) that says nothing.
  const code = (error as { code?: unknown }).code;
  const named = typeof code === "string" ? code : undefined;
  const own = `${error.message}${named && !error.message.includes(named) ? ` (${named})` : ""}`;
  return cause instanceof Error ? `${own}: ${describeError(cause)}` : own;
}

/**
 * A body, or null when more than MAX_KEPT_BYTES came (then the rest is not read). Copied into one
 * buffer as it comes: fetch hands a body of tiny chunks over as a million tiny arrays.
 */
export async function cappedBytes(response: Response): Promise<Buffer | null> {
  const reader = response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const kept = Buffer.alloc(MAX_KEPT_BYTES);
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return kept.subarray(0, size);
    if (size + value.length > MAX_KEPT_BYTES) {
      await reader.cancel().catch(() => {});
      return null;
    }
    kept.set(value, size);
    size += value.length;
  }
}

/**
 * The responses a server sent on one connection, each with what it sent after that head: the
 * chunks' data for a chunked body, else every byte up to the next response (or the end), which is
 * more than the body when its Content-Length was too small.
 */
export function responsesOn(bytes: Buffer): Array<{ response: ParsedResponse; sent: Buffer }> {
  const found: Array<{ response: ParsedResponse; sent: Buffer }> = [];
  let rest = bytes;
  while (rest.length > 0 && found.length < 50) {
    const response = readResponse(rest, true, { more: true });
    if (response.bodyStart === null) break;
    const next = response.extra;
    const nextIsResponse = response.complete && next.subarray(0, 5).toString("latin1") === "HTTP/";
    const sent = response.framing === "chunked" || nextIsResponse ? response.body : rest.subarray(response.bodyStart);
    found.push({ response, sent });
    if (!nextIsResponse) break;
    rest = next;
  }
  return found;
}

/** Null when a client got exactly the body the server sent; else a message that shows where they part. */
function bodyDiffers(client: string, got: Buffer, sent: Buffer): string | null {
  if (got.equals(sent)) return null;
  let same = 0;
  while (same < got.length && same < sent.length && got[same] === sent[same]) same++;
  const from = Math.max(0, same - 12);
  return text.respond.clientBodyDiffers(client, got.length, sent.length, visibleTail(got, from), visibleTail(sent, from));
}

/** Waits (briefly) for the server to end the connection, so that every byte it sent is recorded. */
export async function settled(proxy: RecordingProxy): Promise<void> {
  for (let waited = 0; waited < 300 && proxy.connections.some((connection) => !connection.serverEnded); waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The real clients below run inside the checker, so their version is this Node's: reports name it. */
const THIS_NODE = `Node ${process.versions.node.split(".").slice(0, 2).join(".")}`;

export const clientFetch: Check = {
  id: "client.fetch",
  ...text.checks["client.fetch"],
  requires: ["respond.answers"],
  async run(ctx) {
    const path = randomPath(ctx);
    const client = `${THIS_NODE}'s fetch`;
    const tryIt = `node -e "fetch('http://127.0.0.1:${ctx.tryPort}${path}').then(r => r.text()).then(console.log, console.error)"`;
    // Through a recording proxy, to compare what fetch got with what the server sent.
    const proxy = await RecordingProxy.start(ctx.host, ctx.port);
    try {
      const response = await fetch(`http://127.0.0.1:${proxy.port}${path}`, { signal: AbortSignal.timeout(replyTimeout(ctx, 3000)) });
      const body = await cappedBytes(response);
      if (body === null) return { message: text.respond.clientGotTooMuch(client, MAX_KEPT_BYTES / 1024 / 1024), expected: text.respond.fetchGotExpected };
      if (response.status < 200 || response.status >= 500 || body.length === 0) {
        return { message: text.respond.fetchGot(THIS_NODE, response.status, body.length), expected: text.respond.fetchGotExpected, tryIt };
      }
      await settled(proxy);
      const differs = bodyDiffers(client, body, responsesOn(proxy.sent(0))[0]?.sent ?? Buffer.alloc(0));
      return differs ? { message: differs, hint: text.respond.clientBodyDiffersHint, received: proxy.sent(0), receivedNote: text.respond.asSent, tryIt } : null;
    } catch (error) {
      const why = describeError(error).replaceAll(`:${proxy.port}`, `:${ctx.port}`);
      return { message: text.respond.fetchFailed(THIS_NODE, url(ctx, path), why), tryIt };
    } finally {
      await leavePolitely(ctx, (waitMs) => proxy.close(waitMs));
    }
  },
};

/**
 * How long the keep-alive client waits, after a response that did not say Connection: close, for
 * the server's close to arrive. Sent at once, the next request races that close: Node's agent
 * (22 to 26) loses the race about 1 to 3 times in 100, and a verdict must not depend on luck. A
 * close that comes this late is one the client could not have known about.
 */
const CLOSE_GRACE_MS = 250;

/** The server kept the connection open and sent nothing within the wait. */
class NoAnswer extends Error {}

function httpGet(agent: http.Agent, ctx: CheckContext, port: number, path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const waitMs = replyTimeout(ctx);
    const request = http.get(`http://127.0.0.1:${port}${path}`, { agent }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const socket = response.socket;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_KEPT_BYTES) request.destroy(new Error(text.respond.clientGotTooMuch("it", MAX_KEPT_BYTES / 1024 / 1024)));
        else chunks.push(chunk);
      });
      response.on("end", () => {
        const done = (): void => {
          clearTimeout(deadline);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) });
        };
        if (/\bclose\b/i.test(String(response.headers.connection ?? "")) || socket.destroyed) return done();
        const timer = setTimeout(finish, CLOSE_GRACE_MS);
        function finish(): void {
          clearTimeout(timer);
          socket.off("close", finish);
          done();
        }
        socket.once("close", finish);
      });
      response.on("error", reject);
    });
    // A total deadline, not http's idle timeout: a server that trickles a byte a second must not
    // keep each request waiting for as long as it likes.
    // A reused socket has read the earlier responses already: count only what came for this request.
    let readBefore = 0;
    request.on("socket", (socket) => (readBefore = socket.bytesRead));
    const deadline = setTimeout(() => {
      const read = (request.socket?.bytesRead ?? 0) - readBefore;
      request.destroy(new NoAnswer(read > 0 ? text.respond.stillTrickling(waitMs / 1000, read) : text.respond.noAnswerWithin(waitMs / 1000)));
    }, waitMs);
    request.on("close", () => clearTimeout(deadline));
    request.on("error", (error) => {
      clearTimeout(deadline);
      reject(error);
    });
  });
}

export const clientKeepAlive: Check = {
  id: "client.keep-alive",
  ...text.checks["client.keep-alive"],
  requires: ["respond.answers"],
  async run(ctx) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const proxy = await RecordingProxy.start(ctx.host, ctx.port);
    const tryIt = `node -e "const http=require('http');const a=new http.Agent({keepAlive:true,maxSockets:1});const g=()=>new Promise((ok,no)=>http.get('http://127.0.0.1:${ctx.tryPort}/',{agent:a},r=>{r.resume();r.on('end',ok)}).on('error',no));g().then(g).then(()=>console.log('ok'),console.error).finally(()=>a.destroy())"`;
    try {
      const bodies: Buffer[] = [];
      for (let i = 1; i <= 5; i++) {
        const path = randomPath(ctx);
        try {
          bodies.push((await httpGet(agent, ctx, proxy.port, path)).body);
        } catch (error) {
          const why = describeError(error).replaceAll(`:${proxy.port}`, `:${ctx.port}`);
          // Node's parser names framing problems HPE_...; a reused, closed connection shows up as a reset.
          const parseError = /HPE_[A-Z_]+/.exec(why)?.[0];
          return {
            message:
              text.respond.keepAliveFailed(THIS_NODE, i - 1, i, why) +
              (parseError
                ? text.respond.parserRejected
                : i === 1
                  ? ""
                  : error instanceof NoAnswer
                    ? text.respond.reusedUnanswered
                    : text.respond.reusedClosed(CLOSE_GRACE_MS / 1000)),
            hint: parseError ? text.respond.parseErrorHint(parseError) : undefined,
            expected: text.respond.keepAliveExpected,
            tryIt,
          };
        }
      }
      agent.destroy();
      await settled(proxy);
      // The responses in the order they were sent, over however many connections the agent needed.
      const sent = proxy.connections.flatMap((_, index) => responsesOn(proxy.sent(index)));
      for (const [i, body] of bodies.entries()) {
        const differs = bodyDiffers(`${THIS_NODE}'s http.get (request ${i + 1})`, body, sent[i]?.sent ?? Buffer.alloc(0));
        if (differs) return { message: differs, hint: text.respond.clientBodyDiffersHint, tryIt };
      }
      return null;
    } finally {
      agent.destroy();
      await leavePolitely(ctx, (waitMs) => proxy.close(waitMs));
    }
  },
};

/** "curl 7.88.1", as the installed curl names itself (only asked when a report needs it). */
function curlName(): string {
  const version = spawnSync("curl", ["--version"], { encoding: "utf8", timeout: 2000 });
  return /^curl \d+\.\d+(\.\d+)?/.exec(version.stdout ?? "")?.[0] ?? "curl";
}

export const clientCurl: Check = {
  id: "client.curl",
  ...text.checks["client.curl"],
  requires: ["respond.answers"],
  async run(ctx) {
    const path = randomPath(ctx);
    const seconds = String(Math.ceil(replyTimeout(ctx, 3000) / 1000));
    const proxy = await RecordingProxy.start(ctx.host, ctx.port);
    try {
      // The body to stdout, then a line with the status: what curl got, to compare with what was sent.
      const args = ["-sS", "-o", "-", "-w", "\n%{http_code}", "--http1.1", "--max-time", seconds, `http://127.0.0.1:${proxy.port}${path}`];
      const outcome = await new Promise<{ code: number | null; stdout: Buffer; stderr: string; missing?: boolean }>((resolve) => {
        const child = spawn("curl", args, { stdio: ["ignore", "pipe", "pipe"] });
        const chunks: Buffer[] = [];
        let size = 0;
        let stderr = "";
        child.stdout.on("data", (data: Buffer) => {
          size += data.length;
          if (size > MAX_KEPT_BYTES + 16) child.kill("SIGKILL");
          else chunks.push(data);
        });
        child.stderr.on("data", (data: Buffer) => (stderr += data.toString("utf8")));
        child.on("error", () => resolve({ code: null, stdout: Buffer.alloc(0), stderr, missing: true }));
        child.on("close", (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr }));
      });
      if (outcome.missing) return { status: "skip", message: text.respond.noCurl };
      const tryIt = `curl -v http://127.0.0.1:${ctx.tryPort}${path}`;
      if (outcome.code !== 0) {
        const stderr = outcome.stderr.trim().replaceAll(`port ${proxy.port}`, `port ${ctx.port}`).replaceAll(`:${proxy.port}`, `:${ctx.port}`);
        return { message: text.respond.curlFailed(curlName(), outcome.code, stderr), tryIt };
      }
      await settled(proxy);
      const body = outcome.stdout.subarray(0, outcome.stdout.lastIndexOf(0x0a));
      const differs = bodyDiffers(curlName(), body, responsesOn(proxy.sent(0))[0]?.sent ?? Buffer.alloc(0));
      return differs ? { message: differs, hint: text.respond.clientBodyDiffersHint, received: proxy.sent(0), receivedNote: text.respond.asSent, tryIt } : null;
    } finally {
      await leavePolitely(ctx, (waitMs) => proxy.close(waitMs));
    }
  },
};

/** For later phases: the same strict reading, as one check, on a response of theirs. */
export function framingFinding(asked: Asked, chunkedAllowed = false): { message: string; hint: string; rule: Rule } | null {
  const response = asked.response;
  if (!response) return null;
  // Chunked instead of Content-Length is the lab's rule for the phases before chunked (phase 14), not the RFC's.
  const problem = response.problems.find((each) => !(chunkedAllowed && each.code === "chunked-not-length"));
  if (problem) return { message: problemMessage(problem), rule: problem.rule, hint: problemHints[problem.code] };
  const closed = asked.result.ending === "server-closed" || asked.result.ending === "server-reset";
  if (closed && !/\bclose\b/i.test(header(response, "connection") ?? "")) {
    return { message: text.respond.closedWithoutConnectionClose, rule: RULES.connectionClose, hint: respondConnection.hints[1]! };
  }
  return null;
}

export type { ParsedResponse };
