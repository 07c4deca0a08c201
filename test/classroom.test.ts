/**
 * The GitHub Classroom workflow keeps the rules without which every student gets 0 points: the job's
 * name, step ids listed as runners with their results passed on, whole-number max-scores, and one
 * step per phase running the phase's checker.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { phases } from "../checker/manifest.ts";
import { SUPPORTED_NODE_LINES } from "../checker/grader/node-lines.ts";
import { ROOT } from "./broken/harness.ts";

const workflow = readFileSync(path.join(ROOT, ".github/workflows/classroom.yml"), "utf8");

interface Step {
  id?: string;
  uses?: string;
  with: Record<string, string>;
  env: Record<string, string>;
}

/** The steps of the workflow's one job, read line by line (the file keeps to a plain layout). */
function steps(): Step[] {
  const found: Step[] = [];
  let section: "with" | "env" | null = null;
  for (const line of workflow.split("\n")) {
    if (/^ {6}- /.test(line)) {
      found.push({ with: {}, env: {} });
      section = null;
    }
    const step = found.at(-1);
    const field = /^ {6}[- ] (\w[\w-]*):\s*(.*)$/.exec(line);
    if (step && field) {
      const [, key, value] = field;
      if (key === "with" || key === "env") section = key;
      else {
        section = null;
        if (key === "id" || key === "uses") step[key] = value!.trim();
      }
      continue;
    }
    const entry = /^ {10}([\w-]+):\s*(.*)$/.exec(line);
    if (step && section && entry) step[section][entry[1]!] = entry[2]!.trim().replace(/^"(.*)"$/, "$1");
  }
  return found;
}

test("the job is run-autograding-tests, the name the reporter looks for, and may write checks", () => {
  expect(workflow).toMatch(/^jobs:\n {2}run-autograding-tests:\n/m);
  expect(workflow).toMatch(/^permissions:\n(?: {2}\w+: \w+\n)*? {2}checks: write\n/m);
  // One Node line the lab is tested on, so that the real clients' verdicts are those of the recorded reports.
  const line = Number(/node-version: (\d+)\n/.exec(workflow)?.[1]);
  expect(SUPPORTED_NODE_LINES).toContain(line);
  expect(workflow).toMatch(/run: npm ci\b/);
});

test("one command-grader step per phase, whole-number points adding up to 100, every one reported", () => {
  const all = steps();
  const graders = all.filter((step) => step.uses === "classroom-resources/autograding-command-grader@v1");
  expect(graders.map((step) => step.with.command)).toEqual(phases.map((phase) => `npm run phase ${phase.number}`));
  for (const step of graders) {
    expect(step.id, "an id of letters and digits").toMatch(/^[a-zA-Z0-9]+$/);
    expect(step.with["max-score"]).toMatch(/^\d+$/);
    expect(Number(step.with.timeout)).toBeGreaterThan(0);
  }
  expect(graders.reduce((sum, step) => sum + Number(step.with["max-score"]), 0)).toBe(100);

  const reporters = all.filter((step) => step.uses === "classroom-resources/autograding-grading-reporter@v1");
  expect(reporters).toHaveLength(1);
  const reporter = reporters[0]!;
  expect(reporter.with.runners).toBe(graders.map((step) => step.id).join(","));
  for (const step of graders) {
    expect(reporter.env[`${step.id!.toUpperCase()}_RESULTS`]).toBe(`\${{ steps.${step.id}.outputs.result }}`);
  }
  // The reporter comes after every grader.
  expect(all.indexOf(reporter)).toBeGreaterThan(Math.max(...graders.map((step) => all.indexOf(step))));
});
