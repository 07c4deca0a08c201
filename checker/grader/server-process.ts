/**
 * The server process: start the student's server, capture what it prints, tell when it listens,
 * and stop it (with everything it started) when the checker is done, fails or is interrupted.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import net from "node:net";
import { News } from "./news.ts";
import { MARKER_NAME, endMarked, guardGroup, newServerMarker, processGroupOf, releaseGroup, type LeftProcess } from "./reaper.ts";
import { foldRuntimeFrames } from "./runtime-frames.ts";
import { text } from "../text.ts";

/**
 * The time zone every graded server (and the module host) runs in: 5 h 30 min east of UTC, with
 * no daylight saving. A Date written in local time instead of GMT (RFC 9110 §5.6.7) would pass on
 * a machine whose clock is UTC, as CI's and many students' are; in this zone it shows everywhere.
 * An IANA name, not a POSIX string like "XST-5:30": Node (ICU) ignores those and stays on UTC,
 * while Python honours both.
 */
export const SERVER_TZ = "Asia/Kolkata";

const MAX_LINES = 300;
const MAX_LINE_LENGTH = 400;

export type ListenState =
  | { state: "listening"; host: string }
  | { state: "exited"; code: number | null; signal: NodeJS.Signals | null }
  | { state: "wrong-port"; ports: number[] }
  | { state: "timeout" };

export interface StartOptions {
  /** argv to run; or a shell command line when `shell` is true (for --cmd). */
  command: string[] | string;
  cwd: string;
  env: Record<string, string>;
}

const running = new Set<ServerProcess>();
let cleanupInstalled = false;

/** Ends every server still running; safe to call from an exit handler (synchronous). */
export function killAllServers(): void {
  for (const server of running) {
    server.kill("SIGKILL");
    server.endEscaped();
  }
}

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", killAllServers);
}

