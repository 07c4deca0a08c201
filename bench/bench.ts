/**
 * npm run bench -- <phase> [--solution] [--duration S] [--connections N] [--json]: how fast your
 * server of a phase is beside node:http serving the same page, on this machine.
 *
 * A script that prints figures, not a check: speed depends on the machine and on what else runs,
 * so no test asserts any. Your server (phases/<n>-<slug>/server.ts, or with --solution the lab's
 * reference solution) runs first, then a node:http server that answers the same route with the
 * same bytes; each runs alone, in a process of its own, started and ended like the checker's
 * servers (ServerProcess: nothing outlives the bench, whatever ends it). autocannon loads each in
 * every mode the phase has: close per request, keep-alive (phase 11 on), and ten requests in flight
 * per connection (phase 12 on), after a short warm-up. It prints a table and a latency chart per
 * mode, and writes the two servers' histograms to .lab/bench/phase-<n>.html.
 *
 * The route is GET /: the one every phase from 3 on answers with a 200 (phase 3 answers every path
 * alike; from phase 4 on, / is the visit counter; in phase 15 it is the Hono app's home page).
 * /about, which phases 6 to 14 serve alike, is a 404 in phases 4, 5 and 15.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { findPhase, phases, studentFile } from "../checker/manifest.ts";
import { DEFAULT_SLOW_MS, freePort } from "../checker/grader/run.ts";
import { killAllServers, SERVER_TZ, ServerProcess } from "../checker/grader/server-process.ts";
import { defaultStyle } from "../checker/grader/report.ts";
import type { Phase } from "../checker/types.ts";
import { FIRST_PHASE, load, MODES, PIPELINE_DEPTH, type LoadResult, type Mode } from "./load.ts";
import { formatMs, htmlPage, MARKS, terminalChart, type ModeFigures, type ServerFigures } from "./picture.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ROUTE = "/";
const DEFAULT_SECONDS = 3;
const DEFAULT_CONNECTIONS = 10;
const STARTUP_MS = 10_000;
/** The warm-up before each measured load: short, and shorter still for a short load. */
const warmUpSeconds = (seconds: number): number => Math.min(0.5, seconds / 4);
const list = phases.map((phase) => `${phase.number} ${phase.slug}`).join(", ");

const TITLES: Record<Mode, string> = {
  close: "Close per request (Connection: close)",
  keepAlive: "Keep-alive (one request at a time per connection)",
  pipelined: `Pipelined (${PIPELINE_DEPTH} requests in flight per connection)`,
};

/** The modes as a sentence names them. */
const NAMES: Record<Mode, string> = { close: "close per request", keepAlive: "keep-alive", pipelined: `pipelined (${PIPELINE_DEPTH} in flight)` };

const words = {
  usage:
    "Usage: npm run bench -- <phase> [--solution] [--duration S] [--connections N] [--json]\n" +
    "Loads your server of that phase, then node:http serving the same page, with autocannon: close per request,\n" +
    `keep-alive (phase 11 on) and ${PIPELINE_DEPTH} pipelined requests (phase 12 on); ${DEFAULT_SECONDS} s a mode and ${DEFAULT_CONNECTIONS} connections unless\n` +
    "--duration and --connections say otherwise. --solution loads the lab's reference solution instead (instructors);\n" +
    `--json prints the figures as JSON. Phases: ${list}.`,
  noSuchPhase: (id: string) => `There is no phase "${id}". The phases are: ${list}.`,
  tooEarly: (phase: Phase) =>
    `Phase ${phase.number} (${phase.slug}) has no HTTP answers to measure: its server ${phase.number === 1 ? "only accepts connections" : "only reads requests"}. ` +
    "The bench starts at phase 3, the first whose server answers a request: npm run bench -- 3",
  badNumber: (option: string, value: string, what: string) => `--${option} ${value} is not ${what}.`,
  missingFile: (file: string, phase: number) => `${file} is not there. To get the skeleton back: npm run lab -- reset ${phase}`,
  missingSolution: (file: string) => `${file} is not there: this copy of the lab has no reference solution for that phase.`,
  exitedBeforeListening: (file: string, how: string, tail: string[]) => `${file} ${how} before it listened.${lastLines(tail)}`,
  portInUse: (file: string, port: string | undefined, given: number, tail: string[]) =>
    `${file} could not listen: port${port ? ` ${port}` : ""} is already in use (EADDRINUSE). ` +
    `The bench gave it a free port, PORT=${given}: read it from process.env.PORT${port && Number(port) !== given ? ` instead of writing ${port} into the code (is a server of yours still running on ${port} in another terminal?)` : ", or stop what holds it"}.${lastLines(tail)}`,
  wrongPort: (file: string, ports: number[], given: number) =>
    `${file} listens on port ${ports.join(", ")}, but the bench started it with PORT=${given}. Read the port from the environment: Number(process.env.PORT ?? 8000).`,
  onlyIpv6: (file: string) => `${file} listens on ::1 only; the bench (like the checker) knocks on 127.0.0.1. Listen on HOST = "127.0.0.1".`,
  neverListened: (file: string, seconds: number, port: number) =>
    `${file} was still running after ${seconds} s, but nothing listened on port ${port}. Does your code reach server.listen(PORT, HOST)?`,
  noAnswer: (file: string, why: string, phase: number, tail: string[]) =>
    `${file} gave no usable answer to GET ${ROUTE} (${why}), so there is nothing to measure. Check the phase first: npm run phase ${phase}${lastLines(tail)}`,
  notOk: (file: string, status: number, phase: number) =>
    `${file} answers GET ${ROUTE} with ${status}; the bench measures a page served with a 2xx status. Check the phase first: npm run phase ${phase}`,
  diedUnderLoad: (file: string, mode: string, how: string, tail: string[]) => `${file} ${how} during the ${mode} run.${lastLines(tail)}`,
  silentUnderLoad: (file: string, mode: string, errors: number) =>
    `${file} answered no request in the ${mode} run (${errors} socket error${errors === 1 ? "" : "s"}): nothing to measure.`,
  loading: (label: string, mode: string, seconds: number) => `Loading ${label}: ${mode}, ${seconds} s…`,
  stopped: (signal: string) => `Stopped (${signal}); no server is left running.`,
  failed: (message: string) => `The bench itself failed: ${message}`,
};

