/**
 * Phase 12: pipelining. Requests sent without waiting for the answers (RFC 9112 §9.3.2): every
 * one answered, once, in the order it came, however the writes cut them and whatever is slow;
 * the last answer (Connection: close, a refusal) ends the pipeline; HEAD, 100 Continue and side
 * effects keep their place; memory stays bounded for a client that pipelines much and reads
 * nothing.
 */
import { setTimeout as sleep } from "node:timers/promises";
import net from "node:net";
import { readResponse, type ParsedResponse } from "../http-reader.ts";
import { RULES, type Rule } from "../http-rules.ts";
import { Conversation } from "../conversation.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { replyTimeout, writeAfterClose, leavePolitely } from "./common.ts";
import { conversationEvidence, get, head, saysClose } from "./keep.ts";

const words = text.pipe;

/** What the contract fixes, and the checker's settings for it. */
export const PIPE_CONTRACT = {
  /** How long after GET /slow the next request is sent: well inside SLOW_MS (400 ms in the checker). */
  behindSlowMs: 150,
  /** The pause that puts the rest of a request in a read of its own. */
  splitPauseMs: 100,
  /** Bytes the backpressure check offers: over what the kernel's buffers hold, so a bounded server cannot take them all. */
  floodBytes: 64 * 1024 * 1024,
  /** Each flooded request carries a field this long (and its answer, GET /headers, holds it). */
  floodFieldBytes: 16 * 1024,
};

/** A request of a pipeline, and what its answer must be. */
interface Step {
  request: string;
  label: string;
  method?: string;
  status: number;
  /** The answer's body, when the check knows it. */
  body?: string;
}

function hello(ctx: CheckContext): Step {
  const name = ctx.rng.word(5);
  return { request: get(`/hello/${name}`), label: `GET /hello/${name}`, status: 200, body: `Hello, ${name}!` };
}

/**
 * A finding with the conversation as evidence, taken once the server has stopped sending (no new
 * byte for 150 ms, 1 s at most): answers still on their way when the check failed would otherwise
 * be in the evidence in one run and not in the next.
 */
async function fail(ctx: CheckContext, talk: Conversation, message: string, expected: string, rule: Rule = RULES.pipelineOrder, hint?: string): Promise<Finding> {
  await quiet(talk);
  return { message, expected, rule, hint, ...conversationEvidence(ctx, talk) };
}

/**
 * Waits (1 s at most) until the server has sent nothing for 150 ms: the answers behind a wrong one
 * are still on their way, and evidence taken before they stop differs from run to run.
 */
export async function quiet(talk: Conversation): Promise<void> {
  const until = performance.now() + 1000;
  while (talk.open && performance.now() < until) {
    const had = talk.connection.received.length;
    if (!(await talk.connection.waitFor((bytes) => bytes.length > had, 150))) break;
  }
}

/**
 * Reads one answer per step, in order. Null when each is the step's (status, and body when known);
 * else the finding for the first that is not: missing, another request's, or wrong.
 */
async function readInOrder(ctx: CheckContext, talk: Conversation, steps: Step[], expected: string, waitMs = replyTimeout(ctx)): Promise<Finding | null> {
  for (const [index, step] of steps.entries()) {
    const response = await talk.next(waitMs, step.method);
    // The answer before said Connection: close, and the server closed: it ended the pipeline there,
    // which a server may do at any answer (RFC 9112 §9.6). The requests behind were never answered,
    // and the client knows to send them again on a new connection.
    if (response === null && index > 0 && talk.last !== null && saysClose(talk.last) && (await talk.waitForEnd(1000))) return null;
    if (response === null) {
      const unread = talk.unread;
      if (unread.length > 0 && !"HTTP/".startsWith(unread.subarray(0, 5).toString("latin1"))) {
        return fail(ctx, talk, words.notAResponse(index + 1, unread.length), expected, RULES.bodyThenNext);
      }
      const why = talk.open ? words.answeredOpen(index, steps.length, waitMs / 1000) : words.answeredClosed(index, steps.length);
      return fail(ctx, talk, why, expected, RULES.pipelineOrder, index === 1 ? words.bufferedHint : undefined);
    }
    const body = response.body.toString("utf8");
    const status = response.statusLine?.status ?? null;
    if (status === step.status && (step.body === undefined || body === step.body)) continue;
    // Another step's answer here: the answers are out of order.
    const other = steps.findIndex((each, i) => i !== index && each.body !== undefined && each.body === body);
    if (other !== -1) return fail(ctx, talk, words.outOfOrder(index + 1, step.label, other + 1, steps[other]!.label), expected, RULES.pipelineOrder, words.orderHint);
    return fail(ctx, talk, words.wrongAnswer(index + 1, step.label, status, JSON.stringify(body.slice(0, 60)), step.status, step.body === undefined ? undefined : JSON.stringify(step.body)), expected);
  }
  return null;
}

