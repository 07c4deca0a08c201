/** A server must outlive its clients: silent ones, rude ones, and ones that type nonsense. */
import { WireConnection, exchange } from "../wire.ts";
import type { Check } from "../types.ts";
import { crashed, stillServes } from "./reactions.ts";
import { tryItLine } from "./common.ts";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const surviveSilent: Check = {
  id: "survive.silent",
  title: "survives a client that connects and leaves without a word",
  hints: [
    "A connection can end before any data arrives: then the 'end' event comes with nothing read. Handle it by closing quietly.",
    "Don't assume the first 'data' event will come. Code in the 'end' or 'close' handler must work with an empty buffer.",
    "socket.on(\"end\", () => { if (received.length === 0) console.log(\"Client left without a word\"); socket.end(); });",
  ],
  async run(ctx) {
    const opened = await WireConnection.open(ctx.host, ctx.port);
    if (!(opened instanceof WireConnection)) return { message: `The checker could not connect to your server (${opened.error}).` };
    await sleep(50);
    opened.endWriting();
    await opened.waitForEnd(1000);
    opened.close();
    const finding = await stillServes(ctx, "a client connected and left without sending anything");
    return finding && { ...finding, tryIt: finding.tryIt ?? `nc -z 127.0.0.1 ${ctx.tryPort}   (connects, then leaves without a word; then look at your server's output)` };
  },
};

export const surviveReset: Check = {
  id: "survive.reset",
  title: "survives a client that resets the connection",
  hints: [
    "When a client vanishes (a closed tab, a lost network) the socket emits an 'error' event (ECONNRESET). An 'error' event nobody listens to crashes Node.",
    "Add socket.on('error', (err) => console.log('client error:', err.message)) for every connection.",
    "Put it first thing in the connection callback, before any other socket.on(...): net.createServer((socket) => { socket.on(\"error\", (err) => console.log(err.message)); ... }).",
  ],
  async run(ctx) {
    const opened = await WireConnection.open(ctx.host, ctx.port);
    if (!(opened instanceof WireConnection)) return { message: `The checker could not connect to your server (${opened.error}).` };
    // The server is waiting for (the rest of) a request when the reset arrives. In phase 1 a
    // server closes after any data, so there the client sends nothing before the reset.
    const half = ctx.phase.number === 1 ? "" : "GET / HTTP/1.1\r\nHost: local";
    if (half) await opened.write(half);
    await sleep(100);
    opened.reset();
    const what = half ? "a client sent half a request and then reset the connection (TCP RST)" : "a client connected and then reset the connection (TCP RST)";
    const finding = await stillServes(ctx, what);
    // A crash has no evidence of its own: show what the resetting client did.
    return finding && (finding.sent !== undefined ? finding : { ...finding, sent: half || undefined, receivedNote: "nothing: the checker reset the connection (TCP RST)" });
  },
};

export const surviveHello: Check = {
  id: "survive.hello",
  title: "survives a request that is not HTTP (Hello typed into nc)",
  hints: [
    "Anyone can connect and type anything. parseRequest returns \"\" for garbage: handle that case instead of crashing.",
    "For garbage, close the connection, or (from phase 3 on) answer 400 Bad Request.",
    "const path = parseRequest(head); if (path === \"\") { socket.end(generateResponse(\"<h1>400 Bad Request</h1>\", \"400 Bad Request\")); return; }",
  ],
  async run(ctx) {
    const segments = [{ data: "Hello\n" }, { data: "\n", pauseMs: 50 }];
    const result = await exchange({ host: ctx.host, port: ctx.port, segments, replyTimeoutMs: 1000 + ctx.slowMs, endAfterSending: false });
    if (result.connectError) return { message: `The checker could not connect to your server (${result.connectError}).` };
    await sleep(50);
    const after = 'a client typed "Hello", Enter, Enter (as in nc)';
    const crash = crashed(ctx, after);
    if (crash) return { ...crash, sent: result.sent, tryIt: tryItLine(ctx, segments) };
    const finding = await stillServes(ctx, after);
    return finding && { ...finding, tryIt: finding.tryIt ?? tryItLine(ctx, segments) };
  },
};
