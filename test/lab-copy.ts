/** A throwaway copy of the lab, so tests can edit "the student's" files without touching the real ones. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "./broken/harness.ts";

export interface LabCopy {
  dir: string;
  file(relative: string): string;
  run(script: "cli" | "lab", args: string[], options?: { timeoutMs?: number }): { code: number | null; out: string; err: string };
  start(script: "cli" | "lab", args: string[]): ChildProcess;
  remove(): void;
}

export function makeLabCopy(): LabCopy {
  const dir = mkdtempSync(path.join(tmpdir(), "http-lab-copy-"));
  for (const part of ["checker", "phases", "solutions", "package.json"]) cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  const env = { ...process.env, NO_COLOR: "1" };
  return {
    dir,
    file: (relative) => path.join(dir, relative),
    run(script, args, options = {}) {
      const result = spawnSync(process.execPath, ["--import", "tsx", `checker/student/${script}.ts`, ...args], {
        cwd: dir,
        env,
        encoding: "utf8",
        timeout: options.timeoutMs ?? 60_000,
        stdio: ["ignore", "pipe", "pipe"],
      });
      return { code: result.status, out: result.stdout, err: result.stderr };
    },
    start(script, args) {
      return spawn(process.execPath, ["--import", "tsx", `checker/student/${script}.ts`, ...args], { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"] });
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
