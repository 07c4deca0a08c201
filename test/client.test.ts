/**
 * `npm run client`, the lab's own nc: run as a real process against small real servers on
 * 127.0.0.1. What it sends must arrive byte for byte; what comes back is shown with \r and \n
 * visible; the last line says who closed the connection; every wait ends.
 */
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { freePort } from "../checker/grader/run.ts";
import { LineEnds, parseSendText } from "../checker/student/send-text.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

interface Run {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

/** Runs the client; `input` is piped to it (and ended), otherwise its stdin is empty. */
function client(args: string[], input?: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.FORCE_COLOR;
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "checker/student/client.ts", ...args], {
    cwd: ROOT,
    env,
    stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
  if (input !== undefined) child.stdin!.end(input);
  // The client bounds its own waits; this only keeps a broken client from hanging the suite.
  const killer = setTimeout(() => child.kill("SIGKILL"), 40_000);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, out, err, ms: performance.now() - started });
    });
  });
}

interface TestServer {
  port: number;
  /** Everything the client sent, once the client ended its side or the connection closed. */
  received: Promise<Buffer>;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A server for one connection; `handle` decides what it does with it. */
async function serve(handle: (socket: net.Socket) => void, options: { allowHalfOpen?: boolean } = {}): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  let gotAll!: (bytes: Buffer) => void;
  const received = new Promise<Buffer>((resolve) => (gotAll = resolve));
  const server = net.createServer({ allowHalfOpen: options.allowHalfOpen ?? false }, (socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => gotAll(Buffer.concat(chunks)));
    socket.on("close", () => gotAll(Buffer.concat(chunks)));
    socket.on("error", () => {});
    handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return { port: (server.address() as net.AddressInfo).port, received };
}

const lastLine = (out: string): string => out.split("\n").find((line) => line.startsWith("■ ")) ?? "(no closing line)";

describe("what the client sends", () => {
  test("--send arrives byte for byte, then the client ends its side", async () => {
    const server = await serve(() => {});
    const run = await client([String(server.port), "--send", "GET / HTTP/1.1\\r\\n\\r\\n"]);
    expect(run.code, run.out + run.err).toBe(0);
    expect((await server.received).equals(Buffer.from("GET / HTTP/1.1\r\n\r\n", "latin1"))).toBe(true);
    expect(run.out).toContain("→ GET / HTTP/1.1\\r\\n\n→ \\r\\n\n");
    expect(run.out).toContain("→ (end of your input: your side is closed, FIN");
    expect(lastLine(run.out)).toMatch(/^■ \+\d+ ms {2}the server closed the connection \(FIN\)$/);
  });

  test("--send knows \\r \\n \\t \\\\ and \\xNN, and sends other text as UTF-8", async () => {
    const server = await serve(() => {});
    const run = await client(["127.0.0.1", String(server.port), "--send", "a\\tb\\\\c\\x00\\xffé\\r\\n"]);
    expect(run.code, run.out + run.err).toBe(0);
    expect([...(await server.received)]).toEqual([0x61, 0x09, 0x62, 0x5c, 0x63, 0x00, 0xff, 0xc3, 0xa9, 0x0d, 0x0a]);
    expect(run.out).toContain("→ a\\tb\\\\c\\x00\\xffé\\r\\n");
  });

  test("piped lines arrive with CRLF, whatever their line ends were; a last line without one is sent as it is", async () => {
    const server = await serve(() => {});
    const run = await client([String(server.port)], "GET / HTTP/1.1\nHost: x\r\n\nlast");
    expect(run.code, run.out + run.err).toBe(0);
    expect((await server.received).toString("latin1")).toBe("GET / HTTP/1.1\r\nHost: x\r\n\r\nlast");
    expect(run.out).toContain("→ GET / HTTP/1.1\\r\\n\n→ Host: x\\r\\n\n→ \\r\\n\n→ last\n");
  });

  test("with --lf, piped lines arrive with a bare LF", async () => {
    const server = await serve(() => {});
    const run = await client([String(server.port), "--lf"], "GET / HTTP/1.1\r\nHost: x\n\n");
    expect(run.code, run.out + run.err).toBe(0);
    expect((await server.received).toString("latin1")).toBe("GET / HTTP/1.1\nHost: x\n\n");
    expect(run.out).toContain("→ GET / HTTP/1.1\\n\n");
  });
});

describe("what comes back, and how it ends", () => {
  test("the reply is shown chunk by chunk with \\r\\n visible, then: the server closed the connection (FIN)", async () => {
    const server = await serve(
      (socket) => {
        let seen = "";
        socket.on("data", (chunk: Buffer) => {
          seen += chunk.toString("latin1");
          if (!seen.includes("\r\n\r\n")) return;
          socket.write("HTTP/1.1 200 OK\r\nContent-Length: 23\r\n\r\n");
          setTimeout(() => socket.end("<h1>Hello, wörld!</h1>\n"), 300);
        });
      },
      { allowHalfOpen: true },
    );
    const run = await client([String(server.port), "--send", "GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"]);
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toContain("  HTTP/1.1 200 OK\\r\\n\n  Content-Length: 23\\r\\n\n  \\r\\n\n");
    expect(run.out).toContain("  <h1>Hello, wörld!</h1>\\n\n");
    const arrivals = [...run.out.matchAll(/^← \+(\d+) ms {2}(\d+) bytes$/gm)].map((match) => [Number(match[1]), Number(match[2])]);
    expect(arrivals.map(([, bytes]) => bytes)).toEqual([39, 24]);
    // Two pieces, in order (no threshold on the gap: a busy machine may read the first one late).
    expect(arrivals[1]![0]!).toBeGreaterThan(arrivals[0]![0]!);
    expect(lastLine(run.out)).toMatch(/the server closed the connection \(FIN\)$/);
    expect(run.out).toContain("sent 27 bytes, received 63 bytes in 2 chunks");
  });

  test("a server that resets the connection: the server reset the connection (RST)", async () => {
    const server = await serve((socket) => socket.on("data", () => socket.resetAndDestroy()));
    const run = await client([String(server.port), "--send", "hello\\r\\n", "--keep-open"]);
    expect(run.code, run.out + run.err).toBe(0);
    expect(lastLine(run.out)).toMatch(/the server reset the connection \(RST\)$/);
  });

  test("a server that never closes: the timeout line, within the bound", async () => {
    const server = await serve((socket) => socket.on("data", () => socket.write("partial\r\n")), { allowHalfOpen: true });
    const run = await client([String(server.port), "--send", "GET / HTTP/1.1\\r\\n\\r\\n", "--timeout", "1500"]);
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toContain("  partial\\r\\n");
    expect(lastLine(run.out)).toMatch(/timed out: the connection was still open after 1500 ms \(--timeout\), so the client closed it$/);
    // 1.5 s, plus the start of a Node process with tsx on a busy machine.
    expect(run.ms).toBeGreaterThanOrEqual(1500);
    expect(run.ms).toBeLessThan(12_000);
  });

  test("--wait closes that long after the input ended", async () => {
    const server = await serve(() => {}, { allowHalfOpen: true });
    const run = await client([String(server.port), "--send", "x", "--wait", "300"]);
    expect(run.code, run.out + run.err).toBe(0);
    expect(lastLine(run.out)).toMatch(/you closed it \(--wait 300 ms after the end of your input\)$/);
    expect(run.ms).toBeLessThan(10_000);
  });

  test("a server that closes when the client ends its side loses a slow answer; --keep-open gets it", async () => {
    // A plain Node server (no allowHalfOpen) that answers 300 ms after the request, as in phase 5.
    const slow = (socket: net.Socket): void => {
      socket.once("data", () => setTimeout(() => socket.writable && socket.end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), 300));
    };
    const ended = await client([String((await serve(slow)).port), "--send", "GET / HTTP/1.1\\r\\n\\r\\n"]);
    expect(lastLine(ended.out)).toMatch(/the server closed the connection \(FIN\)$/);
    expect(ended.out).toContain("received 0 bytes");
    expect(ended.out).toContain("The server closed without answering, after you ended your side.");
    const kept = await client([String((await serve(slow)).port), "--send", "GET / HTTP/1.1\\r\\n\\r\\n", "--keep-open"]);
    expect(kept.out).toContain("  HTTP/1.1 200 OK\\r\\n");
    expect(kept.out).toContain("→ (end of your input; your side stays open, --keep-open)");
    expect(lastLine(kept.out)).toMatch(/the server closed the connection \(FIN\)$/);
  });

  test("connection refused: one clear line on stderr, exit 1", async () => {
    const port = await freePort();
    const run = await client([String(port), "--send", "x"]);
    expect(run.code).toBe(1);
    expect(run.out).toBe("");
    expect(run.err.trim().split("\n")).toEqual([
      `Could not connect to 127.0.0.1:${port}: connection refused. Nothing is listening on that port: is your server running, and on port ${port}?`,
    ]);
  });
});

