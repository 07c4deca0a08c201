/**
 * npm run lab: the interactive lab (a menu of the phases and what to do with each), and the same
 * actions as plain commands for scripts and for terminals without a menu:
 *
 *   npm run lab -- status | lesson <n> | check <n> | watch <n> | hint <n>
 *   npm run lab -- reset <n> [--yes] | solution <n> [--instructor] [--yes] | restore <n> [--yes]
 *   npm run lab -- help (or --help, -h): these commands
 *
 * Nothing here overwrites a student's file without a dated backup first (see backups.ts).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { copyFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, stripVTControlCharacters } from "node:util";
import Enquirer from "enquirer";
import { backup, latestBackup } from "./backups.ts";
import { findPhase, phases, studentFile } from "../manifest.ts";
import { unsupportedNodeNote } from "../grader/node-lines.ts";
import { stopOnNativeWindows } from "../grader/native-windows.ts";
import { loadProgress, phaseState, recordRun, saveProgress } from "./progress.ts";
import { defaultStyle } from "../grader/report.ts";
import { randomSeed } from "../grader/rng.ts";
import { runPhase } from "../grader/run.ts";
import { text } from "../text.ts";
import type { Phase } from "../types.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { chalk } = defaultStyle();
// Enquirer colours its prompts with ansi-colors, which knows FORCE_COLOR but not NO_COLOR: give it
// the lab's own decision (the same copy enquirer loads, found from enquirer's own folder).
createRequire(fileURLToPath(import.meta.resolve("enquirer")))("ansi-colors").enabled = chalk.level > 0;

class UsageError extends Error {}

function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

function relative(file: string): string {
  return path.relative(ROOT, file).split(path.sep).join("/");
}

function when(iso: string): string {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toTimeString().slice(0, 5) : date.toISOString().slice(0, 10);
}

function stateLabel(phase: Phase): string {
  const { progress } = loadProgress(ROOT);
  const state = phaseState(progress, phase);
  if (state.kind === "not-started") return chalk.dim(text.state.notStarted);
  if (state.kind === "passed") return chalk.green(text.state.passed(when(state.when)));
  const failing = chalk.yellow(text.state.failing(state.at, when(state.when)));
  return state.passedAt ? `${failing}${chalk.green(text.state.passedBefore(when(state.passedAt)))}` : failing;
}

// ---------------------------------------------------------------------------------------------
// The actions

/**
 * The phases' titles at one width, so that the states after them line up. In a terminal too narrow
 * for the longest title and the longest state on one line, the titles are cut (with "…") to fit;
 * `before` is how many columns come before a title.
 */
function titleColumn(before: number, states: string[]): (title: string) => string {
  const longest = Math.max(...phases.map((phase) => phase.title.length));
  const columns = process.stdout.isTTY ? process.stdout.columns : 0;
  const stateWidth = Math.max(...states.map((state) => stripVTControlCharacters(state).length));
  // One column is left free: a line that fills the last column wraps in some terminals.
  const width = columns ? Math.max(24, Math.min(longest, columns - before - 1 - stateWidth - 1)) : longest;
  return (title) => (title.length <= width ? title.padEnd(width) : `${title.slice(0, width - 1)}…`);
}

/** A phase's number and its dot, at one width for all ("9." and, with ten phases or more, " 9."). */
const numberWidth = String(Math.max(...phases.map((phase) => phase.number))).length;
function numbered(phase: Phase): string {
  return `${String(phase.number).padStart(numberWidth)}.`;
}

function status(): void {
  const { rebuilt } = loadProgress(ROOT);
  if (rebuilt) console.log(chalk.dim(text.progressRebuilt(rebuilt)));
  const states = phases.map(stateLabel);
  const slugWidth = Math.max(...phases.map((phase) => phase.slug.length));
  const title = titleColumn(2 + numberWidth + 2 + slugWidth + 1, states);
  for (const [i, phase] of phases.entries()) console.log(`  ${numbered(phase)} ${phase.slug.padEnd(slugWidth)} ${title(phase.title)} ${states[i]}`);
}

function commandList(heading: string): void {
  console.log(heading);
  const width = Math.max(...text.commands.map(([command]) => command.length));
  for (const [command, what] of text.commands) console.log(`  ${command.padEnd(width)}  ${chalk.dim(what)}`);
}

