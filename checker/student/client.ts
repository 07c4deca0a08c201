/**
 * npm run client -- [host] <port> [options]: the lab's own raw TCP client, like nc, on every
 * system (Windows students often have no nc). It sends what you type, pipe in or give with --send,
 * and shows what comes back with \r and \n made visible, each chunk with its arrival time, and at
 * the end who closed the connection: the server (FIN), the server by a reset (RST), you, or the
 * time bound. It runs no other program, and every wait has a bound.
 *
 * Exit status: 0 the connection was made (however it ended), 1 it could not be made,
 * 2 the client was called wrongly, 130 Ctrl-C.
 */
import net from "node:net";
import readline from "node:readline";
import { parseArgs } from "node:util";
import type { ChalkInstance } from "chalk";
import { defaultStyle } from "../grader/report.ts";
import { ESCAPES_HELP, LineEnds, SendTextError, parseSendText, type LineEnd } from "./send-text.ts";
import { visibleLines } from "../grader/visible.ts";
import { text } from "../text.ts";
import { nativeWindowsNote } from "../grader/native-windows.ts";

const DEFAULT_TIMEOUT_MS = 10_000;
/** Received bytes shown at most; the rest is counted, not printed (a flooding server). */
const SHOW_AT_MOST = 100_000;

const USAGE = text.client.usage(ESCAPES_HELP, DEFAULT_TIMEOUT_MS);

class UsageError extends Error {}

function usageError(message: string): never {
  throw new UsageError(`${message}\n\n${USAGE}`);
}

interface Options {
  host: string;
  port: number;
  lineEnd: LineEnd;
  send?: Buffer;
  keepOpen: boolean;
  waitMs?: number;
  timeoutMs: number;
}

function wholeNumber(name: string, given: string | undefined, min: number, max: number): number | undefined {
  if (given === undefined) return undefined;
  const value = Number(given);
  if (given.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
    usageError(text.client.wholeNumber(name, min, max, given));
  }
  return value;
}

/**
 * Without `--`, npm keeps options for itself: `--send x` becomes npm_config_send=true and a stray
 * "x"; `--lf` becomes npm's -l and -f. Say so rather than run without them.
 */
function optionsNpmKept(): string[] {
  const kept = ["send", "wait", "timeout", "keep-open"].filter((name) => process.env[`npm_config_${name.replace("-", "_")}`] === "true");
  if (process.env.npm_config_long === "true" && process.env.npm_config_force === "true") kept.unshift("lf");
  return kept.map((name) => `--${name}`);
}

function parseOptions(argv: string[]): Options | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        lf: { type: "boolean" },
        send: { type: "string" },
        "keep-open": { type: "boolean" },
        wait: { type: "string" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const kept = optionsNpmKept();
  if (kept.length > 0) {
    usageError(text.client.npmKept(kept));
  }
  if (positionals.length === 0) usageError(text.client.whichPort);
  if (positionals.length > 2) usageError(text.client.tooMany(positionals.join(" ")));
  const [host, portText] = positionals.length === 2 ? [positionals[0]!, positionals[1]!] : ["127.0.0.1", positionals[0]!];
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) usageError(text.client.notAPort(portText));
  if (host.trim() === "") usageError(text.client.emptyHost);
  let send: Buffer | undefined;
  if (values.send !== undefined) {
    if (values.lf) usageError(text.client.lfWithSend);
    try {
      send = parseSendText(values.send);
    } catch (error) {
      if (error instanceof SendTextError) usageError(`--send: ${error.message}`);
      throw error;
    }
  }
  return {
    host,
    port,
    lineEnd: values.lf ? "\n" : "\r\n",
    send,
    keepOpen: values["keep-open"] ?? false,
    waitMs: wholeNumber("wait", values.wait, 0, 3_600_000),
    timeoutMs: wholeNumber("timeout", values.timeout, 1, 3_600_000) ?? DEFAULT_TIMEOUT_MS,
  };
}

