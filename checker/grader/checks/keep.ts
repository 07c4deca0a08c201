/**
 * Phase 11: kept connections. persistent() and the Connection field; several requests on one
 * connection, bodies included (the next request starts on the byte after the body); the answers
 * that still close (a refused head, a request whose length is in doubt: request smuggling); the
 * idle and head deadlines (slowloris); and real clients that use a connection again.
 */
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { header, type ParsedResponse } from "../http-reader.ts";
import { RULES, type Rule } from "../http-rules.ts";
import { Conversation } from "../conversation.ts";
import { curlName, runCurl } from "../curl.ts";
import { RecordingProxy } from "../recording-proxy.ts";
import { WireConnection } from "../wire.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { ask, replyTimeout, tryItLine, whyNoResponse, writeAfterClose, leavePolitely } from "./common.ts";
import { callExport } from "./parse.ts";
import { responsesOn, settled } from "./respond.ts";

const words = text.keep;

/** What the contract fixes, and the checker's settings for it. */
export const KEEP_CONTRACT = {
  /**
   * The KEEP_ALIVE_MS the checker gives a server: short, so that the idle close is seen within a
   * second (keep.idle, in the background of every run from phase 11, is most of a run's length).
   */
  keepAliveMs: 500,
  /** A head's deadline, from phase 7: 1 s. */
  headTimeoutMs: 1000,
  /** How long the checker waits for a close that must come now (a FIN follows the last byte at once). */
  closeWaitMs: 1000,
  /** Half heads the slowloris check leaves hanging at once. */
  stalled: 20,
};

/** A request head with the checker's usual fields; `fields` come last, in order. */
export function head(method: string, target: string, fields: string[] = [], version = "HTTP/1.1"): string {
  return `${method} ${target} ${version}\r\nHost: localhost\r\nUser-Agent: http-lab-checker\r\n${fields.map((field) => `${field}\r\n`).join("")}\r\n`;
}

export const get = (target: string, fields: string[] = [], version?: string): string => head("GET", target, fields, version);

/** The Connection field's tokens, in lowercase. */
function tokens(response: ParsedResponse): string[] {
  return (header(response, "connection") ?? "").split(",").map((token) => token.trim().toLowerCase());
}

export const saysClose = (response: ParsedResponse): boolean => tokens(response).includes("close");

/** A new connection to the server, or the finding that it could not be made. */
async function converse(ctx: CheckContext): Promise<Conversation | Finding> {
  const opened = await Conversation.open(ctx.host, ctx.port);
  return opened instanceof Conversation ? opened : { message: text.common.couldNotConnect(opened.error), hint: text.common.isServerRunning };
}

/** The evidence of a whole conversation: every byte sent and received, and a line that repeats it. */
function shown(ctx: CheckContext, talk: Conversation): Pick<Finding, "sent" | "received" | "receivedNote" | "tryIt" | "noReference"> {
  const connection = talk.connection;
  const received = connection.received;
  const note =
    connection.ending === "server-reset"
      ? received.length === 0
        ? text.common.ending.serverResetNothing
        : text.common.ending.serverReset
      : connection.ending === "server-closed"
        ? received.length === 0
          ? text.common.ending.serverClosedNothing
          : text.common.ending.serverClosed
        : received.length === 0
          ? text.common.ending.openNothing
          : text.common.ending.open;
  // The reference is asked with one exchange; a conversation has several, so it has none to show.
  return { sent: talk.sent, received, receivedNote: note, tryIt: tryItLine(ctx, talk.segments), noReference: true };
}

/** Null when `response` is there and has `status`; else why not, in words. */
function statusFinding(talk: Conversation, response: ParsedResponse | null, status: number, waitMs: number): string | null {
  // Bytes that start no response: most often the body before them was longer than its Content-Length said.
  const start = talk.unread.subarray(0, 5).toString("latin1");
  if (response === null && start.length > 0 && !"HTTP/".startsWith(start)) {
    return words.notAResponse(talk.unread.length, JSON.stringify(talk.unread.subarray(0, 30).toString("latin1")));
  }
  if (response === null) return talk.open ? words.noAnswerOpen(`${waitMs / 1000} s`) : words.noAnswerClosed;
  const got = response.statusLine?.status ?? null;
  return got === status ? null : words.status(got, status);
}