/**
 * Runs `body` on a fresh conversation and ends it whatever happens: politely (Conversation.finish),
 * so that what the server prints of this client leaving comes before the next check's lines.
 */
async function withTalk(ctx: CheckContext, body: (talk: Conversation) => Promise<Finding | null>): Promise<Finding | null> {
  const opened = await Conversation.open(ctx.host, ctx.port);
  if (!(opened instanceof Conversation)) return { message: text.common.couldNotConnect(opened.error), hint: text.common.isServerRunning };
  try {
    return await body(opened);
  } finally {
    await leavePolitely(ctx, (waitMs) => opened.finish(waitMs));
  }
}

// ---------------------------------------------------------------------------------------------
// Several requests at once.

export const pipeInOneWrite: Check = {
  id: "pipe.in-one-write",
  ...text.checks["pipe.in-one-write"],
  requires: ["start"],
  async run(ctx) {
    return withTalk(ctx, async (talk) => {
      const steps = [hello(ctx), hello(ctx), hello(ctx)];
      await talk.write(steps.map((step) => step.request).join(""));
      return readInOrder(ctx, talk, steps, words.allExpected(steps.length));
    });
  },
};

export const pipeFinAfter: Check = {
  id: "pipe.fin-after",
  ...text.checks["pipe.fin-after"],
  requires: ["pipe.in-one-write"],
  async run(ctx) {
    return withTalk(ctx, async (talk) => {
      const steps = [hello(ctx), hello(ctx), hello(ctx)];
      await talk.write(steps.map((step) => step.request).join(""));
      talk.connection.endWriting();
      const found = await readInOrder(ctx, talk, steps, words.finExpected(steps.length));
      if (found) return { ...found, message: `${words.afterFin} ${found.message}` };
      if (!(await talk.waitForEnd(1000))) return fail(ctx, talk, words.openAfterFin, words.finExpected(steps.length), RULES.closeAfterClose);
      return null;
    });
  },
};

export const pipeSplitReads: Check = {
  id: "pipe.split-reads",
  ...text.checks["pipe.split-reads"],
  requires: ["pipe.in-one-write"],
  async run(ctx) {
    // One and a half requests in a read, then the rest; and a whole one with the first bytes of
    // the next, cut inside its request line.
    for (const cut of [0.5, 0.1]) {
      const found = await withTalk(ctx, async (talk) => {
        const steps = [hello(ctx), hello(ctx)];
        const second = steps[1]!.request;
        const at = Math.max(1, Math.floor(second.length * cut));
        await talk.write(steps[0]!.request + second.slice(0, at));
        await sleep(PIPE_CONTRACT.splitPauseMs);
        await talk.write(second.slice(at));
        const found = await readInOrder(ctx, talk, steps, words.allExpected(2));
        return found && { ...found, message: `${words.forSplit(at, second.length)} ${found.message}` };
      });
      if (found) return found;
    }
    return null;
  },
};

export const pipePosts: Check = {
  id: "pipe.posts",
  ...text.checks["pipe.posts"],
  requires: ["pipe.in-one-write"],
  async run(ctx) {
    return withTalk(ctx, async (talk) => {
      const values = [{ first: ctx.rng.word(6) }, [ctx.rng.word(4), "ü✓"]];
      const steps: Step[] = values.map((value) => {
        const json = JSON.stringify(value);
        return { request: head("POST", "/api/echo", ["Content-Type: application/json", `Content-Length: ${Buffer.byteLength(json)}`]) + json, label: "POST /api/echo", status: 200, body: json };
      });
      steps.push({ request: get("/about"), label: "GET /about", status: 200 });
      await talk.write(steps.map((step) => step.request).join(""));
      return readInOrder(ctx, talk, steps, words.allExpected(steps.length));
    });
  },
};