const hostPort = (host: string, port: number): string => `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;

function describeConnectError(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return text.client.refused(port);
    case "ENOTFOUND":
    case "EAI_NONAME":
    case "EAI_FAIL":
      return text.client.unknownHost(host);
    case "EAI_AGAIN":
      return text.client.lookupFailed(host);
    default:
      return error.code ? `${error.code} (${error.message})` : error.message;
  }
}

/** Connects, or resolves with one line that says why it could not. */
function connect(host: string, port: number, timeoutMs: number): Promise<net.Socket | string> {
  return new Promise((resolve) => {
    // allowHalfOpen: when the server closes its side, we want to see it, not close ours for it.
    const socket = net.connect({ host, port, allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(text.client.connectTimeout(timeoutMs));
    }, timeoutMs);
    const onError = (error: NodeJS.ErrnoException): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(describeConnectError(error, host, port));
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", onError);
      resolve(socket);
    });
  });
}

type Ending =
  | { kind: "fin" }
  | { kind: "rst" }
  | { kind: "broken"; detail: string }
  | { kind: "interrupted"; signal: "Ctrl-C" | "SIGTERM" }
  | { kind: "waited"; ms: number }
  | { kind: "timed-out"; ms: number; fromInputEnd: boolean; inputOpen?: boolean };

/** Writes `text`, then exits once it is out (a TTY on Windows writes asynchronously), or after 2 s. */
function exitAfter(text: string, stream: NodeJS.WriteStream, code: number): void {
  setTimeout(() => process.exit(code), 2000);
  stream.write(text, () => process.exit(code));
}

// Output piped into a program that stopped reading (| head): nothing left to show it to.
process.stdout.on("error", () => process.exit(0));

let exiting = false;
let onInterrupt: (signal: "Ctrl-C" | "SIGTERM") => void = (signal) => {
  if (exiting) return;
  exiting = true;
  exitAfter(`\n${text.client.stoppedBeforeConnected(signal)}\n`, process.stdout, signal === "Ctrl-C" ? 130 : 143);
};
process.on("SIGINT", () => onInterrupt("Ctrl-C"));
process.on("SIGTERM", () => onInterrupt("SIGTERM"));

async function main(): Promise<void> {
  // The client goes on: it only opens a socket (no process groups, signals or /proc), and a
  // server in WSL 2 is reachable from Windows at 127.0.0.1.
  const windowsNote = nativeWindowsNote();
  if (windowsNote) console.error(windowsNote);
  const options = parseOptions(process.argv.slice(2));
  if (options === "help") {
    exitAfter(`${USAGE}\n`, process.stdout, 0);
    return;
  }
  const { chalk } = defaultStyle(process.stdout);
  const startedAt = performance.now();
  // When you type, the time bound starts at the end of your input; otherwise at the start.
  const typing = options.send === undefined && process.stdin.isTTY === true;
  const where = hostPort(options.host, options.port);

  const opened = await connect(options.host, options.port, options.timeoutMs);
  if (typeof opened === "string") {
    const errorChalk = defaultStyle(process.stderr).chalk;
    exiting = true;
    exitAfter(`${errorChalk.red(text.client.couldNotConnect(where, opened))}\n`, process.stderr, 1);
    return;
  }
  const socket = opened;
  new Session(socket, options, chalk, typing, startedAt, where).start();
}

class Session {
  private readonly connectedAt = performance.now();
  private readonly timers: NodeJS.Timeout[] = [];
  private rl: readline.Interface | undefined;
  /** The terminal readline draws the typed line on, when that is where the transcript goes too. */
  private sharedTerminal: NodeJS.WriteStream | undefined;
  private inputEnded = false;
  private halfClosed = false;
  private finished = false;
  private sentBytes = 0;
  private receivedBytes = 0;
  private chunks = 0;
  private shownBytes = 0;

  constructor(
    private readonly socket: net.Socket,
    private readonly options: Options,
    private readonly chalk: ChalkInstance,
    private readonly typing: boolean,
    private readonly startedAt: number,
    private readonly where: string,
  ) {}

  start(): void {
    const { socket, options, chalk } = this;
    socket.on("data", (bytes: Buffer) => this.received(bytes));
    socket.on("end", () => this.finish({ kind: "fin" }));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // A reset shows up as ECONNRESET on read, or EPIPE when we write into a closed connection.
      if (error.code === "ECONNRESET" || error.code === "EPIPE") this.finish({ kind: "rst" });
      else this.finish({ kind: "broken", detail: error.code ?? error.message });
    });
    // Only after "end" or "error" in practice; should it ever come alone, the connection is over.
    socket.on("close", () => this.finish({ kind: "fin" }));
    onInterrupt = (signal) => this.finish({ kind: "interrupted", signal });

    if (!this.typing) {
      const left = options.timeoutMs - (performance.now() - this.startedAt);
      this.after(Math.max(0, left), { kind: "timed-out", ms: options.timeoutMs, fromInputEnd: false });
    }
    const lineEnd = visibleLines(options.lineEnd).join("");
    this.print(chalk.dim(text.client.connected(this.where) + (this.typing ? text.client.typedLinesEnd(lineEnd) : "")));

    if (options.send !== undefined) {
      this.send(options.send);
      this.endOfInput();
    } else if (this.typing) {
      this.print(chalk.dim(text.client.ctrlD));
      this.readTyped();
    } else {
      this.readPiped();
    }
  }

  private readTyped(): void {
    const { options } = this;
    // readline reads keys itself (raw mode), so Ctrl-D and Ctrl-C work the same on Windows.
    const terminal = process.stdout.isTTY ? process.stdout : process.stderr.isTTY ? process.stderr : undefined;
    const rl = readline.createInterface({ input: process.stdin, output: terminal, terminal: terminal !== undefined, prompt: "" });
    this.rl = rl;
    if (terminal === process.stdout) this.sharedTerminal = process.stdout;
    rl.on("line", (line) => {
      if (this.finished) return;
      this.eraseTypedLine(line);
      this.send(Buffer.concat([Buffer.from(line, "utf8"), Buffer.from(options.lineEnd, "latin1")]));
    });
    rl.on("close", () => this.endOfInput());
    rl.on("SIGINT", () => this.finish({ kind: "interrupted", signal: "Ctrl-C" }));
    rl.prompt();
  }

  private readPiped(): void {
    const converter = new LineEnds(this.options.lineEnd);
    process.stdin.on("data", (chunk: Buffer) => {
      const bytes = converter.push(chunk);
      if (bytes.length > 0) this.send(bytes);
    });
    process.stdin.on("end", () => {
      const rest = converter.end();
      if (rest.length > 0) this.send(rest);
      this.endOfInput();
    });
    process.stdin.on("error", () => this.endOfInput());
  }

  private send(bytes: Buffer): void {
    if (this.finished || this.inputEnded || bytes.length === 0) return;
    this.socket.write(bytes);
    this.sentBytes += bytes.length;
    this.print(visibleLines(bytes, { maxBytes: SHOW_AT_MOST }).map((line) => this.chalk.dim(`→ ${line}`)).join("\n"));
  }

  private endOfInput(): void {
    if (this.finished || this.inputEnded) return;
    this.inputEnded = true;
    const { options, chalk } = this;
    if (options.keepOpen) {
      this.print(chalk.dim(text.client.inputEndedKeepOpen));
    } else {
      this.socket.end();
      this.halfClosed = true;
      this.print(chalk.dim(text.client.inputEndedClosed));
    }
    if (options.waitMs !== undefined) this.after(options.waitMs, { kind: "waited", ms: options.waitMs });
    if (this.typing) this.after(options.timeoutMs, { kind: "timed-out", ms: options.timeoutMs, fromInputEnd: true });
  }

  private received(bytes: Buffer): void {
    if (this.finished) return;
    const { chalk } = this;
    this.receivedBytes += bytes.length;
    this.chunks += 1;
    if (this.shownBytes >= SHOW_AT_MOST) return;
    const lines = [chalk.cyan(`← ${this.time()}  ${text.client.bytes(bytes.length)}`)];
    const room = SHOW_AT_MOST - this.shownBytes;
    this.shownBytes += Math.min(bytes.length, room);
    const shown = visibleLines(bytes, { maxBytes: room });
    if (bytes.length > room) shown[shown.length - 1] = chalk.dim(text.client.moreThan(SHOW_AT_MOST));
    lines.push(...shown.map((line) => `  ${line}`));
    this.print(lines.join("\n"));
  }

  private after(ms: number, ending: Ending): void {
    this.timers.push(setTimeout(() => this.finish(ending.kind === "timed-out" ? { ...ending, inputOpen: !this.inputEnded } : ending), ms));
  }

  private finish(ending: Ending): void {
    if (this.finished) return;
    this.finished = true;
    exiting = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.socket.destroy();
    if (this.rl) {
      this.clearTypedLine();
      this.rl.close();
    }
    const { chalk } = this;
    const time = this.time();
    const said = describeEnding(ending, chalk);
    const totals = chalk.dim(text.client.totals(text.client.bytes(this.sentBytes), text.client.bytes(this.receivedBytes), this.chunks));
    const code = ending.kind === "interrupted" ? (ending.signal === "Ctrl-C" ? 130 : 143) : 0;
    const lines = [`■ ${time}  ${said}`, `  ${totals}`];
    if (ending.kind === "fin" && this.halfClosed && this.receivedBytes === 0) {
      lines.push(...text.client.closedWithoutAnswer.map((line) => chalk.dim(line)));
    }
    exitAfter(`${lines.join("\n")}\n`, process.stdout, code);
  }

  private time(): string {
    return `+${Math.round(performance.now() - this.connectedAt)} ms`;
  }

  /** Prints a line of the transcript without mixing it into the line you are typing. */
  private print(line: string): void {
    const terminal = this.sharedTerminal;
    if (!terminal || !this.rl || this.finished) {
      process.stdout.write(`${line}\n`);
      return;
    }
    this.clearTypedLine();
    terminal.write(`${line}\n`);
    // readline redraws the typed line from the row it thinks it is on; it is now on a fresh row.
    (this.rl as unknown as { prevRows?: number }).prevRows = 0;
    this.rl.prompt(true);
  }

  /** Removes the half-typed line from the screen (it stays in readline, to be drawn again). */
  private clearTypedLine(): void {
    const terminal = this.sharedTerminal;
    if (!terminal || !this.rl) return;
    readline.moveCursor(terminal, 0, -this.rl.getCursorPos().rows);
    readline.cursorTo(terminal, 0);
    readline.clearScreenDown(terminal);
  }

  /** After Enter, replaces the echo of the typed line with the → line of what was sent. */
  private eraseTypedLine(line: string): void {
    const terminal = this.sharedTerminal;
    if (!terminal) return;
    const columns = terminal.columns || 80;
    const rows = Math.max(1, Math.ceil([...line].length / columns));
    readline.moveCursor(terminal, 0, -rows);
    readline.cursorTo(terminal, 0);
    readline.clearScreenDown(terminal);
  }
}

function describeEnding(ending: Ending, chalk: ChalkInstance): string {
  switch (ending.kind) {
    case "fin":
      return chalk.green(text.client.fin);
    case "rst":
      return chalk.red(text.client.rst);
    case "broken":
      return chalk.red(text.client.broken(ending.detail));
    case "interrupted":
      return chalk.yellow(text.client.youClosed(ending.signal));
    case "waited":
      return chalk.yellow(text.client.waited(ending.ms));
    case "timed-out": {
      const said = chalk.yellow(text.client.timedOut(ending.ms, ending.fromInputEnd));
      // Git Bash (mintty) hands typed input to Windows programs through a pipe, as if piped in.
      return ending.inputOpen
        ? `${said}\n  ${chalk.dim(text.client.inputOpen)}`
        : said;
    }
  }
}

main().catch((error: unknown) => {
  exiting = true;
  if (error instanceof UsageError) {
    exitAfter(`${error.message}\n`, process.stderr, 2);
    return;
  }
  const message = text.client.failed(error instanceof Error ? error.message : String(error));
  if (process.env.LAB_DEBUG) console.error(error);
  exitAfter(message, process.stderr, 2);
});