function prefix(what: string, message: string): string {
  return `${what} ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}

/**
 * Runs `body` on a fresh conversation; a finding it returns gets the conversation as its evidence
 * (once a close the last answer announced has come). The conversation ends politely either way.
 */
async function withTalk(ctx: CheckContext, body: (talk: Conversation) => Promise<Finding | null>): Promise<Finding | null> {
  const talk = await converse(ctx);
  if (!(talk instanceof Conversation)) return talk;
  try {
    const found = await body(talk);
    if (found === null || found.sent !== undefined) return found;
    await talk.settle();
    return { ...found, ...shown(ctx, talk) };
  } finally {
    await leavePolitely(ctx, (waitMs) => talk.finish(waitMs));
  }
}

/** The evidence of a conversation, for other phases' checks. */
export const conversationEvidence = shown;

// ---------------------------------------------------------------------------------------------
// persistent()

/** Each call, the answer, and why (the words of a wrong answer). */
const PERSISTENCE: Array<{ args: [string] | [string, string]; want: boolean; why: keyof typeof words.unitWhy }> = [
  { args: ["HTTP/1.1"], want: true, why: "http11Default" },
  { args: ["HTTP/1.1", "close"], want: false, why: "close" },
  { args: ["HTTP/1.1", "Close"], want: false, why: "caseless" },
  { args: ["HTTP/1.1", "keep-alive, close"], want: false, why: "list" },
  { args: ["HTTP/1.1", "TE,\tclose "], want: false, why: "tab" },
  { args: ["HTTP/1.1", "closed"], want: true, why: "wholeToken" },
  { args: ["HTTP/1.1", "keep-alive"], want: true, why: "http11Default" },
  { args: ["HTTP/1.0"], want: false, why: "http10Default" },
  { args: ["HTTP/1.0", "keep-alive"], want: true, why: "http10KeepAlive" },
  { args: ["HTTP/1.0", "Keep-Alive, TE"], want: true, why: "caselessList" },
  { args: ["HTTP/1.0", "keep-alive, close"], want: false, why: "closeWins" },
  { args: ["HTTP/1.0", "keepalive"], want: false, why: "wholeToken10" },
];

export const keepUnitPersistent: Check = {
  id: "keep.unit-persistent",
  ...text.checks["keep.unit-persistent"],
  needsModule: true,
  async run(ctx) {
    for (const { args, want, why } of PERSISTENCE) {
      // Called with one argument when there is no field: the value is then undefined, as the server passes it.
      const called = await callExport(ctx, "persistent", args);
      if ("finding" in called) return called.finding;
      const value = called.value.value;
      const got = typeof value === "object" && !Buffer.isBuffer(value) ? value.json : value;
      const call = `persistent(${args.map((arg) => JSON.stringify(arg)).join(", ")})`;
      if (typeof got !== "boolean") return { message: words.unitReturned(call, JSON.stringify(got) ?? String(got), words.notBoolean), expected: String(want) };
      if (got !== want) {
        const rule = why === "http10Default" || why === "http10KeepAlive" || why === "wholeToken10" ? RULES.http10KeepAlive : want ? RULES.persistentDefault : RULES.closeWhenAsked;
        return { message: words.unitReturned(call, String(got), words.unitWhy[why]), expected: String(want), rule };
      }
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// Two requests on one connection.

export const keepTwoRequests: Check = {
  id: "keep.two-requests",
  ...text.checks["keep.two-requests"],
  requires: ["start"],
  async run(ctx) {
    return withTalk(ctx, async (talk) => {
      const waitMs = replyTimeout(ctx);
      const first = await talk.ask(get("/about"), waitMs);
      const firstWrong = statusFinding(talk, first.response, 200, waitMs);
      if (firstWrong) return { message: prefix(words.forRequest(1, "GET /about"), firstWrong), expected: words.twoExpected };
      if (saysClose(first.response!)) {
        // The close it announced, if it comes, belongs in the evidence.
        await talk.waitForEnd(KEEP_CONTRACT.closeWaitMs);
        return { message: words.firstSaysClose, expected: words.twoExpected, rule: RULES.persistentDefault };
      }
      const name = ctx.rng.word(6);
      const second = await talk.ask(get(`/hello/${name}`), waitMs);
      if (second.response === null) {
        const garbage = statusFinding(talk, null, 200, waitMs);
        if (garbage && talk.unread.length > 0) return { message: prefix(words.forRequest(2, `GET /hello/${name}`), garbage), expected: words.twoExpected };
        const message = talk.open ? words.secondUnanswered("GET /about", `${waitMs / 1000} s`) : words.closedAfterFirst("GET /about");
        return { message, expected: words.twoExpected, rule: RULES.persistentDefault, hint: words.keepHint };
      }
      const secondWrong = statusFinding(talk, second.response, 200, waitMs);
      if (secondWrong) return { message: prefix(words.forRequest(2, `GET /hello/${name}`), secondWrong), expected: words.twoExpected };
      const body = second.response.body.toString("utf8");
      if (body !== `Hello, ${name}!`) return { message: words.secondBody(JSON.stringify(body), JSON.stringify(`Hello, ${name}!`)), expected: words.twoExpected };
      return null;
    });
  },
};

// ---------------------------------------------------------------------------------------------
// Connection: close, and its look-alike.

/** After an answer that said close: the server closes, in stages (a client still sending meets no reset). */
async function closesInStages(talk: Conversation): Promise<"open" | "reset" | null> {
  if (!(await talk.waitForEnd(KEEP_CONTRACT.closeWaitMs))) return "open";
  if (talk.connection.ending === "server-closed") await writeAfterClose(talk.connection);
  return talk.connection.ending === "server-reset" || talk.connection.resetAtMs !== null ? "reset" : null;
}

export const keepCloseAsked: Check = {
  id: "keep.close-asked",
  long: true,
  ...text.checks["keep.close-asked"],
  requires: ["keep.two-requests"],
  async run(ctx) {
    const waitMs = replyTimeout(ctx);
    // On a connection already kept once, so that what closes it is this request's field.
    for (const value of ["close", "keep-alive, Close"]) {
      const found = await withTalk(ctx, async (talk) => {
        const what = words.forClose(value);
        const first = await talk.ask(get("/about"), waitMs);
        const firstWrong = statusFinding(talk, first.response, 200, waitMs);
        if (firstWrong) return { message: prefix(words.forRequest(1, "GET /about"), firstWrong) };
        const answer = await talk.ask(get("/about", [`Connection: ${value}`]), waitMs);
        const wrong = statusFinding(talk, answer.response, 200, waitMs);
        if (wrong) return { message: prefix(what, wrong), expected: words.closeExpected };
        if (!saysClose(answer.response!)) return { message: prefix(what, words.closeNotSaid), expected: words.closeExpected, rule: RULES.closeWhenAsked };
        const closed = await closesInStages(talk);
        if (closed === "open") return { message: prefix(what, words.closeNotDone(`${KEEP_CONTRACT.closeWaitMs / 1000} s`)), expected: words.closeExpected, rule: RULES.closeWhenAsked };
        if (closed === "reset") return { message: prefix(what, words.closeReset), expected: words.closeExpected, rule: RULES.closeInStages };
        return null;
      });
      if (found) return found;
    }
    // The look-alike: "closed" is another token; the connection stays.
    return withTalk(ctx, async (talk) => {
      const value = "closed";
      const answer = await talk.ask(get("/about", [`Connection: ${value}`]), waitMs);
      const wrong = statusFinding(talk, answer.response, 200, waitMs);
      if (wrong) return { message: prefix(words.forClose(value), wrong), expected: words.lookAlikeExpected };
      const next = await talk.ask(get("/about"), waitMs);
      if (saysClose(answer.response!) || next.response === null) {
        return { message: words.closedLookAlike(value), expected: words.lookAlikeExpected, rule: RULES.persistentDefault, hint: words.closeHint };
      }
      return null;
    });
  },
};

// ---------------------------------------------------------------------------------------------
// HTTP/1.0.

export const keepHttp10: Check = {
  id: "keep.http10",
  ...text.checks["keep.http10"],
  requires: ["keep.two-requests"],
  async run(ctx) {
    const waitMs = replyTimeout(ctx);
    const closing = await withTalk(ctx, async (talk) => {
      const answer = await talk.ask(get("/about", [], "HTTP/1.0"), waitMs);
      const wrong = statusFinding(talk, answer.response, 200, waitMs);
      if (wrong) return { message: prefix(words.forHttp10, wrong), expected: words.http10Expected };
      if (!saysClose(answer.response!)) return { message: prefix(words.forHttp10, words.http10NotClose), expected: words.http10Expected, rule: RULES.http10KeepAlive, hint: words.http10Hint };
      if (!(await talk.waitForEnd(KEEP_CONTRACT.closeWaitMs))) {
        return { message: prefix(words.forHttp10, words.http10StayedOpen(`${KEEP_CONTRACT.closeWaitMs / 1000} s`)), expected: words.http10Expected, rule: RULES.closeAfterClose };
      }
      return null;
    });
    if (closing) return closing;
    return withTalk(ctx, async (talk) => {
      const fields = ["Connection: keep-alive"];
      const answer = await talk.ask(get("/about", fields, "HTTP/1.0"), waitMs);
      const wrong = statusFinding(talk, answer.response, 200, waitMs);
      if (wrong) return { message: prefix(words.forHttp10KeepAlive, wrong), expected: words.http10Expected };
      if (!tokens(answer.response!).includes("keep-alive")) {
        return { message: prefix(words.forHttp10KeepAlive, words.http10NoKeepAlive), expected: words.http10Expected, rule: RULES.http10KeepAlive, hint: words.http10Hint };
      }
      const name = ctx.rng.word(5);
      const next = await talk.ask(get(`/hello/${name}`, fields, "HTTP/1.0"), waitMs);
      const nextWrong = statusFinding(talk, next.response, 200, waitMs);
      if (nextWrong) {
        const message = next.response === null && !talk.open ? words.http10KeepClosed : prefix(words.forRequest(2, `GET /hello/${name}`), nextWrong);
        return { message: prefix(words.forHttp10KeepAlive, message), expected: words.http10Expected, rule: RULES.http10KeepAlive, hint: words.http10Hint };
      }
      return null;
    });
  },
};

// ---------------------------------------------------------------------------------------------
// Bodies on a kept connection.

/** A POST to the echo with a JSON body. */
function echoPost(body: string): { head: string; body: string } {
  return { head: head("POST", "/api/echo", ["Content-Type: application/json", `Content-Length: ${Buffer.byteLength(body)}`]), body };
}

export const keepBodyThenNext: Check = {
  id: "keep.body-then-next",
  ...text.checks["keep.body-then-next"],
  requires: ["keep.two-requests"],
  async run(ctx) {
    const waitMs = replyTimeout(ctx);
    const ways: Array<{ how: string; send: (talk: Conversation, post: { head: string; body: string }) => Promise<void>; emptyLine?: boolean }> = [
      { how: words.bodyInOneWrite, send: async (talk, post) => void (await talk.write(post.head + post.body)) },
      {
        how: words.bodyAfterHead,
        send: async (talk, post) => {
          await talk.write(post.head);
          await sleep(50);
          await talk.write(post.body, 50);
        },
      },
      { how: words.bodyThenEmptyLine, send: async (talk, post) => void (await talk.write(`${post.head}${post.body}\r\n`)), emptyLine: true },
    ];
    for (const way of ways) {
      const found = await withTalk(ctx, async (talk) => {
        const what = words.forPostThenGet(way.how);
        // A body that is itself the start of a request line would make a desync look like a 404:
        // this one is JSON, which no server reads as a request.
        const value = { note: ctx.rng.word(6), n: ctx.rng.int(1, 1000) };
        const post = echoPost(JSON.stringify(value));
        await way.send(talk, post);
        const echoed = await talk.next(waitMs);
        const echoWrong = statusFinding(talk, echoed, 200, waitMs);
        if (echoWrong) return { message: prefix(what, prefix(words.forRequest(1, "POST /api/echo"), echoWrong)), expected: words.bodyNextExpected };
        const next = await talk.ask(get("/about"), waitMs);
        const status = next.response?.statusLine?.status ?? null;
        if (status === 200) return null;
        if (next.response === null && !talk.open && saysClose(echoed!)) {
          return { message: prefix(what, words.firstSaysClose), expected: words.bodyNextExpected, rule: RULES.persistentDefault };
        }
        const message = way.emptyLine ? words.emptyLineRefused(status) : words.bodyReadAsRequest(status, Buffer.byteLength(post.body));
        return { message: prefix(what, message), expected: words.bodyNextExpected, rule: way.emptyLine ? RULES.emptyLineBeforeRequest : RULES.bodyThenNext, hint: way.emptyLine ? words.emptyLineHint : words.bodyNextHint };
      });
      if (found) return found;
    }
    return null;
  },
};

export const keepUnreadBody: Check = {
  id: "keep.unread-body",
  ...text.checks["keep.unread-body"],
  requires: ["keep.two-requests"],
  async run(ctx) {
    const waitMs = replyTimeout(ctx);
    const body = `note=${ctx.rng.word(8)}`;
    const length = `Content-Length: ${Buffer.byteLength(body)}`;
    const probes = [
      { label: "GET /about", first: get("/about", [length]) + body, status: 200 },
      // 405 is chosen from the method alone: a server that answers it before the body is read leaves the body behind.
      { label: "POST /about", first: head("POST", "/about", ["Content-Type: text/plain", length]) + body, status: 405 },
    ];
    for (const probe of probes) {
      const found = await withTalk(ctx, async (talk) => {
        const what = words.forUnreadBody(probe.label);
        const first = await talk.ask(probe.first, waitMs);
        const firstWrong = statusFinding(talk, first.response, probe.status, waitMs);
        if (firstWrong) return { message: prefix(what, prefix(words.forRequest(1, probe.label), firstWrong)), expected: words.unreadBodyExpected };
        const name = ctx.rng.word(5);
        const next = await talk.ask(get(`/hello/${name}`), waitMs);
        const status = next.response?.statusLine?.status ?? null;
        if (status === 200) return null;
        // Closing instead of reading the body is the other way out, when the answer says so.
        if (next.response === null && !talk.open && saysClose(first.response!)) return null;
        return { message: prefix(what, words.unreadBodyAsRequest(status)), expected: words.unreadBodyExpected, rule: RULES.bodyThenNext, hint: words.unreadBodyHint };
      });
      if (found) return found;
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// Answers that still close: a refused head, and a request whose length is in doubt.

/**
 * On a connection kept once (GET /about), sends `attack`, which hides a request (GET `hiddenPath`)
 * where a wrong reading of its head would find the next request; then, after the answer, one more. Null when the answer is one of
 * `allowed`, says close, the server closes, and nothing else is answered; else the finding.
 */
export async function refusedAndClosed(
  ctx: CheckContext,
  options: {
    what: string;
    attack: string;
    hiddenPath: string;
    allowed: number[];
    rule: Rule;
    hint: string;
    servedMessage?: (status: number) => string;
    expected: string;
    /** An answer outside `allowed` that passes all the same (a body read right, then the close). */
    alsoAllowed?: (response: ParsedResponse) => boolean;
  },
): Promise<Finding | null> {
  const waitMs = replyTimeout(ctx);
  return withTalk(ctx, async (talk) => {
    const first = await talk.ask(get("/about"), waitMs);
    const firstWrong = statusFinding(talk, first.response, 200, waitMs);
    if (firstWrong) return { message: prefix(options.what, prefix(words.forRequest(1, "GET /about"), firstWrong)), expected: options.expected };
    const refusedAnswer = await talk.ask(options.attack, waitMs);
    const status = refusedAnswer.response?.statusLine?.status ?? null;
    // What comes next: a second answer (the hidden request, read as one), or the close.
    const more = await talk.next(KEEP_CONTRACT.closeWaitMs);
    const fail = (message: string, rule: Rule = options.rule): Finding => ({ message: prefix(options.what, message), expected: options.expected, rule, hint: options.hint });
    if (more !== null) {
      // Refused, then answered again: the server read on after its refusal. Served, then answered again: it took a length the head does not give for sure, and the hidden request came next.
      const second = more.statusLine?.status ?? null;
      const refused = status !== null && options.allowed.includes(status) && saysClose(refusedAnswer.response!);
      return fail(refused ? words.readOnAfterRefusal(status, second) : words.smuggled(second, options.hiddenPath));
    }
    if (status === null) return fail(refusedAnswer.response === null && talk.open ? words.noAnswerOpen(`${waitMs / 1000} s`) : words.noAnswerClosed);
    if (!options.allowed.includes(status) && !options.alsoAllowed?.(refusedAnswer.response!)) return fail(options.servedMessage && status < 300 ? options.servedMessage(status) : words.smuggleStatus(status, options.allowed.join(" or ")));
    if (!saysClose(refusedAnswer.response!)) return fail(words.smuggleNotClose, RULES.closeAfterClose);
    if (talk.open) {
      // Still open: one more request, after the answer; a server that goes on reading answers it.
      const after = await talk.ask(get("/about"), KEEP_CONTRACT.closeWaitMs);
      if (after.response !== null) return fail(words.smuggleAfterAnswered(after.response.statusLine?.status ?? null));
      if (talk.open) return fail(words.smuggleKeptOpen(`${(KEEP_CONTRACT.closeWaitMs * 2) / 1000} s`), RULES.closeAfterClose);
    }
    return null;
  });
}

export const keepRefusalCloses: Check = {
  id: "keep.refusal-closes",
  ...text.checks["keep.refusal-closes"],
  requires: ["keep.two-requests"],
  async run(ctx) {
    const probes = [
      { what: words.badFieldLine, attack: "GET /about HTTP/1.1\r\nHost: localhost\r\nThis line has no colon\r\n\r\n", allowed: [400] },
      { what: words.badVersion, attack: "GET /about HTTP/2.0\r\nHost: localhost\r\n\r\n", allowed: [505, 400] },
    ];
    for (const probe of probes) {
      const hiddenPath = `/hello/${ctx.rng.word(6)}`;
      const found = await refusedAndClosed(ctx, {
        what: words.forRefusal(probe.what),
        attack: probe.attack + get(hiddenPath),
        hiddenPath,
        allowed: probe.allowed,
        rule: RULES.closeAfterRefusal,
        hint: words.refusalHint,
        expected: words.refusalExpected(probe.allowed.join(" or ")),
      });
      if (found) return found;
    }
    return null;
  },
};

/** An attack: its fields (after Host), its body, and the statuses that refuse it. */
interface Attack {
  name: keyof typeof words.attacks;
  fields: (hidden: string) => string[];
  body: (hidden: string) => string;
  allowed: number[];
  rule: Rule;
  hint: string;
}

/**
 * Each attack hides a request (GET /smuggled-…) where one reader of the head sees body and another
 * sees the next request. A server that takes the first Content-Length, or a Content-Length beside
 * a Transfer-Encoding it ignores, reads a short body and then answers the hidden request.
 */
export const ATTACKS: Attack[] = [
  { name: "clClLines", fields: (hidden) => ["Content-Length: 5", `Content-Length: ${5 + hidden.length}`], body: (hidden) => `hello${hidden}`, allowed: [400], rule: RULES.requestContentLength, hint: words.smuggleHintTwoLengths },
  { name: "clClList", fields: (hidden) => [`Content-Length: 5, ${5 + hidden.length}`], body: (hidden) => `hello${hidden}`, allowed: [400], rule: RULES.requestContentLength, hint: words.smuggleHintTwoLengths },
  { name: "clTe", fields: () => ["Content-Length: 5", "Transfer-Encoding: chunked"], body: (hidden) => `0\r\n\r\n${hidden}`, allowed: [400, 501], rule: RULES.closeAfterTransferEncoding, hint: words.smuggleHintTe },
  { name: "teCl", fields: () => ["Transfer-Encoding: chunked", "Content-Length: 4"], body: (hidden) => `${hidden.length.toString(16)}\r\n${hidden}\r\n0\r\n\r\n`, allowed: [400, 501], rule: RULES.closeAfterTransferEncoding, hint: words.smuggleHintTe },
  { name: "xchunked", fields: () => ["Transfer-Encoding: xchunked", "Content-Length: 5"], body: (hidden) => `0\r\n\r\n${hidden}`, allowed: [400, 501], rule: RULES.teNotFinalChunked, hint: words.smuggleHintTe },
  { name: "chunkedIdentity", fields: () => ["Transfer-Encoding: chunked, identity", "Content-Length: 5"], body: (hidden) => `0\r\n\r\n${hidden}`, allowed: [400, 501], rule: RULES.teNotFinalChunked, hint: words.smuggleHintTe },
  { name: "teSpace", fields: () => ["Transfer-Encoding:   chunked", "Content-Length: 5"], body: (hidden) => `0\r\n\r\n${hidden}`, allowed: [400, 501], rule: RULES.closeAfterTransferEncoding, hint: words.smuggleHintTe },
  { name: "teTab", fields: () => ["Transfer-Encoding:\tchunked", "Content-Length: 5"], body: (hidden) => `0\r\n\r\n${hidden}`, allowed: [400, 501], rule: RULES.closeAfterTransferEncoding, hint: words.smuggleHintTe },
  { name: "teTwoLines", fields: () => ["Transfer-Encoding: chunked", "Transfer-Encoding: identity", "Content-Length: 5"], body: (hidden) => `0\r\n\r\n${hidden}`, allowed: [400, 501], rule: RULES.teNotFinalChunked, hint: words.smuggleHintTe },
];

/** Runs one attack; null when the server refused it and closed. */
export async function runAttack(ctx: CheckContext, attack: Attack): Promise<Finding | null> {
  const hiddenPath = `/smuggled-${ctx.rng.word(6)}`;
  const hidden = get(hiddenPath);
  const body = attack.body(hidden);
  return refusedAndClosed(ctx, {
    what: words.forAttack(words.attacks[attack.name]),
    attack: head("POST", "/api/echo", ["Content-Type: application/json", ...attack.fields(hidden)]) + body,
    hiddenPath,
    allowed: attack.allowed,
    rule: attack.rule,
    hint: attack.hint,
    servedMessage: words.smuggleServed,
    expected: words.smuggleExpected(attack.allowed.join(" or ")),
  });
}

export const keepSmuggling: Check = {
  id: "keep.smuggling",
  ...text.checks["keep.smuggling"],
  requires: ["keep.two-requests"],
  async run(ctx) {
    for (const attack of ATTACKS) {
      const found = await runAttack(ctx, attack);
      if (found) return found;
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// Deadlines: idle connections, and stalled heads.

/** The pause between an answer and the next request: well inside KEEP_ALIVE_MS, and three of them past it. */
const IDLE_PAUSE_MS = 200;

export const keepIdle: Check = {
  id: "keep.idle",
  background: true,
  ...text.checks["keep.idle"],
  requires: ["keep.two-requests"],
  async run(ctx) {
    const keepAliveMs = KEEP_CONTRACT.keepAliveMs;
    const waitMs = replyTimeout(ctx);
    return withTalk(ctx, async (talk) => {
      const what = words.forIdle(keepAliveMs);
      const fail = (message: string, rule: Rule = RULES.idleTimeout): Finding => ({ message: prefix(what, message), expected: words.idleExpected(keepAliveMs), rule, hint: rule === RULES.idleTimeout ? words.idleHint : undefined });
      // Four requests, each IDLE_PAUSE_MS after the answer before it: the connection is in use for
      // longer than KEEP_ALIVE_MS, but never idle for that long.
      let answeredAt = 0;
      for (let n = 1; n <= 4; n++) {
        if (n > 1) await sleep(IDLE_PAUSE_MS);
        const pauseMs = talk.connection.elapsed() - answeredAt;
        const answer = await talk.ask(get(`/hello/${ctx.rng.word(5)}`), waitMs);
        if (answer.response === null) {
          if (talk.open) return fail(words.idleUnanswered(n, `${waitMs / 1000} s`), RULES.persistentDefault);
          return fail(n > 1 ? words.idleClosedEarly(n, pauseMs, talk.connection.elapsed(), keepAliveMs) : words.noAnswerClosed);
        }
        if (saysClose(answer.response)) return fail(words.firstSaysClose, RULES.persistentDefault);
        answeredAt = talk.connection.elapsed();
      }
      // Now idle: the server closes about KEEP_ALIVE_MS after the last answer (a 408 may come first).
      const graceMs = 2000;
      const closed = await talk.waitForEnd(keepAliveMs + graceMs);
      const unread = talk.unread;
      if (unread.length > 0 && !/^HTTP\/1\.[01] 408 /.test(unread.toString("latin1"))) return fail(words.idleSentOther(JSON.stringify(unread.subarray(0, 40).toString("latin1"))));
      if (!closed) return { ...fail(words.idleStillOpen(`${(keepAliveMs + graceMs) / 1000} s`, keepAliveMs)), hint: words.idleValueHint };
      const afterMs = (talk.connection.endedAtMs ?? 0) - answeredAt;
      // Sooner than three quarters of it is a shorter deadline than the one the server was given.
      if (afterMs < keepAliveMs * 0.75) return fail(words.idleClosedTooSoon(afterMs, keepAliveMs));
      return null;
    });
  },
};

/** How long the fresh client of the slowloris check waits: well under the stalled heads' 1 s deadline. */
const SLOWLORIS_ANSWER_MS = 700;

export const keepSlowloris: Check = {
  id: "keep.slowloris",
  long: true,
  ...text.checks["keep.slowloris"],
  requires: ["keep.two-requests"],
  async run(ctx) {
    const count = KEEP_CONTRACT.stalled;
    const stalled: WireConnection[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const opened = await WireConnection.open(ctx.host, ctx.port);
        if (!(opened instanceof WireConnection)) break;
        stalled.push(opened);
        void opened.write(`GET /about HTTP/1.1\r\nHost: localhost\r\nUser-Agent: slow-${i}\r\n`);
      }
      const startedAt = performance.now();
      // At once: a server that queues connections over a limit serves this one only when a stalled
      // one ends, at its head deadline (1 s); one that serves everyone answers in milliseconds.
      const fresh = await ask(ctx, [{ data: get("/about") }], { timeoutMs: SLOWLORIS_ANSWER_MS });
      const status = fresh.response?.statusLine?.status ?? null;
      // An answer that came only once the checker had half-closed is one the fresh client waited for.
      const late = fresh.answeredAfterClientClosed;
      if (status !== 200 || late) {
        const limited = !late && status === 503 && fresh.response !== null && saysClose(fresh.response);
        if (!limited) {
          const blocked = late || (fresh.response === null && !fresh.result.connectError);
          const why = whyNoResponse(ctx, fresh);
          return {
            ...(why ?? {}),
            message: blocked ? words.slowlorisBlocked(stalled.length, `${fresh.timeoutMs / 1000} s`) : words.slowlorisRefused(stalled.length, status),
            expected: words.slowlorisExpected,
            rule: RULES.slowloris,
            hint: words.slowlorisHint,
            sent: fresh.result.sent,
            received: fresh.result.received,
            noReference: true,
          };
        }
      }
      // Each stalled connection ends at its head deadline (1 s from its start; a 408 may come first).
      const leftMs = KEEP_CONTRACT.headTimeoutMs + 2000 - (performance.now() - startedAt);
      await Promise.all(stalled.map((connection) => connection.waitForEnd(Math.max(0, leftMs))));
      const open = stalled.filter((connection) => connection.open).length;
      if (open > 0) return { message: words.slowlorisKept(open, stalled.length, `${(KEEP_CONTRACT.headTimeoutMs + 2000) / 1000} s`), expected: words.slowlorisExpected, rule: RULES.headTimeout };
      return null;
    } finally {
      for (const connection of stalled) connection.close();
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Real clients.

/** The answers each proxied connection carried. */
function answersPerConnection(proxy: RecordingProxy): ParsedResponse[][] {
  return proxy.connections.map((_, index) => responsesOn(proxy.sent(index)).map((each) => each.response));
}

/** Why a client needed new connections, from what the server sent on each: words to add to the finding. */
function whyNewConnections(proxy: RecordingProxy): string {
  const perConnection = answersPerConnection(proxy);
  const answers = perConnection.flat();
  const most = Math.max(0, ...perConnection.map((each) => each.length));
  if (answers.some((response) => response.statusLine?.version === "1.0")) return ` ${words.http10StatusLine}`;
  if (answers.length > 0 && answers.every(saysClose)) return ` ${words.everyAnswerSaidClose}`;
  if (most <= 1) return ` ${words.closedAfterEachAnswer}`;
  return ` ${words.closedAfterAnswers(most)}`;
}

/** An answer announced an idle time of 2 s or less (Keep-Alive: timeout=N). */
function shortKeepAliveHint(proxy: RecordingProxy): boolean {
  return answersPerConnection(proxy)
    .flat()
    .some((response) => {
      const timeout = /(?:^|[,;\s])timeout\s*=\s*(\d+)/i.exec(header(response, "keep-alive") ?? "")?.[1];
      return timeout !== undefined && Number(timeout) <= 2;
    });
}

const THIS_NODE = `Node ${process.versions.node.split(".").slice(0, 2).join(".")}`;

export const clientAgentKeepAlive: Check = {
  id: "client.agent-keep-alive",
  ...text.checks["client.agent-keep-alive"],
  requires: ["keep.two-requests"],
  async run(ctx) {
    const requests = 100;
    const most = 4;
    const client = `${THIS_NODE}'s http.Agent({ keepAlive: true, maxSockets: ${most} })`;
    const proxy = await RecordingProxy.start(ctx.host, ctx.port);
    const agent = new http.Agent({ keepAlive: true, maxSockets: most });
    const tryIt = `node -e "const http=require('http');const a=new http.Agent({keepAlive:true,maxSockets:${most}});let n=0;const s=new Set();const g=()=>new Promise((ok,no)=>http.get('http://127.0.0.1:${ctx.tryPort}/about',{agent:a},r=>{s.add(r.socket);r.resume();r.on('end',ok)}).on('error',no));(async()=>{for(let i=0;i<${requests};i++)await g();console.log(s.size,'connections');a.destroy()})()"`;
    try {
      // Four at a time, as a busy client sends them: each of the agent's sockets carries a share.
      const names = Array.from({ length: requests }, () => ctx.rng.word(5));
      const failures: Finding[] = [];
      await Promise.all(
        names.map(async (name, index) => {
          try {
            const got = await agentGet(agent, proxy.port, `/hello/${name}`, replyTimeout(ctx));
            const want = `Hello, ${name}!`;
            if (got.status !== 200 || got.body !== want) failures[index] = { message: words.agentBody(client, index + 1, `${got.status} ${JSON.stringify(got.body.slice(0, 60))}`, `200 ${JSON.stringify(want)}`), tryIt };
          } catch (error) {
            failures[index] = { message: words.agentFailed(client, index + 1, (error as Error).message.replaceAll(`:${proxy.port}`, `:${ctx.port}`)), tryIt };
          }
        }),
      );
      const failure = failures.find(Boolean);
      if (failure) return { ...failure, expected: words.agentExpected(requests, most), hint: words.reuseHint };
      const connections = proxy.connections.length;
      if (connections > most) await settled(proxy);
      if (connections > most) return { message: words.agentConnections(client, requests, connections) + whyNewConnections(proxy), expected: words.agentExpected(requests, most), rule: RULES.persistentDefault, hint: words.reuseHint, tryIt };
      return null;
    } finally {
      agent.destroy();
      await leavePolitely(ctx, (waitMs) => proxy.close(waitMs));
    }
  },
};