export const pipeSlowFirst: Check = {
  id: "pipe.slow-first",
  long: true,
  ...text.checks["pipe.slow-first"],
  requires: ["pipe.in-one-write"],
  async run(ctx) {
    return withTalk(ctx, async (talk) => {
      const slow: Step = { request: get("/slow"), label: "GET /slow", status: 200, body: "<h1>Slow</h1>" };
      const quick = hello(ctx);
      await talk.write(slow.request);
      await sleep(PIPE_CONTRACT.behindSlowMs);
      await talk.write(quick.request);
      return readInOrder(ctx, talk, [slow, quick], words.slowExpected);
    });
  },
};

export const pipeCounterOrder: Check = {
  id: "pipe.counter-order",
  alone: true,
  ...text.checks["pipe.counter-order"],
  requires: ["pipe.in-one-write"],
  async run(ctx) {
    return withTalk(ctx, async (talk) => {
      await talk.write(get("/").repeat(3));
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await talk.next(replyTimeout(ctx));
        // A pipeline ended by an announced close (RFC 9112 §9.6): the visits counted so far are in order.
        if (response === null && i > 0 && talk.last !== null && saysClose(talk.last) && (await talk.waitForEnd(1000))) return null;
        const count = Number(/accessed (\d+) times/.exec(response?.body.toString("utf8") ?? "")?.[1]);
        if (!response || Number.isNaN(count)) return fail(ctx, talk, words.counterMissing(i + 1), words.counterExpected);
        counts.push(count);
      }
      if (counts[1] !== counts[0]! + 1 || counts[2] !== counts[0]! + 2) return fail(ctx, talk, words.counterOrder(counts.join(", ")), words.counterExpected);
      return null;
    });
  },
};

export const pipeHead: Check = {
  id: "pipe.head",
  ...text.checks["pipe.head"],
  requires: ["pipe.in-one-write"],
  async run(ctx) {
    return withTalk(ctx, async (talk) => {
      const after = hello(ctx);
      const steps: Step[] = [{ request: head("HEAD", "/about"), label: "HEAD /about", method: "HEAD", status: 200, body: "" }, after, { request: head("HEAD", "/hello/x"), label: "HEAD /hello/x", method: "HEAD", status: 200, body: "" }, hello(ctx)];
      await talk.write(steps.map((step) => step.request).join(""));
      return readInOrder(ctx, talk, steps, words.headExpected);
    });
  },
};

// ---------------------------------------------------------------------------------------------
// The last answer: Connection: close, or a refusal, in the middle.

/** After the last answer: the server closes, in stages, and answers nothing more. */
async function endsAfterLast(ctx: CheckContext, talk: Conversation, expected: string): Promise<Finding | null> {
  const more = await talk.next(1000);
  if (more !== null) return fail(ctx, talk, words.answeredAfterLast(more.statusLine?.status ?? null), expected, RULES.closeWhenAsked, words.lastHint);
  if (talk.open) return fail(ctx, talk, words.openAfterLast, expected, RULES.closeWhenAsked, words.lastHint);
  if (talk.connection.ending === "server-closed") await writeAfterClose(talk.connection);
  if (talk.connection.ending === "server-reset" || talk.connection.resetAtMs !== null) return fail(ctx, talk, words.resetAfterLast, expected, RULES.closeInStages);
  return null;
}

export const pipeCloseInMiddle: Check = {
  id: "pipe.close-in-middle",
  ...text.checks["pipe.close-in-middle"],
  requires: ["pipe.in-one-write"],
  async run(ctx) {
    return withTalk(ctx, async (talk) => {
      const first = hello(ctx);
      const name = ctx.rng.word(5);
      const closing: Step = { request: get(`/hello/${name}`, ["Connection: close"]), label: `GET /hello/${name} (Connection: close)`, status: 200, body: `Hello, ${name}!` };
      const behind = hello(ctx);
      await talk.write(first.request + closing.request + behind.request);
      const found = await readInOrder(ctx, talk, [first, closing], words.closeExpected);
      if (found) return found;
      return endsAfterLast(ctx, talk, words.closeExpected);
    });
  },
};

