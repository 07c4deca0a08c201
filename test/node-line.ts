/**
 * `npm test` on a Node.js line outside package.json's engines (checker/grader/node-lines.ts).
 *
 * The recorded reports in test/reports/ hold Node's own words as the supported lines say them:
 * V8's error messages, how Node prints an uncaught exception (and so which lines are a crash's
 * last 8), the messages of fetch (undici). Another line words them otherwise, and that is no bug of
 * the checker. So there, a report that reads otherwise than its record is skipped with the reason,
 * never written (not even with --update, not even a missing <name>.node<line>.txt), while every
 * other assertion of the test still runs and still fails as it would anywhere. (On Node 20 those
 * others, the first failure and its words, hold as on the supported lines: the checker's own words
 * do not change with the line.) Any difference is skipped there, Node's or not: the reason names the
 * first line that differs, and the supported lines, which CI runs, still compare every record.
 *
 * LAB_NODE_VERSION_AS=v20.20.2 makes this module (and only it) take that for the running version:
 * the way its own test (test/unit/node-line.test.ts) checks the rule on a supported line.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, onTestFinished } from "vitest";
import type { Reporter, TestModule, Vitest } from "vitest/node";
import { SUPPORTED_NODE_LINES, isSupportedNode } from "../checker/grader/node-lines.ts";

export const NODE_VERSION = process.env.LAB_NODE_VERSION_AS || process.version;

const lineOf = (version: string): number => Number(/^v?(\d+)/.exec(version)?.[1]);

export const SUPPORTED = isSupportedNode(lineOf(NODE_VERSION));

/** The one line `npm test` prints first on another line, or null on a supported one. */
export function unsupportedLineNote(version = NODE_VERSION): string | null {
  if (isSupportedNode(lineOf(version))) return null;
  const lines = SUPPORTED_NODE_LINES.join(", ");
  // The newest line but one: with three lines supported, the one in active LTS most of the year.
  const suggested = SUPPORTED_NODE_LINES.at(-2) ?? SUPPORTED_NODE_LINES[0];
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  return (
    `Note: this is Node ${version}, not a line the lab is tested on (${lines}: package.json's engines), so the recorded ` +
    `reports that read otherwise here, in Node's own words, are skipped. To run them all: bash .ci/each-node npm test ` +
    `(it fetches node-linux-${arch}@${SUPPORTED_NODE_LINES.join(", @")} from the npm registry), or nvm install ${suggested}.`
  );
}

/** Called by vitest.config.ts: it runs before vitest prints anything, and once per run. */
export function printUnsupportedLineNote(): void {
  const note = unsupportedLineNote();
  if (note) process.stderr.write(`${note}\n`);
}

/** How every reason to skip begins (and suite.ts's test that stands for the per-line records). */
const notSupported = (version: string): string => `Node ${version.replace(/^v/, "")} is not a supported line (${SUPPORTED_NODE_LINES.join(", ")})`;

/** Why a report is not held to its record on this line, or null when it matches (or the line is supported). */
export function recordSkipReason(text: string, record: string, version = NODE_VERSION): string | null {
  if (isSupportedNode(lineOf(version))) return null;
  const name = path.basename(record);
  const why = notSupported(version);
  if (!existsSync(record)) return `${why}: there is no ${name}, and no record is made on this line`;
  const recorded = readFileSync(record, "utf8").split("\n");
  const lines = text.split("\n");
  const first = lines.findIndex((line, index) => line !== recorded[index]);
  // The first line that differs, so that a difference that is not Node's words can be told apart.
  const from = (first === -1 ? Math.min(lines.length, recorded.length) : first) + 1;
  if (first !== -1 || lines.length !== recorded.length) return `${why}: the report reads otherwise than ${name} from line ${from}, recorded in the words of a supported line`;
  return null;
}

/**
 * expectRecord on an unsupported line: the report is compared, never written. A difference skips
 * the test once it has finished, so that its assertions after this one still run; a test that
 * failed anyway stays failed.
 */
export function compareRecordOffLine(text: string, record: string): void {
  const reason = recordSkipReason(text, record);
  if (reason === null) {
    expect(text).toBe(readFileSync(record, "utf8"));
    return;
  }
  onTestFinished((context) => {
    if (context.task.result?.state === "pass") context.skip(reason);
  });
}

/**
 * For vitest.config.ts: on an unsupported line, the default reporter after one that names the
 * tests this line skipped (the default names no skipped test of a file that passed); elsewhere, nothing.
 */
export function unsupportedLineReporters(): { reporters?: (Reporter | "default" | "github-actions")[] } {
  if (SUPPORTED) return {};
  const prefix = notSupported(NODE_VERSION);
  let vitest: Vitest | undefined;
  const named: Reporter = {
    onInit: (ctx) => void (vitest = ctx),
    onTestRunEnd: (modules: ReadonlyArray<TestModule>) => {
      const lines: string[] = [];
      for (const module of modules) {
        for (const test of module.children.allTests("skipped")) {
          const result = test.result();
          const file = path.relative(vitest?.config.root ?? ".", test.module.moduleId);
          // A record skipped by compareRecordOffLine has the reason as its note; suite.ts's stand-in for the per-line records, as its name.
          const note = result.state === "skipped" ? result.note : undefined;
          if (note?.startsWith(prefix)) lines.push(`   ↓ ${file} > ${test.name}  [${note.slice(prefix.length + 2)}]`);
          else if (test.name.startsWith(prefix)) lines.push(`   ↓ ${file}  [${test.name.slice(prefix.length + 2)}]`);
        }
      }
      if (lines.length) vitest?.logger.log([`\n ${prefix}, so these are skipped:`, ...lines].join("\n"));
    },
  };
  // What vitest would take with no reporter configured (but for AI agents' "agent"), after this one.
  return { reporters: [named, "default", ...(process.env.GITHUB_ACTIONS === "true" ? ["github-actions" as const] : [])] };
}