/** One GET through the agent, with a total deadline; the body as text (capped). */
function agentGet(agent: http.Agent, port: number, path: string, waitMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path, agent }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= 64 * 1024) chunks.push(chunk);
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    const deadline = setTimeout(() => request.destroy(new Error(words.noAnswerOpen(`${waitMs / 1000} s`))), waitMs);
    request.on("close", () => clearTimeout(deadline));
    request.on("error", reject);
  });
}

export const clientFetchReuse: Check = {
  id: "client.fetch-reuse",
  ...text.checks["client.fetch-reuse"],
  requires: ["keep.two-requests"],
  async run(ctx) {
    const requests = 5;
    const client = `${THIS_NODE}'s fetch`;
    const proxy = await RecordingProxy.start(ctx.host, ctx.port);
    const tryIt = `node -e "const net=require('net');let n=0;const s=net.createServer(c=>{n++;c.pipe(net.connect(${ctx.tryPort},'127.0.0.1')).pipe(c)}).listen(0,async()=>{const u='http://127.0.0.1:'+s.address().port+'/about';for(let i=0;i<${requests};i++){await (await fetch(u)).text();await new Promise(r=>setTimeout(r,10))}console.log(n,'connections');process.exit()})"`;
    try {
      for (let i = 1; i <= requests; i++) {
        const name = ctx.rng.word(5);
        try {
          const response = await fetch(`http://127.0.0.1:${proxy.port}/hello/${name}`, { signal: AbortSignal.timeout(replyTimeout(ctx)) });
          const body = await response.text();
          if (response.status !== 200 || body !== `Hello, ${name}!`) {
            return { message: words.agentBody(client, i, `${response.status} ${JSON.stringify(body.slice(0, 60))}`, `200 ${JSON.stringify(`Hello, ${name}!`)}`), expected: words.reuseExpected(requests), tryIt };
          }
        } catch (error) {
          const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
          return { message: words.agentFailed(client, i, cause.replaceAll(`:${proxy.port}`, `:${ctx.port}`)), expected: words.reuseExpected(requests), tryIt };
        }
      }
      // fetch (undici, Node 22 to 26) opens a second connection for its second request to a new
      // origin, and sends every later one on those two: measured, 2 connections for 5 requests to
      // a server that keeps them open, 5 to one that closes after each answer.
      const connections = proxy.connections.length;
      if (connections > 2) await settled(proxy);
      // An answer that announces a short idle time (Keep-Alive: timeout=1) is one fetch does not
      // reuse: it keeps a margin of its own. That is the client's choice, and no mistake of the server's.
      if (connections > 2 && !shortKeepAliveHint(proxy)) return { message: words.fetchConnections(client, requests, connections) + whyNewConnections(proxy), expected: words.reuseExpected(requests, 2), rule: RULES.persistentDefault, hint: words.reuseHint, tryIt };
      return null;
    } finally {
      await leavePolitely(ctx, (waitMs) => proxy.close(waitMs));
    }
  },
};

