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
import { defaultStyle } from "./report.ts";
import { ESCAPES_HELP, LineEnds, SendTextError, parseSendText, type LineEnd } from "./send-text.ts";
import { visibleLines } from "./visible.ts";

const DEFAULT_TIMEOUT_MS = 10_000;
/** Received bytes shown at most; the rest is counted, not printed (a flooding server). */
const SHOW_AT_MOST = 100_000;

const USAGE = `Usage: npm run client -- [host] <port> [options]

A raw TCP client, like nc: it sends what you type and shows what comes back, with \\r and \\n
made visible, when each piece arrived, and who closed the connection. The host is 127.0.0.1
unless you give one.

Type a line and press Enter: it is sent with \\r\\n at its end (an empty line sends just \\r\\n).
Ctrl-D on an empty line ends your input: your side of the connection is closed (the server
reads end-of-stream) and the client waits for the server to close. Ctrl-C closes and quits.

Piped input (not typed) is sent as it arrives, each line end (\\n or \\r\\n) turned into \\r\\n
(\\n with --lf); a last line without a line end is sent as it is. The end of the input counts
as Ctrl-D.

Options (after --, so that npm passes them on):
  --lf              end lines with a bare \\n instead of \\r\\n (as nc does without -C)
  --send '<text>'   send exactly these bytes instead of reading input, then end your side;
                    escapes: ${ESCAPES_HELP}
  --keep-open       when your input ends, keep your side open (as nc does without -N): a
                    server that closes as soon as you end your side can still answer
  --wait <ms>       after your input ends, wait this long for the server, then close
  --timeout <ms>    never wait longer than this, from the start (default ${DEFAULT_TIMEOUT_MS}); when you
                    type, from the end of your input
  --help            show this text

Examples:
  npm run client -- 8000
  npm run client -- 8000 --send 'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'
  printf 'GET / HTTP/1.1\\nHost: x\\n\\n' | npm run client -- 8000
  npm run client -- localhost 8000 --lf`;

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

function wholeNumber(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
    usageError(`--${name} needs a whole number of milliseconds from ${min} to ${max}, not "${text}".`);
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
    usageError(`npm kept ${kept.join(", ")} for itself. Put -- before the client's options: npm run client -- 8000 ${kept.join(" ")} ...`);
  }
  if (positionals.length === 0) usageError("Which port? e.g. npm run client -- 8000");
  if (positionals.length > 2) usageError(`Give a port, or a host and a port, nothing more (got: ${positionals.join(" ")}).`);
  const [host, portText] = positionals.length === 2 ? [positionals[0]!, positionals[1]!] : ["127.0.0.1", positionals[0]!];
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) usageError(`"${portText}" is not a port: a port is a whole number from 1 to 65535.`);
  if (host.trim() === "") usageError("The host is empty; leave it out for 127.0.0.1.");
  let send: Buffer | undefined;
  if (values.send !== undefined) {
    if (values.lf) usageError("--lf changes the line ends of typed and piped lines; --send already says every byte: write \\n where you want one.");
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
      return `connection refused. Nothing is listening on that port: is your server running, and on port ${port}?`;
    case "ENOTFOUND":
    case "EAI_NONAME":
    case "EAI_FAIL":
      return `unknown host "${host}". Your own machine is 127.0.0.1 (or localhost).`;
    case "EAI_AGAIN":
      return `could not look up the host "${host}" (the name service did not answer). Your own machine is 127.0.0.1.`;
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
      resolve(`no connection within ${timeoutMs} ms (--timeout). Is the host right, and is it reachable?`);
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
  exitAfter(`\nStopped (${signal}) before the connection was made.\n`, process.stdout, signal === "Ctrl-C" ? 130 : 143);
};
process.on("SIGINT", () => onInterrupt("Ctrl-C"));
process.on("SIGTERM", () => onInterrupt("SIGTERM"));

