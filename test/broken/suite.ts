/** The tests of one phase's broken variants; each phase has its own test file so they run in parallel. */
import { describe, expect, test } from "vitest";
import { brokenCases } from "./cases.ts";
import { gradeBroken, hasPython, wireVerdicts, type Graded } from "./harness.ts";

export function brokenSuite(phase: number): void {
  const graded = new Map<string, Graded>();
  describe(`phase ${phase}: broken variants fail with the check and words that name their mistake`, () => {
    for (const brokenCase of brokenCases.filter((c) => c.phase === phase)) {
      const python = brokenCase.base.endsWith(".py");
      const run = python && !hasPython ? test.skip : test;
      run(`${brokenCase.name}: ${brokenCase.mistake}`, async () => {
        const result = await gradeBroken(brokenCase);
        graded.set(brokenCase.name, result);
        const first = result.firstProblem;
        expect(first, `no check failed:\n${result.text}`).toBeDefined();
        expect(first!.id, result.text).toBe(brokenCase.firstFailure);
        expect(first!.status, result.text).toBe(brokenCase.status ?? "fail");
        expect(first!.finding!.message, result.text).toMatch(brokenCase.says);
        // Every failure carries a hint; failures of requests also carry the bytes.
        expect(first!.hint, result.text).toBeTruthy();
        // The whole report, as a student reads it, is recorded: a changed message is a reviewed diff.
        await expect(result.text).toMatchFileSnapshot(`./reports/${brokenCase.name}.txt`);
        if (brokenCase.twin) {
          const twin = graded.get(brokenCase.twin);
          expect(twin, `run the TypeScript twin ${brokenCase.twin} first`).toBeDefined();
          // Same mistake, other language: the same verdict on every check both can be given.
          expect(wireVerdicts(result.report)).toEqual(wireVerdicts(twin!.report));
        }
      });
    }
  });
  if (!hasPython) {
    test.skip("python3 is not installed: the Python variants are skipped (apt install python3)", () => {});
  }
}