export class ServerProcess {
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  /** Number of lines ever printed, so a check can ask for "what came after this point". */
  private lineCount = 0;
  /** When the server last printed anything (performance.now()). */
  private lastOutputAt = 0;
  private partial: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };
  /** Per stream: the line being read ran past the limit and is shown cut short; the rest of it, up to its newline, is dropped. */
  private skipping: Record<"stdout" | "stderr", boolean> = { stdout: false, stderr: false };
  private readonly news = new News();
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly exited: Promise<void>;
  /** Carried in the environment of every process the server starts, so that those that leave its group are found. */
  private readonly marker = newServerMarker();
  /** Processes that had left the server's group and were still running when it was stopped (then ended). */
  leftBehind: LeftProcess[] = [];

  constructor(options: StartOptions) {
    installCleanup();
    const env = { ...process.env, ...options.env, [MARKER_NAME]: this.marker };
    const detached = process.platform !== "win32"; // own process group, so we can end its children too
    this.child =
      typeof options.command === "string"
        ? spawn(options.command, { cwd: options.cwd, env, shell: true, detached, stdio: ["ignore", "pipe", "pipe"] })
        : spawn(options.command[0]!, options.command.slice(1), { cwd: options.cwd, env, detached, stdio: ["ignore", "pipe", "pipe"] });
    running.add(this);
    if (detached && this.child.pid !== undefined) guardGroup(this.child.pid);
    this.child.stdout!.on("data", (data: Buffer) => this.take("stdout", data));
    this.child.stderr!.on("data", (data: Buffer) => this.take("stderr", data));
    this.exited = new Promise((resolve) => {
      this.child.once("error", (error) => {
        this.take("stderr", Buffer.from(`${text.lab.couldNotStart(error.message)}\n`));
        this.exit ??= { code: null, signal: null };
        running.delete(this);
        this.news.tell();
        resolve();
      });
      this.child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        running.delete(this);
        // Let the last output arrive before anyone reads the tail.
        setTimeout(() => {
          this.flushPartial();
          this.news.tell();
          resolve();
        }, 50);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exit === null;
  }

  /**
   * The memory the server's processes hold now and at most so far (resident, in KiB, summed over
   * its process group: tsx and the node it starts, a shell and the python under it). Linux only.
   */
  memory(): { rssKiB: number; peakKiB: number } | null {
    if (process.platform !== "linux" || this.child.pid === undefined) return null;
    return memoryOfGroup(this.child.pid);
  }

  /**
   * True once the process has ended, even if Node has not told us yet: on Linux a process that
   * exited is a zombie (state Z) until it is reaped. Lets the checker blame the right check.
   */
  hasExited(): boolean {
    if (this.exit) return true;
    if (process.platform !== "linux" || this.child.pid === undefined) return false;
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
    } catch {
      return true;
    }
  }

  /**
   * Whether the process ends within `timeoutMs`. A server that closes a connection and then exits
   * sends its FIN a few milliseconds before its exit can be seen: asked right after a close, this
   * lets the verdict name the check it happened in, whatever the machine's speed.
   */
  async exitsWithin(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!this.hasExited()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await this.news.next(Math.min(left, 10));
    }
    // Seen as a zombie first: its exit status (which `crashed` reads) comes with Node's "exit" event.
    await this.exited;
    return true;
  }

  /**
   * What the server's threads have done so far (Linux; null elsewhere): pass it to `settled` to wait
   * until the server has reacted to what the checker does next, and is waiting again.
   */
  activity(): Activity | null {
    if (process.platform !== "linux" || this.child.pid === undefined) return null;
    // Finding the group's processes reads every process's /proc entry: on a machine running many,
    // that costs more than all the rest, so it is done again only every GROUP_RESCAN_MS.
    const now = performance.now();
    if (this.groupSeen === null || now - this.groupSeen.at > GROUP_RESCAN_MS) {
      const pids = groupPids(this.child.pid);
      this.groupSeen = pids === null ? null : { pids, at: now };
    }
    return this.groupSeen === null ? null : activityOf(this.groupSeen.pids);
  }

  /** The server's processes as last found, and when (performance.now()). */
  private groupSeen: { pids: string[]; at: number } | null = null;

  /**
   * Waits, at most `maxMs`, until every thread of the server's processes is asleep, waiting for
   * something new, twice in a row with no run between: it has done all it will do about the
   * checker's last move. With `since` (an `activity()` taken before that move), it must also have
   * run since then: it has seen the move. Or until it exits. Says "exited", "waiting", or
   * "timeout" (still busy at `maxMs`; or no /proc to look in, `since` null: then this is a plain
   * wait for an exit, as `exitsWithin`).
   *
   * Why: a crash is a reaction to what the checker sent, and a process that has gone back to
   * waiting has reacted and did not crash. A fixed wait long enough for a busy 2-core machine
   * (hundreds of ms) costs that much on every correct server; this costs what the server takes.
   */
  async settled(maxMs: number, since?: Activity | null): Promise<"exited" | "waiting" | "timeout"> {
    const deadline = performance.now() + maxMs;
    let before: Activity | null = null;
    for (;;) {
      // Its exit status and its last words, before anyone asks for them.
      if (this.hasExited()) return this.exited.then(() => "exited");
      const now = this.activity();
      if (now === null || since === null) return (await this.exitsWithin(deadline - performance.now())) ? "exited" : "timeout";
      const seen = since === undefined || !sameRuns(since, now);
      if (before !== null && seen && asleep(now) && asleep(before) && sameRuns(before, now)) return "waiting";
      before = now;
      const left = deadline - performance.now();
      if (left <= 0) return "timeout";
      await this.news.next(Math.min(left, SETTLE_POLL_MS));
    }
  }

  /** A position in the output; pass it to `outputSince` to get only what came after. */
  mark(): number {
    return this.lineCount;
  }

  /** Lines printed since `mark`, and any line still being printed (no newline yet). */
  outputSince(mark: number): string[] {
    this.flushPartial();
    const kept = this.lineCount - this.lines.length;
    const pending = [this.partial.stdout, this.partial.stderr].filter((text) => text !== "");
    return [...this.lines.slice(Math.max(0, mark - kept)), ...pending];
  }

  /** The last `count` lines, with runs of Node's and packages' stack frames folded into one line each. */
  tail(count = 12): string[] {
    this.flushPartial();
    return foldRuntimeFrames(this.lines).slice(-count);
  }

  /**
   * Waits until the server has printed nothing for `quietMs`, or `maxMs` have passed. A server says
   * nothing when it has finished printing, so there is no event to wait for: a thread's traceback
   * (Python prints it after the connection is closed) comes in several writes, later under load.
   * Bounded by `maxMs`, so a server that prints without pause costs no more than that.
   */
  async settleOutput(quietMs: number, maxMs: number): Promise<void> {
    // Quiet is counted from the call at the earliest: a line the server printed just before it may
    // still be in the pipe, unread, and the last line read says nothing about it.
    const called = performance.now();
    const deadline = called + maxMs;
    for (;;) {
      const now = performance.now();
      const quietFor = now - Math.max(this.lastOutputAt, called);
      if (quietFor >= quietMs || now >= deadline || !this.alive) return;
      await this.news.next(Math.min(quietMs - quietFor, deadline - now));
    }
  }

  /** Waits until some line printed after `mark` satisfies `match`; false on timeout or exit. */
  async waitForOutput(mark: number, match: (line: string) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.outputSince(mark).some(match)) return true;
      const left = deadline - performance.now();
      if (left <= 0 || !this.alive) return this.outputSince(mark).some(match);
      await this.news.next(Math.min(left, 100));
    }
  }

  /** Waits until something listens on `port`, the process exits, or `timeoutMs` passes. */
  async waitUntilListening(port: number, timeoutMs: number): Promise<ListenState> {
    const deadline = performance.now() + timeoutMs;
    let lastOwnScan = 0;
    for (;;) {
      if (this.exit) {
        await this.exited;
        return { state: "exited", ...this.exit };
      }
      const host = await findListener(port);
      if (host) return { state: "listening", host };
      // A server that listens somewhere else (a hard-coded port) is told at once, not after the timeout.
      if (performance.now() - lastOwnScan > 250 && this.child.pid) {
        lastOwnScan = performance.now();
        const ports = listeningPortsOfGroup(this.child.pid).filter((own) => own !== port);
        if (ports.length > 0) return { state: "wrong-port", ports };
      }
      if (performance.now() > deadline) return { state: "timeout" };
      await this.news.next(40);
    }
  }

  /** Ends the server and everything it started; resolves once it is gone. */
  async stop(): Promise<void> {
    if (this.alive) {
      this.kill("SIGTERM");
      const gone = await Promise.race([this.exited.then(() => true), sleep(1000).then(() => false)]);
      if (!gone) {
        this.kill("SIGKILL");
        await Promise.race([this.exited, sleep(1000)]);
      }
    }
    // The shell of --cmd may be gone while a child it started lives on in the group, and a process
    // that left the group (setsid) lives on outside it, even after the server itself has exited.
    this.kill("SIGKILL");
    this.leftBehind.push(...this.endEscaped());
    if (this.child.pid !== undefined) releaseGroup(this.child.pid);
  }

  /** Ends the server's processes that left its group (setsid, a double fork); returns them. */
  endEscaped(): LeftProcess[] {
    return endMarked(this.marker, this.child.pid);
  }

  kill(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (process.platform === "win32") {
        spawnSync("taskkill", ["/pid", String(pid), "/T", "/F"], { stdio: "ignore" });
      } else {
        process.kill(-pid, signal);
      }
    } catch {
      // Already gone.
    }
  }

  private take(stream: "stdout" | "stderr", data: Buffer): void {
    this.lastOutputAt = performance.now();
    const text = this.partial[stream] + data.toString("utf8");
    const pieces = text.split(/\r?\n/);
    this.partial[stream] = pieces.pop() ?? "";
    for (const piece of pieces) {
      // The rest of a line already shown cut short is dropped: however the pipe cuts a long line
      // into reads, it is one line in the output, so a report reads the same on every run.
      if (this.skipping[stream]) this.skipping[stream] = false;
      else this.push(piece);
    }
    // A server that prints without newlines must not grow our memory without bound.
    if (this.partial[stream].length > 4 * MAX_LINE_LENGTH) {
      if (!this.skipping[stream]) this.push(this.partial[stream]);
      this.skipping[stream] = true;
      this.partial[stream] = "";
    }
    this.news.tell();
  }

  private flushPartial(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.partial[stream] !== "" && !this.alive) {
        this.push(this.partial[stream]);
        this.partial[stream] = "";
      }
    }
  }

  private push(line: string): void {
    // Colours (SGR) are dropped, a student's coloured log stays readable; every other control
    // sequence is kept, and the report shows it escaped (printable), never obeyed.
    const clean = line.replace(/\x1b\[[0-9;]*m/g, "");
    this.lines.push(clean.length > MAX_LINE_LENGTH ? clean.slice(0, MAX_LINE_LENGTH) + " …" : clean);
    this.lineCount += 1;
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Listener {
  address: string;
  port: number;
  inode: string;
}

/** Listening TCP sockets from /proc (Linux): finding them this way sends the server nothing. */
function procListeners(): Listener[] | null {
  const listeners: Listener[] = [];
  let found = false;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
      found = true;
    } catch {
      continue;
    }
    for (const row of text.split("\n").slice(1)) {
      const fields = row.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== "0A") continue;
      const [address, portHex] = fields[1]!.split(":");
      listeners.push({ address: address!, port: parseInt(portHex!, 16), inode: fields[9]! });
    }
  }
  return found ? listeners : null;
}

