/**
 * Every check the checker makes is shown to fail on some server with that mistake: the recorded
 * reports of the broken variants and skeletons (test/reports) must, together, contain a failure of
 * each check of each phase. (That each one passes on the solution is the phases' own specs.)
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { phases } from "../checker/manifest.ts";
import { SUPPORTED_NODE_LINES } from "../checker/grader/node-lines.ts";
import { text } from "../checker/text.ts";

const textOf = text.run;

const REPORTS = path.join(import.meta.dirname, "reports");

/** phase:check ids that fail in `file`'s recorded report. */
function failuresIn(file: string): string[] {
  const text = readFileSync(path.join(REPORTS, file), "utf8");
  const phaseNumber = Number(/^Phase (\d+)/.exec(text)?.[1]);
  const phase = phases.find((p) => p.number === phaseNumber);
  if (!phase) return [];
  // A "+" marks a result the checker adds: "keeps running" (server.alive), or "ends, with everything it started" (server.stops).
  return [...text.matchAll(/^ {2}[✗!] (\d+)\.(\d+)(\+?) (.*)$/gm)].flatMap((match) => {
    const added = match[4]!.startsWith(textOf.keepsRunning) ? "server.alive" : match[4]!.startsWith(textOf.stopsTitle) ? "server.stops" : undefined;
    const id = match[3] ? added : phase.checks[Number(match[2]) - 1]?.id;
    return id ? [id] : [];
  });
}

// A report recorded per Node line (<name>.node<line>.txt) counts for its own line only: a check
// must fail somewhere on every supported line.
test.each(SUPPORTED_NODE_LINES)("on Node %i, each check of each phase fails in at least one recorded report", (line) => {
  const files = readdirSync(REPORTS).filter((file) => !/\.node\d+\.txt$/.test(file) || file.endsWith(`.node${line}.txt`));
  const everFailed = new Set(files.flatMap(failuresIn));
  const allChecks = new Set<string>();
  for (const phase of phases) for (const check of phase.checks) allChecks.add(check.id);
  const neverFailed = [...allChecks, "server.alive", "server.stops"].filter((id) => !everFailed.has(id));
  expect(neverFailed, "checks that no recorded report shows failing").toEqual([]);
});
