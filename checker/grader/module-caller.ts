/**
 * Calls the functions a student's phase file exports (parseRequest, generateResponse), in a child
 * process with a time bound on every call.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Encoded } from "./module-host.ts";
import { SERVER_TZ } from "./server-process.ts";
import { text } from "../text.ts";

export type CallOutcome =
  | { kind: "value"; value: string | Buffer | OtherValue }
  | { kind: "threw"; message: string }
  | { kind: "timeout" }
  | { kind: "unavailable"; message: string };

/** A value that is neither text nor bytes: described in words, and as data when it is JSON (objects, arrays, null). */
export interface OtherValue {
  other: string;
  json?: unknown;
}

const HOST = fileURLToPath(new URL("./module-host.ts", import.meta.url));

const alive = new Set<ChildProcess>();
// Whatever way the checker ends, the importing process ends with it.
process.on("exit", () => {
  for (const child of alive) child.kill("SIGKILL");
});

export class ModuleCaller {
  private child: ChildProcess | null = null;
  private ready: Promise<{ exports: string[] } | { error: string }> | null = null;
  private nextId = 1;
  private pending = new Map<number, (reply: { kind: string; value?: Encoded; message?: string }) => void>();

  constructor(
    readonly file: string,
    private readonly loadTimeoutMs = 10_000,
    /** The folder it runs in, as the server does (the lab's root, or a graded submission). */
    private readonly cwd?: string,
  ) {}

  /** Starts importing the file now, so the checks do not wait for it later. */
  start(): void {
    if (this.ready) return;
    this.ready = new Promise((resolve) => {
      const child = fork(HOST, [this.file], {
        execArgv: ["--import", import.meta.resolve("tsx")],
        cwd: this.cwd,
        // A module that starts its server on import must not take the student's port 8000.
        // The same time zone as the graded server (run.ts's SERVER_TZ), so a Date is read alike in both.
        env: { ...process.env, PORT: "0", TZ: SERVER_TZ },
        stdio: ["ignore", "ignore", "pipe", "ipc"],
      });
      this.child = child;
      alive.add(child);
      let stderr = "";
      child.stderr!.on("data", (data: Buffer) => {
        stderr = (stderr + data.toString("utf8")).slice(-4000);
      });
      const timer = setTimeout(() => {
        resolve({ error: text.tools.importTookTooLong(this.loadTimeoutMs / 1000) });
        this.stop();
      }, this.loadTimeoutMs);
      child.on("message", (reply: { kind: string; id?: number; exports?: string[]; value?: Encoded; message?: string }) => {
        if (reply.kind === "ready") {
          clearTimeout(timer);
          resolve({ exports: reply.exports ?? [] });
        } else if (reply.kind === "load-error") {
          clearTimeout(timer);
          resolve({ error: reply.message ?? text.tools.couldNotBeImported });
        } else if (reply.id !== undefined) {
          this.pending.get(reply.id)?.(reply);
          this.pending.delete(reply.id);
        }
      });
      child.on("exit", () => {
        alive.delete(child);
        clearTimeout(timer);
        resolve({ error: firstErrorLine(stderr) ?? text.tools.importerExited });
        for (const finish of this.pending.values()) finish({ kind: "gone" });
        this.pending.clear();
      });
    });
  }

  /** The names the file exports, or why it could not be imported. */
  async exports(): Promise<{ exports: string[] } | { error: string }> {
    this.start();
    return this.ready!;
  }

  async call(name: string, args: unknown[], timeoutMs = 2000): Promise<CallOutcome> {
    const loaded = await this.exports();
    if ("error" in loaded) return { kind: "unavailable", message: loaded.error };
    if (!this.child || this.child.exitCode !== null) return { kind: "unavailable", message: text.tools.importerEnded };
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // The function may still be spinning: this process cannot be used any more.
        this.stop();
        resolve({ kind: "timeout" });
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.kind === "result" && reply.value) resolve({ kind: "value", value: decode(reply.value) });
        else if (reply.kind === "threw") resolve({ kind: "threw", message: reply.message ?? text.tools.anError });
        else resolve({ kind: "unavailable", message: text.tools.importerEnded });
      });
      this.child!.send({ id, name, args });
    });
  }

  stop(): void {
    if (this.child && this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}

function decode(value: Encoded): string | Buffer | OtherValue {
  if (value.type === "string") return value.text;
  if (value.type === "buffer") return Buffer.from(value.base64, "base64");
  return value.json === undefined ? { other: value.description } : { other: value.description, json: JSON.parse(value.json) as unknown };
}

function firstErrorLine(stderr: string): string | null {
  const line = stderr.split("\n").find((text) => /error/i.test(text));
  return line ? line.trim() : null;
}
