/**
 * The report: what a student reads. One line per check; for a failed one, what was sent, what came
 * back (CR and LF made visible), what was expected, one hint, how to try it by hand, and the last
 * lines the server printed.
 */
import { Chalk, type ChalkInstance } from "chalk";
import type { CheckResult, Phase, RunReport, Target } from "../types.ts";
import { printable, visibleLines } from "./visible.ts";
import { text } from "../text.ts";
import { describeRule } from "./http-rules.ts";
import { studentFile } from "../manifest.ts";

export interface Style {
  chalk: ChalkInstance;
  /** Terminal width to wrap prose at. */
  width: number;
}

/** Colour unless NO_COLOR is set or the output is not a terminal; FORCE_COLOR (1 or 0) decides over both. */
export function defaultStyle(stream: NodeJS.WriteStream = process.stdout): Style {
  const force = process.env.FORCE_COLOR;
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  const forced = force === undefined || force === "" ? undefined : force !== "0" && force !== "false";
  const level = forced !== undefined ? (forced ? 1 : 0) : noColor || !stream.isTTY ? 0 : 1;
  return { chalk: new Chalk({ level }), width: Math.min(Math.max(stream.columns ?? 100, 60), 110) };
}

export const plainStyle: Style = { chalk: new Chalk({ level: 0 }), width: 100 };

export function describeTarget(target: Target): string {
  if (target.kind === "file") return target.label;
  if (target.kind === "cmd") return text.report.command(target.command);
  return text.report.ownServer(target.port);
}

export function renderHeader(phase: Phase, target: Target, info: { seed: number; port: number; slowMs: number }, style: Style): string {
  const { chalk } = style;
  const where = target.kind === "port" ? text.report.port(info.port) : text.report.portWithEnv(info.port, info.slowMs);
  return [
    chalk.bold(text.report.phaseTitle(phase.number, phase.title)),
    chalk.dim(text.report.grading(describeTarget(target), where, info.seed)),
    "",
  ].join("\n");
}

const MARKS = { pass: "✓", fail: "✗", error: "!", skip: "-" } as const;