export const clientCurlReuse: Check = {
  id: "client.curl-reuse",
  ...text.checks["client.curl-reuse"],
  requires: ["keep.two-requests"],
  async run(ctx) {
    const urls = 3;
    const proxy = await RecordingProxy.start(ctx.host, ctx.port);
    const tryIt = `curl -v http://127.0.0.1:${ctx.tryPort}/about http://127.0.0.1:${ctx.tryPort}/about http://127.0.0.1:${ctx.tryPort}/about`;
    try {
      const seconds = (replyTimeout(ctx) * urls) / 1000;
      const args = ["-sS", "--max-time", String(seconds), ...Array.from({ length: urls }, () => ["-o", "/dev/null", `http://127.0.0.1:${proxy.port}/about`]).flat()];
      const ran = await runCurl(args, seconds * 1000 + 2000);
      if (ran.missing) return { status: "skip", message: text.respond.noCurl };
      const client = curlName();
      if (ran.code !== 0) return { message: words.curlFailed(client, ran.stderr.trim().replaceAll(`:${proxy.port}`, `:${ctx.port}`) || `exit ${ran.code}`), expected: words.reuseExpected(urls), tryIt };
      const connections = proxy.connections.length;
      if (connections > 1) await settled(proxy);
      if (connections > 1) return { message: words.curlConnections(client, urls, connections) + whyNewConnections(proxy), expected: words.reuseExpected(urls), rule: RULES.persistentDefault, hint: words.reuseHint, tryIt };
      return null;
    } finally {
      await leavePolitely(ctx, (waitMs) => proxy.close(waitMs));
    }
  },
};
