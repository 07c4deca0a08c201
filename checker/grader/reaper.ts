/**
 * Nothing the checker starts outlives it, however the checker ends.
 *
 * The checker ends what it started when it exits, fails or is interrupted (server-process.ts,
 * chromium.ts). Two cases are left, and this module covers them:
 *  - The checker dies without running any code of its own: SIGKILL, an out-of-memory kill. A
 *    watchdog (a tiny shell, in a process group of its own so that no Ctrl-C or terminal hang-up
 *    meant for the checker reaches it) reads the checker's list of process groups on a pipe. When
 *    the pipe closes, the checker is gone: it kills every group still on the list, and every
 *    process that carries the run's marker.
 *  - A server's process leaves its group (setsid, a double fork), so ending the group misses it.
 *    Every process the server starts inherits the run's marker in its environment
 *    (HTTP_LAB_RUN); `endMarked` finds them by it in /proc and ends them.
 * Linux and macOS have the watchdog; the marker needs /proc (Linux). Elsewhere both are skipped.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";

export const MARKER_NAME = "HTTP_LAB_RUN";
/** This checker's marker; each server gets its own below it (<marker>.<n>), which its processes inherit. */
export const RUN_MARKER = `${process.pid}-${randomBytes(6).toString("hex")}`;
let servers = 0;

export function newServerMarker(): string {
  servers += 1;
  return `${RUN_MARKER}.${servers}`;
}

// Reads "+<pgid>" and "-<pgid>" lines; at the end of its input, kills what is left. Its own
// environment does not carry the marker (only the servers' do), so it never finds itself.
const WATCHDOG = `
groups=" "
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups\${line#+} " ;;
    -*) groups=$(printf '%s' "$groups" | sed "s/ \${line#-} / /") ;;
  esac
done
for group in $groups; do kill -KILL -- "-$group" 2>/dev/null; done
[ -d /proc ] || exit 0
# One grep over every environment (-z: its entries end in NUL), not a process per process.
for environ in $(grep -lsz "^${MARKER_NAME}=$1\\." /proc/[0-9]*/environ); do
  pid=\${environ#/proc/}; kill -KILL "\${pid%/environ}" 2>/dev/null
done
`;

let watchdog: ChildProcess | null | undefined;

function theWatchdog(): ChildProcess | null {
  if (watchdog !== undefined) return watchdog;
  if (process.platform === "win32") return (watchdog = null);
  try {
    watchdog = spawn("sh", ["-c", WATCHDOG, "watchdog", RUN_MARKER], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
    watchdog.on("error", () => (watchdog = null));
    watchdog.stdin!.on("error", () => {});
    // Neither the watchdog nor its pipe keeps the checker running.
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  } catch {
    watchdog = null;
  }
  return watchdog;
}

/** Has the watchdog end process group `groupId` if the checker dies before `release`. */
export function guardGroup(groupId: number): void {
  theWatchdog()?.stdin?.write(`+${groupId}\n`);
}

export function releaseGroup(groupId: number): void {
  theWatchdog()?.stdin?.write(`-${groupId}\n`);
}

export interface LeftProcess {
  pid: number;
  command: string;
}

/** The process group of a process, from /proc (Linux); throws if it is gone. */
export function processGroupOf(pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The 5th field, counted after the ")" that ends the command name (which may hold spaces).
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

/** Processes that carry a server's `marker`, read from /proc; [] where there is none. */
export function markedProcesses(marker: string): (LeftProcess & { group: number })[] {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const wanted = `${MARKER_NAME}=${marker}`;
  const found: (LeftProcess & { group: number })[] = [];
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(wanted)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
      found.push({ pid: Number(pid), command, group: processGroupOf(pid) });
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return found;
}

/**
 * Ends every process that still carries a server's marker, and returns those that had left the
 * server's process group (`groupId`): the ones that ending the group could not reach.
 */
export function endMarked(marker: string, groupId: number | undefined): LeftProcess[] {
  const marked = markedProcesses(marker);
  for (const { pid } of marked) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  return marked.filter((left) => left.group !== groupId).map(({ pid, command }) => ({ pid, command }));
}
