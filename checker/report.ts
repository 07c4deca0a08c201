/**
 * The report: what a student reads. One line per check; for a failed one, what was sent, what came
 * back (CR and LF made visible), what was expected, one hint, how to try it by hand, and the last
 * lines the server printed.
 */
import { Chalk, type ChalkInstance } from "chalk";
import type { CheckResult, Phase, RunReport, Target } from "./types.ts";
import { visibleLines } from "./visible.ts";

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
  if (target.kind === "cmd") return `the command: ${target.command}`;
  return `the server you started on port ${target.port}`;
}

export function renderHeader(phase: Phase, target: Target, info: { seed: number; port: number; slowMs: number }, style: Style): string {
  const { chalk } = style;
  const where = target.kind === "port" ? `port ${info.port}` : `port ${info.port} (PORT=${info.port}${info.slowMs ? `, SLOW_MS=${info.slowMs}` : ""})`;
  return [
    chalk.bold(`Phase ${phase.number} · ${phase.title}`),
    chalk.dim(`Grading ${describeTarget(target)} on ${where} · seed ${info.seed}`),
    "",
  ].join("\n");
}

const MARKS = { pass: "✓", fail: "✗", error: "!", skip: "-" } as const;

export function renderResult(result: CheckResult, style: Style): string {
  const { chalk } = style;
  const colour = { pass: chalk.green, fail: chalk.red, error: chalk.magenta, skip: chalk.dim }[result.status];
  const label = result.status === "error" ? " (error: the server did not run properly)" : "";
  const title = `${colour(MARKS[result.status])} ${result.number} ${result.title}${result.status === "error" ? colour(label) : ""}`;
  const time = result.status === "pass" || result.status === "fail" ? chalk.dim(`  ${formatMs(result.durationMs)}`) : "";
  if (result.status === "pass") return `  ${title}${time}`;
  if (result.status === "skip") return `  ${chalk.dim(`${MARKS.skip} ${result.number} ${result.title} — ${result.finding?.message ?? "skipped"}`)}`;

  const finding = result.finding!;
  const lines = [`  ${title}${time}`];
  const indent = "      ";
  const labelWidth = 10;
  const field = (name: string, body: string[]): void => {
    body.forEach((text, i) => lines.push(`${indent}${i === 0 ? chalk.bold(name.padEnd(labelWidth)) : " ".repeat(labelWidth)}${text}`));
  };
  lines.push(...wrap(finding.message, style.width - indent.length).map((text) => indent + text));
  if (finding.sent !== undefined) field("sent", visibleLines(finding.sent, { maxBytes: 400 }));
  if (finding.received !== undefined || finding.receivedNote) {
    const got = finding.received && finding.received.length > 0 ? visibleLines(finding.received, { maxBytes: 600 }) : [];
    if (finding.receivedNote) got.push(chalk.dim(`(${finding.receivedNote})`));
    field("got", got);
  }
  if (finding.expected) field("expected", wrap(finding.expected, style.width - indent.length - labelWidth));
  if (result.hint) field("hint", wrap(result.hint, style.width - indent.length - labelWidth).map((text) => chalk.cyan(text)));
  if (finding.tryIt) field("try it", finding.tryIt.split("\n"));
  if (result.serverTail) {
    if (result.serverTail.length === 0) {
      lines.push(`${indent}${chalk.bold("server output:")} ${chalk.dim("(it printed nothing)")}`);
    } else {
      const tail = result.serverTail.slice(-8);
      lines.push(`${indent}${chalk.bold(`server output (last ${tail.length} line${tail.length > 1 ? "s" : ""}):`)}`);
      for (const text of tail) lines.push(`${indent}  ${chalk.dim("│")} ${text}`);
    }
  }
  return lines.join("\n") + "\n";
}

export function renderSummary(report: RunReport, style: Style, nextPhase: Phase | undefined): string {
  const { chalk } = style;
  const count = (status: CheckResult["status"]): number => report.results.filter((result) => result.status === status).length;
  const [passed, failed, errors, skipped] = [count("pass"), count("fail"), count("error"), count("skip")];
  const parts = [`${passed} passed`, `${failed} failed`];
  if (errors) parts.push(`${errors} error${errors > 1 ? "s" : ""}`);
  if (skipped) parts.push(`${skipped} skipped`);
  const lines = ["", `${parts.join(", ")} ${chalk.dim(`(${formatMs(report.durationMs)})`)}`];
  const first = report.results.find((result) => result.status === "fail" || result.status === "error");
  if (!first) {
    lines.push(chalk.green.bold(`Phase ${report.phase.number} passed.`) + (nextPhase ? ` Next: ${nextPhase.dir}/README.md` : " That was the last phase: well done."));
  } else {
    lines.push(`Fix ${first.number} first, then run the check again. This run's requests are repeated exactly with --seed ${report.seed}.`);
    if (report.results.some((result) => result.finding?.tryIt) && report.target.kind === "file") {
      lines.push(chalk.dim(`"try it" lines talk to your own server on port 8000: start it first with npx tsx ${report.target.label}`));
    }
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
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    if (/^\s/.test(paragraph)) {
      out.push(paragraph); // preformatted (a source excerpt)
      continue;
    }
    let line = "";
    for (const word of paragraph.split(" ")) {
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