/** How many connections to a server on `port` its clients have closed and it has not yet; null without /proc. */
function connectionsLeftClosing(port: number): number | null {
  let held = 0;
  let found = false;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
      found = true;
    } catch {
      continue;
    }
    for (const row of text.split("\n").slice(1)) {
      const fields = row.trim().split(/\s+/);
      // CLOSE_WAIT: the client has closed, and the server has not closed its side yet. (An open
      // connection, such as one fetch keeps in its pool, is not waited for: its end is not the
      // checker's to cause, and the server's idle deadline closing it would only race the tail.)
      if (fields.length < 4 || fields[3] !== "08") continue;
      if (parseInt(fields[1]!.split(":")[1]!, 16) === port) held += 1;
    }
  }
  return found ? held : null;
}

/**
 * Waits (at most `maxMs`) until the server on `port` has closed every connection the checker
 * closed. A server prints what it saw of a client's leaving ("Client closed the connection")
 * before it closes its side: once it has closed, those lines are in its output, and a finding's
 * tail of that output is the same on a busy machine as on a quiet one.
 */
export async function connectionsClosed(port: number, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    const held = connectionsLeftClosing(port);
    if (held === null || held === 0 || performance.now() >= deadline) return;
    await sleep(15);
  }
}

const LOOPBACK_V4 = new Set(["0100007F", "00000000"]);
const IPV6_ANY = "00000000000000000000000000000000";
const IPV6_LOOPBACK = "00000000000000000000000001000000";