async function main(): Promise<void> {
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
    exitAfter(`${errorChalk.red(`Could not connect to ${where}: ${opened}`)}\n`, process.stderr, 1);
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
    this.print(chalk.dim(`Connected to ${this.where}.${this.typing ? ` Each line you type is sent with ${lineEnd} when you press Enter.` : ""}`));

    if (options.send !== undefined) {
      this.send(options.send);
      this.endOfInput();
    } else if (this.typing) {
      this.print(chalk.dim("Ctrl-D on an empty line ends your input (your side closes); Ctrl-C closes the connection."));
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
      this.print(chalk.dim("→ (end of your input; your side stays open, --keep-open)"));
    } else {
      this.socket.end();
      this.halfClosed = true;
      this.print(chalk.dim("→ (end of your input: your side is closed, FIN; the server can still answer)"));
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
    const lines = [chalk.cyan(`← ${this.time()}  ${plural(bytes.length, "byte")}`)];
    const room = SHOW_AT_MOST - this.shownBytes;
    this.shownBytes += Math.min(bytes.length, room);
    const shown = visibleLines(bytes, { maxBytes: room });
    if (bytes.length > room) shown[shown.length - 1] = chalk.dim(`… (more than ${SHOW_AT_MOST} bytes came back: the rest is counted, not shown)`);
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
    const totals = chalk.dim(`sent ${plural(this.sentBytes, "byte")}, received ${plural(this.receivedBytes, "byte")}${this.chunks > 1 ? ` in ${this.chunks} chunks` : ""}`);
    const code = ending.kind === "interrupted" ? (ending.signal === "Ctrl-C" ? 130 : 143) : 0;
    const lines = [`■ ${time}  ${said}`, `  ${totals}`];
    if (ending.kind === "fin" && this.halfClosed && this.receivedBytes === 0) {
      lines.push(
        chalk.dim("  The server closed without answering, after you ended your side. If it should have answered: a Node"),
        chalk.dim("  server closes its side as soon as it reads your end, unless it was created with allowHalfOpen: true."),
        chalk.dim("  --keep-open keeps your side open, as nc does without -N."),
      );
    }
    exitAfter(`${lines.join("\n")}\n`, process.stdout, code);
  }

  private time(): string {
    return `+${Math.round(performance.now() - this.connectedAt)} ms`;
  }

  /** Prints a line of the transcript without mixing it into the line you are typing. */
  private print(text: string): void {
    const terminal = this.sharedTerminal;
    if (!terminal || !this.rl || this.finished) {
      process.stdout.write(`${text}\n`);
      return;
    }
    this.clearTypedLine();
    terminal.write(`${text}\n`);
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
      return chalk.green("the server closed the connection (FIN)");
    case "rst":
      return chalk.red("the server reset the connection (RST)");
    case "broken":
      return chalk.red(`the connection broke (${ending.detail})`);
    case "interrupted":
      return chalk.yellow(`you closed it (${ending.signal})`);
    case "waited":
      return chalk.yellow(`you closed it (--wait ${ending.ms} ms after the end of your input)`);
    case "timed-out": {
      const said = chalk.yellow(
        `timed out: the connection was still open after ${ending.ms} ms (--timeout${ending.fromInputEnd ? ", counted from the end of your input" : ""}), so the client closed it`,
      );
      // Git Bash (mintty) hands typed input to Windows programs through a pipe, as if piped in.
      return ending.inputOpen
        ? `${said}\n  ${chalk.dim("Your input had not ended. Typing in a window where the client cannot tell (Git Bash)? Use a longer --timeout, or PowerShell or cmd.")}`
        : said;
    }
  }
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;

main().catch((error: unknown) => {
  exiting = true;
  if (error instanceof UsageError) {
    exitAfter(`${error.message}\n`, process.stderr, 2);
    return;
  }
  const message = `The client failed: ${error instanceof Error ? error.message : String(error)}\nThis is a bug in the lab. Run again with LAB_DEBUG=1 to see details, and please report it.\n`;
  if (process.env.LAB_DEBUG) console.error(error);
  exitAfter(message, process.stderr, 2);
});