export const pipeRefusalBehindSlow: Check = {
  id: "pipe.refusal-behind-slow",
  long: true,
  ...text.checks["pipe.refusal-behind-slow"],
  requires: ["pipe.slow-first"],
  async run(ctx) {
    return withTalk(ctx, async (talk) => {
      const slow: Step = { request: get("/slow"), label: "GET /slow", status: 200, body: "<h1>Slow</h1>" };
      await talk.write(slow.request);
      await sleep(PIPE_CONTRACT.behindSlowMs);
      await talk.write("GET /about HTTP/1.1\r\nHost: localhost\r\nThis line has no colon\r\n\r\n" + hello(ctx).request);
      const found = await readInOrder(ctx, talk, [slow], words.refusalExpected);
      if (found) {
        // The refusal before the slow answer: it overtook the request in front of it.
        const bytes = talk.connection.received.toString("latin1");
        if (/^HTTP\/1\.[01] 400 /.test(bytes)) return fail(ctx, talk, words.refusalOvertook, words.refusalExpected, RULES.pipelineOrder, words.orderHint);
        return found;
      }
      const refused = await talk.next(replyTimeout(ctx));
      if (refused === null || refused.statusLine?.status !== 400) return fail(ctx, talk, words.refusalMissing(refused?.statusLine?.status ?? null), words.refusalExpected);
      if (!saysClose(refused)) return fail(ctx, talk, words.refusalNotClose, words.refusalExpected, RULES.closeAfterRefusal);
      return endsAfterLast(ctx, talk, words.refusalExpected);
    });
  },
};

export const pipeContinue: Check = {
  id: "pipe.continue",
  long: true,
  ...text.checks["pipe.continue"],
  requires: ["pipe.slow-first"],
  async run(ctx) {
    return withTalk(ctx, async (talk) => {
      const json = JSON.stringify({ behind: ctx.rng.word(6) });
      const post = head("POST", "/api/echo", ["Content-Type: application/json", `Content-Length: ${Buffer.byteLength(json)}`, "Expect: 100-continue"]);
      await talk.write(get("/slow") + post);
      const slow = await talk.next(replyTimeout(ctx));
      // The pipeline ended at the slow answer, with an announced close: the POST behind it is the client's to send again.
      if (slow && saysClose(slow) && (await talk.waitForEnd(1000))) return null;
      if (slow && slow.interim.length > 0) return fail(ctx, talk, words.continueTooEarly, words.continueExpected, RULES.pipelineOrder, words.orderHint);
      if (!slow || slow.statusLine?.status !== 200) return fail(ctx, talk, words.answeredOpen(0, 2, replyTimeout(ctx) / 1000), words.continueExpected);
      // Its turn: the 100 Continue (or an early final answer, which the echo must not be).
      const continued = await talk.connection.waitFor((bytes) => bytes.length > 0 && talk.unread.includes("\r\n\r\n"), replyTimeout(ctx));
      if (!continued) return fail(ctx, talk, words.continueMissing, words.continueExpected, RULES.expectContinue);
      await talk.write(json);
      const echo = await talk.next(replyTimeout(ctx));
      if (!echo || echo.statusLine?.status !== 200 || echo.body.toString("utf8") !== json) return fail(ctx, talk, words.continueEcho(echo?.statusLine?.status ?? null), words.continueExpected);
      return null;
    });
  },
};

// ---------------------------------------------------------------------------------------------
// Backpressure: a client that pipelines much and reads nothing.

/**
 * Counts the whole responses in a stream framed by Content-Length, without keeping the bodies:
 * the backpressure check reads tens of MB.
 */
class AnswerCounter {
  answers = 0;
  statuses = new Set<number>();
  /** The last whole answer said Connection: close: the server may end the pipeline there. */
  lastSaidClose = false;
  broken = false;
  private pending: Buffer = Buffer.alloc(0);
  private bodyLeft = 0;

  push(chunk: Buffer): void {
    let data: Buffer = chunk;
    while (data.length > 0 && !this.broken) {
      if (this.bodyLeft > 0) {
        const taken = Math.min(this.bodyLeft, data.length);
        this.bodyLeft -= taken;
        data = data.subarray(taken);
        if (this.bodyLeft === 0) this.answers += 1;
        continue;
      }
      this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
      data = Buffer.alloc(0);
      const end = this.pending.indexOf("\r\n\r\n");
      if (end === -1) {
        if (this.pending.length > 64 * 1024) this.broken = true;
        return;
      }
      const response = readResponse(this.pending.subarray(0, end + 4), false, { framingOnly: true });
      const length = response.contentLength;
      if (response.statusLine === null || length === null) {
        this.broken = true;
        return;
      }
      this.statuses.add(response.statusLine.status);
      this.lastSaidClose = saysClose(response);
      data = this.pending.subarray(end + 4);
      this.pending = Buffer.alloc(0);
      if (length === 0) this.answers += 1;
      else this.bodyLeft = length;
    }
  }
}