/** The loopback address a server on `port` can be reached at, or null if nothing listens there. */
async function findListener(port: number): Promise<string | null> {
  const listeners = procListeners();
  if (listeners) {
    const onPort = listeners.filter((listener) => listener.port === port);
    if (onPort.some((l) => LOOPBACK_V4.has(l.address) || l.address === IPV6_ANY || l.address.endsWith("FFFF00000100007F"))) {
      return "127.0.0.1";
    }
    if (onPort.some((l) => l.address === IPV6_LOOPBACK)) return "::1";
    return null;
  }
  // No /proc (macOS, Windows): knock. The server sees a connection that closes at once.
  for (const host of ["127.0.0.1", "::1"]) {
    if (await canConnect(host, port)) return host;
  }
  return null;
}

/** Whether a TCP connection to host:port succeeds within `timeoutMs` (it is closed at once). */
export function canConnect(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Each thread of a server's processes ("pid/tid"): its state letter ("S" asleep, waiting for an
 * event; "R" running or ready to) and how long it has run, in ns (schedstat's first field).
 */
export type Activity = Map<string, { state: string; ranNs: number }>;

/** How often `settled` looks: often enough to cost little, seldom enough to cost the server nothing. */
const SETTLE_POLL_MS = 4;

/** A server that starts processes starts them when a request comes, not within a few ms of one another. */
const GROUP_RESCAN_MS = 100;

function activityOf(pids: string[]): Activity | null {
  const activity: Activity = new Map();
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // it ended while we looked
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const ranNs = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
        activity.set(`${pid}/${tid}`, { state: stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3), ranNs });
      } catch {
        // No schedstat (a kernel without it): nothing here can be told apart.
        if (!existsSync(`/proc/${pid}/task/${tid}/schedstat`) && existsSync(`/proc/${pid}/task/${tid}`)) return null;
      }
    }
  }
  return activity.size > 0 ? activity : null;
}

