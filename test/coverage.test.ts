/**
 * Every check the checker makes is shown to fail on some server with that mistake: the recorded
 * reports of the broken variants and skeletons (test/reports) must, together, contain a failure of
 * each check of each phase. (That each one passes on the solution is the phases' own specs.)
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { phases } from "../checker/manifest.ts";

const REPORTS = path.join(import.meta.dirname, "reports");

test("each check of each phase fails in at least one recorded report", () => {
  const failed = new Set<string>();
  for (const file of readdirSync(REPORTS)) {
    const text = readFileSync(path.join(REPORTS, file), "utf8");
    const phaseNumber = Number(/^Phase (\d+)/.exec(text)?.[1]);
    const phase = phases.find((p) => p.number === phaseNumber);
    if (!phase) continue;
    for (const match of text.matchAll(/^ {2}[✗!] (\d+)\.(\d+)(\+?) /gm)) {
      const id = match[3] ? "server.alive" : phase.checks[Number(match[2]) - 1]?.id;
      if (id) failed.add(`${phase.number}:${id}`);
    }
  }
  const allChecks = new Set<string>();
  for (const phase of phases) for (const check of phase.checks) allChecks.add(check.id);
  const everFailed = new Set([...failed].map((key) => key.split(":")[1]!));
  const neverFailed = [...allChecks, "server.alive"].filter((id) => !everFailed.has(id));
  expect(neverFailed, "checks that no recorded report shows failing").toEqual([]);
});