export function renderResult(result: CheckResult, style: Style): string {
  const { chalk } = style;
  const colour = { pass: chalk.green, fail: chalk.red, error: chalk.magenta, skip: chalk.dim }[result.status];
  const label = result.status === "error" ? text.report.errorLabel : "";
  const title = `${colour(MARKS[result.status])} ${result.number} ${result.title}${result.status === "error" ? colour(label) : ""}`;
  const time = result.status === "pass" || result.status === "fail" ? chalk.dim(`  ${formatMs(result.durationMs)}`) : "";
  if (result.status === "pass") return `  ${title}${time}`;
  if (result.status === "skip") return `  ${chalk.dim(`${MARKS.skip} ${result.number} ${result.title} — ${printable(result.finding?.message ?? text.report.skipped)}`)}`;

  const finding = result.finding!;
  const lines = [`  ${title}${time}`];
  const indent = "      ";
  const labelWidth = 10;
  const field = (name: string, body: string[]): void => {
    body.forEach((line, i) => lines.push(`${indent}${i === 0 ? chalk.bold(name.padEnd(labelWidth)) : " ".repeat(labelWidth)}${line}`));
  };
  const { labels } = text.report;
  lines.push(...wrap(finding.message, style.width - indent.length).map((line) => indent + line));
  if (finding.sent !== undefined) field(labels.sent, visibleLines(finding.sent, { maxBytes: 400 }));
  if (finding.received !== undefined || finding.receivedNote) {
    const got = finding.received && finding.received.length > 0 ? visibleLines(finding.received, { maxBytes: shownBytes(finding.received) }) : [];
    if (finding.receivedNote) got.push(chalk.dim(`(${printable(finding.receivedNote)})`));
    field(labels.got, got);
  }
  if (finding.reference) field(labels.reference, [...visibleLines(finding.reference, { maxBytes: shownBytes(finding.reference) }), chalk.dim(`(${finding.referenceNote ?? text.report.referenceNote})`)]);
  if (finding.expected) field(labels.expected, wrap(finding.expected, style.width - indent.length - labelWidth));
  if (finding.rule) field(labels.rule, wrap(describeRule(finding.rule), style.width - indent.length - labelWidth));
  if (result.hint) field(labels.hint, wrap(result.hint, style.width - indent.length - labelWidth).map((line) => chalk.cyan(line)));
  if (finding.tryIt) field(labels.tryIt, finding.tryIt.split("\n").map((line) => printable(line)));
  if (result.serverTail) {
    if (result.serverTail.length === 0) {
      lines.push(`${indent}${chalk.bold(text.report.serverOutput)} ${chalk.dim(text.report.printedNothing)}`);
    } else {
      const tail = result.serverTail.slice(-8);
      lines.push(`${indent}${chalk.bold(text.report.serverOutputLast(tail.length))}`);
      // The server's own output: whatever it printed (colour, a window title, a clear-screen code) is shown, never obeyed.
      for (const line of tail) lines.push(`${indent}  ${chalk.dim("│")} ${printable(line)}`);
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * How much of an answer to show: 600 bytes, or, when its head says Content-Encoding, the head and
 * the first 32 bytes of the body: compressed bytes read as noise, and the check says what they
 * decode to. The rest is counted ("… N more bytes not shown").
 */
function shownBytes(bytes: Buffer): number {
  const headEnd = bytes.indexOf("\r\n\r\n");
  if (headEnd === -1 || !/\r\ncontent-encoding:/i.test(bytes.subarray(0, headEnd + 2).toString("latin1"))) return 600;
  return Math.min(600, headEnd + 4 + 32);
}

export function renderSummary(report: RunReport, style: Style, nextPhase: Phase | undefined): string {
  const { chalk } = style;
  const count = (status: CheckResult["status"]): number => report.results.filter((result) => result.status === status).length;
  const [passed, failed, errors, skipped] = [count("pass"), count("fail"), count("error"), count("skip")];
  const parts = [text.report.passed(passed), text.report.failed(failed)];
  if (errors) parts.push(text.report.errors(errors));
  if (skipped) parts.push(text.report.skippedCount(skipped));
  const lines = ["", `${parts.join(", ")} ${chalk.dim(`(${formatMs(report.durationMs)})`)}`];
  const first = report.results.find((result) => result.status === "fail" || result.status === "error");
  if (!first) {
    lines.push(chalk.green.bold(text.report.phasePassed(report.phase.number)) + (nextPhase ? text.report.next(`${nextPhase.dir}/README.md`) : text.report.lastPhase));
  } else {
    lines.push(text.report.fixFirst(first.number, report.seed));
    if (report.results.some((result) => result.finding?.tryIt) && report.target.kind === "file") {
      // The phase's own file has a short way to start it; any other file is started by its path.
      const own = report.target.label === studentFile(report.phase);
      lines.push(chalk.dim(own ? text.report.tryItNoteServe(report.phase.number) : text.report.tryItNote(report.target.label)));
    }
    if (report.keptWebRoot) lines.push(chalk.dim(text.report.keptWebRoot(printable(report.keptWebRoot), report.phase.number)));
  }
  return lines.join("\n") + "\n";
}

export function renderReport(report: RunReport, style: Style, nextPhase?: Phase): string {
  return [
    renderHeader(report.phase, report.target, report, style),
    ...report.results.map((result) => renderResult(result, style)),
    renderSummary(report, style, nextPhase),
  ].join("\n");
}

function formatMs(ms: number): string {
  return ms < 1000 ? text.report.ms(ms) : text.report.seconds((ms / 1000).toFixed(1));
}

/**
 * The words of a line, split at single spaces, except inside a short quoted string: the value
 * "Jürgen ✓ ada" in a JSON text is one word, so a wrapped line never looks like a line break in it.
 */
function words(paragraph: string): string[] {
  const out: string[] = [];
  let word = "";
  for (let i = 0; i < paragraph.length; i++) {
    const char = paragraph[i]!;
    if (char === '"') {
      const end = paragraph.indexOf('"', i + 1);
      if (end !== -1 && end - i <= 40) {
        word += paragraph.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (char === " ") {
      out.push(word);
      word = "";
    } else {
      word += char;
    }
  }
  out.push(word);
  return out;
}

/** Our prose may quote a server's words: each of its lines is made printable before it is wrapped. */
function wrap(prose: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of prose.split("\n").map((line) => printable(line))) {
    if (/^\s/.test(paragraph)) {
      out.push(paragraph); // preformatted (a source excerpt)
      continue;
    }
    let line = "";
    for (const word of words(paragraph)) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    out.push(line);
  }
  return out;
}
