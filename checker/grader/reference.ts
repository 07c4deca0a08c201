/**
 * --compare (the default from phase 6 on): beside a failed request, what the reference solution
 * answers to the very same bytes. In the bonus phases the expected answer is a whole response, not
 * one line, and the student sees the bytes to aim for. The reference runs only once a check has
 * failed, with the same environment as the graded server (its own port), and stops with the run.
 */
import path from "node:path";
import { isCompleteResponse } from "./http-reader.ts";
import { ServerProcess } from "./server-process.ts";
import type { Finding, Phase } from "../types.ts";
import { exchange, toBytes } from "./wire.ts";

export class Reference {
  private server: ServerProcess | null = null;
  private ready: Promise<boolean> | null = null;

  constructor(
    private readonly phase: Phase,
    private readonly root: string,
    private readonly env: Record<string, string>,
    private readonly port: () => Promise<number>,
  ) {}

  private start(): Promise<boolean> {
    this.ready ??= (async () => {
      const port = await this.port();
      this.server = new ServerProcess({
        command: [process.execPath, "--import", import.meta.resolve("tsx"), path.relative(this.root, path.join(this.root, this.phase.solution))],
        cwd: this.root,
        env: { ...this.env, PORT: String(port) },
      });
      const state = await this.server.waitUntilListening(port, 10_000);
      this.listening = state.state === "listening" ? port : null;
      return this.listening !== null;
    })();
    return this.ready;
  }

  private listening: number | null = null;

  /** What the reference answers to the finding's request, or null when it cannot be asked. */
  async answer(finding: Finding, slowMs: number): Promise<Buffer | null> {
    if (finding.noReference || finding.sent === undefined || !finding.tryIt) return null;
    if (!(await this.start()) || this.listening === null) return null;
    const sent = toBytes(finding.sent);
    const method = /^([A-Z]+) /.exec(sent.toString("latin1"))?.[1];
    const result = await exchange({
      host: "127.0.0.1",
      port: this.listening,
      segments: [{ data: sent }],
      until: (bytes) => isCompleteResponse(bytes, { method }),
      replyTimeoutMs: 2000 + slowMs,
    });
    return result.received.length > 0 ? result.received : null;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}
