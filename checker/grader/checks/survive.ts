/** A server must outlive its clients: silent ones, rude ones, and ones that type nonsense. */
import { WireConnection, exchange } from "../wire.ts";
import type { Check } from "../../types.ts";
import { text } from "../../text.ts";
import { crashed, stillServes } from "./reactions.ts";
import { tryItLine } from "./common.ts";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const surviveSilent: Check = {
  id: "survive.silent",
  ...text.checks["survive.silent"],
  async run(ctx) {
    const before = ctx.server?.activity() ?? null;
    const opened = await WireConnection.open(ctx.host, ctx.port);
    if (!(opened instanceof WireConnection)) return { message: text.common.couldNotConnect(opened.error) };
    // The server has taken the connection (and waits for a request) before the client leaves.
    if (ctx.server) await ctx.server.settled(100, before);
    else await sleep(50);
    opened.endWriting();
    await opened.waitForEnd(1000);
    opened.close();
    const finding = await stillServes(ctx, text.survive.leftSilently);
    return finding && { ...finding, tryIt: finding.tryIt ?? text.survive.leftSilentlyTryIt(`nc -z 127.0.0.1 ${ctx.tryPort}`) };
  },
};

/**
 * How long survive.reset waits at most, after the next client was served, for a crash the reset
 * caused. Where /proc tells (Linux) the wait ends as soon as the server is waiting again, having
 * read the reset and the next request alike; elsewhere it is the whole wait: 150 ms let a crash
 * through to the next check twice on fresh-clone CI runs on a loaded 2-core machine.
 */
export const RESET_SETTLE_MS = 400;

export const surviveReset: Check = {
  id: "survive.reset",
  ...text.checks["survive.reset"],
  async run(ctx) {
    const opened = await WireConnection.open(ctx.host, ctx.port);
    if (!(opened instanceof WireConnection)) return { message: text.common.couldNotConnect(opened.error) };
    // The server is waiting for (the rest of) a request when the reset arrives. In phase 1 a
    // server closes after any data, so there the client sends nothing before the reset.
    const half = ctx.phase.number === 1 ? "" : "GET / HTTP/1.1\r\nHost: local";
    if (half) await opened.write(half);
    await sleep(100);
    const sent = ctx.server?.activity() ?? null;
    opened.reset();
    const what = half ? text.survive.sentHalfThenReset : text.survive.connectedThenReset;
    let finding = await stillServes(ctx, what);
    // On a busy machine the server may serve the next client before its own loop reaches the
    // reset (and crashes on it): wait until it is waiting again, so that the crash is this check's.
    if (!finding && (await ctx.server?.settled(RESET_SETTLE_MS, sent)) === "exited") finding = crashed(ctx, what);
    // A crash has no evidence of its own: show what the resetting client did.
    return finding && (finding.sent !== undefined ? finding : { ...finding, sent: half || undefined, receivedNote: text.survive.checkerReset });
  },
};

export const surviveHello: Check = {
  id: "survive.hello",
  ...text.checks["survive.hello"],
  async run(ctx) {
    const segments = [{ data: "Hello\n" }, { data: "\n", pauseMs: 50 }];
    const before = ctx.server?.activity() ?? null;
    const result = await exchange({ host: ctx.host, port: ctx.port, segments, replyTimeoutMs: 1000 + ctx.slowMs, endAfterSending: false });
    if (result.connectError) return { message: text.common.couldNotConnect(result.connectError) };
    // Dying of it, or waiting for the next client: which, the server's own threads tell.
    if (ctx.server) await ctx.server.settled(300, before);
    else await sleep(50);
    const after = text.survive.typedHello;
    const crash = crashed(ctx, after);
    if (crash) return { ...crash, sent: result.sent, tryIt: tryItLine(ctx, segments) };
    const finding = await stillServes(ctx, after);
    return finding && { ...finding, tryIt: finding.tryIt ?? tryItLine(ctx, segments) };
  },
};