function lastLines(tail: string[]): string {
  return tail.length === 0 ? " It printed nothing." : `\nIts last lines:\n${tail.map((line) => `  │ ${line}`).join("\n")}`;
}

/** A problem with how the bench was called: exit status 2, as `npm run phase` does. */
class UsageError extends Error {}
/** The server under test could not be measured: exit status 1. */
class ServerError extends Error {}

interface Options {
  phase: Phase;
  solution: boolean;
  seconds: number;
  connections: number;
  json: boolean;
}

function readOptions(args: string[]): Options | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        solution: { type: "boolean" },
        duration: { type: "string" },
        connections: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split(". ")[0]!.replace(/\.?$/, ".")}\n${words.usage}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length !== 1) throw new UsageError(words.usage);
  const phase = findPhase(positionals[0]!);
  if (!phase) throw new UsageError(words.noSuchPhase(positionals[0]!));
  if (phase.number < FIRST_PHASE.close) throw new UsageError(words.tooEarly(phase));
  const seconds = values.duration === undefined ? DEFAULT_SECONDS : Number(values.duration);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new UsageError(words.badNumber("duration", values.duration!, "a number of seconds (more than 0, at most 600)"));
  const connections = values.connections === undefined ? DEFAULT_CONNECTIONS : Number(values.connections);
  if (!Number.isInteger(connections) || connections < 1 || connections > 1000) throw new UsageError(words.badNumber("connections", values.connections!, "a whole number from 1 to 1000"));
  return { phase, solution: values.solution === true, seconds, connections, json: values.json === true };
}

/** The phase's sample site, for a solution (solutions/ has no public/ of its own), as `npm run serve` finds it. */
function sampleSite(phase: Phase): string | undefined {
  return [phase, ...phases.filter((each) => each.number < phase.number).reverse()]
    .filter((each) => each.site)
    .map((each) => path.join(ROOT, each.dir, "public"))
    .find((folder) => existsSync(folder));
}

interface Page {
  status: number;
  type: string | undefined;
  body: Buffer;
}

/** One GET of the route, on a connection of its own: the page node:http will serve too. */
function fetchPage(port: number): Promise<Page> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path: ROUTE, agent: false, headers: { connection: "close" }, timeout: 5000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, type: response.headers["content-type"], body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error("no answer within 5 s")));
    request.on("error", reject);
  });
}

interface Measured {
  label: string;
  results: Map<Mode, LoadResult>;
  /** Lines the server printed while it was loaded (warm-ups included). */
  linesPrinted: number;
}

