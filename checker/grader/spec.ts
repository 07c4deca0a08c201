/**
 * The phases' hidden vitest specs are thin: each runs its phase through the checker (the same
 * checks, unit and wire, that `npm run phase` runs) and turns every check into a vitest test.
 * LAB_SPEC_TARGET=solution grades the reference solution (npm test does); otherwise the student's file.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { findPhase, studentFile } from "../manifest.ts";
import { plainStyle, renderResult } from "./report.ts";
import { runPhase } from "./run.ts";
import type { RunReport, Target } from "../types.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function specPhase(number: number): void {
  const phase = findPhase(String(number));
  if (!phase) throw new Error(`no phase ${number} in the manifest`);
  const label = process.env.LAB_SPEC_TARGET === "solution" ? phase.solution : studentFile(phase);
  const target: Target = { kind: "file", file: path.join(ROOT, label), label };

  describe(`phase ${phase.number} (${phase.slug}) on ${label}`, () => {
    let report: RunReport;
    beforeAll(async () => {
      report = await runPhase({ phase, target, seed: Number(process.env.LAB_SEED ?? 20261125), root: ROOT });
    });
    for (const check of phase.checks) {
      // A real browser is driven only with --browser (test/browser.test.ts does, on the solution).
      const run = check.needsBrowser ? test.skip : test;
      run(check.title, () => {
        const result = report.results.find((r) => r.id === check.id);
        expect(result, `${check.id} did not run`).toBeDefined();
        // The checker's own report is the failure message: the same words a student reads.
        expect(result!.status, renderResult(result!, plainStyle)).toBe("pass");
      });
    }
  });
}