/** Prints a lesson with a little colour: headings stand out, code is dimmed. */
function lesson(phase: Phase): void {
  const markdown = readFileSync(path.join(ROOT, phase.dir, "README.md"), "utf8");
  let inCode = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) {
      inCode = !inCode;
      continue;
    }
    if (inCode) console.log(chalk.dim(`    ${line}`));
    else if (line.startsWith("#")) console.log(chalk.bold.cyan(line.replace(/^#+\s*/, "")));
    else console.log(line.replace(/\*\*(.+?)\*\*/g, (_, bold: string) => chalk.bold(bold)).replace(/`([^`]+)`/g, (_, code: string) => chalk.cyan(code)));
  }
}

/** Runs the checker as its own process (the menu stays out of its way, Ctrl-C included). */
function runChecker(phase: Phase, extra: string[] = []): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "checker", "student", "cli.ts"), String(phase.number), ...extra], {
      cwd: ROOT,
      stdio: "inherit",
    });
    // Ctrl-C goes to the checker (it stops its server); the menu waits for it and goes on.
    const ignore = (): void => {};
    process.on("SIGINT", ignore);
    child.on("exit", (code) => {
      process.off("SIGINT", ignore);
      resolve(code);
    });
  });
}

async function hint(phase: Phase): Promise<void> {
  let { progress } = loadProgress(ROOT);
  let entry = progress.phases[String(phase.number)];
  if (!entry) {
    console.log(text.hint.noRun(phase.number));
    const report = await runPhase({
      phase,
      target: { kind: "file", file: path.join(ROOT, studentFile(phase)), label: studentFile(phase) },
      seed: randomSeed(),
      root: ROOT,
    });
    recordRun(ROOT, report);
    progress = loadProgress(ROOT).progress;
    entry = progress.phases[String(phase.number)]!;
  }
  const problem = entry.firstProblem;
  if (!problem) {
    console.log(text.hint.passed(phase.number));
    return;
  }
  const check = phase.checks.find((c) => c.id === problem.id);
  const hints = check?.hints ?? [text.lab.noHintsHint];
  const seen = entry.hintsSeen[problem.id] ?? 0;
  const level = Math.min(seen + 1, hints.length);
  console.log(chalk.bold(text.hint.level(level, hints.length, `${problem.number} ${problem.title}`)));
  console.log(`  ${chalk.cyan(hints[level - 1])}`);
  console.log(chalk.dim(level < hints.length ? text.hint.next(phase.number) : text.hint.last));
  entry.hintsSeen[problem.id] = level;
  saveProgress(ROOT, progress);
}

async function confirm(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!interactive()) {
    console.error(text.files.needsYes);
    return false;
  }
  const prompt = new (Enquirer as unknown as { Confirm: new (options: object) => { run(): Promise<boolean> } }).Confirm({
    name: "ok",
    message: question,
    initial: false,
    // Enquirer shows the raw boolean ("› false" before any key, "· true" after): show the answer in words, once given.
    format(this: { state: { submitted: boolean }; styles: { success(text: string): string } }, value: boolean): string {
      return this.state.submitted ? this.styles.success(value ? text.files.answerYes : text.files.answerNo) : "";
    },
  });
  try {
    return await prompt.run();
  } catch {
    return false; // Ctrl-C or Esc: the answer is no.
  }
}

/** Replaces the student's file with `source`, after a backup; returns whether it did. */
async function replaceStudentFile(phase: Phase, source: string, question: string, done: string, yes: boolean): Promise<boolean> {
  const file = path.join(ROOT, studentFile(phase));
  if (!(await confirm(question, yes))) {
    console.log(text.files.cancelled);
    return false;
  }
  const saved = backup(ROOT, phase.dir, file);
  if (saved) console.log(text.files.backedUp(studentFile(phase), relative(saved)));
  copyFileSync(source, file);
  console.log(chalk.green(done));
  return true;
}

async function reset(phase: Phase, yes: boolean): Promise<boolean> {
  return replaceStudentFile(phase, path.join(ROOT, phase.skeleton), text.files.confirmReset(studentFile(phase)), text.files.resetDone(studentFile(phase)), yes);
}

async function solution(phase: Phase, yes: boolean, instructor: boolean): Promise<boolean> {
  const { progress } = loadProgress(ROOT);
  if (!instructor && !progress.phases[String(phase.number)]?.passedAt) {
    console.log(text.files.solutionLocked(phase.number));
    return false;
  }
  return replaceStudentFile(phase, path.join(ROOT, phase.solution), text.files.confirmSolution(studentFile(phase)), text.files.solutionDone(studentFile(phase)), yes);
}

async function restore(phase: Phase, yes: boolean): Promise<boolean> {
  // The latest backup is chosen before the current file is itself backed up.
  const latest = latestBackup(ROOT, phase.dir);
  if (!latest) {
    console.log(text.files.noBackup(phase.number));
    return false;
  }
  return replaceStudentFile(
    phase,
    latest,
    text.files.confirmRestore(studentFile(phase), relative(latest)),
    text.files.restoreDone(studentFile(phase), relative(latest)),
    yes,
  );
}

// ---------------------------------------------------------------------------------------------
// The menu

type SelectLike = { run(): Promise<string>; index: number; choices: unknown[]; submit(): Promise<void>; up(): void; down(): void; render(): void };
const SelectBase = (Enquirer as unknown as { Select: new (options: object) => SelectLike }).Select;

/** A Select that also takes j/k (Git Bash and cmd mangle arrow keys) and a number to pick a line. */
class MenuSelect extends SelectBase {
  dispatch(ch: string): unknown {
    if (ch === "j") return this.down();
    if (ch === "k") return this.up();
    if (ch === "q") return this.pick(this.choices.length - 1);
    return undefined;
  }
  number(ch: string): unknown {
    return this.pick(Number(ch) - 1);
  }
  private pick(index: number): unknown {
    if (index < 0 || index >= this.choices.length) return undefined;
    this.index = index;
    return this.submit();
  }
}

async function choose(message: string, choices: Array<{ name: string; message: string }>): Promise<string | null> {
  const prompt = new MenuSelect({ name: "choice", message, choices });
  try {
    return await prompt.run();
  } catch {
    return null; // Esc or Ctrl-C
  }
}

async function pause(): Promise<void> {
  const prompt = new (Enquirer as unknown as { Input: new (options: object) => { run(): Promise<string> } }).Input({ name: "go", message: text.menu.pressEnter });
  await prompt.run().catch(() => undefined);
}

async function menu(): Promise<void> {
  // A terminal that reports no size (some pseudo-terminals) would get an empty menu.
  if (!process.stdout.rows) process.stdout.rows = 24;
  if (!process.stdout.columns) process.stdout.columns = 80;
  for (;;) {
    const states = phases.map(stateLabel);
    // Before a title: enquirer's pointer and its space, then "9. ".
    const title = titleColumn(2 + numberWidth + 2, states);
    const picked = await choose(text.menu.title, [
      ...phases.map((phase, i) => ({ name: String(phase.number), message: `${numbered(phase)} ${title(phase.title)} ${states[i]}` })),
      { name: "quit", message: `${phases.length + 1}. ${text.menu.quit}` },
    ]);
    if (picked === null || picked === "quit") return;
    const phase = findPhase(picked)!;
    for (;;) {
      const actions = Object.entries(text.menu.actions).map(([name, label], i) => ({ name, message: `${i + 1}. ${label}` }));
      const action = await choose(text.menu.actionTitle(text.menu.phase(phase.number, phase.slug, stateLabel(phase))), [
        ...actions,
        { name: "back", message: `${actions.length + 1}. ${text.menu.back}` },
      ]);
      if (action === null || action === "back") break;
      if (action === "lesson") lesson(phase);
      else if (action === "check") await runChecker(phase);
      else if (action === "watch") await runChecker(phase, ["--watch"]);
      else if (action === "hint") await hint(phase);
      else if (action === "reset") await reset(phase, false);
      else if (action === "solution") await solution(phase, false, false);
      else if (action === "restore") await restore(phase, false);
      await pause();
    }
  }
}

// ---------------------------------------------------------------------------------------------

async function main(argv: string[]): Promise<number> {
  await stopOnNativeWindows();
  const nodeNote = unsupportedNodeNote();
  if (nodeNote) console.error(nodeNote);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { yes: { type: "boolean", short: "y" }, instructor: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    // parseArgs words its errors for programmers ("To specify a positional argument starting with a '-' ..."): say it plainly.
    const { code, message } = error as { code?: string; message: string };
    const option = /'([^']+)'/.exec(message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) throw new UsageError(text.lab.unknownOption(option));
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) throw new UsageError(text.lab.optionTakesNoValue(option));
    throw new UsageError(message);
  }
  const [command, phaseId, ...rest] = parsed.positionals;
  if (parsed.values.help || command === "help") {
    console.log(text.lab.usageLine);
    console.log();
    commandList(text.lab.helpHeading);
    return 0;
  }
  const yes = parsed.values.yes ?? false;
  if (rest.length > 0) throw new UsageError(text.lab.tooManyWords(rest.join(" ")));
  if (command === undefined) {
    if (!interactive()) {
      status();
      console.log();
      commandList(text.menu.notATerminal);
      return 0;
    }
    await menu();
    return 0;
  }
  if (command === "status") {
    status();
    return 0;
  }
  const known = ["lesson", "check", "watch", "hint", "reset", "solution", "restore"];
  if (!known.includes(command)) throw new UsageError(text.lab.unknownCommand(command, known.join(", ")));
  if (phaseId === undefined) throw new UsageError(text.lab.needsPhase(command));
  const phase = findPhase(phaseId);
  if (!phase) throw new UsageError(text.lab.noSuchPhase(phaseId, phases.map((p) => `${p.number} (${p.slug})`).join(", ")));
  switch (command) {
    case "lesson":
      lesson(phase);
      return 0;
    case "check":
      return (await runChecker(phase)) ?? 1;
    case "watch":
      return (await runChecker(phase, ["--watch"])) ?? 1;
    case "hint":
      await hint(phase);
      return 0;
    case "reset":
      return (await reset(phase, yes)) ? 0 : 1;
    case "solution":
      return (await solution(phase, yes, parsed.values.instructor ?? false)) ? 0 : 1;
    default:
      return (await restore(phase, yes)) ? 0 : 1;
  }
}

// `npm run hint 3` is `lab.ts hint 3`: package.json passes the word.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(text.usage(error.message));
      process.exit(2);
    }
    console.error(text.lab.failed(error instanceof Error ? error.message : String(error)));
    if (process.env.LAB_DEBUG) console.error(error);
    process.exit(2);
  },
);