/** Starts a server, loads it in every mode, stops it. Throws ServerError when it cannot be measured. */
async function measure(
  label: string,
  command: string[],
  env: Record<string, string>,
  options: Options,
  modes: Mode[],
  progress: (line: string) => void,
  onPage?: (page: Page) => void,
): Promise<Measured> {
  const port = await freePort();
  const server = new ServerProcess({ command, cwd: ROOT, env: { ...env, PORT: String(port) } });
  try {
    const state = await server.waitUntilListening(port, STARTUP_MS);
    if (state.state === "exited") {
      const tail = server.tail();
      const inUse = tail.find((line) => /EADDRINUSE|address already in use/i.test(line));
      if (inUse) throw new ServerError(words.portInUse(label, /:(\d+)\b(?!.*:\d)/.exec(inUse)?.[1], port, tail));
      const how = state.signal ? `was ended by ${state.signal}` : `exited with code ${state.code}`;
      throw new ServerError(words.exitedBeforeListening(label, how, tail));
    }
    if (state.state === "wrong-port") throw new ServerError(words.wrongPort(label, state.ports, port));
    if (state.state === "timeout") throw new ServerError(words.neverListened(label, STARTUP_MS / 1000, port));
    if (state.host !== "127.0.0.1") throw new ServerError(words.onlyIpv6(label));

    let page: Page;
    try {
      page = await fetchPage(port);
    } catch (error) {
      await server.settleOutput(100, 500);
      throw new ServerError(words.noAnswer(label, (error as Error).message, options.phase.number, server.tail()));
    }
    if (page.status < 200 || page.status > 299) throw new ServerError(words.notOk(label, page.status, options.phase.number));
    onPage?.(page);

    const exited = server.exited.then(() => {
      const exit = server.exit!;
      return exit.signal ? `was ended by ${exit.signal}` : `exited with code ${exit.code}`;
    });
    const before = server.mark();
    const results = new Map<Mode, LoadResult>();
    for (const mode of modes) {
      progress(words.loading(label, NAMES[mode], options.seconds));
      // A short warm-up first: the figures are those of code V8 has had the time to optimise.
      const target = { port, path: ROUTE, mode, connections: options.connections, stop: exited };
      await load({ ...target, seconds: warmUpSeconds(options.seconds) });
      const result = server.alive ? await load({ ...target, seconds: options.seconds }) : null;
      if (result === null || result.stoppedBecause !== undefined || !server.alive) {
        await server.exited;
        throw new ServerError(words.diedUnderLoad(label, NAMES[mode], await exited, server.tail()));
      }
      if (result.answers === 0) throw new ServerError(words.silentUnderLoad(label, NAMES[mode], result.socketErrors));
      results.set(mode, result);
    }
    return { label, results, linesPrinted: server.mark() - before };
  } finally {
    await server.stop();
  }
}