describe("usage", () => {
  test("--help prints the usage and exits 0", async () => {
    const run = await client(["--help"]);
    expect(run.code).toBe(0);
    expect(run.out).toContain("Usage: npm run client -- [host] <port> [options]");
  });

  test("a missing or bad port, an unknown option or a bad --send escape: the usage, exit 2", async () => {
    const missing = await client([]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("Which port?");
    expect(missing.err).toContain("Usage: npm run client");
    const bad = await client(["70000"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"70000" is not a port');
    expect((await client(["8000", "--colour"])).code).toBe(2);
    const escape = await client(["8000", "--send", "GET\\q"]);
    expect(escape.code).toBe(2);
    expect(escape.err).toContain('"\\q" at character 4 is not an escape this client knows');
  });
});

describe("the bytes behind --send and piped lines", () => {
  test("parseSendText turns escapes into bytes and rejects what it does not know", () => {
    expect(parseSendText("GET / HTTP/1.1\\r\\n\\r\\n").toString("latin1")).toBe("GET / HTTP/1.1\r\n\r\n");
    expect([...parseSendText("\\x00\\xFF\\t\\\\n")]).toEqual([0x00, 0xff, 0x09, 0x5c, 0x6e]);
    expect(parseSendText("caf\\xc3\\xa9").equals(parseSendText("café"))).toBe(true);
    expect(parseSendText("").length).toBe(0);
    expect(() => parseSendText("a\\")).toThrow("lone \\");
    expect(() => parseSendText("\\x4")).toThrow("two hex digits");
    expect(() => parseSendText("\\0")).toThrow("not an escape");
  });

  test("LineEnds converts \\n and \\r\\n, keeps a lone \\r, and sees a \\r\\n split across chunks", () => {
    const convert = (chunks: string[], lineEnd: "\r\n" | "\n"): string => {
      const converter = new LineEnds(lineEnd);
      return chunks.map((chunk) => converter.push(Buffer.from(chunk, "latin1")).toString("latin1")).join("") + converter.end().toString("latin1");
    };
    expect(convert(["a\nb\r\nc"], "\r\n")).toBe("a\r\nb\r\nc");
    expect(convert(["a\r", "\nb\r", "x\r"], "\r\n")).toBe("a\r\nb\rx\r");
    expect(convert(["a\r\r\n", "\r", "\r", "\n"], "\n")).toBe("a\r\n\r\n");
    expect(convert(["\n\n"], "\n")).toBe("\n\n");
  });
});
