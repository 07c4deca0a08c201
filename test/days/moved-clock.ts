/**
 * Runs the suite's record-making with the clock moved, by libfaketime (Debian's faketime package):
 * a library preloaded into every process of the run (vitest, the checker, the servers it starts,
 * Node's and Python's alike) that adds an offset to the wall clock. Every process gets the same
 * offset, so the checker and the server agree on what "now" is, as on a real day. The monotonic
 * clock moves by the same offset, which leaves every interval (timers, deadlines) as it was; left
 * alone (FAKETIME_DONT_FAKE_MONOTONIC), libfaketime 0.9.10 breaks Python's time.sleep (EINVAL).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The multithreaded build of libfaketime (Node runs threads), where Debian and others put it; or null. */
export function libfaketime(): string | null {
  const candidates = ["/usr/local/lib/faketime/libfaketimeMT.so.1"];
  for (const lib of ["/usr/lib", "/usr/lib64"]) {
    if (!existsSync(lib)) continue;
    candidates.push(path.join(lib, "faketime/libfaketimeMT.so.1"));
    for (const entry of readdirSync(lib)) candidates.push(path.join(lib, entry, "faketime/libfaketimeMT.so.1"));
  }
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

export interface MovedDay {
  /** The moved clock's start, as a person reads it: "Tue 2026-12-08 23:59:50 UTC". */
  label: string;
  /** Seconds added to the real clock. */
  offsetSeconds: number;
}

// Where in the day each run starts: just before midnight UTC and before midnight in Asia/Kolkata
// (where the graded servers run), so the day changes in the middle of a run; midnight itself; and
// hours with one and two digits.
const STARTS = ["23:59:50", "18:29:50", "00:00:00", "09:09:09", "12:00:00", "05:30:00", "20:15:00"];

/** Each of the seven days after `now`, each at one of the starting times: every weekday once. */
export function weekOfDays(now: number = Date.now()): MovedDay[] {
  const tomorrow = Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000;
  return STARTS.map((start, index) => {
    const [hours, minutes, seconds] = start.split(":").map(Number) as [number, number, number];
    const at = tomorrow + index * 86_400_000 + ((hours * 60 + minutes) * 60 + seconds) * 1000;
    const iso = new Date(at).toISOString();
    const weekday = new Date(at).toLocaleDateString("en-US", { weekday: "short", timeZone: "UTC" });
    return { label: `${weekday} ${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`, offsetSeconds: Math.round((at - now) / 1000) };
  });
}

/**
 * Runs vitest on `files` (only the tests whose names match `pattern`, if given) with the clock
 * moved, comparing with the records and never writing one: shared records are compared
 * (LAB_SHARED_RECORDS), and CI mode makes vitest fail where a record is missing instead of writing it.
 */
export function runOnMovedClock(library: string, day: MovedDay, files: string[], pattern?: string): Promise<{ ok: boolean; output: string }> {
  const env: Record<string, string> = {};
  // The outer vitest's own variables would make the inner one think it is a worker of the outer;
  // and the inner one runs the files it is given whichever Node line the outer run was assigned
  // them on (LAB_NODE_LINE_INDEX, vitest.config.ts).
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !/^(VITEST|TINYPOOL|NODE_OPTIONS$|LAB_NODE_LINE_INDEX$)/.test(name)) env[name] = value;
  Object.assign(env, {
    LD_PRELOAD: library,
    FAKETIME: `+${day.offsetSeconds}`,
    LAB_SHARED_RECORDS: "compare",
    CI: "true",
    NO_COLOR: "1",
  });
  const args = [path.join(ROOT, "node_modules/vitest/vitest.mjs"), "run", ...files, ...(pattern ? ["-t", pattern] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (data: Buffer) => (output += data.toString()));
    child.stderr.on("data", (data: Buffer) => (output += data.toString()));
    // Plain text, whatever the terminal: the caller reads the counts out of it.
    child.on("close", (code) => resolve({ ok: code === 0, output: stripVTControlCharacters(output) }));
  });
}
