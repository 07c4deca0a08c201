/**
 * Real parsers read the same bytes over a real socket: llhttp inside node:http's client, and
 * undici inside Node's fetch. A small raw server answers request /<n> with case n's bytes and
 * closes; each client says whether it took a response, and which status and body it got.
 */
import http from "node:http";
import net from "node:net";
import type { Case } from "./cases.ts";

export type ClientName = "llhttp" | "undici";

export type Outcome = { accepted: true; status: number; body: Buffer } | { accepted: false; error: string };

const CLIENT_DEADLINE_MS = 3000;

export interface CaseServer {
  port: number;
  close(): Promise<void>;
}

export async function startCaseServer(cases: Case[]): Promise<CaseServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let head = "";
    socket.on("data", (data: Buffer) => {
      head += data.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      const index = Number(/^\w+ \/(\d+)/.exec(head)?.[1]);
      head = "";
      socket.end(cases[index]?.bytes ?? Buffer.from("HTTP/1.1 500 No such case\r\nContent-Length: 0\r\n\r\n"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** node:http's client (llhttp): a parse error before or after the response, or a cut body, is a rejection. */
export function viaNodeHttp(port: number, index: number, method: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      request.destroy();
      settle({ accepted: false, error: "no answer within the deadline" });
    }, CLIENT_DEADLINE_MS);
    const request = http.request({ host: "127.0.0.1", port, path: `/${index}`, method, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => settle({ accepted: false, error: describe(error) }));
      response.on("aborted", () => settle({ accepted: false, error: "aborted" }));
      response.on("end", () => {
        // A parse error in bytes after the response shows up on the socket right after: wait for the close.
        const done = (): void => settle({ accepted: true, status: response.statusCode ?? 0, body: Buffer.concat(chunks) });
        if (response.socket.destroyed) return done();
        response.socket.once("close", () => setImmediate(done));
      });
    });
    request.on("error", (error) => settle({ accepted: false, error: describe(error) }));
    request.end();
  });
}

/** Node's fetch (undici): a rejected promise, or a body that fails to read, is a rejection. */
export async function viaFetch(port: number, index: number, method: string): Promise<Outcome> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/${index}`, { method, signal: AbortSignal.timeout(CLIENT_DEADLINE_MS) });
    const body = Buffer.from(await response.arrayBuffer());
    return { accepted: true, status: response.status, body };
  } catch (error) {
    return { accepted: false, error: describe(error) };
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  const own = typeof code === "string" ? `${code}: ${error.message}` : error.message;
  return cause instanceof Error ? `${own} <- ${describe(cause)}` : own;
}
