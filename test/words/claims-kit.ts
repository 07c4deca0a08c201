/** What a claim's probe works with: the untouched skeleton running, raw requests, and the checker's verdicts. */
import path from "node:path";
import { studentFile } from "../../checker/manifest.ts";
import { freePort } from "../../checker/grader/run.ts";
import { SERVER_TZ, ServerProcess } from "../../checker/grader/server-process.ts";
import { exchange, type Segment } from "../../checker/grader/wire.ts";
import type { Phase } from "../../checker/types.ts";
import { ROOT } from "./sources.ts";

export interface Running {
  port: number;
  server: ServerProcess;
}

/** Starts a phase's file (the untouched skeleton unless told) as `npm run serve` would, on a free port. */
export async function start(phase: Phase, env: Record<string, string> = {}, file = path.join(ROOT, studentFile(phase))): Promise<Running> {
  const port = await freePort();
  const server = new ServerProcess({
    command: [process.execPath, "--import", import.meta.resolve("tsx"), path.relative(ROOT, file)],
    cwd: ROOT,
    env: { PORT: String(port), TZ: SERVER_TZ, NO_COLOR: "1", ...env },
  });
  // The server has 10 s to listen: tsx compiles the file first, slower on a busy machine.
  const state = await server.waitUntilListening(port, 10_000);
  if (state.state !== "listening") {
    await server.stop();
    throw new Error(`${file} did not start listening on ${port} (${state.state}): ${server.tail(12).join("\n")}`);
  }
  return { port, server };
}

export interface Answer {
  /** Everything that came back. */
  received: Buffer;
  status: number | null;
  /** Field names in lowercase. */
  fields: Map<string, string>;
  body: string;
  /** How the exchange ended: "server-closed", "server-reset", or "open" when it was still open at the bound. */
  ending: string;
  /** Milliseconds from the request's last byte to the answer's last byte (not to the close). */
  ms: number;
}

/**
 * Sends the segments and reads until the server closes, or `boundMs` passes (the lab's servers
 * close after each answer: the bound is only for one that does not, and says so in `ending`).
 */
export async function ask(port: number, segments: Segment[] | string, boundMs = 5000): Promise<Answer> {
  const result = await exchange({ host: "127.0.0.1", port, segments: typeof segments === "string" ? [{ data: segments }] : segments, replyTimeoutMs: boundMs });
  if (result.connectError) throw new Error(`could not connect to ${port}: ${result.connectError}`);
  const text = result.received.toString("utf8");
  const end = text.indexOf("\r\n\r\n");
  const head = end === -1 ? text : text.slice(0, end);
  const lines = head.split("\r\n");
  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) fields.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
  return {
    received: result.received,
    status: status ? Number(status[1]) : null,
    fields,
    body: end === -1 ? "" : text.slice(end + 4),
    ending: result.ending,
    ms: result.replyMs,
  };
}

/** A GET with a Host, as curl sends it. */
export function get(target: string, extra = ""): string {
  return `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8.5.0\r\n${extra}\r\n`;
}

/** An answer in one line, for a claim's "saw". */
export function shown(answer: Answer): string {
  const first = answer.received.toString("utf8").split("\r\n")[0] ?? "";
  return answer.received.length === 0 ? `nothing (${answer.ending})` : `${first}${answer.body ? ` ${JSON.stringify(answer.body.slice(0, 80))}` : ""}`;
}