export const pipeBackpressure: Check = {
  id: "pipe.backpressure",
  alone: true,
  ...text.checks["pipe.backpressure"],
  requires: ["pipe.in-one-write"],
  async run(ctx) {
    const field = "a".repeat(PIPE_CONTRACT.floodFieldBytes);
    // Accept-Encoding: identity (phase 13 on): the answers stay as big as the field, so a server that
    // goes on answering fills the socket; compressed, 16 KiB of "a" would be a few dozen bytes, and
    // reading everything would then hold nothing: the check would measure the compression.
    const request = Buffer.from(get("/headers", [`X-Fill: ${field}`, "Accept-Encoding: identity"]));
    const count = Math.ceil(PIPE_CONTRACT.floodBytes / request.length);
    const before = ctx.server?.memory() ?? null;
    const socket = net.connect({ host: ctx.host, port: ctx.port, allowHalfOpen: true });
    const counter = new AnswerCounter();
    let received = 0;
    let ended = false;
    try {
      const connected = await new Promise<boolean>((resolve) => {
        socket.once("connect", () => resolve(true));
        socket.once("error", () => resolve(false));
        setTimeout(() => resolve(false), 2000);
      });
      if (!connected) return { message: text.common.couldNotConnect(text.tools.connectionRefused), hint: text.common.isServerRunning };
      socket.on("error", () => (ended = true));
      socket.on("end", () => (ended = true));
      socket.on("close", () => (ended = true));
      // Not read yet: what the server answers waits in the kernel's buffers, and then in the server.
      socket.pause();
      // Write while the kernel takes it, for at most 2 s; stop when it has taken nothing for 300 ms.
      let sent = 0;
      const started = performance.now();
      let lastProgress = started;
      while (sent < count && performance.now() - started < 2000 && !ended) {
        if (socket.write(request)) {
          sent += 1;
          lastProgress = performance.now();
          continue;
        }
        sent += 1;
        const drained = await Promise.race([new Promise<boolean>((resolve) => socket.once("drain", () => resolve(true))), sleep(300).then(() => false)]);
        if (drained) lastProgress = performance.now();
        else if (performance.now() - lastProgress >= 300) break;
      }
      const taken = socket.bytesWritten - socket.writableLength;
      const during = ctx.server?.memory() ?? null;
      const grewKiB = before && during ? during.rssKiB - before.rssKiB : null;
      const offered = sent * request.length;
      const evidence = { sent: `GET /headers HTTP/1.1 with a ${PIPE_CONTRACT.floodFieldBytes / 1024} KiB field, ${sent} times in a row (${mb(offered)}), nothing read`, noReference: true };
      // A bounded server takes what the kernel's buffers hold and then no more: far less than was offered.
      if (sent >= count && taken >= offered * 0.9) {
        // Unless it ended the pipeline with an announced close and dropped the rest as it closed.
        socket.on("data", (chunk: Buffer) => counter.push(chunk));
        socket.resume();
        await Promise.race([new Promise((resolve) => (ended ? resolve(null) : socket.once("close", resolve))), sleep(1000)]);
        if (ended && counter.lastSaidClose) return null;
        return { message: words.tookEverything(mb(taken), grewKiB === null ? null : mb(grewKiB * 1024)), expected: words.backpressureExpected, rule: RULES.boundedMemory, ...evidence };
      }
      // (The memory the server's process holds is no measure below that: a garbage collector frees
      // what it likes when it likes. Taking everything is the mistake, and the bytes show it.)
      // Now read: every request the server took whole gets its answer, in order, then (after our FIN) the close.
      socket.end();
      const whole = Math.floor(taken / request.length);
      socket.on("data", (chunk: Buffer) => {
        received += chunk.length;
        counter.push(chunk);
      });
      socket.resume();
      const deadline = performance.now() + 10_000;
      while (!ended && counter.answers < whole && !counter.broken && performance.now() < deadline) await sleep(20);
      await Promise.race([new Promise((resolve) => (ended ? resolve(null) : socket.once("close", resolve))), sleep(1000)]);
      const endedByClose = ended && counter.lastSaidClose && counter.answers > 0;
      if (counter.broken || (counter.answers < whole && !endedByClose) || [...counter.statuses].some((status) => status !== 200)) {
        return { message: words.floodAnswers(whole, counter.answers, [...counter.statuses].join(", "), mb(received)), expected: words.backpressureExpected, rule: RULES.pipelineOrder, ...evidence };
      }
      return null;
    } finally {
      socket.destroy();
    }
  },
};

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
