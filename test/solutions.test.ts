/**
 * The reference solutions pass (the phases' .spec files grade solutions/<phase>/server.ts); here:
 * the worker-thread alternative, and the Python references graded with --cmd, as any language is.
 */
import path from "node:path";
import { describe, expect, test } from "vitest";
import { phases } from "../checker/manifest.ts";
import { ROOT, grade, hasPython } from "./broken/harness.ts";

test("the worker-thread solution of phase 5 passes", async () => {
  const label = "solutions/5-threads/server-worker.ts";
  const graded = await grade(5, { kind: "file", file: path.join(ROOT, label), label });
  expect(graded.firstProblem, graded.text).toBeUndefined();
  expect(graded.report.results.every((result) => result.status === "pass"), graded.text).toBe(true);
});

describe.skipIf(!hasPython)("the Python references pass with --cmd (skipped when python3 is missing)", () => {
  for (const phase of phases) {
    test(`phase ${phase.number} (${phase.slug})`, async () => {
      const graded = await grade(phase.number, { kind: "cmd", command: `python3 test/python/solution_${phase.number}.py` });
      expect(graded.firstProblem, graded.text).toBeUndefined();
      // Only the checks that call TypeScript functions (or drive a browser, without --browser) are skipped, and they say why.
      for (const result of graded.report.results.filter((r) => r.status === "skip")) {
        const check = phase.checks.find((c) => c.id === result.id);
        if (check?.needsBrowser) {
          expect(result.finding?.message).toMatch(/add --browser to run it/);
          continue;
        }
        expect(check?.needsModule, graded.text).toBe(true);
        expect(result.finding?.message).toMatch(/not with --cmd or --port/);
      }
    });
  }
});