/** Every thread asleep (S): none running, none ready to run, none in the kernel's uninterruptible waits. */
function asleep(activity: Activity): boolean {
  for (const { state } of activity.values()) if (state !== "S") return false;
  return true;
}

/** The same threads, none of which ran in between. */
function sameRuns(a: Activity, b: Activity): boolean {
  if (a.size !== b.size) return false;
  for (const [thread, { ranNs }] of a) if (b.get(thread)?.ranNs !== ranNs) return false;
  return true;
}

/** The processes of the group `groupId` now, by /proc (Linux); null without /proc. */
function groupPids(groupId: number): string[] | null {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  return pids.filter((pid) => {
    try {
      return processGroupOf(pid) === groupId;
    } catch {
      return false; // it ended while we looked
    }
  });
}

function memoryOfGroup(groupId: number): { rssKiB: number; peakKiB: number } | null {
  const pids = groupPids(groupId);
  if (pids === null) return null;
  let rssKiB = 0;
  let peakKiB = 0;
  let found = false;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      rssKiB += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      peakKiB += Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      found = true;
    } catch {
      // The process ended while we looked.
    }
  }
  return found ? { rssKiB, peakKiB } : null;
}

/** Ports on which any process of the group `groupId` listens (Linux only; [] elsewhere). */
function listeningPortsOfGroup(groupId: number): number[] {
  const listeners = procListeners();
  if (!listeners || listeners.length === 0) return [];
  const inodes = new Set<string>();
  for (const pid of groupPids(groupId) ?? []) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const match = /^socket:\[(\d+)\]$/.exec(link);
        if (match) inodes.add(match[1]!);
      }
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return [...new Set(listeners.filter((l) => inodes.has(l.inode)).map((l) => l.port))];
}

/**
 * The backlog of the socket listening on `port` (how many connections the kernel queues before the
 * server accepts them), as `ss -ltn` shows it in Send-Q; null where ss is missing (not Linux).
 */
export function listenBacklog(port: number): number | null {
  if (process.platform !== "linux") return null;
  const listed = spawnSync("ss", ["-Hltn", `sport = :${port}`], { encoding: "utf8", timeout: 2000 });
  if (listed.status !== 0) return null;
  const fields = listed.stdout.trim().split("\n")[0]?.trim().split(/\s+/) ?? [];
  const backlog = Number(fields[2]);
  return fields[0] === "LISTEN" && Number.isInteger(backlog) ? backlog : null;
}