function figures(label: string, short: string, result: LoadResult): ServerFigures {
  return {
    label,
    short,
    requestsPerSecond: result.requestsPerSecond,
    p50: result.latency.percentile(0.5),
    p99: result.latency.percentile(0.99),
    errors: result.non2xx + result.socketErrors,
    latency: result.latency,
  };
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

function json(result: LoadResult): Record<string, unknown> {
  return {
    requestsPerSecond: Math.round(result.requestsPerSecond),
    latencyMs: { p50: round(result.latency.percentile(0.5), 3), p99: round(result.latency.percentile(0.99), 3) },
    answers: result.answers,
    errors: result.non2xx + result.socketErrors,
    non2xx: result.non2xx,
    socketErrors: result.socketErrors,
  };
}

function table(mode: ModeFigures, chalk: ReturnType<typeof defaultStyle>["chalk"]): string[] {
  const width = Math.max(mode.server.label.length, mode.nodeHttp.label.length, 24);
  const row = (server: ServerFigures): string =>
    `  ${server.label.padEnd(width)}  ${Math.round(server.requestsPerSecond).toLocaleString("en-US").padStart(9)}  ${formatMs(server.p50).padStart(7)}  ${formatMs(server.p99).padStart(7)}  ${String(server.errors).padStart(6)}`;
  return [
    chalk.bold(mode.title),
    chalk.dim(`  ${"".padEnd(width)}  ${"req/s".padStart(9)}  ${"p50 ms".padStart(7)}  ${"p99 ms".padStart(7)}  ${"errors".padStart(6)}`),
    row(mode.server),
    row(mode.nodeHttp),
    `  ${"ratio of req/s".padEnd(width)}  ${chalk.bold(`${mode.ratio.toFixed(2)}×`.padStart(9))}`,
  ];
}

async function main(args: string[]): Promise<number> {
  const options = readOptions(args);
  if (options === "help") {
    console.log(words.usage);
    return 0;
  }
  const { phase } = options;
  const file = options.solution ? phase.solution : studentFile(phase);
  if (!existsSync(path.join(ROOT, file))) throw new UsageError(options.solution ? words.missingSolution(file) : words.missingFile(file, phase.number));
  const modes = MODES.filter((mode) => phase.number >= FIRST_PHASE[mode]);
  const progress = (line: string): void => {
    if (!options.json) process.stderr.write(`${line}\n`);
  };
  const tsx = import.meta.resolve("tsx");

  // The student's server gets what the checker gives it (run.ts), the time zone and a quiet colour.
  const env: Record<string, string> = { TZ: SERVER_TZ, ...(phase.env?.({ slowMs: DEFAULT_SLOW_MS, site: null }) ?? {}), NO_COLOR: "1" };
  const site = options.solution ? sampleSite(phase) : undefined;
  if (site !== undefined && !process.env.WEB_ROOT) env.WEB_ROOT = site;
  let page: Page | undefined;
  const mine = await measure(file, [process.execPath, "--import", tsx, file], env, options, modes, progress, (got) => (page = got));
  const served = page!;
  const theirs = await measure(
    "node:http",
    [process.execPath, "--import", tsx, path.join("bench", "node-http-server.ts")],
    { BENCH_PATH: ROUTE, BENCH_STATUS: String(served.status), BENCH_TYPE: served.type ?? "", BENCH_BODY: served.body.toString("base64") },
    options,
    modes,
    progress,
  );

  const perMode: ModeFigures[] = modes.map((mode) => {
    const server = figures(file, options.solution ? "the solution" : "your server", mine.results.get(mode)!);
    const nodeHttp = figures("node:http", "node:http", theirs.results.get(mode)!);
    return { mode, title: TITLES[mode], server, nodeHttp, ratio: server.requestsPerSecond / nodeHttp.requestsPerSecond };
  });
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, ${os.platform()}`;
  const pageLine = `GET ${ROUTE}: ${served.status}, ${served.body.length} bytes${served.type ? `, ${served.type}` : ""} (the one route every phase from 3 on answers with a 200); node:http serves the same bytes`;
  const loadLine = `autocannon, ${options.connections} connection${options.connections === 1 ? "" : "s"}, ${options.seconds} s a mode after a ${warmUpSeconds(options.seconds)} s warm-up, one server at a time`;

  const picture = path.join(".lab", "bench", `phase-${phase.number}.html`);
  mkdirSync(path.join(ROOT, ".lab", "bench"), { recursive: true });
  writeFileSync(
    path.join(ROOT, picture),
    htmlPage(`Phase ${phase.number} · ${phase.slug}: ${file} beside node:http`, [`Page: ${pageLine}.`, `Load: ${loadLine}.`, `Machine: ${machine}.`, `Measured ${new Date().toISOString()}.`], perMode),
  );

  if (options.json) {
    const report: Record<string, unknown> = {
      phase: phase.number,
      server: file,
      route: `GET ${ROUTE}`,
      durationS: options.seconds,
      connections: options.connections,
      machine: { cpus: os.cpus().length, node: process.version, platform: os.platform() },
      linesPrinted: mine.linesPrinted,
      picture,
    };
    for (const mode of modes) {
      const [server, nodeHttp] = [mine.results.get(mode)!, theirs.results.get(mode)!];
      report[mode] = { server: json(server), nodeHttp: json(nodeHttp), ratio: round(server.requestsPerSecond / nodeHttp.requestsPerSecond, 3) };
    }
    console.log(JSON.stringify(report, null, 2));
    return 0;
  }

  const { chalk } = defaultStyle(process.stdout);
  const lines = [
    "",
    chalk.bold(`Phase ${phase.number} · ${phase.slug}: ${file} beside node:http`),
    chalk.dim(`Page: ${pageLine}.`),
    chalk.dim(`Load: ${loadLine}.`),
    chalk.dim(`Machine: ${machine}.`),
  ];
  for (const mode of perMode) lines.push("", ...table(mode, chalk), "", ...terminalChart(mode, chalk));
  lines.push("");
  if (mine.linesPrinted > 0) {
    lines.push(`${file} printed ${mine.linesPrinted.toLocaleString("en-US")} lines while it was loaded: printing is work done for every request, and the figures above include it.`);
  }
  lines.push(`Latency histograms (${MARKS.server} and ${MARKS.nodeHttp} above): ${picture}`);
  console.log(lines.join("\n"));
  return 0;
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    killAllServers();
    try {
      process.stderr.write(`\n${words.stopped(signal)}\n`);
    } catch {
      // The terminal is gone (SIGHUP).
    }
    process.exit(130);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    killAllServers();
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    if (error instanceof ServerError) {
      console.error(error.message);
      process.exit(1);
    }
    console.error(words.failed(error instanceof Error ? error.message : String(error)));
    if (process.env.LAB_DEBUG) console.error(error);
    process.exit(1);
  },
);
