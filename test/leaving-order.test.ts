/**
 * A kept connection ends politely (our FIN, then the server's): what the server prints as a client
 * leaves comes before what the next connection makes it print. With a thread per connection the
 * two race; this server makes the race certain by printing its leaving line 150 ms late, as a
 * thread woken late on a busy machine does. Without the polite end, a finding's tail of the output
 * changed order from run to run (py-12-answers-behind-close, py-13-q-zero-as-text on CI).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { findPhase } from "../checker/manifest.ts";
import { ask } from "../checker/grader/checks/common.ts";
import { RecordingProxy } from "../checker/grader/recording-proxy.ts";
import { createRng } from "../checker/grader/rng.ts";
import { ServerProcess } from "../checker/grader/server-process.ts";
import type { CheckContext } from "../checker/types.ts";
import { freePort } from "../checker/grader/run.ts";

const LATE_LEAVER = `import net from "node:net";
// allowHalfOpen: the server's side closes when it says so (Node's default closes it at the client's FIN).
net.createServer({ allowHalfOpen: true }, (socket) => {
  let received = "";
  socket.on("error", () => {});
  socket.on("data", (bytes) => {
    received += bytes.toString("latin1");
    let end;
    while ((end = received.indexOf("\\r\\n\\r\\n")) !== -1) {
      const target = received.split(" ")[1];
      received = received.slice(end + 4);
      console.log("request " + target);
      socket.write("HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok");
    }
  });
  // The line first, then the close: as every server of the lab does, only late.
  socket.on("end", () => setTimeout(() => { console.log("Client closed the connection"); socket.end(); }, 150));
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
`;

const dir = mkdtempSync(path.join(tmpdir(), "http-lab-leaving-"));
let server: ServerProcess;
let port: number;

beforeAll(async () => {
  writeFileSync(path.join(dir, "late-leaver.mjs"), LATE_LEAVER);
  port = await freePort();
  server = new ServerProcess({ command: [process.execPath, "late-leaver.mjs"], cwd: dir, env: { ...process.env, PORT: String(port) } as Record<string, string> });
  expect((await server.waitUntilListening(port, 10_000)).state).toBe("listening");
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function context(withOutput: boolean): CheckContext {
  return {
    phase: findPhase("13")!,
    target: { kind: "port", port },
    rng: createRng(13),
    host: "127.0.0.1",
    port,
    tryPort: port,
    slowMs: 0,
    startupTimeoutMs: 5000,
    // The polite end is paid for only where the server's output is read.
    server: withOutput ? server : null,
    module: null,
    site: null,
    browser: false,
    passed: () => true,
    memo: (_key, make) => make(),
  };
}

const get = (target: string): string => `GET ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`;

/** The lines printed since `mark`, once the late leaving lines are surely out. */
async function linesSince(mark: number): Promise<string[]> {
  await server.waitForOutput(mark, () => false, 400);
  return server.outputSince(mark);
}

/** Two requests, each on a connection of its own that ask() ends; the lines the server printed. */
async function twoAsks(withOutput: boolean): Promise<string[]> {
  const ctx = context(withOutput);
  const mark = server.mark();
  await ask(ctx, [{ data: get("/first") }]);
  await ask(ctx, [{ data: get("/second") }]);
  return linesSince(mark);
}

test("ask(): the leaving line of a kept connection comes before the next request's line", async () => {
  expect(await twoAsks(true)).toEqual(["request /first", "Client closed the connection", "request /second", "Client closed the connection"]);
});

test("the same server raced without the polite end (no output read, as with --port): the order it makes the lines in is the race's", async () => {
  expect(await twoAsks(false)).toEqual(["request /first", "request /second", "Client closed the connection", "Client closed the connection"]);
});

test("a proxy of real clients (fetch): closed with its check, its connections' leaving lines are out before the next check", async () => {
  const mark = server.mark();
  const proxy = await RecordingProxy.start("127.0.0.1", port);
  const response = await fetch(`http://127.0.0.1:${proxy.port}/fetched`);
  expect(await response.text()).toBe("ok");
  await proxy.close();
  await ask(context(true), [{ data: get("/after") }]);
  expect(await linesSince(mark)).toEqual(["request /fetched", "Client closed the connection", "request /after", "Client closed the connection"]);
});
