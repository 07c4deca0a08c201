/** Starting, watching and stopping real server processes. */
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { ServerProcess } from "../../checker/grader/server-process.ts";
import { freePort } from "../../checker/grader/run.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const started: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

function node(script: string, env: Record<string, string> = {}): ServerProcess {
  const server = new ServerProcess({ command: [process.execPath, "-e", script], cwd: ROOT, env });
  started.push(server);
  return server;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const listenOnPort = `require("net").createServer(() => {}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("up"))`;

describe("ServerProcess", () => {
  test("sees a server listen on its PORT", async () => {
    const port = await freePort();
    const server = node(listenOnPort, { PORT: String(port) });
    expect(await server.waitUntilListening(port, 8000)).toEqual({ state: "listening", host: "127.0.0.1" });
    expect(await server.waitForOutput(0, (line) => line === "up", 2000)).toBe(true);
  });

  test("names the port of a server that listens somewhere else", async () => {
    const [given, hardCoded] = [await freePort(), await freePort()];
    const server = node(`require("net").createServer().listen(${hardCoded}, "127.0.0.1")`, { PORT: String(given) });
    const state = await server.waitUntilListening(given, 8000);
    expect(state).toEqual({ state: "wrong-port", ports: [hardCoded] });
  });

  test("reports an exit with its code and output", async () => {
    const server = node(`console.error("boom: bad config"); process.exit(3)`);
    const state = await server.waitUntilListening(await freePort(), 8000);
    expect(state).toEqual({ state: "exited", code: 3, signal: null });
    expect(server.tail()).toContain("boom: bad config");
  });

  test("gives up on a server that never listens", async () => {
    const server = node(`setInterval(() => {}, 1000)`);
    expect(await server.waitUntilListening(await freePort(), 300)).toEqual({ state: "timeout" });
  });

  test("waits for output printed in pieces (a thread's traceback) to settle before the tail is read", async () => {
    // Five pieces, 50 ms apart, begun when a client connects: a flat 80 ms wait would read the tail
    // after the second piece.
    const port = await freePort();
    const server = node(
      `require("net").createServer((socket) => { socket.destroy(); let i = 0; const t = setInterval(() => { console.error("piece " + i); if (++i === 5) clearInterval(t); }, 50); }).listen(Number(process.env.PORT), "127.0.0.1")`,
      { PORT: String(port) },
    );
    expect(await server.waitUntilListening(port, 8000)).toMatchObject({ state: "listening" });
    net.connect(port, "127.0.0.1").on("error", () => {});
    expect(await server.waitForOutput(0, (line) => line === "piece 0", 8000)).toBe(true);
    await server.settleOutput(80, 5000);
    expect(server.tail().at(-1)).toBe("piece 4");
  });

  test("stops waiting for quiet at its bound when a server prints without pause", async () => {
    const server = node(`setInterval(() => console.log("still printing"), 5)`);
    expect(await server.waitForOutput(0, (line) => line === "still printing", 8000)).toBe(true);
    await server.settleOutput(80, 300);
    expect(server.alive).toBe(true);
  });

  test("keeps only the tail of a flood of output", async () => {
    const server = node(`for (let i = 0; i < 200000; i++) console.log("line " + i); setInterval(() => {}, 1000)`);
    expect(await server.waitForOutput(0, (line) => line === "line 199999", 20_000)).toBe(true);
    expect(server.tail(3)).toEqual(["line 199997", "line 199998", "line 199999"]);
    expect(server.outputSince(0).length).toBeLessThanOrEqual(300);
  });

  test("stop ends the server and the processes it started", async () => {
    const server = node(`
      const child = require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      console.log("child " + child.pid);
      process.on("SIGTERM", () => {}); // a server that ignores the polite signal
      setInterval(() => {}, 1000);
    `);
    expect(await server.waitForOutput(0, (line) => line.startsWith("child "), 5000)).toBe(true);
    const childPid = Number(server.tail().find((line) => line.startsWith("child "))!.split(" ")[1]);
    const pid = server.pid!;
    expect(alive(childPid)).toBe(true);
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(pid)).toBe(false);
    expect(alive(childPid) && !readFileSync(`/proc/${childPid}/stat`, "utf8").includes(") Z ")).toBe(false);
  });

  // settled(): the end of a wait for something that may never come. Its "waiting" must mean the
  // server has done all it will do: a busy or dying one must never be taken for a waiting one.
  const linux = process.platform === "linux";

  test.skipIf(!linux)("settled: a server that reads a request and goes back to waiting is seen waiting, long before the bound", async () => {
    const port = await freePort();
    const server = node(`require("net").createServer((s) => s.on("data", () => console.log("read"))).listen(Number(process.env.PORT), "127.0.0.1")`, { PORT: String(port) });
    await server.waitUntilListening(port, 8000);
    const before = server.activity();
    expect(before).not.toBeNull();
    const client = net.connect(port, "127.0.0.1");
    await new Promise((resolve) => client.once("connect", resolve));
    client.write("GET / HTTP/1.1\r\n\r\n");
    const started = performance.now();
    expect(await server.settled(5000, before)).toBe("waiting");
    expect(performance.now() - started).toBeLessThan(4000);
    expect(await server.settled(100)).toBe("waiting");
    expect(await server.waitForOutput(0, (line) => line === "read", 2000)).toBe(true);
    client.destroy();
  });

  test.skipIf(!linux)("settled: a server that has not run since the mark is not taken for one that reacted", async () => {
    const server = node(`setInterval(() => {}, 1e6); console.log("up")`);
    await server.waitForOutput(0, (line) => line === "up", 5000);
    expect(await server.settled(2000)).toBe("waiting");
    // Nothing was sent: it never runs, so it never counts as having seen a move.
    expect(await server.settled(150, server.activity())).toBe("timeout");
  });

  test.skipIf(!linux)("settled: a busy server is never waiting; one that works and then exits is seen exited", async () => {
    const busy = node(`console.log("up"); for (;;) {}`);
    await busy.waitForOutput(0, (line) => line === "up", 5000);
    expect(await busy.settled(200)).toBe("timeout");
    const dying = node(`console.log("up"); const end = Date.now() + 300; while (Date.now() < end) {} process.exit(3)`);
    await dying.waitForOutput(0, (line) => line === "up", 5000);
    expect(await dying.settled(5000)).toBe("exited");
  });
});
