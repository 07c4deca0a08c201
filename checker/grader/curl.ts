/** curl as a real client: run with a deadline and a cap on what is kept of its output. */
import { spawn, spawnSync } from "node:child_process";
import { MAX_KEPT_BYTES } from "./wire.ts";

export interface CurlOutcome {
  /** curl's exit code (0: it got a whole answer; 52 an empty reply, 56 a reset, 28 a timeout). */
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** curl is not installed. */
  missing?: boolean;
}

/**
 * Runs curl with `args` (give it a --max-time: that is its deadline). Its output past
 * MAX_KEPT_BYTES ends it; so does `killAfterMs`, a deadline of the checker's own in case curl
 * ignores its own. `input`, if given, is curl's standard input (for --data-binary @-).
 */
export function runCurl(args: string[], killAfterMs: number, input?: Buffer): Promise<CurlOutcome> {
  return new Promise((resolve) => {
    const child = spawn("curl", args, { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    if (input !== undefined) {
      // curl may end before it reads it all (a refusal): a closed pipe is no error of the checker's.
      child.stdin!.on("error", () => {});
      child.stdin!.end(input);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.stdout!.on("data", (data: Buffer) => {
      size += data.length;
      if (size > MAX_KEPT_BYTES + 16) child.kill("SIGKILL");
      else chunks.push(data);
    });
    child.stderr!.on("data", (data: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += data.toString("utf8");
    });
    child.on("error", () => {
      clearTimeout(timer);
      resolve({ code: null, stdout: Buffer.alloc(0), stderr, missing: true });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(chunks), stderr });
    });
  });
}

/** "curl 7.88.1", as the installed curl names itself (only asked when a report needs it). */
export function curlName(): string {
  const version = spawnSync("curl", ["--version"], { encoding: "utf8", timeout: 2000 });
  return /^curl \d+\.\d+(\.\d+)?/.exec(version.stdout ?? "")?.[0] ?? "curl";
}
